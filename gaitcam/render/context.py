"""What the overlay layers need to draw one frame: `FrameContext`, and builders for it.

`contexts_from_report(seq, report)` makes contexts for a recorded clip from its PoseSequence and
its report (view, gait events, metrics); `FrameContext.from_pose(...)` makes one for a single
live frame. Layers only read contexts, so the offline writer and the live view draw alike.

Angle keys in `FrameContext.angles` (degrees, pixel space, None when unknown), computed by
gaitcam.gait.series with the keys and signs of gaitcam.analysis.series_for_plots (see
gaitcam.render._angles):
- trunk_lean_deg (side view): mid-hip -> mid-shoulder vs vertical, positive = forward (facing).
- lateral_trunk_lean_deg (rear/front): trunk vs vertical, positive = toward the runner's LEFT.
- knee_flexion_left_deg, knee_flexion_right_deg: 180 - interior hip-knee-ankle angle.
- pelvic_obliquity_deg (rear/front): hip line vs horizontal, positive = runner's RIGHT hip lower.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from gaitcam import registry
from gaitcam.landmarks import N_LANDMARKS, SIDE
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render import _angles

SIDES = ("left", "right")


class Contact(NamedTuple):
    """A foot contact to mark: which leg, when (s), where (pixel xy), how, and how long ago."""

    side: str
    t: float
    xy: np.ndarray
    pattern: str | None
    age_s: float


class HudValue(NamedTuple):
    """One HUD row's value text and its status ("good", "watch", "flag" or "info")."""

    text: str
    status: str = "info"


@dataclass(frozen=True, eq=False)
class FrameContext:
    """Everything drawn on frame `index`, shown at `t` seconds; see the module docstring."""

    index: int
    t: float
    xy: np.ndarray
    visibility: np.ndarray
    view: str = "side"
    facing: str | None = None
    angles: Mapping[str, float | None] = field(default_factory=dict)
    contacts: tuple[Contact, ...] = ()
    hud: Mapping[str, HudValue] = field(default_factory=dict)
    statuses: Mapping[str, str] = field(default_factory=dict)

    @property
    def detected(self) -> bool:
        return bool(np.isfinite(self.xy).all(axis=1).any())

    def angle(self, key: str) -> float | None:
        v = self.angles.get(key)
        return None if v is None or not np.isfinite(v) else float(v)

    @classmethod
    def from_pose(
        cls,
        index: int,
        t: float,
        xy: np.ndarray,
        visibility: np.ndarray | None = None,
        *,
        view: str = "side",
        facing: str | None = None,
        contacts: tuple[Contact, ...] = (),
        hud: Mapping[str, HudValue] | None = None,
        statuses: Mapping[str, str] | None = None,
    ) -> FrameContext:
        """A context for one frame's keypoints (live mode), with its angles computed here."""
        xy = np.asarray(xy, dtype=np.float64).reshape(N_LANDMARKS, 2)
        vis = np.ones(N_LANDMARKS) if visibility is None else np.asarray(visibility, float)
        angles = {k: _none_if_nan(v) for k, v in _angles.frame_angles(xy, view, facing).items()}
        return cls(index, float(t), xy, vis, view, facing, angles, tuple(contacts),
                   dict(hud or {}), dict(statuses or {}))


def _none_if_nan(v: Any) -> float | None:
    v = float(v)
    return v if np.isfinite(v) else None


# --- building contexts from a report ---------------------------------------------------------

#: HUD rows per view: metric key -> short label. Order is display order.
HUD_METRICS: dict[str, dict[str, str]] = {
    "side": {
        "cadence_spm": "Cadence",
        "trunk_lean_deg": "Trunk lean",
        "overstride_pct_leg": "Overstride",
        "foot_strike_pattern": "Foot strike",
        "knee_flexion_ic_deg": "Knee at contact",
        "vertical_oscillation_cm": "Bounce",
        "contact_time_ms": "Ground contact",
    },
    "rear": {
        "cadence_spm": "Cadence",
        "pelvic_drop_deg": "Pelvic drop",
        "lateral_trunk_lean_deg": "Side lean",
        "trunk_sway_range_deg": "Trunk sway",
        "step_width_pct_leg": "Step width",
        "knee_valgus_deg": "Knee valgus",
    },
}
HUD_METRICS["front"] = HUD_METRICS["rear"]


