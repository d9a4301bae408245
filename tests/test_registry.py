"""The metric registry: contract coverage, band consistency, docs in sync, status and findings."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from gaitcam import registry as reg
from gaitcam.registry import FINDINGS, METRICS, SOURCES, evaluate, status

ROOT = Path(__file__).resolve().parents[1]

# The shared contract (common brief), written out here so a rename in the registry fails a test.
CONTRACT_METRICS = {
    "cadence_spm",
    "trunk_lean_deg",
    "overstride_pct_leg",
    "shank_angle_ic_deg",
    "foot_strike_angle_deg",
    "foot_strike_pattern",
    "knee_flexion_ic_deg",
    "vertical_oscillation_pct_leg",
    "vertical_oscillation_cm",
    "hip_extension_deg",
    "contact_time_ms",
    "duty_factor_pct",
    "pelvic_drop_deg",
    "lateral_trunk_lean_deg",
    "trunk_sway_range_deg",
    "step_width_pct_leg",
    "knee_valgus_deg",
}
CONTRACT_FINDINGS = {
    "low_cadence",
    "forward_trunk_lean",
    "backward_trunk_lean",
    "overstride",
    "tibia_overstride",
    "heel_strike",
    "stiff_knee_landing",
    "high_vertical_oscillation",
    "limited_hip_extension",
    "long_ground_contact",
    "pelvic_drop",
    "lateral_trunk_lean",
    "excessive_trunk_sway",
    "crossover_gait",
    "knee_valgus",
    "asymmetry",
}
FINDING_KEYS = {"id", "metric", "severity", "value", "message", "confidence"}


# --- the registry covers the contract and is internally consistent ---------------------------


def test_metrics_and_findings_match_the_contract_exactly():
    assert set(METRICS) == CONTRACT_METRICS
    assert set(FINDINGS) == CONTRACT_FINDINGS
    assert all(k == m.key for k, m in METRICS.items())
    assert all(k == f.id for k, f in FINDINGS.items())
    assert all(k == s.key for k, s in SOURCES.items())


@pytest.mark.parametrize("key", sorted(CONTRACT_METRICS))
def test_metric_definition_is_complete(key):
    m = METRICS[key]
    assert m.views and set(m.views) <= {"side", "rear", "front"}
    assert m.evidence in ("evidence", "convention")
    assert m.higher_is in (None, "worse", "better")
    assert m.label and m.definition and m.sign_convention and m.sources
    assert m.explanation and "\n" not in m.explanation and len(m.explanation) <= 120
    assert (m.good is None) == (m.watch is None), "a metric has both bands or neither"
    if m.evidence == "convention":
        assert "onvention" in m.note, "say in the note that the band is a convention"


@pytest.mark.parametrize("key", sorted(k for k, m in METRICS.items() if not m.is_info))
def test_bands_are_ordered_and_good_lies_inside_watch(key):
    m = METRICS[key]
    (glo, ghi), (wlo, whi) = m.good, m.watch
    if glo is not None and ghi is not None:
        assert glo < ghi
    # good inside watch: the watch edge is at least as wide on each side, and unbounded where
    # good is unbounded
    assert (wlo is None) if glo is None else (wlo is None or wlo <= glo)
    assert (whi is None) if ghi is None else (whi is None or whi >= ghi)
    # every bounded side of the good band names the finding it raises, so no metric can show
    # "watch"/"flag" without a finding to explain it
    assert (glo is None) == (m.finding_low is None)
    assert (ghi is None) == (m.finding_high is None)


def test_every_source_is_used_and_every_reference_resolves():
    used = {s for m in METRICS.values() for s in m.sources}
    assert used <= set(SOURCES), f"unknown sources {used - set(SOURCES)}"
    assert set(SOURCES) <= used, f"sources no metric cites: {set(SOURCES) - used}"
    for s in SOURCES.values():
        assert s.citation and s.finding
        assert re.search(r"(19|20)\d\d", s.citation), s.key


def test_findings_and_metrics_reference_each_other_both_ways():
    referenced = {}
    for m in METRICS.values():
        for direction, fid in (("high", m.finding_high), ("low", m.finding_low)):
            if fid is not None:
                assert fid in FINDINGS, fid
                referenced[fid] = (m.key, direction)
    for f in FINDINGS.values():
        if f.id == "asymmetry":
            assert f.metric is None
            continue
        assert referenced.get(f.id) == (f.metric, f.direction), f.id
    assert set(referenced) == CONTRACT_FINDINGS - {"asymmetry"}


@pytest.mark.parametrize("fid", sorted(CONTRACT_FINDINGS))
def test_finding_messages_fill_in_and_stay_plain(fid):
    f = FINDINGS[fid]
    for template in (f.message_watch, f.message_flag):
        text = template.format(value="12°", label="knee bend", detail="left 10°, right 20°")
        assert "{" not in text and len(text) < 400
        assert not re.search(r"\bdiagnos", text, re.I)
    assert f.message_watch != f.message_flag


# --- generated and hand-written docs ---------------------------------------------------------


def test_metrics_doc_is_the_generated_text():
    doc = (ROOT / "docs" / "metrics.md").read_text(encoding="utf-8")
    assert doc == reg.metrics_table_markdown(), (
        "docs/metrics.md is stale: run python -m gaitcam.registry --write docs/metrics.md"
    )
    for key in CONTRACT_METRICS:
        assert f"`{key}`" in doc
    for fid in CONTRACT_FINDINGS:
        assert f"`{fid}`" in doc


def test_module_entry_point_writes_the_same_text(tmp_path, capsys):
    out = tmp_path / "m.md"
    assert reg.main(["--write", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == reg.metrics_table_markdown()
    assert reg.main([]) == 0
    assert capsys.readouterr().out == reg.metrics_table_markdown()


def test_evidence_doc_has_one_entry_per_source():
    doc = (ROOT / "docs" / "evidence.md").read_text(encoding="utf-8")
    headings = re.findall(r"^### (\S+)$", doc, re.M)
    assert sorted(headings) == sorted(SOURCES)
    for s in SOURCES.values():
        doi = re.search(r"doi:(\S+)", s.citation)
        if doi:  # the DOI in the doc and in the registry must agree
            assert doi.group(1) in doc, s.key


# --- status ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("pelvic_drop_deg", 3.0, "good"),
        ("pelvic_drop_deg", 5.0, "good"),  # edges belong to the inner band
        ("pelvic_drop_deg", 6.5, "watch"),
        ("pelvic_drop_deg", 8.0, "watch"),
        ("pelvic_drop_deg", 8.1, "flag"),
        ("pelvic_drop_deg", -4.0, "good"),  # the swing-side hip higher: unbounded below
        ("trunk_lean_deg", 5.0, "good"),
        ("trunk_lean_deg", 12.0, "watch"),
        ("trunk_lean_deg", 14.0, "flag"),
        ("trunk_lean_deg", -3.0, "watch"),
        ("trunk_lean_deg", -6.0, "flag"),
        ("cadence_spm", 172.0, "good"),
        ("cadence_spm", 155.0, "watch"),
        ("cadence_spm", 140.0, "flag"),
        ("cadence_spm", 230, "good"),  # ints work too
        ("step_width_pct_leg", -2.0, "watch"),
        ("step_width_pct_leg", -7.0, "flag"),
        ("knee_flexion_ic_deg", 10.0, "watch"),
        ("knee_flexion_ic_deg", 7.0, "flag"),
        ("foot_strike_angle_deg", 25.0, "info"),
        ("contact_time_ms", 400.0, "info"),
        ("vertical_oscillation_cm", 12.0, "info"),
        ("foot_strike_pattern", "rearfoot", "info"),
        ("overstride_pct_leg", None, "not_measurable"),
        ("overstride_pct_leg", math.nan, "not_measurable"),
        ("overstride_pct_leg", math.inf, "not_measurable"),
        ("foot_strike_pattern", None, "not_measurable"),
    ],
)
def test_status(key, value, expected):
    assert status(key, value) == expected


def test_status_rejects_unknown_keys_and_non_numbers():
    with pytest.raises(KeyError):
        status("stride_length_m", 1.0)
    with pytest.raises(TypeError):
        status("cadence_spm", "fast")


@pytest.mark.parametrize(
    ("angle", "pattern"),
    [
        (20.0, "rearfoot"),
        (8.1, "rearfoot"),
        (8.0, "midfoot"),
        (0.0, "midfoot"),
        (-1.6, "midfoot"),
        (-1.7, "forefoot"),
        (-10.0, "forefoot"),
        (None, None),
    ],
)
def test_foot_strike_pattern_uses_the_documented_thresholds(angle, pattern):
    assert reg.FOOT_STRIKE_THRESHOLDS_DEG == {"rearfoot_above": 8.0, "forefoot_below": -1.6}
    assert reg.foot_strike_pattern(angle) == pattern


def test_format_value():
    assert reg.format_value("trunk_lean_deg", 12.4) == "12°"
    assert reg.format_value("cadence_spm", 167.6) == "168 steps/min"
    assert reg.format_value("overstride_pct_leg", 21.2) == "21%"
    assert reg.format_value("contact_time_ms", 251.0) == "251 ms"
    assert reg.format_value("foot_strike_pattern", "rearfoot") == "rearfoot"
    assert reg.format_value("cadence_spm", None) == "n/a"


# --- evaluate --------------------------------------------------------------------------------


def entry(value, confidence=0.9, left=None, right=None, measurable=True, **extra):
    """A report metric entry with only the fields evaluate() reads."""
    return {
        "value": value,
        "confidence": confidence,
        "left": left,
        "right": right,
        "measurable": measurable,
        **extra,
    }


def ids(findings):
    return [(f["id"], f["metric"], f["severity"]) for f in findings]


def test_good_or_empty_metrics_give_no_findings():
    assert evaluate({}) == []
    good = {
        k: entry(v)
        for k, v in {
            "cadence_spm": 170,
            "trunk_lean_deg": 6,
            "overstride_pct_leg": 12,
            "shank_angle_ic_deg": 3,
            "knee_flexion_ic_deg": 20,
            "pelvic_drop_deg": 3,
            "step_width_pct_leg": 6,
            "foot_strike_angle_deg": 18,
        }.items()
    }
    assert evaluate(good) == []


def test_band_findings_severity_value_and_message():
    found = evaluate({"trunk_lean_deg": entry(14.2), "cadence_spm": entry(155.0)})
    assert ids(found) == [
        ("forward_trunk_lean", "trunk_lean_deg", "flag"),
        ("low_cadence", "cadence_spm", "watch"),
    ]
    assert all(set(f) == FINDING_KEYS for f in found)
    assert found[0]["value"] == 14.2 and found[0]["confidence"] == 0.9
    assert "14°" in found[0]["message"]
    assert found[0]["message"] == FINDINGS["forward_trunk_lean"].message_flag.format(value="14°")
    assert "155 steps/min" in found[1]["message"]


def test_walking_values_are_information_only():
    """The bands describe running: a walker's values get "info" and raise no findings."""
    walk = {"cadence_spm": entry(112.0), "overstride_pct_leg": entry(40.0),
            "contact_time_ms": entry(620.0), "foot_strike_angle_deg": entry(25.0)}
    assert status("cadence_spm", 112.0) == "flag"
    assert status("cadence_spm", 112.0, gait="walking") == "info"
    assert status("cadence_spm", None, gait="walking") == "not_measurable"
    assert evaluate(walk)  # judged as running, these would be findings
    assert evaluate(walk, gait="walking") == []
    assert evaluate(walk, gait="running") == evaluate(walk)
    assert reg.GAIT_TYPES == ("running", "walking") and reg.BANDED_GAITS == ("running",)


