"""Side-view steps that do not trust the pose model's left/right labels, and the gait type.

Walking filmed from the side is hard on the labels: at double support and when the legs cross,
MediaPipe often puts both feet on one foot or swaps them for a few frames, too often for the
label-swap repair (gaitcam.gait.identity) to follow. The step detector here uses envelopes
that are the same whatever the labels (method "side: front-heel / rear-toe envelopes"):

- F(t): the most forward heel relative to the mid-hip (max over both feet), leg lengths. It
  peaks once per step, when the leading heel is most forward just before it lands (Zeni et al.
  2008: initial contact), then falls as that foot moves back under the body until the other
  foot swings past. Each peak rising at least MIN_SWEEP_LEGS above the trough before it is a
  step; its sub-frame time is the initial contact.
- B(t): the most backward toe relative to the mid-hip (min over both feet). Its troughs are
  toe-offs (Zeni et al. 2008); the toe-off of a foot is the deepest trough within half a step
  of the other foot's next contact (after it when walking, with double support; before it
  when running).
- Sides alternate step by step; which step is the left one is voted by the labels at the
  contacts (the leading heel's label).

`relabel_legs` then gives each frame's leading leg the label of its step, so values read at
contact from one leg's landmarks belong to that leg.

Gait type (`gait_type`): walking has double support (each foot on the ground for more than
half of its stride) and the body vaults over the stance leg, so the pelvis is highest at
midstance; running has a flight phase and the pelvis is lowest at midstance, highest in flight.
The pelvis phase decides from the side (contact times found from heel and toe turning points
are early and late by a few hundredths of a second, which biases the duty factor); from a rear
or front view, where contact times are approximate, the step rate decides (walking below
WALK_MAX_SPM).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from gaitcam.errors import NoGaitError
from gaitcam.gait.events import SIDES, GaitEvents, check_gait
from gaitcam.gait.prepare import CleanPose
from gaitcam.gait.signal import dominant_period, local_extrema, median_dt, refine_extremum, smooth
from gaitcam.landmarks import LEFT_HIP, RIGHT_HIP, SIDE

#: Plausible cadence for walking, steps per minute (slow to race walking pace excluded).
WALK_CADENCE_RANGE_SPM = (70.0, 150.0)
#: From a rear/front view, a step rate below this is taken as walking.
WALK_MAX_SPM = 140.0
#: A step's front-heel peak must rise at least this far (leg lengths) above the trough before it.
MIN_SWEEP_LEGS = 0.25
_MIN_PERIODICITY = 0.3

METHOD = "side: front-heel / rear-toe envelopes (labels not trusted)"

#: The landmarks exchanged with a leg: hip, knee, ankle, heel, toe.
_LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")


def _envelopes(t: np.ndarray, xy: np.ndarray, facing: str, leg: float
               ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    fwd = -1.0 if facing == "left" else 1.0
    mid = (xy[:, LEFT_HIP, 0] + xy[:, RIGHT_HIP, 0]) / 2
    heel = {s: fwd * (xy[:, SIDE[s]["heel"], 0] - mid) / leg for s in SIDES}
    toe = {s: fwd * (xy[:, SIDE[s]["foot_index"], 0] - mid) / leg for s in SIDES}
    front = np.fmax(heel["left"], heel["right"])
    back = np.fmin(toe["left"], toe["right"])
    return front, back, heel


def detect_walking_events(
    t: np.ndarray, xy_smooth: np.ndarray, facing: str, leg: float,
    cadence_range: tuple[float, float] = WALK_CADENCE_RANGE_SPM,
) -> GaitEvents:
    """IC/TO per foot from label-free envelopes (module docstring), side view.

    xy_smooth: (T, 33, 2) smoothed pixels, levelled to the ground line; leg: leg length (px).
    Raises NoGaitError unless the steps form a regular gait within `cadence_range`.
    """
    if not np.isfinite(leg) or leg <= 0:
        raise NoGaitError("No running or walking gait found: the legs were not seen.")
    front, back, heel = _envelopes(t, xy_smooth, facing, leg)
    lo, hi = cadence_range
    step, strength = dominant_period(t, front, 60.0 / hi, 60.0 / lo)
    if not np.isfinite(step) or strength < _MIN_PERIODICITY:
        raise NoGaitError(
            "No running or walking gait found: the feet do not step forward regularly."
        )
    dt = median_dt(t)
    sep = max(1, int(0.5 * step / dt))
    ics, leads = [], []
    for i in local_extrema(front, "max", sep):
        before = (t >= t[i] - 0.6 * step) & (t <= t[i]) & np.isfinite(front)
        if t[i] - t[before][0] < 0.4 * step:  # too little seen before the peak (clip edge)
            continue
        if front[i] - np.min(front[before]) < MIN_SWEEP_LEGS:
            continue
        ics.append(refine_extremum(t, front, int(i))[0])
        dl, dr = heel["left"][i], heel["right"][i]
        leads.append(0.0 if not (np.isfinite(dl) and np.isfinite(dr)) else np.sign(dl - dr))
    ics_a = np.array(ics)
    sides = _alternate(ics_a, np.array(leads), step)
    backs = local_extrema(back, "min", sep)
    to_t = np.array([refine_extremum(t, -back, int(i))[0] for i in backs])
    to_v = back[backs]
    ic = {s: [] for s in SIDES}
    to = {s: [] for s in SIDES}
    for k, (tk, sk) in enumerate(zip(ics_a, sides, strict=True)):
        t_to = np.nan
        nxt = ics_a[k + 1] if k + 1 < len(ics_a) else np.nan
        if np.isfinite(nxt) and nxt - tk < 1.5 * step and len(to_t):
            win = (to_t > nxt - 0.5 * step) & (to_t < nxt + 0.5 * step) & (to_t > tk)
            if win.any():
                # The deepest trough: a frame or two of mixed-up feet leaves a shallow extra
                # dip next to the real one, which may lie nearer the other foot's contact.
                t_to = float(to_t[win][np.argmin(to_v[win])])
        ic[sk].append(tk)
        to[sk].append(t_to)
    ic_a = {s: np.array(ic[s]) for s in SIDES}
    to_a = {s: np.array(to[s]) for s in SIDES}
    ms = {s: (ic_a[s] + to_a[s]) / 2 for s in SIDES}  # NaN without a toe-off
    agree = float(np.mean(np.array(leads) * np.array([1 if s == "left" else -1 for s in sides])
                          > 0)) if len(sides) else 0.0
    notes = (f"labels agree with the step order at {100 * agree:.0f}% of contacts",)
    ev = GaitEvents(ic_a, to_a, ms, 2 * step, METHOD, notes)
    return check_gait(ev, cadence_range=cadence_range)


def _alternate(ics: np.ndarray, leads: np.ndarray, step: float) -> list[str]:
    """Sides of steps at times `ics`: alternating within runs of steps (a gap over 1.6 steps
    starts a new run), each run's parity voted by `leads` (+1 = the left heel leads)."""
    sides: list[str] = []
    k = 0
    while k < len(ics):
        j = k + 1
        while j < len(ics) and ics[j] - ics[j - 1] < 1.6 * step:
            j += 1
        parity = np.array([1.0 if (m - k) % 2 == 0 else -1.0 for m in range(k, j)])
        first_left = float(np.sum(parity * leads[k:j])) >= 0
        for m in range(k, j):
            even = (m - k) % 2 == 0
            sides.append("left" if even == first_left else "right")
        k = j
    return sides


