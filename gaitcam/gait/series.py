"""Per-frame angle series from pixel keypoints (pure functions).

The one definition of gaitcam's per-frame angles: the report's metrics, the app's plots
(gaitcam.analysis.series_for_plots) and the overlay (gaitcam.render._angles) all use these
functions, so their keys and signs agree.

Every function takes `xy` of shape (..., 33, 2) in PIXELS (image x right, y DOWN; never
normalised coordinates, which distort angles on non-square frames) and returns (...) values,
NaN where a point is missing. `roll_deg` (default 0): a known clockwise camera roll to undo, so
angles are measured from the true vertical (the analysis itself measures from the image vertical:
see gaitcam.gait.view.ground_tilt_deg).

Sign conventions (the report's, docs/report_schema.md):
- trunk_lean_series: mid-hip->mid-shoulder vs vertical, + = toward `facing` (forward).
- knee_flexion_series: 180 - interior hip-knee-ankle angle, 0 = straight, always >= 0.
- shank_angle_series: knee->ankle vs vertical, + = ankle ahead of the knee (side view).
- thigh_angle_series: hip->knee vs vertical, + = knee BEHIND the hip (hip extension).
- foot_angle_series: heel->toe vs horizontal, + = toes up (side view).
- pelvic_obliquity_series: hip line vs horizontal, + = the runner's RIGHT hip lower
  (rear/front view; NaN for a side view).
- lateral_trunk_lean_series: frontal trunk angle, + = toward the runner's LEFT (rear/front).
- knee_fppa_series: frontal plane projection angle, + = knee medial of the hip-ankle line.
"""

from __future__ import annotations

import numpy as np

from gaitcam.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER, SIDE


def _level(xy: np.ndarray, roll_deg: float) -> np.ndarray:
    """Undo a clockwise camera roll (rotate counter-clockwise about the origin)."""
    if not roll_deg:
        return np.asarray(xy, dtype=np.float64)
    r = -np.radians(roll_deg)
    c, s = np.cos(r), np.sin(r)
    x, y = xy[..., 0], xy[..., 1]
    return np.stack([c * x - s * y, s * x + c * y], -1)


def level_xy(xy: np.ndarray, roll_deg: float) -> np.ndarray:
    """Pixel coordinates rotated so the ground is horizontal (angles only; not for drawing)."""
    return _level(np.asarray(xy, dtype=np.float64), roll_deg)


def mid_hip(xy: np.ndarray) -> np.ndarray:
    """Midpoint of the two hips (..., 2); NaN if either is missing."""
    return (xy[..., LEFT_HIP, :] + xy[..., RIGHT_HIP, :]) / 2.0


def mid_shoulder(xy: np.ndarray) -> np.ndarray:
    return (xy[..., LEFT_SHOULDER, :] + xy[..., RIGHT_SHOULDER, :]) / 2.0


def _forward_sign(facing: str) -> float:
    if facing not in ("left", "right"):
        raise ValueError(f"facing must be 'left' or 'right', got {facing!r}")
    return -1.0 if facing == "left" else 1.0


def _angle_from_vertical(v: np.ndarray, forward: float) -> np.ndarray:
    """Angle (deg) of an UPWARD-pointing vector v (..., 2) from vertical, + toward forward."""
    return np.degrees(np.arctan2(forward * v[..., 0], -v[..., 1]))


def _angle_from_down(v: np.ndarray, forward: float) -> np.ndarray:
    """Angle (deg) of a DOWNWARD-pointing vector from the downward vertical, + toward forward."""
    return np.degrees(np.arctan2(forward * v[..., 0], v[..., 1]))


def trunk_lean_series(xy: np.ndarray, facing: str, roll_deg: float = 0.0) -> np.ndarray:
    """Side view trunk lean (deg): mid-hip->mid-shoulder vs vertical, + = forward."""
    p = _level(xy, roll_deg)
    return _angle_from_vertical(mid_shoulder(p) - mid_hip(p), _forward_sign(facing))


