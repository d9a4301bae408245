"""The current tables (SQLAlchemy Core). `migrations.py` creates them; keep the two in step
(tests/test_store_migrations.py checks that a migrated database matches these definitions).

All times are naive UTC (`DateTime` without time zone, portable across databases); the
repository converts to and from aware datetimes. Ids are never reused after a deletion
(`sqlite_autoincrement`; PostgreSQL sequences never reuse).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime, nullable=False),
    Column("description", String(200), nullable=False),
)

runners = Table(
    "runners",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False),  # a name or a pseudonym
    Column("height_cm", Float),
    Column("leg_length_cm", Float),
    Column("notes", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    sqlite_autoincrement=True,
)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("runner_id", Integer, ForeignKey("runners.id", ondelete="CASCADE"), nullable=False),
    Column("recorded_at", DateTime, nullable=False),  # when the clip was filmed
    Column("created_at", DateTime, nullable=False),  # when the session was saved
    Column("label", String(200), nullable=False),  # e.g. "before block", "after block"
    Column("view", String(16)),  # "side", "rear", "front"
    Column("model", String(100)),  # pose model that produced the report
    Column("clip_path", String(300)),  # relative to the data folder, e.g. clips/ab/abcd....mp4
    Column("clip_sha256", String(64)),
    Column("clip_name", String(300)),  # the original file name
    Column("report_json", Text, nullable=False),  # the full report dict
    Index("ix_sessions_runner_recorded", "runner_id", "recorded_at"),
    Index("ix_sessions_clip_path", "clip_path"),
    sqlite_autoincrement=True,
)

clinician_notes = Table(
    "clinician_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    # Always set, also for a note on a session, so that deleting a runner removes every note.
    Column("runner_id", Integer, ForeignKey("runners.id", ondelete="CASCADE"), nullable=False),
    Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE")),
    Column("author", String(100), nullable=False),
    Column("text", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_notes_runner", "runner_id"),
    Index("ix_notes_session", "session_id"),
    sqlite_autoincrement=True,
)

session_metrics = Table(
    "session_metrics",
    metadata,
    Column(
        "session_id",
        Integer,
        ForeignKey("sessions.id", ondelete="CASCADE"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("key", String(64), primary_key=True),  # a metric report key, e.g. cadence_spm
    Column("value", Float),  # numeric value; NULL if not measurable or categorical
    Column("text_value", String(64)),  # categorical value, e.g. foot_strike_pattern "rearfoot"
    Column("unit", String(32), nullable=False),
    Column("value_left", Float),
    Column("value_right", Float),
    Column("asymmetry_pct", Float),
    Column("confidence", Float),
    Column("status", String(32)),  # good / watch / flag / info / not_measurable
    Column("measurable", Boolean, nullable=False),
    Index("ix_session_metrics_key", "key"),
)
