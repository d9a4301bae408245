"""The history database across processes, on a real SQLite file: data survives a restart,
concurrent writers lose nothing, and a process killed mid-save (SIGKILL) leaves a consistent
database and clip folder."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_store import METRIC_KEYS, clip_files, make_clip, make_report

from gaitcam.store import Store

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="uses SIGKILL and POSIX fork/exec")

# Run in child processes: argv[1] = data folder, argv[2] = work folder, argv[3:] = extra.
PRELUDE = '''
import os, sys, time, json
from pathlib import Path
from gaitcam.store import Store
data, work = Path(sys.argv[1]), Path(sys.argv[2])
work.mkdir(parents=True, exist_ok=True)

def report(i):
    return {"view": {"view": "side"}, "source": {"model": "full"}, "metrics": {
        "cadence_spm": {"value": 160.0 + i, "unit": "steps/min"},
        "trunk_lean_deg": {"value": 5.0 + i / 10, "unit": "deg"},
        "overstride_pct_leg": {"value": 25.0 - i, "left": 24.0 - i, "right": 26.0 - i,
                               "unit": "% leg"},
        "pelvic_drop_deg": {"value": None, "unit": "deg", "measurable": False},
        "foot_strike_pattern": {"value": "rearfoot", "unit": ""}}}

def clip(name, content=None):
    p = work / name
    p.write_bytes(content if content is not None else os.urandom(3000))
    return p

def wait_for(path, timeout=60):
    end = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > end:
            sys.exit("timed out waiting for " + str(path))
        time.sleep(0.01)
'''


def run_child(body: str, data: Path, work: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("GAITCAM_DB_URL", None)
    env.pop("GAITCAM_DATA_DIR", None)
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + body, str(data), str(work), *extra],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def finish(proc: subprocess.Popen, timeout: float = 60) -> str:
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, f"child failed ({proc.returncode}):\n{err}"
    return out


def wait_for(path: Path, proc: subprocess.Popen, timeout: float = 30) -> None:
    end = time.monotonic() + timeout
    while not path.exists():
        if proc.poll() is not None:
            pytest.fail(f"child exited early ({proc.returncode}):\n{proc.stderr.read()}")
        assert time.monotonic() < end, f"timed out waiting for {path.name}"
        time.sleep(0.01)


def kill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def check_consistent(data: Path) -> int:
    """Assert the database file and clip folder are consistent; returns the session count.

    Reads the file with the plain sqlite3 module, before any gaitcam code touches it again.
    """
    con = sqlite3.connect(data / "gaitcam.db")
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        assert con.execute("SELECT count(*) FROM session_metrics WHERE session_id NOT IN "
                           "(SELECT id FROM sessions)").fetchone()[0] == 0
        per_session = con.execute(
            "SELECT s.id, count(m.key) FROM sessions s LEFT JOIN session_metrics m "
            "ON m.session_id = s.id GROUP BY s.id").fetchall()
        assert all(n == len(METRIC_KEYS) for _, n in per_session), per_session
        referenced = [r[0] for r in con.execute(
            "SELECT clip_path FROM sessions WHERE clip_path IS NOT NULL")]
    finally:
        con.close()
    for rel in referenced:  # a committed session always has its clip
        assert (data / rel).is_file(), rel
    for f in clip_files(data):  # whatever has a final name is a complete copy
        if not f.name.endswith(".tmp"):
            m = re.fullmatch(r"([0-9a-f]{64})\.mp4", f.name)
            assert m and hashlib.sha256(f.read_bytes()).hexdigest() == m.group(1), f
    return len(per_session)


def test_data_survives_a_restart(tmp_path: Path) -> None:
    data, work = tmp_path / "data", tmp_path / "work"
    body = '''
with Store.open(data_dir=data) as s:
    rid = s.add_runner("Ann", height_cm=170, leg_length_cm=88, notes="LBP since May")
    c = clip("first.mp4")
    sid = s.save_session(rid, c, report(1), recorded_at="2024-05-01T10:00:00+00:00",
                         label="before block")
    s.add_note("Cue: lean from the ankles.", session_id=sid, author="PT")
print(json.dumps({"rid": rid, "sid": sid, "clip": str(c)}))
'''
    ids = json.loads(finish(run_child(body, data, work)))
    with Store.open(data_dir=data) as s:  # this test process is the second program
        runner = s.get_runner(ids["rid"])
        assert (runner.name, runner.height_cm, runner.leg_length_cm, runner.notes,
                runner.session_count) == ("Ann", 170.0, 88.0, "LBP since May", 1)
        session = s.get_session(ids["sid"])
        assert session.label == "before block" and session.recorded_at.isoformat() == (
            "2024-05-01T10:00:00+00:00")
        assert session.report["metrics"]["cadence_spm"]["value"] == 161.0
        assert session.clip_path.read_bytes() == Path(ids["clip"]).read_bytes()
        assert [n.text for n in s.notes(session_id=ids["sid"])] == ["Cue: lean from the ankles."]
        assert [(p.value, p.session_id) for p in s.metric_history(ids["rid"], "cadence_spm")] == [
            (161.0, ids["sid"])]


def test_concurrent_saves_from_two_processes_lose_nothing(tmp_path: Path) -> None:
    data, go = tmp_path / "data", tmp_path / "go"
    shared = make_clip(tmp_path / "shared", "shared.mp4", size=5000)
    n = 50
    # Both start on a database that does not exist yet, so they also race to create it.
    body = f'''
tag = sys.argv[3]
with Store.open(data_dir=data) as s:
    rid = s.add_runner("runner " + tag)
    (work / "ready").write_text("")
    wait_for(Path({str(go)!r}))
    for i in range({n}):
        c = Path({str(shared)!r}) if i % 10 == 0 else clip(f"{{i}}.mp4")
        s.save_session(rid, c, report(i), label=f"{{tag}}-{{i}}")
'''
    procs = {tag: run_child(body, data, tmp_path / tag, tag) for tag in ("a", "b")}
    for tag, p in procs.items():
        wait_for(tmp_path / tag / "ready", p, timeout=60)
    t0 = time.monotonic()
    go.write_text("")
    for p in procs.values():
        finish(p, timeout=120)
    elapsed = time.monotonic() - t0

    assert check_consistent(data) == 2 * n
    with Store.open(data_dir=data) as s:
        runners = s.list_runners()
        assert sorted(r.name for r in runners) == ["runner a", "runner b"]
        labels = {x.label for r in runners for x in s.list_sessions(r.id)}
        assert labels == {f"{tag}-{i}" for tag in "ab" for i in range(n)}
        for r in runners:
            assert [p.value for p in s.metric_history(r.id, "cadence_spm")] == [
                160.0 + i for i in range(n)]
    # 45 own clips per process, the shared one once.
    assert len(clip_files(data)) == 2 * (n - n // 10) + 1
    print(f"100 concurrent saves in {elapsed:.1f} s")


def test_kill_inside_the_commit_leaves_a_consistent_store(tmp_path: Path) -> None:
    data, work = tmp_path / "data", tmp_path / "work"
    signal_file = tmp_path / "in-commit"
    body = f'''
from sqlalchemy import event
s = Store.open(data_dir=data)
rid = s.add_runner("Ann")
for i in range(3):
    s.save_session(rid, clip(f"{{i}}.mp4"), report(i))

def hang(conn):  # the session and metric rows are inserted, the commit not yet sent
    if not conn.get_execution_options().get("gaitcam_write"):
        return  # the read transaction that checks the runner
    Path({str(signal_file)!r}).write_text("")
    time.sleep(120)

event.listen(s._engine, "commit", hang)
s.save_session(rid, clip("doomed.mp4"), report(9))
'''
    proc = run_child(body, data, work)
    wait_for(signal_file, proc)
    kill(proc)

    doomed = hashlib.sha256((work / "doomed.mp4").read_bytes()).hexdigest()
    orphan = data / "clips" / doomed[:2] / f"{doomed}.mp4"
    assert orphan.is_file()  # copied before the transaction; never committed
    assert check_consistent(data) == 3
    with Store.open(data_dir=data) as s:
        assert not orphan.exists()  # swept on open: no session references it
        [runner] = s.list_runners()
        assert runner.session_count == 3
        s.save_session(runner.id, make_clip(tmp_path / "after"), make_report())
        assert len(s.list_sessions(runner.id)) == 4
    assert check_consistent(data) == 4


def test_kill_during_the_clip_copy_leaves_no_partial_clip(tmp_path: Path) -> None:
    data, work = tmp_path / "data", tmp_path / "work"
    signal_file = tmp_path / "copied"
    body = f'''
s = Store.open(data_dir=data)
rid = s.add_runner("Ann")
s.save_session(rid, clip("ok.mp4"), report(0))

def hang(src, dst):  # the temp copy is written, the rename onto the final name not done
    Path({str(signal_file)!r}).write_text(str(src))
    time.sleep(120)

os.replace = hang
s.save_session(rid, clip("big.mp4", os.urandom(3_000_000)), report(1))
'''
    proc = run_child(body, data, work)
    wait_for(signal_file, proc)
    kill(proc)

    big = hashlib.sha256((work / "big.mp4").read_bytes()).hexdigest()
    temp = Path(signal_file.read_text())
    assert temp.is_file() and temp.name.endswith(".tmp")
    assert not (data / "clips" / big[:2] / f"{big}.mp4").exists()
    assert check_consistent(data) == 1
    with Store.open(data_dir=data) as s:
        assert temp.exists()  # young: could be another program's copy in progress
    old = time.time() - 2 * 3600
    os.utime(temp, (old, old))
    with Store.open(data_dir=data) as s:
        assert not temp.exists()  # stale temp files are swept on open
        [runner] = s.list_runners()
        sid = s.save_session(runner.id, work / "big.mp4", make_report())
        assert s.get_session(sid).clip_available
    assert check_consistent(data) == 2


def test_kill_at_a_random_moment_of_a_save_loop(tmp_path: Path) -> None:
    data, work = tmp_path / "data", tmp_path / "work"
    progress = tmp_path / "progress"
    body = f'''
s = Store.open(data_dir=data)
rid = s.add_runner("Ann")
i = 0
while True:
    s.save_session(rid, clip(f"{{i}}.mp4"), report(i))
    i += 1
    if i == 5:
        Path({str(progress)!r}).write_text("")
'''
    proc = run_child(body, data, work)
    wait_for(progress, proc)
    time.sleep(0.3)
    kill(proc)
    saved = check_consistent(data)
    assert saved >= 5
    with Store.open(data_dir=data) as s:
        [runner] = s.list_runners()
        hist = s.metric_history(runner.id, "cadence_spm")
        assert [p.value for p in hist] == [160.0 + i for i in range(saved)]  # a prefix, no gaps
        s.save_session(runner.id, make_clip(tmp_path / "after"), make_report())
    assert check_consistent(data) == saved + 1
    finals = [f for f in clip_files(data) if not f.name.endswith(".tmp")]
    assert len(finals) == saved + 1  # swept: no orphan clip of the killed save
