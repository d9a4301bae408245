"""The finding -> cause -> action map covers every finding and only real exercises."""

from __future__ import annotations

import json

import pytest

from gaitcam.advice.actions import CAUSE_KINDS, DATA_PATH, load_actions, parse_actions
from gaitcam.advice.exercises import ExerciseDataError, exercise_svg, load_exercises
from gaitcam.advice.finding_ids import FIXED_FINDING_IDS


def finding_ids() -> list[str]:
    try:
        from gaitcam.registry import FINDINGS
    except ImportError:
        return list(FIXED_FINDING_IDS)
    return list(FINDINGS)


def test_registry_and_fixed_list_agree_on_the_16_ids():
    assert len(FIXED_FINDING_IDS) == 16
    assert set(finding_ids()) >= set(FIXED_FINDING_IDS)


@pytest.mark.parametrize("finding_id", finding_ids())
def test_every_finding_has_causes_and_ranked_actions(finding_id):
    amap = load_actions()
    fa = amap.for_finding(finding_id)
    assert fa is not None, f"no mapping for {finding_id}"
    assert len(fa.causes) >= 2 and len(fa.exercises) >= 2 and fa.cues
    assert "back" in fa.why_it_matters.lower()
    assert all(c.kind in CAUSE_KINDS and c.explanation for c in fa.causes)
    exercises = load_exercises()
    for ex_id in fa.exercises:
        assert ex_id in exercises, f"{finding_id} names unknown exercise {ex_id}"
        assert exercise_svg(ex_id).startswith("<svg"), f"{ex_id} has no illustration"
        # The library and the map agree on what an exercise is for.
        assert finding_id in exercises[ex_id].findings, (finding_id, ex_id)
    assert all(c in amap.cues for c in fa.cues)


def test_key_mappings_for_the_back_pain_focus():
    amap = load_actions()
    assert amap.findings["overstride"].exercises[:2] == ("cadence_drill", "run_tall_form_drill")
    assert amap.cues[amap.findings["overstride"].cues[0]] == "Land with your foot under your hips"
    drop = amap.findings["pelvic_drop"].exercises
    assert drop[0] in ("side_lying_hip_abduction", "clamshell")
    assert "single_leg_romanian_deadlift" in drop[:3]
    kinds = {c.kind for f in amap.findings.values() for c in f.causes}
    assert kinds == set(CAUSE_KINDS)


def test_every_exercise_is_reachable_or_part_of_routine_care():
    amap = load_actions()
    reached = {e for f in amap.findings.values() for e in f.exercises}
    routine = {"dynamic_warm_up", "knee_to_chest", "cat_cow", "childs_pose"}
    assert set(load_exercises()) - reached <= routine


def doc() -> dict:
    return json.loads(DATA_PATH.read_text(encoding="utf-8"))


def test_a_missing_finding_fails_validation():
    d = doc()
    del d["findings"]["pelvic_drop"]
    with pytest.raises(ExerciseDataError, match="no mapping for finding.*pelvic_drop"):
        parse_actions(d)


def test_an_unknown_exercise_fails_validation():
    d = doc()
    d["findings"]["overstride"]["actions"]["exercises"].append("burpee")
    with pytest.raises(ExerciseDataError, match="'overstride' exercises.*burpee"):
        parse_actions(d)


def test_an_unknown_cause_kind_fails_validation():
    d = doc()
    d["causes"]["fatigue"]["kind"] = "bad luck"
    with pytest.raises(ExerciseDataError, match="'fatigue'.*kind"):
        parse_actions(d)
