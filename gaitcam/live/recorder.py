"""Saving a live session: the processed frames as an H.264 clip, then the full analysis.

While recording, every camera frame (also those the live view had no time to analyse) is
handed to a writer thread and encoded at its capture time, so encoding never delays the
overlay; if the encoder falls behind, frames are left out of the clip rather than queued. On stop,
the clip is analysed exactly like an uploaded one (`gaitcam.pipeline.analyze_video`), in a
background thread, into the same folder: clip.mp4, report.json, overlay.mp4, plan.html...

Sessions live in `<data folder>/live/<YYYYmmdd-HHMMSS>/`; the data folder is
$GAITCAM_DATA_DIR, else the per-user data folder (~/.local/share/gaitcam on Linux). Nothing
leaves the machine.
"""

from __future__ import annotations

import contextlib
import os
import queue
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.models import DEFAULT_MODEL
from gaitcam.render import H264Writer

CLIP_NAME = "clip.mp4"
_STOP = object()


def data_dir() -> Path:
    """gaitcam's data folder ($GAITCAM_DATA_DIR, else the platform's per-user folder)."""
    try:
        from gaitcam.store.location import default_data_dir
    except ImportError:  # the history store is optional for live mode
        env = os.environ.get("GAITCAM_DATA_DIR", "").strip()
        if env:
            return Path(env).expanduser()
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        return (Path(xdg) if xdg else Path.home() / ".local" / "share") / "gaitcam"
    return default_data_dir()


def new_session_dir(root: str | Path | None = None) -> Path:
    """Create and return a fresh `<root>/<YYYYmmdd-HHMMSS>` folder (root: data_dir()/live)."""
    root = Path(root).expanduser() if root else data_dir() / "live"
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(100):
        path = root / (stamp if n == 0 else f"{stamp}-{n}")
        try:
            path.mkdir(parents=True, exist_ok=False)
            return path
        except FileExistsError:
            continue
        except OSError as exc:
            raise GaitcamError(
                f"Cannot create the session folder {path} ({exc.strerror or exc}).",
                hint="Set GAITCAM_DATA_DIR to a writable folder.",
            ) from exc
    raise GaitcamError(f"Too many sessions named {stamp} in {root}.")


class ClipRecorder:
    """Encode BGR frames to H.264 in a background thread at their timestamps (seconds).

    Frames are scaled to `size` (width, height; default: the first frame's size). `push` never
    blocks: if the encoder falls `max_pending` frames behind, frames are dropped
    (counted in `dropped`). `close()` finishes the file and returns its path.
    """

    def __init__(self, path: str | Path, fps: float = 30.0, max_pending: int = 90,
                 size: tuple[int, int] | None = None) -> None:
        self.path = Path(path)
        self.size = size
        self.fps = fps
        self.frames_written = 0
        self.dropped = 0
        self.first_t: float | None = None
        self.last_t: float | None = None
        self._q: queue.Queue = queue.Queue(maxsize=max_pending)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="gaitcam-live-rec", daemon=True)
        self._thread.start()

    @property
    def duration_s(self) -> float:
        if self.first_t is None or self.last_t is None:
            return 0.0
        return self.last_t - self.first_t

    def push(self, frame_bgr: np.ndarray, t: float) -> None:
        if self._error is not None:
            return
        try:
            self._q.put_nowait((frame_bgr, t))
        except queue.Full:
            self.dropped += 1
            return
        if self.first_t is None:
            self.first_t = t
        self.last_t = t

    def _run(self) -> None:
        writer: H264Writer | None = None
        try:
            while True:
                item = self._q.get()
                if item is _STOP:
                    break
                frame, t = item
                if writer is None:
                    w, h = self.size or (frame.shape[1], frame.shape[0])
                    # ultrafast: half the CPU of the default preset, the live view needs it
                    writer = H264Writer(self.path, w, h, self.fps, preset="ultrafast",
                                        crf=20).open()
                if frame.shape[:2] != (writer.height, writer.width):  # the stream's size moved
                    frame = cv2.resize(frame, (writer.width, writer.height))
                writer.write(frame, t)
                self.frames_written += 1
        except BaseException as exc:  # reported by close()
            self._error = exc
        finally:
            if writer is not None:
                with contextlib.suppress(Exception):
                    writer.close()

    def close(self) -> Path:
        """Finish the file; raises the encoder's error, or GaitcamError if nothing was written."""
        self._q.put(_STOP)
        self._thread.join()
        if self._error is not None:
            raise self._error
        if self.frames_written == 0:
            raise GaitcamError("Nothing was recorded: no frames reached the recorder.",
                               hint="Check that the camera shows the runner, then record again.")
        return self.path


