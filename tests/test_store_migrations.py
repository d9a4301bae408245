"""Schema migrations of the history database: an old (v1) database made by hand is upgraded on
open with its data kept; upgrading is idempotent; a migrated database matches schema.py."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex, CreateTable
from test_store import make_report

from gaitcam.store import LATEST_VERSION, DatabaseError, Store
from gaitcam.store.schema import metadata

# The first schema, written out as an old gaitcam would have created it (no session_metrics).
V1_SQL = """
CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at DATETIME NOT NULL,
    description VARCHAR(200) NOT NULL);
CREATE TABLE runners (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(100) NOT NULL,
    height_cm FLOAT, leg_length_cm FLOAT, notes TEXT NOT NULL, created_at DATETIME NOT NULL);
CREATE TABLE sessions (id INTEGER PRIMARY KEY AUTOINCREMENT,
    runner_id INTEGER NOT NULL REFERENCES runners (id) ON DELETE CASCADE,
    recorded_at DATETIME NOT NULL, created_at DATETIME NOT NULL, label VARCHAR(200) NOT NULL,
    view VARCHAR(16), model VARCHAR(100), clip_path VARCHAR(300), clip_sha256 VARCHAR(64),
    clip_name VARCHAR(300), report_json TEXT NOT NULL);
CREATE INDEX ix_sessions_runner_recorded ON sessions (runner_id, recorded_at);
CREATE INDEX ix_sessions_clip_path ON sessions (clip_path);
CREATE TABLE clinician_notes (id INTEGER PRIMARY KEY AUTOINCREMENT,
    runner_id INTEGER NOT NULL REFERENCES runners (id) ON DELETE CASCADE,
    session_id INTEGER REFERENCES sessions (id) ON DELETE CASCADE,
    author VARCHAR(100) NOT NULL, text TEXT NOT NULL, created_at DATETIME NOT NULL);
CREATE INDEX ix_notes_runner ON clinician_notes (runner_id);
CREATE INDEX ix_notes_session ON clinician_notes (session_id);
INSERT INTO schema_version VALUES (1, '2024-01-01 00:00:00.000000',
    'runners, sessions and clinician notes');
