"""`PoseSequence`: the one data type that carries body keypoints between pipeline stages.

Conventions
-----------
- `t`: frame presentation times in seconds from the first decoded frame, strictly increasing.
  Real container timestamps, so variable-frame-rate clips keep their true timing.
- `xy`: pixel coordinates (T, 33, 2) in the displayed (rotation-applied) frame; x grows to the
  right, y grows DOWNWARD. Unlike MediaPipe's normalised output (x / width, y / height), pixel
  coordinates keep angles true, so every angle in gaitcam is computed from these.
- `world`: MediaPipe world coordinates (T, 33, 3) in metres, origin between the hips,
  x to the image right, y downward, z toward the camera is negative.
- `visibility`, `presence`: (T, 33) in [0, 1] as given by MediaPipe.
- Frames in which the runner was not found hold NaN coordinates and zero visibility/presence.

File format (`.npz`, written by `save` and read by `load`): arrays `t`, `xy`, `world`,
`visibility`, `presence` (float32, except `t` float64) and `meta`, a JSON string with
`format` ("gaitcam.pose_sequence"), `version` (1), `width`, `height`, `fps`, `landmarks` (names)
and `source` (a dict: path, model, rotation, codec, ...).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.landmarks import N_LANDMARKS, NAMES

FORMAT = "gaitcam.pose_sequence"
FORMAT_VERSION = 1


@dataclass(frozen=True, eq=False)
class PoseSequence:
    """Keypoints of one person over time; see the module docstring for units and conventions."""

    t: np.ndarray
    xy: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    presence: np.ndarray
    width: int
    height: int
    fps: float
    source: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        n = len(self.t)
        shapes = {
            "xy": (n, N_LANDMARKS, 2),
            "world": (n, N_LANDMARKS, 3),
            "visibility": (n, N_LANDMARKS),
            "presence": (n, N_LANDMARKS),
        }
        for name, shape in shapes.items():
            got = getattr(self, name).shape
            if got != shape:
                raise ValueError(f"PoseSequence.{name} has shape {got}, expected {shape}")
        if n > 1 and not np.all(np.diff(self.t) > 0):
            raise ValueError("PoseSequence.t must be strictly increasing")

    @property
    def n_frames(self) -> int:
        return len(self.t)

    @property
    def duration_s(self) -> float:
        """Time from the first to the last frame plus one nominal frame interval, in seconds."""
        if self.n_frames == 0:
            return 0.0
        return float(self.t[-1] - self.t[0]) + (1.0 / self.fps if self.fps > 0 else 0.0)

    @property
    def detected(self) -> np.ndarray:
        """(T,) bool: the runner was found in this frame."""
        return ~np.isnan(self.xy[:, :, 0]).all(axis=1)

    @property
    def detected_fraction(self) -> float:
        return float(self.detected.mean()) if self.n_frames else 0.0

    def replace(self, **changes: Any) -> PoseSequence:
        """A copy with some fields changed (the type is frozen)."""
        return replace(self, **changes)

    def slice(self, start: int, stop: int) -> PoseSequence:
        """Frames [start, stop) as a new sequence."""
        s = np.s_[start:stop]
        return self.replace(
            t=self.t[s], xy=self.xy[s], world=self.world[s],
            visibility=self.visibility[s], presence=self.presence[s],
        )

    @classmethod
    def empty(cls, n: int, width: int, height: int, fps: float, **source: Any) -> PoseSequence:
        """A sequence of n frames with no detections (t at the nominal fps)."""
        return cls(
            t=np.arange(n, dtype=np.float64) / fps,
            xy=np.full((n, N_LANDMARKS, 2), np.nan, np.float32),
            world=np.full((n, N_LANDMARKS, 3), np.nan, np.float32),
            visibility=np.zeros((n, N_LANDMARKS), np.float32),
            presence=np.zeros((n, N_LANDMARKS), np.float32),
            width=width, height=height, fps=fps, source=dict(source),
        )

    # --- persistence -------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Write the sequence to `path` (.npz appended if missing); returns the path written."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_name(path.name + ".npz")
        meta = {
            "format": FORMAT, "version": FORMAT_VERSION,
            "width": int(self.width), "height": int(self.height), "fps": float(self.fps),
            "landmarks": list(NAMES), "source": self.source,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path, t=self.t.astype(np.float64), xy=self.xy.astype(np.float32),
            world=self.world.astype(np.float32), visibility=self.visibility.astype(np.float32),
            presence=self.presence.astype(np.float32), meta=np.array(json.dumps(meta, default=str)),
        )
        return path

    @classmethod
    def load(cls, path: str | Path) -> PoseSequence:
        """Read a sequence written by `save`; a wrong or damaged file raises GaitcamError."""
        path = Path(path)
        try:
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["meta"]))
                if meta.get("format") != FORMAT:
                    raise GaitcamError(f"{path.name} is not a gaitcam pose file.")
                return cls(
                    t=z["t"], xy=z["xy"], world=z["world"], visibility=z["visibility"],
                    presence=z["presence"], width=meta["width"], height=meta["height"],
                    fps=meta["fps"], source=meta.get("source", {}),
                )
        except GaitcamError:
            raise
        except FileNotFoundError as exc:
            raise GaitcamError(f"Pose file not found: {path}") from exc
        except Exception as exc:  # zip, key or JSON damage all mean the same to the user
            raise GaitcamError(f"{path.name} is not a readable gaitcam pose file ({exc}).") from exc

    def to_csv(self, path: str | Path) -> Path:
        """Long-format CSV: frame, t_s, landmark, x_px, y_px, world_x_m, world_y_m, world_z_m,
        visibility, presence (one row per frame and landmark; empty cells where not found)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["frame", "t_s", "landmark", "x_px", "y_px", "world_x_m", "world_y_m",
                        "world_z_m", "visibility", "presence"])
            for i in range(self.n_frames):
                for j, name in enumerate(NAMES):
                    vals = [*self.xy[i, j], *self.world[i, j]]
                    cells = ["" if np.isnan(v) else f"{v:.4f}" for v in vals]
                    w.writerow([i, f"{self.t[i]:.6f}", name, *cells,
                                f"{self.visibility[i, j]:.3f}", f"{self.presence[i, j]:.3f}"])
        return path
