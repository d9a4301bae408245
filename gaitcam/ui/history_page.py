"""The "Runner history" page (physiotherapist mode): runners, their sessions, clinician notes and
each metric's progress over the sessions. Everything lives in the local history store
(gaitcam.store, docs/database.md); clips are analysed through the app's cache.

Mounted by app.py with `render()`. `get_store()` and `AnalyseProgress` are shared with the
compare page.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

import pandas as pd
import streamlit as st

from gaitcam import registry
from gaitcam.compare.figures import progress_figure
from gaitcam.compare.sessions import session_label
from gaitcam.errors import GaitcamError
from gaitcam.models import DEFAULT_MODEL, MODEL_NAMES
from gaitcam.store import RunnerRecord, SessionRecord, Store
from gaitcam.ui.cache import AnalysisKey, analyze_cached, save_upload, sha256_of
from gaitcam.ui.feedback import friendly_errors, show_error
from gaitcam.ui.safety import PRIVACY
from gaitcam.video import SUPPORTED_EXTENSIONS

log = logging.getLogger("gaitcam.app")

VIEW_CHOICES = {"auto": "Detect automatically", "side": "Side view", "rear": "Rear view",
                "front": "Front view"}
#: Metrics shown as columns of the sessions table, when measured.
TABLE_METRICS = ("cadence_spm", "trunk_lean_deg", "overstride_pct_leg", "pelvic_drop_deg",
                 "lateral_trunk_lean_deg", "knee_flexion_ic_deg")

S_RUNNER = "hist_runner"  # selected runner id


@st.cache_resource(show_spinner=False)
def _open_store(data_dir: str | None, url: str | None) -> Store:
    return Store.open(url=url, data_dir=data_dir)


def get_store() -> Store:
    """The app's one history store (GAITCAM_DATA_DIR / GAITCAM_DB_URL), opened once."""
    return _open_store(os.environ.get("GAITCAM_DATA_DIR"), os.environ.get("GAITCAM_DB_URL"))


class AnalyseProgress:
    """Feeds analyze_video's progress(done, total, fps) into a progress bar (5 updates/s)."""

    def __init__(self, what: str = "the clip") -> None:
        self.what = what
        self.bar = st.progress(0.0, text=f"Opening {what}…")
        self.last = 0.0

    def __call__(self, done: int, total: int, fps: float) -> None:
        now = time.monotonic()
        total = max(total, done, 1)
        if now - self.last < 0.2 and done < total:
            return
        self.last = now
        text = (f"Measuring strides in {self.what}…" if done >= total else
                f"Finding the runner in {self.what}: frame {done} of {total}")
        self.bar.progress(min(1.0, done / total), text=text)

    def clear(self) -> None:
        self.bar.empty()


def metric_name(key: str) -> str:
    m = registry.METRICS.get(key)
    return f"{m.label} ({m.unit})" if m and m.unit else (m.label if m else key)


def runner_text(r: RunnerRecord) -> str:
    n = r.session_count
    return f"{r.name} ({n} session{'s' if n != 1 else ''})"


def sessions_frame(store: Store, sessions: list[SessionRecord]) -> pd.DataFrame:
    """One row per session: date, label, view, clip and a few headline metrics."""
    rows = []
    for s in sessions:
        report = store.get_session(s.id).report or {}
        metrics = report.get("metrics") or {}
        row = {"Date": s.recorded_at.astimezone().strftime("%Y-%m-%d"), "Label": s.label,
               "View": s.view or "", "Clip": s.clip_name or "",
               "Clip here": "yes" if s.clip_available else "no"}
        for key in TABLE_METRICS:
            m = metrics.get(key) or {}
            v = m.get("value") if m.get("measurable", True) else None
            if isinstance(v, int | float):
                row[metric_name(key)] = round(float(v), 1)
        rows.append(row)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# Runners
# --------------------------------------------------------------------------------------------


def _runner_fields(prefix: str, r: RunnerRecord | None = None
                   ) -> tuple[str, float | None, float | None, str]:
    name = st.text_input("Name or pseudonym", value=r.name if r else "", max_chars=100,
                         key=f"{prefix}_name",
                         help="A pseudonym is fine: gaitcam only needs to tell runners apart.")
    c1, c2 = st.columns(2)
    with c1:
        height = st.number_input("Height (cm)", min_value=50.0, max_value=250.0, step=1.0,
                                 value=r.height_cm if r else None, key=f"{prefix}_height")
    with c2:
        leg = st.number_input("Leg length (cm)", min_value=30.0, max_value=150.0, step=0.5,
                              value=r.leg_length_cm if r else None, key=f"{prefix}_leg",
                              help="Greater trochanter to floor, if measured.")
    notes = st.text_area("Notes", value=r.notes if r else "", key=f"{prefix}_notes",
                         placeholder="e.g. low back pain after 5 km; training for a 10 km")
    return name, height, leg, notes


