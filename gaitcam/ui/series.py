"""Per-frame series for the results plots, with the keys and signs of
`gaitcam.analysis.series_for_plots` (each a (T,) float array, NaN where unknown):

- "t": frame time, s.
- "trunk_lean_deg" (side view): mid-hip -> mid-shoulder vs vertical, positive = forward.
- "lateral_trunk_lean_deg" (rear/front): trunk vs vertical, positive = toward the runner's left.
- "pelvic_obliquity_deg" (rear/front): hip line vs horizontal, positive = right hip lower.
- "knee_flexion_left_deg", "knee_flexion_right_deg": 180 - interior hip-knee-ankle angle.
- "foot_height_left", "foot_height_right": lowest foot point above the ground line, % of leg
  length (0 = on the ground).

`plot_series` uses the geometry module's own series and, where it has none (or fails), falls
back to the overlay's display angles (same keys and signs: both come from gaitcam.gait.series)
plus a foot height computed here.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np

from gaitcam.landmarks import SIDE
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render import contexts_from_report

log = logging.getLogger(__name__)

SERIES_KEYS = (
    "trunk_lean_deg", "lateral_trunk_lean_deg", "pelvic_obliquity_deg",
    "knee_flexion_left_deg", "knee_flexion_right_deg", "foot_height_left", "foot_height_right",
)



def leg_length_px(xy: np.ndarray) -> float:
    """Median hip->knee + knee->ankle length over frames and sides, pixels (NaN if unknown)."""
    lengths = []
    for side in ("left", "right"):
        s = SIDE[side]
        thigh = np.linalg.norm(xy[:, s["hip"]] - xy[:, s["knee"]], axis=-1)
        shank = np.linalg.norm(xy[:, s["knee"]] - xy[:, s["ankle"]], axis=-1)
        lengths.append(thigh + shank)
    both = np.concatenate(lengths)
    both = both[np.isfinite(both)]
    return float(np.median(both)) if both.size else float("nan")


def foot_heights_pct_leg(xy: np.ndarray) -> dict[str, np.ndarray]:
    """Height of each foot's lowest point (heel or toe) above the ground line, % leg length.

    The ground line is the 98th percentile of the lowest foot point over the clip (image y grows
    down), which suits a treadmill or a level path filmed from a fixed camera.
    """
    lowest = {}
    for side in ("left", "right"):
        s = SIDE[side]
        lowest[side] = np.fmax(xy[:, s["heel"], 1], xy[:, s["foot_index"], 1])  # NaN-aware
    every = np.concatenate(list(lowest.values()))
    every = every[np.isfinite(every)]
    leg = leg_length_px(xy)
    if not every.size or not np.isfinite(leg) or leg <= 0:
        return {f"foot_height_{s}": np.full(len(xy), np.nan) for s in lowest}
    ground = float(np.percentile(every, 98))
    return {f"foot_height_{s}": (ground - y) / leg * 100.0 for s, y in lowest.items()}


def _fallback(seq: PoseSequence, report: Mapping[str, Any]) -> dict[str, np.ndarray]:
    out = {}
    for key, arr in contexts_from_report(seq, report).series.items():
        if key in SERIES_KEYS:
            out[key] = np.asarray(arr, dtype=np.float64)
    out.update(foot_heights_pct_leg(seq.xy.astype(np.float64)))
    return out


def plot_series(seq: PoseSequence, report: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The per-frame series of the module docstring for `seq` analysed in `report`."""
    n = seq.n_frames
    out: dict[str, np.ndarray] = {}
    try:
        from gaitcam.analysis import series_for_plots

        raw = series_for_plots(seq, dict(report))
    except Exception:  # the plots still show the overlay's angles
        log.warning("series_for_plots failed; plotting the overlay's angles", exc_info=True)
        raw = {}
    for key, arr in raw.items():
        a = np.asarray(arr, dtype=np.float64)
        if key in SERIES_KEYS and a.shape == (n,):
            out[key] = a
    for key, arr in _fallback(seq, report).items():
        out.setdefault(key, arr)
    out["t"] = np.asarray(seq.t, dtype=np.float64)
    return out
