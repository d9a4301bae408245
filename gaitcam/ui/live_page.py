"""The "Live treadmill" page: the camera in the browser, the overlay, rolling metrics and cues.

The browser sends the camera over WebRTC (streamlit-webrtc, no STUN server: it runs on this
machine); `video_frame_callback` hands each frame to a `LiveProcessor` and returns the newest
overlaid frame, never waiting for the pose model. Beside the video a fragment refreshes twice a
second: the cue for the worst current finding, the rolling metrics of the last 10 s, processed
fps, latency and frame counts, and the recording controls. The metronome clicks in the browser
(Web Audio, generated on the page). A recording is saved in gaitcam's data folder and analysed
like an uploaded clip when it stops. Nothing leaves the machine.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import streamlit as st
import streamlit.components.v1 as components

from gaitcam.errors import GaitcamError
from gaitcam.live.cues import CADENCE_INCREASE_RANGE, DEFAULT_CADENCE_INCREASE
from gaitcam.live.metronome import MAX_BPM, MIN_BPM, metronome_html
from gaitcam.live.processor import LIVE_MODEL, LiveProcessor, LiveSnapshot
from gaitcam.live.recorder import RecordingStatus
from gaitcam.render import theme

S_PROCESSOR = "gc_live_processor"
S_BPM = "gc_live_bpm"
S_SHOW_REPORT = "gc_live_show_report"
REFRESH_S = 0.5
MIN_GOOD_FPS = 15
#: Stop the model after this long without frames (the tab was closed or the camera stopped).
IDLE_TIMEOUT_S = 30.0

RTC_CONFIGURATION: dict[str, Any] = {"iceServers": []}  # local connection: no STUN/TURN
MEDIA_CONSTRAINTS: dict[str, Any] = {"video": {"width": 640, "height": 480}, "audio": False}
VIEW_LABELS = {"auto": "Auto", "side": "Side", "rear": "From behind"}
MODEL_LABELS = {"lite": "Lite (fast)", "full": "Full (accurate)"}


def _hex(status: str) -> str:
    b, g, r = theme.status_color(status)
    return f"#{r:02x}{g:02x}{b:02x}"


def processor() -> LiveProcessor:
    """This browser session's processor (created once per session)."""
    proc = st.session_state.get(S_PROCESSOR)
    if proc is None:
        size = MEDIA_CONSTRAINTS["video"]
        proc = LiveProcessor(idle_timeout_s=IDLE_TIMEOUT_S,
                             frame_size=(size["width"], size["height"]))
        st.session_state[S_PROCESSOR] = proc
    return proc


def make_frame_callback(proc: LiveProcessor):
    """The WebRTC video callback: submit the frame, return the newest overlay (or the frame).

    It runs in streamlit-webrtc's worker thread, so it touches only the processor, never
    Streamlit; any error returns the camera frame untouched so the stream keeps going.
    """
    import av

    def callback(frame: av.VideoFrame) -> av.VideoFrame:
        image = frame.to_ndarray(format="bgr24")
        try:
            proc.submit(image, frame.time)
            out = proc.latest_overlay()
        except Exception:  # the processor shows its error in the panel
            out = None
        if out is None:  # nothing processed yet (the overlay may differ in size: fine)
            out = image
        return av.VideoFrame.from_ndarray(out, format="bgr24")

    return callback


# --------------------------------------------------------------------------------------------
# The live panel (a fragment refreshed twice a second)
# --------------------------------------------------------------------------------------------


