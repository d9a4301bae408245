"""A hand-written report (shared report contract) and a matching synthetic clip for the app tests.

Other test_app_* modules import `sample_report`, `sample_seq` and `sample_result` from here, so
the UI can be tested without running MediaPipe. The tests below check the fixture itself keeps
to the contract the UI reads.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
from clipmaker import write_cfr
from test_render_synth import runner_pose

from gaitcam import registry
from gaitcam.landmarks import NAMES
from gaitcam.pipeline import AnalysisResult, write_strides_csv
from gaitcam.pose_sequence import PoseSequence

FPS = 30.0
DURATION_S = 6.0
WIDTH, HEIGHT = 360, 640
STEP_S = 60.0 / 171.0  # cadence 171 spm


def contact_times(side: str) -> list[float]:
    first = 0.2 if side == "left" else 0.2 + STEP_S
    return [round(first + 2 * STEP_S * k, 3) for k in range(int(DURATION_S / (2 * STEP_S)))
            if first + 2 * STEP_S * k < DURATION_S - 0.2]


def _per_stride(values: dict[str, float], spread: float = 1.0) -> list[dict[str, Any]]:
    rows = []
    for side in ("left", "right"):
        for k, t in enumerate(contact_times(side)):
            rows.append({"side": side, "t_s": t,
                         "value": round(values[side] + spread * math.sin(k), 2)})
    return sorted(rows, key=lambda r: r["t_s"])


def _metric(key: str, value: Any, left: Any = None, right: Any = None, **extra: Any) -> dict:
    per = []
    if isinstance(left, float) and isinstance(right, float):
        per = _per_stride({"left": left, "right": right})
    status = registry.status(key, value)
    entry = {"value": value, "unit": registry.METRICS[key].unit, "left": left, "right": right,
             "per_stride": per, "variability": 1.2, "asymmetry_pct": None, "confidence": 0.9,
             "status": status, "measurable": True, "reason": None, "n": len(per) or 17}
    if isinstance(left, float) and isinstance(right, float):
        entry["asymmetry_pct"] = round(abs(left - right) / ((abs(left) + abs(right)) / 2) * 100, 1)
    entry.update(extra)
    return entry


def _not_measurable(key: str, why: str) -> dict:
    return {"value": None, "unit": registry.METRICS[key].unit, "left": None, "right": None,
            "per_stride": [], "variability": None, "asymmetry_pct": None, "confidence": 0.0,
            "status": "not_measurable", "measurable": False, "reason": why, "n": 0}


def sample_report(view: str = "side") -> dict[str, Any]:
    """A plausible side-view report: overstriding and forward lean, heel strike."""
    rear_only = "Needs a rear or front view: this clip was filmed from the side."
    metrics = {
        "cadence_spm": _metric("cadence_spm", 171.0),
        "trunk_lean_deg": _metric("trunk_lean_deg", 11.5),
        "overstride_pct_leg": _metric("overstride_pct_leg", 27.0, 25.0, 29.0),
        "shank_angle_ic_deg": _metric("shank_angle_ic_deg", 9.0, 8.0, 10.0),
        "foot_strike_angle_deg": _metric("foot_strike_angle_deg", 14.0, 13.0, 15.0),
        "foot_strike_pattern": _metric("foot_strike_pattern", "rearfoot", "rearfoot",
                                       "rearfoot"),
        "knee_flexion_ic_deg": _metric("knee_flexion_ic_deg", 14.0, 15.0, 13.0),
        "vertical_oscillation_pct_leg": _metric("vertical_oscillation_pct_leg", 10.0),
        "vertical_oscillation_cm": _not_measurable(
            "vertical_oscillation_cm", "Give your height to measure bounce in centimetres."),
        "hip_extension_deg": _metric("hip_extension_deg", 9.0, 9.5, 8.5, confidence=0.25),
        "contact_time_ms": _metric("contact_time_ms", 262.0, 258.0, 266.0),
        "duty_factor_pct": _metric("duty_factor_pct", 38.0, 37.5, 38.5),
        **{k: _not_measurable(k, rear_only) for k in (
            "pelvic_drop_deg", "lateral_trunk_lean_deg", "trunk_sway_range_deg",
            "step_width_pct_leg", "knee_valgus_deg")},
    }
    findings = registry.evaluate(metrics)
    report = {
        "schema_version": "1.0",
        "source": {"file_name": "sample_run.mp4", "model": "full"},
        "quality": {"frames": int(DURATION_S * FPS), "frames_with_runner": int(DURATION_S * FPS),
                    "fraction_with_runner": 1.0, "fps": FPS, "duration_s": DURATION_S,
                    "warnings": []},
        "view": {"view": view, "facing": "left" if view == "side" else None,
                 "setting": "treadmill", "confidence": 0.93, "forced": False},
        "events": {side: {"initial_contact_s": contact_times(side),
                          "toe_off_s": [round(t + 0.26, 3) for t in contact_times(side)]}
                   for side in ("left", "right")},
        "metrics": metrics,
        "not_measurable": {"anterior_pelvic_tilt_deg": "A single phone camera cannot see the "
                           "tilt of the pelvis: it needs markers on the pelvis."},
        "findings": findings,
    }
    from gaitcam.advice import build_plan

    report["plan"] = build_plan(report)
    return json.loads(json.dumps(report))  # as read back from report.json


def sample_seq(n: int | None = None) -> PoseSequence:
    """A synthetic side-view runner (facing left) in a WIDTHxHEIGHT frame, legs swinging at the
    report's cadence, feet touching the ground line at its contact times."""
    n = n or int(DURATION_S * FPS)
    t = np.arange(n) / FPS
    seq = PoseSequence.empty(n, WIDTH, HEIGHT, FPS, file_name="sample_run.mp4", model="full")
    seq = seq.replace(t=t)
    xy = np.empty((n, 33, 2))
    for i, ti in enumerate(t):
        phase = {s: 2 * math.pi * (ti - contact_times(s)[0]) / (2 * STEP_S)
                 for s in ("left", "right")}
        thigh = {s: 20 * math.cos(p) for s, p in phase.items()}
        knee = {s: 45 - 30 * math.cos(p) for s, p in phase.items()}
        xy[i] = runner_pose(hip=(180.0, 300.0 + 6 * math.cos(2 * phase["left"])), facing="left",
                            trunk_lean=11.0 + math.sin(ti), thigh=thigh, knee_flexion=knee,
                            scale=0.5)
    seq.xy[:] = xy
    # world metres: the image plane scaled, the left side nearer the camera (facing left)
    seq.world[:, :, :2] = (xy - xy[:, :1]) / 400.0
    seq.world[:, :, 2] = [-0.1 if n.startswith("left") else 0.1 for n in NAMES]
    seq.visibility[:] = 0.95
    seq.presence[:] = 0.95
    return seq


