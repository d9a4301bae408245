"""The history database (gaitcam.store) in one process, against a real SQLite file in tmp_path:
runners, sessions, metrics over time, notes, clip files, validation, cascading deletion."""

from __future__ import annotations

import hashlib
import math
import os
import sqlite3
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import event

from gaitcam.errors import GaitcamError
from gaitcam.store import (
    ClipNotFoundError,
    DatabaseError,
    InvalidInputError,
    NotFoundError,
    Store,
    default_data_dir,
)

METRIC_KEYS = ("cadence_spm", "trunk_lean_deg", "overstride_pct_leg", "pelvic_drop_deg",
               "foot_strike_pattern")


def make_report(i: float = 0.0, view: str = "side") -> dict:
    """A small report following the shared contract; values depend on `i`."""
    return {
        "schema_version": "1.0",
        "source": {"model": "full"},
        "view": {"view": view, "facing": "right", "confidence": 0.9, "forced": False},
        "metrics": {
            "cadence_spm": {"value": 160.0 + i, "unit": "steps/min", "status": "good",
                            "measurable": True},
            "trunk_lean_deg": {"value": 5.0 + i / 10, "unit": "deg", "status": "good"},
            "overstride_pct_leg": {"value": 25.0 - i, "left": 24.0 - i, "right": 26.0 - i,
                                   "asymmetry_pct": 8.0, "unit": "% leg", "status": "watch"},
            "pelvic_drop_deg": {"value": None, "unit": "deg", "status": "not_measurable",
                                "measurable": False, "reason": "side view"},
            "foot_strike_pattern": {"value": "rearfoot", "unit": "", "status": "info"},
        },
        "findings": [{"id": "overstride", "metric": "overstride_pct_leg", "severity": "watch",
                      "value": 25.0 - i, "message": "..."}],
    }


