"""The history database on PostgreSQL. Skipped unless GAITCAM_TEST_PG_URL names a scratch
database (its name must contain "test": every table in it is dropped) and psycopg is installed:

    pip install 'psycopg[binary]'
    export GAITCAM_TEST_PG_URL=postgresql+psycopg://user@localhost/gaitcam_test
    pytest tests/test_store_postgres.py
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from test_store import METRIC_KEYS, clip_files, make_clip, make_report

from gaitcam.store import LATEST_VERSION, Store

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("GAITCAM_TEST_PG_URL", "")

pytestmark = [
    pytest.mark.skipif(not PG_URL, reason="GAITCAM_TEST_PG_URL is not set"),
    pytest.mark.skipif(importlib.util.find_spec("psycopg") is None and PG_URL.startswith(
        "postgresql+psycopg:"), reason="psycopg is not installed"),
]


@pytest.fixture()
def pg_url() -> str:
    name = make_url(PG_URL).database or ""
    assert "test" in name, "GAITCAM_TEST_PG_URL must name a scratch database (*test*)"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return PG_URL


def test_store_api_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(url=pg_url, data_dir=data) as s:
        assert s.url.startswith("postgresql")
        ann, ben = s.add_runner("Ann", height_cm=170), s.add_runner("Ben")
        shared = make_clip(tmp_path / "in", "shared.mp4")
        a1 = s.save_session(ann, make_clip(tmp_path / "in", "a.mp4"), make_report(1),
                            recorded_at="2024-05-02", label="after")
        s.save_session(ann, shared, make_report(0), recorded_at="2024-05-01", label="before")
        b1 = s.save_session(ben, shared, make_report(5))
        s.add_note("note", session_id=a1, author="PT")
        assert [p.value for p in s.metric_history(ann, "cadence_spm")] == [160.0, 161.0]
        assert s.metric_keys(ann) == sorted(set(METRIC_KEYS) - {"pelvic_drop_deg"})
        assert s.get_session(a1).report == make_report(1)
        s.delete_runner(ann)
        assert [r.name for r in s.list_runners()] == ["Ben"]
        assert len(clip_files(data)) == 1 and s.get_session(b1).clip_available
    with Store.open(url=pg_url, data_dir=data) as s:  # reopen: no migration re-applied
        engine = s._engine
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM schema_version")) == LATEST_VERSION
            assert conn.scalar(text("SELECT count(*) FROM session_metrics")) == len(METRIC_KEYS)


def test_concurrent_saves_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    body = """
import os, sys
from pathlib import Path
from gaitcam.store import Store
url, data, work, tag = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
work.mkdir(parents=True)
with Store.open(url=url, data_dir=data) as s:
    rid = s.add_runner(tag)
    for i in range(30):
        p = work / f"{i}.mp4"
        p.write_bytes(os.urandom(2000))
        s.save_session(rid, p, {"metrics": {"cadence_spm": 150.0 + i, "trunk_lean_deg": 4.0}})
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    procs = [subprocess.Popen([sys.executable, "-c", body, pg_url, str(tmp_path / "data"),
                               str(tmp_path / tag), tag], env=env, stderr=subprocess.PIPE,
                              text=True) for tag in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with Store.open(url=pg_url, data_dir=tmp_path / "data") as s:
        for r in s.list_runners():
            assert [p.value for p in s.metric_history(r.id, "cadence_spm")] == [
                150.0 + i for i in range(30)]
        with s._engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM sessions")) == 60
            assert conn.scalar(text("SELECT count(*) FROM session_metrics")) == 120
    assert len(clip_files(tmp_path / "data")) == 60
