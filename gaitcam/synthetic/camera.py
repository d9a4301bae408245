"""Pinhole projection of a `Skeleton3D` to a `PoseSequence`, with MediaPipe-like imperfections.

Camera placement (world frame of gaitcam.synthetic.model: X forward, Y left, Z up):
- side, facing "left": camera on the runner's LEFT (+Y), looking toward -Y; image right = -X,
  so the runner faces image-left and the left leg is the near leg. Facing "right": camera on
  the runner's right, image right = +X, the right leg is near.
- rear: camera behind (-X) looking forward; image right = the runner's right (-Y).
- front: camera ahead (+X) looking back; image right = the runner's left (+Y).
The optical axis is horizontal (no pitch) at `height_m`; `roll_deg` rotates the image
clockwise about its centre (a tilted phone). `pan=True` makes a side camera follow the runner.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaitcam.landmarks import INDEX, LEFT_RIGHT_PAIRS, N_LANDMARKS, NAMES
from gaitcam.pose_sequence import PoseSequence

VIEWS = ("side", "rear", "front")
_LEG_PARTS = ("knee", "ankle", "heel", "foot_index")


@dataclass(frozen=True)
class Camera:
    """Where the synthetic camera stands and how it frames the runner.

    distance_m: from the runner's line of travel (side) or from the treadmill pelvis position
    (rear/front; overground the camera stays where the runner started or will finish).
    height_m: lens height above the ground (None = the runner's hip height).
    fill: runner height as a fraction of the image height (sets the focal length) unless
    focal_px is given. roll_deg: clockwise image rotation. pan: a side camera that follows the
    runner's pelvis. center_x_m: for a static side camera overground, the X it faces (None = the
    middle of the runner's path over the clip).
    """

    distance_m: float = 3.5
    height_m: float | None = None
    fill: float = 0.6
    focal_px: float | None = None
    roll_deg: float = 0.0
    pan: bool = False
    center_x_m: float | None = None


def _basis(view: str, facing: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(right, down, forward) unit vectors of the camera in world coordinates."""
    up = np.array([0.0, 0.0, 1.0])
    if view == "side":
        fwd = np.array([0.0, -1.0, 0.0]) if facing == "left" else np.array([0.0, 1.0, 0.0])
    elif view == "rear":
        fwd = np.array([1.0, 0.0, 0.0])
    elif view == "front":
        fwd = np.array([-1.0, 0.0, 0.0])
    else:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    right = np.cross(fwd, up)
    return right, -up, fwd


def near_side(view: str, facing: str) -> str | None:
    """The runner's side nearer the camera in a side view (None for rear/front)."""
    if view != "side":
        return None
    return "left" if facing == "left" else "right"


def project(
    sk,
    view: str = "side",
    facing: str = "left",
    image_size: tuple[int, int] = (1280, 720),
    camera: Camera | None = None,
    noise_px: float = 0.0,
    drop_frames: float = 0.0,
    occlude_far: bool = False,
    swap: tuple[tuple[float, float], ...] = (),
    seed: int = 0,
) -> PoseSequence:
    """Project a Skeleton3D into a PoseSequence seen from `view`.

    image_size is (width, height). noise_px: Gaussian pixel noise per coordinate. drop_frames:
    fraction of frames (chosen at random) where the runner is "not found" (NaN rows, zero
    visibility). occlude_far (side view): the far leg's knee, ankle, heel and toe are NaN
    where they pass behind the near leg and have low visibility elsewhere. swap: time
    intervals (s) in which every left/right landmark pair has its labels exchanged, as
    MediaPipe does in side views. Visibility is high on the near side, lower on the far side,
    low for the face from behind.
    """
    camera = camera or Camera()
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    if view == "side" and facing not in ("left", "right"):
        raise ValueError("facing must be 'left' or 'right' for a side view")
    rng = np.random.default_rng(seed)
    w, h = image_size
    joints = sk.joints
    n = len(sk.t)
    right, down, fwd = _basis(view, facing)
    hip_h = float(np.nanmean(joints[:, [INDEX["left_hip"], INDEX["right_hip"]], 2]))
    cam_h = camera.height_m if camera.height_m is not None else hip_h
    pel = joints[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)
    overground = sk.setting == "overground"
    if view == "side":
        if camera.pan or not overground:
            cx_world = pel[:, 0]
        else:
            mid = camera.center_x_m
            if mid is None:
                mid = float((pel[0, 0] + pel[-1, 0]) / 2)
            cx_world = np.full(n, mid)
        side_y = camera.distance_m if facing == "left" else -camera.distance_m
        cam = np.stack([cx_world, np.full(n, side_y), np.full(n, cam_h)], -1)
    elif view == "rear":
        x0 = float(pel[0, 0]) if overground else 0.0
        cam = np.tile([x0 - camera.distance_m, 0.0, cam_h], (n, 1))
    else:
        x0 = float(pel[-1, 0]) if overground else 0.0
        cam = np.tile([x0 + camera.distance_m, 0.0, cam_h], (n, 1))
    rel = joints - cam[:, None, :]
    xc, yc, zc = rel @ right, rel @ down, rel @ fwd
    if np.any(zc <= 0.1):
        raise ValueError("the runner passes behind or through the camera: move it back")
    f = camera.focal_px
    if f is None:
        f = camera.fill * h * camera.distance_m / sk.body.height
    u, v = f * xc / zc, f * yc / zc
    if camera.roll_deg:
        r = np.radians(camera.roll_deg)
        u, v = u * np.cos(r) - v * np.sin(r), u * np.sin(r) + v * np.cos(r)
    xy = np.stack([u + w / 2.0, v + h / 2.0], -1)

    vis = _visibility(view, facing, n, rng)
    if noise_px > 0:
        xy = xy + rng.normal(0.0, noise_px, xy.shape)
    if occlude_far and view == "side":
        far = "right" if near_side(view, facing) == "left" else "left"
        near = "left" if far == "right" else "right"
        for part in _LEG_PARTS:
            fi, ni = INDEX[f"{far}_{part}"], INDEX[f"{near}_{part}"]
            behind = np.abs(xy[:, fi, 0] - xy[:, ni, 0]) < 0.04 * h
            xy[behind, fi] = np.nan
            vis[:, fi] = np.where(behind, 0.0, np.minimum(vis[:, fi], 0.3))
    world = np.stack([xc, yc, zc], -1)
    world = world - world[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1, keepdims=True)

    for a, b in swap:
        m = (sk.t >= a) & (sk.t < b)
        for i, j in LEFT_RIGHT_PAIRS:
            for arr in (xy, world, vis):
                arr[m, i], arr[m, j] = arr[m, j].copy(), arr[m, i].copy()
    presence = np.where(np.isnan(xy[..., 0]), 0.0, 0.99)
    if drop_frames > 0:
        drop = rng.random(n) < drop_frames
        xy[drop] = np.nan
        world[drop] = np.nan
        vis[drop] = 0.0
        presence[drop] = 0.0
    source = {
        "path": "synthetic", "model": "synthetic", "view": view, "facing": facing,
        "setting": sk.setting, "noise_px": noise_px, "drop_frames": drop_frames,
    }
    return PoseSequence(
        t=np.asarray(sk.t, np.float64), xy=xy.astype(np.float32),
        world=world.astype(np.float32), visibility=vis.astype(np.float32),
        presence=presence.astype(np.float32), width=int(w), height=int(h),
        fps=float(sk.fps), source=source,
    )


def _visibility(view: str, facing: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """MediaPipe-like visibility (T, 33)."""
    base = np.full(N_LANDMARKS, 0.97)
    if view == "side":
        far = "right" if near_side(view, facing) == "left" else "left"
        for i, name in enumerate(NAMES):
            if name.startswith(far) or name.endswith(far):
                base[i] = 0.85
    elif view == "rear":
        for i, name in enumerate(NAMES[:11]):
            base[i] = 0.25 if "ear" not in name else 0.6
    vis = base[None, :] + rng.normal(0.0, 0.02, (n, N_LANDMARKS))
    return np.clip(vis, 0.0, 1.0)
