"""The "Save to a runner's history" panel under the results, driven through Streamlit's
AppTest against a real history store in a temporary data folder: the sample-clip flow of the
upload page (its result comes from the disk cache, no pose model), a live session's report,
then the store and the Runner history page."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from clipmaker import write_cfr
from streamlit.testing.v1 import AppTest
from test_app_pages import _seed_cache

from gaitcam.store import Store
from gaitcam.ui.cache import AnalysisKey, results_dir, sha256_file
from gaitcam.ui.save_panel import report_date

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def _upload_page() -> None:
    from gaitcam.ui.upload_page import render

    render()


def _history_page() -> None:
    from gaitcam.ui.history_page import render

    render()


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def sample(data: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    """A sample clip whose analysis (default settings) is already in the disk cache:
    (clip path, the save panel's key prefix)."""
    from gaitcam.ui import upload_page

    samples = data / "samples"
    samples.mkdir()
    clip = write_cfr(samples / "overstride_side.mp4", 3.5, 30.0, size=(360, 640))
    _seed_cache(data, clip, ROOT / "tests")
    monkeypatch.setattr(upload_page, "SAMPLES_DIR", samples)
    key = AnalysisKey(sha256_file(clip), "full", "auto", None)
    return clip, f"gc_save_{key.id}"


def _results_of_sample(data: Path, clip: Path) -> tuple[AppTest, dict]:
    at = _run(AppTest.from_function(_upload_page, default_timeout=TIMEOUT))
    next(b for b in at.button if b.label == "Try a sample clip").click()
    _run(at)
    assert not at.error, [e.value for e in at.error]
    assert any(e.label == "Save to a runner's history" for e in at.expander)
    key = AnalysisKey(sha256_file(clip), "full", "auto", None)
    report = json.loads((results_dir(key, data) / "report.json").read_text())
    return at, report


def _save(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Save").click()
    return _run(at)


def test_save_a_sample_result_to_a_new_runner_then_again(data: Path, sample) -> None:
    clip, p = sample
    at, report = _results_of_sample(data, clip)
    assert at.selectbox(key=f"{p}_runner").value == 0  # no runners yet: a new one
    at.text_input(key=f"{p}_name").input("J. Doe")
    at.number_input(key=f"{p}_height").set_value(181.0)
    at.text_input(key=f"{p}_label").input("week 1")
    _save(at)
    assert any("Saved to **J. Doe**" in s.value and "Runner history" in s.value
               for s in at.success), [e.value for e in at.error]
    assert not [b for b in at.button if b.label == "Save"]  # no second save by accident

    with Store.open(data_dir=data) as store:
        (r,) = store.list_runners()
        assert (r.name, r.height_cm, r.session_count) == ("J. Doe", 181.0, 1)
        (s,) = store.list_sessions(r.id)
        full = store.get_session(s.id)
    assert full.report == report
    assert (s.label, s.clip_name, s.view) == ("week 1", "sample_run.mp4", "side")
    assert s.clip_available and sha256_file(s.clip_path) == sha256_file(clip)
    assert data / "clips" in s.clip_path.parents
    assert s.recorded_at.astimezone().date() == dt.date.today()

    # asked again: the form is back, pointing at the runner just used
    next(b for b in at.button if b.label.startswith("Save it again")).click()
    _run(at)
    assert at.selectbox(key=f"{p}_runner").value == r.id
    at.text_input(key=f"{p}_label").input("week 1, second look")
    _save(at)
    assert any("Saved to **J. Doe**" in s.value for s in at.success)
    with Store.open(data_dir=data) as store:
        (r,) = store.list_runners()  # no duplicate runner
        labels = [s.label for s in store.list_sessions(r.id)]
    assert sorted(labels) == ["week 1", "week 1, second look"]


def test_save_to_an_existing_runner_and_the_history_page_lists_it(data: Path, sample) -> None:
    clip, p = sample
    with Store.open(data_dir=data) as store:
        store.add_runner("A. Other")
        rid = store.add_runner("K. Runner", height_cm=170)
    at, report = _results_of_sample(data, clip)
    runner = at.selectbox(key=f"{p}_runner")
    assert runner.options == ["A new runner (type the name below)", "A. Other (0 sessions)",
                              "K. Runner (0 sessions)"]
    runner.set_value(rid)
    at.text_input(key=f"{p}_label").input("before the block")
    at.date_input(key=f"{p}_date").set_value(dt.date(2024, 5, 31))
    _save(at)
    assert any("Saved to **K. Runner**" in s.value for s in at.success)
    with Store.open(data_dir=data) as store:
        assert [r.session_count for r in store.list_runners()] == [0, 1]
        (s,) = store.list_sessions(rid)
        assert store.get_session(s.id).report == report
    assert s.recorded_at.astimezone().date() == dt.date(2024, 5, 31)
    assert s.clip_available

    hist = _run(AppTest.from_function(_history_page, default_timeout=TIMEOUT))
    hist.selectbox(key="hist_runner").set_value(rid)
    _run(hist)
    df = hist.dataframe[0].value
    assert list(df["Label"]) == ["before the block"]
    assert list(df["Date"]) == ["2024-05-31"] and list(df["Clip here"]) == ["yes"]
    assert df["Cadence (steps/min)"].iloc[0] == pytest.approx(171, abs=0.5)


def test_errors_are_friendly_and_a_retry_never_adds_the_runner_twice(data: Path,
                                                                      sample) -> None:
    clip, p = sample
    at, _ = _results_of_sample(data, clip)
    _save(at)  # no name for the new runner
    assert any("name" in e.value.lower() for e in at.error)
    with Store.open(data_dir=data) as store:
        assert store.list_runners() == []

    # the runner is added, then the clip vanishes before the session is saved
    at.text_input(key=f"{p}_name").input("M. Late")
    at.text_input(key=f"{p}_label").input("kept label")
    moved = clip.with_suffix(".away")
    clip.rename(moved)
    next(b for b in at.button if b.label == "Save").click()
    _run(at)
    moved.rename(clip)
    _run(at)  # the results (and the error) are back with the clip
    assert any("does not exist" in e.value for e in at.error), [e.value for e in at.error]
    with Store.open(data_dir=data) as store:
        (r,) = store.list_runners()
        assert r.name == "M. Late" and r.session_count == 0
    assert at.selectbox(key=f"{p}_runner").value == r.id  # the form now points at them
    assert at.text_input(key=f"{p}_label").value == "kept label"
    _save(at)
    assert any("Saved to **M. Late**" in s.value for s in at.success)
    with Store.open(data_dir=data) as store:
        (r,) = store.list_runners()
        assert r.session_count == 1


def test_report_date_reads_the_filming_time_of_the_report() -> None:
    assert report_date({"source": {}}) == (None, None)
    assert report_date({"source": {"recorded_at": "not a date"}}) == (None, None)
    day, text = report_date({"source": {"creation_time": "2024-05-31T12:00:00Z"}})
    assert text == "2024-05-31T12:00:00Z"
    assert day == dt.datetime(2024, 5, 31, 12, tzinfo=dt.UTC).astimezone().date()


def _live_report(folder: str) -> None:
    from gaitcam.ui.live_page import _saved_report

    _saved_report(folder)


def test_a_live_session_is_saved_with_its_recorded_clip(data: Path) -> None:
    from test_app_report import sample_result

    folder = data / "live" / "20240531-181500"
    sample_result(folder)
    clip = write_cfr(folder / "clip.mp4", 2.0, 30.0, size=(360, 640))  # the recording
    assert sha256_file(clip) != sha256_file(folder / "overlay.mp4")
    at = _run(AppTest.from_function(_live_report, args=(str(folder),), default_timeout=TIMEOUT))
    assert any(e.label == "Save to a runner's history" for e in at.expander)
    prefix = next(w.key for w in at.text_input if w.key.endswith("_name"))[: -len("_name")]
    at.text_input(key=f"{prefix}_name").input("Treadmill T.")
    _save(at)
    assert any("Saved to **Treadmill T.**" in s.value for s in at.success)
    with Store.open(data_dir=data) as store:
        (r,) = store.list_runners()
        (s,) = store.list_sessions(r.id)
    assert s.clip_available and sha256_file(s.clip_path) == sha256_file(clip)
    assert s.clip_name == "live session 20240531-181500"
