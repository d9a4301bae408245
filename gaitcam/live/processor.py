"""The live frame processor: pose, overlay and rolling metrics for frames from any source.

Frames arrive from a camera, a WebRTC callback or a file through `submit(frame_bgr, t)`, which
never blocks. A single-slot handoff holds only the newest frame: when pose estimation is slower
than the camera, older frames are dropped, never queued, so the overlay never lags behind.
A worker thread runs MediaPipe's PoseLandmarker (lite model by default) in VIDEO mode on that
newest frame and draws the overlay layers on it; `latest_overlay()` returns the most recent
result. A second thread analyses the last `window_s` seconds of poses every `refresh_s`
(`gaitcam.pipeline.rolling_report`, the same analysis as a recorded clip), so frame latency
does not include it; the values shown are medians of the analyses of the last STEADY_S seconds
(gaitcam.live.steady), so they do not flicker from one window to the next. `snapshot()` gives
a thread-safe view of it all: rolling metrics, the cue for the worst finding, processed fps,
latency p50/p90 (frame arrival -> overlay ready) and frame counts.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.landmarks import N_LANDMARKS
from gaitcam.live.clock import StreamClock
from gaitcam.live.cues import (
    DEFAULT_CADENCE_INCREASE,
    Cue,
    LiveMetric,
    live_metrics,
    target_cadence,
    worst_cue,
)
from gaitcam.live.drawing import draw_cue
from gaitcam.live.recorder import RecordingStatus, SessionRecorder
from gaitcam.live.resample import resample_uniform
from gaitcam.live.stats import LatencyStats, RateMeter
from gaitcam.live.steady import steady_report
from gaitcam.models import DEFAULT_MODEL
from gaitcam.pose import PersonPose, _candidates, _Window
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render import (
    FrameContext,
    HudLayer,
    HudValue,
    KneeAngleLayer,
    OverlayRenderer,
    PelvisLayer,
    SkeletonLayer,
    TrunkLayer,
)
from gaitcam.rolling import PoseBuffer

LIVE_MODEL = "lite"
VIEWS = ("auto", "side", "rear", "front")
#: Seconds of poses needed before the first rolling analysis (about 4 strides).
MIN_WINDOW_S = 4.0
_NO_POSE = np.full((N_LANDMARKS, 2), np.nan)
#: Shown values are medians of the rolling analyses of the last STEADY_S seconds.
STEADY_S = 2.0
#: Pose rows kept before the buffer is cut back to the last window (5 min at 30 fps).
MAX_BUFFER_ROWS = 9000


def live_layers(window_s: float = 10.0) -> list:
    """The live overlay stack: skeleton, trunk, knee angles, pelvis, and the rolling HUD.

    Foot-contact markers are left out: a contact is only known from the rolling analysis up to
    a refresh later, by which time its marker would already have faded.
    """
    return [SkeletonLayer(), TrunkLayer(), KneeAngleLayer(), PelvisLayer(),
            HudLayer(title=f"Last {window_s:.0f} s", max_rows=4)]


@dataclass(frozen=True)
class LiveSnapshot:
    """What the live view shows; a consistent copy taken under the processor's lock.

    view: the view analysed ("side", "rear" or "front"; the requested one, or "side", until the
    first rolling analysis). metrics: the live panel rows of that view. cue: for the worst
    current finding, or None. cadence_spm / target_cadence_spm: steps per minute (target = own
    cadence + `cadence_increase`). Latencies in milliseconds (None before the first frame).
    window_s: seconds of poses in the last analysed window; updated_t: session time (s) of its
    last frame; refreshes: rolling analyses run so far (including failed ones). message: why
    metrics are missing or stale ("" when all is well).
    """

    requested_view: str = "auto"
    view: str = "side"
    facing: str | None = None
    metrics: tuple[LiveMetric, ...] = ()
    findings: tuple[Mapping[str, Any], ...] = ()
    cue: Cue | None = None
    cadence_spm: float | None = None
    target_cadence_spm: int | None = None
    fps_processed: float = 0.0
    latency_p50_ms: float | None = None
    latency_p90_ms: float | None = None
    frames_received: int = 0
    frames_processed: int = 0
    frames_dropped: int = 0
    runner_visible: bool = False
    window_s: float = 0.0
    updated_t: float | None = None
    refreshes: int = 0
    session_t: float = 0.0
    message: str = "Waiting for the camera."
    recording: RecordingStatus = field(default_factory=RecordingStatus)


@dataclass
class _Item:
    image: np.ndarray
    t: float
    arrival: float
    index: int


@dataclass(frozen=True)
class _Rolling:
    """The latest rolling analysis, swapped atomically by the metrics thread."""

    report: Mapping[str, Any]
    view: str
    facing: str | None
    hud: Mapping[str, HudValue]
    statuses: Mapping[str, str]
    cue: Cue | None
    metrics: tuple[LiveMetric, ...]
    window_s: float
    updated_t: float


class _LatestSlot:
    """Single-slot handoff: `put` replaces any frame not yet taken (and says so)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._item: _Item | None = None

    def put(self, item: _Item) -> bool:
        with self._cond:
            replaced = self._item is not None
            self._item = item
            self._cond.notify()
            return replaced

    def take(self, timeout: float) -> _Item | None:
        with self._cond:
            if self._item is None:
                self._cond.wait(timeout)
            item, self._item = self._item, None
            return item