def _row_mean(x: np.ndarray) -> np.ndarray:
    """Mean of each row's finite values; NaN for a row with none (no warning)."""
    ok = np.isfinite(x)
    n = ok.sum(axis=1)
    total = np.where(ok, x, 0.0).sum(axis=1)
    return np.where(n > 0, total / np.maximum(n, 1), np.nan)


def leading_leg_flips(t: np.ndarray, xy: np.ndarray, facing: str, ev: GaitEvents,
                      min_gap: float = 0.0) -> np.ndarray:
    """(T,) bool: frames whose leg labels disagree with the step order of `ev` (side view).

    From the moment the feet pass each other before a contact (the smallest distance between
    them) to the moment they pass after it, the foot that lands at that contact is the forward
    one (by its ankle, heel and toe). xy: (T, 33, 2) per-frame pixels levelled to the ground
    line (not smoothed: smoothing would mix swapped frames). Only frames between the feet
    passing before the first contact and after the last one, with both feet seen more than
    `min_gap` pixels apart horizontally, can be True.
    """
    steps = ev.steps()
    flip = np.zeros(len(t), bool)
    if len(steps) < 2:
        return flip
    fwd = -1.0 if facing == "left" else 1.0
    feet = {s: _row_mean(xy[:, [SIDE[s][p] for p in ("ankle", "heel", "foot_index")], 0])
            for s in SIDES}
    left_ahead = fwd * (feet["left"] - feet["right"]) > 0
    times = np.array([x for x, _ in steps])
    # The leading foot changes when the swinging foot passes the planted one: where the
    # (label-free) distance between the feet is smallest between two contacts.
    gap = smooth(t, np.abs(feet["left"] - feet["right"]))
    step = float(np.median(np.diff(times)))

    def passing(a: float, b: float) -> float:
        """Time the feet pass each other within (a, b); NaN when that is not seen (the
        smallest gap falls on the window's edge, at the clip's ends or a gap)."""
        w = np.flatnonzero((t > a) & (t < b) & np.isfinite(gap))
        if len(w) < 3:
            return float("nan")
        j = int(np.argmin(gap[w]))
        return float(t[w[j]]) if 0 < j < len(w) - 1 else float("nan")

    cross = [passing(a, b) for a, b in zip(times[:-1], times[1:], strict=True)]
    cross = [c if np.isfinite(c) else (a + b) / 2
             for c, a, b in zip(cross, times[:-1], times[1:], strict=True)]
    # Before the first step's passing (and after the last's) the leading foot is unknown.
    cross = [passing(times[0] - 1.2 * step, times[0]), *cross,
             passing(times[-1], times[-1] + 1.2 * step)]
    # The smoothed gap's low point can miss the frame where the feet change order by a frame;
    # the nearest change of order within 0.15 step (if any) is the exact boundary.
    ahead = fwd * (feet["left"] - feet["right"])
    flips_at = np.flatnonzero(np.isfinite(ahead[:-1]) & np.isfinite(ahead[1:])
                              & (np.sign(ahead[:-1]) != np.sign(ahead[1:])))
    change = (t[flips_at] + t[flips_at + 1]) / 2
    near = max(0.15 * step, 1.5 * median_dt(t))
    for i, c in enumerate(cross):
        d = np.abs(change - c)
        if len(d) and d.min() <= near:
            cross[i] = float(change[np.argmin(d)])
    first, last = cross[0], cross[-1]
    inner = cross[1:-1]
    bounds = np.concatenate([[-np.inf], inner, [np.inf]])
    k = np.searchsorted(bounds, t, side="right") - 1
    want_left = np.array([steps[i][1] == "left" for i in np.clip(k, 0, len(steps) - 1)])
    inside = (t >= (first if np.isfinite(first) else inner[0] if inner else times[0])) & (
        t <= (last if np.isfinite(last) else inner[-1] if inner else times[-1]))
    # Where the feet are level (passing each other) "ahead" is noise: keep the labels.
    apart = np.abs(feet["left"] - feet["right"]) > min_gap
    return inside & apart & (left_ahead != want_left)