def make_clip(folder: Path, name: str = "clip.mp4", size: int = 4096,
              content: bytes | None = None) -> Path:
    """A fake clip: random bytes (the store never decodes video)."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / name
    p.write_bytes(content if content is not None else os.urandom(size))
    return p


def clip_files(data_dir: Path) -> list[Path]:
    """Every file under clips/ (final names and temp files)."""
    return sorted(p for p in (data_dir / "clips").rglob("*") if p.is_file())


def count(data_dir: Path, sql: str) -> int:
    con = sqlite3.connect(data_dir / "gaitcam.db")
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


@pytest.fixture()
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("GAITCAM_DB_URL", raising=False)
    return tmp_path / "data"


@pytest.fixture()
def store(data_dir: Path):
    with Store.open(data_dir=data_dir) as s:
        yield s


def test_runner_crud(store: Store) -> None:
    a = store.add_runner("  Zoe  ", height_cm=165, leg_length_cm=np.float64(86.5), notes="LBP")
    b = store.add_runner("adam")
    runners = store.list_runners()
    assert [r.name for r in runners] == ["adam", "Zoe"]  # case-insensitive order, trimmed
    zoe = store.get_runner(a)
    assert (zoe.height_cm, zoe.leg_length_cm, zoe.notes) == (165.0, 86.5, "LBP")
    assert zoe.session_count == 0 and zoe.last_recorded_at is None
    assert zoe.created_at.tzinfo is UTC
    updated = store.update_runner(a, height_cm=None, notes="")
    assert updated.height_cm is None and updated.leg_length_cm == 86.5 and updated.name == "Zoe"
    assert store.update_runner(b, name="Adam B").name == "Adam B"
    store.delete_runner(b)
    assert [r.id for r in store.list_runners()] == [a]
    c = store.add_runner("new")
    assert c > b  # ids of deleted runners are never reused


@pytest.mark.parametrize("kwargs", [
    {"name": ""}, {"name": "   "}, {"name": "a\nb"}, {"name": "x" * 101}, {"name": 5},
    {"name": "ok", "height_cm": 0}, {"name": "ok", "height_cm": float("nan")},
    {"name": "ok", "height_cm": "170"}, {"name": "ok", "height_cm": True},
    {"name": "ok", "leg_length_cm": 500}, {"name": "ok", "notes": None},
])
def test_bad_runner_input_is_a_friendly_error(store: Store, kwargs: dict) -> None:
    with pytest.raises(InvalidInputError) as info:
        store.add_runner(**kwargs)
    assert isinstance(info.value, GaitcamError) and info.value.message and info.value.hint
    assert store.list_runners() == []


def test_unknown_ids_raise_not_found(store: Store, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "in")
    for call in (lambda: store.get_runner(99), lambda: store.delete_runner(99),
                 lambda: store.update_runner(99, name="x"), lambda: store.list_sessions(99),
                 lambda: store.get_session(99), lambda: store.delete_session(99),
                 lambda: store.metric_history(99, "cadence_spm"),
                 lambda: store.add_note("x", runner_id=99), lambda: store.delete_note(99),
                 lambda: store.save_session(99, clip, make_report())):
        with pytest.raises(NotFoundError):
            call()
    assert clip_files(store.data_dir) == []  # nothing copied for an unknown runner
    with pytest.raises(InvalidInputError):
        store.get_runner("1")  # type: ignore[arg-type]


def test_save_and_read_session(store: Store, tmp_path: Path) -> None:
    rid = store.add_runner("Ann", height_cm=170)
    clip = make_clip(tmp_path / "in", "Run 1.MOV")
    report = make_report(2)
    when = datetime(2024, 3, 1, 18, 30, tzinfo=UTC)
    sid = store.save_session(rid, clip, report, recorded_at=when, label="before block")
    s = store.get_session(sid)
    assert s.report == report
    assert (s.runner_id, s.label, s.view, s.model, s.clip_name) == (
        rid, "before block", "side", "full", "Run 1.MOV")
    assert s.recorded_at == when
    digest = hashlib.sha256(clip.read_bytes()).hexdigest()
    assert s.clip_sha256 == digest and s.clip_available
    assert s.clip_path == store.data_dir / "clips" / digest[:2] / f"{digest}.mov"
    assert s.clip_path.read_bytes() == clip.read_bytes()
    listed = store.list_sessions(rid)
    assert [x.id for x in listed] == [sid] and listed[0].report is None
    runner = store.get_runner(rid)
    assert runner.session_count == 1 and runner.last_recorded_at == when
    relabelled = store.update_session(sid, label="after block", recorded_at=date(2024, 3, 2))
    assert relabelled.label == "after block"
    assert relabelled.recorded_at.astimezone().date() == date(2024, 3, 2)


def test_upload_saved_under_a_temporary_name(store: Store, tmp_path: Path) -> None:
    rid = store.add_runner("Ann")
    tmp_upload = make_clip(tmp_path / "up", "tmpab12cd")  # no extension
    s = store.get_session(store.save_session(rid, tmp_upload, make_report(),
                                             clip_name="Track day.MOV", label="  x  "))
    assert s.clip_name == "Track day.MOV" and s.label == "x"
    assert s.clip_path.suffix == ".mov" and s.clip_available


def test_metric_history_over_time(store: Store, tmp_path: Path) -> None:
    rid = store.add_runner("Ann")
    other = store.add_runner("Ben")
    store.save_session(other, make_clip(tmp_path / "b"), make_report(50))
    days = [date(2024, 5, 3), date(2024, 5, 1), date(2024, 5, 2)]  # saved out of order
    sids = [store.save_session(rid, make_clip(tmp_path / f"c{i}"), make_report(i),
                               recorded_at=d, label=f"s{i}") for i, d in enumerate(days)]
    hist = store.metric_history(rid, "cadence_spm")
    assert [p.session_id for p in hist] == [sids[1], sids[2], sids[0]]  # by filming date
    assert [p.value for p in hist] == [161.0, 162.0, 160.0]
    recorded_at, value, session_id, *_ = hist[0]  # unpacks like a tuple
    assert (value, session_id, hist[0].unit, hist[0].label) == (161.0, sids[1], "steps/min", "s1")
    assert [p.value for p in store.metric_history(rid, "overstride_pct_leg", side="right")] == [
        25.0, 24.0, 26.0]
    assert [p.value for p in store.metric_history(rid, "foot_strike_pattern")] == ["rearfoot"] * 3
    assert store.metric_history(rid, "pelvic_drop_deg") == []  # never measurable: skipped
    assert store.metric_history(rid, "no_such_metric") == []
    assert store.metric_keys(rid) == ["cadence_spm", "foot_strike_pattern", "overstride_pct_leg",
                                      "trunk_lean_deg"]
    with pytest.raises(InvalidInputError):
        store.metric_history(rid, "cadence_spm", side="both")


def test_reports_of_any_shape_are_stored(store: Store, tmp_path: Path) -> None:
    rid = store.add_runner("Ann")
    odd = {
        "view": "rear",  # a bare string instead of a dict
        "source": {"model": {"name": "heavy"}},
        "metrics": {
            "cadence_spm": np.float32(171.5),  # bare numpy number
            "pelvic_drop_deg": {"value": np.float64("nan"), "unit": "deg"},
            "step_width_pct_leg": {"value": np.int64(3), "left": float("inf")},
            "knee_valgus_deg": "n/a",
            "": {"value": 1.0},
        },
        "per_frame": np.arange(3),
    }
    sid = store.save_session(rid, None, odd)
    s = store.get_session(sid)
    assert s.view == "rear" and s.model == "heavy" and s.clip_path is None and not s.clip_available
    assert s.report["per_frame"] == [0, 1, 2]
    assert s.report["metrics"]["pelvic_drop_deg"]["value"] is None  # NaN -> null
    assert store.metric_history(rid, "cadence_spm")[0].value == 171.5
    assert store.metric_history(rid, "step_width_pct_leg")[0].value == 3.0
    assert store.metric_history(rid, "step_width_pct_leg", side="left") == []
    assert store.metric_keys(rid) == ["cadence_spm", "knee_valgus_deg", "step_width_pct_leg"]
    empty = store.save_session(rid, None, {})
    assert store.get_session(empty).report == {} and store.get_session(empty).view is None
    for bad in ([1, 2], "report", {"x": object()}):
        with pytest.raises(InvalidInputError):
            store.save_session(rid, None, bad)  # type: ignore[arg-type]


def test_missing_clip_is_a_friendly_error(store: Store, tmp_path: Path) -> None:
    rid = store.add_runner("Ann")
    for path in (tmp_path / "nope.mp4", tmp_path):
        with pytest.raises(ClipNotFoundError):
            store.save_session(rid, path, make_report())
    assert store.list_sessions(rid) == []


def test_same_clip_is_stored_once_and_removed_with_its_last_session(
    store: Store, tmp_path: Path
) -> None:
    rid = store.add_runner("Ann")
    content = os.urandom(10_000)
    a = store.save_session(rid, make_clip(tmp_path / "x", "a.mp4", content=content), make_report())
    b = store.save_session(rid, make_clip(tmp_path / "y", "b.mp4", content=content), make_report())
    assert store.get_session(a).clip_path == store.get_session(b).clip_path
    assert len(clip_files(store.data_dir)) == 1
    store.delete_session(a)
    assert store.get_session(b).clip_available
    store.delete_session(b)
    assert clip_files(store.data_dir) == []


def test_delete_runner_cascades_to_rows_and_clip_files(store: Store, tmp_path: Path) -> None:
    ann, ben = store.add_runner("Ann Qxzvwy"), store.add_runner("Ben")
    own1, own2 = make_clip(tmp_path / "a", "1.mp4"), make_clip(tmp_path / "a", "2.mp4")
    shared = make_clip(tmp_path / "s", "shared.mp4")
    s1 = store.save_session(ann, own1, make_report(1))
    store.save_session(ann, own2, make_report(2))
    store.save_session(ann, shared, make_report(3))
    kept = store.save_session(ben, shared, make_report(4))
    store.add_note("general: Jkqpzx tendon", runner_id=ann)
    store.add_note("about s1", session_id=s1)
    store.add_note("ben's", session_id=kept)
    ann_files = [store.get_session(s.id).clip_path for s in store.list_sessions(ann)]
    assert len(clip_files(store.data_dir)) == 3

    store.delete_runner(ann)

    d = store.data_dir
    assert count(d, f"SELECT count(*) FROM runners WHERE id = {ann}") == 0
    assert count(d, f"SELECT count(*) FROM sessions WHERE runner_id = {ann}") == 0
    assert count(d, f"SELECT count(*) FROM clinician_notes WHERE runner_id = {ann}") == 0
    assert count(d, "SELECT count(*) FROM session_metrics WHERE session_id NOT IN "
                    "(SELECT id FROM sessions)") == 0
    assert count(d, "SELECT count(*) FROM session_metrics") == len(METRIC_KEYS)  # Ben's only
    assert not ann_files[0].exists() and not ann_files[1].exists()
    assert ann_files[2].exists()  # shared with Ben's session
    assert clip_files(d) == [ann_files[2]]
    assert [n.text for n in store.notes(runner_id=ben)] == ["ben's"]
    assert store.get_session(kept).clip_available
    raw = b"".join(p.read_bytes() for p in d.glob("gaitcam.db*"))
    assert b"Qxzvwy" not in raw and b"Jkqpzx" not in raw  # not left in free pages or the WAL
    store.delete_runner(ben)
    assert clip_files(d) == []
    assert count(d, "SELECT count(*) FROM sessions") == 0


def test_notes(store: Store, tmp_path: Path) -> None:
    ann, ben = store.add_runner("Ann"), store.add_runner("Ben")
    sid = store.save_session(ann, None, make_report())
    general = store.add_note("Back pain after 5 km.", runner_id=ann, author="PT Kim")
    on_session = store.add_note("Cue: quieter landing.", session_id=sid)
    assert [n.id for n in store.notes(runner_id=ann)] == [general, on_session]
    [n] = store.notes(session_id=sid)
    assert (n.runner_id, n.session_id, n.author, n.text) == (ann, sid, "", "Cue: quieter landing.")
    assert store.notes(runner_id=ben) == []
    with pytest.raises(InvalidInputError):
        store.add_note("x", runner_id=ben, session_id=sid)  # the session is Ann's
    for bad in ("", "   "):
        with pytest.raises(InvalidInputError):
            store.add_note(bad, runner_id=ann)
    with pytest.raises(InvalidInputError):
        store.add_note("x")
    with pytest.raises(InvalidInputError):
        store.notes()
    store.delete_note(general)
    store.delete_session(sid)
    assert store.notes(runner_id=ann) == []


def test_failed_save_removes_the_clip_it_copied(store: Store, tmp_path: Path) -> None:
    rid = store.add_runner("Ann")
    shared = make_clip(tmp_path / "s", "shared.mp4")
    store.save_session(rid, shared, make_report())
    failures = {"left": 0}

    def fail_commit(_conn) -> None:
        if failures["left"]:
            failures["left"] -= 1
            raise RuntimeError("simulated failure at commit")

    event.listen(store._engine, "commit", fail_commit)
    for clip, files_after in ((make_clip(tmp_path / "n", "new.mp4"), 1), (shared, 1)):
        failures["left"] = 1
        with pytest.raises(RuntimeError):
            store.save_session(rid, clip, make_report())
        assert len(clip_files(store.data_dir)) == files_after  # new clip gone, shared one kept
    assert len(store.list_sessions(rid)) == 1


def test_clip_removed_by_a_concurrent_deletion_is_copied_again(
    store: Store, tmp_path: Path
) -> None:
    rid = store.add_runner("Ann")
    clip = make_clip(tmp_path / "c")
    digest = hashlib.sha256(clip.read_bytes()).hexdigest()
    final = store.data_dir / "clips" / digest[:2] / f"{digest}.mp4"

    def delete_before_write(conn) -> None:  # what a concurrent delete_runner would do
        if conn.get_execution_options().get("gaitcam_write"):
            final.unlink(missing_ok=True)

    event.listen(store._engine, "begin", delete_before_write)
    sid = store.save_session(rid, clip, make_report())
    event.remove(store._engine, "begin", delete_before_write)
    assert store.get_session(sid).clip_available and final.read_bytes() == clip.read_bytes()


def test_threads_sharing_one_store(store: Store, tmp_path: Path) -> None:
    rid = store.add_runner("Ann")
    errors: list[BaseException] = []

    def work(k: int) -> None:
        try:
            for i in range(8):
                store.save_session(rid, make_clip(tmp_path / f"t{k}", f"{i}.mp4"), make_report(i))
                store.metric_history(rid, "cadence_spm")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.list_sessions(rid)) == 24
    assert count(store.data_dir, "SELECT count(*) FROM session_metrics") == 24 * len(METRIC_KEYS)


def test_sqlite_settings(store: Store) -> None:
    with store._engine.connect() as conn:
        pragma = {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar()
                  for p in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous",
                            "secure_delete")}
    assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10_000,
                      "synchronous": 2, "secure_delete": 1}


def test_locations_from_arguments_and_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GAITCAM_DB_URL", raising=False)
    monkeypatch.setenv("GAITCAM_DATA_DIR", str(tmp_path / "env"))
    with Store.open() as s:
        s.add_runner("Ann")
        assert s.data_dir == tmp_path / "env" and s.url.endswith("/env/gaitcam.db")
    assert (tmp_path / "env" / "gaitcam.db").is_file() and (tmp_path / "env" / "clips").is_dir()
    if os.name == "posix":
        assert (tmp_path / "env").stat().st_mode & 0o077 == 0  # private to the user

    other_db = tmp_path / "elsewhere" / "h.db"
    monkeypatch.setenv("GAITCAM_DB_URL", f"sqlite:///{other_db}")
    with Store.open() as s:
        assert s.list_runners() == [] and other_db.is_file()
    with Store.open(url=f"sqlite:///{tmp_path / 'env' / 'gaitcam.db'}") as s:
        assert [r.name for r in s.list_runners()] == ["Ann"]  # argument beats environment

    monkeypatch.delenv("GAITCAM_DB_URL")
    monkeypatch.delenv("GAITCAM_DATA_DIR")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    if sys.platform.startswith("linux"):
        assert default_data_dir() == tmp_path / "home" / ".local" / "share" / "gaitcam"
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
        assert default_data_dir() == tmp_path / "xdg" / "gaitcam"


def test_unusable_database_urls(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="not a database URL"):
        Store.open(url="not a url", data_dir=tmp_path)
    with pytest.raises(DatabaseError, match="driver") as info:
        Store.open(url="nosuchdb+nosuchdriver://u@localhost/x", data_dir=tmp_path)
    assert info.value.hint
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(DatabaseError, match="data folder"):
        Store.open(data_dir=blocker / "sub")


def test_in_memory_sqlite_works(tmp_path: Path) -> None:
    with Store.open(url="sqlite://", data_dir=tmp_path) as s:
        rid = s.add_runner("Ann")
        s.save_session(rid, None, make_report())
        assert math.isclose(s.metric_history(rid, "cadence_spm")[0].value, 160.0)
