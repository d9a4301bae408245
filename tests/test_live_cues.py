"""Live cues, target cadence, metronome, drawing, latency/rate statistics and the stream clock."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam import registry
from gaitcam.live.clock import StreamClock
from gaitcam.live.cues import (
    CUES,
    LIVE_METRICS,
    ascii_text,
    cue_for,
    live_metrics,
    target_cadence,
    worst_cue,
)
from gaitcam.live.drawing import draw_beat, draw_cue
from gaitcam.live.metronome import BeatClock, metronome_html
from gaitcam.live.stats import LatencyStats, RateMeter
from gaitcam.live.steady import steady_report

REPORT = {
    "view": {"view": "side", "facing": "left"},
    "metrics": {
        "cadence_spm": {"value": 158.2, "status": "watch", "measurable": True},
        "trunk_lean_deg": {"value": 17.4, "status": "flag", "measurable": True},
        "overstride_pct_leg": {"value": None, "status": "not_measurable", "measurable": False},
        "foot_strike_pattern": {"value": "rearfoot", "status": "info", "measurable": True},
    },
    "findings": [
        {"id": "forward_trunk_lean", "metric": "trunk_lean_deg", "severity": "flag",
         "value": 17.4, "message": "..."},
        {"id": "low_cadence", "metric": "cadence_spm", "severity": "watch", "value": 158.2,
         "message": "..."},
    ],
}


def test_target_cadence_is_own_cadence_plus_5_to_10_percent() -> None:
    assert target_cadence(158.2) == round(158.2 * 1.075) == 170
    assert target_cadence(158.2, 0.05) == 166
    assert target_cadence(160, 0.10) == 176
    assert target_cadence(None) is None
    assert target_cadence(float("nan")) is None
    with pytest.raises(ValueError):
        target_cadence(160, 0.2)
    with pytest.raises(ValueError):
        target_cadence(160, 0.01)


def test_worst_cue_is_for_the_first_ranked_finding() -> None:
    cue = worst_cue(REPORT)
    assert cue is not None
    assert (cue.finding_id, cue.severity) == ("forward_trunk_lean", "flag")
    assert cue.text == "Lean 17\N{DEGREE SIGN} \N{EM DASH} run tall"
    low = cue_for(REPORT["findings"][1], REPORT, increase=0.05)
    assert low is not None and low.text == "Cadence 158 \N{EM DASH} aim for 166"
    assert worst_cue({"findings": []}) is None
    assert worst_cue({"findings": [{"id": "made_up", "value": 1}]}) is None


def test_every_registry_finding_has_a_cue() -> None:
    assert set(CUES) == set(registry.FINDINGS)
    for fid, fd in registry.FINDINGS.items():
        cue = cue_for({"id": fid, "metric": fd.metric or "overstride_pct_leg",
                       "severity": "watch", "value": 12.0}, {})
        assert cue is not None and 5 < len(cue.text) <= 48, (fid, cue)


def test_live_metrics_rows_per_view() -> None:
    rows = live_metrics(REPORT, "side")
    assert [r.key for r in rows] == list(LIVE_METRICS["side"])
    by_key = {r.key: r for r in rows}
    assert by_key["cadence_spm"].text == "158 steps/min"
    assert by_key["cadence_spm"].status == "watch"
    assert by_key["trunk_lean_deg"].text.startswith("17\N{DEGREE SIGN}")
    assert by_key["overstride_pct_leg"].text == "n/a"
    assert by_key["overstride_pct_leg"].status == "not_measurable"
    assert by_key["foot_strike_pattern"].text == "rearfoot"
    rear = live_metrics(REPORT, "rear")
    assert [r.key for r in rear] == list(LIVE_METRICS["rear"])
    assert "pelvic_drop_deg" in LIVE_METRICS["rear"] and "trunk_sway_range_deg" in LIVE_METRICS[
        "rear"]


def test_cue_banner_and_beat_are_drawn() -> None:
    frame = np.zeros((480, 640, 3), np.uint8)
    draw_cue(frame, "Lean 17\N{DEGREE SIGN} \N{EM DASH} run tall", "flag")
    assert frame[300:, :].any() and not frame[:200, :].any()  # a banner near the bottom
    assert ascii_text("a \N{EM DASH} b") == "a - b"
    untouched = np.zeros_like(frame)
    draw_cue(untouched, None)
    assert not untouched.any()
    on, off = np.zeros_like(frame), np.zeros_like(frame)
    draw_beat(on, phase_s=0.01, period_s=0.35)
    draw_beat(off, phase_s=0.2, period_s=0.35)
    assert on[:80, 560:].sum() > off[:80, 560:].sum() > 0  # bright on the beat, dim between


def test_beat_clock() -> None:
    clock = BeatClock(170, t0=10.0)
    assert clock.period_s == pytest.approx(60 / 170)
    assert clock.beat_index(10.0) == 0
    assert clock.beat_index(10.0 + 5 * clock.period_s + 0.01) == 5
    assert clock.phase(10.0 + 2 * clock.period_s + 0.05) == pytest.approx(0.05)
    with pytest.raises(ValueError):
        BeatClock(20)


def test_metronome_html_is_self_contained_web_audio() -> None:
    html = metronome_html(169.6)
    assert "const bpm = 170;" in html
    assert "AudioContext" in html and "createOscillator" in html
    assert "<button" in html  # audio may only start from a click inside the page
    assert "http" not in html and "src=" not in html  # nothing fetched
    with pytest.raises(ValueError):
        metronome_html(400)


def test_latency_percentiles_and_rate() -> None:
    lat = LatencyStats(maxlen=100)
    assert lat.percentile_ms(90) is None
    for v in range(1, 101):
        lat.add(v / 1000)  # 1..100 ms
    assert lat.percentile_ms(50) == pytest.approx(50.5)
    assert lat.percentile_ms(90) == pytest.approx(90.1)
    lat.add(1.0)  # the oldest value drops out
    assert lat.percentile_ms(0) == pytest.approx(2.0)
    rate = RateMeter(span_s=2.0, clock=lambda: 0.0)
    for i in range(31):
        rate.tick(now=i / 30)
    assert rate.rate(now=1.0) == pytest.approx(30.0)
    assert rate.rate(now=10.0) == 0.0  # nothing in the last 2 s


def test_stream_clock_uses_source_steps_and_survives_jumps() -> None:
    clock = StreamClock()
    assert clock(1000.0, 5.0) == 0.0
    assert clock(1000.04, 5.001) == pytest.approx(0.04)  # source step, not arrival step
    assert clock(None, 5.034) == pytest.approx(0.073)  # no source time: arrival step
    assert clock(3.0, 5.067) == pytest.approx(0.106)  # source restarted: arrival step
    assert clock(3.0, 5.1) > 0.106  # always increasing


def _rolling(cadence: float | None, lean: float, pattern: str) -> dict:
    cad = ({"value": cadence, "measurable": True, "unit": "steps/min"} if cadence is not None
           else {"value": None, "measurable": False})
    return {"view": {"view": "side", "facing": "left"}, "metrics": {
        "cadence_spm": cad,
        "trunk_lean_deg": {"value": lean, "measurable": True},
        "foot_strike_pattern": {"value": pattern, "measurable": True},
    }, "findings": []}


def test_steady_report_takes_medians_and_rederives_findings() -> None:
    reports = [_rolling(161.0, 14.0, "rearfoot"), _rolling(177.0, 9.0, "rearfoot"),
               _rolling(None, 15.0, "midfoot"), _rolling(169.0, 14.5, "rearfoot")]
    merged = steady_report(reports)
    m = merged["metrics"]
    assert m["cadence_spm"]["value"] == 169.0  # median of the measured 161, 177, 169
    assert m["cadence_spm"]["status"] == "good"
    assert m["trunk_lean_deg"]["value"] == 14.25
    assert m["trunk_lean_deg"]["status"] == registry.status("trunk_lean_deg", 14.25) == "flag"
    assert m["foot_strike_pattern"]["value"] == "rearfoot"
    assert [f["id"] for f in merged["findings"]] == ["forward_trunk_lean"]
    assert merged["view"]["facing"] == "left"
    assert steady_report([]) == {}
    assert steady_report(reports[:1])["metrics"]["cadence_spm"]["value"] == 161.0
