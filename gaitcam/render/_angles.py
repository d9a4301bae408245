"""Per-frame display angles for the overlay, from pixel keypoints (image y grows DOWNWARD).

The geometry is gaitcam.gait.series's, so the overlay, the plots (gaitcam.analysis
.series_for_plots) and the report agree in keys and signs:
- trunk_lean_deg (side view): mid-hip -> mid-shoulder vs vertical, + = forward (toward
  `facing`; with facing unknown the sign is lost and the magnitude is given).
- lateral_trunk_lean_deg (rear/front): trunk vs vertical, + = toward the runner's LEFT.
- pelvic_obliquity_deg (rear/front): hip line vs horizontal, + = the runner's RIGHT hip lower.
- knee_flexion_left_deg, knee_flexion_right_deg: 180 - interior hip-knee-ankle angle.

Each takes xy of shape (..., 33, 2) and returns (...) degrees, NaN where a point is missing.
For the trunk, a missing hip or shoulder is stood in for by its partner (in a side view they
nearly overlap), so a live frame with one hip hidden still shows its lean.
"""

from __future__ import annotations

import numpy as np

from gaitcam.gait import series as S
from gaitcam.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

#: The per-frame angle keys the overlay contexts carry, per view.
SIDE_KEYS = ("trunk_lean_deg", "knee_flexion_left_deg", "knee_flexion_right_deg")
FRONTAL_KEYS = ("lateral_trunk_lean_deg", "pelvic_obliquity_deg", "knee_flexion_left_deg",
                "knee_flexion_right_deg")


def _fill_pairs(xy: np.ndarray) -> np.ndarray:
    """xy with a missing hip (shoulder) replaced by the other hip (shoulder)."""
    out = np.array(xy, dtype=np.float64, copy=True)
    for a, b in ((LEFT_HIP, RIGHT_HIP), (LEFT_SHOULDER, RIGHT_SHOULDER)):
        pa, pb = out[..., a, :].copy(), out[..., b, :].copy()
        out[..., a, :] = np.where(np.isnan(pa), pb, pa)
        out[..., b, :] = np.where(np.isnan(pb), pa, pb)
    return out


def mid_hip(xy: np.ndarray) -> np.ndarray:
    """Where to draw the mid-hip: the midpoint of the hips, or the one hip that is seen."""
    return S.mid_hip(_fill_pairs(xy))


def mid_shoulder(xy: np.ndarray) -> np.ndarray:
    """Where to draw the mid-shoulder (as mid_hip)."""
    return S.mid_shoulder(_fill_pairs(xy))


def frame_angles(xy: np.ndarray, view: str, facing: str | None) -> dict[str, np.ndarray]:
    """The display angles (module docstring) for xy of shape (..., 33, 2)."""
    xy = np.asarray(xy, dtype=np.float64)
    out = {f"knee_flexion_{s}_deg": S.knee_flexion_series(xy, s) for s in ("left", "right")}
    trunk = _fill_pairs(xy)
    if view == "side":
        if facing in ("left", "right"):
            out["trunk_lean_deg"] = S.trunk_lean_series(trunk, facing)
        else:
            out["trunk_lean_deg"] = np.abs(S.trunk_lean_series(trunk, "right"))
    elif view in ("rear", "front"):
        out["lateral_trunk_lean_deg"] = S.lateral_trunk_lean_series(trunk, view)
        out["pelvic_obliquity_deg"] = S.pelvic_obliquity_series(xy, view)
    return out
