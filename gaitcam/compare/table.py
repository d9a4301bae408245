"""The comparison table: each metric in clip A and clip B, the difference (B - A) and whether
the change is better or worse against the metric's good band (gaitcam.registry).

Change words (`MetricRow.change`):
- "better" / "worse": the difference is larger than the metric's tolerance and B lies closer
  to / further from the good band than A (cadence 150 -> 165 is "better").
- "within band": a difference larger than the tolerance with both values inside the good band
  (not graded: e.g. cadence 162 -> 172).
- "no change": |B - A| within the tolerance (about the measurement error: 1° for angles,
  1 steps/min, 1 % leg; timing metrics at least one video frame, e.g. 33 ms at 30 fps).
- "changed": a difference on a metric without bands; such a metric with a preferred direction
  (`higher_is`, e.g. contact time) is graded "better" / "worse" by it.
- "n/a": not measurable in one clip (or both).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from gaitcam import registry

#: The smallest difference worth calling a change, by unit (about the measurement error).
TOLERANCE_BY_UNIT = {"deg": 1.0, "steps/min": 1.0, "% leg": 1.0, "%": 1.0, "ms": 10.0,
                     "cm": 0.5}
DEFAULT_TOLERANCE = 1.0

CHANGES = ("better", "worse", "no change", "within band", "changed", "n/a")


@dataclass(frozen=True)
class MetricRow:
    """One metric of the comparison. a / b: the values (number or category, None when not
    measurable); diff: b - a (None unless both are numbers); status_*: the registry status."""

    key: str
    label: str
    unit: str
    a: float | str | None
    b: float | str | None
    diff: float | None
    change: str
    status_a: str
    status_b: str
    tolerance: float | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def a_text(self) -> str:
        return _fmt(self.key, self.a)

    @property
    def b_text(self) -> str:
        return _fmt(self.key, self.b)

    @property
    def diff_text(self) -> str:
        if self.diff is None:
            if isinstance(self.a, str) and isinstance(self.b, str) and self.a != self.b:
                return f"{self.a} → {self.b}"
            return "–"
        digits = 1 if abs(self.diff) < 10 else 0
        unit = "°" if self.unit == "deg" else f" {self.unit}"
        return f"{self.diff:+.{digits}f}{unit}"


def _fmt(key: str, value: float | str | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, str):
        return value
    m = registry.METRICS.get(key)
    unit = m.unit if m else ""
    digits = 1 if abs(value) < 10 else 0
    if unit == "deg":
        return f"{value:.{digits}f}°"
    return f"{value:.{digits}f} {unit}".strip()


def tolerance_for(key: str, fps: float | None = None, cadence_spm: float | None = None
                  ) -> float:
    """The 'no change' tolerance of a metric, in its unit: about its measurement error, and
    for timing metrics at least one video frame at `fps` (the coarser of the two clips):
    e.g. 33 ms of contact time at 30 fps, or one frame's share of a stride for duty factor."""
    m = registry.METRICS.get(key)
    unit = m.unit if m else ""
    tol = TOLERANCE_BY_UNIT.get(unit, DEFAULT_TOLERANCE)
    if fps and fps > 0:
        if unit == "ms":
            tol = max(tol, 1000.0 / fps)
        elif key == "duty_factor_pct" and cadence_spm and cadence_spm > 0:
            tol = max(tol, 100.0 / fps / (120.0 / cadence_spm))
    return tol


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def metric_value(entry: Any) -> float | str | None:
    """The value of a report metric entry, or None when it was not measurable."""
    if not isinstance(entry, Mapping) or entry.get("measurable") is False:
        return None
    v = entry.get("value")
    if isinstance(v, str):
        return v or None
    return _number(v)


def band_distance(key: str, value: float) -> float | None:
    """How far `value` lies outside the metric's good band (0 inside), or None without a band."""
    m = registry.METRICS.get(key)
    if m is None or m.good is None:
        return None
    lo, hi = m.good
    if lo is not None and value < lo:
        return lo - value
    if hi is not None and value > hi:
        return value - hi
    return 0.0


