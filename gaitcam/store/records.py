"""What the store returns: small frozen records, detached from any database connection.

Times are timezone-aware UTC datetimes; show them with `.astimezone()` for local time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple


@dataclass(frozen=True)
class RunnerRecord:
    id: int
    name: str  # a name or a pseudonym
    height_cm: float | None
    leg_length_cm: float | None
    notes: str
    created_at: datetime
    session_count: int
    last_recorded_at: datetime | None  # filming time of the newest session, None without any


@dataclass(frozen=True)
class SessionRecord:
    id: int
    runner_id: int
    recorded_at: datetime  # when the clip was filmed
    created_at: datetime  # when the session was saved
    label: str  # e.g. "before block"
    view: str | None  # "side", "rear", "front" (from the report)
    model: str | None  # pose model named in the report's source
    clip_name: str | None  # original file name of the clip
    clip_sha256: str | None
    clip_path: Path | None  # absolute path of the stored copy (None if saved without a clip)
    clip_available: bool  # the stored copy exists on this machine
    report: dict[str, Any] | None  # the full report; None in list_sessions (use get_session)


@dataclass(frozen=True)
class NoteRecord:
    id: int
    runner_id: int
    session_id: int | None  # None for a note about the runner in general
    author: str
    text: str
    created_at: datetime


class MetricPoint(NamedTuple):
    """One value of a metric in a runner's history (unpacks as (recorded_at, value, session_id))."""

    recorded_at: datetime
    value: float | str  # a number, or a category such as "rearfoot"
    session_id: int
    unit: str
    label: str  # the session's label
