"""The report's gait metrics from clean keypoints (gaitcam.gait.prepare) and events.

Every angle is computed in PIXEL space (image x right, y down) from the image vertical;
overstride is measured along the ground line (see gaitcam.gait.view.ground_tilt_deg).
Lengths are normalised by the leg length in pixels (thigh + shank,
hip->knee + knee->ankle; per side in a side view, where the far leg is smaller in the image).

Each metric entry (see `entry`): value (summary), unit, left, right, per_stride (values in time
order), per_contact (the same values tied to their foot contacts: side, initial contact time),
variability, asymmetry_pct, confidence (0..1), measurable, reason, n (values used).
- Summary of a bilateral metric: the mean of the left and right medians (robust to unequal
  step counts and to one limping side); otherwise the median of the per-stride values.
- variability: standard deviation of the per-stride values, pooled within each side (so a
  left/right difference does not count as variability).
- asymmetry_pct: |L - R| / max(mean(|L|, |R|), floor) * 100 with floor 5 deg for angles, 5 %
  for metrics in % of leg length, 1 for the rest: a plain percentage of an angle near 0 would
  explode.
- Side view: the far leg (partly hidden behind the near one) counts only if the pose model saw
  it well (far_leg); otherwise bilateral metrics give the near leg only.
- confidence: product of the view confidence, a visibility factor of the landmarks used
  (clip((v - 0.2) / 0.6, 0, 1)), a count factor min(1, n / 8) (2D measures need about 7 steps,
  Dingenen 2018), a frame-rate factor (contact_time_ms and duty_factor_pct: (fps - 20) / 40,
  at most 1, so 0.25 at 30 fps; angles at contact: 0.7 at 30 fps rising to 1 at 60 fps) and a
  cap for measures the pose model is known to track poorly (pelvic drop 0.6: MediaPipe infers
  the hip points from the body shape; knee valgus 0.7; foot angle 0.8; thigh angle 0.8; knee
  flexion and shank angle at contact 0.8, see below).

Known pose-model errors these definitions cannot remove (rendered runners with exact joints,
bench/accuracy.py; the reading method itself, fed the true joints at the detected contacts,
is within 0.2 deg of the true knee flexion and 1.3 deg of the true shank angle):
- knee_flexion_ic_deg reads about +8 deg too flexed (full model; +7..13 by clip and model):
  MediaPipe compresses the knee angle toward mid-range (per frame, measured = 0.79 x true + 8.5
  deg, full and heavy; lite 0.69 x + 15.7): it puts the knee 3-5 cm in front of the joint on a
  nearly straight leg and behind it on a bent one. The same knee point makes
  shank_angle_ic_deg read about 4 deg less tilted. Not the contact time (reading the model's
  joints at the true contacts gives the same error) and not the hip point (MediaPipe's hip
  changes the angle by about -1 deg). So a stiff-knee landing reads less stiff than it is.
- knee_valgus_deg: MediaPipe's error depends on the image side: the leg on the image's right
  reads more valgus (full model, rear view: left - right = -6 deg on symmetric runners; it
  stays on the image's right when the clip is mirrored, so it is not the side mapping), which
  registry.ASYMMETRY_THRESHOLDS_BY_METRIC allows for. Also, a camera 3.5 m away at hip height
  shows the midstance knee (ahead of the hip-ankle line, so farther from a rear camera) about
  1 deg more valgus from behind and 1.5 deg less from the front than in the frontal plane.

Metric definitions (sign conventions in docs/report_schema.md):
- cadence_spm: 120 / stride period, the period being the least-squares slope of all event times
  (IC, TO or midstance of each foot) against their stride index, with outliers removed.
- trunk_lean_deg: mid-hip->mid-shoulder vs vertical at each midstance (+ forward).
- overstride_pct_leg, shank_angle_ic_deg, knee_flexion_ic_deg: at each IC, from the raw
  (unsmoothed) keypoints in the last max(0.08 s, 2.5 frames) before contact, fitted with a
  straight line in time and read at the contact time (smoothing would mix in the fast changes
  after the foot lands).
- foot_strike_angle_deg: at each IC, the landing angle of the heel->toe landmark line (see
  landing_angle): the median of the raw angle over the approach's last LANDING_WINDOW_S,
  measured from the image horizontal like the other angles (a tilted phone shifts it).
- foot_strike_pattern: from foot_strike_angle_deg with registry.FOOT_STRIKE_THRESHOLDS_DEG.
- vertical_oscillation_pct_leg: per stride, the mean over its two steps of the mid-hip height
  at mid-flight minus that at midstance (the pelvis is lowest at midstance and highest
  mid-flight; reading it at those times keeps noise from inflating a max - min), % of leg;
  vertical_oscillation_cm: times the anthropometric leg length 0.491 x runner height (thigh
  0.245 + shank 0.246 of height, Winter 2009).
- hip_extension_deg: peak thigh angle behind vertical from midstance to toe-off + 10% of a
  stride (the thigh's peak in late stance / around toe-off), smoothed track.
- contact_time_ms: TO - IC; duty_factor_pct: contact / stride time of that foot x 100.
- pelvic_drop_deg, lateral_trunk_lean_deg, knee_valgus_deg: at each midstance (pelvis low
  point), smoothed tracks, signed to the stance side; the left value is during left stance.
- trunk_sway_range_deg: per stride, the frontal trunk angle at left midstance minus that at
  the next right midstance (absolute): the trunk sways most over each stance foot.
- step_width_pct_leg: image-x distance between the ankles at consecutive midstances (the
  planted foot's position, as at contact), + when the right foot lands to the right of the left
  one, % of leg.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from gaitcam.gait import series as S
from gaitcam.gait.events import MIN_STRIDES, GaitEvents
from gaitcam.gait.prepare import CleanPose
from gaitcam.gait.signal import (
    median_dt,
    polyfit_many,
    refine_extremum,
    small_median,
    span,
    window_values,
)
from gaitcam.landmarks import INDEX, LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER, SIDE

SIDES = ("left", "right")
#: Leg length (hip joint to ankle joint = thigh + shank) as a fraction of standing height.
LEG_FRACTION_OF_HEIGHT = 0.491
#: Side view: the far leg's values are used only if the pose model saw it at least this well
#: (mean visibility of its knee, ankle, heel and toe at its contacts).
FAR_MIN_VISIBILITY = 0.75
#: The foot-strike angle is read over the last this many seconds before contact (at least 2.5
#: frames, so three samples at 30 fps): the end of the approach, when the foot holds the angle
#: it lands with.
LANDING_WINDOW_S = 0.1

SIDE_METRICS = (
    "cadence_spm", "trunk_lean_deg", "overstride_pct_leg", "shank_angle_ic_deg",
    "foot_strike_angle_deg", "foot_strike_pattern", "knee_flexion_ic_deg",
    "vertical_oscillation_pct_leg", "vertical_oscillation_cm", "hip_extension_deg",
    "contact_time_ms", "duty_factor_pct",
)
FRONTAL_METRICS = (
    "cadence_spm", "pelvic_drop_deg", "lateral_trunk_lean_deg", "trunk_sway_range_deg",
    "step_width_pct_leg", "knee_valgus_deg",
)
ALL_METRICS = tuple(dict.fromkeys(SIDE_METRICS + FRONTAL_METRICS))

UNITS = {
    "cadence_spm": "steps/min", "trunk_lean_deg": "deg", "overstride_pct_leg": "% leg",
    "shank_angle_ic_deg": "deg", "foot_strike_angle_deg": "deg", "foot_strike_pattern": "",
    "knee_flexion_ic_deg": "deg", "vertical_oscillation_pct_leg": "% leg",
    "vertical_oscillation_cm": "cm", "hip_extension_deg": "deg", "contact_time_ms": "ms",
    "duty_factor_pct": "%", "pelvic_drop_deg": "deg", "lateral_trunk_lean_deg": "deg",
    "trunk_sway_range_deg": "deg", "step_width_pct_leg": "% leg", "knee_valgus_deg": "deg",
}
_ASYM_FLOOR = {"deg": 5.0, "% leg": 5.0}
_CAPS = {"pelvic_drop_deg": 0.6, "knee_valgus_deg": 0.7, "foot_strike_angle_deg": 0.8,
         "foot_strike_pattern": 0.8, "hip_extension_deg": 0.8, "knee_flexion_ic_deg": 0.8,
         "shank_angle_ic_deg": 0.8}
_AT_CONTACT = ("overstride_pct_leg", "shank_angle_ic_deg", "foot_strike_angle_deg",
               "foot_strike_pattern", "knee_flexion_ic_deg")

try:  # the registry owns the pattern thresholds (Altman & Davis 2012)
    from gaitcam.registry import FOOT_STRIKE_THRESHOLDS_DEG as _FS
except ImportError:  # pragma: no cover - registry missing
    _FS = {"rearfoot_above": 8.0, "forefoot_below": -1.6}


def foot_strike_pattern(angle_deg: float | None) -> str | None:
    """Pattern of a foot-strike angle (registry thresholds; Altman & Davis 2012)."""
    if angle_deg is None or not np.isfinite(angle_deg):
        return None
    if angle_deg > _FS["rearfoot_above"]:
        return "rearfoot"
    if angle_deg < _FS["forefoot_below"]:
        return "forefoot"
    return "midfoot"


# --- entries ------------------------------------------------------------------------------


def _num(x: float | None, nd: int = 2) -> float | None:
    if x is None or not np.isfinite(x):
        return None
    return round(float(x), nd)


def not_measurable(key: str, reason: str) -> dict:
    """An entry for a metric this clip cannot give."""
    return {
        "value": None, "unit": UNITS[key], "left": None, "right": None, "per_stride": [],
        "per_contact": [], "variability": None, "asymmetry_pct": None, "confidence": 0.0,
        "status": "not_measurable", "measurable": False, "reason": reason, "n": 0,
    }


def asymmetry_pct(key: str, left: float | None, right: float | None) -> float | None:
    """|L - R| / max(mean(|L|, |R|), floor) * 100 (floor: 5 deg, 5 % leg, else 1)."""
    if left is None or right is None or not (np.isfinite(left) and np.isfinite(right)):
        return None
    floor = _ASYM_FLOOR.get(UNITS[key], 1.0)
    den = max((abs(left) + abs(right)) / 2.0, floor)
    return abs(left - right) / den * 100.0


def entry(
    key: str, values: dict[str, list[tuple[float, float]]], confidence: float,
    bilateral: bool,
) -> dict:
    """A measurable entry from per-stride values {"left"/"right"/"all": [(time, value)]}."""
    per: list[tuple[float, float]] = []
    for v in values.values():
        per += [(t, x) for t, x in v if np.isfinite(x)]
    per.sort()
    vals = np.array([x for _, x in per])
    if len(vals) == 0:
        return not_measurable(key, "No stride gave a usable value (landmarks missing).")
    med = {s: float(np.median([x for _, x in values.get(s, []) if np.isfinite(x)]))
           for s in SIDES if any(np.isfinite(x) for _, x in values.get(s, []))}
    value = float(np.mean(list(med.values()))) if bilateral and med else float(np.median(vals))
    groups = [np.array([x for _, x in v if np.isfinite(x)]) for v in values.values()]
    var = [g.var(ddof=1) for g in groups if len(g) >= 2]
    variability = float(np.sqrt(np.mean(var))) if var else None
    left, right = med.get("left"), med.get("right")
    return {
        "value": _num(value), "unit": UNITS[key],
        "left": _num(left) if bilateral else None, "right": _num(right) if bilateral else None,
        "per_stride": [_num(x) for x in vals], "variability": _num(variability),
        "asymmetry_pct": _num(asymmetry_pct(key, left, right)) if bilateral else None,
        "confidence": _num(float(np.clip(confidence, 0.0, 1.0))), "status": None,
        "measurable": True, "reason": None, "n": int(len(vals)),
        # The event time of each per_stride value; compute_metrics turns them into
        # per_contact (see per_contact) and drops this key.
        "_times": [float(t) for t, _ in per],
    }


def per_contact(e: dict, ev: GaitEvents) -> list[dict]:
    """[{"side", "t_s", "value"}] of an entry: each per_stride value tied to the foot contact
    it was measured at (or, for per-stride values, the contact that starts the stride).

    Values are recorded at an event of one contact (its initial contact or its midstance);
    t_s is that contact's initial contact time (s), as in the report's events. Values whose
    contact has no initial contact time (possible from the rear/front) are left out.
    """
    times = e.get("_times") or []
    if not times:
        return []
    keys, sides, ics = [], [], []
    for s in SIDES:
        for arr in (ev.ic[s], ev.midstance[s]):
            keys.append(np.asarray(arr, dtype=np.float64))
            sides.append(np.full(len(arr), s))
            ics.append(np.asarray(ev.ic[s], dtype=np.float64))
    k, sd, ic = np.concatenate(keys), np.concatenate(sides), np.concatenate(ics)
    ok = np.isfinite(k)
    k, sd, ic = k[ok], sd[ok], ic[ok]
    if not len(k):
        return []
    order = np.argsort(k, kind="stable")
    k, sd, ic = k[order], sd[order], ic[order]
    tv = np.asarray(times, dtype=np.float64)
    j = np.clip(np.searchsorted(k, tv), 1, max(len(k) - 1, 1))
    lo = np.clip(j - 1, 0, len(k) - 1)
    hi = np.clip(j, 0, len(k) - 1)
    i = np.where(np.abs(k[lo] - tv) <= np.abs(k[hi] - tv), lo, hi)
    keep = (np.abs(k[i] - tv) <= 1e-6) & np.isfinite(ic[i])
    t_s = np.round(ic[i], 4).tolist()
    side = sd[i].tolist()
    out = [{"side": side[n], "t_s": t_s[n], "value": v}
           for n, v in enumerate(e["per_stride"]) if keep[n]]
    out.sort(key=lambda r: r["t_s"])
    return out


# --- helpers ------------------------------------------------------------------------------


def _visibility(cp: CleanPose, idx: list[int], times: list[float]) -> float:
    """Mean visibility of landmarks idx at the frames nearest `times`, as a 0..1 factor."""
    if not times:
        return 0.0
    fr = np.clip(np.searchsorted(cp.t, np.array(times)), 0, len(cp.t) - 1)
    v = _nanmean(cp.visibility[np.ix_(fr, idx)])
    return float(np.clip((v - 0.2) / 0.6, 0.0, 1.0))


def _nanmean(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return float(x.mean()) if len(x) else 0.0


def _count_factor(n: int) -> float:
    return min(1.0, n / 8.0)


def _fps_factor(key: str, fps: float) -> float:
    if key in ("contact_time_ms", "duty_factor_pct"):
        return float(np.clip((fps - 20.0) / 40.0, 0.1, 1.0))
    if key in _AT_CONTACT:
        return float(np.clip(0.7 + 0.3 * (fps - 30.0) / 30.0, 0.5, 1.0))
    return 1.0


def _confidence(cp: CleanPose, key: str, vis: float, n: int) -> float:
    view = 1.0 if cp.view.forced else cp.view.confidence
    return view * vis * _count_factor(n) * _fps_factor(key, cp.fps) * _CAPS.get(key, 1.0)


def at_contact(t: np.ndarray, y: np.ndarray, t_ic: np.ndarray | float) -> np.ndarray:
    """Values of series y at contact times t_ic (array) from the samples just before each.

    A straight line through the samples in [t_ic - max(0.08 s, 2.5 frames), t_ic - 0.5 frame]
    (one sample: its value), evaluated at t_ic; the half-frame guard keeps out samples taken
    just after a contact estimated late. NaN where there is no finite sample.
    """
    t_ic = np.atleast_1d(np.asarray(t_ic, dtype=np.float64))
    if len(t_ic) == 0:
        return np.array([])
    dt = median_dt(t)
    half = max(0.08, 2.5 * dt)
    tt, yy, m = window_values(t, y, t_ic - half, t_ic - 0.5 * dt)
    coef, n = polyfit_many(tt, yy, m, t_ic, 1)
    out = coef[:, 0]
    one = n == 1
    if one.any():
        out[one] = (yy * m).sum(1)[one]
    return out


def landing_angle(t: np.ndarray, angle: np.ndarray, t_ic: np.ndarray | float) -> np.ndarray:
    """Foot angle at landing (deg, the sign of `angle`) for each contact time in t_ic (s).

    The median of the raw samples of `angle` (heel->toe vs horizontal, see
    series.foot_angle_series) in [t_ic - max(LANDING_WINDOW_S, 2.5 frames), t_ic]; NaN where
    there is none. Why not a value read exactly at the contact: the foot holds its angle
    through the end of the approach and rotates fast once it touches (the forefoot slaps down
    after a heel strike, the heel drops after a forefoot strike), so at 30 fps the samples
    nearest the contact straddle that rotation; a line through them extrapolated to the
    contact carries the rotation and amplifies the noise. A median over the approach is
    unmoved by one sample taken after a contact found a frame late or by one bad frame.

    Not relative to the flat foot: MediaPipe's heel point is not fixed on the shoe. In the air
    it sits at the back corner of the sole; on a loaded, flat foot it moves up the heel
    counter, so the flat foot reads 5-12 deg toes-down while the landing foot reads within a
    few degrees of the sole (rendered runners with known angles, full model; the real
    treadmill clip by eye). Subtracting the flat-foot angle, as Altman & Davis (2012) subtract
    the standing foot for skin markers, added that much toes-up bias.
    """
    t_ic = np.atleast_1d(np.asarray(t_ic, dtype=np.float64))
    if len(t_ic) == 0:
        return np.array([])
    before = max(LANDING_WINDOW_S, 2.5 * median_dt(t))
    _, yy, m = window_values(t, angle, t_ic - before, t_ic)
    out = np.full(len(t_ic), np.nan)
    for k in np.flatnonzero(m.any(1)):
        out[k] = small_median(yy[k][m[k]])
    return out


def stride_period(ev: GaitEvents, use_midstance: bool = False) -> tuple[float, int]:
    """Least-squares stride period (s) from every event series sharing it, and the stride count.

    Each series (IC and TO of each foot, or midstance in a rear/front view) gets its own
    offset; events are indexed by round((t - t0) / period) so missed events do no harm; events
    more than max(3.5 robust SD, 2% of a stride) off the line are dropped and the fit redone.
    """
    series = [ev.midstance[s] for s in SIDES] if use_midstance else (
        [ev.ic[s] for s in SIDES] + [ev.to[s] for s in SIDES]
    )
    series = [np.asarray(x)[np.isfinite(x)] for x in series]
    series = [x for x in series if len(x) >= 2]
    t0 = ev.stride_s
    if not series:
        return t0, 0
    keep = [np.ones(len(x), bool) for x in series]
    period = t0
    for _ in range(3):
        rows, ys = [], []
        for j, (x, k) in enumerate(zip(series, keep, strict=True)):
            idx = np.round((x - x[0]) / period)
            for xi, ii in zip(x[k], idx[k], strict=True):
                r = np.zeros(len(series) + 1)
                r[j], r[-1] = 1.0, ii
                rows.append(r)
                ys.append(xi)
        a, y = np.array(rows), np.array(ys)
        if len(y) < len(series) + 2:
            break
        coef, *_ = np.linalg.lstsq(a, y, rcond=None)
        period = float(coef[-1])
        new_keep = []
        for j, x in enumerate(series):
            idx = np.round((x - x[0]) / period)
            res = x - (coef[j] + period * idx)
            mad = np.median(np.abs(res - np.median(res))) * 1.4826
            new_keep.append(np.abs(res) <= max(3.5 * mad, 0.02 * period))
        if all(np.array_equal(a_, b_) for a_, b_ in zip(keep, new_keep, strict=True)):
            break
        keep = new_keep
    n = int(max(len(x) for x in series) - 1)
    return period, n


def _strides(ics: np.ndarray, period: float) -> list[tuple[float, float]]:
    """(start, end) of consecutive ICs about one stride apart."""
    out = []
    for a, b in zip(ics[:-1], ics[1:], strict=True):
        if 0.7 * period <= b - a <= 1.3 * period:
            out.append((float(a), float(b)))
    return out


def _half(t: np.ndarray) -> float:
    """Half-width of the local fits on raw samples: max(0.04 s, 1.5 frames)."""
    return max(0.04, 1.5 * median_dt(t))


def at_time(t: np.ndarray, y: np.ndarray, tc: np.ndarray | float) -> np.ndarray:
    """Values of raw series y at times tc (array): a local parabola over tc +- _half."""
    tc = np.atleast_1d(np.asarray(tc, dtype=np.float64))
    if len(tc) == 0:
        return np.array([])
    half = _half(t)
    tt, yy, m = window_values(t, y, tc - half, tc + half)
    coef, _ = polyfit_many(tt, yy, m, tc, 2)
    return coef[:, 0]


def _extremes(t: np.ndarray, y: np.ndarray, ys: np.ndarray,
              windows: list[tuple[float, float]], kind: str, sharp: bool = False) -> np.ndarray:
    """Max (or min) of y in each window: located on the smoothed ys, valued by a local
    parabola on the raw y (a low-pass filter flattens peaks). Normal: the parabola over
    +-_half read at the (sub-frame) smoothed extreme, since a parabola's vertex is biased by
    noise. sharp: for peaks narrower than that, a +-max(0.02 s, 1 frame) parabola re-centred
    on the raw extreme and read at its vertex (slightly noise-sensitive)."""
    sign = 1.0 if kind == "max" else -1.0
    centres = []
    for a, b in windows:
        w = span(t, a, b)
        sel = np.arange(w.start, w.stop)[np.isfinite(ys[w])]
        if len(sel) < 3:
            centres.append(np.nan)
            continue
        i = sel[int(np.argmax(sign * ys[sel]))]
        if sharp:
            half = max(0.02, 1.01 * median_dt(t))
            w = span(t, t[i] - 2 * half, t[i] + 2 * half)
            near = np.arange(w.start, w.stop)[np.isfinite(y[w])]
            if len(near) >= 3:
                i = near[int(np.argmax(sign * y[near]))]
            centres.append(float(t[i]))
        else:
            centres.append(refine_extremum(t, sign * ys, int(i))[0])
    centres = np.array(centres, dtype=np.float64)
    out = np.full(len(centres), np.nan)
    ok = np.isfinite(centres)
    if not ok.any():
        return out
    half = max(0.02, 1.01 * median_dt(t)) if sharp else _half(t)
    c = centres[ok]
    tt, yy, m = window_values(t, y, c - half, c + half)
    coef, _ = polyfit_many(tt, yy, m, c, 2, scale=half)
    val = coef[:, 0]
    if sharp:  # vertex value when the vertex lies inside the window (x in units of half)
        a2, a1 = coef[:, 2], coef[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            xv = -a1 / (2 * a2)
        inside = np.isfinite(xv) & (np.abs(xv) <= 1.0)
        val = np.where(inside, coef[:, 0] + a1 * xv + a2 * xv ** 2, val)
    out[ok] = val
    return out


def _oscillation(t: np.ndarray, h: np.ndarray, ev: GaitEvents,
                 strides: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Pelvis travel per stride [a, b): the mean over its steps of (high - low), each read at
    that time by a local parabola on the raw track. Running: the pelvis is lowest at midstance
    and highest mid-flight (between a toe-off and the other foot's contact). Walking: it is
    highest at midstance (the body vaults over the stance leg) and lowest in double support
    (between a contact and the other foot's toe-off). Reading it at those times (and averaging
    rather than taking a max and a min) keeps noise from inflating the range."""
    step_t, hi_t, lo_t = [], [], []
    walking = ev.gait == "walking"
    for s in SIDES:
        o = SIDES[1 - SIDES.index(s)]
        if walking:
            other_to = ev.to[o]
            for ic, m in zip(ev.ic[s], ev.midstance[s], strict=True):
                nxt = other_to[(other_to > ic) & np.isfinite(other_to)]
                if np.isfinite(m) and len(nxt) and nxt[0] - ic < 0.5 * ev.stride_s:
                    step_t.append(m)
                    hi_t.append(m)
                    lo_t.append((ic + nxt[0]) / 2)
            continue
        other = ev.ic[o]
        for m, to in zip(ev.midstance[s], ev.to[s], strict=True):
            if not np.isfinite(to):
                continue
            nxt = other[other > to]
            if len(nxt) and nxt[0] - to < 0.5 * ev.stride_s:
                step_t.append(m)
                hi_t.append((to + nxt[0]) / 2)
                lo_t.append(m)
    if not step_t:
        return [(a, float("nan")) for a, _ in strides]
    step_t = np.array(step_t)
    rng = at_time(t, h, np.array(hi_t)) - at_time(t, h, np.array(lo_t))
    out = []
    for a, b in strides:
        sel = (step_t >= a) & (step_t < b) & np.isfinite(rng)
        out.append((a, float(rng[sel].mean()) if sel.any() else float("nan")))
    return out


