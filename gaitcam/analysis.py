"""From a PoseSequence to the report dict: view, gait events, metrics, statuses and findings.

    >>> report = analyze_sequence(seq, view="auto", runner_height_cm=175)

The report follows docs/report_schema.md (schema_version "1.0"); "plan" is added later by the
advice module. Running and walking are both analysed (report["gait"]["type"]); a walking clip's
values get status "info" and no findings (the registry's bands are for running). Statuses and
findings come from gaitcam.registry. The result is plain JSON (no numpy types, no NaN: missing
numbers are None).
"""

from __future__ import annotations

import json
import math
from dataclasses import replace
from typing import Any

import numpy as np

from gaitcam.errors import GaitcamError, NoGaitError
from gaitcam.gait import series as S
from gaitcam.gait.events import (
    MIN_STRIDES,
    GaitEvents,
    despike_legs,
    detect_frontal_events,
    detect_side_events,
    lowest_foot_y,
)
from gaitcam.gait.metrics import FAR_MIN_VISIBILITY, compute_metrics, far_leg, not_measurable
from gaitcam.gait.passes import choose_pass
from gaitcam.gait.pelvis import (
    HIP_LANDMARKS_NOTE,
    LineSeries,
    mark_hip_landmarks,
    pelvic_drop_entry,
)
from gaitcam.gait.prepare import CleanPose, prepare
from gaitcam.gait.series import level_xy
from gaitcam.gait.walking import detect_walking_events, gait_type, relabel_legs
from gaitcam.landmarks import LEFT_HIP, RIGHT_HIP
from gaitcam.models import MODEL_NAMES
from gaitcam.pose_sequence import PoseSequence

try:
    from gaitcam import registry as _registry
except ImportError:  # pragma: no cover - the registry ships with gaitcam
    _registry = None

SCHEMA_VERSION = "1.0"
#: Ground-line tilt (deg) above which the report warns about a tilted or oblique camera.
_TILT_WARN_DEG = 2.0

#: The warning a walking clip gets: its values are not judged against running bands.
WALKING_NOTE = (
    "This clip shows walking, not running: its values are shown for information only; "
    "gaitcam's ranges and findings are for running."
)

#: The lite pose model's foot points are not good enough for the foot strike (docs/accuracy.md:
#: 65 % of rendered contacts right, a real heel striker read as forefoot), so it is not shown.
FOOT_STRIKE_KEYS = ("foot_strike_angle_deg", "foot_strike_pattern")
LITE_FOOT_REASON = (
    "The lite pose model places the toe point on the sole in the air, so its foot angle is "
    "unreliable (on a real heel striker it read forefoot). Analyse the clip with the full or "
    "heavy model to see your foot strike."
)

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


def _status(key: str, e: dict, gait: str = "running") -> str:
    if not e.get("measurable"):
        return "not_measurable"
    if _registry is None:  # pragma: no cover
        return "info"
    try:
        return _registry.status(key, e["value"], gait=gait)
    except (KeyError, TypeError):
        return "info"


def _findings(metrics: dict, gait: str = "running") -> list[dict]:
    if _registry is None:  # pragma: no cover
        return []
    return _registry.evaluate(metrics, gait=gait)


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
        if ev.gait == "walking":
            w.append(
                "Walking seen from behind or in front is timed like running (steps at the "
                "pelvis low points, which in walking fall in double support rather than "
                "midstance), so pelvic drop and side lean are approximate; film walking from "
                "the side."
            )
    if cp.view.view == "side":
        far, ok, vis = far_leg(cp, ev)
        if not ok:
            why = (f"was hidden or guessed by the pose model too often (visibility {vis:.2f})"
                   if vis < FAR_MIN_VISIBILITY else "gave too few contacts")
            w.append(
                f"The far ({far}) leg {why}; only the near leg is measured, so left/right "
                "differences need a second clip filmed from the other side."
            )
    n = {s: len(ev.ic[s]) - 1 for s in ("left", "right")}
    if min(n.values()) < 8:
        w.append(
            f"Only {max(min(n.values()), 0)} complete strides on one side; values are steadier "
            "with 10 s or more of steady running or walking."
        )
    if min(n.values()) < MIN_STRIDES:
        hidden = min(n, key=n.get)
        w.append(f"The {hidden} leg was rarely tracked; its values are missing or unreliable.")
    return w


