"""The "Compare" page (physiotherapist mode): two runs of a runner side by side, in step.

Pick two sessions from the history (runner -> session A, session B) or upload two clips
(analysed through the app's cache, by file hash). Then: the synchronised side-by-side video, a
gait-phase slider showing both clips at the same phase, the metrics table coloured better /
worse, the overlaid gait-cycle curves, the clinician's notes (saved to the history) and a
printable report for the runner. Mounted by app.py with `render()`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid

import numpy as np
import pandas as pd
import streamlit as st

from gaitcam.compare.comparison import ClipAnalysis, Comparison, compare, comparison_dict
from gaitcam.compare.figures import curves_figure
from gaitcam.compare.report_html import CHANGE_TEXT, comparison_html
from gaitcam.compare.sessions import clip_analysis, session_analysis, session_label
from gaitcam.compare.sync import contact_times, frame_at_phase, regular_strides
from gaitcam.compare.video import write_side_by_side
from gaitcam.errors import GaitcamError
from gaitcam.models import DEFAULT_MODEL, MODEL_NAMES
from gaitcam.render import ReportContexts, contexts_from_report
from gaitcam.store import NoteRecord, SessionRecord, Store
from gaitcam.ui.cache import AnalysisKey, data_dir, save_upload, sha256_of
from gaitcam.ui.feedback import friendly_errors, show_error
from gaitcam.ui.frames import decode_frame_at, render_frame
from gaitcam.ui.history_page import VIEW_CHOICES, AnalyseProgress, get_store
from gaitcam.ui.safety import PRIVACY, disclaimer
from gaitcam.video import SUPPORTED_EXTENSIONS

log = logging.getLogger("gaitcam.app")

SPEEDS = {1.0: "Real time", 0.5: "Half speed", 0.25: "Quarter speed"}
MAX_STRIDES = 8  # strides in the synchronised video (keeps it short to make and to watch)
VIDEO_VERSION = "v1"  # bump when the video's look changes, so cached videos are redone

S_CLIPS = "cmp_clips"  # clip id -> ClipAnalysis
S_ERRORS = "cmp_errors"  # clip id -> exception
S_CMP = "cmp_comparisons"  # (id a, id b, speed) -> Comparison
S_CONTEXTS = "cmp_contexts"  # clip id -> ReportContexts
S_FRAMES = "cmp_frames"  # (clip id, frame index) -> RGB image
S_SHA = "cmp_sha"  # upload file id -> sha256

CHANGE_COLOURS = {"better": "#1e7b45", "worse": "#b8322a"}


def _state(name: str) -> dict:
    if name not in st.session_state:
        st.session_state[name] = {}
    return st.session_state[name]


def clip_id(c: ClipAnalysis) -> str:
    """A stable id for a clip analysis (its result folder), for caches."""
    if c.folder is not None:
        return c.folder.name
    return hashlib.sha256(f"{c.label}:{c.video}".encode()).hexdigest()[:16]


def table_frame(cmp: Comparison) -> pd.DataFrame:
    """The comparison table as a DataFrame (strings, as shown)."""
    return pd.DataFrame([{
        "Measure": r.label, f"A: {cmp.a.label}": r.a_text, f"B: {cmp.b.label}": r.b_text,
        "Difference (B − A)": r.diff_text, "Change": CHANGE_TEXT.get(r.change, r.change),
    } for r in cmp.rows])


def _colour_change(col: pd.Series) -> list[str]:
    out = []
    for v in col:
        colour = next((c for k, c in CHANGE_COLOURS.items() if v == CHANGE_TEXT[k]), None)
        out.append(f"color: {colour}; font-weight: 600" if colour else "color: #6b7885")
    return out


# --------------------------------------------------------------------------------------------
# Choosing the two clips
# --------------------------------------------------------------------------------------------


def _load(cid: str, load, what: str) -> ClipAnalysis | None:
    """A clip analysis from the page cache, or loaded with a progress bar; errors shown."""
    clips, errors = _state(S_CLIPS), _state(S_ERRORS)
    if cid in clips:
        return clips[cid]
    if cid in errors:
        show_error(errors[cid], f"preparing {what}")
        return None
    progress = AnalyseProgress(what)
    try:
        clip = load(progress)
    except GaitcamError as exc:
        progress.clear()
        errors[cid] = exc
        show_error(exc, f"preparing {what}")
        return None
    progress.clear()
    clips[cid] = clip
    return clip


def _from_history(store: Store) -> tuple[ClipAnalysis, ClipAnalysis, list[SessionRecord]] | None:
    runners = store.list_runners()
    if not runners:
        st.info("No runners in the history yet: add one on the **Runner history** page, or "
                "upload two clips instead.")
        return None
    by_id = {r.id: r for r in runners}
    rid = st.selectbox("Runner", list(by_id), key="cmp_runner",
                       format_func=lambda i: f"{by_id[i].name} ({by_id[i].session_count} "
                       "sessions)")
    sessions = store.list_sessions(rid)
    if len(sessions) < 2:
        st.info(f"{by_id[rid].name} needs at least two sessions to compare; add them on the "
                "**Runner history** page.")
        return None
    c1, c2 = st.columns(2)
    with c1:
        sa = st.selectbox("Session A (before)", sessions, index=0, format_func=session_label,
                          key=f"cmp_sa_{rid}")
    with c2:
        sb = st.selectbox("Session B (after)", sessions, index=len(sessions) - 1,
                          format_func=session_label, key=f"cmp_sb_{rid}")
    if sa.id == sb.id:
        st.warning("Pick two different sessions.")
        return None
    a = _load(f"s{sa.id}", lambda p: session_analysis(store.get_session(sa.id), progress=p),
              "session A")
    b = _load(f"s{sb.id}", lambda p: session_analysis(store.get_session(sb.id), progress=p),
              "session B")
    if a is None or b is None:
        return None
    return a, b, [sa, sb]


def _upload(tag: str, model: str, view: str) -> ClipAnalysis | None:
    kinds = [e[1:] for e in SUPPORTED_EXTENSIONS]
    up = st.file_uploader(f"Clip {tag}", type=kinds, key=f"cmp_upload_{tag}")
    if up is None:
        return None
    shas = _state(S_SHA)
    data = up.getbuffer()
    if up.file_id not in shas:
        shas[up.file_id] = sha256_of(data)
    sha = shas[up.file_id]
    path = save_upload(data, up.name, sha)
    key = AnalysisKey(sha, model, view)
    return _load(key.id, lambda p: clip_analysis(path, key, up.name, progress=p),
                 f"clip {tag}")


def _from_uploads() -> tuple[ClipAnalysis, ClipAnalysis] | None:
    c1, c2 = st.columns(2)
    with c1:
        model = st.selectbox("Pose model", MODEL_NAMES, index=MODEL_NAMES.index(DEFAULT_MODEL),
                             key="cmp_model")
    with c2:
        view = st.selectbox("Camera view", list(VIEW_CHOICES), format_func=VIEW_CHOICES.get,
                            key="cmp_view")
    c1, c2 = st.columns(2)
    with c1:
        a = _upload("A", model, view)
    with c2:
        b = _upload("B", model, view)
    if a is None or b is None:
        st.info("Upload both clips: A (before) and B (after). Each is analysed once and "
                "remembered on this computer.")
        return None
    return a, b


# --------------------------------------------------------------------------------------------
# Showing the comparison
# --------------------------------------------------------------------------------------------


def _video(cmp: Comparison, speed: float) -> None:
    st.subheader("In step, side by side")
    if cmp.timeline is None:
        st.warning(f"No synchronised video: {cmp.sync_error}")
        return
    from gaitcam.compare.comparison import video_sides

    sides = video_sides(cmp)
    if sides is None:
        st.info("The original clips are not both on this computer, so there is no video.")
        return
    folder = data_dir() / "compare" / (f"{clip_id(cmp.a)}__{clip_id(cmp.b)}__{speed:g}x"
                                       f"__{VIDEO_VERSION}")
    path = folder / "compare.mp4"
    if not path.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        # a private temporary name: another browser tab may be making the same video
        partial = folder / f".partial-{uuid.uuid4().hex}.mp4"
        bar = st.progress(0.0, text="Making the synchronised video…")
        try:
            write_side_by_side(sides[0], sides[1], cmp.timeline, partial,
                               progress=lambda f: bar.progress(
                                   f, text=f"Making the synchronised video… {f:.0%}"))
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
            bar.empty()
    tl = cmp.timeline
    st.video(str(path), loop=True)
    foot = tl.sides[0] if tl.sides[0] == tl.sides[1] else f"{tl.sides[0]} (A) / {tl.sides[1]} (B)"
    st.caption(f"{tl.n_strides} strides, each cut at the {foot} foot contact and stretched so "
               "both runs land together; the bar shows the phase of the gait cycle "
               f"(green dot: a foot contact). {SPEEDS.get(speed, '')}.")
    st.download_button("Download the video (MP4)", data=lambda: path.read_bytes(),
                       file_name="gaitcam-comparison.mp4", mime="video/mp4",
                       icon=":material/movie:", on_click="ignore", key="cmp_dl_video")


def _contexts(c: ClipAnalysis) -> ReportContexts:
    cache = _state(S_CONTEXTS)
    cid = clip_id(c)
    if cid not in cache:
        cache[cid] = contexts_from_report(c.seq, c.report)
    return cache[cid]


def _frame_image(c: ClipAnalysis, index: int) -> np.ndarray:
    cache = _state(S_FRAMES)
    ck = (clip_id(c), index)
    if ck not in cache:
        if c.video_has_overlay:
            bgr = decode_frame_at(c.video, float(c.seq.t[index]))
            image = np.ascontiguousarray(bgr[:, :, ::-1])
        else:
            image, _ = render_frame(c.video, _contexts(c), index)
        if len(cache) > 48:
            cache.clear()
        cache[ck] = image
    return cache[ck]


def _phase_frames(cmp: Comparison) -> None:
    st.subheader("Same moment of the stride")
    if cmp.sides is None:
        st.info("Both clips need a full stride to show them at the same phase.")
        return
    if cmp.a.video is None or cmp.b.video is None:
        st.info("The original clips are not both on this computer, so no frames to show.")
        return
    ca = contact_times(cmp.a.report, cmp.sides[0])
    cb = contact_times(cmp.b.report, cmp.sides[1])
    n = max(1, min(len(regular_strides(ca)), len(regular_strides(cb))))
    c1, c2 = st.columns([1, 4])
    with c1:
        stride = st.number_input("Stride", min_value=1, max_value=n, value=min(2, n), step=1,
                                 key="cmp_stride")
    with c2:
        phase = st.slider("Phase of the gait cycle (%)", 0, 100, 0, step=1, key="cmp_phase",
                          help=f"0 % = {cmp.sides[0]} foot contact (A); the same moment is "
                          "picked in B.")
    cols = st.columns(2)
    for col, tag, c, contacts in ((cols[0], "A", cmp.a, ca), (cols[1], "B", cmp.b, cb)):
        with col, friendly_errors("drawing that frame"):
            index = frame_at_phase(c.seq.t, contacts, int(stride) - 1, phase)
            st.image(_frame_image(c, index), width="stretch",
                     caption=f"{tag}: {c.label} · frame {index + 1} · {phase} % of stride "
                     f"{int(stride)}")


def _table(cmp: Comparison) -> None:
    st.subheader("What changed")
    if not cmp.rows:
        st.info("No measure was found in either clip.")
        return
    df = table_frame(cmp)
    st.dataframe(df.style.apply(_colour_change, subset=["Change"]), hide_index=True,
                 width="stretch", height=35 * (len(df) + 1) + 3, key="cmp_table")
    st.caption("Difference = B − A. Changes smaller than the measurement error (about 1° for "
               "angles, 1 step/min) count as no change; better / worse = closer to / further "
               "from the good band; changes inside the good band are not graded.")


def _curves(cmp: Comparison) -> None:
    st.subheader("Angles over the gait cycle")
    keys = cmp.common_curves
    if not keys:
        st.info("No curves to compare: the clips need full strides and a camera view in common.")
        return
    fig = curves_figure(cmp.curves_a, cmp.curves_b, keys, f"A: {cmp.a.label}",
                        f"B: {cmp.b.label}", cmp.sides[0] if cmp.sides else None)
    st.plotly_chart(fig, width="stretch", config={"displaylogo": False}, key="cmp_curves")


def note_text(n: NoteRecord) -> str:
    when = n.created_at.astimezone().strftime("%d %b %Y")
    return f"{when}{' · ' + n.author if n.author else ''}: {n.text}"


def _notes(store: Store | None, sessions: list[SessionRecord] | None) -> list[str]:
    """Show and take the clinician's notes; returns the notes for the report."""
    st.subheader("Clinician notes")
    if store is None or not sessions:
        text = st.text_area("Notes for the report", key="cmp_free_notes",
                            help="These clips are not in the history, so the notes are only "
                            "used in the report below.")
        return [text] if text.strip() else []
    sa, sb = sessions
    notes = [n for s in (sa, sb) for n in store.notes(session_id=s.id)]
    notes.sort(key=lambda n: n.created_at)
    for n in notes:
        st.markdown(f"- {note_text(n)}")
    with st.form("cmp_note_form", clear_on_submit=True):
        text = st.text_area("Add a note (saved with session B)", key="cmp_note_text")
        author = st.text_input("Author", key="cmp_note_author")
        if st.form_submit_button("Save note", icon=":material/save:"):
            if text.strip():
                store.add_note(text.strip(), session_id=sb.id, author=author)
                st.rerun()
            else:
                st.warning("Write the note first.")
    return [note_text(n) for n in notes]


