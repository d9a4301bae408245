"""The "Analyse a clip" page: upload (or pick a sample), watch progress, read the results.

Results are cached by clip content and settings (`gaitcam.ui.cache`), on disk and in
st.session_state, so changing any widget re-draws the page without re-processing the clip.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import streamlit as st

from gaitcam.errors import GaitcamError
from gaitcam.models import DEFAULT_MODEL, MODEL_NAMES
from gaitcam.pipeline import AnalysisResult
from gaitcam.render import OverlayRenderer, contexts_from_report
from gaitcam.ui import cards, overlay_job, plots
from gaitcam.ui.advice_view import finding_title_of, findings_section, plan_section
from gaitcam.ui.cache import (
    AnalysisKey,
    analyze_cached,
    data_dir,
    save_upload,
    sha256_file,
    sha256_of,
    video_of,
)
from gaitcam.ui.feedback import friendly_errors, show_error
from gaitcam.ui.frames import frame_angles, nearest_index, render_frame
from gaitcam.ui.safety import PRIVACY
from gaitcam.ui.save_panel import save_panel
from gaitcam.ui.series import plot_series
from gaitcam.ui.steps import contact_label, contact_values, contacts
from gaitcam.ui.tables import short_label, stride_table
from gaitcam.video import SUPPORTED_EXTENSIONS

log = logging.getLogger("gaitcam.app")

MAX_UPLOAD_MB = 500  # keep equal to server.maxUploadSize in .streamlit/config.toml
SAMPLES_DIR = Path(__file__).resolve().parents[2] / "sample_videos"

MODEL_HINTS = {
    "lite": "Lite: fastest, a little less precise",
    "full": "Full: balanced (recommended)",
    "heavy": "Heavy: most precise, about 3x slower",
}
VIEW_CHOICES = {
    "auto": "Detect automatically",
    "side": "Side view",
    "rear": "Rear view (from behind)",
    "front": "Front view",
}

# session_state keys
S_ACTIVE = "gc_active"  # "upload" | "sample"
S_SAMPLE = "gc_sample"
S_SHA = "gc_sha"  # file identity -> sha256
S_RESULTS = "gc_results"  # key id -> AnalysisResult
S_ERRORS = "gc_errors"  # key id -> exception
S_FRAMES = "gc_frames"  # (key id, frame index) -> (image, angles)
S_FIGURES = "gc_figures"  # key id -> Plotly figure


def sample_clips(folder: Path | None = None) -> list[Path]:
    """The bundled sample clips (sample_videos/*.mp4, or `folder`), sorted by name."""
    folder = SAMPLES_DIR if folder is None else folder
    return sorted(folder.glob("*.mp4")) if folder.is_dir() else []


def sample_label(path: Path) -> str:
    return path.stem.replace("_", " ").capitalize()


def _state(name: str) -> dict:
    if name not in st.session_state:
        st.session_state[name] = {}
    return st.session_state[name]


def _on_upload() -> None:
    st.session_state[S_ACTIVE] = "upload"


def _on_sample(path: str) -> None:
    st.session_state[S_ACTIVE] = "sample"
    st.session_state[S_SAMPLE] = path


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------


def _settings() -> tuple[str, str, float | None]:
    c1, c2, c3 = st.columns([3, 3, 2])
    with c1:
        model = st.selectbox("Pose model", MODEL_NAMES, index=MODEL_NAMES.index(DEFAULT_MODEL),
                             format_func=lambda m: MODEL_HINTS.get(m, m), key="gc_model",
                             help="Changing a setting analyses the clip again; the results "
                             "of every setting you tried are kept.")
    with c2:
        view = st.selectbox("Camera view", list(VIEW_CHOICES), format_func=VIEW_CHOICES.get,
                            key="gc_view", help="gaitcam recognises side, rear and front views; "
                            "force one only if it guesses wrong.")
    with c3:
        height = st.number_input("Your height (cm, optional)", min_value=100, max_value=230,
                                 value=None, step=1, key="gc_height",
                                 help="Lets gaitcam give your bounce in centimetres.")
    return model, view, None if height is None else float(height)


def _clip_source() -> tuple[Path, str] | None:
    """(path of the clip to analyse, its sha256), saving an upload to the local folder."""
    kinds = ", ".join(e[1:] for e in SUPPORTED_EXTENSIONS)
    up = st.file_uploader(
        f"Drop a running clip here ({kinds}; up to {MAX_UPLOAD_MB} MB)",
        type=[e[1:] for e in SUPPORTED_EXTENSIONS], key="gc_upload", on_change=_on_upload,
        help="Side view at hip height, 3-5 m away, whole body in frame, 10 s or more.",
    )
    samples = sample_clips()
    if samples:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        with c1:
            choice = st.selectbox("Or try a sample clip", samples, format_func=sample_label,
                                  key="gc_sample_choice")
        with c2:
            st.button("Try a sample clip", on_click=_on_sample, args=(str(choice),),
                      icon=":material/play_circle:", width="stretch")
    active = st.session_state.get(S_ACTIVE)
    shas = _state(S_SHA)
    if active == "sample" and st.session_state.get(S_SAMPLE):
        path = Path(st.session_state[S_SAMPLE])
        if path.is_file():
            ident = f"sample:{path}:{path.stat().st_mtime_ns}"
            if ident not in shas:
                shas[ident] = sha256_file(path)
            return path, shas[ident]
    if up is None:
        return None
    ident = f"upload:{up.file_id}"
    data = up.getbuffer()
    if ident not in shas:
        shas[ident] = sha256_of(data)
    path = save_upload(data, up.name, shas[ident])
    return path, shas[ident]


# --------------------------------------------------------------------------------------------
# Processing
# --------------------------------------------------------------------------------------------


class _Progress:
    """Feeds analyze_video's progress(done, total, fps) into a Streamlit progress bar, at most
    twice a second (each update costs the browser a repaint, on the same CPU as the model)."""

    def __init__(self) -> None:
        self.bar = st.progress(0.0, text="Opening the clip…")
        self.last = 0.0

    def __call__(self, done: int, total: int, fps: float) -> None:
        now = time.monotonic()
        total = max(total, done, 1)
        if now - self.last < 0.5 and done < total:
            return
        self.last = now
        if done >= total:
            self.bar.progress(1.0, text="Measuring your strides…")
        else:
            self.bar.progress(done / total, text=f"Finding the runner: frame {done} of {total} "
                              f"· {fps:.0f} frames/s")

    def clear(self) -> None:
        self.bar.empty()


def _analyse(path: Path, key: AnalysisKey) -> AnalysisResult | None:
    """The result for (clip, settings): from session, disk, or a fresh run with a progress
    bar. Shows any error on the page and returns None."""
    results, errors = _state(S_RESULTS), _state(S_ERRORS)
    if key.id in results:
        return results[key.id]
    if key.id in errors:
        show_error(errors[key.id])
        return None
    progress = _Progress()
    log.info("analysing %s (%s)", path.name, key.id)
    started = time.perf_counter()
    try:
        # Without the overlay: the runner waits for pose inference only; the annotated video
        # is drawn from the finished report while they read the results (overlay_job).
        result, cached = analyze_cached(path, key, progress=progress, overlay=False)
    except GaitcamError as exc:
        progress.clear()
        errors[key.id] = exc
        log.info("clip %s rejected: %s", path.name, exc.message)
        show_error(exc)
        return None
    except Exception as exc:
        progress.clear()
        errors[key.id] = exc
        log.exception("unexpected error analysing %s", path.name)
        show_error(exc)
        return None
    progress.clear()
    elapsed = time.perf_counter() - started
    if not cached:
        log.info("analysed %s in %.2f s (%s)", path.name, elapsed,
                 ", ".join(f"{k} {v:.2f}" for k, v in result.timings_s.items()))
    results[key.id] = result
    return result


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


def _downloads(result: AnalysisResult, stem: str) -> None:
    files = result.files
    specs = [
        ("report", "Report (JSON)", f"{stem}_report.json", "application/json",
         ":material/data_object:"),
        ("strides", "Per-stride table (CSV)", f"{stem}_strides.csv", "text/csv",
         ":material/table:"),
        ("overlay", "Annotated video (MP4)", f"{stem}_annotated.mp4", "video/mp4",
         ":material/movie:"),
        ("plan", "Printable report (HTML, print to PDF)", f"{stem}_plan.html", "text/html",
         ":material/print:"),
    ]
    with st.container(horizontal=True):
        for name, label, file_name, mime, icon in specs:
            p = files.get(name)
            if p is None or not Path(p).is_file():
                continue
            st.download_button(label, data=lambda p=p: Path(p).read_bytes(), file_name=file_name,
                               mime=mime, icon=icon, on_click="ignore", key=f"dl_{name}")


def _video(result: AnalysisResult) -> None:
    """The annotated video, or a progress bar while it is being drawn."""
    job = overlay_job.status(result)
    if job is None:
        video = video_of(result)
        if video is None:
            st.info("No annotated video for this clip (its original video is not on disk).",
                    icon=":material/movie:")
            return
        job = overlay_job.start(video, result)
    if job.state == "ready":
        st.video(str(overlay_job.overlay_path(result)))
    elif job.state == "rendering":
        _video_progress(result)
    else:
        st.info(f"The annotated video could not be drawn ({job.error}); the numbers below are "
                "not affected.", icon=":material/movie:")


@st.fragment(run_every=0.5)
def _video_progress(result: AnalysisResult) -> None:
    job = overlay_job.status(result)
    if job is None or job.state != "rendering":
        st.rerun()  # the whole page, so the video and its download button appear
    st.progress(job.fraction, text="Drawing your annotated video…")
    st.caption("Your numbers are ready below; the video follows in a moment.")


@st.fragment
def _scrubber(result: AnalysisResult, key: AnalysisKey) -> None:
    """The contact scrubber; a fragment, so moving the slider re-runs only this part."""
    with friendly_errors("drawing that frame"):
        _scrubber_body(result, key)


def _scrubber_body(result: AnalysisResult, key: AnalysisKey) -> None:
    report, seq = result.report, result.seq
    cs = contacts(report)
    video = video_of(result)
    if not cs:
        st.info("No foot contacts were found to step through.")
        return
    if video is None:
        st.info("The original clip is no longer on disk, so its frames cannot be shown.")
        return
    labels = [contact_label(*c) for c in cs]
    label = st.select_slider("Jump to a foot contact", labels, key=f"gc_contact_{key.id}",
                             label_visibility="collapsed")
    side, _, t = cs[labels.index(label)]
    index = nearest_index(seq, t)
    cache = _state(S_FRAMES)
    ck = (key.id, index)
    if ck not in cache:
        contexts = contexts_from_report(seq, report)
        image, ctx = render_frame(video, contexts, index, OverlayRenderer())
        if len(cache) > 64:
            cache.clear()
        cache[ck] = (image, frame_angles(ctx))
    image, angles = cache[ck]
    st.image(image, caption=f"{label} (frame {index + 1})", width="stretch")
    rows = [{"Measure": lab, "Value": text} for lab, text in angles]
    for mkey, v in contact_values(report, side, t).items():
        rows.append({"Measure": short_label(mkey) + " (this step)",
                     "Value": cards.format_value(mkey, v)})
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch", height=35 * (len(rows) + 1) + 3)


def show_results(result: AnalysisResult, key: AnalysisKey, name: str,
                 clip_path: Path | None = None) -> None:
    """Everything a runner gets for one clip; see the module docstring.

    clip_path: the analysed clip, kept with the session if it is saved to a runner's history
    (None: the result's own clip file or source video, if still on disk).
    """
    report = result.report
    view = (report.get("view") or {}).get("view")
    st.subheader(f"Your results: {name}")
    st.html(cards.summary_html(report, finding_title_of))
    warnings = (report.get("quality") or {}).get("warnings") or []
    if warnings:
        st.warning("**About this clip**\n" + "\n".join(f"- {w}" for w in warnings),
                   icon=":material/info:")
    _downloads(result, Path(name).stem)
    with friendly_errors("showing the save form"):
        save_panel(result, clip_path, name, f"gc_save_{key.id}")

    portrait = result.seq.height > result.seq.width
    left, right = st.columns([1, 2] if portrait else [1, 1], gap="large")
    # The numbers are drawn first (they are what the runner waits for), the video slot last.
    with right:
        measured, missing = cards.split_measurable(report)
        st.markdown("##### Your numbers")
        st.html(cards.cards_grid_html(measured, view))
        notes = cards.not_measurable_notes(report)
        if missing or notes:
            with st.expander(f"Not measurable from this view ({len(missing) + len(notes)})"):
                st.html(cards.cards_grid_html(missing, view))
                for label, why in notes:
                    st.markdown(f"- **{label}**: {why}")
    with left:
        st.markdown("##### Annotated video")
        video_slot = st.empty()
        st.markdown("##### Foot contacts, step by step")
        _scrubber(result, key)

    t_find, t_plan, t_plots, t_table = st.tabs(
        ["Findings & exercises", "Your plan", "Charts", "Per-stride table"])
    with t_find, friendly_errors("showing the findings"):
        findings_section(report)
    with t_plan, friendly_errors("showing the plan"):
        plan_section(report)
    with t_plots, friendly_errors("drawing the charts"):
        figures = _state(S_FIGURES)
        if key.id not in figures:
            figures[key.id] = plots.timeseries_figure(plot_series(result.seq, report), report)
        st.plotly_chart(figures[key.id], width="stretch", config={"displaylogo": False},
                        key=f"gc_chart_{key.id}")
        st.caption("Dotted lines mark foot contacts (orange left, blue right); green shading is "
                   "the good band of the matching measure.")
    with t_table, friendly_errors("building the stride table"):
        table = stride_table(report)
        if table.empty:
            st.info("No strides to list.")
        else:
            st.dataframe(table, hide_index=True, width="stretch",
                         height=min(35 * (len(table) + 1) + 3, 640))
    # Last, so drawing the overlay in the background does not slow the page down.
    with video_slot.container():
        _video(result)


# --------------------------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------------------------


def render() -> None:
    """The page."""
    st.html(cards.CSS)
    st.title("Check your running form")
    has_clip = (st.session_state.get("gc_upload") is not None
                or st.session_state.get(S_ACTIVE) == "sample")
    if not has_clip:  # once a clip is in, the results move up instead
        st.markdown("Upload a phone clip of yourself running. gaitcam finds your body in every "
                    "frame, measures your stride and shows what to work on for a happier back.")
    st.caption(f":material/lock: {PRIVACY} Clips and results are kept in `{data_dir()}`.")
    with st.container(border=True):
        model, view, height = _settings()
        with friendly_errors("reading your clip"):
            source = _clip_source()
    if not source:
        _filming_tips()
        return
    path, sha = source
    key = AnalysisKey(sha, model, view, height)
    result = _analyse(path, key)
    if result is None:
        return
    st.session_state["gc_last_key"] = key.id
    with friendly_errors("showing the results"):
        name = str(result.report.get("source", {}).get("file_name") or path.name)
        drawn = time.perf_counter()
        show_results(result, key, name, clip_path=path)
        log.info("results page for %s drawn in %.2f s", name, time.perf_counter() - drawn)


def _filming_tips() -> None:
    st.markdown("#### How to film")
    st.markdown(
        "- **Side view at hip height**, 3-5 m away, the whole body in frame, phone held still "
        "(a treadmill is ideal).\n"
        "- **10 seconds or more** of steady, easy running; 60 fps if your phone has it.\n"
        "- Film **from behind** too, to check hip drop, sideways lean and knee alignment: "
        "tuck your shirt in (or wear shorts whose waistband stands out from the shirt), "
        "since gaitcam reads your hip drop from the waistband.\n"
        "- Good light, fitted clothes, nobody else crossing the frame.")