# --- side view ----------------------------------------------------------------------------


def far_leg(cp: CleanPose, ev: GaitEvents) -> tuple[str, bool, float]:
    """Side view: (far side, reliable, mean visibility of its knee/ankle/heel/toe at its
    contacts). The far leg is partly hidden behind the near one and the pose model often
    guesses it; it is reliable with visibility >= FAR_MIN_VISIBILITY and enough contacts."""
    far = "right" if (cp.view.facing or "left") == "left" else "left"
    ix = SIDE[far]
    idx = [ix["knee"], ix["ankle"], ix["heel"], ix["foot_index"]]
    times = list(ev.ic[far][np.isfinite(ev.ic[far])])
    if not times:
        return far, False, 0.0
    fr = np.clip(np.searchsorted(cp.t, np.array(times)), 0, len(cp.t) - 1)
    vis = _nanmean(cp.visibility[np.ix_(fr, idx)])
    return far, vis >= FAR_MIN_VISIBILITY and len(times) >= MIN_STRIDES + 1, vis


def side_metrics(
    cp: CleanPose, ev: GaitEvents, runner_height_cm: float | None = None,
    sides: tuple[str, ...] = SIDES,
) -> dict[str, dict]:
    """The side-view metrics (SIDE_METRICS) as report entries (status left None).

    sides: the legs whose values make the bilateral metrics (see far_leg); cadence, trunk
    lean and the bounce use every event.
    """
    t, xy, xs = cp.t, cp.xy, cp.xy_smooth
    facing = cp.view.facing or "left"
    fwd = -1.0 if facing == "left" else 1.0
    out: dict[str, dict] = {}
    period, _ = stride_period(ev)
    out.update(_cadence(cp, ev, period, use_midstance=False))

    # Raw keypoints (measured samples only) for values at contact. Overstride is a distance
    # along the ground, so it is measured in the image levelled to the ground line.
    raw = np.where(cp.observed[..., None], xy, np.nan)
    lev = S.level_xy(raw, cp.ground_tilt_deg or 0.0)
    mid_x_lev = (lev[:, LEFT_HIP, 0] + lev[:, RIGHT_HIP, 0]) / 2
    contact_series: dict[str, dict[str, np.ndarray]] = {}
    for s in SIDES:
        ix = SIDE[s]
        contact_series[s] = {
            "overstride_pct_leg": 100.0 * fwd * (lev[:, ix["heel"], 0] - mid_x_lev) / cp.leg[s],
            "shank_angle_ic_deg": S.shank_angle_series(raw, s, facing),
            "foot_strike_angle_deg": S.foot_angle_series(raw, s, facing),
            "knee_flexion_ic_deg": S.knee_flexion_series(raw, s),
        }
    landmarks = {
        "overstride_pct_leg": ["heel", "hip"], "shank_angle_ic_deg": ["knee", "ankle"],
        "foot_strike_angle_deg": ["heel", "foot_index"],
        "knee_flexion_ic_deg": ["hip", "knee", "ankle"],
    }
    for key, parts in landmarks.items():
        vals = {}
        for s in sides:
            if key == "foot_strike_angle_deg":
                v = landing_angle(t, contact_series[s][key], ev.ic[s])
            else:
                v = at_contact(t, contact_series[s][key], ev.ic[s])
            if key == "knee_flexion_ic_deg":  # a straight line before contact may overshoot
                v = np.maximum(v, 0.0)
            vals[s] = list(zip(ev.ic[s], v, strict=True))
        idx = [SIDE[s][p] for s in sides for p in parts]
        times = [x for s in sides for x in ev.ic[s]]
        n = sum(len(v) for v in vals.values())
        out[key] = entry(key, vals, _confidence(cp, key, _visibility(cp, idx, times), n), True)
        if key == "foot_strike_angle_deg":
            out["foot_strike_pattern"] = _pattern_entry(out[key], vals)

    # Trunk lean at midstance.
    lean = S.trunk_lean_series(raw, facing)
    ms_all = np.concatenate([ev.midstance[s] for s in SIDES])
    vals = {"all": list(zip(ms_all, at_time(t, lean, ms_all), strict=True))}
    times = [x for x, _ in vals["all"]]
    idx = [LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER]
    out["trunk_lean_deg"] = entry(
        "trunk_lean_deg", vals,
        _confidence(cp, "trunk_lean_deg", _visibility(cp, idx, times), len(times)), False,
    )

    # Vertical oscillation per stride (strides of the side with more contacts).
    hip_h = -(raw[:, LEFT_HIP, 1] + raw[:, RIGHT_HIP, 1]) / 2 / cp.leg["mean"] * 100.0
    ref = max(SIDES, key=lambda s: len(ev.ic[s]))
    strides = _strides(ev.ic[ref], period)
    vals = {"all": _oscillation(t, hip_h, ev, strides)}
    conf = _confidence(cp, "vertical_oscillation_pct_leg",
                       _visibility(cp, [LEFT_HIP, RIGHT_HIP], [a for a, _ in strides]),
                       len(strides))
    out["vertical_oscillation_pct_leg"] = entry("vertical_oscillation_pct_leg", vals, conf, False)
    if runner_height_cm and runner_height_cm > 0:
        leg_cm = LEG_FRACTION_OF_HEIGHT * runner_height_cm
        cm = {"all": [(a, v * leg_cm / 100.0) for a, v in vals["all"]]}
        out["vertical_oscillation_cm"] = entry("vertical_oscillation_cm", cm, conf, False)
    else:
        out["vertical_oscillation_cm"] = not_measurable(
            "vertical_oscillation_cm",
            "Give the runner's height (runner_height_cm) to convert the bounce to centimetres.",
        )

    # Hip extension: peak thigh angle behind vertical, midstance -> TO + 10% stride.
    vals = {}
    for s in sides:
        th = S.thigh_angle_series(raw, s, facing)
        ths = S.thigh_angle_series(xs, s, facing)
        wins = [(m, o + 0.1 * period)
                for m, o in zip(ev.midstance[s], ev.to[s], strict=True) if np.isfinite(o)]
        peaks = _extremes(t, th, ths, wins, "max", sharp=True)
        vals[s] = [(w[0], float(v)) for w, v in zip(wins, peaks, strict=True)]
    times = [x for s in sides for x, _ in vals[s]]
    idx = [SIDE[s][p] for s in sides for p in ("hip", "knee")]
    out["hip_extension_deg"] = entry(
        "hip_extension_deg", vals,
        _confidence(cp, "hip_extension_deg", _visibility(cp, idx, times), len(times)), True,
    )

    # Contact time and duty factor.
    ct, df = {}, {}
    for s in sides:
        ic, to = ev.ic[s], ev.to[s]
        ct[s], df[s] = [], []
        for k, (a, b) in enumerate(zip(ic, to, strict=True)):
            if not np.isfinite(b):
                continue
            ct[s].append((a, 1000.0 * (b - a)))
            nxt = ic[k + 1] if k + 1 < len(ic) else np.nan
            stride = nxt - a if np.isfinite(nxt) and 0.7 * period < nxt - a < 1.3 * period \
                else period
            df[s].append((a, 100.0 * (b - a) / stride))
    times = [x for s in sides for x, _ in ct[s]]
    idx = [SIDE[s][p] for s in sides for p in ("heel", "foot_index")]
    vis = _visibility(cp, idx, times)
    for key, vals in (("contact_time_ms", ct), ("duty_factor_pct", df)):
        n = sum(len(v) for v in vals.values())
        out[key] = entry(key, vals, _confidence(cp, key, vis, n), True)
    return out


