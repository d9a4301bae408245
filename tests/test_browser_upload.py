"""End to end in headless Chromium: upload a clip to `streamlit run app.py`, read the results.

Both tests share one app server and one data folder (so the second test's good clip comes from
the cache). Screenshots go to test-artifacts/ (git-ignored). Test 1 prints the time from upload
to results (and to the annotated video, drawn after the results); compare it with the clip's bare
pose-inference time from bench/pose_throughput.py. GAITCAM_TEST_CLIP=path picks the clip.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (
    ROOT,
    StreamlitServer,
    chromium_page,
    evidence_on_failure,
    require_chromium,
    screenshot,
    streamlit_app,
    wait_for_idle,
)

# A real browser against a real server on a shared 2-core machine: one retry for timing flukes
# (a second upload once timed out in 1 of ~10 runs, not reproduced in 8 later runs; a fast
# failing rerun now fails with its message instead of hiding behind the first error).
pytestmark = [pytest.mark.browser, pytest.mark.flaky(reruns=1)]

SHARED_CLIP = ROOT.parent / "shared" / "videos" / "run_treadmill_side.mp4"
RESULTS_TIMEOUT_S = 180
CARD = '[data-metric="cadence_spm"]'
ERROR = '[data-testid="stAlertContentError"]'


def good_clip() -> Path:
    """$GAITCAM_TEST_CLIP if set, else a synthetic sample from sample_videos/, else the team's
    treadmill clip; skip if there is none."""
    override = os.environ.get("GAITCAM_TEST_CLIP")
    if override:
        return Path(override)
    samples = sorted((ROOT / "sample_videos").glob("*.mp4"))
    side = [p for p in samples if "side" in p.stem]
    if side or samples:
        return (side or samples)[0]
    if SHARED_CLIP.is_file():
        return SHARED_CLIP
    pytest.skip("no clip to upload: sample_videos/*.mp4 and ../shared/videos/"
                "run_treadmill_side.mp4 are both missing")


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[StreamlitServer]:
    require_chromium()
    data = tmp_path_factory.mktemp("gaitcam-data")
    with streamlit_app("app.py", env={"GAITCAM_DATA_DIR": str(data)}) as server:
        yield server


def _open(page, app: StreamlitServer) -> None:
    page.goto(app.url)
    page.wait_for_selector('input[type="file"]', state="attached", timeout=60_000)
    wait_for_idle(page)


def _upload(page, path: Path) -> None:
    page.locator('input[type="file"]').first.set_input_files(str(path))


def _wait_for_results(page, app: StreamlitServer, old_error: str | None = None) -> None:
    """Wait for the cadence card; fail with the page's message if an error shows instead.

    `old_error`: the text of an error already on the page from the previous upload; only a
    different error counts (a rerun that fails fast must fail the test with its message, not
    hide behind the old one until the timeout).
    """
    deadline = time.monotonic() + RESULTS_TIMEOUT_S
    while time.monotonic() < deadline:
        if page.locator(CARD).count() > 0:
            return
        errors = page.locator(ERROR)
        if errors.count() > 0:
            text = errors.first.inner_text()
            if text != old_error:
                pytest.fail("the app showed an error instead of results: " + text)
        time.sleep(0.1)
    screenshot(page, "upload_timeout", full_page=False)
    pytest.fail(f"no results after {RESULTS_TIMEOUT_S} s; page text:\n"
                + page.locator('[data-testid="stMain"]').inner_text()[-2000:]
                + "\nserver log:\n" + app.log_text()[-3000:])


def _no_traceback(page) -> None:
    text = page.locator('[data-testid="stApp"]').inner_text()
    assert "Traceback" not in text and 'File "' not in text


def test_upload_a_clip_and_get_results(app: StreamlitServer) -> None:
    clip = good_clip()
    with chromium_page() as page, evidence_on_failure(page, "upload", app):
        _open(page, app)
        started = time.perf_counter()
        print(f"\nupload at {time.strftime('%H:%M:%S')}.{int(time.time() * 1000) % 1000:03d}")
        _upload(page, clip)
        _wait_for_results(page, app)
        elapsed = time.perf_counter() - started
        screenshot(page, "upload_results_first", full_page=False)
        wait_for_idle(page, timeout_s=60)

        cadence = page.locator(CARD).inner_text()
        assert re.search(r"\d+ spm", cadence), cadence

        # the annotated video is drawn after the numbers are shown
        video = page.locator("video").first
        video.wait_for(state="attached", timeout=RESULTS_TIMEOUT_S * 1000)
        video_elapsed = time.perf_counter() - started
        video.scroll_into_view_if_needed()
        state = video.evaluate(
            """async (v) => {
                v.muted = true;
                try { await v.play(); } catch (e) {}
                const t0 = Date.now();
                while ((v.readyState < 2 || !(v.duration > 0) || v.currentTime === 0)
                       && Date.now() - t0 < 15000) {
                    await new Promise(r => setTimeout(r, 100));
                }
                return {ready: v.readyState, duration: v.duration, time: v.currentTime,
                        error: v.error ? v.error.code : null};
            }""")
        assert state["error"] is None, state
        assert state["ready"] >= 2 and state["duration"] > 0, state
        assert state["time"] > 0, f"the video did not advance when played: {state}"
        video.evaluate("v => { v.pause(); v.currentTime = 0; }")

        _no_traceback(page)
        page.get_by_text("Your results").first.evaluate(
            "e => e.scrollIntoView({block: 'start'})")
        time.sleep(0.5)
        screenshot(page, "upload_results_view", full_page=False)
        screenshot(page, "upload_full_page")
        log = app.log_text()
        timing = re.findall(r".*(?:analysing|analysed|overlay for|results page for) .*", log)
        print(f"\nupload -> results: {elapsed:.1f} s, -> annotated video: {video_elapsed:.1f} s "
              f"for {clip.name}" + "".join(f"\n  server: {line}" for line in timing))


def test_a_text_file_named_mp4_gets_a_friendly_error_and_the_app_keeps_working(
        app: StreamlitServer, tmp_path: Path) -> None:
    fake = tmp_path / "holiday_notes.mp4"
    fake.write_text("This is a shopping list, not a video.\n" * 20)
    with chromium_page() as page, evidence_on_failure(page, "upload_second", app):
        _open(page, app)
        _upload(page, fake)
        page.wait_for_selector(ERROR, timeout=60_000)
        wait_for_idle(page)
        message = page.locator(ERROR).first.inner_text()
        assert "holiday_notes.mp4" in message and "What to try" in message, message
        _no_traceback(page)
        screenshot(page, "upload_bad_file", full_page=False)

        # the next upload works: the good clip (from the cache if test 1 ran)
        clip = good_clip()
        _upload(page, clip)
        _wait_for_results(page, app, old_error=message)
        wait_for_idle(page, timeout_s=60)
        assert page.locator(ERROR).count() == 0
        _no_traceback(page)
