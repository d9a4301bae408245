"""A personal plan from a report's findings: what to work on, a weekly schedule, cues, training
advice, flare-up care, red flags and the disclaimer, as a JSON-ready dict for report["plan"].
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

from gaitcam import __version__
from gaitcam.advice.actions import FindingActions, load_actions
from gaitcam.advice.exercises import Exercise, load_exercises
from gaitcam.advice.flare_up import FLARE_UP_EXERCISES, flare_up_section
from gaitcam.advice.red_flags import DISCLAIMER, red_flags_section
from gaitcam.advice.training import TRAINING_ADVICE, check_training_load
from gaitcam.errors import GaitcamError

PLAN_SCHEMA_VERSION = "1.0"
SEVERITY_RANK = {"flag": 0, "watch": 1}
MAX_FOCUS = 3
KEY_EXERCISES = 3
STRENGTH_PER_SESSION = (3, 4)  # (at least, at most) exercises
MOBILITY_PER_DAY = 3
MAX_CUES = 4
#: Back-care basics that fill a session when the findings name too few exercises.
BASE_STRENGTH = ("glute_bridge", "bird_dog", "side_plank", "plank")
BASE_MOBILITY = ("hip_flexor_stretch", "hamstring_stretch", "cat_cow")
BASE_CUES = ("run_tall", "quick_light_steps")
WARM_UP = "dynamic_warm_up"
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
STRENGTH_DAYS = {3: ("Mon", "Wed", "Fri"), 2: ("Mon", "Thu")}
RUN_DAYS = ("Tue", "Thu", "Sat")


class PlanInputError(GaitcamError):
    """A report that a plan cannot be built from."""

    hint = "Build the plan from a gaitcam report (report.json) made by this version."


def _clean_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, numbers.Real):
        return round(float(value), 2)
    return str(value)


def _findings(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    raw = report.get("findings", [])
    if raw is None:
        return []
    if not isinstance(raw, Sequence) or isinstance(raw, str | bytes):
        raise PlanInputError("The report's findings must be a list.")
    out = []
    for i, f in enumerate(raw, 1):
        if not isinstance(f, Mapping) or not isinstance(f.get("id"), str):
            raise PlanInputError(f"Finding #{i} of the report has no id.")
        severity = f.get("severity", "watch")
        if severity not in SEVERITY_RANK:
            raise PlanInputError(f"Finding #{i} ({f['id']}) has an unknown severity "
                                 f"{severity!r}; expected 'watch' or 'flag'.")
        out.append({"id": f["id"], "metric": f.get("metric"), "severity": severity,
                    "value": _clean_value(f.get("value")), "message": f.get("message") or ""})
    # Flags first; within a severity keep the report's order (it is ranked already).
    return [f for _, f in sorted(enumerate(out), key=lambda t: (SEVERITY_RANK[t[1]["severity"]],
                                                                 t[0]))]


def _unique(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _focus_items(findings: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Group ranked findings by their action group; returns (groups in rank order, unmapped)."""
    amap = load_actions()
    groups: dict[str, dict[str, Any]] = {}
    unmapped: list[str] = []
    for f in findings:
        fa = amap.for_finding(f["id"])
        if fa is None:
            unmapped.append(f["id"])
            continue
        if fa.group not in groups:
            groups[fa.group] = {"lead": (f, fa), "related": []}
        elif f["id"] != groups[fa.group]["lead"][0]["id"] and f["id"] not in [
                r[0]["id"] for r in groups[fa.group]["related"]]:
            groups[fa.group]["related"].append((f, fa))
    return list(groups.values()), _unique(unmapped)