def _add_runner(store: Store) -> None:
    with st.expander("Add a runner", icon=":material/person_add:"), \
            st.form("hist_add_runner", clear_on_submit=True):
        name, height, leg, notes = _runner_fields("hist_new")
        if st.form_submit_button("Add runner", type="primary"):
            try:
                rid = store.add_runner(name, height_cm=height, leg_length_cm=leg, notes=notes)
            except GaitcamError as exc:
                show_error(exc, "adding the runner")
                return
            st.session_state[S_RUNNER] = rid
            st.rerun()


def _runner_details(store: Store, r: RunnerRecord) -> None:
    with st.form(f"hist_edit_{r.id}"):
        name, height, leg, notes = _runner_fields(f"hist_edit_{r.id}", r)
        if st.form_submit_button("Save changes"):
            try:
                store.update_runner(r.id, name=name, height_cm=height, leg_length_cm=leg,
                                    notes=notes)
            except GaitcamError as exc:
                show_error(exc, "saving the runner")
            else:
                st.success("Saved.")
                st.rerun()
    st.markdown("##### Delete this runner")
    st.caption(f"Deletes {r.name}, all {r.session_count} of their sessions, their notes and "
               "their stored clips from this computer. This cannot be undone.")
    sure = st.checkbox(f"Yes, delete {r.name} and everything about them",
                       key=f"hist_del_runner_ok_{r.id}")
    if st.button("Delete runner", type="primary", disabled=not sure,
                 key=f"hist_del_runner_{r.id}", icon=":material/delete_forever:"):
        store.delete_runner(r.id)
        st.session_state.pop(S_RUNNER, None)
        st.toast(f"Deleted {r.name}.")
        st.rerun()


# --------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------


def _add_session(store: Store, r: RunnerRecord) -> None:
    kinds = [e[1:] for e in SUPPORTED_EXTENSIONS]
    with st.expander("Add a session: upload a clip", icon=":material/video_call:"), \
            st.form(f"hist_add_session_{r.id}", clear_on_submit=True):
        up = st.file_uploader("Running clip", type=kinds, key=f"hist_clip_{r.id}")
        c1, c2 = st.columns(2)
        with c1:
            label = st.text_input("Label", key=f"hist_label_{r.id}",
                                  placeholder="e.g. before block, week 6")
            model = st.selectbox("Pose model", MODEL_NAMES,
                                 index=MODEL_NAMES.index(DEFAULT_MODEL), key=f"hist_model_{r.id}")
        with c2:
            when = st.date_input("Filmed on", value=dt.date.today(), key=f"hist_date_{r.id}")
            view = st.selectbox("Camera view", list(VIEW_CHOICES), format_func=VIEW_CHOICES.get,
                                key=f"hist_view_{r.id}")
        if not st.form_submit_button("Analyse and save", type="primary"):
            return
        if up is None:
            st.warning("Choose a clip first.")
            return
        data = up.getbuffer()
        sha = sha256_of(data)
        path = save_upload(data, up.name, sha)
        key = AnalysisKey(sha, model, view, r.height_cm)
        progress = AnalyseProgress(up.name)
        try:
            result, _ = analyze_cached(path, key, progress=progress)
            sid = store.save_session(r.id, path, result.report, recorded_at=when, label=label,
                                     clip_name=up.name)
        except GaitcamError as exc:
            progress.clear()
            show_error(exc, "analysing the clip")
            return
        progress.clear()
        log.info("saved session %s for runner %s", sid, r.id)
        st.success(f"Saved the session “{label or up.name}”.")


def _edit_session(store: Store, sessions: list[SessionRecord]) -> None:
    with st.expander("Edit or delete a session", icon=":material/edit:"):
        s = st.selectbox("Session", sessions, format_func=session_label, key="hist_edit_session")
        if s is None:
            return
        with st.form(f"hist_edit_session_{s.id}"):
            label = st.text_input("Label", value=s.label, key=f"hist_es_label_{s.id}")
            when = st.date_input("Filmed on", value=s.recorded_at.astimezone().date(),
                                 key=f"hist_es_date_{s.id}")
            if st.form_submit_button("Save session"):
                store.update_session(s.id, label=label, recorded_at=when)
                st.rerun()
        sure = st.checkbox("Yes, delete this session, its metrics and notes",
                           key=f"hist_del_session_ok_{s.id}")
        if st.button("Delete session", disabled=not sure, key=f"hist_del_session_{s.id}",
                     icon=":material/delete:"):
            store.delete_session(s.id)
            st.rerun()