def _report(cmp: Comparison, notes: list[str], runner_name: str | None) -> None:
    st.subheader("Report for the runner")
    html = comparison_html(cmp, clinician_notes=notes, runner_name=runner_name)
    c1, c2 = st.columns(2)
    with c1:
        st.download_button("Download the report (HTML, print to PDF)", data=html,
                           file_name="gaitcam-comparison.html", mime="text/html",
                           icon=":material/print:", on_click="ignore", type="primary",
                           key="cmp_dl_report")
    with c2:
        doc = json.dumps(comparison_dict(cmp, notes), indent=2, default=str)
        st.download_button("Download the table (JSON)", data=doc,
                           file_name="gaitcam-comparison.json", mime="application/json",
                           icon=":material/data_object:", on_click="ignore", key="cmp_dl_json")
    with st.expander("Preview the report"):
        st.iframe(html, height=700)  # our own escaped HTML, no user scripts


def _comparison(a: ClipAnalysis, b: ClipAnalysis, speed: float) -> Comparison:
    cache = _state(S_CMP)
    ck = (clip_id(a), a.label, clip_id(b), b.label, speed)
    if ck not in cache:
        cache[ck] = compare(a, b, speed=speed, max_strides=MAX_STRIDES)
    return cache[ck]


def render() -> None:
    """The page."""
    st.title("Compare two runs")
    st.caption("For physiotherapists and coaches: the same runner before and after, in step. "
               f"{PRIVACY}")
    source = st.radio("Clips", ["From the runner history", "Upload two clips"],
                      horizontal=True, key="cmp_source", label_visibility="collapsed")
    store: Store | None = None
    sessions = None
    runner_name = None
    if source == "From the runner history":
        try:
            store = get_store()
        except GaitcamError as exc:
            show_error(exc, "opening the history")
            return
        picked = _from_history(store)
        if picked is None:
            return
        a, b, sessions = picked
        runner_name = store.get_runner(sessions[1].runner_id).name
    else:
        picked = _from_uploads()
        if picked is None:
            return
        a, b = picked
    speed = st.segmented_control("Video speed", list(SPEEDS), default=0.5,
                                 format_func=SPEEDS.get, key="cmp_speed") or 0.5
    cmp = _comparison(a, b, float(speed))
    for note in cmp.notes:
        st.info(note, icon=":material/info:")
    with friendly_errors("making the synchronised video"):
        _video(cmp, float(speed))
    with friendly_errors("showing the frames"):
        _phase_frames(cmp)
    with friendly_errors("building the table"):
        _table(cmp)
    with friendly_errors("drawing the curves"):
        _curves(cmp)
    notes: list[str] = []
    with friendly_errors("showing the notes"):
        notes = _notes(store, sessions)
    with friendly_errors("making the report"):
        _report(cmp, notes, runner_name)
    disclaimer()

