"""Training advice and a simple training-load check (weekly distance and shoe wear).

The common rule of thumb is to raise weekly distance by no more than 10-15% a week and to take
an easier (down) week every 3-4 weeks. `check_training_load` turns that into: a rise above 10% is
"watch", above 15% is "flag", measured from the recent level (the higher of the two weeks
before, so returning from a down week is not a rise); four or more week-to-week rises with no
lower week between them is "watch" (six or more "flag"; flat weeks neither count nor reset).
Shoes are "watch" from 480 km (300 miles) and "flag" from 800 km (500 miles). These are
conventions, not thresholds measured to cause injury.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from gaitcam.errors import GaitcamError

KM_PER_MILE = 1.609344

#: Week-to-week increase (%) above which a rise is "watch" / "flag".
RISE_WATCH_PCT = 10.0
RISE_FLAG_PCT = 15.0
#: Consecutive rises without a lower week that make a down week overdue ("watch" / "flag").
STREAK_WATCH = 4
STREAK_FLAG = 6
#: Shoe distance thresholds per unit: (watch, flag).
SHOE_LIMITS = {"km": (480.0, 800.0), "mi": (300.0, 500.0)}
UNITS = {"km": "km", "kilometres": "km", "kilometers": "km", "mi": "mi", "mile": "mi",
         "miles": "mi"}
SEVERITY_ORDER = {"good": 0, "watch": 1, "flag": 2}

TRAINING_ADVICE: tuple[dict[str, str], ...] = (
    {"id": "warm_up",
     "title": "Warm up before every run",
     "text": "Walk briskly or jog very easily for 5-10 minutes, then leg swings and walking "
             "lunges (see the dynamic warm-up). Start your run slower than you think."},
    {"id": "cool_down",
     "title": "Cool down after",
     "text": "Finish with 5 minutes of easy jogging or walking, then your mobility stretches "
             "(hip flexors, hamstrings) while you are still warm."},
    {"id": "shoes",
     "title": "Shoes that suit your feet, replaced in time",
     "text": "Choose shoes with the cushioning and support that feel right for your foot (a "
             "running shop can help), and replace them every 300-500 miles (480-800 km) or "
             "when the midsole looks creased and flat."},
    {"id": "ten_percent",
     "title": "Build up gradually",
     "text": "Raise your weekly distance by no more than 10-15% a week, and keep most runs "
             "at an easy, conversational pace."},
    {"id": "down_week",
     "title": "Plan a down week",
     "text": "Every 3-4 weeks, cut your weekly distance by about a quarter to a third so "
             "your body can adapt."},
    {"id": "surfaces",
     "title": "Softer and varied surfaces",
     "text": "Mix in trails, grass or a running track instead of only concrete and "
             "cambered roads; change direction on a track or camber now and then."},
    {"id": "cross_training",
     "title": "Cross-train",
     "text": "Swimming and cycling keep you fit with less impact on the back, and are good "
             "ways to stay active while a sore back settles."},
)


class TrainingInputError(GaitcamError):
    """Weekly distances or shoe distance that cannot be checked."""

    hint = "Enter each week's distance as a number of km (or miles), oldest week first."


@dataclass(frozen=True)
class LoadIssue:
    """One problem the load check found. `week` is the 1-based index of the week it ends on
    (None for the shoes)."""

    kind: str  # "rise" | "no_down_week" | "shoes"
    severity: str  # "watch" | "flag"
    week: int | None
    message: str
    short: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "severity": self.severity, "week": self.week,
                "message": self.message, "short": self.short}


@dataclass(frozen=True)
class LoadCheck:
    """Result of `check_training_load`. `changes_pct[i]` is the change from week i to week i+1
    in % (None where the week before was 0); `rises_pct[i]` the change of week i+1 from the
    recent level (the higher of the two weeks before it), which the rise check uses."""

    status: str  # "good" | "watch" | "flag"
    unit: str
    weekly: tuple[float, ...]
    changes_pct: tuple[float | None, ...]
    rises_pct: tuple[float | None, ...]
    shoe_distance: float | None
    shoe_status: str | None
    issues: tuple[LoadIssue, ...] = field(default_factory=tuple)
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status, "unit": self.unit, "weekly": list(self.weekly),
            "changes_pct": [None if c is None else round(c, 1) for c in self.changes_pct],
            "rises_pct": [None if c is None else round(c, 1) for c in self.rises_pct],
            "shoe_distance": self.shoe_distance, "shoe_status": self.shoe_status,
            "issues": [i.to_dict() for i in self.issues], "summary": self.summary,
            "rules": (f"Weekly rise above {RISE_WATCH_PCT:.0f}% is 'watch', above "
                      f"{RISE_FLAG_PCT:.0f}% is 'flag' (advice: no more than 10-15% a week); "
                      f"{STREAK_WATCH}+ rises without a lower week between them: plan a down week; "
                      "shoes: watch from 480 km / 300 miles, flag from 800 km / 500 miles."),
        }


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TrainingInputError(f"{what} must be a number, not {value!r}.")
    x = float(value)
    if not math.isfinite(x):
        raise TrainingInputError(f"{what} must be a finite number, not {value!r}.")
    if x < 0:
        raise TrainingInputError(f"{what} cannot be negative ({value!r}).")
    return x


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def check_training_load(weekly_km: Sequence[float], shoe_km: float | None = None,
                        unit: str = "km") -> LoadCheck:
    """Check weekly distances (oldest first) and shoe wear against the training advice.

    `weekly_km` and `shoe_km` are in `unit` ("km" or "mi"/"miles"). Raises TrainingInputError
    for an empty list, negative, non-numeric or non-finite values, or an unknown unit.
    """
    if not isinstance(unit, str) or unit.lower() not in UNITS:
        raise TrainingInputError(f"Unknown distance unit {unit!r}.", hint="Use 'km' or 'mi'.")
    u = UNITS[unit.lower()]
    if isinstance(weekly_km, str | bytes) or not isinstance(weekly_km, Sequence):
        raise TrainingInputError("Weekly distances must be a list of numbers.")
    if len(weekly_km) == 0:
        raise TrainingInputError("Enter at least one week's distance to check your training.")
    weeks = tuple(_number(v, f"Week {i} distance") for i, v in enumerate(weekly_km, 1))
    shoe = None if shoe_km is None else _number(shoe_km, "Shoe distance")

    issues: list[LoadIssue] = []
    changes: list[float | None] = []
    rises_pct: list[float | None] = []
    for i in range(1, len(weeks)):
        before, now = weeks[i - 1], weeks[i]
        changes.append((now - before) / before * 100.0 if before > 0 else None)
        # Coming back from a down week to where you were is not a rise: measure each week
        # against the recent level, the higher of the two weeks before it.
        base = max(weeks[max(0, i - 2):i])
        pct = (now - base) / base * 100.0 if base > 0 else None
        rises_pct.append(pct)
        # A tiny tolerance so an exact 10% rise (55 after 50) is not "over 10%".
        if pct is not None and pct > RISE_WATCH_PCT + 1e-9:
            severity = "flag" if pct > RISE_FLAG_PCT + 1e-9 else "watch"
            issues.append(LoadIssue(
                "rise", severity, i + 1,
                f"Week {i + 1}: {_fmt(now)} {u} is {pct:.0f}% above your recent level "
                f"({_fmt(base)} {u}); the advice is no more than 10-15% a week.",
                f"a {pct:.0f}% rise in week {i + 1}"))

    # Rises since the last lower week; a flat week neither counts nor resets, a lower (or
    # zero) week resets. Reported once, at the end of each run.
    rises, start = 0, 1
    for i, c in enumerate(changes):
        if c is None or c < 0:
            rises, start = 0, i + 2
        elif c > 0:
            rises += 1
        nxt = changes[i + 1] if i + 1 < len(changes) else -1.0
        if rises >= STREAK_WATCH and (nxt is None or nxt < 0):
            severity = "flag" if rises >= STREAK_FLAG else "watch"
            issues.append(LoadIssue(
                "no_down_week", severity, i + 2,
                f"Weeks {start}-{i + 2}: {rises} increases without an easier week; plan a "
                "down week (about a quarter to a third less) every 3-4 weeks.",
                f"no down week in weeks {start}-{i + 2}"))

    shoe_status = None
    if shoe is not None:
        watch, flag = SHOE_LIMITS[u]
        shoe_status = "flag" if shoe >= flag else "watch" if shoe >= watch else "good"
        if shoe_status != "good":
            issues.append(LoadIssue(
                "shoes", shoe_status, None,
                f"Your shoes have about {_fmt(shoe)} {u} on them: "
                + ("time to replace them" if shoe_status == "flag" else "start looking for a "
                   "new pair") + " (advice: replace every 480-800 km / 300-500 miles).",
                f"shoes at {_fmt(shoe)} {u}"))

    status = max((i.severity for i in issues), key=SEVERITY_ORDER.__getitem__, default="good")
    if status == "good":
        summary = "Your weekly build-up and shoes are within the usual advice."
    else:
        n = len(issues)
        summary = (f"{n} thing{'s' if n > 1 else ''} to look at in your training: "
                   + "; ".join(i.short for i in issues) + ".")
    return LoadCheck(status=status, unit=u, weekly=weeks, changes_pct=tuple(changes),
                     rises_pct=tuple(rises_pct),
                     shoe_distance=shoe, shoe_status=shoe_status, issues=tuple(issues),
                     summary=summary)