def _focus_entry(rank: int, group: dict[str, Any]) -> dict[str, Any]:
    amap = load_actions()
    f, fa = group["lead"]
    members: list[tuple[dict[str, Any], FindingActions]] = [group["lead"], *group["related"]]
    exercises = _unique([e for _, a in members for e in a.exercises])[:KEY_EXERCISES]
    cues = _unique([c for _, a in members for c in a.cues])[:3]
    return {
        "rank": rank,
        "finding": f["id"],
        "title": fa.title,
        "metric": f["metric"],
        "severity": f["severity"],
        "value": f["value"],
        "message": f["message"],
        "why_it_matters": fa.why_it_matters,
        "causes": [c.to_dict() for c in fa.causes],
        "exercises": exercises,
        "cue_ids": cues,
        "cues": [amap.cues[c] for c in cues],
        "advice": _unique([a for _, x in members for a in x.advice]),
        "related": [{"finding": r["id"], "title": ra.title, "severity": r["severity"],
                     "message": r["message"]} for r, ra in group["related"]],
    }


def _fill(chosen: list[str], base: Sequence[str], at_least: int) -> list[str]:
    out = list(chosen)
    for b in base:
        if len(out) >= at_least:
            break
        if b not in out:
            out.append(b)
    return out


def _schedule(order: list[str], exercises: Mapping[str, Exercise], corrective: bool
              ) -> dict[str, Any]:
    def of(category: str) -> list[str]:
        return [e for e in order if exercises[e].category == category]

    lo, hi = STRENGTH_PER_SESSION
    strength = _fill(of("strength")[:hi], BASE_STRENGTH, lo)
    mobility = _fill(of("mobility")[:MOBILITY_PER_DAY], BASE_MOBILITY, MOBILITY_PER_DAY)
    drills = of("drill")[:2]
    n_strength = 3 if corrective else 2

    def minutes(ids: Sequence[str]) -> int:
        return sum(exercises[e].dosage.minutes for e in ids)

    sessions = {
        "strength": {"kind": "strength", "title": "Strength", "exercises": strength,
                     "minutes": minutes(strength)},
        "mobility": {"kind": "mobility", "title": "Mobility", "exercises": mobility,
                     "minutes": minutes(mobility)},
        "run": {"kind": "run", "title": "Easy run" + (" with drills" if drills else ""),
                "exercises": [WARM_UP, *drills], "minutes": exercises[WARM_UP].dosage.minutes,
                "note": "Warm up first; the drills go inside the easy run." if drills
                else "Warm up first."},
    }
    days = []
    for day in DAYS:
        todays = []
        if day in STRENGTH_DAYS[n_strength]:
            todays.append(sessions["strength"])
        if day in RUN_DAYS:
            todays.append(sessions["run"])
        todays.append(sessions["mobility"])
        days.append({"day": day, "sessions": todays})
    return {
        "strength": sessions["strength"], "mobility": sessions["mobility"],
        "run": sessions["run"], "days": days,
        "notes": [
            f"Strength {n_strength} times a week on non-consecutive days "
            f"(about {sessions['strength']['minutes']} minutes).",
            f"Mobility every day (about {sessions['mobility']['minutes']} minutes), ideally "
            "after a run or in the evening.",
            "Warm up before every run"
            + ("; practise the drills during 2-3 easy runs a week." if drills else "."),
            "Your run days are your own: these are examples. Keep strength and hard runs "
            "apart where you can, and keep at least one full rest day from running.",
            "Re-film in 4-6 weeks to see what has changed.",
        ],
    }


def _view_notes(report: Mapping[str, Any]) -> list[str]:
    view = report.get("view")
    name = view.get("view") if isinstance(view, Mapping) else None
    if name == "side":
        return ["This was a side view. Hip drop, sideways lean, trunk sway, crossover and knee "
                "alignment are checked from behind: film a rear view too."]
    if name in ("rear", "front"):
        return [f"This was a {name} view. Step rate, overstriding, trunk lean and landing are "
                "checked from the side: film a side view too."]
    return []


