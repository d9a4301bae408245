"""pelvic_drop_deg from a pelvis line seen in the image (gaitcam.pelvis_line), not the hips.

MediaPipe's hip landmarks follow only about a sixth of a real pelvic tilt (docs/accuracy.md),
so in a rear/front view the report's pelvic drop comes from the waistband line when it was
found reliably; otherwise it is not measurable (a hip-landmark value would read "level"
whatever the pelvis does, and reassure wrongly).

Convention (as every report metric): pelvic_drop_deg is the pelvis line vs horizontal at
midstance, positive = the swing-side hip lower; the left value is measured in left stance.
The line's image angle (+ = image-right end lower) is levelled by the ground tilt (clockwise,
as gaitcam.gait.prepare reports it) and turned into the runner's obliquity (+ = right hip
lower) with the pose's own left/right labels: the midstance sides come from the same labels,
so a rear clip taken for a front one (or a consistently mirrored pose) still gets the sign of
the drop right. Only if the labelled hips overlap in x does the view decide (rear: the runner's
right is image-right; front: image-left).

Reliability (otherwise not_measurable, with the reason):
- the line is found at >= MIN_MEASURED_FRACTION of the midstances and at least MIN_PER_SIDE
  on each side;
- it tilts like a pelvis, not like a shirt hem. A loose hem hangs from the trunk, somewhere
  between level (gravity) and square to the trunk (mid-hip -> mid-shoulder); a pelvis drops
  on the swing side against both. So the line must tilt, between left and right stance, beyond
  BOTH references in the same direction: D, the half-difference of the per-side median
  values (~ the summary, so a constant offset such as camera roll or a skewed waistband
  cancels), and R, the same half-difference of the line's angle relative to the
  trunk-perpendicular (= pelvic drop + lateral trunk lean toward the stance side), must share a
  sign and each exceed max(MIN_TILT_DEG, SE_FACTOR x its standard error from the per-step
  spread). Otherwise the line is not taken for the pelvis. In 2D this cannot tell a hem from a
  runner whose pelvis truly stays within ~1.5 deg of level (or keeps square to the trunk):
  such a runner is declined too, rather than told "level" on what may be a shirt. Per-step
  variability is no separate cue: a hem sways with the trunk as steadily as a pelvis drops.
Confidence: view confidence x fraction of midstances measured (1 from 0.8) x count factor
min(1, n / 8) x consistency 1 / (1 + (sd / 3 deg)^2) of the per-step values x a 0.85 cap (a
waistband is a proxy for the pelvis and can sit askew; a constant skew cancels in the summary,
which is the mean of the two sides).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from gaitcam.gait.events import GaitEvents
from gaitcam.gait.metrics import entry, not_measurable, per_contact
from gaitcam.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER

KEY = "pelvic_drop_deg"
SIDES = ("left", "right")
MIN_MEASURED_FRACTION = 0.6
MIN_PER_SIDE = 3
#: Smallest left-vs-right tilt (deg) of the line, from level and from square to the trunk,
#: taken as resolved: above the few-tenths per-frame noise of the line and of the pose's
#: trunk line, below a typical runner's drop (about 4-7 deg) plus trunk lean.
MIN_TILT_DEG = 1.5
SE_FACTOR = 2.0
_CAP = 0.85

#: The note on a pelvic drop read from MediaPipe's hip landmarks.
HIP_LANDMARKS_NOTE = (
    "Read from the pose model's hip points, which are inferred from the whole body and follow "
    "only about a sixth of a real pelvic drop: a drop is underestimated or missed. Film from "
    "behind in shorts with a visible waistband (top tucked in or short) to measure it."
)
_REFILM = ("To measure it, film from behind at hip height in shorts whose waistband shows "
           "(shirt tucked in or short) against a different-coloured top.")
_NOT_HIPS = ("The pose model's hip points cannot stand in: they follow only about a sixth of "
             "a real pelvic drop.")


class LineSeries(Protocol):
    """What this module reads of a gaitcam.pelvis_line.PelvisLine."""

    t: np.ndarray
    angle_deg: np.ndarray
    quality: np.ndarray
    method: str


def _window_value(t: np.ndarray, y: np.ndarray, tc: float, half: float) -> float:
    """y at time tc from the found samples within +-half: a parabola when there are 3 or more
    on both sides of tc (the drop peaks near midstance, a mean would flatten it), else their
    median; NaN with none."""
    sel = (np.abs(t - tc) <= half + 1e-9) & np.isfinite(y)
    if not sel.any():
        return float("nan")
    dt, v = t[sel] - tc, y[sel]
    if len(v) >= 3 and (dt < 0).any() and (dt > 0).any():
        c = np.polyfit(dt / half, v, 2)[-1]
        lo, hi = v.min(), v.max()
        return float(np.clip(c, lo - 1.0, hi + 1.0))  # no wild extrapolation
    return float(np.median(v))


def _right_is_image_right(xy: np.ndarray, view: str) -> bool:
    dx = xy[:, RIGHT_HIP, 0] - xy[:, LEFT_HIP, 0]
    dx = dx[np.isfinite(dx)]
    if len(dx):
        med = float(np.median(dx))
        if abs(med) > 2.0 and np.mean(np.sign(dx) == np.sign(med)) > 0.7:
            return med > 0
    return view == "rear"


def trunk_square_angle_deg(xy: np.ndarray) -> np.ndarray:
    """Image angle (deg, + = image-right end lower) of a line square to the trunk (mid-hip ->
    mid-shoulder) in each frame: what a shirt hem hanging from the trunk would show."""
    hip = (xy[:, LEFT_HIP] + xy[:, RIGHT_HIP]) / 2
    sh = (xy[:, LEFT_SHOULDER] + xy[:, RIGHT_SHOULDER]) / 2
    v = sh - hip
    return np.degrees(np.arctan2(v[:, 0], -v[:, 1]))


def pelvic_drop_entry(
    line: LineSeries, ev: GaitEvents, view: str, t: np.ndarray, xy: np.ndarray,
    ground_tilt_deg: float | None = None, view_confidence: float = 1.0,
) -> tuple[dict, dict]:
    """The pelvic_drop_deg report entry from a pelvis line series (see the module docstring),
    and how it was measured: {"method": "waistband" or None (not measurable),
    "measured_fraction": midstances with a line / all midstances}.

    line: per-frame image angles on times line.t (NaN where not found); ev: the clip's gait
    events (midstance times per side); view: "rear" or "front"; t, xy: the cleaned pose
    (frame times s, (T, 33, 2) pixels) for the left/right labels and the trunk check;
    ground_tilt_deg: clockwise camera tilt to remove (None: 0). The entry is a metrics.entry
    with per_contact filled (status left None), or not_measurable with the reason.
    """
    lt = np.asarray(line.t, dtype=np.float64)
    ang = np.asarray(line.angle_deg, dtype=np.float64) - float(ground_tilt_deg or 0.0)
    sgn = 1.0 if _right_is_image_right(xy, view) else -1.0
    obl = sgn * ang  # + = the runner's right hip lower
    trunk = sgn * (trunk_square_angle_deg(xy) - float(ground_tilt_deg or 0.0))
    dt = float(np.median(np.diff(lt))) if len(lt) > 1 else 1 / 30
    half = max(0.04, 1.5 * dt)
    sign = {"left": 1.0, "right": -1.0}
    vals: dict[str, list[tuple[float, float]]] = {}
    rel: dict[str, list[float]] = {}
    total = 0
    for s in SIDES:
        ms = np.asarray(ev.midstance[s], dtype=np.float64)
        ms = ms[np.isfinite(ms)]
        total += len(ms)
        vals[s], rel[s] = [], []
        for m in ms:
            v = _window_value(lt, obl, m, half)
            if not np.isfinite(v):
                continue
            vals[s].append((float(m), sign[s] * v))
            tr = _window_value(t, trunk, m, half)
            if np.isfinite(tr):
                rel[s].append(sign[s] * (v - tr))
    n = {s: len(vals[s]) for s in SIDES}
    frac = sum(n.values()) / total if total else 0.0
    if total == 0:
        return _declined("No steps were found to read the pelvis at.")
    if frac < MIN_MEASURED_FRACTION or min(n.values()) < MIN_PER_SIDE:
        return _declined(
            f"The waistband (the pelvis line) was found at only {100 * frac:.0f}% of the steps "
            f"({n['left']} left, {n['right']} right), too few to trust.", frac)
    per = [np.array([v for _, v in vals[s]]) for s in SIDES]
    why = _hem_like(per, [np.array(rel[s]) for s in SIDES])
    if why:
        return _declined(why, frac)
    sds = [p.std(ddof=1) for p in per if len(p) >= 2]
    sd = float(np.sqrt(np.mean(np.square(sds)))) if sds else 0.0
    conf = (float(view_confidence) * min(1.0, frac / 0.8) * min(1.0, sum(n.values()) / 8.0)
            / (1.0 + (sd / 3.0) ** 2) * _CAP)
    e = entry(KEY, vals, conf, True)
    e["per_contact"] = per_contact(e, ev)
    e.pop("_times", None)
    return e, {"method": getattr(line, "method", "waistband"),
               "measured_fraction": round(frac, 3)}


def _half_difference(per: list[np.ndarray]) -> tuple[float, float]:
    """(left median + right median) / 2 of per-step signed values (+ = drop toward the swing
    side, so a constant image offset cancels) and its standard error from the per-step spread
    (1.25 x the mean's: a median)."""
    half = 0.5 * float(np.median(per[0]) + np.median(per[1]))
    se = 0.5 * 1.25 * float(np.sqrt(sum(p.var(ddof=1) / len(p) for p in per)))
    return half, se


def _hem_like(per: list[np.ndarray], rel: list[np.ndarray]) -> str | None:
    """Why the line is not taken for the pelvis (see the module docstring), or None: per, rel are
    the per-step values of each side, vs level and vs square to the trunk."""
    d, se_d = _half_difference(per)
    if min(len(r) for r in rel) < MIN_PER_SIDE:  # no trunk line: only the level reference
        r, se_r = d, se_d
    else:
        r, se_r = _half_difference(rel)
    if (np.sign(d) == np.sign(r) and abs(d) > max(MIN_TILT_DEG, SE_FACTOR * se_d)
            and abs(r) > max(MIN_TILT_DEG, SE_FACTOR * se_r)):
        return None
    return (f"The line found at the waist tilts, between left and right steps, by {d:+.1f} deg "
            f"from level and {r:+.1f} deg from square to your trunk (+ = toward the swing "
            "side): like a shirt hem, which hangs from the trunk, and unlike a pelvis, which "
            "drops against both. If your shirt was untucked, tuck it in or wear a contrasting "
            "belt. (A pelvis that truly stays level looks the same in a video, so it is not "
            "reported as level either.)")


def _declined(why: str, frac: float = 0.0) -> tuple[dict, dict]:
    e = not_measurable(KEY, f"{why} {_NOT_HIPS} {_REFILM}")
    return e, {"method": None, "measured_fraction": round(frac, 3)}


def mark_hip_landmarks(e: dict, from_pose_model: bool) -> tuple[dict, dict]:
    """The compute_metrics pelvic_drop_deg entry (read from the hip landmarks) and its method
    info; when the keypoints come from a pose model, its confidence is halved (see
    HIP_LANDMARKS_NOTE, which the report adds to its warnings)."""
    e = dict(e)
    if e.get("measurable") and from_pose_model and e.get("confidence") is not None:
        e["confidence"] = round(0.5 * float(e["confidence"]), 2)
    return e, {"method": "hip_landmarks" if e.get("measurable") else None,
               "measured_fraction": None}


__all__ = ["HIP_LANDMARKS_NOTE", "KEY", "LineSeries", "mark_hip_landmarks", "pelvic_drop_entry",
           "trunk_square_angle_deg"]
