"""A simple 3-D stick figure posed by joint angles, for the exercise illustrations.

Body frame (metres): x forward (the way the figure faces), y up, z to the figure's right.
All angles are in degrees. Flexion is positive (hip, knee, elbow, spine, neck, shoulder
forward); `ankle` positive = dorsiflexion (toes up); `hip_abd`/`shoulder_abd` positive = away
from the midline; `hip_rot` positive = external rotation. Whole-body orientation: `body_pitch`
positive = tipping forward (90 = prone, -90 = supine), `body_roll` positive = tipping onto the
right side (90 = lying on the right side).

Pure numpy, no I/O: `pose_points(pose)` returns named 3-D points; `project(points, camera)`
turns them into 2-D screen points (y up) plus depth (larger = nearer the viewer).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: Segment lengths of a ~1.75 m adult (m).
PELVIS_HALF = 0.09
LUMBAR = 0.24
THORACIC = 0.26
SHOULDER_HALF = 0.18
NECK = 0.09
HEAD_RADIUS = 0.11
UPPER_ARM = 0.30
FOREARM = 0.30
THIGH = 0.44
SHANK = 0.43
FOOT_TOE = np.array([0.16, -0.07, 0.0])
FOOT_HEEL = np.array([-0.05, -0.07, 0.0])

#: Every angle a pose may set (anything else is a typo).
BODY_ANGLES = ("body_pitch", "body_roll", "body_yaw", "lumbar", "lumbar_side", "thoracic", "neck")
LIMB_ANGLES = ("hip_flex", "hip_abd", "hip_rot", "knee", "ankle", "shoulder_flex", "shoulder_abd",
               "elbow")
ANGLE_NAMES: frozenset[str] = frozenset(
    BODY_ANGLES + tuple(f"{s}_{a}" for s in ("l", "r") for a in LIMB_ANGLES)
)

#: Named points returned by `pose_points`.
POINT_NAMES: tuple[str, ...] = (
    "mid_hip", "mid_back", "neck", "head",
    *(f"{s}_{p}" for s in ("l", "r") for p in (
        "hip", "knee", "ankle", "heel", "toe", "shoulder", "elbow", "hand")),
)


def _rx(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _ry(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _rz(deg: float) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def unknown_angles(pose: Mapping[str, float]) -> list[str]:
    """Keys of `pose` that are not pose angles (for data validation)."""
    return sorted(k for k in pose if k not in ANGLE_NAMES)


def pose_points(pose: Mapping[str, float]) -> dict[str, np.ndarray]:
    """3-D points (m) of a figure posed by `pose` (missing angles are 0), mid-hip at the origin."""
    a = {name: float(pose.get(name, 0.0)) for name in ANGLE_NAMES}
    up = np.array([0.0, 1.0, 0.0])
    pelvis = _ry(a["body_yaw"]) @ _rz(-a["body_pitch"]) @ _rx(a["body_roll"])
    lumbar = pelvis @ _rz(-a["lumbar"]) @ _rx(a["lumbar_side"])
    thorax = lumbar @ _rz(-a["thoracic"])
    neck_frame = thorax @ _rz(-a["neck"])

    p: dict[str, np.ndarray] = {"mid_hip": np.zeros(3)}
    p["mid_back"] = lumbar @ (LUMBAR * up)
    p["neck"] = p["mid_back"] + thorax @ (THORACIC * up)
    p["head"] = p["neck"] + neck_frame @ ((NECK + HEAD_RADIUS) * up)
    for s, m in (("r", 1.0), ("l", -1.0)):
        hip = pelvis @ np.array([0.0, 0.0, m * PELVIS_HALF])
        thigh = pelvis @ _rz(a[f"{s}_hip_flex"]) @ _rx(-m * a[f"{s}_hip_abd"]) @ _ry(
            -m * a[f"{s}_hip_rot"])
        knee = hip - thigh @ (THIGH * up)
        shank = thigh @ _rz(-a[f"{s}_knee"])
        ankle = knee - shank @ (SHANK * up)
        foot = shank @ _rz(a[f"{s}_ankle"])
        shoulder = p["neck"] + thorax @ np.array([0.0, 0.0, m * SHOULDER_HALF])
        arm = thorax @ _rz(a[f"{s}_shoulder_flex"]) @ _rx(-m * a[f"{s}_shoulder_abd"])
        elbow = shoulder - arm @ (UPPER_ARM * up)
        forearm = arm @ _rz(a[f"{s}_elbow"])
        p.update({
            f"{s}_hip": hip, f"{s}_knee": knee, f"{s}_ankle": ankle,
            f"{s}_heel": ankle + foot @ FOOT_HEEL, f"{s}_toe": ankle + foot @ FOOT_TOE,
            f"{s}_shoulder": shoulder, f"{s}_elbow": elbow,
            f"{s}_hand": elbow - forearm @ (FOREARM * up),
        })
    return p


def camera_matrix(yaw: float = 0.0, pitch: float = 0.0) -> np.ndarray:
    """World -> view rotation. yaw 0 = seen from the figure's right side (figure faces screen
    right), -90 = from the front, 90 = from behind; pitch > 0 = looking down from above."""
    return _rx(pitch) @ _ry(yaw)


def project(points: Mapping[str, np.ndarray], yaw: float = 0.0,
            pitch: float = 0.0) -> dict[str, np.ndarray]:
    """View coordinates (x right, y up, z toward the viewer) of 3-D points."""
    r = camera_matrix(yaw, pitch)
    return {k: r @ v for k, v in points.items()}


def ground(points: Mapping[str, np.ndarray], anchor: str | None = None,
           height: float = 0.0) -> dict[str, np.ndarray]:
    """Translate world points so the lowest one (or `anchor`, at `height` m) meets the floor.

    Head height is taken as head centre minus its radius.
    """
    if anchor is not None:
        shift = height - points[anchor][1]
    else:
        lows = [v[1] for k, v in points.items() if k != "head"]
        lows.append(points["head"][1] - HEAD_RADIUS)
        shift = -min(lows)
    return {k: v + np.array([0.0, shift, 0.0]) for k, v in points.items()}


def solve_contact(pose: Mapping[str, float], a: str, b: str, angle: str = "body_pitch",
                  span: float = 60.0) -> dict[str, float]:
    """Return `pose` with `angle` nudged (within +-span deg) so points `a` and `b` are level.

    Used to make two contacts (say a heel and a shoulder) touch the floor together.
    """
    base = float(pose.get(angle, 0.0))

    def low(pts: Mapping[str, np.ndarray], name: str) -> float:
        return float(pts[name][1]) - (HEAD_RADIUS if name == "head" else 0.0)

    def gap(offset: float) -> float:
        pts = pose_points({**pose, angle: base + offset})
        low_a, low_b = low(pts, a), low(pts, b)
        lowest_other = min(low(pts, k) for k in pts if k not in (a, b))
        # Level contacts that are also the lowest points; anything below them sinks into the floor.
        return abs(low_a - low_b) + max(0.0, min(low_a, low_b) - lowest_other)

    grid = np.arange(-span, span + 0.5, 1.0)
    best = float(grid[int(np.argmin([gap(g) for g in grid]))])
    fine = np.arange(best - 1.0, best + 1.0001, 0.05)
    best = float(fine[int(np.argmin([gap(g) for g in fine]))])
    return {**pose, angle: round(base + best, 2)}


def solve_reach(pose: Mapping[str, float], hand: str,
                target: str | tuple[str, str]) -> dict[str, float]:
    """Return `pose` with the shoulder flexion and elbow of `hand` ("l_hand" or "r_hand") set so
    the hand lands as close as it can to `target` (a point name, or the midpoint of two)."""
    side = hand[0]
    names = (target,) if isinstance(target, str) else tuple(target)
    goal = np.mean([pose_points(pose)[n] for n in names], axis=0)

    def miss(flex: float, elbow: float) -> float:
        trial = {**pose, f"{side}_shoulder_flex": flex, f"{side}_elbow": elbow}
        return float(np.linalg.norm(pose_points(trial)[hand] - goal))

    best = min(((f, e) for f in range(-60, 200, 10) for e in range(0, 150, 10)),
               key=lambda fe: miss(*fe))
    best = min(((best[0] + df, best[1] + de) for df in range(-8, 9, 2) for de in range(-8, 9, 2)
                if 0 <= best[1] + de <= 150), key=lambda fe: miss(*fe))
    return {**pose, f"{side}_shoulder_flex": float(best[0]), f"{side}_elbow": float(best[1])}


def solve_flat_foot(pose: Mapping[str, float], side: str) -> dict[str, float]:
    """Return `pose` with the ankle of `side` ("l"/"r") set so heel and toe are level."""
    key = f"{side}_ankle"

    def tilt(ankle: float) -> float:
        pts = pose_points({**pose, key: ankle})
        return abs(float(pts[f"{side}_heel"][1] - pts[f"{side}_toe"][1]))

    best = min(np.arange(-80.0, 80.5, 1.0), key=tilt)
    best = min(np.arange(best - 1.0, best + 1.001, 0.05), key=tilt)
    return {**pose, key: round(float(best), 2)}
