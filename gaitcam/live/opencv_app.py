"""`gaitcam live`: the live treadmill view in an OpenCV window (for a PC beside the treadmill).

Shows the camera with the overlay, the rolling metrics (HUD), the cue for the worst current
finding and, with the metronome on, a beat light at the target cadence (optionally a terminal
bell on each beat). Keys: q or Esc quit, m metronome on/off, r record start/stop, v next view.
A video file can stand in for the camera (played in real time), and `window=False` runs
headless (status lines on stdout), for tests and for checking a setup.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.live.cues import DEFAULT_CADENCE_INCREASE, ascii_text
from gaitcam.live.drawing import draw_beat
from gaitcam.live.metronome import BeatClock
from gaitcam.live.processor import LIVE_MODEL, VIEWS, LiveProcessor, LiveSnapshot
from gaitcam.live.recorder import RecordingStatus, new_session_dir
from gaitcam.live.sources import open_source
from gaitcam.render import theme as th

WINDOW_TITLE = "gaitcam live (q: quit, m: metronome, r: record, v: view)"
STATUS_EVERY_S = 2.0


def status_line(s: LiveSnapshot) -> str:
    """One line of the live state for a terminal."""
    metrics = ", ".join(f"{m.label.lower()} {m.text}" for m in s.metrics if m.value is not None)
    lat = (f"p50 {s.latency_p50_ms:.0f} ms, p90 {s.latency_p90_ms:.0f} ms"
           if s.latency_p90_ms is not None else "no frames yet")
    parts = [
        f"[{s.view}]",
        metrics or s.message or "no metrics yet",
        f"cue: {s.cue.text}" if s.cue else "",
        f"{s.fps_processed:.1f} fps, {lat}",
        f"frames {s.frames_processed}/{s.frames_received} ({s.frames_dropped} dropped)",
        "REC" if s.recording.state == "recording" else "",
    ]
    return ascii_text(" | ".join(p for p in parts if p))


def _draw_status(frame: np.ndarray, s: LiveSnapshot) -> None:
    """Processed fps and latency, bottom left, small."""
    sc = th.scale_of(frame)
    h = frame.shape[0]
    text = f"{s.fps_processed:.0f} fps"
    if s.latency_p90_ms is not None:
        text += f"  p90 {s.latency_p90_ms:.0f} ms"
    if s.recording.state == "recording":
        text = "REC  " + text
    th.put_text(frame, text, round(10 * sc.unit), h - round(10 * sc.unit), sc.font_small * 0.8,
                th.WHITE, 1)


def _check_display() -> None:
    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise GaitcamError("There is no display to open the live window on.",
                           hint="Run it on the treadmill PC's desktop, or use --no-window.")


class _Metronome:
    """Beat light (and optional bell) at the runner's target cadence, re-timed when it moves."""

    def __init__(self, on: bool, bell: bool) -> None:
        self.on, self.bell = on, bell
        self._clock: BeatClock | None = None
        self._last_beat = -1

    def update(self, target: int | None, now: float) -> None:
        if not self.on or target is None:
            self._clock = None
            return
        if self._clock is None or abs(self._clock.bpm - target) >= 1:
            self._clock = BeatClock(target, t0=now)
            self._last_beat = -1

    def draw(self, frame: np.ndarray, now: float) -> None:
        c = self._clock
        if c is None:
            return
        draw_beat(frame, c.phase(now), c.period_s, label=f"{c.bpm:.0f} spm")
        beat = c.beat_index(now)
        if self.bell and beat != self._last_beat:
            sys.stdout.write("\a")
            sys.stdout.flush()
        self._last_beat = beat


def _print_recording(status: RecordingStatus) -> None:
    if status.state == "done":
        print(f"session saved in {status.folder}: {status.message}")
        for name in ("clip", "report", "overlay", "plan"):
            p = getattr(status, name)
            if p is not None:
                print(f"  {name}: {p}")
    elif status.state == "failed":
        print(f"error: the recording could not be analysed: {status.message}", file=sys.stderr)
        if status.hint:
            print(f"hint: {status.hint}", file=sys.stderr)
        if status.clip is not None:
            print(f"the clip is kept: {status.clip}", file=sys.stderr)