def test_low_side_findings():
    found = evaluate(
        {
            "trunk_lean_deg": entry(-6.0),
            "step_width_pct_leg": entry(-3.0),
            "knee_flexion_ic_deg": entry(10.0),
            "hip_extension_deg": entry(2.0),
        }
    )
    assert set(ids(found)) == {
        ("backward_trunk_lean", "trunk_lean_deg", "flag"),
        ("crossover_gait", "step_width_pct_leg", "watch"),
        ("stiff_knee_landing", "knee_flexion_ic_deg", "watch"),
        ("limited_hip_extension", "hip_extension_deg", "flag"),
    }


def test_unmeasurable_and_low_confidence_metrics_are_skipped():
    cutoff = reg.MIN_FINDING_CONFIDENCE
    found = evaluate(
        {
            "pelvic_drop_deg": entry(12.0, measurable=False),
            "trunk_lean_deg": entry(20.0, confidence=cutoff - 0.01),
            "cadence_spm": entry(None),
            "overstride_pct_leg": entry(math.nan),
            "knee_valgus_deg": entry(20.0, confidence=cutoff),
        }
    )
    assert ids(found) == [("knee_valgus", "knee_valgus_deg", "flag")]


def test_missing_confidence_counts_as_full():
    found = evaluate({"pelvic_drop_deg": {"value": 9.0}})
    assert ids(found) == [("pelvic_drop", "pelvic_drop_deg", "flag")]
    assert found[0]["confidence"] == 1.0