def exchange_legs(flip: np.ndarray, *arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    """Copies of `arrays` (T, 33, ...) with the two legs' landmarks (hip, knee, ankle, heel,
    toe) exchanged in the frames where `flip` (T,) is True."""
    out = tuple(np.array(a, copy=True) for a in arrays)
    for part in _LEG_PARTS:
        a, b = SIDE["left"][part], SIDE["right"][part]
        for arr in out:
            arr[flip, a], arr[flip, b] = arr[flip, b].copy(), arr[flip, a].copy()
    return out


def relabel_legs(cp: CleanPose, ev: GaitEvents, tilt_deg: float = 0.0) -> CleanPose:
    """`cp` with each frame's leading leg labelled as the foot of the current step
    (`leading_leg_flips`): where the labels say otherwise, the two legs' landmarks (hip, knee,
    ankle, heel, toe) and their visibility are exchanged. The smoothed tracks are recomputed.
    """
    from gaitcam.gait.series import level_xy

    flip = leading_leg_flips(cp.t, level_xy(cp.xy, tilt_deg), cp.view.facing or "left", ev)
    if not flip.any():
        return cp
    xy, vis, obs = exchange_legs(flip, cp.xy, cp.visibility, cp.observed)
    return replace(cp, xy=xy, xy_smooth=smooth(cp.t, xy), visibility=vis, observed=obs,
                   swapped_frames=cp.swapped_frames + int(flip.sum()))


def duty_factor_pct(ev: GaitEvents) -> float | None:
    """Median over contacts of (TO - IC) / that foot's stride x 100, or None without TOs."""
    vals = []
    for s in SIDES:
        ic, to = ev.ic[s], ev.to[s]
        for k in range(len(ic)):
            if not np.isfinite(to[k]):
                continue
            nxt = ic[k + 1] if k + 1 < len(ic) else np.nan
            stride = nxt - ic[k] if np.isfinite(nxt) and 0.7 < (nxt - ic[k]) / ev.stride_s < 1.3 \
                else ev.stride_s
            vals.append(100.0 * (to[k] - ic[k]) / stride)
    return float(np.median(vals)) if vals else None


def pelvis_peak_phase(t: np.ndarray, height: np.ndarray, ev: GaitEvents) -> float | None:
    """Where between two midstances the pelvis is highest: 0 = at a midstance ((IC + TO) / 2
    of either foot), 0.5 = halfway to the next one, in [0, 1).

    Walking: near 0 (the body vaults over the stance leg, highest at midstance). Running: near
    0.5 (lowest at midstance, highest in flight). The phase runs linearly between consecutive
    midstances (0.6-1.6 median steps apart); a cos + sin of it is fitted to the pelvis height
    (up = +, each step's mean removed: the pelvis drifts in the image). None with fewer than 4
    usable steps.
    """
    times = np.sort(np.concatenate([ev.midstance[s] for s in SIDES]))
    times = times[np.isfinite(times)]
    if len(times) < 5:
        return None
    med = float(np.median(np.diff(times)))
    # Each frame's step: the last midstance at or before it, if the step is regular.
    k = np.searchsorted(times, t, side="right") - 1
    ok = (k >= 0) & (k < len(times) - 1) & np.isfinite(height)
    k = np.where(ok, k, 0)
    a, b = times[k], times[np.minimum(k + 1, len(times) - 1)]
    ok &= (b - a >= 0.6 * med) & (b - a <= 1.6 * med)
    # Each step's mean is removed: the pelvis drifts in the image.
    n = np.bincount(k[ok], minlength=len(times))
    full = n >= 4
    ok &= full[k]
    if full.sum() < 4:
        return None
    sums = np.bincount(k[ok], weights=height[ok], minlength=len(times))
    y = height[ok] - (sums / np.maximum(np.bincount(k[ok], minlength=len(times)), 1))[k[ok]]
    ph = 2 * np.pi * (t[ok] - a[ok]) / (b[ok] - a[ok])
    rows, ys = [np.stack([np.cos(ph), np.sin(ph)], -1)], [y]
    coef, *_ = np.linalg.lstsq(np.concatenate(rows), np.concatenate(ys), rcond=None)
    return float(np.mod(np.arctan2(coef[1], coef[0]) / (2 * np.pi), 1.0))


def gait_type(ev: GaitEvents, view: str, t: np.ndarray | None = None,
              pelvis_height: np.ndarray | None = None) -> dict:
    """{"type": "running"|"walking", "duty_factor_pct", "basis"} of a clip's events.

    Side view: walking when the pelvis is highest within a quarter step of midstance (the body
    vaults over the stance leg), running when it is highest between midstances (in flight);
    see `pelvis_peak_phase`. This does not depend on how exactly the contacts were timed.
    Without a pelvis track: walking when the median duty factor exceeds 50% (double support).
    Rear/front view (contact times approximate): walking when the step rate is below
    WALK_MAX_SPM. t (s) and pelvis_height (up = +, any unit): frame times, mid-hip height.
    """
    cadence = 120.0 / ev.stride_s if ev.stride_s > 0 else float("nan")
    duty = duty_factor_pct(ev) if view == "side" else None
    phase = None
    if view == "side" and t is not None and pelvis_height is not None:
        phase = pelvis_peak_phase(t, pelvis_height, ev)
    if phase is not None:
        kind = "walking" if phase < 0.25 or phase > 0.75 else "running"
        off = 100 * min(phase, 1.0 - phase)
        basis = (f"pelvis highest {off:.0f}% of a step from midstance: "
                 + ("over the stance leg (walking)" if kind == "walking"
                    else "between steps, in flight (running)"))
    elif duty is not None:
        kind = "walking" if duty > 50.0 else "running"
        basis = (f"duty factor {duty:.0f}%: "
                 + ("over 50%, both feet on the ground at times (double support)"
                    if kind == "walking" else "under 50%, a flight phase between steps"))
    else:
        kind = "walking" if cadence < WALK_MAX_SPM else "running"
        basis = (f"step rate {cadence:.0f} steps/min, "
                 + ("below" if kind == "walking" else "at or above")
                 + f" {WALK_MAX_SPM:.0f} (contact times are approximate from this view)")
    return {"type": kind, "duty_factor_pct": None if duty is None else round(duty, 1),
            "basis": basis}