def judge_change(key: str, a: float | str | None, b: float | str | None,
                 tolerance: float | None = None) -> str:
    """The change word from A to B for one metric; see the module docstring. `tolerance`
    defaults to `tolerance_for(key)`."""
    if a is None or b is None:
        return "n/a"
    if isinstance(a, str) or isinstance(b, str):
        return "no change" if a == b else "changed"
    tol = tolerance_for(key) if tolerance is None else tolerance
    if abs(b - a) <= tol:
        return "no change"
    m = registry.METRICS.get(key)
    da, db = band_distance(key, a), band_distance(key, b)
    if da is not None and db is not None:
        if db < da - 1e-9:
            return "better"
        if db > da + 1e-9:
            return "worse"
        # both inside the band (or equally far out on opposite sides): inside the band a
        # change is not graded, whatever the metric's preferred direction
        return "within band"
    if m is not None and m.higher_is in ("better", "worse"):
        return "better" if (b > a) == (m.higher_is == "better") else "worse"
    return "changed"


def _status(key: str, value: float | str | None) -> str:
    if key not in registry.METRICS:
        return "info" if value is not None else "not_measurable"
    try:
        return registry.status(key, value)
    except TypeError:
        return "info"


def _coarsest_fps(*reports: Mapping[str, Any]) -> float | None:
    fps = [_number((r.get("quality") or {}).get("fps")) for r in reports]
    fps = [f for f in fps if f is not None and f > 0]
    return min(fps) if fps else None


def compare_metrics(report_a: Mapping[str, Any], report_b: Mapping[str, Any],
                    include_unmeasured: bool = False) -> list[MetricRow]:
    """One row per metric measured in at least one clip (all of them with
    `include_unmeasured`), in the registry's order."""
    ma = report_a.get("metrics") or {}
    mb = report_b.get("metrics") or {}
    order = list(registry.METRICS)
    keys = sorted(set(ma) | set(mb), key=lambda k: (order.index(k) if k in order else len(order),
                                                    k))
    rows = []
    fps = _coarsest_fps(report_a, report_b)
    cadence = [metric_value(m.get("cadence_spm")) for m in (ma, mb)]
    cadence = [c for c in cadence if isinstance(c, float)]
    for key in keys:
        a, b = metric_value(ma.get(key)), metric_value(mb.get(key))
        if a is None and b is None and not include_unmeasured:
            continue
        m = registry.METRICS.get(key)
        unit = m.unit if m else str((ma.get(key) or mb.get(key) or {}).get("unit") or "")
        na, nb = _number(a), _number(b)
        diff = nb - na if na is not None and nb is not None else None
        tol = tolerance_for(key, fps, max(cadence) if cadence else None)
        categorical = isinstance(a, str) or isinstance(b, str)
        rows.append(MetricRow(
            key=key, label=m.label if m else key.replace("_", " "), unit=unit, a=a, b=b,
            diff=None if diff is None else round(diff, 3), change=judge_change(key, a, b, tol),
            status_a=_status(key, a), status_b=_status(key, b),
            tolerance=None if categorical else round(tol, 3),
        ))
    return rows


def table_text(rows: list[MetricRow], label_a: str = "A", label_b: str = "B") -> str:
    """The table as plain text columns (for the command line)."""
    head = ("Metric", label_a[:14], label_b[:14], "B - A", "Change")
    lines = [(r.label[:34], r.a_text, r.b_text, r.diff_text, r.change) for r in rows]
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(5)]
    fmt = "  ".join(f"{{:{'<' if i == 0 else '>'}{w}}}" for i, w in enumerate(widths))
    out = [fmt.format(*head), "  ".join("-" * w for w in widths)]
    out += [fmt.format(*x) for x in lines]
    return "\n".join(out)
