"""Per-frame display angles from pixel keypoints (image y grows DOWNWARD).

Private stand-ins used by the overlay until the geometry module (gaitcam.gait) offers the same
series; each takes xy of shape (..., 33, 2) and returns (...) degrees, NaN where a point is
missing. Angles are computed in pixel space so they are true on non-square frames.
"""

from __future__ import annotations

import numpy as np

from gaitcam.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER, SIDE


def _mid(xy: np.ndarray, a: int, b: int) -> np.ndarray:
    """Midpoint of two landmarks; where one is missing, the other stands in."""
    with np.errstate(invalid="ignore"):
        pa, pb = xy[..., a, :], xy[..., b, :]
        return np.where(np.isnan(pa), pb, np.where(np.isnan(pb), pa, (pa + pb) / 2))


def mid_hip(xy: np.ndarray) -> np.ndarray:
    return _mid(xy, LEFT_HIP, RIGHT_HIP)


def mid_shoulder(xy: np.ndarray) -> np.ndarray:
    return _mid(xy, LEFT_SHOULDER, RIGHT_SHOULDER)


def trunk_lean_deg(xy: np.ndarray, facing: str | None) -> np.ndarray:
    """Side view: mid-hip -> mid-shoulder line vs vertical, positive = toward `facing`.

    With facing None the sign is lost and the magnitude is returned.
    """
    d = mid_shoulder(xy) - mid_hip(xy)
    dx, up = d[..., 0], -d[..., 1]
    if facing == "left":
        dx = -dx
    ang = np.degrees(np.arctan2(dx, up))
    return ang if facing in ("left", "right") else np.abs(ang)


def trunk_lateral_deg(xy: np.ndarray, view: str) -> np.ndarray:
    """Rear/front view: trunk vs vertical, positive = shoulders toward the runner's right.

    From behind the runner's right is image right; from the front it is image left.
    """
    d = mid_shoulder(xy) - mid_hip(xy)
    dx = d[..., 0] if view != "front" else -d[..., 0]
    return np.degrees(np.arctan2(dx, -d[..., 1]))


def knee_flexion_deg(xy: np.ndarray, side: str) -> np.ndarray:
    """180 - interior hip-knee-ankle angle (0 = straight leg), degrees, >= 0."""
    s = SIDE[side]
    a = xy[..., s["hip"], :] - xy[..., s["knee"], :]
    b = xy[..., s["ankle"], :] - xy[..., s["knee"], :]
    cross = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    dot = (a * b).sum(-1)
    return 180.0 - np.degrees(np.abs(np.arctan2(cross, dot)))


def pelvic_obliquity_deg(xy: np.ndarray) -> np.ndarray:
    """Hip line vs horizontal, positive = the runner's left hip lower in the image."""
    left, right = xy[..., LEFT_HIP, :], xy[..., RIGHT_HIP, :]
    drop = left[..., 1] - right[..., 1]
    return np.degrees(np.arctan2(drop, np.abs(left[..., 0] - right[..., 0])))


def frame_angles(xy: np.ndarray, view: str, facing: str | None) -> dict[str, np.ndarray]:
    """All display angles for xy of shape (..., 33, 2), keyed as in FrameContext.angles."""
    out = {
        "knee_flexion_left_deg": knee_flexion_deg(xy, "left"),
        "knee_flexion_right_deg": knee_flexion_deg(xy, "right"),
    }
    if view == "side":
        out["trunk_lean_deg"] = trunk_lean_deg(xy, facing)
    else:
        out["trunk_lateral_deg"] = trunk_lateral_deg(xy, view)
        out["pelvic_obliquity_deg"] = pelvic_obliquity_deg(xy)
    return out
