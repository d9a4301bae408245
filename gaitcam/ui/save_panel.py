"""The "Save to a runner's history" panel: a small form under a result (an uploaded clip or
a live session) that files the report and its clip into the history store (gaitcam.store),
for the Runner history and Compare pages.

The save runs in the form's submit callback, before the page is drawn again, so it can point
the runner choice at a runner it has just added (a retry after a failed save never adds them
twice) and the page then shows the outcome: "Saved to <runner>", or a friendly error with the
form's values kept.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from gaitcam.errors import GaitcamError
from gaitcam.pipeline import AnalysisResult
from gaitcam.store.errors import InvalidInputError
from gaitcam.store.report_fields import recorded_at_hint
from gaitcam.store.timestamps import from_db, to_db
from gaitcam.ui.cache import video_of
from gaitcam.ui.feedback import show_error
from gaitcam.ui.history_page import get_store, runner_text

log = logging.getLogger("gaitcam.app")

NEW_RUNNER = 0  # the runner choice meaning "a new runner" (store ids start at 1)
S_SAVED = "gc_saved_to_history"  # key_prefix -> Saved
S_LAST_RUNNER = "gc_save_last_runner"  # the runner the last save went to (the next default)


@dataclass(frozen=True)
class Saved:
    """Where a result was saved."""

    runner_id: int
    runner_name: str
    session_id: int


def _saved() -> dict[str, Saved]:
    if S_SAVED not in st.session_state:
        st.session_state[S_SAVED] = {}
    return st.session_state[S_SAVED]


def report_date(report: dict[str, Any]) -> tuple[dt.date | None, str | None]:
    """(local calendar date, ISO text) of when the report says the clip was filmed, if it
    says so (source.recorded_at / creation_time) and the text is a readable time."""
    hint = recorded_at_hint(report)
    if not hint:
        return None, None
    try:
        return from_db(to_db(hint)).astimezone().date(), hint
    except InvalidInputError:
        return None, None


def default_clip(result: AnalysisResult) -> Path | None:
    """The original clip of a result when the caller did not give it: the session's clip.mp4
    (live recordings), else the video the result was analysed from, if still on disk."""
    clip = result.files.get("clip")
    if clip is not None and Path(clip).is_file():
        return Path(clip)
    return video_of(result)


def save_panel(result: AnalysisResult, clip_path: Path | None, clip_name: str,
               key_prefix: str) -> None:
    """Draw the "Save to a runner's history" expander for one result.

    clip_path: the video to keep with the session (None: `default_clip`; saved without a
    clip if there is none on disk). clip_name: the name to record for it (e.g. the upload's
    original file name). key_prefix: unique per result; widget keys and the "saved" memory
    hang off it.
    """
    clip = Path(clip_path) if clip_path is not None else default_clip(result)
    if clip is not None and not clip.is_file():
        clip = None
    with st.expander("Save to a runner's history", icon=":material/bookmark_add:"):
        error = st.session_state.pop(f"{key_prefix}_error", None)
        if error is not None:
            show_error(error, "saving to the history")
        done = _saved().get(key_prefix)
        if done is not None and not st.session_state.get(f"{key_prefix}_again"):
            st.success(f"Saved to **{done.runner_name}**. Open the **Runner history** page to "
                       "see their sessions and progress, or **Compare** to put two side by "
                       "side.", icon=":material/check_circle:")
            st.button("Save it again (another runner or label)", key=f"{key_prefix}_again_btn",
                      on_click=_set_again, args=(key_prefix, True), icon=":material/replay:")
            return
        try:
            runners = get_store().list_runners()
        except GaitcamError as exc:
            show_error(exc, "opening the history")
            return
        _form(result, clip, clip_name, key_prefix, {r.id: r for r in runners})


def _set_again(key_prefix: str, again: bool) -> None:
    st.session_state[f"{key_prefix}_again"] = again


def _form(result: AnalysisResult, clip: Path | None, clip_name: str, key_prefix: str,
          runners: dict[int, Any]) -> None:
    options = [NEW_RUNNER, *runners]
    k_runner = f"{key_prefix}_runner"
    if st.session_state.get(k_runner) not in options:
        last = st.session_state.get(S_LAST_RUNNER)
        st.session_state[k_runner] = last if last in runners else NEW_RUNNER
    found, _ = report_date(result.report)
    with st.form(f"{key_prefix}_form"):
        st.selectbox("Runner", options, key=k_runner,
                     format_func=lambda i: ("A new runner (type the name below)"
                                            if i == NEW_RUNNER else runner_text(runners[i])))
        c1, c2 = st.columns([3, 2])
        with c1:
            st.text_input("New runner's name or pseudonym", max_chars=100,
                          key=f"{key_prefix}_name",
                          help="Only for a new runner. A pseudonym is fine: gaitcam only needs "
                          "to tell runners apart.")
        with c2:
            st.number_input("New runner's height (cm, optional)", min_value=50.0,
                            max_value=250.0, step=1.0, value=None, key=f"{key_prefix}_height")
        c1, c2 = st.columns([3, 2])
        with c1:
            st.text_input("Label", max_chars=200, key=f"{key_prefix}_label",
                          placeholder="e.g. before the block, week 6, new shoes")
        with c2:
            st.date_input("Filmed on", value=found or dt.date.today(),
                          key=f"{key_prefix}_date")
        if clip is None:
            st.caption("The original clip is no longer on disk: only the results will be saved.")
        else:
            st.caption("The clip is copied into the history's folder on this computer.")
        st.form_submit_button("Save", type="primary", icon=":material/bookmark_add:",
                              on_click=_save, args=(result, clip, clip_name, key_prefix))


def _save(result: AnalysisResult, clip: Path | None, clip_name: str, key_prefix: str) -> None:
    """The submit callback: add the runner if new, save the session, remember the outcome."""
    state = st.session_state
    rid = state.get(f"{key_prefix}_runner", NEW_RUNNER)
    try:
        store = get_store()
        if rid == NEW_RUNNER:
            name = str(state.get(f"{key_prefix}_name") or "").strip()
            rid = store.add_runner(name, height_cm=state.get(f"{key_prefix}_height"))
            # From now on the form points at them: a retry never adds them twice.
            state[f"{key_prefix}_runner"] = rid
            state[f"{key_prefix}_name"] = ""
            state[f"{key_prefix}_height"] = None
        runner = store.get_runner(rid)
        sid = store.save_session(rid, clip, result.report,
                                 recorded_at=_recorded_at(result.report,
                                                          state.get(f"{key_prefix}_date")),
                                 label=str(state.get(f"{key_prefix}_label") or ""),
                                 clip_name=clip_name)
    except Exception as exc:
        if isinstance(exc, GaitcamError):
            log.info("saving to the history failed: %s", exc.message)
        else:
            log.exception("unexpected error saving to the history")
        state[f"{key_prefix}_error"] = exc
        for field in ("name", "label"):  # kept even if the page is drawn once without the form
            k = f"{key_prefix}_{field}"
            state[k] = state.get(k) or ""
        return
    log.info("saved session %s for runner %s", sid, rid)
    _saved()[key_prefix] = Saved(rid, runner.name, sid)
    state[S_LAST_RUNNER] = rid
    state[f"{key_prefix}_again"] = False


def _recorded_at(report: dict[str, Any], chosen: dt.date | None) -> dt.datetime | dt.date:
    """The filming time to store for the chosen date: the report's own time when it falls on
    that day, now when it is today, else the date (stored as local noon)."""
    found, hint = report_date(report)
    if chosen is None:
        chosen = found or dt.date.today()
    if hint is not None and found == chosen:
        return to_db(hint).replace(tzinfo=dt.UTC)
    if chosen == dt.date.today():
        return dt.datetime.now().astimezone()
    return chosen
