"""A synthetic runner for the overlay tests: keypoints placed by known angles in pixel space.

Other test_render_* modules import `runner_pose` and friends from here; the tests below check
that the generator puts the angles where it says (measured with plain vector maths).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from gaitcam.landmarks import INDEX, N_LANDMARKS, SIDE
from gaitcam.pose_sequence import PoseSequence

TRUNK_PX = 300.0
THIGH_PX = SHANK_PX = 220.0


def _dir(angle_from_down_deg: float, forward: float) -> np.ndarray:
    """Unit vector `angle` degrees from straight down, rotated toward `forward` (+1 = image
    right, -1 = image left). Pixel space, y down."""
    a = math.radians(angle_from_down_deg)
    return np.array([forward * math.sin(a), math.cos(a)])


def runner_pose(
    *,
    hip: tuple[float, float] = (360.0, 700.0),
    facing: str = "left",
    trunk_lean: float = 10.0,
    thigh: dict[str, float] | None = None,
    knee_flexion: dict[str, float] | None = None,
    scale: float = 1.0,
) -> np.ndarray:
    """(33, 2) side-view pixel keypoints of a runner.

    trunk_lean: mid-hip -> mid-shoulder vs vertical, degrees, positive = toward `facing`.
    thigh[side]: hip -> knee vs vertical, positive = knee ahead. knee_flexion[side]: degrees.
    """
    f = -1.0 if facing == "left" else 1.0
    thigh = {"left": 25.0, "right": -15.0} | (thigh or {})
    knee_flexion = {"left": 30.0, "right": 70.0} | (knee_flexion or {})
    xy = np.full((N_LANDMARKS, 2), np.nan)
    h = np.array(hip, float)
    up = _dir(trunk_lean, f) * [1, -1]  # from hip toward shoulder
    sh = h + up * TRUNK_PX * scale
    for side, dz in (("left", -4.0), ("right", 4.0)):
        s = SIDE[side]
        xy[s["hip"]] = h + [dz * scale, 0]
        xy[s["shoulder"]] = sh + [dz * scale, 0]
        knee = xy[s["hip"]] + _dir(thigh[side], f) * THIGH_PX * scale
        ankle = knee + _dir(thigh[side] - knee_flexion[side], f) * SHANK_PX * scale
        xy[s["knee"]], xy[s["ankle"]] = knee, ankle
        xy[s["heel"]] = ankle + np.array([-f * 18, 22]) * scale
        xy[s["foot_index"]] = ankle + np.array([f * 55, 28]) * scale
        arm = 25.0 if side == "right" else -25.0
        elbow = sh + _dir(arm, f) * 130 * scale
        xy[s["elbow"]] = elbow
        xy[s["wrist"]] = elbow + _dir(arm + 80, f) * 110 * scale
    head = sh + up * 95 * scale + [f * 25 * scale, 0]
    for name in ("nose", "left_eye", "right_eye", "left_ear", "right_ear"):
        xy[INDEX[name]] = head
    # the hand and face details are not drawn; keep them near their parents
    for side in ("left", "right"):
        for part in ("pinky", "index", "thumb"):
            xy[INDEX[f"{side}_{part}"]] = xy[SIDE[side]["wrist"]]
    for name in ("left_eye_inner", "left_eye_outer", "right_eye_inner", "right_eye_outer",
                 "mouth_left", "mouth_right"):
        xy[INDEX[name]] = head
    return xy


def rear_pose(
    *, center: tuple[float, float] = (640.0, 420.0), pelvis_left_low_deg: float = 4.0,
    lateral_lean_right_deg: float = 0.0, scale: float = 1.0,
) -> np.ndarray:
    """(33, 2) rear-view keypoints (camera behind: the runner's left is image left)."""
    xy = np.full((N_LANDMARKS, 2), np.nan)
    c = np.array(center, float)
    half = 45.0 * scale
    a = math.radians(pelvis_left_low_deg)
    d = np.array([math.cos(a), -math.sin(a)]) * half  # left -> right direction, right higher
    lh, rh = c - d, c + d
    lean = math.radians(lateral_lean_right_deg)
    sh = c + np.array([math.sin(lean), -math.cos(lean)]) * 170 * scale
    xy[SIDE["left"]["hip"]], xy[SIDE["right"]["hip"]] = lh, rh
    xy[SIDE["left"]["shoulder"]] = sh - [60 * scale, 0]
    xy[SIDE["right"]["shoulder"]] = sh + [60 * scale, 0]
    for side, p, sgn in (("left", lh, -1), ("right", rh, 1)):
        s = SIDE[side]
        xy[s["knee"]] = p + np.array([sgn * 5, 125]) * scale
        xy[s["ankle"]] = p + np.array([sgn * 8, 245]) * scale
        xy[s["heel"]] = p + np.array([sgn * 8, 262]) * scale
        xy[s["foot_index"]] = p + np.array([sgn * 10, 258]) * scale
        xy[s["elbow"]] = xy[s["shoulder"]] + np.array([sgn * 15, 75]) * scale
        xy[s["wrist"]] = xy[s["elbow"]] + np.array([-sgn * 10, 65]) * scale
    xy[INDEX["nose"]] = sh + np.array([0, -70]) * scale
    return xy


def sequence(frames: list[np.ndarray], width: int, height: int, fps: float = 30.0,
             t: np.ndarray | None = None) -> PoseSequence:
    n = len(frames)
    xy = np.stack(frames).astype(np.float32)
    vis = np.where(np.isfinite(xy).all(axis=2), 0.95, 0.0).astype(np.float32)
    return PoseSequence(
        t=np.arange(n) / fps if t is None else np.asarray(t, float),
        xy=xy, world=np.full((n, N_LANDMARKS, 3), np.nan, np.float32),
        visibility=vis, presence=vis.copy(), width=width, height=height, fps=fps,
    )


def _angle_deg(v: np.ndarray, w: np.ndarray) -> float:
    return math.degrees(math.acos(float(v @ w) / float(np.linalg.norm(v) * np.linalg.norm(w))))


def test_generator_places_the_trunk_where_it_says() -> None:
    xy = runner_pose(facing="left", trunk_lean=10.0)
    hip = (xy[SIDE["left"]["hip"]] + xy[SIDE["right"]["hip"]]) / 2
    sh = (xy[SIDE["left"]["shoulder"]] + xy[SIDE["right"]["shoulder"]]) / 2
    assert _angle_deg(sh - hip, np.array([0.0, -1.0])) == pytest.approx(10.0, abs=1e-6)
    assert sh[0] < hip[0]  # facing left, leaning forward: shoulders to the image left


def test_generator_places_the_knee_flexion_where_it_says() -> None:
    xy = runner_pose(knee_flexion={"left": 30.0, "right": 70.0})
    for side, want in (("left", 30.0), ("right", 70.0)):
        s = SIDE[side]
        interior = _angle_deg(xy[s["hip"]] - xy[s["knee"]], xy[s["ankle"]] - xy[s["knee"]])
        assert 180.0 - interior == pytest.approx(want, abs=1e-6)