@dataclass(frozen=True)
class RecordingStatus:
    """Where a live recording stands.

    state: "idle", "recording", "analysing", "done" or "failed". `report` / `overlay` / `plan`
    are the analysis files once done; `message` a one-line summary or the error's message.
    """

    state: str = "idle"
    folder: Path | None = None
    clip: Path | None = None
    frames: int = 0
    seconds: float = 0.0
    report: Path | None = None
    overlay: Path | None = None
    plan: Path | None = None
    message: str = ""
    hint: str = ""


class SessionRecorder:
    """Record a live session into a folder and analyse it on stop; thread-safe.

    `model` is the pose model of the offline analysis (the same default as an uploaded clip).
    """

    def __init__(self, model: str = DEFAULT_MODEL, fps: float = 30.0) -> None:
        self.model = model
        self.fps = fps
        self._lock = threading.Lock()
        self._clip: ClipRecorder | None = None
        self._status = RecordingStatus()
        self._analysis: threading.Thread | None = None

    @property
    def recording(self) -> bool:
        return self._clip is not None

    def status(self) -> RecordingStatus:
        with self._lock:
            clip = self._clip
            if clip is not None:
                return RecordingStatus("recording", self._status.folder, clip.path,
                                       clip.frames_written, clip.duration_s)
            return self._status

    def start(self, folder: str | Path | None = None,
              size: tuple[int, int] | None = None) -> Path:
        """Start recording into `folder` (created; default: a new session folder), frames
        scaled to `size` (width, height; default: the first frame's size)."""
        with self._lock:
            if self._clip is not None:
                return self._clip.path.parent
            if self._analysis is not None and self._analysis.is_alive():
                raise GaitcamError("The previous recording is still being analysed.",
                                   hint="Wait until its report is ready, then record again.")
            path = Path(folder).expanduser() if folder else new_session_dir()
            path.mkdir(parents=True, exist_ok=True)
            self._clip = ClipRecorder(path / CLIP_NAME, fps=self.fps, size=size)
            self._status = RecordingStatus("recording", path, path / CLIP_NAME)
            return path

    def push(self, frame_bgr: np.ndarray, t: float) -> None:
        clip = self._clip
        if clip is not None:
            clip.push(frame_bgr, t)

    def stop(self, analyze: bool = True, view: str = "auto") -> RecordingStatus:
        """Finish the clip; with `analyze`, start its full analysis in the background."""
        with self._lock:
            clip, self._clip = self._clip, None
            if clip is None:
                return self._status
            folder = clip.path.parent
        try:
            path = clip.close()
        except GaitcamError as exc:
            return self._set(RecordingStatus("failed", folder, None, 0, 0.0, message=exc.message,
                                             hint=exc.hint))
        except Exception as exc:  # an encoder failure: say so, keep the app running
            return self._set(RecordingStatus("failed", folder, None,
                                             message=f"Recording failed ({exc})."))
        frames, seconds = clip.frames_written, clip.duration_s
        if not analyze:
            return self._set(RecordingStatus("done", folder, path, frames, seconds,
                                             message=f"Saved {frames} frames ({seconds:.1f} s)."))
        status = self._set(RecordingStatus("analysing", folder, path, frames, seconds,
                                           message="Analysing the recording..."))
        self._analysis = threading.Thread(
            target=self._run_analysis, args=(path, folder, view, frames, seconds),
            name="gaitcam-live-analysis", daemon=True,
        )
        self._analysis.start()
        return status

    def wait(self, timeout: float | None = None) -> RecordingStatus:
        """Wait for a running analysis to end; return the status."""
        th = self._analysis
        if th is not None:
            th.join(timeout)
        return self.status()

    def _set(self, status: RecordingStatus) -> RecordingStatus:
        with self._lock:
            self._status = status
        return status

    def _run_analysis(self, clip: Path, folder: Path, view: str, frames: int,
                      seconds: float) -> None:
        try:
            from gaitcam.pipeline import analyze_video

            result = analyze_video(clip, folder, model=self.model, view=view)
        except GaitcamError as exc:
            self._set(RecordingStatus("failed", folder, clip, frames, seconds,
                                      message=exc.message, hint=exc.hint))
            return
        except Exception as exc:  # a bug in the analysis must not take the live view down
            print(f"gaitcam live: analysis of {clip} failed: {exc!r}", file=sys.stderr)
            self._set(RecordingStatus("failed", folder, clip, frames, seconds,
                                      message=f"The analysis failed ({exc})."))
            return
        files = getattr(result, "files", {}) or {}
        summary = result.summary() if hasattr(result, "summary") else "Analysis done."
        self._set(RecordingStatus(
            "done", folder, clip, frames, seconds, report=files.get("report"),
            overlay=files.get("overlay"), plan=files.get("plan"),
            message=summary.splitlines()[0] if summary else "Analysis done.",
        ))
