"""Red flags: a short self-check for back pain that needs a clinician, and the disclaimer.

Any "yes" means: see a clinician (a doctor or physiotherapist) before carrying on. A "yes" to an
urgent question (sudden severe pain, loss of bladder or bowel control, numbness in the saddle
area, weakness that is getting worse) means: seek medical care immediately.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gaitcam.errors import GaitcamError

#: Shown wherever gaitcam shows advice.
DISCLAIMER = (
    "gaitcam educates; it does not diagnose. Its findings come from one video and are a "
    "starting point, not a medical assessment. If you have pain, or answer yes to any red flag, "
    "see a doctor or physiotherapist before changing your training or starting these "
    "exercises, and stop any exercise that causes sharp or increasing pain."
)


@dataclass(frozen=True)
class RedFlagQuestion:
    id: str
    text: str
    urgency: str  # "see_clinician" | "urgent"

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "text": self.text, "urgency": self.urgency}


RED_FLAG_QUESTIONS: tuple[RedFlagQuestion, ...] = (
    RedFlagQuestion(
        "pain_persists",
        "Has your pain lasted more than one to two weeks, or is it getting worse despite rest?",
        "see_clinician"),
    RedFlagQuestion(
        "numbness_tingling",
        "Do you have numbness, tingling or pins and needles in one or both legs or feet?",
        "see_clinician"),
    RedFlagQuestion(
        "leg_weakness",
        "Do you have weakness in one or both legs or feet (for example a foot that catches "
        "or slaps, or a knee that gives way)?",
        "see_clinician"),
    RedFlagQuestion(
        "radiating_pain",
        "Does pain travel (radiate) down one or both legs, especially below the knee?",
        "see_clinician"),
    RedFlagQuestion(
        "night_or_unwell",
        "Is the pain constant at night and not eased by changing position, or do you also "
        "have a fever, unexplained weight loss, or a history of cancer?",
        "see_clinician"),
    RedFlagQuestion(
        "sudden_severe_pain",
        "Did severe pain come on suddenly, for example after a fall or accident, or is it "
        "the worst pain you have had?",
        "urgent"),
    RedFlagQuestion(
        "bladder_bowel",
        "Have you had any loss of bladder or bowel control, or new difficulty passing urine?",
        "urgent"),
    RedFlagQuestion(
        "saddle_numbness",
        "Do you have numbness around your groin, buttocks or inner thighs (the 'saddle' area)?",
        "urgent"),
    RedFlagQuestion(
        "progressive_weakness",
        "Is weakness in your legs getting worse over hours or days, or are both legs weak?",
        "urgent"),
)
QUESTIONS_BY_ID: dict[str, RedFlagQuestion] = {q.id: q for q in RED_FLAG_QUESTIONS}

MESSAGES = {
    "urgent": (
        "Seek medical care now: go to an emergency department or call your local emergency "
        "number. Sudden severe pain, loss of bladder or bowel control, saddle numbness or "
        "worsening leg weakness can be signs of a condition that needs treatment the same "
        "day. Do not run or do these exercises until you have been seen."),
    "see_clinician": (
        "See a clinician (a doctor or physiotherapist) soon, before carrying on with running "
        "or these exercises, and tell them which questions you answered yes to."),
    "none": (
        "No red flags reported. Use the plan at an easy effort, and take this check again if "
        "your pain changes, spreads or does not settle within one to two weeks."),
}


class RedFlagInputError(GaitcamError):
    """Answers to the red-flag self-check that cannot be read."""

    hint = "Answer each question id with true (yes) or false (no)."


@dataclass(frozen=True)
class RedFlagResult:
    """`level` is "none", "see_clinician" or "urgent"; `positives` the ids answered yes, in
    question order; `unanswered` the ids not in the answers."""

    level: str
    positives: tuple[str, ...]
    unanswered: tuple[str, ...]
    message: str

    @property
    def see_clinician(self) -> bool:
        return self.level != "none"

    @property
    def urgent(self) -> bool:
        return self.level == "urgent"

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "positives": list(self.positives),
                "unanswered": list(self.unanswered), "message": self.message,
                "disclaimer": DISCLAIMER}


def assess_red_flags(answers: Mapping[str, bool]) -> RedFlagResult:
    """Assess yes/no answers keyed by question id (missing ids = unanswered).

    Raises RedFlagInputError for unknown ids or answers that are not True/False.
    """
    if not isinstance(answers, Mapping):
        raise RedFlagInputError("The red-flag answers must map question ids to yes/no.")
    unknown = [k for k in answers if k not in QUESTIONS_BY_ID]
    if unknown:
        raise RedFlagInputError(f"Unknown red-flag question(s): {', '.join(map(str, unknown))}.",
                                hint="Known questions: " + ", ".join(QUESTIONS_BY_ID))
    for k, v in answers.items():
        if not isinstance(v, bool):
            raise RedFlagInputError(f"The answer to {k!r} must be yes (true) or no (false), "
                                    f"not {v!r}.")
    positives = tuple(q.id for q in RED_FLAG_QUESTIONS if answers.get(q.id) is True)
    unanswered = tuple(q.id for q in RED_FLAG_QUESTIONS if q.id not in answers)
    if any(QUESTIONS_BY_ID[p].urgency == "urgent" for p in positives):
        level = "urgent"
    elif positives:
        level = "see_clinician"
    else:
        level = "none"
    message = MESSAGES[level]
    if level == "none" and unanswered:
        message = (f"{len(unanswered)} question(s) not answered. " + message
                   + " Answer every question for a complete check.")
    return RedFlagResult(level=level, positives=positives, unanswered=unanswered,
                         message=message)


def red_flags_section() -> dict[str, Any]:
    """The self-check as JSON for a plan: questions, how to read them and the messages."""
    return {
        "intro": "Check these before following the plan. Answer yes or no.",
        "questions": [q.to_dict() for q in RED_FLAG_QUESTIONS],
        "if_any_yes": MESSAGES["see_clinician"],
        "if_urgent_yes": MESSAGES["urgent"],
    }