def _cue_html(s: LiveSnapshot) -> str:
    if s.cue is not None:
        color = _hex(s.cue.severity)
        text = s.cue.text
    elif any(m.value is not None for m in s.metrics):
        color, text = _hex("good"), "Looking good \N{EM DASH} keep it up"
    elif s.frames_processed == 0:
        color, text = "#999999", "Press START to turn the camera on"
    else:
        color, text = "#999999", "Measuring\N{HORIZONTAL ELLIPSIS} keep running steadily"
    return (f'<div style="border-left:8px solid {color};padding:10px 14px;font-size:1.5rem;'
            f'font-weight:600;background:rgba(128,128,128,0.08);border-radius:6px">'
            f"{_escape(text)}</div>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _metrics_html(s: LiveSnapshot) -> str:
    rows = []
    for m in s.metrics:
        dot = f'<span style="color:{_hex(m.status)};font-size:1.3rem">\N{BLACK CIRCLE}</span>'
        rows.append(f"<tr><td>{dot}</td><td>{_escape(m.label)}</td>"
                    f'<td style="text-align:right;font-weight:600">{_escape(m.text)}</td></tr>')
    return ('<table style="font-size:1.15rem;border-collapse:collapse;width:100%">'
            + "".join(rows) + "</table>")


def _perf_text(s: LiveSnapshot) -> str:
    lat = (f"latency p50 {s.latency_p50_ms:.0f} ms, p90 {s.latency_p90_ms:.0f} ms"
           if s.latency_p90_ms is not None else "latency: -")
    return (f"frames processed: {s.frames_processed} \N{MIDDLE DOT} received: "
            f"{s.frames_received} \N{MIDDLE DOT} dropped: {s.frames_dropped} \N{MIDDLE DOT} "
            f"{s.fps_processed:.1f} fps processed \N{MIDDLE DOT} {lat}")


def _record_controls(proc: LiveProcessor, status: RecordingStatus) -> None:
    if status.state == "recording":
        st.markdown(f":red[\N{BLACK CIRCLE} **Recording**] {status.seconds:.0f} s, "
                    f"{status.frames} frames")
        if st.button("Stop recording and analyse", icon=":material/stop_circle:",
                     key="gc_live_rec_stop"):
            proc.stop_recording(analyze=True)
            st.rerun(scope="fragment")
        return
    busy = status.state == "analysing"
    if st.button("Start recording", icon=":material/fiber_manual_record:", disabled=busy,
                 key="gc_live_rec_start",
                 help="Saves what the camera sees (10 s or more), then analyses it like an "
                 "uploaded clip. Stays on this computer."):
        try:
            proc.start_recording()
        except GaitcamError as exc:
            st.error(exc.message)
        st.rerun(scope="fragment")
    if busy:
        st.info("Analysing the recording\N{HORIZONTAL ELLIPSIS} the full report follows.",
                icon=":material/hourglass_top:")
    elif status.state == "failed":
        st.warning(f"{status.message} {status.hint}".strip(), icon=":material/warning:")
        if status.clip is not None:
            st.caption(f"The clip is kept: `{status.clip}`")
    elif status.state == "done":
        st.success(f"Session saved: `{status.folder}`", icon=":material/check_circle:")
        if st.button("Open the session's report", icon=":material/description:",
                     key="gc_live_open_report"):
            st.session_state[S_SHOW_REPORT] = str(status.folder)
            st.rerun(scope="app")


@st.fragment(run_every=REFRESH_S)
def live_panel() -> None:
    """Cue, rolling metrics, performance and recording, refreshed every REFRESH_S."""
    proc: LiveProcessor | None = st.session_state.get(S_PROCESSOR)
    if proc is None:
        return
    s = proc.snapshot()
    st.html(_cue_html(s))
    st.markdown(f"##### Last {proc.window_s:.0f} s \N{MIDDLE DOT} {s.view} view"
                + (f", facing {s.facing}" if s.facing else ""))
    st.html(_metrics_html(s))
    if s.message:
        st.caption(s.message)
    if s.target_cadence_spm is not None:
        st.caption(f"Target cadence: {s.target_cadence_spm} steps/min "
                   f"(your {s.cadence_spm:.0f} + {proc.cadence_increase:.1%})")
    st.caption(_perf_text(s))
    if s.frames_processed > 60 and 0 < s.fps_processed < MIN_GOOD_FPS:
        st.caption(f":orange[Only {s.fps_processed:.0f} frames per second are analysed; timing "
                   f"steps needs about {MIN_GOOD_FPS} or more. Close other programs, or choose "
                   "the Lite model.]")
    _record_controls(proc, s.recording)


# --------------------------------------------------------------------------------------------
# Metronome, view, saved report
# --------------------------------------------------------------------------------------------


def _use_suggested_bpm(proc: LiveProcessor) -> None:
    target = proc.snapshot().target_cadence_spm
    if target is not None:
        st.session_state[S_BPM] = int(min(max(target, MIN_BPM), MAX_BPM))


def _metronome(proc: LiveProcessor) -> None:
    lo, hi = CADENCE_INCREASE_RANGE
    pct = st.slider("Cadence target: your cadence +", lo * 100, hi * 100,
                    value=DEFAULT_CADENCE_INCREASE * 100, step=0.5, format="%.1f%%",
                    key="gc_live_increase",
                    help="Research supports +5-10% steps per minute at the same pace.")
    proc.set_cadence_increase(pct / 100.0)
    if not st.toggle("Metronome", key="gc_live_metronome",
                     help="A click in this browser at your target cadence."):
        return
    suggested = int(min(max(proc.snapshot().target_cadence_spm or 170, MIN_BPM), MAX_BPM))
    c1, c2 = st.columns([1, 1], vertical_alignment="bottom")
    with c1:
        # `value` only seeds the widget the first time; later the runner's choice is kept
        bpm = st.number_input("Beats per minute", min_value=MIN_BPM, max_value=MAX_BPM,
                              value=suggested, step=1, key=S_BPM)
    with c2:
        st.button(f"Set to my cadence + {pct:.1f}%", on_click=_use_suggested_bpm, args=(proc,),
                  key="gc_live_bpm_suggest")
    components.html(metronome_html(bpm), height=46)


def _saved_report(folder: str) -> None:
    """The full results of a saved, analysed session (the same view as an uploaded clip)."""
    from gaitcam.pipeline import AnalysisResult
    from gaitcam.pose_sequence import PoseSequence

    path = Path(folder)
    files = {name: path / f for name, f in (
        ("report", "report.json"), ("pose", "pose.npz"), ("overlay", "overlay.mp4"),
        ("strides", "strides.csv"), ("plan", "plan.html"), ("clip", "clip.mp4"))
        if (path / f).is_file()}
    if "report" not in files or "pose" not in files:
        st.info("This session has no report yet.")
        return
    report = json.loads(files["report"].read_text())
    result = AnalysisResult(report=report, seq=PoseSequence.load(files["pose"]), out_dir=path,
                            files=files)
    try:
        from gaitcam.ui.cache import AnalysisKey, sha256_file
        from gaitcam.ui.upload_page import show_results
    except ImportError:
        st.json(report, expanded=False)
        return
    key = AnalysisKey(sha256_file(files["clip"]) if "clip" in files else path.name,
                      str(report.get("source", {}).get("model") or "full"))
    show_results(result, key, f"live session {path.name}", clip_path=files.get("clip"))


# --------------------------------------------------------------------------------------------
# Page
# --------------------------------------------------------------------------------------------


def render() -> None:
    """Draw the whole live page (the app mounts it with st.navigation)."""
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    st.title("Live treadmill")
    st.markdown("Put the camera beside the treadmill at hip height with your whole body in view "
                "(or behind you for pelvic drop and trunk sway), press **START** and run. "
                "The numbers cover the last 10 seconds and update twice a second.")
    st.caption(":material/lock: The video is processed on this computer; nothing leaves it.")
    proc = processor()
    try:
        proc.start()
    except GaitcamError as exc:
        st.error(f"**{exc.message}**\n\nWhat to try: {exc.hint}", icon=":material/error:")
        return

    left, right = st.columns([3, 2], gap="large")
    with left:
        ctx = webrtc_streamer(
            key="live",
            mode=WebRtcMode.SENDRECV,
            rtc_configuration=RTC_CONFIGURATION,
            media_stream_constraints=MEDIA_CONSTRAINTS,
            video_frame_callback=make_frame_callback(proc),
            async_processing=True,
        )
        c1, c2 = st.columns(2)
        with c1:
            view = st.segmented_control("View", list(VIEW_LABELS), default="auto",
                                        format_func=VIEW_LABELS.get, key="gc_live_view")
        with c2:
            model = st.segmented_control(
                "Pose model", list(MODEL_LABELS), default=LIVE_MODEL,
                format_func=MODEL_LABELS.get, key="gc_live_model",
                help="Lite keeps up with the camera on a 2-core laptop; Full is more "
                "accurate but slower, and may fall behind while the browser shares the CPU.")
        proc.set_view(view or "auto")
        proc.set_model(model or LIVE_MODEL)
        _metronome(proc)
    with right:
        live_panel()
    if not ctx.state.playing and proc.recorder.recording:
        proc.stop_recording(analyze=True)  # the camera was stopped: keep what was recorded

    folder = st.session_state.get(S_SHOW_REPORT)
    if folder:
        st.divider()
        if st.button("Hide the session's report", key="gc_live_hide_report"):
            st.session_state.pop(S_SHOW_REPORT, None)
            st.rerun()
        _saved_report(folder)
