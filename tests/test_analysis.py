"""analyze_sequence: the report.json contract, statuses and findings, plot series, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from gaitcam import registry
from gaitcam.analysis import NOT_MEASURABLE, SCHEMA_VERSION, analyze_sequence, series_for_plots
from gaitcam.errors import GaitcamError, NoGaitError, NoPersonError
from gaitcam.gait.metrics import ALL_METRICS
from gaitcam.pose_sequence import PoseSequence
from gaitcam.synthetic import Camera, RunnerParams, project, standing, synthetic_sequence

FINDING_IDS = {
    "low_cadence", "forward_trunk_lean", "backward_trunk_lean", "overstride",
    "tibia_overstride", "heel_strike", "stiff_knee_landing", "high_vertical_oscillation",
    "limited_hip_extension", "long_ground_contact", "pelvic_drop", "lateral_trunk_lean",
    "excessive_trunk_sway", "crossover_gait", "knee_valgus", "asymmetry",
}
METRIC_FIELDS = {"value", "unit", "left", "right", "per_stride", "per_contact", "variability",
                 "asymmetry_pct", "confidence", "status", "measurable", "reason", "n"}


def _no_nan(obj) -> None:
    if isinstance(obj, dict):
        for v in obj.values():
            _no_nan(v)
    elif isinstance(obj, list):
        for v in obj:
            _no_nan(v)
    else:
        assert obj is None or isinstance(obj, str | bool | int | float)
        assert not isinstance(obj, float) or np.isfinite(obj)
        assert type(obj).__module__ == "builtins"


@pytest.mark.parametrize("view", ["side", "rear"])
def test_report_follows_the_contract(view: str) -> None:
    seq, truth = synthetic_sequence(view=view, fps=30, duration_s=10, noise_px=1,
                                    drop_frames=0.02, camera=None if view == "side" else
                                    Camera(distance_m=10))
    r = analyze_sequence(seq, runner_height_cm=175)
    json.dumps(r, allow_nan=False)
    _no_nan(r)
    assert r["schema_version"] == SCHEMA_VERSION == "1.0"
    assert set(r) == {"schema_version", "source", "quality", "view", "gait", "events",
                      "metrics", "not_measurable", "findings"}
    assert r["gait"]["type"] == "running" and r["gait"]["basis"]
    if view == "side":  # 250 ms of a 706 ms stride on the ground: 35%
        assert r["gait"]["duty_factor_pct"] == pytest.approx(35.4, abs=3.0)
    q = r["quality"]
    assert {"frames", "frames_with_runner", "fraction_with_runner", "fps", "duration_s",
            "warnings", "analysed_s"} <= set(q)
    assert q["analysed_s"] is None  # the whole clip
    assert q["frames"] == 300 and 0.9 < q["fraction_with_runner"] < 1.0
    assert r["view"] == {"view": view, "facing": "left" if view == "side" else None,
                         "setting": "treadmill", "confidence": r["view"]["confidence"],
                         "forced": False}
    for s in ("left", "right"):
        ev = r["events"][s]
        assert set(ev) == {"initial_contact_s", "toe_off_s"}
        assert len(ev["initial_contact_s"]) >= 12 and ev["initial_contact_s"] == sorted(
            ev["initial_contact_s"])
    assert set(r["metrics"]) == set(ALL_METRICS)
    for key, e in r["metrics"].items():
        assert set(e) == METRIC_FIELDS
        assert e["status"] in registry.STATUSES
        if e["measurable"]:
            assert e["status"] == registry.status(key, e["value"])
        else:
            assert e["status"] == "not_measurable" and e["reason"]
    assert "anterior_pelvic_tilt_deg" in r["not_measurable"]
    assert r["not_measurable"] == NOT_MEASURABLE
    for f in r["findings"]:
        assert f["id"] in FINDING_IDS and f["severity"] in ("watch", "flag")
    assert r["source"]["path"] == "synthetic"


def test_findings_for_a_jogger_with_back_pain_risks() -> None:
    """Overstriding heel striker with a forward lean: the registry's findings fire."""
    p = RunnerParams(overstride_pct_leg=26.0, trunk_lean_deg=14.0, cadence_spm=152,
                     foot_strike_angle_deg=18.0, knee_flexion_ic_deg=6.0, speed_mps=2.4,
                     contact_time_ms=260.0)
    seq, _ = synthetic_sequence(p, fps=60, duration_s=10)
    r = analyze_sequence(seq)
    ids = {f["id"] for f in r["findings"]}
    assert {"overstride", "forward_trunk_lean", "heel_strike", "stiff_knee_landing",
            "low_cadence"} <= ids
    assert r["metrics"]["overstride_pct_leg"]["status"] in ("watch", "flag")
    rear, _ = synthetic_sequence(RunnerParams(left={"pelvic_drop_deg": 11.0},
                                              step_width_cm=-4.0),
                                 view="rear", fps=60, duration_s=10,
                                 camera=Camera(distance_m=10))
    ids = {f["id"] for f in analyze_sequence(rear)["findings"]}
    assert {"pelvic_drop", "crossover_gait", "asymmetry"} <= ids


