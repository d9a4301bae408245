"""`Store`: the physiotherapist mode's history of runners, sessions, metrics and notes.

One object per program (thread-safe: every call checks out its own connection). Every write is
one transaction; records returned are frozen snapshots. See docs/database.md.

Clip files and the database (the only two-resource step) are kept in step like this:
- save: copy the clip into the managed folder first (outside any transaction: it can be large),
  then one write transaction inserts the session and all its metric rows and, while holding the
  write lock, makes sure the clip file is still there (re-copying it if a concurrent deletion
  removed it). If the transaction fails, a clip this call created is removed again unless a
  session references it. A kill between the copy and the commit leaves an unreferenced clip,
  which the next `Store.open` removes (`clips.sweep`).
- delete: inside the write transaction, delete the rows (ON DELETE CASCADE removes sessions,
  metrics and notes), then remove the clip files no remaining session references, then commit.
  A crash between the file removal and the commit leaves the rows with `clip_available` False;
  deleting again finishes the job.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, exists, func, select, update

from gaitcam.store import clips
from gaitcam.store.engine import WRITE_OPTION, db_errors, flush_deleted, lock_writes, make_engine
from gaitcam.store.errors import (
    ClipNotFoundError,
    DatabaseError,
    InvalidInputError,
    NotFoundError,
    StoreError,
)
from gaitcam.store.location import CLIPS_DIRNAME, default_data_dir, resolve_url
from gaitcam.store.migrations import migrate
from gaitcam.store.records import MetricPoint, NoteRecord, RunnerRecord, SessionRecord
from gaitcam.store.report_fields import (
    metric_rows,
    model_of,
    plain,
    report_json,
    view_of,
)
from gaitcam.store.schema import clinician_notes, runners, session_metrics, sessions
from gaitcam.store.timestamps import from_db, to_db, utc_now
from gaitcam.store.validation import (
    AUTHOR_MAX,
    HEIGHT_RANGE_CM,
    LABEL_MAX,
    LEG_LENGTH_RANGE_CM,
    TEXT_MAX,
    valid_id,
    valid_measure,
    valid_name,
    valid_recorded_at,
    valid_text,
)

log = logging.getLogger(__name__)


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # "leave unchanged" in update_runner / update_session

class Store:
    """The history database. Create with `Store.open()`; use as a context manager or `close()`."""

    def __init__(self, engine: Engine, data_dir: Path) -> None:
        """Use `Store.open`, which also migrates the schema and tidies the clip folder."""
        self._engine = engine
        self.data_dir = data_dir
        self.clips_dir = data_dir / CLIPS_DIRNAME

    @classmethod
    def open(cls, url: str | None = None, data_dir: Path | str | None = None) -> Store:
        """Open (creating or upgrading as needed) the history.

        data_dir: folder of gaitcam.db and clips/ (default `GAITCAM_DATA_DIR`, else the
        per-user data folder). url: SQLAlchemy database URL (default `GAITCAM_DB_URL`, else
        SQLite in data_dir), e.g. postgresql+psycopg://user:pw@host/gaitcam.
        """
        folder = Path(data_dir).expanduser() if data_dir is not None else default_data_dir()
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            (folder / CLIPS_DIRNAME).mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise DatabaseError(
                f"Cannot create the data folder {folder} ({exc.strerror or exc}).",
                hint="Set GAITCAM_DATA_DIR to a folder you can write to.",
            ) from exc
        engine = make_engine(resolve_url(url, folder))
        try:
            with db_errors():
                migrate(engine)
            store = cls(engine, folder)
            store._sweep_clips()
        except BaseException:
            engine.dispose()
            raise
        return store

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        """Close all connections. The object must not be used afterwards."""
        self._engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- runners -----------------------------------------------------------------------------

    def add_runner(
        self,
        name: str,
        height_cm: float | None = None,
        leg_length_cm: float | None = None,
        notes: str = "",
    ) -> int:
        """Add a runner (a name or a pseudonym; heights in cm); returns the new id."""
        values = {
            "name": valid_name(name),
            "height_cm": valid_measure(height_cm, HEIGHT_RANGE_CM, "Height"),
            "leg_length_cm": valid_measure(leg_length_cm, LEG_LENGTH_RANGE_CM, "Leg length"),
            "notes": valid_text(notes, TEXT_MAX, "Notes"),
            "created_at": utc_now(),
        }
        with self._write() as conn:
            return int(conn.execute(runners.insert().values(**values)).inserted_primary_key[0])

    def list_runners(self) -> list[RunnerRecord]:
        """All runners, by name (case-insensitive), with their session counts."""
        with self._read() as conn:
            query = _runner_query().order_by(func.lower(runners.c.name), runners.c.id)
            rows = conn.execute(query)
            return [_runner_record(r) for r in rows]

    def get_runner(self, runner_id: int) -> RunnerRecord:
        """One runner; NotFoundError if there is none with this id."""
        with self._read() as conn:
            row = conn.execute(_runner_query().where(runners.c.id == valid_id(runner_id))).first()
        if row is None:
            raise _no_runner(runner_id)
        return _runner_record(row)

    def update_runner(
        self,
        runner_id: int,
        *,
        name: str = UNSET,
        height_cm: float | None = UNSET,
        leg_length_cm: float | None = UNSET,
        notes: str = UNSET,
    ) -> RunnerRecord:
        """Change the given fields (None clears a measurement); returns the updated runner."""
        values: dict[str, Any] = {}
        if name is not UNSET:
            values["name"] = valid_name(name)
        if height_cm is not UNSET:
            values["height_cm"] = valid_measure(height_cm, HEIGHT_RANGE_CM, "Height")
        if leg_length_cm is not UNSET:
            values["leg_length_cm"] = valid_measure(
                leg_length_cm, LEG_LENGTH_RANGE_CM, "Leg length")
        if notes is not UNSET:
            values["notes"] = valid_text(notes, TEXT_MAX, "Notes")
        rid = valid_id(runner_id)
        with self._write() as conn:
            self._require_runner(conn, rid)
            if values:
                conn.execute(update(runners).where(runners.c.id == rid).values(**values))
        return self.get_runner(rid)

    def delete_runner(self, runner_id: int) -> None:
        """Delete a runner with all their sessions, metrics, notes and clip files (a clip file
        also used by another runner's session is kept)."""
        rid = valid_id(runner_id)
        with self._write() as conn:
            self._require_runner(conn, rid)
            paths = set(conn.scalars(
                select(sessions.c.clip_path).distinct().where(
                    sessions.c.runner_id == rid, sessions.c.clip_path.is_not(None))
            ))
            conn.execute(delete(runners).where(runners.c.id == rid))  # cascades
            self._remove_unreferenced(conn, paths)
        self._flush_deleted()

    # -- sessions ----------------------------------------------------------------------------

    def save_session(
        self,
        runner_id: int,
        clip_path: Path | str | None,
        report: Mapping[str, Any],
        recorded_at: datetime | date | str | None = None,
        label: str = "",
        clip_name: str | None = None,
    ) -> int:
        """Save an analysed clip: copy the clip into the managed folder and store the report
        and one row per metric. Returns the new session id.

        clip_path: the video (None to save the report without a clip). recorded_at: when the
        clip was filmed (aware datetime, naive = local time, date, or ISO text); default the
        report's source.recorded_at / creation_time, else now. clip_name: the original file
        name to record (e.g. of an upload saved under a temporary name); default clip_path's.
        """
        rid = valid_id(runner_id)
        if not isinstance(report, Mapping):
            raise InvalidInputError("The report to save must be a dict (the analysis result).")
        report_plain = plain(report)
        text, rows = report_json(report_plain), metric_rows(report_plain)
        label = valid_text(label, LABEL_MAX, "The label").strip()
        when = valid_recorded_at(recorded_at, report_plain)
        src = Path(clip_path).expanduser() if clip_path is not None else None
        if src is not None and not src.is_file():
            raise ClipNotFoundError(f"The clip {src} does not exist or is not a file.")
        name = valid_text(clip_name, 1000, "The clip name").strip() if clip_name is not None else ""
        name = (name or (src.name if src else ""))[:300] or None
        with self._read() as conn:
            self._require_runner(conn, rid)  # fail before copying a large clip for nothing
        stored = clips.store_clip(src, self.data_dir, name) if src is not None else None
        try:
            with self._write() as conn:
                self._require_runner(conn, rid)
                if stored is not None and not (self.data_dir / stored.relpath).is_file():
                    clips.store_clip(src, self.data_dir, name)  # removed by a concurrent delete
                sid = int(conn.execute(sessions.insert().values(
                    runner_id=rid, recorded_at=when, created_at=utc_now(), label=label,
                    view=view_of(report_plain), model=model_of(report_plain),
                    clip_path=stored.relpath if stored else None,
                    clip_sha256=stored.sha256 if stored else None,
                    clip_name=name,
                    report_json=text,
                )).inserted_primary_key[0])
                if rows:
                    conn.execute(session_metrics.insert(),
                                 [{"session_id": sid, **row} for row in rows])
                return sid
        except BaseException:
            if stored is not None and stored.created:
                self._discard_if_unused(stored.relpath)
            raise

    def list_sessions(self, runner_id: int) -> list[SessionRecord]:
        """A runner's sessions, oldest filmed first; `report` is None here (see get_session)."""
        rid = valid_id(runner_id)
        cols = [c for c in sessions.c if c.name != "report_json"]
        with self._read() as conn:
            self._require_runner(conn, rid)
            rows = conn.execute(select(*cols).where(sessions.c.runner_id == rid)
                                .order_by(sessions.c.recorded_at, sessions.c.id))
            return [self._session_record(r, None) for r in rows]

    def get_session(self, session_id: int) -> SessionRecord:
        """One session with its full report dict and the path of its stored clip."""
        sid = valid_id(session_id)
        with self._read() as conn:
            row = conn.execute(select(sessions).where(sessions.c.id == sid)).first()
        if row is None:
            raise _no_session(session_id)
        try:
            report = json.loads(row.report_json)
        except (TypeError, ValueError):
            report = {}
        return self._session_record(row, report if isinstance(report, dict) else {})

    def update_session(
        self,
        session_id: int,
        *,
        label: str = UNSET,
        recorded_at: datetime | date | str = UNSET,
    ) -> SessionRecord:
        """Change a session's label and/or filming time; returns the updated session."""
        values: dict[str, Any] = {}
        if label is not UNSET:
            values["label"] = valid_text(label, LABEL_MAX, "The label").strip()
        if recorded_at is not UNSET:
            values["recorded_at"] = to_db(recorded_at)
        sid = valid_id(session_id)
        with self._write() as conn:
            if conn.scalar(select(sessions.c.id).where(sessions.c.id == sid)) is None:
                raise _no_session(sid)
            if values:
                conn.execute(update(sessions).where(sessions.c.id == sid).values(**values))
        return self.get_session(sid)

    def delete_session(self, session_id: int) -> None:
        """Delete a session with its metrics and notes, and its clip file unless shared."""
        sid = valid_id(session_id)
        with self._write() as conn:
            row = conn.execute(select(sessions.c.clip_path).where(sessions.c.id == sid)).first()
            if row is None:
                raise _no_session(sid)
            conn.execute(delete(sessions).where(sessions.c.id == sid))
            self._remove_unreferenced(conn, {row.clip_path} - {None})
        self._flush_deleted()

    # -- notes -------------------------------------------------------------------------------

    def add_note(
        self,
        text: str,
        *,
        runner_id: int | None = None,
        session_id: int | None = None,
        author: str = "",
    ) -> int:
        """Add a clinician's note about a session (session_id) or about a runner in general
        (runner_id only). Returns the note id."""
        body = valid_text(text, TEXT_MAX, "The note").strip()
        if not body:
            raise InvalidInputError("The note is empty.")
        who = valid_text(author, AUTHOR_MAX, "The author").strip()
        with self._write() as conn:
            rid, sid = self._note_target(conn, runner_id, session_id)
            return int(conn.execute(clinician_notes.insert().values(
                runner_id=rid, session_id=sid, author=who, text=body, created_at=utc_now(),
            )).inserted_primary_key[0])

    def notes(
        self, *, runner_id: int | None = None, session_id: int | None = None
    ) -> list[NoteRecord]:
        """Notes, oldest first: of one session (session_id), or all of a runner's notes,
        general and per session (runner_id)."""
        with self._read() as conn:
            rid, sid = self._note_target(conn, runner_id, session_id)
            cond = (clinician_notes.c.session_id == sid if sid is not None
                    else clinician_notes.c.runner_id == rid)
            rows = conn.execute(select(clinician_notes).where(cond)
                                .order_by(clinician_notes.c.created_at, clinician_notes.c.id))
            return [NoteRecord(r.id, r.runner_id, r.session_id, r.author, r.text,
                               from_db(r.created_at)) for r in rows]

    def delete_note(self, note_id: int) -> None:
        """Delete one note."""
        nid = valid_id(note_id)
        with self._write() as conn:
            if conn.execute(delete(clinician_notes).where(clinician_notes.c.id == nid)).rowcount:
                return
        raise NotFoundError(f"There is no note with id {nid} (it may have been deleted).")

    # -- metrics over time -------------------------------------------------------------------

    def metric_keys(self, runner_id: int) -> list[str]:
        """The metric keys with at least one value in a runner's sessions, sorted."""
        rid = valid_id(runner_id)
        m, s = session_metrics, sessions
        with self._read() as conn:
            self._require_runner(conn, rid)
            return list(conn.scalars(
                select(m.c.key).distinct().join(s, s.c.id == m.c.session_id)
                .where(s.c.runner_id == rid,
                       (m.c.value.is_not(None)) | (m.c.text_value.is_not(None)))
                .order_by(m.c.key)
            ))

    def metric_history(
        self, runner_id: int, metric_key: str, side: str | None = None
    ) -> list[MetricPoint]:
        """A metric's values over a runner's sessions, oldest filmed first, skipping sessions
        where it was not measured. side: None = the metric's value (a number, or a category
        such as "rearfoot"), "left" / "right" = that leg's value of a bilateral metric."""
        rid = valid_id(runner_id)
        m, s = session_metrics, sessions
        columns = {None: m.c.value, "left": m.c.value_left, "right": m.c.value_right}
        if side not in columns:
            raise InvalidInputError(f"side must be None, 'left' or 'right', not {side!r}.")
        with self._read() as conn:
            self._require_runner(conn, rid)
            rows = conn.execute(
                select(s.c.recorded_at, columns[side].label("number"), m.c.text_value, s.c.id,
                       m.c.unit, s.c.label)
                .join(s, s.c.id == m.c.session_id)
                .where(s.c.runner_id == rid, m.c.key == metric_key)
                .order_by(s.c.recorded_at, s.c.id)
            ).all()
        points = []
        for r in rows:
            value = r.number if r.number is not None else (r.text_value if side is None else None)
            if value is not None:
                points.append(MetricPoint(from_db(r.recorded_at), value, r.id, r.unit, r.label))
        return points

    # -- internals ---------------------------------------------------------------------------

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with db_errors(), self._engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with db_errors(), self._engine.connect() as conn:
            conn.execution_options(**{WRITE_OPTION: True})
            with conn.begin():
                lock_writes(conn)
                yield conn

    def _require_runner(self, conn: Connection, rid: int) -> None:
        if not conn.scalar(select(exists().where(runners.c.id == rid))):
            raise _no_runner(rid)

    def _note_target(
        self, conn: Connection, runner_id: int | None, session_id: int | None
    ) -> tuple[int, int | None]:
        if session_id is not None:
            sid = valid_id(session_id)
            owner = conn.scalar(select(sessions.c.runner_id).where(sessions.c.id == sid))
            if owner is None:
                raise _no_session(sid)
            if runner_id is not None and valid_id(runner_id) != owner:
                raise InvalidInputError(f"Session {sid} belongs to another runner.")
            return owner, sid
        if runner_id is None:
            raise InvalidInputError("Give the runner or the session the note is about.")
        rid = valid_id(runner_id)
        self._require_runner(conn, rid)
        return rid, None

    def _session_record(self, row: Any, report: dict[str, Any] | None) -> SessionRecord:
        path = None
        if row.clip_path:
            try:
                path = clips.clip_file(self.data_dir, row.clip_path)
            except InvalidInputError:
                path = None
        return SessionRecord(
            id=row.id, runner_id=row.runner_id, recorded_at=from_db(row.recorded_at),
            created_at=from_db(row.created_at), label=row.label, view=row.view, model=row.model,
            clip_name=row.clip_name, clip_sha256=row.clip_sha256, clip_path=path,
            clip_available=path is not None and path.is_file(), report=report,
        )

    def _remove_unreferenced(self, conn: Connection, paths: set[str]) -> None:
        """Remove the clip files among `paths` that no session references any more (call
        inside the write transaction, after deleting rows)."""
        if not paths:
            return
        still = set(conn.scalars(select(sessions.c.clip_path).distinct()
                                 .where(sessions.c.clip_path.in_(sorted(paths)))))
        for rel in sorted(paths - still):
            try:
                clips.remove_clip(self.data_dir, rel)
            except InvalidInputError:
                log.warning("not removing %r: not a path inside the clip folder", rel)
            except OSError as exc:
                raise StoreError(
                    f"Could not delete the clip file {rel} ({exc.strerror or exc}); "
                    "nothing was deleted.",
                    hint="Check that the data folder is writable, then try again.",
                ) from exc

    def _discard_if_unused(self, relpath: str) -> None:
        """After a failed save: remove the clip it copied unless a session uses it. Best
        effort: whatever is left is swept on the next open."""
        try:
            with self._write() as conn:
                self._remove_unreferenced(conn, {relpath})
        except Exception:  # noqa: BLE001 - the original error matters more
            log.warning("could not remove the unused clip %s", relpath, exc_info=True)

    def _sweep_clips(self) -> None:
        try:
            with self._write() as conn:
                referenced = set(conn.scalars(select(sessions.c.clip_path).distinct()
                                              .where(sessions.c.clip_path.is_not(None))))
                removed = clips.sweep(self.data_dir, referenced)
            if removed:
                log.info("removed %d leftover clip file(s) from %s", removed, self.clips_dir)
        except (OSError, StoreError):
            log.warning("could not tidy the clip folder %s", self.clips_dir, exc_info=True)

    def _flush_deleted(self) -> None:
        try:
            with db_errors():
                flush_deleted(self._engine)
        except StoreError:
            log.info("WAL checkpoint after deletion skipped (database busy)")


# -- helpers --------------------------------------------------------------------------------


def _runner_query() -> Any:
    counts = (
        select(sessions.c.runner_id, func.count().label("n"),
               func.max(sessions.c.recorded_at).label("last"))
        .group_by(sessions.c.runner_id).subquery()
    )
    return (select(runners, counts.c.n, counts.c.last)
            .outerjoin(counts, counts.c.runner_id == runners.c.id))


def _runner_record(row: Any) -> RunnerRecord:
    return RunnerRecord(
        id=row.id, name=row.name, height_cm=row.height_cm, leg_length_cm=row.leg_length_cm,
        notes=row.notes, created_at=from_db(row.created_at), session_count=row.n or 0,
        last_recorded_at=from_db(row.last) if row.last is not None else None,
    )


def _no_runner(rid: Any) -> NotFoundError:
    return NotFoundError(f"There is no runner with id {rid} (they may have been deleted).")


def _no_session(sid: Any) -> NotFoundError:
    return NotFoundError(f"There is no session with id {sid} (it may have been deleted).")