def _pattern_entry(angle_entry: dict, vals: dict[str, list[tuple[float, float]]]) -> dict:
    e = dict(angle_entry)
    if not e.get("measurable"):
        return not_measurable("foot_strike_pattern", e.get("reason") or "")
    per = sorted((t, v) for s in vals for t, v in vals[s] if np.isfinite(v))
    e.update({
        "value": foot_strike_pattern(angle_entry["value"]),
        "unit": "",
        "left": foot_strike_pattern(angle_entry["left"]) if angle_entry["left"] is not None
        else None,
        "right": foot_strike_pattern(angle_entry["right"]) if angle_entry["right"] is not None
        else None,
        "per_stride": [foot_strike_pattern(v) for _, v in per],
        "variability": None, "asymmetry_pct": None,
    })
    return e


def _cadence(cp: CleanPose, ev: GaitEvents, period: float, use_midstance: bool) -> dict:
    key = "cadence_spm"
    series = ev.midstance if use_midstance else ev.ic
    vals = {"all": []}
    for s in SIDES:
        for a, b in _strides(np.asarray(series[s]), period):
            vals["all"].append((a, 120.0 / (b - a)))
    n = len(vals["all"])
    times = [a for a, _ in vals["all"]]
    idx = [SIDE[s][p] for s in SIDES for p in ("heel", "foot_index", "hip")]
    e = entry(key, vals, _confidence(cp, key, _visibility(cp, idx, times), n), False)
    if e["measurable"]:
        e["value"] = _num(120.0 / period)
    return {key: e}


