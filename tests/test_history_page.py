"""The Runner history page, driven through Streamlit's AppTest against a real store in a
temporary data folder: runners (add, edit, delete with confirmation), sessions (upload ->
analyse -> save), notes and the progress chart."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest
from test_compare_clips import cache_analysis, runner, seed_history, stick_clip

from gaitcam.store import Store


def _array(v) -> np.ndarray:
    """A Plotly JSON array: a list, or a typed buffer {"dtype", "bdata"}."""
    if isinstance(v, dict):
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=v["dtype"])
    return np.asarray(v, dtype=float)


def _page() -> None:
    from gaitcam.ui import history_page

    history_page.render()


def _run(at: AppTest | None = None) -> AppTest:
    at = at or AppTest.from_function(_page, default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_add_edit_and_delete_a_runner(data: Path) -> None:
    at = _run()
    assert any("No runners yet" in i.value for i in at.info)
    at.text_input(key="hist_new_name").input("J. Doe")
    at.number_input(key="hist_new_height").set_value(181.0)
    at.text_area(key="hist_new_notes").input("Knee pain on hills")
    next(b for b in at.button if b.label == "Add runner").click()
    at = _run(at)
    with Store.open(data_dir=data) as store:
        (r,) = store.list_runners()
    assert (r.name, r.height_cm, r.notes) == ("J. Doe", 181.0, "Knee pain on hills")
    assert "181 cm tall" in " ".join(c.value for c in at.caption)

    at.text_input(key=f"hist_edit_{r.id}_name").input("J. Doe (pseudonym)")
    at.number_input(key=f"hist_edit_{r.id}_leg").set_value(93.5)
    next(b for b in at.button if b.label == "Save changes").click()
    at = _run(at)
    with Store.open(data_dir=data) as store:
        r2 = store.get_runner(r.id)
    assert (r2.name, r2.leg_length_cm, r2.height_cm) == ("J. Doe (pseudonym)", 93.5, 181.0)

    delete = at.button(key=f"hist_del_runner_{r.id}")
    assert delete.disabled  # nothing is deleted without the confirmation tick
    at.checkbox(key=f"hist_del_runner_ok_{r.id}").check()
    at = _run(at)
    at.button(key=f"hist_del_runner_{r.id}").click()
    at = _run(at)
    with Store.open(data_dir=data) as store:
        assert store.list_runners() == []


def test_an_invalid_runner_is_a_friendly_error(data: Path) -> None:
    at = _run()
    next(b for b in at.button if b.label == "Add runner").click()  # empty name
    at = _run(at)
    assert at.error and "name" in at.error[0].value.lower()


def test_upload_a_session_then_notes_and_progress(data: Path) -> None:
    with Store.open(data_dir=data) as store:
        rid = store.add_runner("K. Runner", height_cm=170)
    seq, _ = runner(165, 9, duration_s=4.0, seed=41)
    clip = stick_clip(seq, data / "week6.mp4")
    # the app analysed this clip before with these settings: the upload hits its cache
    cache_analysis(data, clip, seq, height_cm=170.0)
    at = _run()
    at.file_uploader(key=f"hist_clip_{rid}").set_value(("week6.mp4", clip.read_bytes(),
                                                         "video/mp4"))
    at.text_input(key=f"hist_label_{rid}").input("week 6")
    next(b for b in at.button if b.label == "Analyse and save").click()
    at = _run(at)
    assert any("week 6" in s.value for s in at.success), [e.value for e in at.error]
    with Store.open(data_dir=data) as store:
        (s,) = store.list_sessions(rid)
        assert s.label == "week 6" and s.clip_name == "week6.mp4" and s.clip_available
        assert s.view == "side"
    at = _run(at)
    df = at.dataframe[0].value
    assert list(df["Label"]) == ["week 6"]
    assert df["Cadence (steps/min)"].iloc[0] == pytest.approx(165, abs=2)

    # a note about the session
    at.text_area(key=f"hist_note_text_{rid}").input("Lean is better than last time.")
    at.selectbox(key=f"hist_note_about_{rid}").set_value(s.id)
    at.text_input(key=f"hist_note_author_{rid}").input("PT Kim")
    next(b for b in at.button if b.label == "Save note").click()
    at = _run(at)
    with Store.open(data_dir=data) as store:
        (n,) = store.notes(runner_id=rid)
    assert (n.text, n.session_id, n.author) == ("Lean is better than last time.", s.id, "PT Kim")
    assert any(t.value == "Lean is better than last time." for t in at.text)

    # progress: one point per session for the chosen metric
    metric = at.selectbox(key=f"hist_metric_{rid}")
    assert "cadence_spm" in metric.options or "Cadence (steps/min)" in metric.options


def test_progress_over_two_sessions(data: Path) -> None:
    rid, sids = seed_history(data, duration_s=4.0)
    at = _run()
    metric = at.selectbox(key=f"hist_metric_{rid}")
    metric.set_value("trunk_lean_deg")
    at = _run(at)
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    ys = _array(fig["data"][0]["y"])
    assert len(ys) == 2
    assert ys[0] == pytest.approx(8, abs=1.5) and ys[1] == pytest.approx(14, abs=1.5)
    assert any(s.get("type") == "rect" for s in fig["layout"].get("shapes", []))  # good band
    # deleting a session needs its confirmation tick too
    sel = at.selectbox(key="hist_edit_session")
    assert len(sel.options) == 2
    sid = sids[0]
    assert at.button(key=f"hist_del_session_{sid}").disabled