def _jsonable(obj: Any) -> Any:
    """Plain JSON types; NaN and inf become None."""
    tp = type(obj)
    if tp is float:
        return obj if math.isfinite(obj) else None
    if obj is None or tp is str or tp is int or tp is bool:
        return obj
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
    if isinstance(obj, str):
        return obj
    return str(obj)


def find_gait(cp: CleanPose) -> tuple[CleanPose, GaitEvents, dict]:
    """Gait events of a cleaned clip with the method suited to its view, and the gait type.

    Side view: the contact-kink detector (gaitcam.gait.events.detect_side_events) first; if it
    finds no gait (typically walking, whose leg labels the pose model mixes up at double
    support), the label-free step detector (gaitcam.gait.walking), after which the legs are
    relabelled by step (running too: the metrics then read each step's leading leg under its
    label). Returns (cp, events with `gait` set, report["gait"] dict); cp is the relabelled
    pose when the legs were relabelled. Raises NoGaitError.
    """
    if cp.view.view == "side":
        # Heights are measured square to the ground line (a tilted phone or an oblique
        # treadmill tilts it), so a stance foot sliding along it stays "on the ground".
        tilt = cp.ground_tilt_deg or 0.0
        xs = level_xy(cp.xy_smooth, tilt)
        facing = cp.view.facing or "left"
        try:
            ev = detect_side_events(cp.t, level_xy(cp.xy, tilt), xs, facing, cp.leg,
                                    cp.observed)
            # The metrics read the legs by label too: label them by step as the events did.
            cp = relabel_legs(cp, ev, tilt)
        except NoGaitError as err:
            # Despiked like the running detector's input: a one-frame jump where the legs
            # cross would otherwise dent the toe tracks and split a toe-off.
            _, xs_clean, _ = despike_legs(cp.t, level_xy(cp.xy, tilt), xs, cp.leg["mean"])
            try:
                ev = detect_walking_events(cp.t, xs_clean, facing, cp.leg["mean"])
            except NoGaitError:
                raise err from None
            cp = relabel_legs(cp, ev, tilt)
    else:
        ev = detect_frontal_events(cp.t, cp.xy, cp.xy_smooth, cp.leg["mean"], cp.view.view)
    height = -(cp.xy_smooth[:, LEFT_HIP, 1] + cp.xy_smooth[:, RIGHT_HIP, 1]) / 2
    info = gait_type(ev, cp.view.view, cp.t, height)
    return cp, replace(ev, gait=info["type"]), info


def detect_events(cp: CleanPose) -> GaitEvents:
    """Gait events of a cleaned clip (see `find_gait`; the relabelled pose is dropped)."""
    return find_gait(cp)[1]


def _choose_pass(seq: PoseSequence, cp: CleanPose, view: str
                 ) -> tuple[PoseSequence, CleanPose, tuple[float, float] | None, str | None]:
    """Side view overground: the pass to analyse (gaitcam.gait.passes). Returns (sequence
    analysed, its cleaned pose, analysed (start, end) s or None for the whole clip, warning)."""
    if cp.view.view != "side":
        return seq, cp, None, None
    chosen, why = choose_pass(cp.t, cp.xy, cp.leg["mean"])
    if chosen is None:
        if why:
            raise NoGaitError(f"No running or walking gait found: {why}.")
        return seq, cp, None, None
    part = seq.slice(chosen.start, chosen.stop)
    note = (f"Only {chosen.t0:.1f}-{chosen.t1:.1f} s, where the person moves "
            f"{chosen.direction} across the frame facing that way, was analysed: {why}.")
    return part, prepare(part, view), (chosen.t0, chosen.t1), note


def _pelvic_drop(seq: PoseSequence, cp: CleanPose, ev: GaitEvents, current: dict,
                 pelvis_line: LineSeries | None) -> tuple[dict, dict]:
    """Rear/front view: pelvic_drop_deg from the pelvis line seen in the image when one was
    measured (gaitcam.gait.pelvis), else the hip-landmark value; and {"method",
    "measured_fraction"}."""
    if pelvis_line is None:
        # Keypoints from a MediaPipe model (not drawn or synthetic ones): its hips barely tilt.
        return mark_hip_landmarks(current, seq.source.get("model") in MODEL_NAMES)
    conf = 1.0 if cp.view.forced else cp.view.confidence
    return pelvic_drop_entry(pelvis_line, ev, cp.view.view, cp.t, cp.xy, cp.ground_tilt_deg,
                             conf)