def test_ranking_flags_first_then_excess_times_confidence():
    found = evaluate(
        {
            "pelvic_drop_deg": entry(6.0, confidence=1.0),  # watch, 1/3 of the band
            "trunk_lean_deg": entry(12.5, confidence=1.0),  # watch, 5/6 of the band
            "knee_valgus_deg": entry(16.0, confidence=0.4),  # flag: 1.2 * 0.4
            "overstride_pct_leg": entry(35.0, confidence=0.9),  # flag: 1.5 * 0.9
        }
    )
    assert [f["id"] for f in found] == [
        "overstride",
        "knee_valgus",
        "forward_trunk_lean",
        "pelvic_drop",
    ]
    # lower confidence demotes within a severity
    found = evaluate(
        {
            "pelvic_drop_deg": entry(7.5, confidence=0.3),
            "lateral_trunk_lean_deg": entry(6.0, confidence=1.0),
        }
    )
    assert [f["id"] for f in found] == ["lateral_trunk_lean", "pelvic_drop"]


def test_heel_strike_needs_a_rearfoot_strike_and_an_overstride():
    rearfoot = entry(18.0)
    # the angle alone never fires, however large
    assert evaluate({"foot_strike_angle_deg": entry(30.0)}) == []
    # rearfoot + overstride watch -> heel_strike watch, ranked right after its partner
    found = evaluate({"foot_strike_angle_deg": rearfoot, "overstride_pct_leg": entry(25.0)})
    assert ids(found) == [
        ("overstride", "overstride_pct_leg", "watch"),
        ("heel_strike", "foot_strike_angle_deg", "watch"),
    ]
    assert found[1]["value"] == 18.0 and "18°" in found[1]["message"]
    # the worse partner sets the severity
    found = evaluate(
        {
            "foot_strike_angle_deg": rearfoot,
            "overstride_pct_leg": entry(25.0),
            "shank_angle_ic_deg": entry(14.0),
        }
    )
    assert ("heel_strike", "foot_strike_angle_deg", "flag") in ids(found)
    # a midfoot landing with the same overstride: no heel_strike
    found = evaluate({"foot_strike_angle_deg": entry(5.0), "overstride_pct_leg": entry(35.0)})
    assert [f["id"] for f in found] == ["overstride"]
    # an unreliable foot angle: no heel_strike
    found = evaluate(
        {"foot_strike_angle_deg": entry(18.0, confidence=0.1), "overstride_pct_leg": entry(35.0)}
    )
    assert [f["id"] for f in found] == ["overstride"]
    # confidence is the lower of the two
    found = evaluate(
        {
            "foot_strike_angle_deg": entry(18.0, confidence=0.5),
            "overstride_pct_leg": entry(35.0, confidence=0.8),
        }
    )
    assert found[1]["confidence"] == 0.5


