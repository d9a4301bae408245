"""The app's pages run headless with Streamlit's AppTest: widgets, messages, no exceptions."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from gaitcam.advice import RED_FLAG_QUESTIONS

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60


def _advice_page() -> None:
    from gaitcam.ui.advice_page import render

    render()


def _results_page(out_dir: str, tests_dir: str) -> None:
    import sys
    from pathlib import Path

    import streamlit as st

    sys.path.insert(0, tests_dir)
    from test_app_report import sample_result

    from gaitcam.ui import cards
    from gaitcam.ui.cache import AnalysisKey
    from gaitcam.ui.upload_page import show_results

    st.html(cards.CSS)
    if "res" not in st.session_state:
        st.session_state.res = sample_result(Path(out_dir))
    show_results(st.session_state.res, AnalysisKey("ab" * 32, "full"), "sample_run.mp4")


def _html(at: AppTest) -> str:
    return "\n".join(getattr(e.proto, "body", "") for e in at.get("html"))


def _red_flag_radio(at: AppTest, question_id: str):
    return at.radio(key=f"page_rf_{question_id}")


def test_red_flag_check_any_yes_means_see_a_clinician() -> None:
    at = AppTest.from_function(_advice_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert not at.warning and not at.error  # nothing said before an answer
    see = next(q for q in RED_FLAG_QUESTIONS if q.urgency == "see_clinician")
    _red_flag_radio(at, see.id).set_value("Yes").run()
    assert any("See a clinician" in w.value for w in at.warning)
    urgent = next(q for q in RED_FLAG_QUESTIONS if q.urgency == "urgent")
    _red_flag_radio(at, urgent.id).set_value("Yes").run()
    assert any("Seek medical care now" in e.value for e in at.error)


def test_red_flag_check_all_no_is_reassuring() -> None:
    at = AppTest.from_function(_advice_page, default_timeout=TIMEOUT).run()
    for q in RED_FLAG_QUESTIONS:
        _red_flag_radio(at, q.id).set_value("No")
    at.run()
    assert any("No red flags reported" in s.value for s in at.success)
    assert not at.warning and not at.error


def test_training_load_checker_flags_a_big_rise_and_explains_bad_input() -> None:
    at = AppTest.from_function(_advice_page, default_timeout=TIMEOUT).run()
    at.text_input(key="load_weeks").input("20, 22, 30").run()
    assert any("36% rise in week 3" in e.value for e in at.error)
    at.text_input(key="load_weeks").input("20, 22, 23").run()
    assert any("within the usual advice" in s.value for s in at.success)
    at.text_input(key="load_weeks").input("20, lots").run()
    assert any("'lots' is not a number" in e.value for e in at.error)
    assert not at.exception


def test_advice_page_shows_the_disclaimer_and_every_exercise() -> None:
    from gaitcam.advice import load_exercises

    at = AppTest.from_function(_advice_page, default_timeout=TIMEOUT).run()
    assert any("does not diagnose" in c.value for c in at.caption)
    titles = [e.label for e in at.expander]
    for ex in load_exercises().values():
        if ex.category != "flare-up":
            assert any(t.startswith(ex.name) for t in titles), ex.name


def test_results_render_cards_findings_scrubber_and_table(tmp_path: Path) -> None:
    at = AppTest.from_function(_results_page, args=(str(tmp_path), str(ROOT / "tests")),
                               default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    html = _html(at)
    assert "171 spm" in html and "Side view, facing left" in html
    assert "Not measurable here" in html
    labels = [e.label for e in at.expander]
    assert any("Overstriding" in lab for lab in labels)
    assert any("does not diagnose" in c.value for c in at.caption)
    slider = at.select_slider(key="gc_contact_abababababababab-full-auto-nh")
    assert slider.value.startswith("L contact 1 at")
    slider.set_value(slider.options[5]).run()
    assert not at.exception
    captions = [i.caption for e in at.get("image") for i in e.proto.imgs]
    assert any(c.startswith(slider.options[5]) for c in captions), captions
    assert len(at.dataframe) >= 2  # contact angles and per-stride table


def test_app_loads_with_navigation_sidebar_and_uploader() -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Check your running form"
    assert any("Red-flag" in e.label for e in at.sidebar.expander)
    assert any("does not diagnose" in c.value for c in at.sidebar.caption)
    assert any("500 MB" in str(u.proto.label) for u in at.get("file_uploader"))


def _upload_page() -> None:
    from gaitcam.ui.upload_page import render

    render()


def _seed_cache(data: Path, clip: Path, tests_dir: Path) -> None:
    """Store a finished result for `clip` with the default settings, as analyze_cached would."""
    import json

    from test_app_report import sample_result

    from gaitcam.ui.cache import META, AnalysisKey, results_dir, sha256_file

    key = AnalysisKey(sha256_file(clip), "full", "auto", None)
    out = results_dir(key, data)
    sample_result(out)
    (out / META).write_text(json.dumps({"video": str(out / "overlay.mp4"), "timings_s": {}}))


def test_sample_button_shows_cached_results_without_reprocessing(tmp_path, monkeypatch) -> None:
    from clipmaker import write_cfr

    from gaitcam.ui import upload_page

    samples = tmp_path / "samples"
    samples.mkdir()
    clip = write_cfr(samples / "overstride_side.mp4", 3.5, 30.0, size=(360, 640))
    data = tmp_path / "data"
    _seed_cache(data, clip, ROOT / "tests")
    monkeypatch.setenv("GAITCAM_DATA_DIR", str(data))
    monkeypatch.setattr(upload_page, "SAMPLES_DIR", samples)

    at = AppTest.from_function(_upload_page, default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.selectbox(key="gc_sample_choice").options == ["Overstride side"]
    assert "171 spm" not in _html(at)
    next(b for b in at.button if b.label == "Try a sample clip").click().run()
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    assert "171 spm" in _html(at)
    # any other widget change re-draws from session state: still no processing, same results
    at.selectbox(key="gc_sample_choice").select_index(0).run()
    assert "171 spm" in _html(at) and not at.exception


def test_sample_button_is_hidden_without_samples(tmp_path, monkeypatch) -> None:
    from gaitcam.ui import upload_page

    monkeypatch.setenv("GAITCAM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(upload_page, "SAMPLES_DIR", tmp_path / "none")
    at = AppTest.from_function(_upload_page, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert not [b for b in at.button if b.label == "Try a sample clip"]
    assert any("How to film" in m.value for m in at.markdown)