# --- rear / front view --------------------------------------------------------------------


def frontal_metrics(cp: CleanPose, ev: GaitEvents) -> dict[str, dict]:
    """The rear/front-view metrics (FRONTAL_METRICS) as report entries (status left None)."""
    t, view = cp.t, cp.view.view
    raw = np.where(cp.observed[..., None], cp.xy, np.nan)
    out: dict[str, dict] = {}
    period, _ = stride_period(ev, use_midstance=True)
    out.update(_cadence(cp, ev, period, use_midstance=True))
    obl = S.pelvic_obliquity_series(raw, view)
    lat = S.lateral_trunk_lean_series(raw, view)
    sign = {"left": 1.0, "right": -1.0}

    def at_ms(fn: Callable[[str], np.ndarray]) -> dict[str, list[tuple[float, float]]]:
        return {s: list(zip(ev.midstance[s], sign[s] * at_time(t, fn(s), ev.midstance[s]),
                            strict=True)) for s in SIDES}

    specs = {
        "pelvic_drop_deg": (at_ms(lambda s: obl), [LEFT_HIP, RIGHT_HIP]),
        "lateral_trunk_lean_deg": (
            at_ms(lambda s: lat), [LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER]),
    }
    fppa = {s: S.knee_fppa_series(raw, s, view) for s in SIDES}
    specs["knee_valgus_deg"] = (
        {s: list(zip(ev.midstance[s], at_time(t, fppa[s], ev.midstance[s]), strict=True))
         for s in SIDES},
        [SIDE[s][p] for s in SIDES for p in ("hip", "knee", "ankle")],
    )
    for key, (vals, idx) in specs.items():
        times = [x for s in SIDES for x, _ in vals[s]]
        out[key] = entry(key, vals, _confidence(cp, key, _visibility(cp, idx, times),
                                                len(times)), True)

    # Trunk sway: per stride, the trunk angle at left midstance minus that at the following
    # right midstance (it leans most over each stance foot); max - min of a noisy track would
    # be inflated by the noise, and of a smoothed one flattened.
    steps = sorted((float(m), s) for s in SIDES for m in ev.midstance[s])
    pairs = [(ta, tb) for (ta, sa), (tb, sb) in zip(steps[:-1], steps[1:], strict=True)
             if sa == "left" and sb == "right" and tb - ta <= 0.8 * period]
    if pairs:
        pa = np.array(pairs)
        sway = np.abs(at_time(t, lat, pa[:, 0]) - at_time(t, lat, pa[:, 1]))
        vals = {"all": list(zip(pa[:, 0], sway, strict=True))}
    else:
        vals = {"all": []}
    idx = [LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER]
    out["trunk_sway_range_deg"] = entry(
        "trunk_sway_range_deg", vals,
        _confidence(cp, "trunk_sway_range_deg",
                    _visibility(cp, idx, [a for a, _ in vals["all"]]), len(vals["all"])), False,
    )

    # Step width between consecutive steps.
    right_is_image_right = view == "rear"
    steps = sorted((float(m), s) for s in SIDES for m in ev.midstance[s])
    ax = {s: raw[:, INDEX[f"{s}_ankle"], 0] for s in SIDES}
    pairs = [(ta, sa, tb, sb) for (ta, sa), (tb, sb) in zip(steps[:-1], steps[1:], strict=True)
             if sa != sb and tb - ta <= 0.8 * period]
    vals = {"all": []}
    if pairs:
        ta = np.array([p[0] for p in pairs])
        tb = np.array([p[2] for p in pairs])
        xa = {s: at_time(t, ax[s], ta) for s in SIDES}
        xb = {s: at_time(t, ax[s], tb) for s in SIDES}
        for k, (_, sa, tbk, _) in enumerate(pairs):
            x_left = xa["left"][k] if sa == "left" else xb["left"][k]
            x_right = xb["right"][k] if sa == "left" else xa["right"][k]
            width = (x_right - x_left) * (1.0 if right_is_image_right else -1.0)
            vals["all"].append((tbk, 100.0 * width / cp.leg["mean"]))
    times = [x for x, _ in vals["all"]]
    idx = [INDEX["left_ankle"], INDEX["right_ankle"]]
    out["step_width_pct_leg"] = entry(
        "step_width_pct_leg", vals,
        _confidence(cp, "step_width_pct_leg", _visibility(cp, idx, times), len(times)), False,
    )
    return out


