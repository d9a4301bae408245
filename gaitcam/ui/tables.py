"""The per-stride table: one row per foot contact, one column per per-stride metric."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from gaitcam import registry
from gaitcam.ui.cards import short_unit
from gaitcam.ui.steps import contacts, per_contact_values


def short_label(key: str) -> str:
    """The registry label without its bracketed gloss: "Overstride (heel ahead of hip)" ->
    "Overstride"."""
    m = registry.METRICS.get(key)
    return m.label.split(" (")[0] if m else key.replace("_", " ").capitalize()


def column_name(key: str) -> str:
    """A table column: short label and unit, e.g. "Overstride (% leg)"."""
    label = short_label(key)
    unit = short_unit(key)
    return f"{label} ({unit})" if unit else label


def stride_table(report: Mapping[str, Any]) -> pd.DataFrame:
    """Rows: contacts in time order ("Foot", "Contact", "Time (s)"), then the per-stride value
    of each metric at that contact (see `steps.per_contact_values`).

    When a report's per-stride values cannot be tied to contacts (bare lists of another
    length), the table instead lists each metric's values in time order ("Value #").
    """
    cs = contacts(report)
    values = per_contact_values(report)
    order = list(registry.METRICS)
    metrics = report.get("metrics") or {}
    keys = sorted(metrics, key=lambda k: order.index(k) if k in order else len(order))
    if any(values):
        rows = []
        for (side, number, t), vals in zip(cs, values, strict=True):
            row: dict[str, Any] = {"Foot": side.capitalize(), "Contact": number,
                                   "Time (s)": round(t, 2)}
            for key in keys:
                if key in vals:
                    row[column_name(key)] = _cell(vals[key])
            rows.append(row)
        return pd.DataFrame(rows)
    columns = {}
    for key in keys:
        per = (metrics.get(key) or {}).get("per_stride") or []
        cells = [_cell(p.get("value") if isinstance(p, Mapping) else p) for p in per]
        if cells:
            columns[column_name(key)] = cells
    n = max((len(c) for c in columns.values()), default=0)
    table = pd.DataFrame({k: c + [None] * (n - len(c)) for k, c in columns.items()})
    table.insert(0, "Value #", range(1, n + 1))
    return table


def _cell(v: Any) -> Any:
    return round(float(v), 1) if isinstance(v, int | float) and not isinstance(v, bool) else v
