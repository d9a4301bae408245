"""The studio's camera: `gaitcam.synthetic.ClipCamera` plus what drawing needs.

`project` maps only the 33 landmarks; the renderer must map every other 3D point (limb
surfaces, shoe outlines, the treadmill) with the same camera so that the drawn body and the
truth keypoints agree to the pixel. `CameraRig` is that very camera (`ClipCamera.for_skeleton`
places it, `project(i, pts)` maps points of frame i) with a few drawing helpers added.
"""

from __future__ import annotations

import numpy as np

from gaitcam.synthetic import ClipCamera


class CameraRig(ClipCamera):
    """Camera of every frame: centres (T, 3) m, shared axes, focal length and roll.

    Build it with `CameraRig.for_skeleton` (the camera `gaitcam.synthetic.project` uses);
    `project(i, pts)` maps world points of frame i to pixels and depths.
    """

    @property
    def static(self) -> bool:
        """True when the camera does not move over the clip."""
        return bool(np.all(self.centres == self.centres[0]))

    def unroll(self, du: np.ndarray, dv: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Image offsets back to camera-axis offsets (undo the roll)."""
        if not self.roll_deg:
            return du, dv
        r = np.radians(self.roll_deg)
        return du * np.cos(r) + dv * np.sin(r), -du * np.sin(r) + dv * np.cos(r)
