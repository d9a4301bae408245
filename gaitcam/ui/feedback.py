"""Friendly errors on the page: a GaitcamError shows its message and what to try; anything else
shows a short apology while the traceback goes to the server log. Never a traceback on the page.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from gaitcam.errors import GaitcamError

log = logging.getLogger("gaitcam.app")

GENERIC_MESSAGE = (
    "Something went wrong on our side while {what}. Your clip is fine to try again; if it "
    "keeps happening, try another clip or restart the app (the details are in the app's log)."
)


def show_error(exc: BaseException, what: str = "analysing the clip") -> None:
    """Show `exc` as a friendly st.error (message + hint for a GaitcamError)."""
    if isinstance(exc, GaitcamError):
        text = f"**{exc.message}**"
        if exc.hint:
            text += f"\n\nWhat to try: {exc.hint}"
        st.error(text, icon=":material/error:")
    else:
        st.error(GENERIC_MESSAGE.format(what=what), icon=":material/error:")


@contextmanager
def friendly_errors(what: str = "analysing the clip") -> Iterator[None]:
    """Run a block; show any error it raises with `show_error` instead of a traceback.

    Unexpected errors are logged with their traceback. Streamlit's own control flow (rerun,
    stop) derives from BaseException and passes through untouched.
    """
    try:
        yield
    except GaitcamError as exc:
        log.info("gaitcam error while %s: %s", what, exc.message)
        show_error(exc, what)
    except Exception as exc:
        log.exception("unexpected error while %s", what)
        show_error(exc, what)