def test_a_good_runner_gets_no_flags() -> None:
    p = RunnerParams(overstride_pct_leg=8.0, trunk_lean_deg=5.0, cadence_spm=172,
                     foot_strike_angle_deg=4.0, knee_flexion_ic_deg=18.0, contact_time_ms=240)
    r = analyze_sequence(synthetic_sequence(p, fps=60, duration_s=10)[0])
    assert not [f for f in r["findings"] if f["severity"] == "flag"]


def test_forced_view_and_height() -> None:
    seq, _ = synthetic_sequence(fps=30, duration_s=8)
    r = analyze_sequence(seq, view="side")
    assert r["view"]["forced"] and r["view"]["confidence"] == 1.0
    assert not r["metrics"]["vertical_oscillation_cm"]["measurable"]
    with pytest.raises(GaitcamError, match="height"):
        analyze_sequence(seq, runner_height_cm=1.75)


def test_warnings_tell_what_was_done() -> None:
    seq, _ = synthetic_sequence(fps=30, duration_s=8, swap=((2.0, 3.0),),
                                camera=Camera(roll_deg=4.0), drop_frames=0.3,
                                occlude_far=True)
    r = analyze_sequence(seq)
    text = " ".join(r["quality"]["warnings"])
    for words in ("swapped", "tilted", "30 fps", "found in only", "far (right) leg"):
        assert words in text
    assert r["quality"]["ground_tilt_deg"] == pytest.approx(4.0, abs=0.5)
    assert r["quality"]["label_swaps_fixed"] > 0


def test_no_gait_and_no_person_are_friendly_errors() -> None:
    still = project(standing(fps=30, duration_s=8, arms=True), "side", "left", noise_px=1)
    with pytest.raises(NoGaitError) as e:
        analyze_sequence(still)
    assert e.value.hint and "gait" in e.value.message
    empty = PoseSequence.empty(100, 1280, 720, 30.0)
    with pytest.raises(NoPersonError):
        analyze_sequence(empty)


@pytest.mark.parametrize("view", ["side", "front"])
def test_series_for_plots(view: str) -> None:
    seq, truth = synthetic_sequence(view=view, fps=30, duration_s=8,
                                    camera=Camera(roll_deg=3.0) if view == "side" else None)
    report = analyze_sequence(seq)
    s = series_for_plots(seq, report)
    n = seq.n_frames
    assert np.allclose(s["t"], seq.t)
    for key in ("knee_flexion_left_deg", "knee_flexion_right_deg", "foot_height_left",
                "foot_height_right"):
        assert s[key].shape == (n,)
    if view == "side":
        # From the image vertical: the 3 deg roll is reported, not corrected.
        assert np.nanmedian(s["trunk_lean_deg"]) == pytest.approx(6.0 - 3.0, abs=0.5)
        low = np.nanpercentile(s["foot_height_left"], 10)
        assert abs(low) < 2.0 and np.nanmax(s["foot_height_left"]) > 10
    else:
        assert set(s) >= {"lateral_trunk_lean_deg", "pelvic_obliquity_deg"}
        assert np.nanmax(np.abs(s["pelvic_obliquity_deg"])) == pytest.approx(4.0, abs=0.6)


def test_lite_model_does_not_report_a_foot_strike() -> None:
    """The lite model's foot points are too poor for the foot strike (docs/accuracy.md): the
    same keypoints labelled as lite give no foot-strike values, with the reason; full does."""
    seq, _ = synthetic_sequence(RunnerParams(), fps=60, duration_s=8)
    full = analyze_sequence(seq.replace(source={**seq.source, "model": "full"}))
    lite = analyze_sequence(seq.replace(source={**seq.source, "model": "lite"}))
    for key in ("foot_strike_angle_deg", "foot_strike_pattern"):
        assert full["metrics"][key]["measurable"]
        assert not lite["metrics"][key]["measurable"]
        assert "full or heavy" in lite["metrics"][key]["reason"]
    assert lite["metrics"]["cadence_spm"]["value"] == full["metrics"]["cadence_spm"]["value"]