def build_plan(report: Mapping[str, Any], weekly_km: Sequence[float] | None = None, *,
               shoe_km: float | None = None, unit: str = "km") -> dict[str, Any]:
    """A personal plan (JSON-serialisable dict) from a report's ranked findings.

    `weekly_km` (oldest week first) and `shoe_km`, in `unit`, add a training-load check.
    With no findings the plan is a maintenance plan. Raises PlanInputError for a report
    without a readable findings list and TrainingInputError for bad distances.
    """
    if not isinstance(report, Mapping):
        raise PlanInputError("A plan needs a gaitcam report (a dict).")
    findings = _findings(report)
    exercises = load_exercises()
    amap = load_actions()
    groups, unmapped = _focus_items(findings)
    focus = [_focus_entry(i, g) for i, g in enumerate(groups[:MAX_FOCUS], 1)]
    corrective = bool(focus)

    # Exercise priority: each focus item's key exercises in rank order, then the rest.
    order = _unique(
        [e for item in focus for e in item["exercises"]]
        + [e for g in groups for _, fa in [g["lead"], *g["related"]] for e in fa.exercises])
    schedule = _schedule(order, exercises, corrective)

    cue_ids: list[str] = []
    for depth in range(3):  # the first cue of every focus item before anyone's second
        cue_ids += [item["cue_ids"][depth] for item in focus if depth < len(item["cue_ids"])]
    cue_ids = _unique(cue_ids or list(BASE_CUES))[:MAX_CUES]

    load = None
    if weekly_km is not None:
        load = check_training_load(weekly_km, shoe_km=shoe_km, unit=unit).to_dict()

    if corrective:
        names = ", ".join(item["title"].lower() for item in focus)
        summary = (f"Work on {len(focus)} thing{'s' if len(focus) > 1 else ''}, in this "
                   f"order: {names}. Strength 3 times a week, mobility daily, and the cues "
                   "on your easy runs; re-film in 4-6 weeks.")
    elif (report.get("gait") or {}).get("type") == "walking":
        summary = ("This clip shows walking, and gaitcam's form bands are for running, so it "
                   "gives no form findings here: film 10 s or more of running for a form check. "
                   "Meanwhile: core and glute strength twice a week, a warm-up before every "
                   "run and a few minutes of mobility each day.")
    else:
        summary = ("Your form looked within the bands gaitcam checks. Keep it that way: core "
                   "and glute strength twice a week, a warm-up before every run and a few "
                   "minutes of mobility each day.")
    if load is not None and load["status"] != "good":
        summary += " Your training load needs a look too (see Training)."

    used = _unique([*(e for item in focus for e in item["exercises"]),
                    *schedule["strength"]["exercises"], *schedule["run"]["exercises"],
                    *schedule["mobility"]["exercises"], *FLARE_UP_EXERCISES])
    found_ids = {f["id"] for f in findings}
    exercise_list = []
    for e in used:
        d = exercises[e].to_dict()
        d["for"] = [amap.findings[f].title for f in exercises[e].findings if f in found_ids]
        exercise_list.append(d)

    return {
        "schema_version": PLAN_SCHEMA_VERSION,
        "generated_by": f"gaitcam {__version__}",
        "kind": "corrective" if corrective else "maintenance",
        "summary": summary,
        "focus": focus,
        "other_findings": [
            {"finding": g["lead"][0]["id"], "title": g["lead"][1].title,
             "severity": g["lead"][0]["severity"], "message": g["lead"][0]["message"]}
            for g in groups[MAX_FOCUS:]],
        "unmapped_findings": unmapped,
        "notes": _view_notes(report),
        "cues": [{"id": c, "text": amap.cues[c]} for c in cue_ids],
        "schedule": schedule,
        "exercises": exercise_list,
        "training": {"advice": [dict(a) for a in TRAINING_ADVICE], "load_check": load},
        "flare_up": flare_up_section(),
        "red_flags": red_flags_section(),
        "disclaimer": DISCLAIMER,
    }
