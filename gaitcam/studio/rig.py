"""Per-frame pinhole camera of the studio, identical to `gaitcam.synthetic.project`.

`project` maps only the 33 landmarks; the renderer must map any 3D point (limb surfaces, shoe
outlines, the treadmill) with the same camera so that the drawn body and the truth keypoints
agree to the pixel. `CameraRig` re-derives the camera of `project` (placement, horizontal
optical axis, focal length from `fill`, clockwise roll about the image centre) and the studio
tests check that both give the same pixels for the landmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaitcam.landmarks import INDEX
from gaitcam.synthetic import VIEWS, Camera


def _basis(view: str, facing: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(right, down, forward) camera unit vectors in world coordinates (see synthetic.camera)."""
    up = np.array([0.0, 0.0, 1.0])
    if view == "side":
        fwd = np.array([0.0, -1.0, 0.0]) if facing == "left" else np.array([0.0, 1.0, 0.0])
    elif view == "rear":
        fwd = np.array([1.0, 0.0, 0.0])
    elif view == "front":
        fwd = np.array([-1.0, 0.0, 0.0])
    else:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    return np.cross(fwd, up), -up, fwd


@dataclass(frozen=True, eq=False)
class CameraRig:
    """Camera of every frame: centres (T, 3) m, shared axes, focal length and roll.

    Build it with `CameraRig.for_skeleton`; `project(i, pts)` maps world points of frame i.
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
    ) -> CameraRig:
        """The camera `gaitcam.synthetic.project` uses for `sk` (image_size is (width, height))."""
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

    @property
    def static(self) -> bool:
        """True when the camera does not move over the clip."""
        return bool(np.all(self.centres == self.centres[0]))

    def to_camera(self, i: int, pts: np.ndarray) -> np.ndarray:
        """World points (..., 3) of frame i in camera coordinates (x right, y down, z depth) m."""
        rel = np.asarray(pts, float) - self.centres[i]
        return np.stack([rel @ self.right, rel @ self.down, rel @ self.forward], -1)

    def project(self, i: int, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pixels (..., 2) (x right, y down) and depths (...) in metres of world points."""
        c = self.to_camera(i, pts)
        z = c[..., 2]
        zs = np.where(z > 1e-6, z, 1e-6)  # points behind the camera are clipped by the caller
        u, v = self.focal_px * c[..., 0] / zs, self.focal_px * c[..., 1] / zs
        if self.roll_deg:
            r = np.radians(self.roll_deg)
            u, v = u * np.cos(r) - v * np.sin(r), u * np.sin(r) + v * np.cos(r)
        return np.stack([u + self.width / 2.0, v + self.height / 2.0], -1), z

    def scale(self, i: int, depth: np.ndarray | float) -> np.ndarray:
        """Pixels per metre for an object at `depth` metres in frame i."""
        return self.focal_px / np.maximum(np.asarray(depth, float), 1e-6)

    def unroll(self, du: np.ndarray, dv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Image offsets back to camera-axis offsets (undo the roll)."""
        if not self.roll_deg:
            return du, dv
        r = np.radians(self.roll_deg)
        return du * np.cos(r) + dv * np.sin(r), -du * np.sin(r) + dv * np.cos(r)
