"""Red-flag self-check, flare-up care and the disclaimer."""

from __future__ import annotations

import pytest

from gaitcam.advice.flare_up import FLARE_UP_EXERCISES, FLARE_UP_STEPS
from gaitcam.advice.red_flags import (
    DISCLAIMER,
    RED_FLAG_QUESTIONS,
    RedFlagInputError,
    assess_red_flags,
)

IDS = [q.id for q in RED_FLAG_QUESTIONS]
URGENT = {q.id for q in RED_FLAG_QUESTIONS if q.urgency == "urgent"}


def all_no() -> dict[str, bool]:
    return dict.fromkeys(IDS, False)


def test_questions_cover_the_red_flags():
    text = " ".join(q.text for q in RED_FLAG_QUESTIONS).lower()
    for needle in ("one to two weeks", "worse despite rest", "numbness", "tingling", "weakness",
                   "down one or both legs", "suddenly", "bladder or bowel", "saddle"):
        assert needle in text, needle
    expected = {"sudden_severe_pain", "bladder_bowel", "saddle_numbness", "progressive_weakness"}
    assert expected == URGENT
    assert {q.urgency for q in RED_FLAG_QUESTIONS} == {"see_clinician", "urgent"}


def test_all_no_means_no_red_flag():
    result = assess_red_flags(all_no())
    assert result.level == "none" and not result.see_clinician and not result.unanswered


@pytest.mark.parametrize("qid", [q for q in IDS if q not in URGENT])
def test_any_yes_sends_the_runner_to_a_clinician(qid):
    result = assess_red_flags({**all_no(), qid: True})
    assert result.level == "see_clinician" and result.positives == (qid,)
    assert "doctor or physiotherapist" in result.message


@pytest.mark.parametrize("qid", sorted(URGENT))
def test_urgent_yes_means_immediate_care(qid):
    result = assess_red_flags({**all_no(), "numbness_tingling": True, qid: True})
    assert result.level == "urgent" and result.urgent
    assert "now" in result.message and "emergency" in result.message


def test_unanswered_questions_are_reported():
    result = assess_red_flags({"pain_persists": False})
    assert result.level == "none" and len(result.unanswered) == len(IDS) - 1
    assert "not answered" in result.message


@pytest.mark.parametrize("answers", [{"pain_persists": "yes"}, {"bogus": True}, ["pain"]])
def test_bad_answers_are_clear_errors(answers):
    with pytest.raises(RedFlagInputError):
        assess_red_flags(answers)


def test_disclaimer_and_flare_up_care():
    assert DISCLAIMER.startswith("gaitcam educates; it does not diagnose")
    assert assess_red_flags(all_no()).to_dict()["disclaimer"] == DISCLAIMER
    text = " ".join(s["title"] + " " + s["text"] for s in FLARE_UP_STEPS).lower()
    for needle in ("aggravates", "48-72 hours", "heat", "pain-free",
                   "label", "pharmacist", "knee-to-chest", "cat-cow", "child's pose"):
        assert needle in text, needle
    assert set(FLARE_UP_EXERCISES) == {"knee_to_chest", "cat_cow", "childs_pose"}