def sample_result(out_dir: Path, report: dict | None = None) -> AnalysisResult:
    """An AnalysisResult on disk like analyze_video's (clip + report, pose, strides files;
    the "overlay" is the plain clip), without running MediaPipe."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report = copy.deepcopy(report or sample_report())
    seq = sample_seq()
    clip = write_cfr(out_dir / "overlay.mp4", DURATION_S, FPS, size=(WIDTH, HEIGHT))
    seq = seq.replace(source={**seq.source, "path": str(clip)})
    files = {"overlay": clip, "report": out_dir / "report.json", "pose": out_dir / "pose.npz",
             "strides": out_dir / "strides.csv", "plan": out_dir / "plan.html"}
    files["report"].write_text(json.dumps(report))
    seq.save(files["pose"])
    write_strides_csv(report, files["strides"])
    files["plan"].write_text("<html><body><h1>Plan</h1></body></html>")
    return AnalysisResult(report=report, seq=seq, out_dir=out_dir, files=files)


# --- the fixture keeps to the contract --------------------------------------------------------


def test_sample_report_has_every_contract_section_and_metric() -> None:
    r = sample_report()
    for section in ("schema_version", "source", "quality", "view", "events", "metrics",
                    "not_measurable", "findings", "plan"):
        assert section in r
    assert set(r["metrics"]) == set(registry.METRICS)
    for m in r["metrics"].values():
        assert m["status"] in registry.STATUSES
        assert m["measurable"] == (m["status"] != "not_measurable")
    ids = [f["id"] for f in r["findings"]]
    assert "overstride" in ids and "forward_trunk_lean" in ids


def test_sample_seq_feet_touch_down_near_the_contact_times() -> None:
    from gaitcam.landmarks import SIDE

    seq = sample_seq()
    for side in ("left", "right"):
        heel_y = seq.xy[:, SIDE[side]["heel"], 1]
        for tc in contact_times(side)[1:-1]:
            i = int(round(tc * FPS))
            window = heel_y[max(0, i - 5): i + 6]
            # the heel is near its lowest around the contact (image y grows down)
            assert window.max() >= np.percentile(heel_y, 80)