def _toggle_recording(proc: LiveProcessor) -> None:
    if proc.recorder.recording:
        print("recording stopped; analysing it in the background", flush=True)
        proc.stop_recording(analyze=True)
        return
    try:
        print(f"recording into {proc.start_recording()}", flush=True)
    except GaitcamError as exc:  # e.g. the previous recording is still being analysed
        print(f"not recording: {exc.message}", file=sys.stderr)


def run_camera(
    camera: int | str,
    model: str = LIVE_MODEL,
    view: str = "auto",
    record_dir: str | None = None,
    *,
    window: bool = True,
    max_frames: int | None = None,
    metronome: bool = False,
    bell: bool = False,
    realtime: bool = True,
    cadence_increase: float = DEFAULT_CADENCE_INCREASE,
) -> int:
    """Run the live view on camera `camera` (index or device) or a video file; returns 0.

    record_dir: save the session (clip + full analysis) into a new timestamped folder under
    it ("" = gaitcam's data folder, live/). window=False: no window, status lines on stdout.
    max_frames: stop after that many frames. realtime: pace a video file to its timestamps.
    Returns 2 when a recording was made but could not be analysed (the clip is kept).
    Raises GaitcamError for a camera that cannot be opened, a bad file or model, no display.
    """
    if window:
        _check_display()
    frames = open_source(camera, realtime=realtime)
    proc = LiveProcessor(model=model, view=view, cadence_increase=cadence_increase)
    beat = _Metronome(metronome, bell)
    exit_code = 0
    try:
        proc.start()
        if record_dir is not None:
            folder = new_session_dir(record_dir or None)
            proc.start_recording(str(folder))
            print(f"recording into {folder}")
        if window:
            import cv2

            cv2.namedWindow(WINDOW_TITLE, cv2.WINDOW_NORMAL)
        snap = proc.snapshot()
        last_snap = last_print = time.perf_counter()
        n = 0
        for t, image in frames:
            proc.submit(image, t)
            n += 1
            now = time.perf_counter()
            if now - last_snap >= 0.25:
                snap, last_snap = proc.snapshot(), now
                beat.update(snap.target_cadence_spm, now)
            if window:
                out = proc.latest_overlay()
                shown = out.copy() if out is not None else image.copy()
                beat.draw(shown, now)
                _draw_status(shown, snap)
                cv2.imshow(WINDOW_TITLE, shown)
                key = cv2.waitKey(1) & 0xFF
                if key in (ord("q"), 27) or cv2.getWindowProperty(
                        WINDOW_TITLE, cv2.WND_PROP_VISIBLE) < 1:
                    break
                if key == ord("m"):
                    beat.on = not beat.on
                elif key == ord("v"):
                    proc.set_view(VIEWS[(VIEWS.index(proc.view) + 1) % len(VIEWS)])
                elif key == ord("r"):
                    _toggle_recording(proc)
            elif now - last_print >= STATUS_EVERY_S:
                print(status_line(proc.snapshot()), flush=True)
                last_print = now
            if max_frames is not None and n >= max_frames:
                break
        proc.wait_processed(max(0, n - proc.snapshot().frames_dropped - 1), timeout=2.0)
        print(status_line(proc.snapshot()), flush=True)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        frames.close()
        if window:
            import cv2

            cv2.destroyAllWindows()
        if proc.recorder.recording:
            print("analysing the recording (this takes a moment)...", flush=True)
            proc.stop_recording(analyze=True)
        proc.close()
    status = proc.recorder.wait()
    if status.state in ("done", "failed"):
        _print_recording(status)
        if status.state == "failed":
            exit_code = 2
    return exit_code