def frontal_midstances(seq: PoseSequence, view: str = "auto") -> np.ndarray | None:
    """Midstance times (s, sorted) of a rear/front-view clip: the frames where the pelvis line
    is read (gaitcam.pelvis_line.measure_pelvis_line). None for a side view. Raises like
    analyze_sequence."""
    cp = prepare(seq, view)
    if cp.view.view == "side":
        return None
    _, cp, _, _ = _choose_pass(seq, cp, view)  # the same steps analyze_sequence will read
    _, ev, _ = find_gait(cp)
    ms = np.concatenate([np.asarray(ev.midstance[s], dtype=np.float64)
                         for s in ("left", "right")])
    return np.sort(ms[np.isfinite(ms)])


def analyze_sequence(
    seq: PoseSequence, view: str = "auto", runner_height_cm: float | None = None,
    pelvis_line: LineSeries | None = None,
) -> dict:
    """The report dict (docs/report_schema.md) of one clip's keypoints, without "plan".

    view: "auto" or a forced "side", "rear" or "front". runner_height_cm: enables
    vertical_oscillation_cm. pelvis_line: the waistband line of the clip's frames
    (gaitcam.pelvis_line.measure_pelvis_line); in a rear/front view pelvic_drop_deg is then
    read from it (or declared not measurable when it was not found reliably); without it, from
    the hip landmarks ("method" says which). Raises NoPersonError / NoGaitError
    (GaitcamError) with a friendly message when the clip cannot be analysed.
    """
    if runner_height_cm is not None and not 80 <= float(runner_height_cm) <= 250:
        raise GaitcamError(
            f"A runner height of {runner_height_cm} cm looks wrong; give it in centimetres."
        )
    cp = prepare(seq, view)
    _, cp, window, pass_note = _choose_pass(seq, cp, view)
    cp, ev, gait = find_gait(cp)
    metrics = compute_metrics(cp, ev, runner_height_cm)
    pelvis_info: dict = {"method": None, "measured_fraction": None}
    if cp.view.view != "side":
        metrics["pelvic_drop_deg"], pelvis_info = _pelvic_drop(
            seq, cp, ev, metrics["pelvic_drop_deg"], pelvis_line)
    elif seq.source.get("model") == "lite":
        for key in FOOT_STRIKE_KEYS:
            if metrics.get(key, {}).get("measurable"):
                metrics[key] = not_measurable(key, LITE_FOOT_REASON)
    for key, e in metrics.items():
        e["status"] = _status(key, e, ev.gait)
    # per_stride and per_contact (the bulk of a long clip's report) are built from plain
    # floats and strings by gaitcam.gait.metrics; the rest of each entry is made plain here.
    metrics = {k: {f: v if f in ("per_stride", "per_contact") else _jsonable(v)
                   for f, v in e.items()} for k, e in metrics.items()}
    warnings = _warnings(seq, cp, ev, metrics)
    if pelvis_info["method"] == "hip_landmarks":
        warnings.append(f"Pelvic drop: {HIP_LANDMARKS_NOTE}")
    if pass_note:
        warnings.insert(0, pass_note)
    if ev.gait == "walking":
        warnings.insert(0, WALKING_NOTE)
    report = {
        "schema_version": SCHEMA_VERSION,
        "source": dict(seq.source),
        "quality": {
            "frames": int(seq.n_frames),
            "frames_with_runner": int(seq.detected.sum()),
            "fraction_with_runner": round(float(seq.detected_fraction), 3),
            "fps": round(float(seq.fps), 3),
            "duration_s": round(float(seq.duration_s), 3),
            "warnings": warnings,
            "ground_tilt_deg": None if cp.ground_tilt_deg is None
            else round(cp.ground_tilt_deg, 2),
            "label_swaps_fixed": int(cp.swapped_frames),
            "analysed_s": None if window is None else [round(window[0], 3),
                                                       round(window[1], 3)],
            "pelvic_drop_method": pelvis_info["method"],
            "pelvic_drop_steps_measured": pelvis_info["measured_fraction"],
        },
        "view": cp.view.as_dict(),
        "gait": gait,
        "events": ev.as_report(),
        "metrics": metrics,
        "not_measurable": dict(NOT_MEASURABLE),
        "findings": _findings(metrics, ev.gait),
    }
    # The metrics are plain JSON already (the bulk of the report: one row per contact).
    report = {k: v if k == "metrics" else _jsonable(v) for k, v in report.items()}
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
