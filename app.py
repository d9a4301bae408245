"""gaitcam's Streamlit app: `streamlit run app.py`.

Pages: "Analyse a clip" (gaitcam.ui.upload_page), "Live treadmill" (gaitcam.ui.live_page),
"Exercises & red flags" (gaitcam.ui.advice_page), "Compare (physio)" (gaitcam.ui.compare_page)
and "History" (gaitcam.ui.history_page). Every page shows the sidebar with the red-flag
self-check and the disclaimer; any error a page raises is shown as a friendly message.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Callable

import streamlit as st

from gaitcam.ui import advice_page, compare_page, history_page, safety, upload_page, warmup
from gaitcam.ui.feedback import friendly_errors

log = logging.getLogger("gaitcam")
if not log.handlers:  # the script re-runs on every interaction: add the handler once
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)


def _guarded(render: Callable[[], None], what: str) -> Callable[[], None]:
    def page() -> None:
        with friendly_errors(what):
            render()

    page.__name__ = f"page_{render.__module__.rsplit('.', 1)[-1]}"
    return page


def _live() -> None:
    # gaitcam.ui.live_page is optional: the app works before (or without) it.
    if importlib.util.find_spec("gaitcam.ui.live_page") is None:
        st.title("Live treadmill")
        st.info("Live mode is not installed in this version yet.")
        return
    importlib.import_module("gaitcam.ui.live_page").render()


st.set_page_config(page_title="gaitcam: running form check", page_icon="🏃", layout="wide")
warmup.start()

pages = [
    st.Page(_guarded(upload_page.render, "showing the page"), title="Analyse a clip",
            url_path="analyse", icon=":material/directions_run:", default=True),
    st.Page(_guarded(_live, "running live mode"), title="Live treadmill", url_path="live",
            icon=":material/videocam:"),
    st.Page(_guarded(advice_page.render, "showing the page"), title="Exercises & red flags",
            url_path="exercises", icon=":material/fitness_center:"),
    st.Page(_guarded(compare_page.render, "comparing clips"), title="Compare (physio)",
            url_path="compare", icon=":material/compare:"),
    st.Page(_guarded(history_page.render, "showing the history"), title="History",
            url_path="history", icon=":material/history:"),
]

page = st.navigation(pages)
safety.sidebar()
page.run()
