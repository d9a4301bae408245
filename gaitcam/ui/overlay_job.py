"""The annotated video, drawn in a background thread after the results are shown.

The upload page analyses a clip without the overlay (pose inference alone is what the runner
waits for), shows the numbers, and meanwhile `start` draws overlay.mp4 from the finished report
with `gaitcam.render.render_overlay` (every frame knows the whole clip's report). One job per
result folder per process; the file appears atomically (rendered under a temporary name).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from gaitcam.pipeline import AnalysisResult
from gaitcam.render import render_overlay

log = logging.getLogger(__name__)

OVERLAY_NAME = "overlay.mp4"


@dataclass
class Job:
    """State of one overlay job: "rendering", "ready" or "failed"; `fraction` done 0..1."""

    state: str = "rendering"
    fraction: float = 0.0
    error: str = ""


_jobs: dict[str, Job] = {}
_lock = threading.Lock()


def overlay_path(result: AnalysisResult) -> Path:
    return result.out_dir / OVERLAY_NAME


def status(result: AnalysisResult) -> Job | None:
    """The job drawing this result's overlay, a "ready" job if the file exists, or None."""
    path = overlay_path(result)
    with _lock:
        job = _jobs.get(str(path))
    if job is not None:
        return job
    return Job("ready", 1.0) if path.is_file() else None


def _run(video: Path, result: AnalysisResult, job: Job) -> None:
    final = overlay_path(result)
    partial = final.with_name(f".{final.stem}.rendering.mp4")

    def progress(fraction: float) -> None:
        job.fraction = fraction

    started = time.perf_counter()
    try:
        render_overlay(video, result.seq, result.report, partial, progress=progress)
        os.replace(partial, final)
        result.files["overlay"] = final
        job.fraction, job.state = 1.0, "ready"
        log.info("overlay for %s drawn in %.2f s", video.name, time.perf_counter() - started)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        log.exception("could not draw the overlay for %s", video.name)
        job.error = getattr(exc, "message", "") or "unexpected error"
        job.state = "failed"


def start(video: Path, result: AnalysisResult) -> Job:
    """Draw `result`'s overlay from `video` in a background thread, unless it exists or is
    being drawn; returns the job."""
    path = overlay_path(result)
    with _lock:
        job = _jobs.get(str(path))
        if job is not None:  # rendering, ready, or failed (not retried in a loop)
            return job
        if path.is_file():
            job = Job("ready", 1.0)
        else:
            job = Job()
            threading.Thread(target=_run, args=(video, result, job), daemon=True,
                             name=f"gaitcam-overlay-{path.parent.name}").start()
        _jobs[str(path)] = job
        return job
