"""From a PoseSequence to the report dict: view, gait events, metrics, statuses and findings.

    >>> report = analyze_sequence(seq, view="auto", runner_height_cm=175)

The report follows docs/report_schema.md (schema_version "1.0"); "plan" is added later by the
advice module. Statuses and findings come from gaitcam.registry. The result is plain JSON
(no numpy types, no NaN: missing numbers are None).
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.gait import series as S
from gaitcam.gait.events import (
    MIN_STRIDES,
    GaitEvents,
    detect_frontal_events,
    detect_side_events,
    lowest_foot_y,
)
from gaitcam.gait.metrics import compute_metrics, far_leg
from gaitcam.gait.prepare import CleanPose, prepare
from gaitcam.gait.series import level_xy
from gaitcam.pose_sequence import PoseSequence

try:
    from gaitcam import registry as _registry
except ImportError:  # pragma: no cover - the registry ships with gaitcam
    _registry = None

SCHEMA_VERSION = "1.0"
#: Ground-line tilt (deg) above which the report warns about a tilted or oblique camera.
_TILT_WARN_DEG = 2.0

#: Things joggers ask about that these 33 landmarks cannot show, and why.
NOT_MEASURABLE = {
    "anterior_pelvic_tilt_deg": (
        "Anterior pelvic tilt cannot be measured from these 33 landmarks in a side view: they "
        "give the hip joint centres but no point on the front or back of the pelvis (ASIS or "
        "PSIS), so the pelvis's forward tilt is invisible."
    ),
    "lumbar_lordosis_deg": (
        "The pose model has no landmarks on the spine, so the curve of the lower back cannot "
        "be measured."
    ),
    "trunk_pelvis_rotation_deg": (
        "Rotation of the trunk against the pelvis happens about the vertical axis, which one "
        "camera cannot measure reliably."
    ),
}


def _status(key: str, e: dict) -> str:
    if not e.get("measurable"):
        return "not_measurable"
    if _registry is None:  # pragma: no cover
        return "info"
    try:
        return _registry.status(key, e["value"])
    except (KeyError, TypeError):
        return "info"


def _findings(metrics: dict) -> list[dict]:
    if _registry is None:  # pragma: no cover
        return []
    return _registry.evaluate(metrics)


def _warnings(seq: PoseSequence, cp: CleanPose, ev: GaitEvents, metrics: dict) -> list[str]:
    w = []
    frac = seq.detected_fraction
    if frac < 0.8:
        w.append(f"The runner was found in only {100 * frac:.0f}% of the frames.")
    if cp.swapped_frames:
        w.append(
            f"The pose model swapped the left and right limbs in {cp.swapped_frames} frames; "
            "they were put back by following each limb's motion."
        )
    if cp.ground_tilt_deg is not None and abs(cp.ground_tilt_deg) > _TILT_WARN_DEG:
        w.append(
            f"The ground line is tilted by {cp.ground_tilt_deg:.1f} deg in the image: hold the "
            "phone level and film square to the running direction; angles are measured from "
            "the image vertical and may be off by about that much."
        )
    if not cp.view.forced and cp.view.confidence < 0.6:
        w.append(
            f"The camera view ({cp.view.view}) is uncertain; if it is wrong, set it explicitly."
        )
    if cp.view.view == "side" and cp.fps < 50:
        w.append(
            f"At {cp.fps:.0f} fps one frame lasts {1000 / cp.fps:.0f} ms, so contact time and "
            "duty factor are approximate; film at 60 fps or more for them."
        )
    if cp.view.view != "side":
        w.append(
            "Seen from behind or in front, foot contact and toe-off times are approximate; "
            "contact time is measured from the side."
        )
    if cp.view.view == "side":
        far, ok, vis = far_leg(cp, ev)
        if not ok:
            w.append(
                f"The far ({far}) leg was hidden or guessed by the pose model too often "
                f"(visibility {vis:.2f}); only the near leg is measured, so left/right "
                "differences need a second clip filmed from the other side."
            )
    n = {s: len(ev.ic[s]) - 1 for s in ("left", "right")}
    if min(n.values()) < 8:
        w.append(
            f"Only {max(min(n.values()), 0)} complete strides on one side; values are steadier "
            "with 10 s or more of steady running."
        )
    if min(n.values()) < MIN_STRIDES:
        hidden = min(n, key=n.get)
        w.append(f"The {hidden} leg was rarely tracked; its values are missing or unreliable.")
    return w


def _jsonable(obj: Any) -> Any:
    """Plain JSON types; NaN and inf become None."""
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, bool | np.bool_):
        return bool(obj)
    if isinstance(obj, int | np.integer):
        return int(obj)
    if isinstance(obj, float | np.floating):
        v = float(obj)
        return v if math.isfinite(v) else None
    if obj is None or isinstance(obj, str):
        return obj
    return str(obj)


def detect_events(cp: CleanPose) -> GaitEvents:
    """Gait events of a cleaned clip with the method suited to its view."""
    if cp.view.view == "side":
        # Heights are measured square to the ground line (a tilted phone or an oblique
        # treadmill tilts it), so a stance foot sliding along it stays "on the ground".
        tilt = cp.ground_tilt_deg or 0.0
        return detect_side_events(cp.t, level_xy(cp.xy, tilt), level_xy(cp.xy_smooth, tilt),
                                  cp.view.facing or "left", cp.leg, cp.observed)
    return detect_frontal_events(cp.t, cp.xy, cp.xy_smooth, cp.leg["mean"], cp.view.view)


def analyze_sequence(
    seq: PoseSequence, view: str = "auto", runner_height_cm: float | None = None
) -> dict:
    """The report dict (docs/report_schema.md) of one clip's keypoints, without "plan".

    view: "auto" or a forced "side", "rear" or "front". runner_height_cm: enables
    vertical_oscillation_cm. Raises NoPersonError / NoGaitError (GaitcamError) with a friendly
    message when the clip cannot be analysed.
    """
    if runner_height_cm is not None and not 80 <= float(runner_height_cm) <= 250:
        raise GaitcamError(
            f"A runner height of {runner_height_cm} cm looks wrong; give it in centimetres."
        )
    cp = prepare(seq, view)
    ev = detect_events(cp)
    metrics = compute_metrics(cp, ev, runner_height_cm)
    for key, e in metrics.items():
        e["status"] = _status(key, e)
    metrics = _jsonable(metrics)
    report = {
        "schema_version": SCHEMA_VERSION,
        "source": dict(seq.source),
        "quality": {
            "frames": int(seq.n_frames),
            "frames_with_runner": int(seq.detected.sum()),
            "fraction_with_runner": round(float(seq.detected_fraction), 3),
            "fps": round(float(seq.fps), 3),
            "duration_s": round(float(seq.duration_s), 3),
            "warnings": _warnings(seq, cp, ev, metrics),
            "ground_tilt_deg": None if cp.ground_tilt_deg is None
            else round(cp.ground_tilt_deg, 2),
            "label_swaps_fixed": int(cp.swapped_frames),
        },
        "view": cp.view.as_dict(),
        "events": ev.as_report(),
        "metrics": metrics,
        "not_measurable": dict(NOT_MEASURABLE),
        "findings": _findings(metrics),
    }
    report = _jsonable(report)
    json.dumps(report, allow_nan=False)  # guarantees strict JSON
    return report


def series_for_plots(seq: PoseSequence, report: dict) -> dict[str, np.ndarray]:
    """Per-frame smoothed series for plots and the overlay, on the clip's frame times.

    Keys: "t" (s); "knee_flexion_left_deg", "knee_flexion_right_deg"; side view:
    "trunk_lean_deg" (+ forward), "foot_height_left", "foot_height_right" (lowest foot point
    above that foot's ground level, % of leg); rear/front view: "lateral_trunk_lean_deg"
    (+ toward the runner's left), "pelvic_obliquity_deg" (+ = right hip lower), foot heights
    as image height above the foot's lowest position (% of leg). NaN where not measured.
    Angles are measured from the ground line when the report corrected a camera tilt.
    """
    view = report.get("view", {}).get("view", "auto")
    cp = prepare(seq, view if view in ("side", "rear", "front") else "auto")
    xs = cp.xy_smooth
    out: dict[str, np.ndarray] = {"t": cp.t.copy()}
    for s in ("left", "right"):
        out[f"knee_flexion_{s}_deg"] = S.knee_flexion_series(xs, s)
    if cp.view.view == "side":
        out["trunk_lean_deg"] = S.trunk_lean_series(xs, cp.view.facing or "left")
    else:
        out["lateral_trunk_lean_deg"] = S.lateral_trunk_lean_series(xs, cp.view.view)
        out["pelvic_obliquity_deg"] = S.pelvic_obliquity_series(xs, cp.view.view)
    for s in ("left", "right"):
        y = lowest_foot_y(xs, s)
        ok = np.isfinite(y)
        leg = cp.leg[s] if np.isfinite(cp.leg[s]) else cp.leg["mean"]
        if ok.sum() < 10 or not np.isfinite(leg):
            out[f"foot_height_{s}"] = np.full(len(y), np.nan)
            continue
        ground = float(np.median(y[ok][y[ok] >= np.percentile(y[ok], 70)]))
        out[f"foot_height_{s}"] = 100.0 * (ground - y) / leg
    return out