def compute_metrics(
    cp: CleanPose, ev: GaitEvents, runner_height_cm: float | None = None
) -> dict[str, dict]:
    """Every report metric (ALL_METRICS): measured for this view, not_measurable otherwise."""
    if cp.view.view == "side":
        far, ok, _ = far_leg(cp, ev)
        sides = SIDES if ok else tuple(s for s in SIDES if s != far)
        got = side_metrics(cp, ev, runner_height_cm, sides)
        other = "Needs a rear or front view (filmed from behind or in front of the runner)."
    else:
        got = frontal_metrics(cp, ev)
        other = "Needs a side view (filmed from the side at hip height)."
    out = {k: got[k] if k in got else not_measurable(k, other) for k in ALL_METRICS}
    for e in out.values():
        e["per_contact"] = per_contact(e, ev)
        e.pop("_times", None)
    return out


__all__ = [
    "ALL_METRICS", "FRONTAL_METRICS", "LEG_FRACTION_OF_HEIGHT", "SIDE_METRICS", "UNITS",
    "asymmetry_pct", "at_contact", "compute_metrics", "entry", "foot_strike_pattern",
    "frontal_metrics", "landing_angle", "not_measurable", "per_contact", "side_metrics",
    "stride_period", "far_leg",
    "FAR_MIN_VISIBILITY", "LANDING_WINDOW_S",
]
