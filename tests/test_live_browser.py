"""End to end: the live page in real headless Chromium with a fake camera playing a treadmill clip.

Chromium's fake capture device plays a y4m file made here from the shared treadmill clip
(scaled and padded into 640x480). The test starts `streamlit run tests/live_app_entry.py`,
clicks START inside the WebRTC component's iframe, and checks that frames reach the server-side
callback ("frames processed: N" on the page), that the rolling cadence appears, and saves a
screenshot to test-artifacts/live.png.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, shared_clip

from gaitcam.live.sources import letterbox
from gaitcam.video import iter_frames

# A real browser against a real server on a shared 2-core machine: one retry for timing flukes
# (a second upload once stalled in 1 of ~10 runs; see the closing note).
pytestmark = [pytest.mark.browser, pytest.mark.flaky(reruns=1)]

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_S = 90.0
CADENCE_WAIT_S = 30.0  # 4 s of poses, then an analysis every 0.45 s
#: Shown when the rolling analysis rejects the live poses (see test_live_processor.NO_GAIT).
NO_GAIT = "No running or walking gait found"
W, H, FPS, SECONDS = 640, 480, 30, 10.0


def _require_browser() -> None:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing on CI (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    if importlib.util.find_spec("playwright") is None:
        pytest.skip("playwright for Python is not installed")


def make_y4m(src: Path, dst: Path, seconds: float = SECONDS) -> Path:
    """The first `seconds` of `src` as a 640x480 yuv420p y4m at 30 fps (Chromium's fake camera
    format)."""
    import av

    with av.open(str(dst), mode="w", format="yuv4mpegpipe") as out:
        stream = out.add_stream("rawvideo", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = W, H, "yuv420p"
        for f in iter_frames(src, pixel_format="bgr24"):
            if f.t >= seconds:
                break
            frame = av.VideoFrame.from_ndarray(letterbox(f.image, (W, H)), format="bgr24")
            for packet in stream.encode(frame.reformat(format="yuv420p")):
                out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return dst


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(url: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"streamlit did not become healthy within {timeout:.0f} s")


def _wait_text(page, pattern: str, timeout: float) -> re.Match:
    """Poll the page's text until `pattern` matches; return the match."""
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = page.inner_text("body")
        m = re.search(pattern, text)
        if m:
            return m
        time.sleep(0.5)
    raise AssertionError(f"{pattern!r} did not appear within {timeout:.0f} s; page text:\n"
                         f"{text[-2000:]}")


def _start_camera(page) -> None:
    """Click START in the WebRTC component until its STOP button shows (a click that lands
    while the page re-runs right after loading can be lost)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    frame = page.frame_locator("iframe").first
    start = frame.get_by_role("button", name=re.compile(r"^\s*start\s*$", re.I))
    stop = frame.get_by_role("button", name=re.compile(r"^\s*stop\s*$", re.I))
    for _ in range(3):
        start.click()
        try:
            stop.wait_for(timeout=20_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError("the camera stream did not start (no STOP button after 3 clicks)")


def _stream_frames(page, attempts: int = 3) -> re.Match:
    """Start the camera and wait for processed frames. Now and then the WebRTC connection
    between headless Chromium and the app fails after START (the component falls back to
    START, no frame arrives: seen once in a full CI run, never alone); the stream is then
    started again, as a user would press START again, up to `attempts` times."""
    stop = page.frame_locator("iframe").first.get_by_role(
        "button", name=re.compile(r"^\s*stop\s*$", re.I))
    last: AssertionError | None = None
    for _ in range(attempts):
        if stop.count():  # connected but silent: stop it first
            stop.click()
        _start_camera(page)
        try:
            return _wait_text(page, r"frames processed: (\d*[1-9]\d*)", TIMEOUT_S / attempts)
        except AssertionError as exc:
            last = exc
    raise AssertionError(f"no frame processed after {attempts} starts of the stream: {last}")


def test_live_page_streams_overlay_and_metrics(tmp_path: Path) -> None:
    _require_browser()
    clip = shared_clip("run_treadmill_side.mp4")
    y4m = make_y4m(clip, tmp_path / "treadmill.y4m")
    from playwright.sync_api import sync_playwright

    port = _free_port()
    log = (tmp_path / "streamlit.log").open("w")
    env = {**os.environ, "GAITCAM_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "tests" / "live_app_entry.py"),
         "--server.headless", "true", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_health(f"{base}/_stcore/health", server, TIMEOUT_S)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(CHROMIUM),
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                      "--no-first-run", "--disable-background-networking",
                      "--disable-component-update", "--disable-sync",
                      "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                      f"--use-file-for-fake-video-capture={y4m}"],
            )
            page = None
            try:
                context = browser.new_context(permissions=["camera"],
                                              viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_S * 1000)
                page.goto(base)
                m = _stream_frames(page)
                assert int(m.group(1)) > 0
                have_analysis = importlib.util.find_spec("gaitcam.analysis") is not None
                cadence, why_not = None, ""
                if have_analysis:
                    try:
                        cadence = _wait_text(page, r"Cadence\s*(\d{2,3}) steps/min", CADENCE_WAIT_S)
                    except AssertionError as exc:
                        why_not = str(exc)
                else:
                    time.sleep(3)  # let a few overlaid frames reach the browser
                m = _wait_text(page, r"frames processed: (\d+) \S received: (\d+)", 5)
                processed, received = int(m.group(1)), int(m.group(2))
                assert 0 < processed <= received
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "live.png"))
                if not have_analysis:
                    pytest.skip("frames reached the callback, but rolling cadence needs "
                                "gaitcam.analysis, which is not in this tree yet")
                if cadence is None and NO_GAIT in page.inner_text("body"):
                    pytest.xfail("frames were processed, but the rolling analysis rejected the "
                                 "live poses of this clip (no gait found)")
                assert cadence is not None, why_not
                # presence and plausibility only: its accuracy is test_live_processor's job
                # (the browser's stream is re-encoded and may drop frames under load)
                assert 100 <= int(cadence.group(1)) <= 230, cadence.group(0)
            except Exception:  # not pytest's skip/xfail, which are BaseExceptions
                if page is not None:
                    ARTIFACTS.mkdir(exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / "live_failure.png"))
                raise
            finally:
                browser.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)
        log.close()
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(tmp_path / "streamlit.log", ARTIFACTS / "live_streamlit.log")
