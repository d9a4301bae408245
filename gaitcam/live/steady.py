"""Steadier live numbers: the median of the last few rolling analyses.

Each rolling analysis looks at the last 10 s; consecutive windows differ by half a second, yet
a step found or missed at a window's edge can move a metric (cadence most of all) by several
units. Showing the median of the analyses of the last couple of seconds keeps the display from
flickering while adding almost no lag. Statuses and findings are then re-derived from the
median values with the metric registry, so the panel, the HUD and the cue agree.
"""

from __future__ import annotations

import contextlib
import math
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from gaitcam import registry

#: Entry fields merged by median; everything else comes from the newest analysis.
NUMERIC_FIELDS = ("value", "left", "right", "asymmetry_pct", "confidence")


def _finite(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    v = float(v)
    return v if math.isfinite(v) else None


def _merge_entry(key: str, entries: list[Mapping[str, Any]]) -> dict[str, Any]:
    latest = dict(entries[-1])
    usable = [e for e in entries if e.get("measurable", True) is not False
              and e.get("value") is not None]
    if not usable:
        return latest
    merged = dict(latest) if latest in usable else dict(usable[-1])
    for field in NUMERIC_FIELDS:
        nums = [v for v in (_finite(e.get(field)) for e in usable) if v is not None]
        if nums:
            merged[field] = round(statistics.median(nums), 2)
    if isinstance(merged.get("value"), str):  # categorical (foot_strike_pattern): the mode
        merged["value"] = Counter(e["value"] for e in usable
                                  if isinstance(e.get("value"), str)).most_common(1)[0][0]
    merged["measurable"] = True
    if key in registry.METRICS:
        with contextlib.suppress(TypeError, KeyError):
            merged["status"] = registry.status(key, merged["value"])
    return merged


def steady_report(reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """One report from consecutive rolling reports (oldest first) of the same view.

    Metric values (and left/right, asymmetry, confidence) are medians over the reports where
    the metric was measurable; statuses and findings are recomputed from them. View, events and
    everything else come from the newest report. An empty sequence gives {}.
    """
    if not reports:
        return {}
    newest = dict(reports[-1])
    keys: list[str] = []
    for r in reports:
        for k in (r.get("metrics") or {}):
            if k not in keys:
                keys.append(k)
    metrics = {}
    for k in keys:
        entries = [r["metrics"][k] for r in reports
                   if isinstance((r.get("metrics") or {}).get(k), Mapping)]
        if entries:
            metrics[k] = _merge_entry(k, entries)
    newest["metrics"] = metrics
    newest["findings"] = registry.evaluate(metrics)
    return newest
