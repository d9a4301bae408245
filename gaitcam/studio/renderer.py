"""The studio renderer: a `ClipSpec` in, video frames of the synthetic runner out.

    >>> r = Renderer(ClipSpec(RunnerParams(trunk_lean_deg=15), view="side", fps=30))
    >>> frame = r.frame(0)            # BGR uint8, height x width
    >>> truth = r.truth_sequence()    # the noise-free keypoints of the same camera

Each frame is the backdrop, the runner's parts drawn far to near, then optional blur and
sensor noise. Everything is a function of the spec and its seed, so rendering is repeatable.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.pose_sequence import PoseSequence
from gaitcam.studio.appearance import Appearance, random_appearance
from gaitcam.studio.backdrop import BACKGROUNDS, Backdrop
from gaitcam.studio.body import RunnerDrawer
from gaitcam.studio.rig import CameraRig
from gaitcam.synthetic import VIEWS, Camera, RunnerParams, Skeleton3D, project, simulate

FPS_RANGE = (30.0, 240.0)
MAX_LONG_SIDE, MAX_SHORT_SIDE = 1920, 1080
MAX_DURATION_S = 120.0
#: Longest untucked shirt: its hem at mid-thigh.
MAX_SHIRT_HEM_M = 0.35


class StudioError(GaitcamError):
    """A clip the studio cannot render (bad view, size, frame rate, runner parameters...)."""

    hint = "Run `gaitcam synth --help` for the accepted values."


@dataclass(frozen=True)
class ClipSpec:
    """Everything that defines a rendered clip.

    size: (width, height) pixels, portrait or landscape, at most 1080 x 1920. fps: 30-240.
    facing (side view): the direction the runner faces in the image. camera: placement, roll
    ("tilt", degrees clockwise) and framing, as in `gaitcam.synthetic.Camera`. background: one
    of BACKGROUNDS. noise: sensor noise standard deviation in 8-bit levels; blur: Gaussian blur
    sigma in pixels. seed: drives the stride phase, the appearance (unless given), the room
    and the noise. phase_s: time of the first left initial contact (None: from the seed).
    shirt_hem_m: an untucked shirt whose hem hangs this far (m) below the top of the waistband,
    hiding it (0 = tucked in; None = as the appearance says, tucked for a seeded look); see
    `Appearance.shirt_hem_m`.
    """

    params: RunnerParams = field(default_factory=RunnerParams)
    view: str = "side"
    facing: str = "left"
    fps: float = 60.0
    duration_s: float = 8.0
    size: tuple[int, int] = (720, 1280)
    camera: Camera = field(default_factory=Camera)
    background: str = "plain"
    noise: float = 0.0
    blur: float = 0.0
    seed: int = 0
    appearance: Appearance | None = None
    phase_s: float | None = None
    shirt_hem_m: float | None = None

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise StudioError(f"Unknown view {self.view!r}: use one of {', '.join(VIEWS)}.")
        if self.facing not in ("left", "right"):
            raise StudioError(f"facing must be 'left' or 'right', got {self.facing!r}.")
        if not FPS_RANGE[0] <= self.fps <= FPS_RANGE[1]:
            raise StudioError(f"A frame rate of {self.fps:g} fps is outside 30-240 fps.")
        w, h = self.size
        if min(w, h) < 64 or max(w, h) > MAX_LONG_SIDE or min(w, h) > MAX_SHORT_SIDE:
            raise StudioError(
                f"A frame size of {w}x{h} is not supported: at most 1080x1920 (or 1920x1080), "
                "at least 64 pixels a side."
            )
        if not 0.5 <= self.duration_s <= MAX_DURATION_S:
            raise StudioError(f"A duration of {self.duration_s:g} s is outside 0.5-120 s.")
        if self.background not in BACKGROUNDS:
            raise StudioError(
                f"Unknown background {self.background!r}: use one of {', '.join(BACKGROUNDS)}."
            )
        if self.background == "treadmill" and self.params.setting != "treadmill":
            raise StudioError("The treadmill background needs the treadmill setting.",
                              hint="Use --background plain or textured for overground runs.")
        if self.noise < 0 or self.blur < 0:
            raise StudioError("noise and blur must not be negative.")
        if self.shirt_hem_m is not None and not 0.0 <= self.shirt_hem_m <= MAX_SHIRT_HEM_M:
            raise StudioError(f"A shirt hem {100 * self.shirt_hem_m:g} cm below the waist is "
                              f"outside 0-{100 * MAX_SHIRT_HEM_M:g} cm.")

    @property
    def n_frames(self) -> int:
        return int(round(self.duration_s * self.fps))

    def with_(self, **changes: object) -> ClipSpec:
        """A copy with some fields changed."""
        return replace(self, **changes)


class Renderer:
    """Draws the frames of a `ClipSpec` (see the module docstring)."""

    def __init__(self, spec: ClipSpec) -> None:
        self.spec = spec
        try:
            self.sk: Skeleton3D = simulate(spec.params, fps=spec.fps, duration_s=spec.duration_s,
                                           seed=spec.seed, phase_s=spec.phase_s)
            self.rig = CameraRig.for_skeleton(self.sk, spec.view, spec.facing, spec.size,
                                              spec.camera)
        except ValueError as exc:  # the model refuses impossible parameter combinations
            raise StudioError(f"These runner parameters cannot be rendered: {exc}.",
                              hint="Change the values named in the message.") from exc
        depth = self.rig.to_camera(0, self.sk.joints[0])[..., 2]
        if np.any(depth <= 0.3):
            raise StudioError("The camera is inside or behind the runner.",
                              hint="Move the camera further away (distance).")
        self.appearance = spec.appearance or random_appearance(spec.seed)
        if spec.shirt_hem_m is not None:
            self.appearance = replace(self.appearance, shirt_hem_m=float(spec.shirt_hem_m))
        self.backdrop = Backdrop(spec.background, self.sk, self.rig, seed=spec.seed)
        self.drawer = RunnerDrawer(self.sk, self.rig, self.appearance)

    @property
    def n_frames(self) -> int:
        return len(self.sk.t)

    def background(self, i: int) -> np.ndarray:
        """Frame i without the runner and without noise."""
        return self.backdrop.frame(i)

    def frame(self, i: int, only: Iterable[str] | None = None, post: bool = True) -> np.ndarray:
        """Frame i (BGR uint8). only: draw only these body parts (see body.PART_NAMES).
        post: apply the spec's blur and sensor noise."""
        img = self.drawer.draw(self.backdrop.frame(i), i, only)
        return self._post(img, i) if post else img

    def frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """(t seconds, BGR frame) for every frame of the clip."""
        for i in range(self.n_frames):
            yield float(self.sk.t[i]), self.frame(i)

    def _post(self, img: np.ndarray, i: int) -> np.ndarray:
        s = self.spec
        if s.blur > 0:
            img = cv2.GaussianBlur(img, (0, 0), s.blur)
        if s.noise > 0:
            rng = np.random.default_rng([s.seed, 97, i])
            noisy = img.astype(np.float32) + rng.normal(0.0, s.noise, img.shape).astype(np.float32)
            img = np.clip(np.round(noisy), 0, 255).astype(np.uint8)
        return img

    def truth_sequence(self) -> PoseSequence:
        """The keypoints this camera sees, without noise: `gaitcam.synthetic.project`."""
        s = self.spec
        return project(self.sk, view=s.view, facing=s.facing, image_size=s.size,
                       camera=s.camera)

    def out_of_frame(self) -> np.ndarray:
        """Bool (T,): frames where some body landmark (not a face point) leaves the image."""
        seq = self.truth_sequence()
        xy = seq.xy[:, 11:]
        w, h = self.spec.size
        return np.any((xy[..., 0] < 0) | (xy[..., 0] >= w) | (xy[..., 1] < 0)
                      | (xy[..., 1] >= h), axis=1)
