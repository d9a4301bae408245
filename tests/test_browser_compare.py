"""End to end in headless Chromium: the Compare page on a seeded history (one runner, two
analysed sessions of stick-figure clips), and the Runner history page.

The app is tests/compare_app_entry.py (the physio pages only). The screenshot goes to
test-artifacts/compare.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (
    StreamlitServer,
    chromium_page,
    evidence_on_failure,
    require_chromium,
    screenshot,
    streamlit_app,
    wait_for_idle,
)
from test_compare_clips import seed_history

# A real browser against a real server on a shared 2-core machine: one retry for timing flukes
# (a timeout in 1 of ~10 runs, cause not found; evidence_on_failure keeps the evidence).
pytestmark = [pytest.mark.browser, pytest.mark.flaky(reruns=1)]

TIMEOUT_MS = 120_000
ERROR = '[data-testid="stAlertContentError"]'


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[tuple[StreamlitServer, Path]]:
    require_chromium()
    data = tmp_path_factory.mktemp("gaitcam-physio")
    seed_history(data)
    with streamlit_app("tests/compare_app_entry.py",
                       env={"GAITCAM_DATA_DIR": str(data)}) as server:
        yield server, data


def _no_error(page) -> None:
    if page.locator(ERROR).count():
        pytest.fail("the page shows an error: " + page.locator(ERROR).first.inner_text())
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Traceback" not in text and "Something went wrong" not in text


def test_compare_page_shows_video_table_frames_and_report(app) -> None:
    server, data = app
    with chromium_page(width=1400, height=1000) as page, \
            evidence_on_failure(page, "compare", server):
        page.goto(server.url)  # Compare is the entry script's default page
        # the two sessions are picked by default (oldest as A, newest as B)
        page.get_by_text("What changed").wait_for(timeout=TIMEOUT_MS)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT_MS)
        video = page.locator("video").first
        video.wait_for(state="attached", timeout=TIMEOUT_MS)
        wait_for_idle(page, timeout_s=120)
        _no_error(page)
        body = page.locator('[data-testid="stApp"]').inner_text()
        assert "A: Before (01 Mar 2024)" in body and "B: After (12 Apr 2024)" in body
        assert page.get_by_role("combobox", name="Runner").input_value() == \
            "R. Example (2 sessions)"
        assert "Angles over the gait cycle" in body and "Report for the runner" in body
        # the synchronised video was written and the browser can read it
        written = list((data / "compare").glob("*/compare.mp4"))
        assert len(written) == 1 and written[0].stat().st_size > 10_000
        duration = page.evaluate(
            """async () => { const v = document.querySelector('video');
                if (v.readyState < 1) await new Promise(r => {
                    v.addEventListener('loadedmetadata', r, {once: true});
                    v.addEventListener('error', r, {once: true});
                    setTimeout(r, 10000); });
                return v.duration || 0; }""")
        assert duration > 1.0
        # both clips' frames at the same phase of the stride
        assert page.locator('[data-testid="stImage"]').count() >= 2
        # the phase slider moves both frames: captions follow the slider
        page.get_by_role("slider", name="Phase of the gait cycle").focus()
        for _ in range(5):
            page.keyboard.press("ArrowRight")
        page.get_by_text("5 % of stride", exact=False).first.wait_for(timeout=TIMEOUT_MS)
        wait_for_idle(page)
        captions = page.locator('[data-testid="stImage"]').all_inner_texts()
        assert sum("5 % of stride" in c for c in captions) == 2, captions
        # a clinician note is saved to the history and goes into the report
        page.get_by_label("Add a note (saved with session B)").fill("Cadence up: keep it.")
        page.get_by_role("button", name="Save note").click()
        page.get_by_text("Cadence up: keep it.").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_idle(page)
        _no_error(page)
        assert page.get_by_role("button", name="Download the report").count() == 1
        shot = screenshot(page, "compare")
    from gaitcam.store import Store

    with Store.open(data_dir=data) as store:
        texts = [n.text for n in store.notes(runner_id=1)]
    assert texts == ["Cadence up: keep it."]
    assert shot.is_file()


def test_history_page_lists_sessions_and_progress(app) -> None:
    server, _ = app
    with chromium_page(width=1400, height=1000) as page, \
            evidence_on_failure(page, "history", server):
        page.goto(f"{server.url}/history")
        page.get_by_text("Runner history").first.wait_for(timeout=TIMEOUT_MS)
        page.locator('[data-testid="stDataFrame"]').first.wait_for(timeout=TIMEOUT_MS)
        wait_for_idle(page)
        _no_error(page)
        body = page.locator('[data-testid="stApp"]').inner_text()
        assert "176 cm tall" in body and "Low back pain after 5 km" in body
        assert page.get_by_role("combobox", name="Runner").input_value() == \
            "R. Example (2 sessions)"
        page.get_by_role("tab", name="Progress").click()
        page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT_MS)
        wait_for_idle(page)
        _no_error(page)
        screenshot(page, "history")
