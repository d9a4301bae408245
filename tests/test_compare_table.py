"""The comparison table and the normalised curves, from synthetic runners through the analysis."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.analysis import analyze_sequence
from gaitcam.compare.comparison import ClipAnalysis, compare
from gaitcam.compare.curves import cycle_curve, normalise_cycles
from gaitcam.compare.table import compare_metrics, judge_change, table_text
from gaitcam.synthetic import RunnerParams, synthetic_sequence


def _analysed(cadence: float, lean: float, seed: int, view: str = "side", **params):
    params = RunnerParams(cadence_spm=cadence, trunk_lean_deg=lean, speed_mps=2.5, **params)
    seq, truth = synthetic_sequence(params,
                                    view=view, facing="left", fps=30, duration_s=8, seed=seed,
                                    image_size=(640, 360), noise_px=0.5)
    return seq, analyze_sequence(seq), truth


@pytest.fixture(scope="module")
def before_after():
    seq_a, rep_a, _ = _analysed(160, 8, seed=5)
    seq_b, rep_b, _ = _analysed(172, 14, seed=6)
    return (ClipAnalysis("Before", rep_a, seq_a), ClipAnalysis("After", rep_b, seq_b))


def test_acceptance_trunk_lean_and_cadence_differences(before_after) -> None:
    """Trunk lean 8° -> 14° and cadence 160 -> 172 spm show up as such in the table."""
    a, b = before_after
    rows = {r.key: r for r in compare_metrics(a.report, b.report)}
    lean, cadence = rows["trunk_lean_deg"], rows["cadence_spm"]
    assert lean.a == pytest.approx(8, abs=1.5) and lean.b == pytest.approx(14, abs=1.5)
    assert lean.diff == pytest.approx(6, abs=1.5)
    assert lean.change == "worse"  # 14° is past the 10° edge of the good band
    assert cadence.a == pytest.approx(160, abs=1.5) and cadence.b == pytest.approx(172, abs=1.5)
    assert cadence.diff == pytest.approx(12, abs=2)
    # 160 is the edge of the good band: "better" if A measured just under it
    assert cadence.change == ("better" if cadence.a < 160 else "within band")
    # everything else was the same runner: no big change anywhere in the side-view angles
    for key in ("overstride_pct_leg", "knee_flexion_ic_deg", "foot_strike_angle_deg"):
        assert abs(rows[key].diff) < 4, (key, rows[key])  # IC angles: ~3° timing error
    assert rows["foot_strike_pattern"].change == "no change"
    # frontal-plane metrics are not measurable from the side: left out of the table
    assert "pelvic_drop_deg" not in rows
    text = table_text(list(rows.values()), "Before", "After")
    assert "Forward trunk lean" in text and "worse" in text and "14" in text


def test_curves_show_the_trunk_lean_difference(before_after) -> None:
    a, b = before_after
    cmp = compare(a, b)
    assert cmp.timeline is not None and cmp.sync_error is None
    assert cmp.common_curves == ["trunk_lean_deg", "knee_flexion_deg"]
    ca, cb = cmp.curves_a["trunk_lean_deg"], cmp.curves_b["trunk_lean_deg"]
    assert ca.mean.shape == (101,) and ca.sd.shape == (101,)
    assert ca.n_strides >= 8
    # the synthetic trunk is held at a constant lean: flat curves at 8° and 14°
    assert np.nanmean(ca.mean) == pytest.approx(8, abs=1.5)
    assert np.nanmean(cb.mean) == pytest.approx(14, abs=1.5)
    # knee bend peaks in swing (after toe-off at about a third of the cycle), like a runner's
    knee = cmp.curves_a["knee_flexion_deg"]
    assert 40 < int(np.argmax(knee.mean)) < 95
    assert knee.mean.max() > 60


def test_rear_view_curves_have_pelvic_drop_sign() -> None:
    """Rear view: the hip line curve reads + (opposite hip lower) in the reference stance."""
    seq, rep, _ = _analysed(170, 6, seed=7, view="rear", pelvic_drop_deg=7.0)
    a = ClipAnalysis("A", rep, seq)
    cmp = compare(a, a)
    assert "pelvic_obliquity_deg" in cmp.common_curves
    curve = cmp.curves_a["pelvic_obliquity_deg"]
    stance = curve.mean[:30]  # midstance of the reference foot lies in the first third
    assert stance.max() > 4.0
    assert all(r.change == "no change" for r in cmp.rows if r.a is not None)


def test_normalise_cycles_resamples_each_stride() -> None:
    t = np.arange(0, 5, 0.01)
    values = np.sin(2 * np.pi * t)  # one cycle per second
    contacts = np.array([0.5, 1.5, 2.5, 3.5])
    cycles = normalise_cycles(t, values, contacts)
    assert cycles.shape == (3, 101)
    expected = np.sin(2 * np.pi * (0.5 + np.linspace(0, 1, 101)))
    assert np.allclose(cycles, expected, atol=1e-3)
    # a stride with too many missing frames is left out; small gaps are filled
    holey = values.copy()
    holey[160:240] = np.nan  # most of the 2nd stride
    holey[60:63] = np.nan
    assert normalise_cycles(t, holey, contacts).shape == (2, 101)
    # a missed contact (a 2 s "stride") is not averaged in
    assert normalise_cycles(t, values, np.array([0.5, 1.5, 3.5, 4.5])).shape == (2, 101)
    c = cycle_curve("knee_flexion_deg", t, values, contacts)
    assert c is not None and c.n_strides == 3 and np.allclose(c.sd, 0, atol=1e-3)
    assert cycle_curve("knee_flexion_deg", t, np.full_like(t, np.nan), contacts) is None


@pytest.mark.parametrize(("key", "a", "b", "change"), [
    ("trunk_lean_deg", 8.0, 14.0, "worse"),
    ("trunk_lean_deg", 14.0, 8.0, "better"),
    ("trunk_lean_deg", 6.0, 8.0, "within band"),  # both good, no preferred direction
    ("trunk_lean_deg", 8.0, 8.6, "no change"),  # under the 1° measurement error
    ("cadence_spm", 162.0, 172.0, "within band"),  # both good: not graded
    ("cadence_spm", 150.0, 165.0, "better"),
    ("cadence_spm", 172.0, 171.5, "no change"),
    ("pelvic_drop_deg", 9.0, 6.0, "better"),
    ("overstride_pct_leg", 10.0, 25.0, "worse"),
    ("contact_time_ms", 250.0, 280.0, "worse"),  # no band, but higher is worse
    ("foot_strike_angle_deg", 12.0, 5.0, "changed"),  # no band and no direction
    ("foot_strike_pattern", "rearfoot", "midfoot", "changed"),
    ("knee_flexion_ic_deg", None, 15.0, "n/a"),
])
def test_judge_change(key, a, b, change) -> None:
    assert judge_change(key, a, b) == change


def test_not_measurable_in_one_clip_is_na() -> None:
    rep_a = {"metrics": {"pelvic_drop_deg": {"value": 6.0, "measurable": True, "unit": "deg"}}}
    rep_b = {"metrics": {"pelvic_drop_deg": {"value": None, "measurable": False}}}
    (row,) = compare_metrics(rep_a, rep_b)
    assert row.change == "n/a" and row.diff is None and row.b_text == "n/a"
    assert row.status_a == "watch" and row.status_b == "not_measurable"
    assert compare_metrics(rep_b, rep_b) == []


def test_timing_tolerance_is_at_least_one_frame() -> None:
    def report(contact_ms: float, fps: float) -> dict:
        return {"quality": {"fps": fps},
                "metrics": {"contact_time_ms": {"value": contact_ms, "measurable": True},
                            "duty_factor_pct": {"value": contact_ms / 7.0, "measurable": True},
                            "cadence_spm": {"value": 171.4, "measurable": True}}}

    slow = {r.key: r for r in compare_metrics(report(250, 30), report(280, 30))}
    assert slow["contact_time_ms"].change == "no change"  # 30 ms < one frame (33 ms)
    assert slow["contact_time_ms"].tolerance == pytest.approx(33.333, abs=0.01)
    assert slow["duty_factor_pct"].change == "no change"  # 4.3 points < one frame of a stride
    fast = {r.key: r for r in compare_metrics(report(250, 240), report(280, 30 * 8))}
    assert fast["contact_time_ms"].change == "worse" and fast["contact_time_ms"].tolerance == 10
    assert fast["duty_factor_pct"].change == "within band"
