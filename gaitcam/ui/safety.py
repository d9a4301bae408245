"""The disclaimer and the red-flag self-check, reachable from every page and shown with advice."""

from __future__ import annotations

import streamlit as st

from gaitcam.advice import DISCLAIMER, RED_FLAG_QUESTIONS, RedFlagResult, assess_red_flags

SHORT_DISCLAIMER = "gaitcam educates; it does not diagnose."
PRIVACY = "Your videos stay on this computer: nothing is uploaded to the internet."
ANSWERS = ("No", "Yes")


def disclaimer() -> None:
    """The full disclaimer in a muted box (shown wherever advice is shown)."""
    st.caption(f":material/info: {DISCLAIMER}")


def red_flag_check(key: str) -> RedFlagResult | None:
    """Yes/no questions and the verdict: any "yes" -> see a clinician (urgent ones: now).

    `key` keeps several copies on one page apart. Returns None until a question is answered.
    """
    st.markdown("Answer each question. Any **yes** means: see a clinician before running or "
                "doing these exercises.")
    answers: dict[str, bool] = {}
    for q in RED_FLAG_QUESTIONS:
        a = st.radio(q.text, ANSWERS, index=None, horizontal=True, key=f"{key}_{q.id}")
        if a is not None:
            answers[q.id] = a == "Yes"
    if not answers:
        return None
    result = assess_red_flags(answers)
    if result.urgent:
        st.error(result.message, icon=":material/emergency:")
    elif result.see_clinician:
        st.warning(result.message, icon=":material/medical_services:")
    else:
        st.success(result.message, icon=":material/check_circle:")
    return result


def sidebar() -> None:
    """The sidebar every page shows: the red-flag self-check, the disclaimer, privacy."""
    with st.sidebar:
        with st.expander("Back pain? Red-flag self-check", icon=":material/health_and_safety:"):
            red_flag_check("sidebar_rf")
        st.caption(f"**{SHORT_DISCLAIMER}** {PRIVACY}")