class LiveProcessor:
    """Pose + overlay + rolling metrics for a live stream; see the module docstring.

    model: pose model ("lite" by default: it keeps up with 30 fps on a 2-core laptop).
    view: "auto", "side", "rear" or "front" for the rolling analysis.
    window_s / refresh_s: length of the analysed window and how often it is refreshed (s).
    cadence_increase: target cadence = own cadence x (1 + this), 0.05-0.10.
    idle_timeout_s: stop the threads (and save a running recording) after this long without
    frames; the next `submit` starts them again. None: run until `close()`.
    record_model: pose model used to analyse a recording afterwards (as for an upload).
    latency_window: how many recent frames the latency percentiles cover.
    frame_size: (width, height) every frame is resized to (same aspect ratio), e.g. a WebRTC
    stream's nominal size; None: the first frame's size.

    Use as a context manager or call `close()`.
    """

    def __init__(
        self,
        model: str = LIVE_MODEL,
        view: str = "auto",
        window_s: float = 10.0,
        refresh_s: float = 0.45,
        cadence_increase: float = DEFAULT_CADENCE_INCREASE,
        idle_timeout_s: float | None = None,
        record_model: str = DEFAULT_MODEL,
        latency_window: int = 300,
        frame_size: tuple[int, int] | None = None,
    ) -> None:
        self.model = model
        self.window_s = window_s
        self.refresh_s = refresh_s
        self.idle_timeout_s = idle_timeout_s
        self.frame_size = frame_size
        target_cadence(None, cadence_increase)  # validates the range
        self.cadence_increase = cadence_increase
        self._view = self._check_view(view)
        self.recorder = SessionRecorder(model=record_model)
        self._lock = threading.RLock()
        self._slot = _LatestSlot()
        self._clock = StreamClock()
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        self._metrics_thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._renderer = OverlayRenderer(live_layers(window_s))
        self._latency = LatencyStats(maxlen=latency_window)
        self._rate = RateMeter()
        self._processed_cond = threading.Condition()
        self._buffer: PoseBuffer | None = None
        self._window: _Window | None = None
        self._size: tuple[int, int] | None = None
        self._rolling: _Rolling | None = None
        self._recent: list[tuple[float, tuple[str, str], Mapping[str, Any]]] = []
        self._message = "Waiting for the camera."
        self._overlay: np.ndarray | None = None
        self._overlay_t = 0.0
        self._runner_visible = False
        self._session_t = 0.0
        self._last_ms = -1
        self._last_frame_at = 0.0
        self._received = self._processed = self._dropped = 0
        self._refreshes = 0
        self._warned: set[str] = set()

    # --- configuration ----------------------------------------------------------------------

    @staticmethod
    def _check_view(view: str) -> str:
        if view not in VIEWS:
            raise GaitcamError(f"Unknown view {view!r}; choose one of {', '.join(VIEWS)}.")
        return view

    @property
    def view(self) -> str:
        return self._view

    def set_view(self, view: str) -> None:
        """Change the analysed view ("auto", "side", "rear", "front") from the next refresh."""
        view = self._check_view(view)
        with self._lock:
            if view != self._view:
                self._view = view
                self._rolling = None  # metrics of the old view no longer apply
                self._message = "Switching view..."

    def set_model(self, model: str) -> None:
        """Switch the pose model ("lite", "full" or "heavy"). Pose estimation restarts (the
        rolling window starts afresh); a recording goes on. ModelError for a bad model."""
        if model == self.model:
            return
        from gaitcam.models import model_path

        model_path(model)  # fail now, not in the worker
        with self._start_lock:
            self.model = model  # a restart from `submit` meanwhile already uses it
            was_running = self.running
            self._shutdown(join=True, save_recording=False)
        if was_running:
            self.start()

    def set_cadence_increase(self, increase: float) -> None:
        target_cadence(None, increase)
        self.cadence_increase = increase

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> LiveProcessor:
        """Load the model and start the threads (idempotent, thread-safe). Raises ModelError
        if the pose model is missing or broken; `submit` starts the processor too."""
        from gaitcam.models import create_landmarker

        with self._start_lock:
            with self._lock:
                worker, metrics, stop = self._worker, self._metrics_thread, self._stop
            if worker is not None and worker.is_alive() and not stop.is_set():
                return self
            for th in (worker, metrics):  # an idle stop may still be finishing
                if th is not None:
                    th.join(timeout=10)
            landmarker = create_landmarker(self.model, num_poses=1, running_mode="video")
            stop = threading.Event()
            with self._lock:
                self._stop = stop
                self._last_frame_at = time.perf_counter()
                self._worker = threading.Thread(target=self._run_worker, args=(stop, landmarker),
                                                name="gaitcam-live-pose", daemon=True)
                self._metrics_thread = threading.Thread(target=self._run_metrics, args=(stop,),
                                                        name="gaitcam-live-metrics", daemon=True)
                self._worker.start()
                self._metrics_thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._worker is not None and self._worker.is_alive()

    def close(self) -> None:
        """Stop the threads and free the model; a running recording is saved and analysed."""
        self._shutdown(join=True)

    def __enter__(self) -> LiveProcessor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _shutdown(self, join: bool, save_recording: bool = True) -> None:
        with self._lock:
            self._stop.set()
            worker, metrics = self._worker, self._metrics_thread
        me = threading.current_thread()
        for th in (worker, metrics):
            if join and th is not None and th is not me:
                th.join(timeout=10)
        if save_recording and self.recorder.recording:
            self.recorder.stop(analyze=True, view=self._view)

    # --- producer side ------------------------------------------------------------------------

    def submit(self, frame_bgr: np.ndarray, t: float | None = None,
               received_at: float | None = None) -> None:
        """Hand over one BGR uint8 frame (H, W, 3); never blocks.

        t: the source's timestamp in seconds (camera or stream time; None = arrival time).
        received_at: when it arrived, on time.perf_counter()'s clock (default: now); latency is
        measured from it. The processor owns the array afterwards: do not modify it.
        """
        arrival = time.perf_counter() if received_at is None else received_at
        if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3:
            raise ValueError(f"expected a BGR frame (H, W, 3), got shape {frame_bgr.shape}")
        if not self.running:
            self.start()
        with self._lock:
            session_t = self._clock(t, arrival)
            index = self._received
            self._received += 1
            self._last_frame_at = arrival
        # every camera frame is recorded, processed or not: the offline analysis of the
        # recording then sees the camera's full frame rate
        self.recorder.push(frame_bgr, session_t)
        if self._slot.put(_Item(frame_bgr, session_t, arrival, index)):
            with self._lock:
                self._dropped += 1

    # --- consumer side ------------------------------------------------------------------------

    def latest_overlay(self) -> np.ndarray | None:
        """The most recently processed frame with the overlay drawn (BGR), or None yet.

        The array is shared: copy it before drawing on it.
        """
        return self._overlay

    def wait_processed(self, count: int, timeout: float) -> bool:
        """Wait until at least `count` frames have been processed; False on timeout."""
        deadline = time.perf_counter() + timeout
        with self._processed_cond:
            while self._processed < count:
                left = deadline - time.perf_counter()
                if left <= 0:
                    return False
                self._processed_cond.wait(left)
        return True

    def snapshot(self) -> LiveSnapshot:
        """A consistent copy of the live state (safe from any thread)."""
        rec = self.recorder.status()
        with self._lock:
            r = self._rolling
            view = r.view if r else (self._view if self._view != "auto" else "side")
            metrics = r.metrics if r else live_metrics({}, view)
            cadence = None
            for m in metrics:
                if m.key == "cadence_spm" and isinstance(m.value, int | float):
                    cadence = float(m.value)
            return LiveSnapshot(
                requested_view=self._view,
                view=view,
                facing=r.facing if r else None,
                metrics=metrics,
                findings=tuple((r.report.get("findings") or ()) if r else ()),
                cue=r.cue if r else None,
                cadence_spm=cadence,
                target_cadence_spm=target_cadence(cadence, self.cadence_increase),
                fps_processed=self._rate.rate(),
                latency_p50_ms=self._latency.percentile_ms(50),
                latency_p90_ms=self._latency.percentile_ms(90),
                frames_received=self._received,
                frames_processed=self._processed,
                frames_dropped=self._dropped,
                runner_visible=self._runner_visible,
                window_s=r.window_s if r else 0.0,
                updated_t=r.updated_t if r else None,
                refreshes=self._refreshes,
                session_t=self._session_t,
                message=self._message,
                recording=rec,
            )

    # --- recording ----------------------------------------------------------------------------

    def start_recording(self, folder: str | None = None) -> str:
        """Start saving the camera frames (see gaitcam.live.recorder); returns the folder."""
        return str(self.recorder.start(folder, size=self.frame_size))

    def stop_recording(self, analyze: bool = True) -> RecordingStatus:
        """Finish the clip and, with `analyze`, analyse it like an upload in the background."""
        return self.recorder.stop(analyze=analyze, view=self._view)

    # --- worker: pose + overlay ---------------------------------------------------------------

    def _run_worker(self, stop: threading.Event, landmarker: Any) -> None:
        idle = False
        try:
            while not stop.is_set():
                item = self._slot.take(timeout=0.1)
                if item is None:
                    if (self.idle_timeout_s is not None
                            and time.perf_counter() - self._last_frame_at > self.idle_timeout_s):
                        idle = True
                        stop.set()
                    continue
                self._process(item, landmarker)
        except Exception as exc:  # keep the stream alive: show the problem instead
            self._warn("worker", f"live pose processing stopped: {exc!r}")
            with self._lock:
                self._message = f"Pose processing stopped ({exc})."
        finally:
            landmarker.close()
            if self._window is not None:
                self._window.close()
                self._window = None
            self._size = None  # a restart begins a new pose buffer
            if idle:
                with self._lock:
                    self._message = "Paused: no camera frames for a while."
                if self.recorder.recording:  # the stream ended: keep what was recorded
                    self.recorder.stop(analyze=True, view=self._view)

    def _on_new_size(self, w: int, h: int) -> None:
        if self._window is not None:
            self._window.close()
        self._size = (w, h)
        # A wide camera frame is cropped to a square around the runner (see gaitcam.pose).
        self._window = _Window(w, h, self.model)
        self._buffer = PoseBuffer(w, h, source={"model": self.model})
        with self._lock:
            self._rolling = None

    def _recent_buffer(self) -> PoseBuffer:
        """A new buffer holding only the last window of poses, so a long run's memory stays
        bounded (the rolling analysis never looks further back)."""
        seq, _ = self._buffer.window(self.window_s + 2.0, 30.0)
        fresh = PoseBuffer(seq.width, seq.height, capacity=max(1024, 2 * seq.n_frames),
                           source=seq.source)
        found = seq.detected
        for i in range(seq.n_frames):
            pose = PersonPose(seq.xy[i], seq.world[i], seq.visibility[i], seq.presence[i])
            fresh.append(float(seq.t[i]), pose if found[i] else None)
        return fresh

    def _pose(self, landmarker: Any, rgb: np.ndarray, t: float) -> PersonPose | None:
        import mediapipe as mp

        window = self._window
        crop = window.crop(rgb)
        ms = max(int(round(t * 1000.0)), self._last_ms + 1)  # VIDEO mode needs increasing ms
        self._last_ms = ms
        result = landmarker.detect_for_video(
            mp.Image(image_format=mp.ImageFormat.SRGB, data=crop), ms)
        cands = window.to_frame(_candidates(result, crop.shape[1], crop.shape[0]))
        pose = max(cands, key=lambda c: c.body_px) if cands else None
        window.follow(pose)
        window.acquire(rgb, lost=pose is None)
        return pose

    def _canonical(self, image: np.ndarray) -> np.ndarray:
        """The frame at the processing size: `frame_size` (or the first frame's size), so
        pixel coordinates keep one scale when a WebRTC stream changes its resolution under
        load. A frame of another shape (another camera) starts a new pose buffer."""
        h, w = image.shape[:2]
        size = self._size or self.frame_size or (w, h)
        if (w, h) == size:
            if self._size is None:
                self._on_new_size(w, h)
            return image
        if abs(w / h - size[0] / size[1]) > 0.02 * size[0] / size[1]:
            self._on_new_size(w, h)
            return image
        if self._size is None:
            self._on_new_size(*size)
        return cv2.resize(image, size, interpolation=cv2.INTER_LINEAR)

    def _process(self, item: _Item, landmarker: Any) -> None:
        image = self._canonical(item.image)
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        pose = self._pose(landmarker, rgb, item.t)
        self._buffer.append(item.t, pose)
        if len(self._buffer) >= MAX_BUFFER_ROWS:
            self._buffer = self._recent_buffer()

        r = self._rolling
        view = r.view if r else (self._view if self._view != "auto" else "side")
        ctx = FrameContext.from_pose(
            item.index, item.t, pose.xy if pose is not None else _NO_POSE,
            pose.vis if pose is not None else None, view=view,
            facing=r.facing if r else None, hud=r.hud if r else None,
            statuses=r.statuses if r else None,
        )
        out = self._renderer.render(image.copy(), ctx)
        if r is not None and r.cue is not None:
            draw_cue(out, r.cue.text, r.cue.severity)
        done = time.perf_counter()
        self._latency.add(done - item.arrival)
        self._rate.tick(done)
        with self._lock:
            self._overlay, self._overlay_t = out, item.t
            self._runner_visible = pose is not None
            self._session_t = item.t
            if self._rolling is None and self._message.startswith("Waiting for the camera"):
                self._message = "Warming up: run steadily for a few seconds."
        with self._processed_cond:
            self._processed += 1
            self._processed_cond.notify_all()

    # --- metrics thread -----------------------------------------------------------------------

    def _run_metrics(self, stop: threading.Event) -> None:
        # Fixed-rate schedule: the analysis time is not added to the period; a late refresh
        # skips ahead instead of bunching up.
        next_at = time.perf_counter() + self.refresh_s
        while not stop.wait(max(0.0, next_at - time.perf_counter())):
            next_at = max(next_at + self.refresh_s, time.perf_counter())
            try:
                self._refresh()
            except Exception as exc:  # a bug in the analysis must not stop the live view
                self._warn(f"refresh:{type(exc).__name__}", f"rolling analysis failed: {exc!r}")
                with self._lock:
                    self._message = f"Rolling metrics unavailable ({type(exc).__name__})."

    def _window_seq(self) -> PoseSequence | None:
        buf = self._buffer
        if buf is None or len(buf) < 2:
            return None
        seq, _ = buf.window(self.window_s, 30.0)
        n, span = seq.n_frames, float(seq.t[-1] - seq.t[0]) if seq.n_frames else 0.0
        if n < 2 or span <= 0:
            return None
        # frames were dropped unevenly: analyse them on an even grid (gaitcam.live.resample)
        return resample_uniform(seq.replace(fps=(n - 1) / span))

    def _refresh(self) -> None:
        seq = self._window_seq()
        if seq is None:
            return
        span = float(seq.t[-1] - seq.t[0])
        if span < MIN_WINDOW_S:
            with self._lock:
                self._message = (f"Warming up: {span:.0f} of {MIN_WINDOW_S:.0f} s "
                                 f"of running recorded.")
            return
        if seq.detected_fraction < 0.5:
            self._fail("Runner not in view: show the whole body, side on, at hip height.")
            return
        view = self._view
        with self._lock:
            self._refreshes += 1
        try:
            from gaitcam.pipeline import rolling_report

            report = rolling_report(seq, view=view)
        except ImportError:
            self._fail("Rolling metrics are not available in this version (no analysis module).")
            return
        except GaitcamError as exc:
            self._fail(exc.message)
            return
        self._publish(report, view, span, float(seq.t[-1]))

    def _fail(self, message: str) -> None:
        """Show why there are no metrics; drop metrics older than half a window."""
        with self._lock:
            self._message = message
            r = self._rolling
            if r is not None and self._session_t - r.updated_t > self.window_s / 2:
                self._rolling = None

    def _publish(self, report: Mapping[str, Any], requested: str, span: float,
                 t: float) -> None:
        view_info = report.get("view") or {}
        view = view_info.get("view") if view_info.get("view") in VIEWS[1:] else None
        if view is None:
            view = requested if requested != "auto" else "side"
        facing = view_info.get("facing") if view_info.get("facing") in ("left", "right") else None
        recent = [(tr, vr, rr) for tr, vr, rr in self._recent
                  if vr == (requested, view) and tr >= t - STEADY_S]
        recent.append((t, (requested, view), report))
        self._recent = recent
        report = steady_report([rr for _, _, rr in recent])
        rows = live_metrics(report, view)
        hud = {m.label: HudValue(m.text, m.status) for m in rows if m.value is not None}
        statuses = {
            k: str(m.get("status")) for k, m in (report.get("metrics") or {}).items()
            if isinstance(m, Mapping) and m.get("status")
        }
        cue = worst_cue(report, self.cadence_increase)
        with self._lock:
            if requested != self._view:  # the view changed while analysing
                return
            self._rolling = _Rolling(report, view, facing, hud, statuses, cue, rows, span, t)
            self._message = ""

    def _warn(self, key: str, text: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            print(f"gaitcam live: {text}", file=sys.stderr)

