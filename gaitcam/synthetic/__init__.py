"""Synthetic runners with known gait: a parametric 3D model and its projection to keypoints.

    >>> seq, truth = synthetic_sequence(RunnerParams(pelvic_drop_deg=6), view="rear")

`simulate` gives the 3D joints (`Skeleton3D`: what a renderer draws), `project` the
`PoseSequence` a camera would see (`ClipCamera`: that camera in every frame, to draw with),
`truth` the value of every report metric. Non-gait clips for rejection tests come from
`standing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gaitcam.landmarks import EDGES, INDEX
from gaitcam.pose_sequence import PoseSequence
from gaitcam.synthetic.camera import VIEWS, Camera, ClipCamera, near_side, project
from gaitcam.synthetic.model import RunnerModel
from gaitcam.synthetic.params import SIDED, BodyDims, RunnerParams, body_dims

__all__ = [
    "VIEWS", "SIDED", "BodyDims", "Camera", "ClipCamera", "RunnerModel", "RunnerParams",
    "Skeleton3D", "body_dims", "near_side", "project", "simulate", "standing", "synthetic_sequence",
]


@dataclass(frozen=True, eq=False)
class Skeleton3D:
    """3D landmark positions over time.

    t: (T,) seconds. joints: (T, 33, 3) metres in the world frame X forward, Y runner's left,
    Z up, ground at Z = 0, landmark order of gaitcam.landmarks. body: segment lengths/widths
    (for drawing: limb radii in body.limb_radius). edges: landmark index pairs to draw.
    events: true {"left"/"right": {"initial_contact_s", "toe_off_s"}} within t.
    truth: every report metric implied by the parameters (see RunnerModel.truth).
    setting: "treadmill" or "overground"; params: the RunnerParams (None for non-gait clips).
    """

    t: np.ndarray
    joints: np.ndarray
    body: BodyDims
    fps: float
    setting: str
    events: dict = field(default_factory=dict)
    truth: dict = field(default_factory=dict)
    params: RunnerParams | None = None
    edges: tuple[tuple[int, int], ...] = EDGES


def _times(fps: float, duration_s: float, vfr: bool, rng: np.random.Generator) -> np.ndarray:
    n = int(round(duration_s * fps))
    if not vfr:
        return np.arange(n) / fps
    dt = rng.uniform(0.6, 1.4, n) / fps
    return np.concatenate([[0.0], np.cumsum(dt[:-1])])


def simulate(
    params: RunnerParams | None = None,
    fps: float = 60.0,
    duration_s: float = 10.0,
    seed: int = 0,
    vfr: bool = False,
    phase_s: float | None = None,
) -> Skeleton3D:
    """Run the model for `duration_s` at `fps` (vfr: jittered frame intervals, 0.6-1.4 x).

    The first left initial contact falls at `phase_s` (default: random within the first
    stride, from `seed`).
    """
    params = params or RunnerParams()
    rng = np.random.default_rng(seed)
    if phase_s is None:
        phase_s = float(rng.uniform(0.0, params.stride_s))
    model = RunnerModel(params, phase_s=phase_s)
    t = _times(fps, duration_s, vfr, rng)
    return Skeleton3D(
        t=t, joints=model.joints(t), body=model.body, fps=float(fps), setting=params.setting,
        events=model.events(float(t[0]), float(t[-1])), truth=model.truth(), params=params,
    )


def standing(
    height_m: float = 1.75,
    fps: float = 30.0,
    duration_s: float = 10.0,
    sway_cm: float = 1.5,
    arms: bool = True,
    squat_cm: float = 0.0,
    seed: int = 0,
) -> Skeleton3D:
    """A person standing still (not running): slow body sway, optional arm circles and squats.

    Built from the running model's pose at midstance of both legs, with both feet flat on the
    ground; used to check that non-gait clips are rejected.
    """
    rng = np.random.default_rng(seed)
    t = _times(fps, duration_s, False, rng)
    b = body_dims(height_m)
    n = len(t)
    model = RunnerModel(RunnerParams(height_m=height_m, pelvic_drop_deg=0.0,
                                     lateral_trunk_lean_deg=0.0, knee_valgus_deg=0.0))
    ref = model.joints(np.array([model.sides["left"].t_ic0 + model.sides["left"].contact / 2]))
    pose = ref[0].copy()
    # Both legs straight under the hips, feet flat.
    for name, sign in (("left", 1.0), ("right", -1.0)):
        hip = pose[INDEX[f"{name}_hip"]]
        x = hip[0]
        y = sign * 0.09 * height_m / 1.75
        pose[INDEX[f"{name}_ankle"]] = [x, y, b.ankle_z]
        pose[INDEX[f"{name}_heel"]] = [x - b.ankle_x, y, 0.0]
        pose[INDEX[f"{name}_foot_index"]] = [x - b.ankle_x + b.foot, y, 0.0]
        pose[INDEX[f"{name}_knee"]] = [x + 0.02, (hip[1] + y) / 2, b.ankle_z + b.shank]
        pose[INDEX[f"{name}_hip"]] = [x, hip[1], b.ankle_z + b.shank + b.thigh - 0.005]
    joints = np.repeat(pose[None], n, axis=0)
    ph = rng.uniform(0, 2 * np.pi, 3)
    sway = sway_cm / 100.0 * np.stack([np.sin(2 * np.pi * 0.2 * t + ph[0]),
                                       np.sin(2 * np.pi * 0.13 * t + ph[1]), np.zeros(n)], -1)
    feet = [INDEX[f"{s}_{p}"] for s in ("left", "right") for p in ("ankle", "heel", "foot_index")]
    body_idx = [i for i in range(joints.shape[1]) if i not in feet]
    joints[:, body_idx] += sway[:, None, :]
    if squat_cm:
        dz = squat_cm / 100.0 * 0.5 * (1 - np.cos(2 * np.pi * 0.4 * t))
        upper = [i for i in body_idx if i not in (INDEX["left_knee"], INDEX["right_knee"])]
        joints[:, upper, 2] -= dz[:, None]
        joints[:, [INDEX["left_knee"], INDEX["right_knee"]], 2] -= dz[:, None] / 2
    if arms:
        for name, sign in (("left", 1.0), ("right", -1.0)):
            sh = joints[:, INDEX[f"{name}_shoulder"]]
            a = np.pi / 2 * (1 - np.cos(2 * np.pi * 0.5 * t))  # raise to horizontal and back
            d = np.stack([np.zeros(n), sign * np.sin(a), -np.cos(a)], -1)
            joints[:, INDEX[f"{name}_elbow"]] = sh + b.upper_arm * d
            joints[:, INDEX[f"{name}_wrist"]] = sh + (b.upper_arm + b.forearm) * d
            for part, k in (("index", 1.3), ("pinky", 1.25), ("thumb", 1.2)):
                joints[:, INDEX[f"{name}_{part}"]] = sh + (b.upper_arm + b.forearm) * k * d
    return Skeleton3D(t=t, joints=joints, body=b, fps=float(fps), setting="treadmill")


def synthetic_sequence(
    params: RunnerParams | None = None,
    view: str = "side",
    facing: str = "left",
    fps: float = 60.0,
    duration_s: float = 10.0,
    seed: int = 0,
    vfr: bool = False,
    image_size: tuple[int, int] = (1280, 720),
    camera: Camera | None = None,
    **noise,
) -> tuple[PoseSequence, dict]:
    """A projected synthetic runner and its truth.

    noise: keyword arguments of `project` (noise_px, drop_frames, occlude_far, swap).
    truth: {"metrics": RunnerModel.truth(), "events": {...}, "view", "facing", "setting",
    "leg_m": thigh + shank, "height_m"}.
    """
    params = params or RunnerParams()
    sk = simulate(params, fps=fps, duration_s=duration_s, seed=seed, vfr=vfr)
    seq = project(sk, view=view, facing=facing, image_size=image_size, camera=camera,
                  seed=seed + 1, **noise)
    truth = {
        "metrics": sk.truth, "events": sk.events, "view": view,
        "facing": facing if view == "side" else None, "setting": sk.setting,
        "leg_m": sk.body.leg, "height_m": sk.body.height,
    }
    return seq, truth
