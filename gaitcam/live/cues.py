"""What the runner sees in live mode: the few metrics to watch, a one-line cue, a target cadence.

A cue is a short imperative for the worst current finding ("Lean 17° — run tall"), built from
the rolling report's first (most important) finding. `target_cadence` is the runner's own
cadence plus 5-10% (Heiderscheit et al. 2011: +5-10% step rate lowers knee and hip loading),
not a fixed number such as 180.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gaitcam import registry
from gaitcam.render.context import format_metric

DEG = "\N{DEGREE SIGN}"
DASH = "\N{EM DASH}"

#: Metrics shown live, per view, in display order.
LIVE_METRICS: dict[str, tuple[str, ...]] = {
    "side": ("cadence_spm", "trunk_lean_deg", "overstride_pct_leg", "foot_strike_pattern"),
    "rear": ("cadence_spm", "pelvic_drop_deg", "trunk_sway_range_deg", "lateral_trunk_lean_deg"),
}
LIVE_METRICS["front"] = LIVE_METRICS["rear"]

#: Short labels for the live panel, the on-frame HUD and cues (the registry's are longer).
LIVE_LABELS: dict[str, str] = {
    "cadence_spm": "Cadence",
    "trunk_lean_deg": "Trunk lean",
    "overstride_pct_leg": "Overstride",
    "shank_angle_ic_deg": "Shin angle",
    "foot_strike_angle_deg": "Foot angle",
    "foot_strike_pattern": "Foot strike",
    "knee_flexion_ic_deg": "Knee bend",
    "vertical_oscillation_pct_leg": "Bounce",
    "vertical_oscillation_cm": "Bounce",
    "hip_extension_deg": "Hip extension",
    "contact_time_ms": "Ground contact",
    "duty_factor_pct": "Ground contact",
    "pelvic_drop_deg": "Pelvic drop",
    "lateral_trunk_lean_deg": "Side lean",
    "trunk_sway_range_deg": "Trunk sway",
    "step_width_pct_leg": "Step width",
    "knee_valgus_deg": "Knee angle",
}

DEFAULT_CADENCE_INCREASE = 0.075
CADENCE_INCREASE_RANGE = (0.05, 0.10)

#: Cue per finding id: "{v}" is the finding's value, "{target}" the target cadence,
#: "{label}" the metric's label (asymmetry).
CUES: dict[str, str] = {
    "low_cadence": "Cadence {v:.0f} " + DASH + " aim for {target}",
    "forward_trunk_lean": "Lean {v:.0f}" + DEG + " " + DASH + " run tall",
    "backward_trunk_lean": "Leaning back {a:.0f}" + DEG + " " + DASH + " lean from the ankles",
    "overstride": "Overstride {v:.0f}% " + DASH + " land under your hips",
    "tibia_overstride": "Shin {v:.0f}" + DEG + " forward " + DASH + " land under the knee",
    "heel_strike": "Heel reaching out " + DASH + " shorter, quicker steps",
    "stiff_knee_landing": "Knee {v:.0f}" + DEG + " at landing " + DASH + " land soft",
    "high_vertical_oscillation": "Bounce {v:.0f}% " + DASH + " run forward, not up",
    "limited_hip_extension": "Hip extension {v:.0f}" + DEG + " " + DASH + " push the ground back",
    "long_ground_contact": "Contact {v:.0f}% " + DASH + " quick, light feet",
    "pelvic_drop": "Pelvic drop {v:.0f}" + DEG + " " + DASH + " keep the hips level",
    "lateral_trunk_lean": "Side lean {v:.0f}" + DEG + " " + DASH + " stay upright",
    "excessive_trunk_sway": "Sway {v:.0f}" + DEG + " " + DASH + " steady trunk",
    "crossover_gait": "Feet crossing " + DASH + " run on both sides of a line",
    "knee_valgus": "Knee in {v:.0f}" + DEG + " " + DASH + " knee over the foot",
    "asymmetry": "Uneven {label} " + DASH + " even out your steps",
}


@dataclass(frozen=True)
class LiveMetric:
    """One live panel row: metric key, short label, value, display text and status."""

    key: str
    label: str
    value: float | str | None
    text: str
    status: str


@dataclass(frozen=True)
class Cue:
    """The cue for one finding: its id, severity ("watch"/"flag") and the text to show."""

    finding_id: str
    severity: str
    text: str


def target_cadence(
    cadence_spm: float | None, increase: float = DEFAULT_CADENCE_INCREASE
) -> int | None:
    """Target cadence (steps/min, rounded) = current cadence x (1 + increase), or None.

    `increase` must lie in CADENCE_INCREASE_RANGE (0.05-0.10); ValueError otherwise.
    """
    lo, hi = CADENCE_INCREASE_RANGE
    if not lo - 1e-9 <= increase <= hi + 1e-9:
        raise ValueError(f"cadence increase must be between {lo:.0%} and {hi:.0%}, got {increase}")
    if cadence_spm is None:
        return None
    c = float(cadence_spm)
    if not math.isfinite(c) or c <= 0:
        return None
    return int(round(c * (1.0 + increase)))


def _metric_value(report: Mapping[str, Any], key: str) -> float | str | None:
    m = (report.get("metrics") or {}).get(key)
    if not isinstance(m, Mapping) or m.get("measurable") is False:
        return None
    return m.get("value")


def cue_for(
    finding: Mapping[str, Any],
    report: Mapping[str, Any],
    increase: float = DEFAULT_CADENCE_INCREASE,
) -> Cue | None:
    """The cue of one report finding, or None for an unknown id or a missing value."""
    fid = str(finding.get("id"))
    template = CUES.get(fid)
    if template is None:
        return None
    v = finding.get("value")
    try:
        v = float(v) if v is not None else math.nan
    except (TypeError, ValueError):
        v = math.nan
    needs_value = "{v" in template or "{a" in template
    if needs_value and not math.isfinite(v):
        return None
    target = None
    if "{target}" in template:
        target = target_cadence(_number(_metric_value(report, "cadence_spm")) or v, increase)
        if target is None:
            return None
    metric = registry.METRICS.get(str(finding.get("metric")))
    label = (LIVE_LABELS.get(metric.key) or metric.label).lower() if metric else "steps"
    text = template.format(v=v, a=abs(v) if math.isfinite(v) else v, target=target, label=label)
    return Cue(fid, str(finding.get("severity") or "watch"), text)


def _number(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def worst_cue(report: Mapping[str, Any], increase: float = DEFAULT_CADENCE_INCREASE) -> Cue | None:
    """The cue of the report's most important finding that has one (findings come ranked)."""
    for f in report.get("findings") or []:
        if isinstance(f, Mapping):
            cue = cue_for(f, report, increase)
            if cue is not None:
                return cue
    return None


def live_metrics(report: Mapping[str, Any], view: str) -> tuple[LiveMetric, ...]:
    """The live panel rows of `view` from a rolling report (unmeasured ones show "n/a")."""
    rows = []
    metrics = report.get("metrics") or {}
    for key in LIVE_METRICS.get(view, LIVE_METRICS["side"]):
        m = metrics.get(key)
        value = _metric_value(report, key)
        text = format_metric(key, value) or "n/a"
        if isinstance(m, Mapping) and value is not None:
            status = str(m.get("status") or "info")
        else:
            status = "not_measurable"
        rows.append(LiveMetric(key, LIVE_LABELS.get(key, key), value, text, status))
    return tuple(rows)


def ascii_text(text: str) -> str:
    """`text` for OpenCV's ASCII fonts: the em dash becomes "-" (the degree sign is kept; the
    render theme draws it as a ring)."""
    return text.replace(DASH, "-")