"""


def make_v1_database(data: Path) -> tuple[Path, bytes]:
    """A v1 database with one runner, two sessions (one with a stored clip) and a note."""
    content = os.urandom(2000)
    sha = hashlib.sha256(content).hexdigest()
    rel = f"clips/{sha[:2]}/{sha}.mp4"
    (data / rel).parent.mkdir(parents=True)
    (data / rel).write_bytes(content)
    con = sqlite3.connect(data / "gaitcam.db")
    con.executescript(V1_SQL)
    con.execute("INSERT INTO runners VALUES (1, 'Ann', 170.0, NULL, '', "
                "'2024-01-01 09:00:00.000000')")
    con.execute("INSERT INTO sessions VALUES (1, 1, '2024-02-01 12:00:00.000000', "
                "'2024-02-01 13:00:00.000000', 'before block', 'side', 'full', ?, ?, 'a.mp4', ?)",
                (rel, sha, json.dumps(make_report(0))))
    con.execute("INSERT INTO sessions VALUES (2, 1, '2024-03-01 12:00:00.000000', "
                "'2024-03-01 13:00:00.000000', 'after block', 'side', 'full', NULL, NULL, NULL, ?)",
                (json.dumps(make_report(4)),))
    con.execute("INSERT INTO clinician_notes VALUES (1, 1, 2, 'PT', 'Better.', "
                "'2024-03-01 14:00:00.000000')")
    con.commit()
    con.close()
    return data / rel, content


def versions(data: Path) -> list[int]:
    con = sqlite3.connect(data / "gaitcam.db")
    try:
        return [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY version")]
    finally:
        con.close()


def test_opening_a_v1_database_upgrades_it_and_keeps_the_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    clip, content = make_v1_database(data)
    stray = data / "clips" / "00" / ("0" * 64 + ".mp4")  # unreferenced: swept on open
    stray.parent.mkdir()
    stray.write_bytes(b"x")
    assert versions(data) == [1]

    with Store.open(data_dir=data) as s:
        assert versions(data) == [1, 2] == list(range(1, LATEST_VERSION + 1))
        [runner] = s.list_runners()
        assert (runner.name, runner.height_cm, runner.session_count) == ("Ann", 170.0, 2)
        first = s.get_session(1)
        assert first.report == make_report(0) and first.clip_path == clip
        assert clip.read_bytes() == content and not stray.exists()
        # session_metrics was filled from the stored reports
        hist = s.metric_history(1, "cadence_spm")
        assert [(p.value, p.session_id, p.label) for p in hist] == [
            (160.0, 1, "before block"), (164.0, 2, "after block")]
        assert [p.value for p in s.metric_history(1, "overstride_pct_leg", side="left")] == [
            24.0, 20.0]
        assert [n.text for n in s.notes(session_id=2)] == ["Better."]
        new = s.save_session(1, None, make_report(7))
        assert new == 3

    with Store.open(data_dir=data) as s:  # idempotent: nothing re-applied
        assert versions(data) == [1, 2]
        assert len(s.metric_history(1, "cadence_spm")) == 3
        s.delete_runner(1)  # the cascade works on the upgraded tables too
        assert not clip.exists()
    con = sqlite3.connect(data / "gaitcam.db")
    assert con.execute("SELECT count(*) FROM session_metrics").fetchone()[0] == 0
    con.close()


def test_a_broken_report_in_an_old_database_does_not_block_the_upgrade(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    make_v1_database(data)
    con = sqlite3.connect(data / "gaitcam.db")
    con.execute("UPDATE sessions SET report_json = '{not json' WHERE id = 2")
    con.commit()
    con.close()
    with Store.open(data_dir=data) as s:
        assert [p.session_id for p in s.metric_history(1, "cadence_spm")] == [1]
        assert s.get_session(2).report == {}


def test_migrated_database_matches_schema_py(tmp_path: Path) -> None:
    with Store.open(data_dir=tmp_path):
        pass
    engine = create_engine(f"sqlite:///{tmp_path / 'gaitcam.db'}")
    insp = inspect(engine)
    assert set(insp.get_table_names()) == set(metadata.tables)
    for name, table in metadata.tables.items():
        cols = {c["name"]: c for c in insp.get_columns(name)}
        assert list(cols) == [c.name for c in table.columns], name
        for c in table.columns:
            assert cols[c.name]["nullable"] == c.nullable, (name, c.name)
            assert type(cols[c.name]["type"]).__name__.upper() == (
                c.type.compile(engine.dialect).split("(")[0]), (name, c.name)
        assert insp.get_pk_constraint(name)["constrained_columns"] == [
            c.name for c in table.primary_key.columns]
        fks = {(tuple(f["constrained_columns"]), f["referred_table"], f["options"].get("ondelete"))
               for f in insp.get_foreign_keys(name)}
        assert fks == {((fk.parent.name,), fk.column.table.name, fk.ondelete)
                       for fk in table.foreign_keys}, name
        assert {i["name"] for i in insp.get_indexes(name)} == {i.name for i in table.indexes}
    engine.dispose()


def test_schema_compiles_for_postgresql() -> None:
    """Nothing SQLite-only in the table definitions (no driver or server needed)."""
    dialect = postgresql.dialect()
    for table in metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=dialect))
        assert "AUTOINCREMENT" not in ddl
        for index in table.indexes:
            str(CreateIndex(index).compile(dialect=dialect))


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    with Store.open(data_dir=tmp_path):
        pass
    con = sqlite3.connect(tmp_path / "gaitcam.db")
    con.execute("INSERT INTO schema_version VALUES (99, '2030-01-01 00:00:00', 'future')")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="newer gaitcam") as info:
        Store.open(data_dir=tmp_path)
    assert "Update gaitcam" in info.value.hint


def test_a_foreign_database_is_refused_untouched(tmp_path: Path) -> None:
    con = sqlite3.connect(tmp_path / "gaitcam.db")
    con.execute("CREATE TABLE runners (id INTEGER PRIMARY KEY, shoe TEXT)")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="no gaitcam schema version"):
        Store.open(data_dir=tmp_path)
    con = sqlite3.connect(tmp_path / "gaitcam.db")
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    assert tables == {"runners"}  # the failed migration was rolled back entirely
