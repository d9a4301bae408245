"""What the store reads out of a report dict: JSON-safe copy, view, model, and one row per metric.

Tolerant by design: any key may be missing or of an unexpected type; what cannot be read is
stored as NULL (the full report is always kept as JSON).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from gaitcam.store.errors import InvalidInputError


def plain(obj: Any) -> Any:
    """A JSON-safe copy: numpy scalars/arrays become Python values, NaN/inf become None."""
    if obj is None or isinstance(obj, bool | str | int):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, Mapping):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [plain(v) for v in obj]
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, PurePath):
        return str(obj)
    if hasattr(obj, "tolist"):  # numpy arrays and scalars, without importing numpy
        return plain(obj.tolist())
    raise InvalidInputError(
        f"The report contains a value the history cannot store ({type(obj).__name__})."
    )


def report_json(report: Mapping[str, Any]) -> str:
    """The report as strict JSON text (after `plain`)."""
    return json.dumps(plain(report), allow_nan=False, ensure_ascii=False, separators=(",", ":"))


def _get(d: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(d, Mapping):
            return None
        d = d.get(key)
    return d


def _text(v: Any, limit: int) -> str | None:
    return v[:limit] if isinstance(v, str) and v else None


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v) if math.isfinite(v) else None


def view_of(report: Mapping[str, Any]) -> str | None:
    """report["view"]["view"] (or report["view"] when it is a plain string)."""
    v = report.get("view")
    return _text(v if isinstance(v, str) else _get(v, "view"), 16)


def model_of(report: Mapping[str, Any]) -> str | None:
    """report["source"]["model"] (a name, or a dict with a "name"/"variant")."""
    m = _get(report, "source", "model")
    if isinstance(m, Mapping):
        m = m.get("name") or m.get("variant")
    return _text(m, 100)


def recorded_at_hint(report: Mapping[str, Any]) -> str | None:
    """A filming time the report may carry (source.recorded_at / creation_time), as text."""
    for keys in (("recorded_at",), ("creation_time",), ("video", "creation_time")):
        v = _get(report, "source", *keys)
        if isinstance(v, str) and v:
            return v
    return None


def metric_rows(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per entry of report["metrics"] (columns of `session_metrics`, no session_id).

    An entry may be a dict following the report contract, or a bare number/string.
    """
    metrics = report.get("metrics")
    if not isinstance(metrics, Mapping):
        return []
    rows = []
    for key, entry in metrics.items():
        if not isinstance(key, str) or not key or len(key) > 64:
            continue
        e = entry if isinstance(entry, Mapping) else {"value": entry}
        value = e.get("value")
        number, text = _number(value), _text(value, 64)
        measurable = e.get("measurable")
        if not isinstance(measurable, bool):
            measurable = number is not None or text is not None
        rows.append({
            "key": key,
            "value": number,
            "text_value": text,
            "unit": _text(e.get("unit"), 32) or "",
            "value_left": _number(e.get("left")),
            "value_right": _number(e.get("right")),
            "asymmetry_pct": _number(e.get("asymmetry_pct")),
            "confidence": _number(e.get("confidence")),
            "status": _text(e.get("status"), 32),
            "measurable": measurable,
        })
    return rows
