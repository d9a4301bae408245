"""Synthetic runner studio: the parametric runner of gaitcam.synthetic drawn to video frames,
written as H.264 clips with exact ground truth.

    >>> files = write_clip(ClipSpec(preset_params("overstride"), view="side"), "out/os")
    >>> truth = load_truth(files.truth)   # metrics, events, joints per frame

`Renderer` draws frames (a `Backdrop`, then the runner's parts far to near with a
`RunnerDrawer`) through a `CameraRig` (a `gaitcam.synthetic.ClipCamera`, the camera
`gaitcam.synthetic.project` uses), so the truth
keypoints of a clip are exactly where the body was drawn. `gaitcam synth`
(gaitcam.studio.cli.add_synth_parser) and `python -m gaitcam.studio.samples` use it.
"""

from gaitcam.studio.appearance import Appearance, random_appearance
from gaitcam.studio.backdrop import BACKGROUNDS, Backdrop
from gaitcam.studio.body import PART_NAMES, RunnerDrawer
from gaitcam.studio.clip import ClipFiles, build_truth, clip_paths, load_truth, write_clip
from gaitcam.studio.presets import PRESETS, preset_params
from gaitcam.studio.renderer import ClipSpec, Renderer, StudioError
from gaitcam.studio.rig import CameraRig

__all__ = [
    "BACKGROUNDS", "PART_NAMES", "PRESETS", "Appearance", "Backdrop", "CameraRig", "ClipFiles",
    "ClipSpec", "Renderer", "RunnerDrawer", "StudioError", "build_truth", "clip_paths",
    "load_truth", "preset_params", "random_appearance", "write_clip",
]
