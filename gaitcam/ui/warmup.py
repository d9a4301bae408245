"""Warm the app up in the background: import MediaPipe and the analysis, verify the default pose
model and draw the exercise illustrations once per server process, while the runner is still
choosing a clip, so the first analysis and results page do not pay for them (about 1.5 s)."""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

_lock = threading.Lock()
_thread: threading.Thread | None = None


def _work() -> None:
    try:
        import mediapipe  # noqa: F401
        from mediapipe.tasks.python.vision import pose_landmarker  # noqa: F401

        import gaitcam.analysis  # noqa: F401
        from gaitcam.advice import exercise_svg, load_exercises
        from gaitcam.models import DEFAULT_MODEL, model_path

        model_path(DEFAULT_MODEL)  # hashes the bundle once; later checks hit the cache
        for exercise_id in load_exercises():
            exercise_svg(exercise_id)
    except Exception:  # a missing piece shows up, with a friendly message, when it is used
        log.debug("warm-up stopped early", exc_info=True)


def start() -> threading.Thread:
    """Start the warm-up thread (once per process) and return it."""
    global _thread
    with _lock:
        if _thread is None:
            _thread = threading.Thread(target=_work, name="gaitcam-warmup", daemon=True)
            _thread.start()
        return _thread