def format_metric(key: str, value: Any) -> str | None:
    """Short display text for a report metric value, or None if there is nothing to show.

    Units and rounding come from the metric registry; trunk lean gets a direction word.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    if not np.isfinite(v):
        return None
    if key == "trunk_lean_deg":
        return f"{abs(v):.0f}\N{DEGREE SIGN} " + ("fwd" if v >= 0 else "back")
    if key in registry.METRICS:
        return registry.format_value(key, v)
    if key.endswith("_deg"):
        return f"{v:.0f}\N{DEGREE SIGN}"
    if key.endswith("_pct_leg"):
        return f"{v:.0f}% leg"
    if key.endswith("_pct"):
        return f"{v:.0f}%"
    if key.endswith("_spm"):
        return f"{v:.0f} spm"
    if key.endswith("_ms"):
        return f"{v:.0f} ms"
    if key.endswith("_cm"):
        return f"{v:.1f} cm"
    return f"{v:.3g}"


def hud_from_report(report: Mapping[str, Any], view: str) -> dict[str, HudValue]:
    """HUD rows (label -> value, status) for the measurable metrics of `report`."""
    metrics = report.get("metrics") or {}
    rows: dict[str, HudValue] = {}
    for key, lab in HUD_METRICS.get(view, HUD_METRICS["side"]).items():
        m = metrics.get(key)
        if not isinstance(m, Mapping) or m.get("measurable") is False:
            continue
        text = format_metric(key, m.get("value"))
        if text is not None:
            rows[lab] = HudValue(text, str(m.get("status") or "info"))
    return rows


def _strike_patterns(
    metric: Mapping[str, Any] | None, contacts: list[tuple[str, float]]
) -> list[str | None]:
    """Strike pattern per (side, t) contact from the foot_strike_pattern metric entry.

    Its `per_contact` rows (dicts with a side and a time, matched to the nearest contact of
    that side within 0.1 s) are used; reports without them fall back to `per_stride`, dicts
    like those or bare labels in contact-time order (used only if the counts match).
    """
    out: list[str | None] = [None] * len(contacts)
    if not isinstance(metric, Mapping):
        return out
    per = metric.get("per_contact") or metric.get("per_stride") or []
    if per and all(isinstance(p, Mapping) for p in per):
        for p in per:
            pattern = p.get("pattern", p.get("value"))
            t = next((p[k] for k in ("t", "t_s", "ic_s", "initial_contact_s") if k in p), None)
            if not isinstance(pattern, str) or t is None:
                continue
            cands = [
                (abs(tc - float(t)), j) for j, (s, tc) in enumerate(contacts)
                if p.get("side") in (None, s)
            ]
            if cands and min(cands)[0] <= 0.1:
                out[min(cands)[1]] = pattern
    elif len(per) == len(contacts) and all(isinstance(p, str) for p in per):
        order = sorted(range(len(contacts)), key=lambda j: contacts[j][1])
        for j, p in zip(order, per, strict=True):
            out[j] = p
    else:  # fall back to one label per side when the metric gives one
        for j, (s, _) in enumerate(contacts):
            v = metric.get(s)
            out[j] = v if isinstance(v, str) else None
    return out


def _smooth(x: np.ndarray, n: int) -> np.ndarray:
    """Centred moving mean over n frames, ignoring NaN; NaN stays NaN."""
    if n <= 1 or len(x) < 2:
        return x
    ok = np.isfinite(x)
    k = np.ones(n)
    num = np.convolve(np.where(ok, x, 0.0), k, mode="same")
    den = np.convolve(ok.astype(float), k, mode="same")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(ok, num / den, np.nan)


class ReportContexts:
    """Frame contexts of a recorded clip: call with a frame index to get its `FrameContext`.

    `series` (name -> (T,) array) adds or replaces per-frame angles, e.g. the geometry module's
    own series. Trunk and pelvis angles are smoothed over `smooth_s` for a steady readout;
    contacts stay listed for `contact_window_s` after they happen.
    """

    def __init__(
        self,
        seq: PoseSequence,
        report: Mapping[str, Any],
        series: Mapping[str, np.ndarray] | None = None,
        *,
        contact_window_s: float = 0.6,
        smooth_s: float = 0.2,
    ) -> None:
        self.seq = seq
        view_info = report.get("view") or {}
        self.view: str = view_info.get("view") or "side"
        self.facing: str | None = view_info.get("facing") if self.view == "side" else None
        self.contact_window_s = contact_window_s

        series_all = _angles.frame_angles(seq.xy.astype(np.float64), self.view, self.facing)
        n = max(1, round(smooth_s * seq.fps)) if seq.fps > 0 else 1
        for key in ("trunk_lean_deg", "lateral_trunk_lean_deg", "pelvic_obliquity_deg"):
            if key in series_all:
                series_all[key] = _smooth(series_all[key], n)
        for key, arr in (series or {}).items():
            arr = np.asarray(arr, dtype=np.float64)
            if arr.shape != (seq.n_frames,):
                raise ValueError(
                    f"series {key!r} has shape {arr.shape}, expected ({seq.n_frames},)")
            series_all[key] = arr
        self.series = series_all

        self._contacts = self._contacts_from_events(report)
        self.statuses: dict[str, str] = {
            k: str(m.get("status")) for k, m in (report.get("metrics") or {}).items()
            if isinstance(m, Mapping) and m.get("status")
        }
        self.hud = hud_from_report(report, self.view)

    def _contacts_from_events(
        self, report: Mapping[str, Any]
    ) -> list[tuple[str, float, np.ndarray, str | None]]:
        events = report.get("events") or {}
        found: list[tuple[str, float]] = []
        for side in SIDES:
            for t in (events.get(side) or {}).get("initial_contact_s") or []:
                if t is not None and np.isfinite(t):
                    found.append((side, float(t)))
        found.sort(key=lambda c: c[1])
        patterns = _strike_patterns((report.get("metrics") or {}).get("foot_strike_pattern"), found)
        out = []
        for (side, t), pattern in zip(found, patterns, strict=True):
            out.append((side, t, self._foot_xy(side, t), pattern))
        return out

    def _foot_xy(self, side: str, t: float) -> np.ndarray:
        """Where the foot is at time t: mean of heel and toe (ankle if both are missing)."""
        seq = self.seq
        if seq.n_frames == 0:
            return np.full(2, np.nan)
        i = int(np.argmin(np.abs(seq.t - t)))
        s = SIDE[side]
        pts = seq.xy[i, [s["heel"], s["foot_index"]]].astype(np.float64)
        pts = pts[np.isfinite(pts).all(axis=1)]
        if len(pts):
            return pts.mean(axis=0)
        return seq.xy[i, s["ankle"]].astype(np.float64)

    def __len__(self) -> int:
        return self.seq.n_frames

    def __call__(self, index: int) -> FrameContext:
        seq = self.seq
        if 0 <= index < seq.n_frames:
            t = float(seq.t[index])
            xy = seq.xy[index].astype(np.float64)
            vis = seq.visibility[index].astype(np.float64)
            angles = {k: _none_if_nan(v[index]) for k, v in self.series.items()}
        else:  # a decoded frame the pose pass did not see: draw the HUD only
            dt = 1.0 / seq.fps if seq.fps > 0 else 0.0
            t = float(seq.t[-1] + (index - seq.n_frames + 1) * dt) if seq.n_frames else 0.0
            xy = np.full((N_LANDMARKS, 2), np.nan)
            vis = np.zeros(N_LANDMARKS)
            angles = {}
        # contact times fall between frames: mark from the frame nearest to the contact on
        early = 0.5 / seq.fps if seq.fps > 0 else 0.0
        contacts = tuple(
            Contact(side, tc, xyc, pattern, max(0.0, t - tc))
            for side, tc, xyc, pattern in self._contacts
            if -early <= t - tc <= self.contact_window_s
        )
        return FrameContext(index, t, xy, vis, self.view, self.facing, angles, contacts,
                            self.hud, self.statuses)


def contexts_from_report(
    seq: PoseSequence, report: Mapping[str, Any], series: Mapping[str, np.ndarray] | None = None
) -> ReportContexts:
    """Frame contexts for a clip from its poses and report; see `ReportContexts`."""
    return ReportContexts(seq, report, series)
