"""Schema migrations: an ordered list of functions, applied on open, each exactly once.

`schema_version` holds one row per applied migration (version, applied_at, description); the
database's version is the largest. `migrate` applies the missing ones in one write transaction
(DDL is transactional on SQLite with our BEGIN handling, and on PostgreSQL), after taking the
write lock and re-reading the version, so two programs opening an old database at the same time
upgrade it once and a failed migration leaves the old version intact.

Each migration spells out the tables as they were at its version (not the current `schema.py`),
so later changes to `schema.py` cannot change what an old migration does. To change the schema:
add a function and a `Migration` entry at the end, and update `schema.py` to match.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    insert,
    inspect,
    select,
)

from gaitcam.store.engine import WRITE_OPTION, lock_writes
from gaitcam.store.errors import DatabaseError
from gaitcam.store.report_fields import metric_rows
from gaitcam.store.schema import schema_version


@dataclass(frozen=True)
class Migration:
    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_initial(conn: Connection) -> None:
    md = MetaData()
    Table(
        "runners", md,
        Column("id", Integer, primary_key=True),
        Column("name", String(100), nullable=False),
        Column("height_cm", Float),
        Column("leg_length_cm", Float),
        Column("notes", Text, nullable=False),
        Column("created_at", DateTime, nullable=False),
        sqlite_autoincrement=True,
    )
    Table(
        "sessions", md,
        Column("id", Integer, primary_key=True),
        Column("runner_id", Integer, ForeignKey("runners.id", ondelete="CASCADE"),
               nullable=False),
        Column("recorded_at", DateTime, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Column("label", String(200), nullable=False),
        Column("view", String(16)),
        Column("model", String(100)),
        Column("clip_path", String(300)),
        Column("clip_sha256", String(64)),
        Column("clip_name", String(300)),
        Column("report_json", Text, nullable=False),
        Index("ix_sessions_runner_recorded", "runner_id", "recorded_at"),
        Index("ix_sessions_clip_path", "clip_path"),
        sqlite_autoincrement=True,
    )
    Table(
        "clinician_notes", md,
        Column("id", Integer, primary_key=True),
        Column("runner_id", Integer, ForeignKey("runners.id", ondelete="CASCADE"),
               nullable=False),
        Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE")),
        Column("author", String(100), nullable=False),
        Column("text", Text, nullable=False),
        Column("created_at", DateTime, nullable=False),
        Index("ix_notes_runner", "runner_id"),
        Index("ix_notes_session", "session_id"),
        sqlite_autoincrement=True,
    )
    md.create_all(conn, checkfirst=False)


def _v2_session_metrics(conn: Connection) -> None:
    """One row per metric per session, so every metric is queryable over time; filled from the
    report_json of the sessions already saved."""
    md = MetaData()
    Table("sessions", md, Column("id", Integer, primary_key=True))
    metrics = Table(
        "session_metrics", md,
        Column("session_id", Integer, ForeignKey("sessions.id", ondelete="CASCADE"),
               primary_key=True, autoincrement=False),
        Column("key", String(64), primary_key=True),
        Column("value", Float),
        Column("text_value", String(64)),
        Column("unit", String(32), nullable=False),
        Column("value_left", Float),
        Column("value_right", Float),
        Column("asymmetry_pct", Float),
        Column("confidence", Float),
        Column("status", String(32)),
        Column("measurable", Boolean, nullable=False),
        Index("ix_session_metrics_key", "key"),
    )
    metrics.create(conn, checkfirst=False)
    cols = ("key", "value", "text_value", "unit", "value_left", "value_right", "asymmetry_pct",
            "confidence", "status", "measurable")
    # `metric_rows` is today's extractor; if its columns ever change, freeze a copy here.
    for session_id, text in conn.exec_driver_sql("SELECT id, report_json FROM sessions"):
        try:
            report = json.loads(text)
        except (TypeError, ValueError):
            continue  # unreadable report: the session keeps no metric rows
        rows = [{"session_id": session_id, **{c: r[c] for c in cols}}
                for r in metric_rows(report if isinstance(report, dict) else {})]
        if rows:
            conn.execute(insert(metrics), rows)


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "runners, sessions and clinician notes", _v1_initial),
    Migration(2, "session_metrics: one row per metric per session", _v2_session_metrics),
)
LATEST_VERSION = MIGRATIONS[-1].version
_OUR_TABLES = {"runners", "sessions", "clinician_notes", "session_metrics"}


def current_version(conn: Connection) -> int:
    """The database's schema version (0 = no gaitcam tables yet)."""
    if not inspect(conn).has_table(schema_version.name):
        return 0
    return conn.scalar(select(func.max(schema_version.c.version))) or 0


def _too_new(version: int) -> DatabaseError:
    return DatabaseError(
        f"This history database was written by a newer gaitcam (schema version {version}; "
        f"this gaitcam knows up to {LATEST_VERSION}).",
        hint="Update gaitcam, or open a different database.",
    )


def migrate(engine: Engine) -> int:
    """Bring the database to `LATEST_VERSION`; returns the version it had before."""
    with engine.connect() as conn, conn.begin():
        before = current_version(conn)
    if before == LATEST_VERSION:
        return before
    if before > LATEST_VERSION:
        raise _too_new(before)
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            lock_writes(conn)
            before = current_version(conn)  # another program may have migrated meanwhile
            if before > LATEST_VERSION:
                raise _too_new(before)
            if before == 0:
                foreign = _OUR_TABLES & set(inspect(conn).get_table_names())
                if foreign:
                    raise DatabaseError(
                        "This database already has tables named like gaitcam's "
                        f"({', '.join(sorted(foreign))}) but no gaitcam schema version.",
                        hint="Point gaitcam at an empty database or a gaitcam history.",
                    )
                schema_version.create(conn, checkfirst=True)
            for m in MIGRATIONS:
                if m.version > before:
                    m.apply(conn)
                    conn.execute(insert(schema_version).values(
                        version=m.version, description=m.description,
                        applied_at=datetime.now(UTC).replace(tzinfo=None),
                    ))
    return before
