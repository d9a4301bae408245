"""The Compare page through Streamlit's AppTest: uploads (from the app's cache), history
sessions, and the friendly messages when something is missing."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest
from test_compare_clips import cache_analysis, runner, seed_history, stick_clip

from gaitcam.store import Store


def _page() -> None:
    from gaitcam.ui import compare_page

    compare_page.render()


def _run(at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_function(_page, default_timeout=90)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_two_uploads_are_compared(data: Path) -> None:
    clips = []
    for name, cadence, lean, seed in (("a.mp4", 160, 8, 61), ("b.mp4", 172, 14, 62)):
        seq, _ = runner(cadence, lean, duration_s=4.0, seed=seed)
        clip = stick_clip(seq, data / name)
        cache_analysis(data, clip, seq)  # analysed before: no MediaPipe here
        clips.append(clip)
    at = _run()
    at.radio(key="cmp_source").set_value("Upload two clips")
    at = _run(at)
    for tag, clip in zip("AB", clips, strict=True):
        at.file_uploader(key=f"cmp_upload_{tag}").set_value((clip.name, clip.read_bytes(),
                                                             "video/mp4"))
    at = _run(at)
    assert not at.error, [e.value for e in at.error]
    heads = [s.value for s in at.subheader]
    assert heads == ["In step, side by side", "Same moment of the stride", "What changed",
                     "Angles over the gait cycle", "Clinician notes", "Report for the runner"]
    table = at.dataframe[0].value
    lean = table[table["Measure"] == "Forward trunk lean"].iloc[0]
    assert lean["Change"] == "worse" and lean["A: a.mp4"].startswith(("7", "8", "9"))
    assert len(at.image) == 2  # the two clips at the same phase
    assert list((data / "compare").glob("*/compare.mp4"))  # the synchronised video
    at.text_area(key="cmp_free_notes").input("Run tall.")
    at = _run(at)
    assert any(b.label.startswith("Download the report") for b in at.get("download_button"))


def test_history_with_one_session_explains(data: Path) -> None:
    with Store.open(data_dir=data) as store:
        rid = store.add_runner("Solo")
        store.save_session(rid, None, {"metrics": {}}, label="only")
    at = _run()
    assert any("needs at least two sessions" in i.value for i in at.info)


def test_history_session_whose_clip_and_poses_are_gone(data: Path) -> None:
    seed_history(data, duration_s=4.0)
    shutil.rmtree(data / "results")
    shutil.rmtree(data / "clips")
    at = _run()
    assert at.error and "not on this computer" in at.error[0].value