def knee_flexion_series(xy: np.ndarray, side: str) -> np.ndarray:
    """Knee flexion (deg) = 180 - interior hip-knee-ankle angle; 0 = straight. Any view."""
    s = SIDE[side]
    a = xy[..., s["hip"], :] - xy[..., s["knee"], :]
    b = xy[..., s["ankle"], :] - xy[..., s["knee"], :]
    cross = a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    dot = (a * b).sum(-1)
    return 180.0 - np.degrees(np.abs(np.arctan2(cross, dot)))


def shank_angle_series(
    xy: np.ndarray, side: str, facing: str, roll_deg: float = 0.0
) -> np.ndarray:
    """Side view shank angle (deg): knee->ankle vs vertical, + = ankle ahead of the knee."""
    s, p = SIDE[side], _level(xy, roll_deg)
    return _angle_from_down(p[..., s["ankle"], :] - p[..., s["knee"], :], _forward_sign(facing))


def thigh_angle_series(
    xy: np.ndarray, side: str, facing: str, roll_deg: float = 0.0
) -> np.ndarray:
    """Side view thigh angle (deg): hip->knee vs vertical, + = knee behind the hip."""
    s, p = SIDE[side], _level(xy, roll_deg)
    return -_angle_from_down(p[..., s["knee"], :] - p[..., s["hip"], :], _forward_sign(facing))


def foot_angle_series(
    xy: np.ndarray, side: str, facing: str, roll_deg: float = 0.0
) -> np.ndarray:
    """Side view foot angle (deg): heel->toe (foot_index) vs horizontal, + = toes up."""
    s, p = SIDE[side], _level(xy, roll_deg)
    v = p[..., s["foot_index"], :] - p[..., s["heel"], :]
    return np.degrees(np.arctan2(-v[..., 1], _forward_sign(facing) * v[..., 0]))


def pelvic_obliquity_series(xy: np.ndarray, view: str) -> np.ndarray:
    """Rear/front view hip line vs horizontal (deg), + = the runner's right hip lower.

    Uses |dx| so it does not depend on which hip is on which side of the image; NaN for a side
    view (the hips overlap there).
    """
    left, right = xy[..., LEFT_HIP, :], xy[..., RIGHT_HIP, :]
    ang = np.degrees(np.arctan2(right[..., 1] - left[..., 1], np.abs(right[..., 0] - left[..., 0])))
    if view == "side":
        return np.full(ang.shape, np.nan)
    return ang


def _left_sign(view: str) -> float:
    """+1 if the runner's left is image RIGHT (front view), -1 if image left (rear view)."""
    if view == "rear":
        return -1.0
    if view == "front":
        return 1.0
    raise ValueError(f"a frontal-plane angle needs view 'rear' or 'front', got {view!r}")


def lateral_trunk_lean_series(xy: np.ndarray, view: str) -> np.ndarray:
    """Rear/front view trunk vs vertical (deg), + = leaning toward the runner's LEFT."""
    if view == "side":
        return np.full(xy.shape[:-2], np.nan)
    return _angle_from_vertical(mid_shoulder(xy) - mid_hip(xy), _left_sign(view))


def knee_fppa_series(xy: np.ndarray, side: str, view: str) -> np.ndarray:
    """Rear/front view knee frontal plane projection angle (deg), + = knee medial (valgus).

    180 - interior hip-knee-ankle angle in the image, signed by which side of the hip-ankle
    line the knee lies on: medial is toward the runner's other leg.
    """
    if view == "side":
        return np.full(xy.shape[:-2], np.nan)
    s = SIDE[side]
    hip, knee, ankle = xy[..., s["hip"], :], xy[..., s["knee"], :], xy[..., s["ankle"], :]
    mag = knee_flexion_series(xy, side)
    # Image x of the hip-ankle line at the knee's height, and the medial image direction.
    d = ankle - hip
    f = (knee[..., 1] - hip[..., 1]) / np.where(d[..., 1] == 0, np.nan, d[..., 1])
    x_line = hip[..., 0] + f * d[..., 0]
    runner_left_is_image_right = _left_sign(view) > 0
    medial_is_image_right = (side == "left") != runner_left_is_image_right
    medial = 1.0 if medial_is_image_right else -1.0
    return np.sign(medial * (knee[..., 0] - x_line)) * mag
