"""Foot contacts of a report and the per-stride values recorded at each of them.

Values are tied to contacts by each metric's "per_contact" list ({"side", "t_s", "value"},
docs/report_schema.md); reports without it fall back to "per_stride".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

TIME_KEYS = ("t_s", "t", "ic_s", "initial_contact_s")


def contacts(report: Mapping[str, Any]) -> list[tuple[str, int, float]]:
    """Foot contacts as (side, number from 1 for that side, time s), in time order."""
    events = report.get("events") or {}
    out = []
    for side in ("left", "right"):
        times = (events.get(side) or {}).get("initial_contact_s") or []
        for i, t in enumerate(times, 1):
            if t is not None and np.isfinite(t):
                out.append((side, i, float(t)))
    return sorted(out, key=lambda c: c[2])


def contact_label(side: str, number: int, t: float) -> str:
    """E.g. "L contact 3 at 2.41 s"."""
    return f"{side[0].upper()} contact {number} at {t:.2f} s"


def _row_time(row: Mapping[str, Any]) -> float | None:
    t = next((row[k] for k in TIME_KEYS if k in row), None)
    return None if t is None else float(t)


def per_contact_values(report: Mapping[str, Any], tolerance_s: float = 0.1
                       ) -> list[dict[str, Any]]:
    """For each contact of `contacts(report)`, the per-stride metric values recorded at it.

    A metric's "per_contact" rows (or, in reports without it, "per_stride" entries that are
    dicts) carry a side and a time ("t_s", "t", "ic_s" or "initial_contact_s"): each goes to
    the nearest contact of that side within `tolerance_s`. A per_stride that is a bare list
    (values in time order) is used only when it has exactly one value per contact, since
    otherwise which contact a value belongs to is unknown.
    """
    cs = contacts(report)
    out: list[dict[str, Any]] = [{} for _ in cs]
    for key, m in (report.get("metrics") or {}).items():
        if not isinstance(m, Mapping):
            continue
        per = m.get("per_contact") or m.get("per_stride") or []
        if per and all(isinstance(p, Mapping) for p in per):
            for row in per:
                t = _row_time(row)
                if t is None:
                    continue
                cands = [(abs(tc - t), j) for j, (s, _, tc) in enumerate(cs)
                         if row.get("side") in (None, s)]
                if cands and min(cands)[0] <= tolerance_s:
                    value = row.get("value", row.get("pattern"))
                    if value is not None:
                        out[min(cands)[1]][key] = value
        elif len(per) == len(cs) and all(isinstance(p, int | float | str) for p in per):
            for j, value in enumerate(per):
                out[j][key] = value
    return out


def contact_values(report: Mapping[str, Any], side: str, t_s: float) -> dict[str, Any]:
    """Per-stride values (by metric key) at the contact of `side` nearest `t_s` (within
    0.1 s), or {} if there is none."""
    cs = contacts(report)
    cands = [(abs(tc - t_s), j) for j, (s, _, tc) in enumerate(cs) if s == side]
    if not cands or min(cands)[0] > 0.1:
        return {}
    return per_contact_values(report)[min(cands)[1]]
