"""Checking and normalising what callers give the store; bad values -> InvalidInputError."""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from gaitcam.store.errors import InvalidInputError
from gaitcam.store.report_fields import recorded_at_hint
from gaitcam.store.timestamps import to_db, utc_now

NAME_MAX = 100
LABEL_MAX = 200
AUTHOR_MAX = 100
TEXT_MAX = 20_000
HEIGHT_RANGE_CM = (50.0, 250.0)
LEG_LENGTH_RANGE_CM = (30.0, 150.0)


def valid_id(value: Any) -> int:
    try:
        if isinstance(value, bool):
            raise TypeError
        return operator.index(value)
    except TypeError:
        raise InvalidInputError(f"{value!r} is not a record id (a whole number).") from None


def valid_name(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > NAME_MAX or any(ord(c) < 32 for c in name):
        raise InvalidInputError(
            f"Please give the runner a name or a pseudonym (1 to {NAME_MAX} characters, "
            "on one line)."
        )
    return name


def valid_text(value: Any, limit: int, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidInputError(f"{what} must be text.")
    if len(value) > limit:
        raise InvalidInputError(f"{what} is too long ({len(value)} characters; at most {limit}).")
    return value


def valid_measure(value: Any, bounds: tuple[float, float], what: str) -> float | None:
    if value is None:
        return None
    lo, hi = bounds
    if hasattr(value, "item") and not isinstance(value, int | float):
        value = value.item()  # numpy scalar
    if (not isinstance(value, int | float) or isinstance(value, bool)
            or not math.isfinite(value) or not lo <= value <= hi):
        raise InvalidInputError(
            f"{what} must be a number of centimetres between {lo:g} and {hi:g}, or left empty."
        )
    return float(value)


def valid_recorded_at(value: datetime | date | str | None, report: Mapping[str, Any]) -> datetime:
    """Filming time as stored (naive UTC): `value`, else the report's source time, else now."""
    if value is not None:
        return to_db(value)
    hint = recorded_at_hint(report)
    if hint:
        try:
            return to_db(hint)
        except InvalidInputError:
            pass
    return utc_now()
