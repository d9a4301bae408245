"""Overlay video written while pose inference runs, so rendering overlaps with inference.

The pose loop hands each decoded frame and the runner's pose to `StreamingOverlay.push`. A
render thread draws frame i once the poses up to i + `lag_s` are known: foot contacts are only
certain a little after they happen. Until the whole clip is analysed, contacts and the HUD come
from a rolling analysis of the last `window_s` seconds; the last `lag_s` of frames use the final
report. Memory stays bounded: at most about `lag_s` of frames wait in the queue.
"""

from __future__ import annotations

import collections
import contextlib
import queue
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.pose import PersonPose
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render import H264Writer, OverlayRenderer, contexts_from_report
from gaitcam.rolling import PoseBuffer
from gaitcam.video import Frame

_DONE = object()

RollingReportFn = Callable[[PoseSequence], Mapping[str, Any]]


class StreamingOverlay:
    """Draw and encode the overlay of a clip while its poses are being computed."""

    def __init__(
        self,
        out_path: Path,
        fps: float,
        rolling_report: RollingReportFn,
        lag_s: float = 0.6,
        window_s: float = 8.0,
        refresh_s: float = 0.5,
    ) -> None:
        self.out_path = Path(out_path)
        self.fps = fps if fps > 0 else 30.0
        self.rolling_report = rolling_report
        self.lag_s, self.window_s, self.refresh_s = lag_s, window_s, refresh_s
        self.poses = PoseBuffer()
        self._q: queue.Queue = queue.Queue(maxsize=int(self.fps * lag_s) + 16)
        self._final: tuple[PoseSequence, Mapping[str, Any]] | None = None
        self._final_ready = threading.Event()
        self._abort = threading.Event()
        self._error: BaseException | None = None
        self._renderer = OverlayRenderer()
        self._thread = threading.Thread(target=self._run, name="gaitcam-overlay", daemon=True)
        self._thread.start()

    # --- producer side (pose loop) --------------------------------------------------------

    def push(self, frame: Frame, pose: PersonPose | None) -> None:
        """Record the pose of `frame` and queue the frame for drawing (blocks if far behind)."""
        if not self.poses.height:
            self.poses.height, self.poses.width = frame.image.shape[:2]
        self.poses.append(frame.t, pose)
        while not self._abort.is_set():
            try:
                self._q.put(frame, timeout=0.2)
                return
            except queue.Full:
                continue

    def finish(self, seq: PoseSequence, report: Mapping[str, Any]) -> Path:
        """Draw the remaining frames with the final report; wait for the file; return its path."""
        self._final = (seq, report)
        self._final_ready.set()
        self._q.put(_DONE)
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self.out_path

    def abort(self) -> None:
        """Stop drawing and remove the partial file (analysis failed)."""
        self._abort.set()
        self._final_ready.set()
        with contextlib.suppress(queue.Full):
            self._q.put_nowait(_DONE)
        self._thread.join(timeout=10)
        self.out_path.unlink(missing_ok=True)

    # --- render thread --------------------------------------------------------------------

    def _run(self) -> None:
        writer: H264Writer | None = None
        pending: collections.deque[Frame] = collections.deque()
        ctx_fn = None
        ctx_until = -1.0
        try:
            done = False
            while not self._abort.is_set():
                if not done:
                    item = self._q.get()
                    if item is _DONE:
                        done = True
                    else:
                        pending.append(item)
                while pending and not self._abort.is_set():
                    frame = pending[0]
                    final = self._final_ready.is_set() and self._final is not None
                    if not final and self.poses.last_t < frame.t + self.lag_s:
                        break  # wait for more poses
                    if final:
                        if ctx_until != np.inf:
                            seq, report = self._final
                            ctx_fn, ctx_until = contexts_from_report(seq, report), np.inf
                        ctx = ctx_fn(frame.index)
                    else:
                        if ctx_fn is None or frame.t > ctx_until:
                            ctx_fn, offset = self._rolling_contexts()
                            ctx_until = frame.t + self.refresh_s
                        ctx = ctx_fn(frame.index - offset)
                    image = cv2.cvtColor(frame.image, cv2.COLOR_RGB2BGR)
                    if writer is None:
                        h, w = image.shape[:2]
                        writer = H264Writer(self.out_path, w, h, self.fps).open()
                    writer.write(self._renderer.render(image, ctx), frame.t)
                    pending.popleft()
                if done and not pending:
                    break
            if writer is None and not self._abort.is_set():
                raise GaitcamError("No frames reached the overlay writer.")
        except BaseException as exc:  # reported to the caller by finish()
            self._error = exc
            self._abort.set()
        finally:
            if writer is not None:
                writer.close()

    def _rolling_contexts(self):
        """Contexts for the last `window_s` of poses, and the frame index of their first row."""
        seq, first_index = self.poses.window(self.window_s, self.fps)
        report: Mapping[str, Any]
        try:
            report = self.rolling_report(seq)
        except GaitcamError:
            report = {}
        return contexts_from_report(seq, report), first_index
