"""Times in the database are naive UTC; the API speaks aware datetimes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from gaitcam.store.errors import InvalidInputError


def utc_now() -> datetime:
    """Now, as the naive UTC datetime stored in the database."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_db(value: datetime | date | str) -> datetime:
    """A naive UTC datetime for storage. Naive inputs are local time; a date means local noon
    (noon, so that the calendar date survives any time-zone shift); strings are ISO 8601."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = (date.fromisoformat(text) if len(text) == 10
                     else datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError as exc:
            raise InvalidInputError(
                f"'{value}' is not a date (expected e.g. 2024-05-31 or 2024-05-31T18:30)."
            ) from exc
    if not isinstance(value, datetime):
        if not isinstance(value, date):
            raise InvalidInputError(f"{value!r} is not a date.")
        value = datetime.combine(value, time(12, 0))
    return value.astimezone(UTC).replace(tzinfo=None)


def from_db(value: datetime) -> datetime:
    """The aware UTC datetime of a stored naive UTC value."""
    return value.replace(tzinfo=UTC)
