"""Pinhole projection of a `Skeleton3D` to a `PoseSequence`, with MediaPipe-like imperfections.

Camera placement (world frame of gaitcam.synthetic.model: X forward, Y left, Z up):
- side, facing "left": camera on the runner's LEFT (+Y), looking toward -Y; image right = -X,
  so the runner faces image-left and the left leg is the near leg. Facing "right": camera on
  the runner's right, image right = +X, the right leg is near.
- rear: camera behind (-X) looking forward; image right = the runner's right (-Y).
- front: camera ahead (+X) looking back; image right = the runner's left (+Y).
The optical axis is horizontal (no pitch) at `height_m`; `roll_deg` rotates the image
clockwise about its centre (a tilted phone). `pan=True` makes a side camera follow the runner.

`Camera` is what the user chooses; `ClipCamera.for_skeleton` turns it into the pinhole camera
of every frame of a clip. `project` maps the 33 landmarks with it; gaitcam.studio maps every
other drawn point with the same object, so drawings and keypoints agree to the pixel.
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


@dataclass(frozen=True, eq=False)
class ClipCamera:
    """The pinhole camera of every frame of a clip: the one `project` sees the runner with.

    centres: (T, 3) lens positions, metres, world frame. right, down, forward: camera axes as
    world unit vectors (the same in every frame: the camera only translates). focal_px: focal
    length in pixels; roll_deg: clockwise image rotation about the image centre. width, height:
    image size in pixels. facing is "" outside side views. Build it with `for_skeleton`.
    """

    centres: np.ndarray
    right: np.ndarray
    down: np.ndarray
    forward: np.ndarray
    focal_px: float
    roll_deg: float
    width: int
    height: int
    view: str
    facing: str

    @classmethod
    def for_skeleton(
        cls,
        sk,
        view: str = "side",
        facing: str = "left",
        image_size: tuple[int, int] = (1280, 720),
        camera: Camera | None = None,
    ) -> ClipCamera:
        """Place `camera` for the Skeleton3D `sk` seen from `view` (image_size: width, height)."""
        camera = camera or Camera()
        if view == "side" and facing not in ("left", "right"):
            raise ValueError("facing must be 'left' or 'right' for a side view")
        right, down, fwd = _basis(view, facing)
        w, h = image_size
        joints = sk.joints
        n = len(sk.t)
        hips = joints[:, [INDEX["left_hip"], INDEX["right_hip"]]]
        cam_h = camera.height_m if camera.height_m is not None else float(
            np.nanmean(hips[..., 2]))
        pel = hips.mean(axis=1)
        overground = sk.setting == "overground"
        if view == "side":
            if camera.pan or not overground:
                cx = pel[:, 0]
            else:
                mid = camera.center_x_m
                if mid is None:
                    mid = float((pel[0, 0] + pel[-1, 0]) / 2)
                cx = np.full(n, mid)
            side_y = camera.distance_m if facing == "left" else -camera.distance_m
            centres = np.stack([cx, np.full(n, side_y), np.full(n, cam_h)], -1)
        elif view == "rear":
            x0 = float(pel[0, 0]) if overground else 0.0
            centres = np.tile([x0 - camera.distance_m, 0.0, cam_h], (n, 1))
        else:
            x0 = float(pel[-1, 0]) if overground else 0.0
            centres = np.tile([x0 + camera.distance_m, 0.0, cam_h], (n, 1))
        f = camera.focal_px
        if f is None:
            f = camera.fill * h * camera.distance_m / sk.body.height
        return cls(centres=centres, right=right, down=down, forward=fwd, focal_px=float(f),
                   roll_deg=float(camera.roll_deg), width=int(w), height=int(h), view=view,
                   facing=facing if view == "side" else "")

    def _axes(self, rel: np.ndarray) -> np.ndarray:
        return np.stack([rel @ self.right, rel @ self.down, rel @ self.forward], -1)

    def to_camera(self, i: int, pts: np.ndarray) -> np.ndarray:
        """World points (..., 3) of frame i in camera coordinates (x right, y down, z depth) m."""
        return self._axes(np.asarray(pts, float) - self.centres[i])

    def clip_to_camera(self, pts: np.ndarray) -> np.ndarray:
        """World points (T, ..., 3), row t seen from frame t, in camera coordinates, metres."""
        pts = np.asarray(pts, float)
        return self._axes(pts - self.centres.reshape(len(self.centres), *[1] * (pts.ndim - 2), 3))

    def pixels(self, cam: np.ndarray) -> np.ndarray:
        """Camera coordinates (..., 3) m to pixels (..., 2), x right, y down.

        Depths below 1e-6 m are clamped: points behind the camera are the caller's to drop.
        """
        z = cam[..., 2]
        zs = np.where(z > 1e-6, z, 1e-6)
        u, v = self.focal_px * cam[..., 0] / zs, self.focal_px * cam[..., 1] / zs
        if self.roll_deg:
            r = np.radians(self.roll_deg)
            u, v = u * np.cos(r) - v * np.sin(r), u * np.sin(r) + v * np.cos(r)
        return np.stack([u + self.width / 2.0, v + self.height / 2.0], -1)

    def project(self, i: int, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixels (..., 2) (x right, y down) and depths (...) in metres of world points of
        frame i."""
        cam = self.to_camera(i, pts)
        return self.pixels(cam), cam[..., 2]


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
    cam = ClipCamera.for_skeleton(sk, view, facing, image_size, camera)  # checks view, facing
    rng = np.random.default_rng(seed)
    w, h = image_size
    n = len(sk.t)
    world = cam.clip_to_camera(sk.joints)  # camera axes, metres; hip-centred below
    if np.any(world[..., 2] <= 0.1):
        raise ValueError("the runner passes behind or through the camera: move it back")
    xy = cam.pixels(world)
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