def _sessions_tab(store: Store, r: RunnerRecord) -> None:
    _add_session(store, r)
    sessions = store.list_sessions(r.id)
    if not sessions:
        st.info("No sessions yet: upload a clip above to add the first one.")
        return
    st.dataframe(sessions_frame(store, sessions), hide_index=True, width="stretch")
    st.caption("Open **Compare** to put two of these sessions side by side, in step.")
    _edit_session(store, sessions)


# --------------------------------------------------------------------------------------------
# Progress and notes
# --------------------------------------------------------------------------------------------


def _progress_tab(store: Store, r: RunnerRecord) -> None:
    keys = store.metric_keys(r.id)
    if not keys:
        st.info("No measured metrics yet.")
        return
    order = list(registry.METRICS)
    keys = sorted(keys, key=lambda k: order.index(k) if k in order else len(order))
    c1, c2 = st.columns([3, 2])
    with c1:
        key = st.selectbox("Metric", keys, format_func=metric_name, key=f"hist_metric_{r.id}")
    side = None
    m = registry.METRICS.get(key)
    if m is not None and m.bilateral:
        with c2:
            pick = st.radio("Leg", ["Both (median)", "Left", "Right"], horizontal=True,
                            key=f"hist_side_{r.id}")
            side = None if pick.startswith("Both") else pick.lower()
    points = store.metric_history(r.id, key, side=side)
    if not points:
        st.info("Not measured for this leg in any session.")
        return
    fig = progress_figure([p.recorded_at.astimezone() for p in points],
                          [p.value for p in points], key, [p.label for p in points])
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False},
                    key=f"hist_progress_{r.id}_{key}_{side}")
    if m is not None:
        st.caption(f"{m.explanation} Green shading: the good band. "
                   "Compare at a similar pace: many measures change with speed.")


def _notes_tab(store: Store, r: RunnerRecord) -> None:
    sessions = {s.id: s for s in store.list_sessions(r.id)}
    notes = store.notes(runner_id=r.id)
    for n in reversed(notes):
        about = session_label(sessions[n.session_id]) if n.session_id in sessions else "general"
        when = n.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
        with st.container(border=True):
            st.markdown(f"**{when}** · {about}" + (f" · {n.author}" if n.author else ""))
            st.text(n.text)
            if st.button("Delete note", key=f"hist_del_note_{n.id}", icon=":material/delete:"):
                store.delete_note(n.id)
                st.rerun()
    if not notes:
        st.caption("No notes yet.")
    with st.form(f"hist_add_note_{r.id}", clear_on_submit=True):
        text = st.text_area("New note", key=f"hist_note_text_{r.id}")
        c1, c2 = st.columns(2)
        with c1:
            target = st.selectbox("About", [None, *sessions],
                                  format_func=lambda s: "The runner in general" if s is None
                                  else session_label(sessions[s]), key=f"hist_note_about_{r.id}")
        with c2:
            author = st.text_input("Author", key=f"hist_note_author_{r.id}")
        if st.form_submit_button("Save note"):
            if not text.strip():
                st.warning("Write the note first.")
            else:
                store.add_note(text.strip(), runner_id=r.id, session_id=target, author=author)
                st.rerun()


# --------------------------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------------------------


def render() -> None:
    """The page."""
    st.title("Runner history")
    st.caption(f"For physiotherapists and coaches: follow each runner over time. {PRIVACY}")
    try:
        store = get_store()
    except GaitcamError as exc:
        show_error(exc, "opening the history")
        return
    runners = store.list_runners()
    _add_runner(store)
    if not runners:
        st.info("No runners yet: add one above.")
        return
    ids = [r.id for r in runners]
    by_id = {r.id: r for r in runners}
    if st.session_state.get(S_RUNNER) not in ids:
        st.session_state[S_RUNNER] = ids[0]
    rid = st.selectbox("Runner", ids, format_func=lambda i: runner_text(by_id[i]), key=S_RUNNER)
    r = by_id[rid]
    facts = [f"{r.height_cm:g} cm tall" if r.height_cm else "",
             f"leg {r.leg_length_cm:g} cm" if r.leg_length_cm else "",
             f"last filmed {r.last_recorded_at.astimezone():%d %b %Y}"
             if r.last_recorded_at else ""]
    line = " · ".join(f for f in facts if f)
    if line or r.notes:
        st.caption(line + (f" — {r.notes}" if r.notes else ""))
    t_sessions, t_progress, t_notes, t_runner = st.tabs(
        ["Sessions", "Progress", "Clinician notes", "Runner details"])
    with t_sessions, friendly_errors("showing the sessions"):
        _sessions_tab(store, r)
    with t_progress, friendly_errors("drawing the progress chart"):
        _progress_tab(store, r)
    with t_notes, friendly_errors("showing the notes"):
        _notes_tab(store, r)
    with t_runner, friendly_errors("editing the runner"):
        _runner_details(store, r)

