"""Streamlit blocks for advice: an exercise with its illustration, the ranked findings with
their causes, exercises and cues, and the personal plan of a report."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape
from typing import Any

import streamlit as st

from gaitcam import registry
from gaitcam.advice import exercise_svg, get_exercise, load_actions
from gaitcam.ui.cards import STATUS_STYLE
from gaitcam.ui.safety import disclaimer

CAUSE_KINDS = {"form": "Running form", "muscle_imbalance": "Strength or mobility",
               "external": "Training and kit"}
SEVERITY_WORDS = {"flag": "Worth working on", "watch": "Keep an eye on"}


def svg_block(svg: str, max_width_px: int = 520) -> None:
    """An SVG illustration, at most `max_width_px` wide (st.html would strip the SVG)."""
    st.image(svg, width=max_width_px)


def exercise_block(exercise_id: str, show_illustration: bool = True) -> None:
    """One exercise: name, what it is for, illustration, steps, dosage, easier/harder,
    cautions (illustration on the left, text on the right)."""
    ex = get_exercise(exercise_id)
    st.markdown(f"**{ex.name}** · _{ex.category}_  \n{ex.summary}")
    if show_illustration:
        pic, text = st.columns([1, 1], gap="medium")
        with pic:
            svg_block(exercise_svg(ex.id))
    else:
        text = st.container()
    with text:
        st.markdown("\n".join(f"{i}. {s}" for i, s in enumerate(ex.steps, 1)))
        st.markdown(f":material/timer: **Dose:** {ex.dosage.text}")
        extra = []
        if ex.easier:
            extra.append(f"**Easier:** {ex.easier}")
        if ex.harder:
            extra.append(f"**Harder:** {ex.harder}")
        if extra:
            st.markdown("  \n".join(extra))
        for c in ex.cautions:
            st.caption(f":material/warning: {c}")


def finding_title_of(f: Mapping[str, Any]) -> str:
    """A finding's plain title ("Overstriding: foot landing ahead of the hips"); an asymmetry
    names its metric ("Left-right difference: knee bend at landing")."""
    finding_id = str(f.get("id", ""))
    fa = load_actions().for_finding(finding_id)
    title = fa.title if fa else finding_id.replace("_", " ").capitalize()
    metric = registry.METRICS.get(str(f.get("metric")))
    if finding_id == "asymmetry" and metric is not None:
        title = f"{title}: {metric.label.split(' (')[0].lower()}"
    return title


def finding_title(f: Mapping[str, Any]) -> str:
    """Expander title: "Overstriding: foot landing ahead of the hips · Keep an eye on"."""
    return f"{finding_title_of(f)} · {SEVERITY_WORDS.get(f.get('severity'), 'Note')}"


def finding_details(f: Mapping[str, Any]) -> None:
    """A finding's message, why it matters, causes, cues and exercises (with illustrations)."""
    colour = STATUS_STYLE.get(str(f.get("severity")), STATUS_STYLE["info"])[0]
    st.html(f'<div style="border-left:5px solid {colour};padding:0.2rem 0.7rem;'
            f'font-size:1.02rem">{escape(str(f.get("message") or ""))}</div>')
    fa = load_actions().for_finding(str(f.get("id")))
    if fa is None:
        return
    if fa.why_it_matters:
        st.markdown(f"**Why it matters for your back:** {fa.why_it_matters}")
    if fa.causes:
        st.markdown("**Likely causes**")
        st.markdown("\n".join(
            f"- **{c.label}** ({CAUSE_KINDS.get(c.kind, c.kind)}): {c.explanation}"
            for c in fa.causes))
    amap = load_actions()
    if fa.cues:
        st.markdown("**Cues to think about on easy runs**")
        st.markdown("\n".join(f"- {amap.cues.get(c, c)}" for c in fa.cues))
    if fa.advice:
        st.markdown("\n".join(f"- {a}" for a in fa.advice))
    if fa.exercises:
        st.markdown("**Exercises**")
        tabs = st.tabs([get_exercise(e).name for e in fa.exercises])
        for tab, e in zip(tabs, fa.exercises, strict=True):
            with tab:
                exercise_block(e)


def findings_section(report: Mapping[str, Any]) -> None:
    """Ranked findings, each in an expander (the first open), then the disclaimer."""
    findings = [f for f in report.get("findings") or [] if isinstance(f, Mapping)]
    if not findings:
        st.success("Nothing stood out: your form was inside the bands gaitcam checks from this "
                   "view. Keep up the strength work in your plan.", icon=":material/thumb_up:")
    for i, f in enumerate(findings, 1):
        with st.expander(f"{i}. {finding_title(f)}", expanded=i == 1,
                         icon=":material/flag:" if f.get("severity") == "flag"
                         else ":material/visibility:"):
            finding_details(f)
    disclaimer()


def _session_table(plan: Mapping[str, Any]) -> list[dict[str, str]]:
    """The weekly schedule as rows: day -> what to do."""
    rows = []
    for day in (plan.get("schedule") or {}).get("days") or []:
        parts = [f"{s.get('title')} ({s.get('minutes')} min)" for s in day.get("sessions") or []]
        rows.append({"Day": day.get("day", ""), "Sessions": " + ".join(parts)})
    return rows


def plan_section(report: Mapping[str, Any]) -> None:
    """The personal plan from report["plan"]: focus, week, cues, training, flare-ups."""
    plan = report.get("plan") or {}
    if not plan:
        st.info("No plan in this report.")
        return
    st.markdown(f"#### {plan.get('summary', '')}")
    for note in plan.get("notes") or []:
        st.caption(f":material/videocam: {note}")
    focus = plan.get("focus") or []
    if focus:
        st.markdown("**What to work on, in order**")
        st.markdown("\n".join(f"{item.get('rank')}. **{item.get('title')}**: "
                              f"{item.get('message')}" for item in focus))
    schedule = plan.get("schedule") or {}
    col1, col2 = st.columns([3, 2])
    with col1:
        st.markdown("**Your week**")
        st.dataframe(_session_table(plan), hide_index=True, width="stretch")
        for note in schedule.get("notes") or []:
            st.caption(note)
    with col2:
        cues = plan.get("cues") or []
        if cues:
            st.markdown("**Cues for your easy runs**")
            st.markdown("\n".join(f"- {c.get('text')}" for c in cues))
        for kind in ("strength", "mobility", "run"):
            s = schedule.get(kind) or {}
            if s.get("exercises"):
                names = ", ".join(get_exercise(e).name for e in s["exercises"])
                st.markdown(f"**{s.get('title')}** (~{s.get('minutes')} min): {names}")
    ids = [e.get("id") for e in plan.get("exercises") or [] if e.get("id")]
    if ids:
        st.markdown("**Your exercises**")
        tabs = st.tabs([get_exercise(e).name for e in ids])
        for tab, e in zip(tabs, ids, strict=True):
            with tab:
                exercise_block(e)
    training = plan.get("training") or {}
    if training.get("advice"):
        st.markdown("**Training**")
        st.markdown("\n".join(f"- **{a.get('title')}**: {a.get('text')}"
                              for a in training["advice"]))
    flare = plan.get("flare_up") or {}
    if flare.get("steps"):
        st.markdown(f"**{flare.get('intro', 'If your back flares up:')}**")
        st.markdown("\n".join(f"- **{s.get('title')}**: {s.get('text')}" for s in flare["steps"]))
    st.info("Before following the plan, take the red-flag self-check (in the sidebar, or on "
            "the *Exercises & red flags* page).", icon=":material/health_and_safety:")
    disclaimer()
