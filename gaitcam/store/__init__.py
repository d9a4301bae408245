"""The physiotherapist mode's history database: runners, analysed sessions, metrics over time,
clinician notes, and the clip files, kept on this machine (see docs/database.md).

    from gaitcam.store import Store
    with Store.open() as store:                     # GAITCAM_DATA_DIR / GAITCAM_DB_URL
        rid = store.add_runner("R. Example", height_cm=178)
        sid = store.save_session(rid, "clip.mp4", report, label="before block")
        store.metric_history(rid, "cadence_spm")    # [(recorded_at, value, session_id, ...)]
"""

from gaitcam.store.errors import (
    ClipNotFoundError,
    DatabaseBusyError,
    DatabaseError,
    InvalidInputError,
    NotFoundError,
    StoreError,
)
from gaitcam.store.location import default_data_dir
from gaitcam.store.migrations import LATEST_VERSION
from gaitcam.store.records import MetricPoint, NoteRecord, RunnerRecord, SessionRecord
from gaitcam.store.repository import UNSET, Store

__all__ = [
    "LATEST_VERSION",
    "UNSET",
    "ClipNotFoundError",
    "DatabaseBusyError",
    "DatabaseError",
    "InvalidInputError",
    "MetricPoint",
    "NoteRecord",
    "NotFoundError",
    "RunnerRecord",
    "SessionRecord",
    "Store",
    "StoreError",
    "default_data_dir",
]
