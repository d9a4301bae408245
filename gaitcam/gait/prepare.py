"""From a PoseSequence to clean pixel tracks ready for events and metrics.

Steps, in order: (1) gaps up to MAX_GAP_S are filled by linear interpolation; (2) left/right
label swaps are undone (gaitcam.gait.identity); (3) the view, facing and setting are detected
(or the view forced); (4) in a side view the tilt of the ground line in the image is measured
(gaitcam.gait.view.ground_tilt_deg) and reported, not corrected: a tilted phone and a treadmill
at an angle to the camera both tilt it, and only the first would justify rotating the angles;
(5) a zero-phase Savitzky-Golay low-pass (CUTOFF_HZ) gives the smoothed tracks. The raw
(filled, unswapped) tracks are kept for event timing and for values read at events, where
smoothing would blur the kink.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaitcam.errors import NoPersonError
from gaitcam.gait.identity import fix_label_swaps
from gaitcam.gait.signal import CUTOFF_HZ, MAX_GAP_S, fill_gaps, median_dt, smooth
from gaitcam.gait.view import ViewInfo, detect_view, ground_tilt_deg, leg_length_px
from gaitcam.pose_sequence import PoseSequence

SIDES = ("left", "right")


@dataclass(frozen=True, eq=False)
class CleanPose:
    """Cleaned keypoints of one clip. xy / xy_smooth: (T, 33, 2) pixels; visibility (T, 33),
    NaN where the landmark was not measured;
    leg: leg length in pixels per side (thigh + shank) and "mean"; ground_tilt_deg: clockwise
    tilt of the ground line in the image (side view; None when not measurable);
    swapped_frames: frames whose labels were exchanged (legs or arms); filled_frames: frames
    without a runner that were interpolated; observed (T, 33): the landmark was measured, not
    gap-filled."""

    t: np.ndarray
    xy: np.ndarray
    xy_smooth: np.ndarray
    visibility: np.ndarray
    fps: float
    view: ViewInfo
    ground_tilt_deg: float | None
    leg: dict[str, float]
    swapped_frames: int
    filled_frames: int
    observed: np.ndarray


def prepare(seq: PoseSequence, view: str = "auto", cutoff_hz: float = CUTOFF_HZ) -> CleanPose:
    """Clean `seq` (see the module docstring). Raises NoPersonError with too few detections."""
    t = np.asarray(seq.t, dtype=np.float64)
    raw = np.asarray(seq.xy, dtype=np.float64)
    if seq.n_frames < 10 or seq.detected.sum() < 10:
        raise NoPersonError("The runner was found in too few frames to analyse the gait.")
    xy = fill_gaps(t, raw, MAX_GAP_S)
    filled = int((np.isnan(raw[:, :, 0]).all(1) & ~np.isnan(xy[:, :, 0]).all(1)).sum())
    observed = np.isfinite(raw[:, :, 0])
    # Visibility of landmarks that were not measured (gap-filled or missing) is unknown: NaN.
    vis = np.where(observed, np.asarray(seq.visibility, dtype=np.float64), np.nan)
    leg0 = leg_length_px(xy)
    xy, (vis, observed), swapped = fix_label_swaps(
        t, xy, leg0, vis, observed, world=np.asarray(seq.world, dtype=np.float64),
        visibility=vis,
    )
    n_swapped = int(np.any(np.stack(list(swapped.values())), axis=0).sum())
    # world: only for its nose-behind-the-ears depth cue, which needs no left/right labels.
    info = detect_view(t, xy, vis, view, world=np.asarray(seq.world, dtype=np.float64))
    tilt = None
    if info.view == "side":
        value, reliable = ground_tilt_deg(t, xy, leg_length_px(xy), info.facing or "left")
        tilt = value if reliable else None
    xy_s = smooth(t, xy, cutoff_hz)
    stat = "median" if info.view == "side" else "p90"
    leg = {s: leg_length_px(xy_s, s, stat) for s in SIDES}
    both = [v for v in leg.values() if np.isfinite(v)]
    leg["mean"] = float(np.mean(both)) if both else float("nan")
    fps = 1.0 / median_dt(t)
    return CleanPose(t, xy, xy_s, vis, fps, info, tilt, leg, n_swapped, filled, observed)
