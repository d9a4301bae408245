"""Gait events: initial contact (IC) and toe-off (TO) per foot, from keypoint kinematics.

Times are in seconds from the clip's real timestamps (never frame counts; a variable frame
rate is fine), refined below the frame interval. Inputs are pixel keypoints cleaned by
gaitcam.gait.prepare (label swaps undone, short gaps filled), levelled to the ground line.

Side view (method "side: hip-relative turning points + median delay to the contact kinks"):
1. Contact kinks. Each foot point (heel, toe) is measured from its own local ground level
   (its lowest smoothed position within +-0.6 stride; MediaPipe's heel point sits above the
   sole). Frames where the lower point is within 3% of a leg of the ground form contact runs.
   A run's start is refined by a grounded hinge fit on the raw height of the point that lands
   first (the one nearer its contact level just before contact), its end on the toe: the foot
   stops descending / starts rising abruptly, which a hinge locates to a fraction of a frame.
2. Turning points. The heel's position relative to the hip (Zeni et al. 2008) is most forward
   just before contact, the toe's most backward just after toe-off: large, smooth signals
   whose extremes are precise (and whose autocorrelation gives the stride period).
3. On real keypoints the kinks jitter by a frame or two from stride to stride, so each
   stride's IC is its heel turning point plus the runner's median delay from turning point to
   kink (TO likewise with the toe), for every stride whose foot was seen on the ground and
   swept back at least 0.3 leg lengths. With fewer than 3 kinks the kinks themselves are used.

Rear/front view (method "frontal: pelvis minima, alternating feet, median kink offset"): the
pelvis (mid-hip) is lowest at midstance; each clear low point is a step (found without leg
labels). Steps alternate feet; which chain is the left foot is voted over all steps by the foot
lower in the image, placed left or right by its hip (the pose model can exchange whole legs'
labels for a stretch). A rear or front camera sees the stance foot slide in depth, which hides
the contact kinks in height; the foot is lowest in the image when nearest the camera, at
toe-off from behind and about contact from the front (free hinge fits). Those kinks jitter by
tens of ms, so each foot's median offset from midstance is used and stance is taken as
symmetric about midstance. These IC/TO times are approximate (contact time is only reported
from the side); the midstance times that the rear/front metrics use are those of the pelvis.

Rejection: the clip has no gait (NoGaitError) unless there are at least MIN_STRIDES strides on
one side, the cadence is within CADENCE_RANGE_SPM (the walking detector: 70-150), the stride
intervals are regular (median absolute deviation below 15% of the stride, 70% of them single
strides) and the feet alternate.

Walking: the side-view contact kinks assume the pose model keeps the legs apart; walking seen
from the side often defeats that (both feet on one foot, labels swapped at double support), and
then gaitcam.analysis.find_gait falls back to the label-free steps of gaitcam.gait.walking.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from gaitcam.errors import NoGaitError
from gaitcam.gait.signal import (
    despike,
    dominant_period,
    local_extrema,
    median_dt,
    refine_extremum,
    small_median,
    smooth,
    span,
    window_values,
)
from gaitcam.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER, SIDE

SIDES = ("left", "right")
#: Fewest complete strides (IC to next IC of the same foot) on at least one side.
MIN_STRIDES = 3
#: Plausible cadence for running or walking, steps per minute.
CADENCE_RANGE_SPM = (100.0, 230.0)
_STRIDE_RANGE_S = (120.0 / CADENCE_RANGE_SPM[1], 120.0 / CADENCE_RANGE_SPM[0])
_HINGE_HALF_S = 0.08
#: Only the last part of the foot's approach to the ground (and first part of its departure),
#: below this height in leg lengths, is treated as a straight line by the hinge fit.
_APPROACH_CAP = 0.08
#: A foot whose smoothed lowest point is within this height (leg lengths) of its ground level
#: is taken as on the ground for the coarse contact runs.
_CONTACT_THR = 0.03


@dataclass(frozen=True)
class GaitEvents:
    """Events per side ("left"/"right"), aligned arrays (one entry per step of that foot):
    `ic` IC times (s), `to` the toe-off of the same contact, `midstance` ((IC + TO) / 2 from the
    side, the pelvis low point from the rear/front); NaN where not found (from the side every
    IC is found, from the rear/front every midstance). `stride_s`: robust stride period;
    `method`: how they were found; `gait`: "running" or "walking" (set by
    gaitcam.gait.walking.gait_type; metrics that depend on it, such as the bounce, read it)."""

    ic: dict[str, np.ndarray]
    to: dict[str, np.ndarray]
    midstance: dict[str, np.ndarray]
    stride_s: float
    method: str
    notes: tuple[str, ...] = field(default=())
    gait: str = "running"

    def as_report(self) -> dict:
        """{"left": {"initial_contact_s": [...], "toe_off_s": [...]}, "right": {...}}."""
        out = {}
        for s in SIDES:
            to = self.to[s]
            ic = self.ic[s]
            out[s] = {
                "initial_contact_s": [round(float(x), 4) for x in ic[np.isfinite(ic)]],
                "toe_off_s": [round(float(x), 4) for x in to[np.isfinite(to)]],
            }
        return out

    def steps(self) -> list[tuple[float, str]]:
        """All ICs of both feet in time order as (time, side)."""
        return sorted((float(x), s) for s in SIDES for x in self.ic[s])


# --- hinge fits ---------------------------------------------------------------------------
# A contact is a kink in a foot point's height: it stops falling (IC) or starts rising (TO).
# Two straight lines joined at a free break time are fitted by least squares to the samples
# around a coarse estimate; the break is searched on a quarter-frame grid, then on a 1/40-frame
# grid around the best, and the fit is repeated once on a window re-centred on the result.
# Grounded fits (side view) fix the line on the ground side flat at the contact's ground level
# and leave out samples above `cap` (the curved swing); free fits (rear/front) fit both lines.
# All contacts of a foot are fitted at once (padded arrays), in chunks.


def _grounded_breaks(
    t: np.ndarray, y: np.ndarray, centre: np.ndarray, spread: float, half: float,
    level: np.ndarray, cap: np.ndarray, kind: str,
) -> np.ndarray:
    """Batched hinge_break for grounded kinks (flat at a known level on one side), one per
    centre: the samples of y within centre +- half (below cap) minus level are fitted by
    slope * min(t - b, 0) (IC) or slope * max(t - b, 0) (TO); b on a quarter-frame grid over
    centre +- spread, then a 1/40-frame grid around the best. NaN where too few samples or the
    slope has the wrong sign."""
    k = len(centre)
    out = np.full(k, np.nan)
    if k == 0:
        return out
    tt, yy, m = window_values(t, y, centre - half, centre + half)
    m &= yy <= cap[:, None]
    yy = np.where(m, yy - level[:, None], 0.0)
    dt = median_dt(t)
    y2 = (yy * yy).sum(1)

    def fit(grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # grid (K, G)
        d = tt[:, None, :] - grid[:, :, None]  # (K, G, W)
        before, after = (d < 0) & m[:, None, :], (d > 0) & m[:, None, :]
        mm_ = np.where(m[:, None, :], np.minimum(d, 0) if kind == "ic" else np.maximum(d, 0), 0)
        mm = (mm_ * mm_).sum(-1)
        ym = (mm_ * yy[:, None, :]).sum(-1)
        slope = ym / np.where(mm > 0, mm, 1.0)
        if kind == "ic":
            good = (before.sum(-1) >= 2) & (after.sum(-1) >= 1) & (mm > 0)
        else:
            good = (before.sum(-1) >= 1) & (after.sum(-1) >= 2) & (mm > 0)
        sse = np.where(good, y2[:, None] - slope * ym, np.inf)
        return sse, slope

    coarse = centre[:, None] + np.arange(-spread, spread + 1e-12, dt / 4.0)[None, :]
    sse, _ = fit(coarse)
    best = coarse[np.arange(k), np.argmin(sse, axis=1)]
    fine = best[:, None] + np.linspace(-dt / 4.0, dt / 4.0, 21)[None, :]
    fine = np.clip(fine, (centre - spread)[:, None], (centre + spread)[:, None])
    sse, slope = fit(fine)
    j = np.argmin(sse, axis=1)
    ok = np.isfinite(sse[np.arange(k), j])
    sl = slope[np.arange(k), j]
    ok &= (sl < 0) if kind == "ic" else (sl > 0)
    out[ok] = fine[np.arange(k), j][ok]
    return out


def refine_grounded_kinks(
    t: np.ndarray, y: np.ndarray, t0: np.ndarray, level: np.ndarray, cap: np.ndarray,
    kind: str, chunk: int = 128,
) -> np.ndarray:
    """Sub-frame IC/TO for many coarse times t0 at once (refine_kink with grounded=True)."""
    t0 = np.asarray(t0, dtype=np.float64)
    out = np.full(len(t0), np.nan)
    dt = median_dt(t)
    half = max(_HINGE_HALF_S, 3.0 * dt)
    inside = (t0 - half >= t[0]) & (t0 + half <= t[-1])
    idx = np.flatnonzero(inside)
    for c in range(0, len(idx), chunk):
        sel = idx[c:c + chunk]
        est = _grounded_breaks(t, y, t0[sel], 0.75 * half, half, level[sel], cap[sel], kind)
        good = np.isfinite(est) & (est - half >= t[0]) & (est + half <= t[-1])
        est2 = np.full(len(sel), np.nan)
        if good.any():
            g = sel[good]
            est2[good] = _grounded_breaks(t, y, est[good], 0.25 * half, half, level[g], cap[g],
                                          kind)
        out[sel] = est2
    return out


def refine_free_kinks(t: np.ndarray, y: np.ndarray, t0: np.ndarray, chunk: int = 128
                      ) -> np.ndarray:
    """Batched refine_kink(kind="to", free hinge) for many coarse times t0: the break where
    the slope of y increases, two passes as in refine_kink. NaN where not found."""
    t0 = np.asarray(t0, dtype=np.float64)
    out = np.full(len(t0), np.nan)
    dt = median_dt(t)
    half = max(_HINGE_HALF_S, 3.0 * dt)
    ok = np.isfinite(t0) & (t0 - half >= t[0]) & (t0 + half <= t[-1])
    idx = np.flatnonzero(ok)
    for c in range(0, len(idx), chunk):
        sel = idx[c:c + chunk]
        est = t0[sel]
        for spread in (0.75 * half, 0.25 * half):
            good = np.isfinite(est) & (est - half >= t[0]) & (est + half <= t[-1])
            nxt = np.full(len(est), np.nan)
            if good.any():
                nxt[good] = _free_breaks(t, y, est[good], spread, half)
            est = nxt
        out[sel] = est
    return out


def _free_breaks(t: np.ndarray, y: np.ndarray, centre: np.ndarray, spread: float,
                 half: float) -> np.ndarray:
    """Continuous two-line fits (intercept, slope before, slope after) around many centres;
    the break on a quarter-frame then 1/40-frame grid; NaN unless the slope increases."""
    k = len(centre)
    tt, yy, m = window_values(t, y, centre - half, centre + half)
    dt = median_dt(t)

    def fit(grid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        d = tt[:, None, :] - grid[:, :, None]  # (K, G, W)
        w = np.broadcast_to(m[:, None, :], d.shape).astype(np.float64)
        cols = np.stack([w, np.minimum(d, 0) * w, np.maximum(d, 0) * w], -1)  # (K,G,W,3)
        ata = np.einsum("kgwi,kgwj->kgij", cols, cols)
        aty = np.einsum("kgwi,kw->kgi", cols, yy * m)
        good = ((d < 0) & m[:, None, :]).sum(-1) >= 2
        good &= ((d > 0) & m[:, None, :]).sum(-1) >= 2
        good &= np.abs(np.linalg.det(ata)) > 1e-15
        ata[~good] = np.eye(3)
        coef = np.linalg.solve(ata, aty[..., None])[..., 0]
        fitted = np.einsum("kgwi,kgi->kgw", cols, coef)
        sse = (((yy * m)[:, None, :] - fitted) ** 2).sum(-1)
        return np.where(good, sse, np.inf), coef

    coarse = centre[:, None] + np.arange(-spread, spread + 1e-12, dt / 4.0)[None, :]
    sse, _ = fit(coarse)
    best = coarse[np.arange(k), np.argmin(sse, axis=1)]
    fine = np.clip(best[:, None] + np.linspace(-dt / 4.0, dt / 4.0, 21)[None, :],
                   (centre - spread)[:, None], (centre + spread)[:, None])
    sse, coef = fit(fine)
    j = np.argmin(sse, axis=1)
    r = np.arange(k)
    ok = np.isfinite(sse[r, j]) & (coef[r, j, 2] > coef[r, j, 1])
    return np.where(ok, fine[r, j], np.nan)


# --- shared helpers -----------------------------------------------------------------------


def lowest_foot_y(xy: np.ndarray, side: str) -> np.ndarray:
    """(T,) image y of the lower of heel and toe (y grows downward); NaN if both missing."""
    ix = SIDE[side]
    return np.fmax(xy[:, ix["heel"], 1], xy[:, ix["foot_index"], 1])


def noise_sd(t: np.ndarray, y: np.ndarray) -> float:
    """Robust noise SD of a signal: MAD of its second differences / sqrt(6)."""
    ok = np.isfinite(y)
    v = y[ok]
    if len(v) < 5:
        return 0.0
    d2 = v[2:] - 2 * v[1:-1] + v[:-2]
    return float(1.4826 * np.median(np.abs(d2 - np.median(d2))) / np.sqrt(6))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    m = np.concatenate([[False], mask, [False]]).astype(np.int8)
    d = np.diff(m)
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1, strict=True))


def _rolling_max(y: np.ndarray, half: int) -> np.ndarray:
    """Max of y over a centred window of +-half samples (NaN ignored; NaN if all NaN)."""
    v = np.where(np.isfinite(y), y, -np.inf)
    padded = np.concatenate([np.full(half, -np.inf), v, np.full(half, -np.inf)])
    out = np.lib.stride_tricks.sliding_window_view(padded, 2 * half + 1).max(axis=1)
    return np.where(np.isfinite(out), out, np.nan)


def stride_period(t: np.ndarray, signals: list[np.ndarray]) -> tuple[float, float]:
    """Stride period (s) and autocorrelation strength: the most periodic of `signals`."""
    best = (float("nan"), 0.0)
    for y in signals:
        p, r = dominant_period(t, y, *_STRIDE_RANGE_S)
        if np.isfinite(p) and r > best[1]:
            best = (p, r)
    return best


# --- side view ----------------------------------------------------------------------------


def _side_contacts(
    t: np.ndarray, xy: np.ndarray, xy_smooth: np.ndarray, side: str, leg: float, stride: float,
    observed: np.ndarray | None = None, z_heel: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(IC times, TO times, contact runs (K, 2) start/end times) of one foot (side view).

    Heights are measured from each point's own local ground level (MediaPipe's heel point sits
    above the sole). Contact runs are found on the smoothed height of the lower point (robust to
    noise). Each end is then refined on the raw height of one point (a sharp kink): the point
    that lands first (heel or toe, whichever is nearer its contact level just before contact)
    for IC, the toe for TO, each against its own level over that part of the stance (heel:
    first half, toe: second half). One point rather than the lower of two avoids the bias of
    a minimum of two noisy values. Only measured (not gap-filled) samples are used when `observed`
    (T, 33) is given.
    `z_heel` (T,): the heel's forward position relative to the hip (leg lengths); with it,
    two contact runs count as one unless the foot swung forward between them.
    """
    ix = SIDE[side]
    # Each point's own ground level: MediaPipe's heel point sits on the back of the shoe,
    # above the sole, so heel and toe rest at different image heights. The level is local
    # (the lowest smoothed position within +-0.6 stride), so a ground line that drifts in the
    # image (perspective, a partly hidden far foot) does not hide contacts.
    pts, filled, smooth_h = {}, {}, []
    win = max(1, int(round(0.6 * stride / median_dt(t))))
    for part in ("heel", "foot_index"):
        y, ys = xy[:, ix[part], 1], xy_smooth[:, ix[part], 1]
        if np.isfinite(y).sum() < 10:
            return np.array([]), np.array([]), np.zeros((0, 2))
        ground = _rolling_max(ys, win)
        hp = (ground - y) / leg
        filled[part] = hp
        if observed is not None:
            hp = np.where(observed[:, ix[part]], hp, np.nan)
        pts[part] = hp
        smooth_h.append((ground - ys) / leg)
    hs = np.fmin(smooth_h[0], smooth_h[1])  # the lower point, above its ground level
    ok = np.isfinite(hs)
    sd = max(noise_sd(t, pts["heel"]), noise_sd(t, pts["foot_index"]))
    cap = _APPROACH_CAP + 2.0 * sd
    contact = np.where(ok, hs < _CONTACT_THR, False)
    # Close gaps shorter than 8% of a stride, and gaps in which the foot did not swing
    # forward (a far foot seen badly can seem to lift in midstance); keep runs spanning >= 5%
    # of a stride.
    merged: list[list[int]] = []
    for a, b in _runs(contact):
        if merged and (t[a] - t[merged[-1][1]] < 0.08 * stride or (
                z_heel is not None and t[a] - t[merged[-1][1]] < 0.5 * stride
                and not _swung(z_heel, merged[-1][1], a))):
            merged[-1][1] = b
        else:
            merged.append([a, b])
    dt = median_dt(t)
    runs, ic_req, to_req = [], [], []
    for a, b in merged:
        if b - a < 1 or t[b] - t[a] < 0.05 * stride:
            continue
        runs.append((float(t[a]), float(t[b])))
        # A run touching the clip edges or a long gap has no observed start/end.
        start_seen = a > 0 and ok[a - 1]
        end_seen = b < len(t) - 1 and ok[b + 1]
        mid = (a + b) // 2
        # Heel and toe levels during the contact: the heel's well before heel-off, the toe's
        # from foot-flat to push-off.
        lev = {}
        for part, core in (("heel", slice(a + (mid - a) // 3, a + 2 * (mid - a) // 3 + 1)),
                           ("foot_index", slice(mid, b - (b - mid) // 3 + 1))):
            c = pts[part][core]
            c = c[np.isfinite(c)]
            lev[part] = small_median(c) if len(c) else 0.0
        if start_seen:
            # The point nearer its contact level just before contact lands first.
            pre = span(t, t[a] - max(0.06, 2 * dt), t[a] + dt)
            above = {}
            for p in lev:
                v = pts[p][pre]
                v = v[np.isfinite(v)]
                above[p] = float(v.mean()) - lev[p] if len(v) else np.inf
            first = min(above, key=above.get)
            ic_req.append((len(runs) - 1, first, float(t[a]), lev[first]))
        if end_seen:
            to_req.append((len(runs) - 1, "foot_index", float(t[b]), lev["foot_index"]))
    ics, tos = np.full(len(runs), np.nan), np.full(len(runs), np.nan)
    for req, out, kind in ((ic_req, ics, "ic"), (to_req, tos, "to")):
        for part in ("heel", "foot_index"):
            rows = [r for r in req if r[1] == part]
            if not rows:
                continue
            pos = np.array([r[0] for r in rows])
            t0 = np.array([r[2] for r in rows])
            lev_ = np.array([r[3] for r in rows])
            got = refine_grounded_kinks(t, pts[part], t0, lev_, cap + lev_, kind)
            miss = ~np.isfinite(got)
            if miss.any():  # too few measured samples: use the gap-filled ones too
                got[miss] = refine_grounded_kinks(t, filled[part], t0[miss], lev_[miss],
                                                  cap + lev_[miss], kind)
            out[pos] = got
    return ics, tos, np.array(runs).reshape(-1, 2)


#: Between two contacts of one foot its heel swings forward relative to the hip by at least
#: this much (leg lengths).
_MIN_SWING_LEGS = 0.1


def _swung(z: np.ndarray, i: int, j: int) -> bool:
    """Whether z (forward heel position, leg lengths) rose by _MIN_SWING_LEGS somewhere in the
    samples i..j above its value at i (unknown: True)."""
    v = z[i:j + 1]
    v = v[np.isfinite(v)]
    return len(v) < 2 or float(v.max() - v[0]) >= _MIN_SWING_LEGS


def _turning_points(t: np.ndarray, z: np.ndarray, kind: str, stride: float) -> np.ndarray:
    """Sub-frame times of the maxima (or minima) of a smooth periodic signal z."""
    dt = median_dt(t)
    idx = local_extrema(z, kind, max(1, int(0.5 * stride / dt)))
    sign = 1.0 if kind == "max" else -1.0
    return np.array([refine_extremum(t, sign * z, int(i))[0] for i in idx])


def _median_lag(events: np.ndarray, marks: np.ndarray, lo: float, hi: float) -> tuple[float, int]:
    """Median of (event - nearest mark) over events with a mark at event - hi .. event - lo."""
    lags = []
    for e in events[np.isfinite(events)]:
        d = e - marks
        d = d[(d >= lo) & (d <= hi)]
        if len(d):
            lags.append(d[np.argmin(np.abs(d))])
    return (float(np.median(lags)), len(lags)) if lags else (float("nan"), 0)


#: Leg points further than this (leg lengths) from their running median over +-0.07 s are
#: single-frame jumps of the pose model (see signal.despike), not motion.
_SPIKE_LEGS = 0.1
#: Feet closer than this horizontally (leg lengths) are passing each other: which one leads is
#: not decided there.
_LEVEL_FEET_LEGS = 0.1
_LEG_POINTS = tuple(SIDE[s][p] for s in SIDES for p in ("knee", "ankle", "heel", "foot_index"))


def despike_legs(
    t: np.ndarray, xy: np.ndarray, xy_smooth: np.ndarray, leg: float,
    observed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(xy, xy_smooth, observed) with the leg points' short jumps removed (signal.despike).

    Where the legs cross, the pose model often puts one foot's point on the other foot for a
    frame or two; smoothing spreads such a jump over a tenth of a second, enough to lift a
    planted foot above the contact threshold or to bend a turning point. Replaced samples
    count as not observed (they are interpolated). Unchanged when nothing is replaced.
    """
    if not np.isfinite(leg) or leg <= 0:
        return xy, xy_smooth, observed
    idx = list(_LEG_POINTS)
    clean, spike = despike(t, xy[:, idx], _SPIKE_LEGS * leg)
    if not spike.any():
        return xy, xy_smooth, observed
    xy = xy.copy()
    xy[:, idx] = clean
    if observed is not None:
        observed = observed.copy()
        observed[:, idx] &= ~spike
    return xy, smooth(t, xy), observed


def relabel_by_steps(
    t: np.ndarray, xy: np.ndarray, xy_smooth: np.ndarray, facing: str, leg: dict[str, float],
    observed: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """(xy, xy_smooth, observed) with each frame's leading leg labelled as the foot of the
    current step, the steps found without the labels (gaitcam.gait.walking: front-heel
    envelope). Unchanged when no regular stepping is found that way.

    The pose model's leg labels can be wrong for whole stretches (the far leg hidden behind
    the near one; at 60 fps the label-swap repair sometimes exchanges stretches between two
    single-frame glitches), which breaks each foot's periodicity; the label-free step order
    does not depend on them.
    """
    from gaitcam.gait.walking import detect_walking_events, exchange_legs, leading_leg_flips

    try:
        steps = detect_walking_events(t, xy_smooth, facing, leg["mean"], CADENCE_RANGE_SPM)
    except NoGaitError:
        return xy, xy_smooth, observed
    flip = leading_leg_flips(t, xy, facing, steps, _LEVEL_FEET_LEGS * leg["mean"])
    if not flip.any():
        return xy, xy_smooth, observed
    arrays = (xy,) if observed is None else (xy, observed)
    out = exchange_legs(flip, *arrays)
    return out[0], smooth(t, out[0]), (None if observed is None else out[1])


def detect_side_events(
    t: np.ndarray, xy: np.ndarray, xy_smooth: np.ndarray, facing: str,
    leg: dict[str, float], observed: np.ndarray | None = None,
) -> GaitEvents:
    """IC/TO per foot in a side view. xy: raw cleaned pixels; xy_smooth: the smoothed ones;
    observed (T, 33): which samples were measured rather than gap-filled.

    Two estimates are combined. Contact kinks (see _side_contacts) are sharp but, on real
    keypoints, jitter by a frame or two from stride to stride. The feet's turning points
    relative to the hip (Zeni et al. 2008: the heel most forward just before contact, the toe
    most backward just after toe-off) come from large, smooth signals and are precise, but
    lead or lag the events. So each stride's IC is its heel turning point plus the runner's
    median delay from turning point to contact kink (TO likewise with the toe), for every
    stride in which the foot was seen on the ground. With fewer than 3 kinks to measure the
    delay, the kinks themselves are used.
    """
    xy, xy_smooth, observed = despike_legs(t, xy, xy_smooth, leg["mean"], observed)
    xy, xy_smooth, observed = relabel_by_steps(t, xy, xy_smooth, facing, leg, observed)
    fwd = -1.0 if facing == "left" else 1.0
    mid = (xy_smooth[:, LEFT_HIP, 0] + xy_smooth[:, RIGHT_HIP, 0]) / 2
    zeni = {s: fwd * (xy_smooth[:, SIDE[s]["heel"], 0] - mid) / leg[s] for s in SIDES}
    stride, strength = stride_period(t, [zeni[s] for s in SIDES])
    if not np.isfinite(stride) or strength < 0.3:
        raise NoGaitError(
            "No running or walking gait found: the feet do not move back and forth regularly."
        )
    ic, to = {}, {}
    notes = []
    for s in SIDES:
        if not np.isfinite(leg[s]):
            ic[s], to[s] = np.array([]), np.array([])
            continue
        z_heel = zeni[s]
        a, b, runs = _side_contacts(t, xy, xy_smooth, s, leg[s], stride, observed, z_heel)
        z_toe = fwd * (xy_smooth[:, SIDE[s]["foot_index"], 0] - mid) / leg[s]
        fronts = _turning_points(t, z_heel, "max", stride)
        backs = _turning_points(t, z_toe, "min", stride)
        # Kinks whose foot moves backward relative to the hip (stance), as a check against a
        # foot resting or a hidden far leg sliding along the ground.
        good = np.isfinite(a) & np.isfinite(b)
        good[good] &= (np.interp(a[good], t, z_heel) - np.interp(b[good], t, z_heel) > 0.15) & (
            (b[good] - a[good] >= 0.05 * stride) & (b[good] - a[good] <= 0.85 * stride))
        # Contact follows the heel's most forward point (swing retraction).
        lag_ic, n_ic = _median_lag(a[good], fronts, 0.0, 0.45 * stride)
        lag_to, n_to = _median_lag(b[good], backs, -0.3 * stride, 0.3 * stride)
        if n_ic < 3 or n_to < 3:
            ic[s], to[s] = a[good], b[good]
            notes.append(f"{s}: contact kinks only")
            continue
        ics, tos = [], []
        for f in fronts:
            # The foot must have been seen on the ground after this turning point, and swept
            # back far enough for a real step.
            seen = np.any((runs[:, 0] >= f - 0.1 * stride) & (runs[:, 0] <= f + 0.5 * stride))
            later = backs[(backs > f) & (backs < f + 0.9 * stride)]
            if not seen or not len(later):
                continue
            sweep = np.interp(f, t, z_heel) - np.interp(later[0], t, z_heel)
            t_ic, t_to = f + lag_ic, later[0] + lag_to
            if sweep < 0.3 or not 0.05 * stride <= t_to - t_ic <= 0.85 * stride:
                continue
            if t_ic < t[0] or t_to > t[-1]:
                continue
            ics.append(t_ic)
            tos.append(t_to)
        ic[s], to[s] = np.array(ics), np.array(tos)
    ms = {s: (ic[s] + to[s]) / 2 for s in SIDES}
    for s in SIDES:
        fin = np.isfinite(ic[s])
        ic[s], to[s], ms[s] = ic[s][fin], to[s][fin], ms[s][fin]
    method = "side: hip-relative turning points + median delay to the contact kinks"
    ev = GaitEvents(ic, to, ms, stride, method, tuple(notes))
    return check_gait(ev)


# --- rear / front view --------------------------------------------------------------------


#: Plausible step period (s): half the stride range.
_STEP_RANGE_S = (_STRIDE_RANGE_S[0] / 2, _STRIDE_RANGE_S[1] / 2)
#: A pelvis low point counts as a step when the pelvis rose at least this fraction of the
#: clip's median step-to-step rise on both sides of it (a wobble in flight does not).
_MIN_TROUGH = 0.4
#: Stance foot lower than the swing foot in the image by at least this (leg lengths) at a
#: step: that step's vote on which foot is in stance counts.
_FOOT_GAP_LEGS = 0.04
#: Fewest clear votes, and the fraction of them that must agree with strict alternation, for
#: the feet to be taken as alternating.
_MIN_AGREE = 0.7


def detect_frontal_events(
    t: np.ndarray, xy: np.ndarray, xy_smooth: np.ndarray, leg: float, view: str = "rear"
) -> GaitEvents:
    """Steps from the pelvis low points in a rear/front view; IC/TO from the feet's kinks.

    Image heights are divided by the runner's size in each frame (torso length, smoothed over
    a second) and the pelvis height is detrended, so a runner moving away from or toward the
    camera (shrinking or growing in the image) is handled like one on a treadmill.

    1. Steps: each low point of the pelvis (midstance) with a clear rise on both sides is a
       step; no leg labels are needed to find them. Their rate gives the step period.
    2. Sides: runners alternate feet, so consecutive steps (a step period apart; two apart
       across a missed one) belong to alternate feet; which chain of steps is the left foot is
       voted by all steps (the stance foot is the lower one in the image), so a foot point
       misplaced by the pose model at some steps does not mislabel them. The votes must agree
       with the alternation (else the feet do not alternate: no gait).
    3. Contact times: seen from behind, a foot on the belt slides toward the camera (down
       the image) and its toe is lowest in the image at toe-off; from the front it slides away
       (up) and the foot is lowest at contact. These kinks jitter by tens of ms from step to
       step on the pose model's foot points, so, like the side view's median delay, each foot
       gets its median offset from the pelvis low point to the kink, and stance is taken as
       symmetric about the low point: IC = low - offset, TO = low + offset.
    """
    xy, xy_smooth, _ = despike_legs(t, xy, xy_smooth, leg)
    scale = leg * _size_track(t, xy_smooth)
    mid_s = (xy_smooth[:, LEFT_HIP, 1] + xy_smooth[:, RIGHT_HIP, 1]) / 2
    mid_r = (xy[:, LEFT_HIP, 1] + xy[:, RIGHT_HIP, 1]) / 2
    trend = _moving_mean(t, mid_s, 1.0)
    pel = -(mid_s - trend) / scale  # up = +
    pel_raw = -(mid_r - trend) / scale
    part_y = {(s, p): (xy[:, SIDE[s][p], 1] - trend) / scale
              for s in SIDES for p in ("heel", "foot_index")}
    feet_s = {s: (lowest_foot_y(xy_smooth, s) - trend) / scale for s in SIDES}
    times = _frontal_steps(t, pel_raw, pel)
    if len(times) < 2 * MIN_STRIDES:
        raise NoGaitError(
            "No running or walking gait found: the body does not rise and fall with regular "
            "steps."
        )
    step = float(np.median(np.diff(times)))
    hip_x = {s: xy_smooth[:, SIDE[s]["hip"], 0] for s in SIDES}
    sides, labels = _alternating_sides(t, times, feet_s, hip_x, view, step)
    stride = 2.0 * step
    half = _half_stance(t, times, sides, labels, part_y, view, stride)
    ic = {s: [] for s in SIDES}
    to = {s: [] for s in SIDES}
    ms = {s: [] for s in SIDES}
    for tm, s in zip(times, sides, strict=True):
        t_ic, t_to = tm - half[s], tm + half[s]
        if not (np.isfinite(half[s]) and t[0] <= t_ic and t_to <= t[-1]):
            t_ic = t_to = float("nan")
        ic[s].append(t_ic)
        to[s].append(t_to)
        ms[s].append(tm)
    ev = GaitEvents(
        {s: np.array(ic[s]) for s in SIDES}, {s: np.array(to[s]) for s in SIDES},
        {s: np.array(ms[s]) for s in SIDES}, stride,
        "frontal: pelvis minima, alternating feet, median kink offset",
    )
    return check_gait(ev, use_midstance=True)


def _half_stance(t: np.ndarray, times: list[float], sides: list[str], labels: list[str],
                 part_y: dict[tuple[str, str], np.ndarray], view: str, stride: float
                 ) -> dict[str, float]:
    """Half the stance time (s) per side ("left"/"right"): the median offset from midstance
    to the clear contact kink of its steps (see detect_frontal_events); the median over both
    feet for a side with fewer than MIN_STRIDES kinks; NaN when none is found.

    The kink of each step is found on the stance leg's heel and toe (leg label `labels[k]`):
    each is lowest in the image when nearest the camera, so the last of them to turn up marks
    toe-off from behind, the first contact from the front (free hinge fits about the lowest
    sample within midstance +- 0.4 stride). Offsets outside 2.5-40% of the stride are not
    stance."""
    tm = np.asarray(times, dtype=np.float64)
    lab = np.asarray(labels)
    kink = np.full(len(tm), np.nan)
    for s in SIDES:
        ks = np.flatnonzero(lab == s)
        if not len(ks):
            continue
        got = []
        for p in ("heel", "foot_index"):
            h = -part_y[(s, p)]
            coarse = np.array([_frontal_lowest(t, h, tm[k], stride) for k in ks])
            got.append(refine_free_kinks(t, h, coarse))
        got = np.stack(got)
        pick = np.where(np.isnan(got), -np.inf if view == "rear" else np.inf, got)
        best = pick.max(0) if view == "rear" else pick.min(0)
        kink[ks] = np.where(np.isfinite(best), best, np.nan)
    off = (kink - tm) * (1.0 if view == "rear" else -1.0)
    good = np.isfinite(off) & (off > 0.025 * stride) & (off < 0.4 * stride)
    pooled = small_median(off[good])
    side = np.asarray(sides)
    return {s: small_median(off[good & (side == s)])
            if (good & (side == s)).sum() >= MIN_STRIDES else pooled for s in SIDES}


def _frontal_steps(t: np.ndarray, raw: np.ndarray, smooth_: np.ndarray) -> list[float]:
    """Sub-frame times of the pelvis low points that are steps (see detect_frontal_events)."""
    step, strength = dominant_period(t, smooth_, *_STEP_RANGE_S)
    if not np.isfinite(step) or strength < 0.3:
        return []
    dt = median_dt(t)
    lows = local_extrema(smooth_, "min", max(1, int(0.5 * step / dt)))
    rises = []
    for i in lows:
        before = smooth_[span(t, t[i] - 0.5 * step, t[i])]
        after = smooth_[span(t, t[i], t[i] + 0.5 * step)]
        rises.append(min(np.nanmax(before, initial=-np.inf), np.nanmax(after, initial=-np.inf))
                     - smooth_[i])
    rises = np.array(rises)
    if not len(rises):
        return []
    deep = rises >= _MIN_TROUGH * np.median(rises[np.isfinite(rises)])
    return [_pelvis_low(t, raw, smooth_, int(i)) for i in lows[deep]]


def _alternating_sides(t: np.ndarray, times: list[float], feet: dict[str, np.ndarray],
                       hip_x: dict[str, np.ndarray], view: str, step: float
                       ) -> tuple[list[str], list[str]]:
    """(side, stance leg label) of each step, the sides alternating (see detect_frontal_events).

    Each step votes with the leg label whose foot is lower in the image then (the stance
    foot): its hip's image x next to the other hip says which side of the runner it is on
    (seen from behind the left hip is on the image left). The pose model sometimes exchanges
    the two legs' labels for a stretch, hips included, so the label alone would not do.
    Steps further apart than 2.5 step periods start a new chain, voted on separately. The
    stance label of a step is the label whose hip is on its side. Raises NoGaitError when the
    lower foot does not alternate with the steps."""
    left_is_image_right = view == "front"
    # + = the label "left" is on the runner's left (as the pose model labels it).
    order = np.array([np.interp(x, t, hip_x["left"]) - np.interp(x, t, hip_x["right"])
                      for x in times]) * (1.0 if left_is_image_right else -1.0)
    gap = np.array([np.interp(x, t, feet["left"]) - np.interp(x, t, feet["right"])
                    for x in times])  # + = the "left" label's foot is lower in the image
    votes = np.sign(gap) * np.sign(order)  # + = the runner's left foot is in stance
    parity = [0]
    chain = [0]
    for k in range(1, len(times)):
        n = round((times[k] - times[k - 1]) / step)
        if n > 2 or n < 1:
            chain.append(chain[-1] + 1)
            parity.append(0)
        else:
            chain.append(chain[-1])
            parity.append(parity[-1] + n)
    parity = np.array(parity) % 2
    chain = np.array(chain)
    sign = np.where(parity == 0, 1.0, -1.0)
    clear = np.isfinite(votes) & (np.abs(gap) >= _FOOT_GAP_LEGS) & (votes != 0)
    sides, labels = [], []
    agree = 0
    for c in np.unique(chain):
        m = chain == c
        v = np.where(clear[m], votes[m] * sign[m], 0.0)
        even_left = v.sum() >= 0
        agree += int(np.sum(v > 0) if even_left else np.sum(v < 0))
        for p, o in zip(parity[m], order[m], strict=True):
            side = "left" if (p == 0) == even_left else "right"
            sides.append(side)
            labels.append(side if not o < 0 else SIDES[1 - SIDES.index(side)])
    if clear.sum() < 2 * MIN_STRIDES or agree < _MIN_AGREE * clear.sum():
        raise NoGaitError(
            "No running or walking gait found: the feet do not lift and land regularly."
        )
    return sides, labels


def _moving_mean(t: np.ndarray, y: np.ndarray, window_s: float) -> np.ndarray:
    """Centred moving mean of y over window_s seconds (NaN-aware)."""
    ok = np.isfinite(y)
    if not ok.any():
        return np.full(len(y), np.nan)
    v = np.interp(t, t[ok], y[ok])
    n = max(1, int(round(window_s / median_dt(t))) | 1)
    kernel = np.ones(n) / n
    pad = n // 2
    padded = np.concatenate([np.full(pad, v[0]), v, np.full(pad, v[-1])])
    return np.convolve(padded, kernel, mode="valid")


def _size_track(t: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """The runner's size in each frame relative to its median (torso length, 1 s mean)."""
    shoulders = (xy[:, LEFT_SHOULDER] + xy[:, RIGHT_SHOULDER]) / 2
    torso = np.linalg.norm(shoulders - (xy[:, LEFT_HIP] + xy[:, RIGHT_HIP]) / 2, axis=-1)
    size = _moving_mean(t, torso, 1.0)
    med = np.nanmedian(size)
    return size / med if np.isfinite(med) and med > 0 else np.ones(len(t))


def _pelvis_low(t: np.ndarray, raw: np.ndarray, smooth: np.ndarray, i: int) -> float:
    """Sub-frame time of the pelvis low point near sample i (of the smoothed track).

    A low-pass filter shifts an asymmetric trough toward its flatter side, so the lowest raw
    sample within +-0.1 s is taken and a parabola fitted to the raw samples within
    +-max(0.025 s, 1.5 frames) of it; its vertex is the low point.
    """
    w = span(t, t[i] - 0.1, t[i] + 0.1)
    near = np.arange(w.start, w.stop)[np.isfinite(raw[w])]
    if len(near) < 3:
        return refine_extremum(t, -smooth, i)[0]
    j = near[int(np.argmin(raw[near]))]
    half = max(0.025, 1.5 * median_dt(t))
    w = span(t, t[j] - half, t[j] + half)
    tt, yy = t[w], raw[w]
    ok = np.isfinite(yy)
    if ok.sum() < 3:
        return float(t[j])
    c = np.polyfit(tt[ok] - t[j], yy[ok], 2)
    if c[0] <= 0:
        return float(t[j])
    dt = -c[1] / (2 * c[0])
    return float(t[j] + dt) if abs(dt) <= half else float(t[j])


def _frontal_lowest(t: np.ndarray, h: np.ndarray, tm: float, stride: float) -> float:
    """Sample time the stance foot point is lowest in the image within tm +- 0.4 stride.

    h: minus the image y of one foot point (heel or toe), up = +. Seen from a camera above
    the ground, a point on the treadmill slides down (toward a rear camera) or up (away from a
    front camera) the image; it is lowest in the image when nearest the camera, where its image
    motion turns sharply (then refined with a free hinge fit, refine_free_kinks).
    """
    w = span(t, tm - 0.4 * stride, tm + 0.4 * stride)
    idx = np.arange(w.start, w.stop)[np.isfinite(h[w])]
    if len(idx) < 5:
        return float("nan")
    return float(t[idx[int(np.argmin(h[idx]))]])


# --- plausibility -------------------------------------------------------------------------


def check_gait(ev: GaitEvents, use_midstance: bool = False,
               cadence_range: tuple[float, float] = CADENCE_RANGE_SPM) -> GaitEvents:
    """Raise NoGaitError unless the events describe a regular walking or running gait
    (cadence within `cadence_range`, steps/min); returns them with the robust stride period."""
    key = {s: x[np.isfinite(x)] for s, x in (ev.midstance if use_midstance else ev.ic).items()}
    counts = {s: max(len(key[s]) - 1, 0) for s in SIDES}
    if max(counts.values()) < MIN_STRIDES:
        raise NoGaitError(
            f"No running or walking gait found: fewer than {MIN_STRIDES} complete strides "
            f"({counts['left']} left, {counts['right']} right)."
        )
    intervals = np.concatenate([np.diff(key[s]) for s in SIDES if len(key[s]) > 1])
    # Intervals of about 2 or 3 strides are missed contacts, not irregular running.
    base = np.median(intervals)
    ratio = intervals / base
    single = intervals[np.abs(ratio - np.round(ratio)) < 0.2]
    single = single / np.maximum(np.round(single / base), 1)
    stride = float(np.median(single)) if len(single) else float("nan")
    cadence = 120.0 / stride if stride > 0 else float("nan")
    lo, hi = cadence_range
    if not lo <= cadence <= hi:
        raise NoGaitError(
            f"No running or walking gait found: the step rate ({cadence:.0f} steps/min) is "
            f"outside {lo:.0f}-{hi:.0f}."
        )
    mad = float(np.median(np.abs(single - stride))) if len(single) else np.inf
    if mad > 0.15 * stride or len(single) < MIN_STRIDES or len(single) < 0.7 * len(intervals):
        raise NoGaitError("No running or walking gait found: the strides are not regular.")
    if all(len(key[s]) >= 2 for s in SIDES):
        # Each right contact should fall near the middle of a left stride.
        phases = []
        for x in key["right"]:
            k = np.searchsorted(key["left"], x) - 1
            if 0 <= k < len(key["left"]) - 1:
                a, b = key["left"][k], key["left"][k + 1]
                if b - a < 1.5 * stride:
                    phases.append((x - a) / (b - a))
        if len(phases) >= 2 and np.median(np.abs(np.array(phases) - 0.5)) > 0.2:
            raise NoGaitError(
                "No running or walking gait found: the two feet do not alternate."
            )
    return replace(ev, stride_s=stride)
