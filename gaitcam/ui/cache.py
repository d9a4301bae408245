"""Where the app keeps uploads and results on this machine, keyed by what went in.

Layout under `data_dir()` ($GAITCAM_DATA_DIR, default ~/.local/share/gaitcam)::

    uploads/<sha256[:16]>/<file name>      the uploaded clip, as uploaded
    results/<key>/                         analyze_video's files + meta.json (or error.json)

A result is keyed by the sha256 of the clip's bytes, the pose model, the view and the runner
height (`AnalysisKey`), so the same clip with the same settings is processed once, across page
re-runs and restarts. A clip that failed with a `GaitcamError` is remembered too (error.json), so
it is not re-processed on every widget change. Nothing here leaves the machine.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from gaitcam import errors
from gaitcam.errors import GaitcamError
from gaitcam.pipeline import AnalysisResult, analyze_video
from gaitcam.pose import ProgressFn
from gaitcam.pose_sequence import PoseSequence

DATA_DIR_ENV = "GAITCAM_DATA_DIR"
RESULT_FILES = {
    "overlay": "overlay.mp4",
    "report": "report.json",
    "pose": "pose.npz",
    "strides": "strides.csv",
    "plan": "plan.html",
}
META = "meta.json"
ERROR = "error.json"

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def data_dir() -> Path:
    """The app's local folder: $GAITCAM_DATA_DIR if set, else ~/.local/share/gaitcam."""
    override = os.environ.get(DATA_DIR_ENV)
    base = Path(override).expanduser() if override else Path.home() / ".local/share/gaitcam"
    return base


def sha256_of(data: bytes | memoryview) -> str:
    """Hex sha256 of a byte buffer."""
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with Path(path).open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class AnalysisKey:
    """What a result depends on: clip content, pose model, view ("auto" or forced), height."""

    sha256: str
    model: str
    view: str = "auto"
    runner_height_cm: float | None = None

    @property
    def id(self) -> str:
        """A folder name: e.g. "3fa2b1c4d5e6f708-full-auto-175" ("nh" = no height)."""
        h = "nh" if self.runner_height_cm is None else f"{self.runner_height_cm:g}"
        return f"{self.sha256[:16]}-{self.model}-{self.view}-{h}"


def safe_file_name(name: str) -> str:
    """`name` reduced to a plain file name (no folders, no odd characters), never empty."""
    base = Path(name.replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._ -]+", "_", base).strip(" .")
    return base[:120] or "clip"


def save_upload(data: bytes | memoryview, file_name: str, sha256: str | None = None,
                root: Path | None = None) -> Path:
    """Write uploaded bytes to uploads/<sha[:16]>/<file name> (once) and return the path."""
    sha256 = sha256 or sha256_of(data)
    folder = (root or data_dir()) / "uploads" / sha256[:16]
    path = folder / safe_file_name(file_name)
    if path.is_file() and path.stat().st_size == len(data):
        return path
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".upload.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def results_dir(key: AnalysisKey, root: Path | None = None) -> Path:
    return (root or data_dir()) / "results" / key.id


def _error_class(name: str) -> type[GaitcamError]:
    cls = getattr(errors, name, None)
    return cls if isinstance(cls, type) and issubclass(cls, GaitcamError) else GaitcamError


def load_result(key: AnalysisKey, root: Path | None = None) -> AnalysisResult | None:
    """The stored result for `key`, or None if there is none (or it is incomplete).

    Re-raises the stored GaitcamError if the clip failed before with these settings.
    """
    out = results_dir(key, root)
    err = out / ERROR
    if err.is_file():
        e = json.loads(err.read_text())
        raise _error_class(e.get("type", ""))(e.get("message", ""), hint=e.get("hint"))
    meta_path = out / META
    if not meta_path.is_file():
        return None
    files = {k: out / v for k, v in RESULT_FILES.items() if (out / v).is_file()}
    if "report" not in files or "pose" not in files:
        return None
    meta = json.loads(meta_path.read_text())
    report = json.loads(files["report"].read_text())
    seq = PoseSequence.load(files["pose"])
    return AnalysisResult(report=report, seq=seq, out_dir=out, files=files,
                          timings_s=meta.get("timings_s", {}))


def _write_json(path: Path, doc: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(doc, indent=2))
    os.replace(tmp, path)


def analyze_cached(
    video: Path,
    key: AnalysisKey,
    root: Path | None = None,
    progress: ProgressFn | None = None,
    analyze: Callable[..., AnalysisResult] = analyze_video,
    overlay: bool = True,
) -> tuple[AnalysisResult, bool]:
    """(result, came_from_cache) for `video` analysed with `key`'s settings.

    Runs `analyze` (default `gaitcam.pipeline.analyze_video`) only when no stored result exists;
    `overlay` False leaves overlay.mp4 to be drawn later (see `gaitcam.ui.overlay_job`).
    A GaitcamError is stored (so it is not re-tried with the same settings) and re-raised.
    """
    with _lock_for(results_dir(key, root)):  # two sessions, same clip: analysed once
        cached = load_result(key, root)
        if cached is not None:
            return cached, True
        return _analyze(video, key, root, progress, analyze, overlay), False


def _lock_for(out: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(str(out), threading.Lock())


def _analyze(video: Path, key: AnalysisKey, root: Path | None, progress: ProgressFn | None,
             analyze: Callable[..., AnalysisResult], overlay: bool) -> AnalysisResult:
    out = results_dir(key, root)
    if out.exists():  # an earlier run was interrupted: start clean
        shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    try:
        result = analyze(video, out, model=key.model, view=key.view,
                         runner_height_cm=key.runner_height_cm, overlay=overlay,
                         progress=progress)
    except GaitcamError as exc:
        _write_json(out / ERROR, {"type": type(exc).__name__, "message": exc.message,
                                  "hint": exc.hint})
        raise
    _write_json(out / META, {
        "key": asdict(key), "video": str(video), "created_unix": started,
        "timings_s": {k: round(v, 3) for k, v in result.timings_s.items()},
    })
    return result


def video_of(result: AnalysisResult) -> Path | None:
    """The clip a result was made from (for decoding frames again), if it is still on disk."""
    meta = result.out_dir / META
    if meta.is_file():
        p = Path(json.loads(meta.read_text()).get("video", ""))
        if p.is_file():
            return p
    p = Path(result.seq.source.get("path", ""))
    return p if p.is_file() else None