def test_asymmetry_in_degrees_points_and_percent():
    found = evaluate(
        {
            # angles: |L - R| in degrees; both sides in the watch band
            "pelvic_drop_deg": entry(7.0, left=2.0, right=11.0),
            # % of leg: percentage points
            "overstride_pct_leg": entry(18.0, left=14.0, right=22.0),
            # other units: relative difference; contact time has no band but can be asymmetric
            "contact_time_ms": entry(280.0, left=250.0, right=310.0),
        }
    )
    asym = {f["metric"]: f for f in found if f["id"] == "asymmetry"}
    assert asym["pelvic_drop_deg"]["severity"] == "flag"
    assert asym["pelvic_drop_deg"]["value"] == 9.0
    assert "left 2°, right 11°" in asym["pelvic_drop_deg"]["message"]
    assert "pelvic drop" in asym["pelvic_drop_deg"]["message"]
    assert asym["overstride_pct_leg"]["severity"] == "watch"  # 8 points, both sides not good
    assert asym["overstride_pct_leg"]["value"] == 8.0
    assert asym["contact_time_ms"]["severity"] == "flag"  # 60 / 280 = 21 %
    assert asym["contact_time_ms"]["value"] == pytest.approx(21.43, abs=0.01)


def test_small_asymmetry_is_silent_and_both_good_is_capped_at_watch():
    assert evaluate({"knee_flexion_ic_deg": entry(20.0, left=18.0, right=22.0)}) == []
    # 11 deg apart but both knees in the good band: watch, ranked below a real band finding
    found = evaluate(
        {"knee_flexion_ic_deg": entry(21.0, left=16.0, right=27.0), "cadence_spm": entry(158.0)}
    )
    assert ids(found) == [
        ("low_cadence", "cadence_spm", "watch"),
        ("asymmetry", "knee_flexion_ic_deg", "watch"),
    ]


