"""Shared helpers for browser tests: a Streamlit server on 127.0.0.1 and Debian's Chromium.

Usage in a test module::

    import pytest
    from browser import chromium_page, require_chromium, streamlit_app, wait_for_idle

    pytestmark = pytest.mark.browser

    def test_something(tmp_path):
        require_chromium()  # skips (or fails when CI == "true") without /usr/bin/chromium
        with streamlit_app("app.py", env={"GAITCAM_DATA_DIR": str(tmp_path)}) as app, \\
                chromium_page() as page:
            page.goto(app.url)
            wait_for_idle(page)
            ...

- `streamlit_app(script)` starts `python -m streamlit run SCRIPT` from the repo root (so
  .streamlit/config.toml applies) on a free port of 127.0.0.1, headless, waits for
  /_stcore/health, and stops the server (only the process it started) on exit. Its output goes
  to a log file (`app.log_text()`) for assertions and failure messages.
- `chromium_page()` launches /usr/bin/chromium through Playwright with the flags that work here
  (Playwright's own browser download does not; never call `playwright install`).
- `wait_for_idle(page)` waits until Streamlit has finished running the script.
- `ARTIFACTS` (test-artifacts/, git-ignored) is where screenshots go.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def require_chromium() -> Path:
    """Path of Debian's Chromium; skip the test without it (fail instead when CI == "true")."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = f"{CHROMIUM} is missing (apt-get install chromium) - browser tests need it"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class StreamlitServer:
    """A `streamlit run` process on 127.0.0.1; see the module docstring."""

    def __init__(self, script: str | Path, env: Mapping[str, str] | None = None,
                 port: int | None = None, extra_args: list[str] | None = None) -> None:
        self.script = Path(script)
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        fd, log_path = tempfile.mkstemp(prefix="streamlit-", suffix=".log")
        self._log = os.fdopen(fd, "wb")
        self._log_path = Path(log_path)
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.headless", "true", "--server.address", "127.0.0.1",
            "--server.port", str(self.port), "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none", *(extra_args or []),
        ]
        self.proc = subprocess.Popen(
            cmd, cwd=ROOT, env={**os.environ, **(env or {})},
            stdout=self._log, stderr=subprocess.STDOUT,
        )

    def log_text(self) -> str:
        """Everything the server printed so far."""
        if not self._log.closed:
            self._log.flush()
        return self._log_path.read_text(errors="replace") if self._log_path.exists() else ""

    def wait_healthy(self, timeout_s: float = 60.0) -> None:
        """Wait until GET /_stcore/health answers "ok"; fail with the server log if not."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"streamlit exited with {self.proc.returncode}:\n{self.log_text()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        pytest.fail(f"streamlit was not healthy after {timeout_s:.0f} s:\n{self.log_text()}")

    def stop(self) -> None:
        """Stop the server process this object started (and only it)."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self._log.close()
        self._log_path.unlink(missing_ok=True)


@contextmanager
def streamlit_app(script: str | Path = "app.py", env: Mapping[str, str] | None = None,
                  timeout_s: float = 60.0, extra_args: list[str] | None = None
                  ) -> Iterator[StreamlitServer]:
    """A running, healthy Streamlit server for `script` (relative to the repo root)."""
    server = StreamlitServer(script, env=env, extra_args=extra_args)
    try:
        server.wait_healthy(timeout_s)
        yield server
    finally:
        server.stop()


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000, **context_args) -> Iterator:
    """A Playwright page in headless Debian Chromium (see CHROMIUM_ARGS)."""
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                     headless=True)
        try:
            context = browser.new_context(viewport={"width": width, "height": height},
                                          **context_args)
            yield context.new_page()
        finally:
            browser.close()


def wait_for_idle(page, timeout_s: float = 60.0, settle_s: float = 0.5) -> None:
    """Wait until Streamlit has run the script and stayed idle for `settle_s`.

    Reads the app root's data-test-script-state ("initial", "running", "notRunning", ...).
    After an action that triggers a re-run, wait for the element the run shows instead: the
    state may still read "notRunning" before the re-run starts.
    """
    idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    deadline = time.monotonic() + timeout_s
    quiet_since = None
    while time.monotonic() < deadline:
        if page.locator(idle).count() > 0:
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since >= settle_s:
                return
        else:
            quiet_since = None
        time.sleep(0.1)
    raise TimeoutError(f"the app was still running after {timeout_s:.0f} s")


def screenshot(page, name: str, full_page: bool = True) -> Path:
    """Save a PNG screenshot to test-artifacts/NAME.png and return its path.

    Streamlit scrolls inside its main container, not the document, so for a full-page shot
    the viewport is stretched to the content's height for the capture, then restored.
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    if full_page and size:
        height = page.evaluate(
            """() => Math.max(...Array.from(document.querySelectorAll(
                '[data-testid="stMain"], [data-testid="stAppScrollToBottomContainer"], '
                + '[data-testid="stSidebarContent"]'), e => e.scrollHeight), 0)""")
        page.set_viewport_size({"width": size["width"],
                                "height": max(size["height"], min(int(height) + 40, 16000))})
        time.sleep(0.5)
    try:
        page.screenshot(path=str(path), full_page=full_page)
    finally:
        if full_page and size:
            page.set_viewport_size(size)
    return path


@contextmanager
def evidence_on_failure(page, name: str, server: StreamlitServer | None = None) -> Iterator[None]:
    """On an error inside the block, save test-artifacts/NAME_failure.png and NAME_failure.log
    (the error, and the app's log with `server`), then re-raise: a flaky failure leaves its
    evidence even when the retry passes. pytest.skip and xfail pass through."""
    try:
        yield
    except (Exception, pytest.fail.Exception):  # pytest.fail raises a BaseException
        ARTIFACTS.mkdir(exist_ok=True)
        with suppress(Exception):  # the page may be gone; the log still helps
            page.screenshot(path=str(ARTIFACTS / f"{name}_failure.png"))
        why = traceback.format_exc()
        log = server.log_text() if server is not None else ""
        (ARTIFACTS / f"{name}_failure.log").write_text(f"{why}\n--- app log ---\n{log}")
        raise
