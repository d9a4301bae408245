"""Angle curves normalised to the gait cycle: 0-100 % of a stride of the reference foot, 101
points, mean and standard deviation over the clip's strides (pure numpy, no I/O).

Curves per view (degrees, computed from pixel keypoints with gaitcam.gait.series):
- side view: "trunk_lean_deg" (+ = forward), "knee_flexion_deg" (reference leg, 0 = straight).
- rear/front view: "pelvic_obliquity_deg" (hip line vs horizontal, + = the hip of the leg
  OPPOSITE the reference foot is lower, i.e. pelvic drop while the reference foot is in
  stance), "lateral_trunk_lean_deg" (+ = toward the reference foot's side),
  "knee_flexion_deg" (reference leg).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.gait import series as gs
from gaitcam.pose_sequence import PoseSequence

from .sync import regular_strides

N_POINTS = 101
#: A stride is used only if at least this fraction of its frames has the angle.
MIN_VALID_FRACTION = 0.7


@dataclass(frozen=True)
class CurveDef:
    key: str
    label: str
    sign: str  # what a positive value means


CURVES: dict[str, CurveDef] = {c.key: c for c in (
    CurveDef("trunk_lean_deg", "Trunk lean", "+ = forward"),
    CurveDef("pelvic_obliquity_deg", "Pelvic drop (hip line)",
             "+ = hip opposite the reference foot lower"),
    CurveDef("lateral_trunk_lean_deg", "Side lean of the trunk",
             "+ = toward the reference foot"),
    CurveDef("knee_flexion_deg", "Knee bend (reference leg)", "0 = straight"),
)}


@dataclass(frozen=True, eq=False)
class CycleCurve:
    """One angle over the normalised gait cycle: phase (101,) %, mean and sd (101,) degrees,
    and the number of strides averaged."""

    key: str
    phase: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    n_strides: int

    @property
    def label(self) -> str:
        return CURVES[self.key].label if self.key in CURVES else self.key

    @property
    def sign(self) -> str:
        return CURVES[self.key].sign if self.key in CURVES else ""

    def to_dict(self, digits: int = 2) -> dict[str, Any]:
        return {
            "key": self.key, "label": self.label, "sign": self.sign, "unit": "deg",
            "n_strides": self.n_strides,
            "mean": [None if not np.isfinite(v) else round(float(v), digits) for v in self.mean],
            "sd": [None if not np.isfinite(v) else round(float(v), digits) for v in self.sd],
        }


def normalise_cycles(
    times: np.ndarray, values: np.ndarray, contacts: np.ndarray, n_points: int = N_POINTS
) -> np.ndarray:
    """(n_strides, n_points) array: `values` resampled over each regular stride between
    consecutive `contacts` (s; see `sync.regular_strides`), at phases linspace(0, 100,
    n_points). Gaps are interpolated; strides with less than MIN_VALID_FRACTION of their
    frames valid, or reaching outside `times`, are left out."""
    times = np.asarray(times, dtype=np.float64)
    values = np.asarray(values, dtype=np.float64)
    rows = []
    frac = np.linspace(0.0, 1.0, n_points)
    for start, end in regular_strides(np.asarray(contacts, dtype=np.float64)):
        if len(times) == 0 or start < times[0] or end > times[-1]:
            continue
        inside = (times >= start) & (times <= end)
        ok = inside & np.isfinite(values)
        if inside.sum() < 3 or ok.sum() < MIN_VALID_FRACTION * inside.sum():
            continue
        # interpolate from the valid frames around the stride so its ends are covered
        lo = max(0, int(np.argmax(inside)) - 1)
        hi = min(len(times), len(times) - int(np.argmax(inside[::-1])) + 1)
        tt, vv = times[lo:hi], values[lo:hi]
        good = np.isfinite(vv)
        rows.append(np.interp(start + frac * (end - start), tt[good], vv[good]))
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), n_points)


def cycle_curve(key: str, times: np.ndarray, values: np.ndarray, contacts: np.ndarray
                ) -> CycleCurve | None:
    """Mean and SD over strides of one angle series, or None without a usable stride."""
    cycles = normalise_cycles(times, values, contacts)
    if len(cycles) == 0:
        return None
    sd = cycles.std(axis=0, ddof=1) if len(cycles) > 1 else np.zeros(N_POINTS)
    return CycleCurve(key, np.linspace(0.0, 100.0, N_POINTS), cycles.mean(axis=0), sd,
                      len(cycles))


def _raw_series(seq: PoseSequence, report: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Unsmoothed per-frame angles from the keypoints (keys as in series_for_plots)."""
    view_info = report.get("view") or {}
    view = view_info.get("view") or "side"
    xy = np.asarray(seq.xy, dtype=np.float64)
    out = {f"knee_flexion_{s}_deg": gs.knee_flexion_series(xy, s) for s in ("left", "right")}
    if view == "side":
        if view_info.get("facing") in ("left", "right"):
            out["trunk_lean_deg"] = gs.trunk_lean_series(xy, view_info["facing"])
    elif view in ("rear", "front"):
        out["pelvic_obliquity_deg"] = gs.pelvic_obliquity_series(xy, view)
        out["lateral_trunk_lean_deg"] = gs.lateral_trunk_lean_series(xy, view)
    return out


def _plot_series(seq: PoseSequence, report: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """The geometry module's smoothed series (label swaps fixed), else the raw angles."""
    try:
        from gaitcam.analysis import series_for_plots

        got = series_for_plots(seq, dict(report))
        t = np.asarray(got.get("t", seq.t), dtype=np.float64)
        if t.shape == seq.t.shape and np.allclose(t, seq.t):
            return {k: np.asarray(v, dtype=np.float64) for k, v in got.items()
                    if k != "t" and np.shape(v) == seq.t.shape}
    except (ImportError, GaitcamError, ValueError):
        pass
    return _raw_series(seq, report)


def angle_series(seq: PoseSequence, report: Mapping[str, Any], side: str
                 ) -> dict[str, np.ndarray]:
    """Per-frame angles (deg) for the curves of this clip's view, for reference foot `side`;
    keys and signs as in the module docstring."""
    view = (report.get("view") or {}).get("view") or "side"
    src = _plot_series(seq, report)
    sign = 1.0 if side == "left" else -1.0
    out: dict[str, np.ndarray] = {}
    if view == "side" and "trunk_lean_deg" in src:
        out["trunk_lean_deg"] = src["trunk_lean_deg"]
    if view in ("rear", "front"):
        # pelvic_obliquity: + = runner's right hip lower; lateral lean: + = toward the left
        if "pelvic_obliquity_deg" in src:
            out["pelvic_obliquity_deg"] = sign * src["pelvic_obliquity_deg"]
        if "lateral_trunk_lean_deg" in src:
            out["lateral_trunk_lean_deg"] = sign * src["lateral_trunk_lean_deg"]
    knee = src.get(f"knee_flexion_{side}_deg")
    if knee is not None:
        out["knee_flexion_deg"] = knee
    return out


def clip_curves(seq: PoseSequence, report: Mapping[str, Any], side: str,
                contacts: np.ndarray) -> dict[str, CycleCurve]:
    """The normalised curves of one clip, cut at the `side` foot's `contacts` (s)."""
    out = {}
    for key, values in angle_series(seq, report, side).items():
        curve = cycle_curve(key, seq.t, values, contacts)
        if curve is not None:
            out[key] = curve
    return out
