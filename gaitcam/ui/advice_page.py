"""The "Exercises & red flags" page: the red-flag self-check, the training-load checker,
flare-up care and the exercise library with gaitcam's own illustrations."""

from __future__ import annotations

import streamlit as st

from gaitcam.advice import (
    FLARE_UP_EXERCISES,
    FLARE_UP_STEPS,
    TRAINING_ADVICE,
    check_training_load,
    load_exercises,
)
from gaitcam.errors import GaitcamError
from gaitcam.ui import cards, plots
from gaitcam.ui.advice_view import exercise_block
from gaitcam.ui.feedback import friendly_errors, show_error
from gaitcam.ui.safety import disclaimer, red_flag_check

CATEGORY_TITLES = {
    "strength": "Strength", "mobility": "Mobility", "drill": "Running drills",
    "warm-up": "Warm-up", "flare-up": "Flare-up care",
}
STATUS_BOX = {"good": st.success, "watch": st.warning, "flag": st.error}


def _load_checker() -> None:
    st.markdown("Enter your weekly running distance for the last few weeks, **oldest first**.")
    c1, c2, c3 = st.columns([4, 2, 1])
    with c1:
        text = st.text_input("Weekly distances", placeholder="e.g. 20, 22, 25, 30",
                             key="load_weeks")
    with c2:
        shoe = st.number_input("Distance on your shoes (optional)", min_value=0.0, value=None,
                               step=10.0, key="load_shoe")
    with c3:
        unit = st.radio("Unit", ["km", "mi"], horizontal=True, key="load_unit")
    if not text.strip():
        return
    try:
        weekly = plots.parse_distances(text)
    except ValueError as exc:
        st.error(f"{str(exc).capitalize()}: type the distances as numbers separated by "
                 "commas, e.g. 20, 22, 25.", icon=":material/error:")
        return
    try:
        check = check_training_load(weekly, shoe_km=shoe, unit=unit)
    except GaitcamError as exc:
        show_error(exc)
        return
    STATUS_BOX.get(check.status, st.info)(check.summary)
    for issue in check.issues:
        st.markdown(f"- **{cards.STATUS_STYLE[issue.severity][1]}**: {issue.message}")
    if len(check.weekly) > 1:
        st.plotly_chart(plots.weekly_load_figure(check.weekly, check.changes_pct, check.unit),
                        width="stretch", config={"displaylogo": False})


def _library() -> None:
    exercises = load_exercises()
    cats = [c for c in CATEGORY_TITLES if any(e.category == c for e in exercises.values())]
    chosen = st.pills("Show", cats, selection_mode="multi", default=cats,
                      format_func=CATEGORY_TITLES.get, key="lib_cats")
    for ex in exercises.values():
        if ex.category not in (chosen or []):
            continue
        with st.expander(f"{ex.name} · {CATEGORY_TITLES.get(ex.category, ex.category)}"):
            exercise_block(ex.id)


def render() -> None:
    """The page."""
    st.html(cards.CSS)
    st.title("Exercises & red flags")
    disclaimer()
    t_rf, t_load, t_flare, t_lib = st.tabs(
        ["Red-flag self-check", "Training load", "Flare-up care", "Exercise library"])
    with t_rf, friendly_errors("checking your answers"):
        st.markdown("Some back pain needs a clinician, not exercises. Check these first.")
        red_flag_check("page_rf")
    with t_load, friendly_errors("checking your training"):
        _load_checker()
        st.markdown("#### Training advice")
        for a in TRAINING_ADVICE:
            st.markdown(f"- **{a['title']}**: {a['text']}")
    with t_flare, friendly_errors("showing flare-up care"):
        st.markdown("#### If your lower back flares up")
        for s in FLARE_UP_STEPS:
            st.markdown(f"- **{s['title']}**: {s['text']}")
        st.markdown("#### Gentle exercises for a flare-up")
        for e in FLARE_UP_EXERCISES:
            with st.container(border=True):
                exercise_block(e)
    with t_lib, friendly_errors("showing the exercises"):
        _library()
    disclaimer()
