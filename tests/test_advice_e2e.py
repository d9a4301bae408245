"""Acceptance: synthetic runners with a known fault get the plan that fault calls for.

Two routes: the synthetic model's true metric values -> registry findings -> plan (needs
gaitcam.synthetic), and the full route synthetic keypoints -> analyze_sequence -> report ->
plan (also needs gaitcam.analysis). Each skips with the reason when its modules are missing.
"""

from __future__ import annotations

import pytest

from gaitcam.advice import build_plan

synthetic = pytest.importorskip(
    "gaitcam.synthetic", reason="gaitcam.synthetic (the synthetic runner) is not available yet")
registry = pytest.importorskip("gaitcam.registry", reason="gaitcam.registry is not available yet")

OVERSTRIDER = dict(overstride_pct_leg=22.0, foot_strike_angle_deg=18.0, cadence_spm=158.0,
                   speed_mps=2.6)
PELVIC_DROPPER = dict(pelvic_drop_deg=10.0)
GLUTE_MED = {"side_lying_hip_abduction", "clamshell"}


def analyze():
    mod = pytest.importorskip(
        "gaitcam.analysis", reason="gaitcam.analysis (analyze_sequence) is not available yet")
    return mod.analyze_sequence


def assert_leads_with_cadence_and_landing(plan: dict) -> None:
    lead = plan["focus"][0]
    stride = {"low_cadence", "overstride", "tibia_overstride", "heel_strike"}
    assert lead["finding"] in stride, plan["focus"]
    assert lead["exercises"][:2] == ["cadence_drill", "run_tall_form_drill"]
    cues = [c["text"] for c in plan["cues"][:2]]
    assert "Land with your foot under your hips" in cues, cues
    assert plan["schedule"]["run"]["exercises"][1:3] == ["cadence_drill", "run_tall_form_drill"]


def assert_glute_med_and_single_leg(plan: dict) -> None:
    lead = plan["focus"][0]
    assert lead["finding"] in ("pelvic_drop", "lateral_trunk_lean", "excessive_trunk_sway"), \
        plan["focus"]
    assert set(lead["exercises"]) & GLUTE_MED
    strength = set(plan["schedule"]["strength"]["exercises"])
    assert strength & GLUTE_MED and "single_leg_romanian_deadlift" in strength


def test_overstrider_truth_gives_cadence_first():
    sk = synthetic.simulate(synthetic.RunnerParams(**OVERSTRIDER), duration_s=3.0)
    plan = build_plan({"findings": registry.evaluate(sk.truth)})
    assert_leads_with_cadence_and_landing(plan)


def test_pelvic_drop_truth_gives_glute_medius_and_single_leg_work():
    sk = synthetic.simulate(synthetic.RunnerParams(**PELVIC_DROPPER), duration_s=3.0)
    plan = build_plan({"findings": registry.evaluate(sk.truth)})
    assert_glute_med_and_single_leg(plan)


def test_overstrider_report_gives_cadence_first():
    analyze_sequence = analyze()
    seq, _ = synthetic.synthetic_sequence(synthetic.RunnerParams(**OVERSTRIDER), view="side",
                                          duration_s=8.0, fps=60.0)
    report = analyze_sequence(seq)
    report["plan"] = build_plan(report)
    assert_leads_with_cadence_and_landing(report["plan"])


def test_pelvic_drop_rear_view_report_gives_glute_medius_and_single_leg_work():
    analyze_sequence = analyze()
    seq, _ = synthetic.synthetic_sequence(synthetic.RunnerParams(**PELVIC_DROPPER), view="rear",
                                          duration_s=8.0, fps=60.0)
    report = analyze_sequence(seq)
    report["plan"] = build_plan(report)
    assert_glute_med_and_single_leg(report["plan"])
