"""Live poses onto an even time grid, for the gait analysis.

Live mode analyses only the frames it had time for, so its poses arrive at uneven intervals (a
frame dropped here and there, or every other one when the computer is busy). The gait analysis
is written for a camera's even frame rate, so the rolling window is resampled onto an even grid
at the camera's own interval (the shorter gaps between processed frames: one camera frame when
at least a quarter of the frames were processed back to back). Each landmark is interpolated
linearly between the processed frames around it, and left missing across gaps longer than
`max_gap_s` (the runner really was not seen).
"""

from __future__ import annotations

import numpy as np

from gaitcam.pose_sequence import PoseSequence

MAX_FPS = 60.0


def _interp(t_new: np.ndarray, t: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Linear interpolation of a (T, ...) array at t_new, per column; NaN stays out."""
    flat = a.reshape(len(t), -1).astype(np.float64)
    out = np.full((len(t_new), flat.shape[1]), np.nan)
    for j in range(flat.shape[1]):
        ok = np.isfinite(flat[:, j])
        if ok.sum() >= 2:
            out[:, j] = np.interp(t_new, t[ok], flat[ok, j], left=np.nan, right=np.nan)
    return out.reshape((len(t_new), *a.shape[1:]))


def resample_uniform(seq: PoseSequence, max_gap_s: float = 0.25) -> PoseSequence:
    """`seq` on an even time grid from its first to its last frame (see the module docstring).

    The grid interval is the 25th percentile of `seq`'s intervals (at least 1/MAX_FPS). Grid
    samples in a gap longer than `max_gap_s` between measured (runner found) frames are missing.
    A sequence that is already even (every interval within 10% of the median) or has fewer
    than 3 frames (or runner detections) is returned unchanged.
    """
    n = seq.n_frames
    if n < 3:
        return seq
    dt = np.diff(seq.t)
    if np.all(np.abs(dt - np.median(dt)) <= 0.1 * np.median(dt)):
        return seq
    # the camera's interval: the shorter gaps (between frames processed back to back)
    step = max(float(np.percentile(dt, 25)), 1.0 / MAX_FPS)
    t_new = seq.t[0] + np.arange(int(np.floor((seq.t[-1] - seq.t[0]) / step + 1e-6)) + 1) * step
    t_new = np.minimum(t_new, seq.t[-1])  # no float overshoot past the last frame
    tf = seq.t[seq.detected]
    if len(tf) < 2:
        return seq
    # a grid sample is usable only if the measured frames around it are close together
    k = np.searchsorted(tf, t_new)
    prev_t = np.where(k > 0, tf[np.maximum(k - 1, 0)], -np.inf)
    next_t = np.where(k < len(tf), tf[np.minimum(k, len(tf) - 1)], np.inf)
    exact = np.isclose(prev_t, t_new) | np.isclose(next_t, t_new)
    ok = exact | ((next_t - prev_t) <= max_gap_s)
    xy = _interp(t_new, seq.t, seq.xy)
    world = _interp(t_new, seq.t, seq.world)
    vis = np.nan_to_num(_interp(t_new, seq.t, seq.visibility))
    pres = np.nan_to_num(_interp(t_new, seq.t, seq.presence))
    xy[~ok], world[~ok], vis[~ok], pres[~ok] = np.nan, np.nan, 0.0, 0.0
    return PoseSequence(
        t=t_new, xy=xy.astype(np.float32), world=world.astype(np.float32),
        visibility=vis.astype(np.float32), presence=pres.astype(np.float32),
        width=seq.width, height=seq.height, fps=1.0 / step,
        source={**seq.source, "resampled_from_frames": n},
    )
