"""Making the SQLAlchemy engine, and the few things that differ between SQLite and PostgreSQL.

SQLite settings (applied to every connection; nothing here runs on other databases):
- `journal_mode=WAL`: readers never block the writer and the writer never blocks readers.
- `foreign_keys=ON`: SQLite ignores ON DELETE CASCADE without it.
- `busy_timeout=10000`: a writer waits up to 10 s for another writer instead of failing.
- `synchronous=FULL`: every commit is fsynced, so a session the app reported as saved survives a
  power cut, not only a killed process (NORMAL would already keep the file consistent after a
  kill or a crash, but may lose the last commits on power loss). Commits are rare (one per saved
  session), so the cost of one fsync each is invisible.
- `secure_delete=ON`: deleted rows are overwritten with zeros, so a deleted runner's data does
  not linger in free pages of the file.
- The sqlite3 driver's own transaction handling is switched off and SQLAlchemy emits BEGIN
  itself, so DDL (migrations) is transactional. Write transactions start with BEGIN IMMEDIATE:
  they take the write lock at once, so two writers queue on busy_timeout instead of one failing
  when it tries to upgrade a read lock.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.pool import StaticPool

from gaitcam.store.errors import DatabaseBusyError, DatabaseError

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "gaitcam_write"  # execution option marking a connection used for writing
_PG_LOCK_KEY = 0x67616974  # "gait": advisory lock serialising gaitcam writers on PostgreSQL


def make_engine(url: str) -> Engine:
    """An engine for `url`, with the SQLite settings above when it is SQLite."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(
            f"'{url}' is not a database URL.",
            hint="Use e.g. sqlite:////home/me/gaitcam.db or "
            "postgresql+psycopg://user:password@host/gaitcam",
        ) from exc
    kwargs: dict[str, Any] = {}
    sqlite = parsed.get_backend_name() == "sqlite"
    memory = sqlite and parsed.database in (None, "", ":memory:")
    if sqlite:
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        if memory:
            kwargs["poolclass"] = StaticPool  # one shared connection, else each is a new database
        else:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
    try:
        engine = create_engine(parsed, **kwargs)
    except (NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(
            f"The database driver for '{parsed.drivername}' is not installed.",
            hint="For PostgreSQL run: pip install 'psycopg[binary]' and use a "
            "postgresql+psycopg://... URL.",
        ) from exc
    if sqlite:
        _configure_sqlite(engine, wal=not memory)
    return engine


def _use_wal(cur: sqlite3.Cursor) -> None:
    """Put the database in WAL mode (stored in the file, so usually already done).

    Switching needs an exclusive lock, and SQLite does not always call the busy handler for it:
    two programs opening a new database at the same moment got "database is locked" at once.
    So the mode is read first (no lock) and the switch retried for up to BUSY_TIMEOUT_MS.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if str(cur.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _configure_sqlite(engine: Engine, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # the driver must not BEGIN/COMMIT on its own
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")  # first: the others may wait
            cur.execute("PRAGMA foreign_keys = ON")
            if wal:
                _use_wal(cur)
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA secure_delete = ON")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def lock_writes(conn: Connection) -> None:
    """Serialise gaitcam's write transactions (held until commit or rollback).

    SQLite needs nothing more: BEGIN IMMEDIATE already holds the database's single write lock.
    PostgreSQL takes a transaction-level advisory lock, so that clip files are only created
    and removed by one writer at a time (see `Store.save_session`).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})


def flush_deleted(engine: Engine) -> None:
    """After a deletion, fold the SQLite write-ahead log into the database and truncate it, so
    old copies of the deleted pages do not linger in the -wal file. Best effort; no-op elsewhere.
    """
    if engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        raw.close()


@contextmanager
def db_errors() -> Iterator[None]:
    """Database driver errors -> friendly `DatabaseError`s."""
    try:
        yield
    except sa_exc.OperationalError as exc:
        detail = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
        if "locked" in detail.lower() or "busy" in detail.lower():
            raise DatabaseBusyError(
                "The history database is busy: another program held it for more than 10 s."
            ) from exc
        raise DatabaseError(
            f"The history database cannot be used ({detail}).",
            hint="Check the free disk space, that the data folder is writable, and the "
            "database URL (GAITCAM_DB_URL); see docs/database.md.",
        ) from exc
    except sa_exc.DBAPIError as exc:
        detail = str(exc.orig if exc.orig is not None else exc).strip().splitlines()[0]
        raise DatabaseError(f"The history database refused the change ({detail}).") from exc