def test_knee_valgus_asymmetry_needs_more_than_the_pose_models_own_side_error():
    # A 7 deg left/right difference is what MediaPipe reads on a symmetric rendered runner
    # filmed from behind (registry.ASYMMETRY_THRESHOLDS_BY_METRIC): no finding; other angles
    # keep the 5 deg edge.
    assert evaluate({"knee_valgus_deg": entry(4.0, left=0.5, right=7.5)}) == []
    assert ids(evaluate({"pelvic_drop_deg": entry(4.0, left=0.5, right=7.5)})) == [
        ("asymmetry", "pelvic_drop_deg", "watch")]
    found = evaluate({"knee_valgus_deg": entry(10.0, left=2.0, right=18.0)})
    assert ("asymmetry", "knee_valgus_deg", "flag") in ids(found)
    found = evaluate({"knee_valgus_deg": entry(8.0, left=2.0, right=14.0)})
    assert ("asymmetry", "knee_valgus_deg", "watch") in ids(found)


def test_asymmetry_falls_back_to_asymmetry_pct_only_for_ratio_units():
    found = evaluate(
        {
            "duty_factor_pct": entry(40.0, asymmetry_pct=18.0),
            "knee_valgus_deg": entry(4.0, asymmetry_pct=60.0),
        }
    )
    assert ids(found) == [("asymmetry", "duty_factor_pct", "flag")]
    assert "18% apart" in found[0]["message"]


def test_categorical_and_non_bilateral_metrics_raise_no_asymmetry():
    found = evaluate(
        {
            "foot_strike_pattern": entry("rearfoot", left="rearfoot", right="forefoot"),
            "cadence_spm": entry(170.0, left=150.0, right=190.0),
        }
    )
    assert found == []


def test_evaluate_does_not_modify_its_input():
    metrics = {"trunk_lean_deg": entry(14.0, left=12.0, right=16.0)}
    before = repr(metrics)
    evaluate(metrics)
    assert repr(metrics) == before
