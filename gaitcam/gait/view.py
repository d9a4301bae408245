"""Which way the camera looks at the runner: side (facing image-left or -right), rear or front;
treadmill-like (runner in place in the image) or overground (crossing the frame); the tilt of
the ground line in the image.

Cues, each a robust median over the frames with a runner:
- side vs rear/front: the left-right spread of shoulders and hips relative to torso length
  (about 0.5-0.9 from behind or in front, under about 0.25 from the side).
- facing (side): nose ahead of the ears, toes ahead of the heels, knees bending forward, and the
  direction of travel when the runner crosses the frame.
- rear vs front: a weighted vote (frontal_cues), physics first:
  (1) perspective: a camera above the ground sees a nearer ground point lower in the image. On
  a treadmill the belt carries the stance foot toward a rear camera (down the image) and away
  from a front one (up), so the stance foot's image drift over the half-stance before
  midstance (heel down, no heel rise yet) tells the two apart (stance_drift_legs);
  (2) overground, a runner shrinking in the image runs away from the camera (rear view) and one
  growing runs toward it (front), assuming forward running;
  (3) the pose model's own front/back reading: its left/right labels (runner's left on
  image-left = seen from behind) and, when world coordinates are given, its nose behind the
  ears. Both come from one guess of the pose model, so together they count as one vote; they
  decide alone only when the physical cues are missing (no regular steps, camera at foot
  height). MediaPipe's nose visibility stays near 1.0 from behind and its toe point on a shoe
  seen from behind is a guess, so neither is used.
  The confidence is the net vote over the weight of all cues: low when cues disagree or only
  the pose model's reading is available.
- setting: the mid-hip's horizontal speed across the image in leg lengths per second (side) or
  the change of the runner's image size (rear/front). A panning camera that keeps the runner
  centred reads as "treadmill": the geometry is the same (all positions are hip-relative).
- ground tilt (side): the slope of the line the stance feet rest on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.landmarks import INDEX, LEFT_HIP, LEFT_SHOULDER, NOSE, RIGHT_HIP, RIGHT_SHOULDER, SIDE

VIEWS = ("side", "rear", "front")
_SIDE_RATIO = 0.3  # width/torso below this: side view
_SPEED_LEGS_PER_S = 0.5  # hip travel above this (side view): overground
_SCALE_RATE = 0.04  # |d ln(size)/dt| above this (rear/front): overground
#: Stance-foot image drift (leg lengths over the last 0.12 stride before midstance) that counts
#: as a full vote. Perspective gives about h * d_belt / (L * D): 0.07 with the camera at hip
#: height (h ~ L) 3.5 m away (D) and a belt travelling 0.25 m in that time; 0.03 is the same
#: camera about 8 m away.
_DRIFT_FULL = 0.03
_DRIFT_WINDOW = 0.12  # stride fractions before midstance: heel on the ground, before heel-off
_SCALE_FULL = 0.15  # d ln(size)/dt (1/s) that counts as a full vote (3 m/s at 20 m)


@dataclass(frozen=True)
class ViewInfo:
    """view: "side"|"rear"|"front"; facing: "left"|"right" (side view) or None; setting:
    "treadmill"|"overground"; confidence 0..1; forced: the view was given by the user."""

    view: str
    facing: str | None
    setting: str
    confidence: float
    forced: bool = False

    def as_dict(self) -> dict:
        return {"view": self.view, "facing": self.facing, "setting": self.setting,
                "confidence": round(float(self.confidence), 2), "forced": bool(self.forced)}


def leg_length_px(xy: np.ndarray, side: str | None = None, stat: str = "median") -> float:
    """Leg length in pixels: thigh + shank (hip->knee + knee->ankle).

    stat "median" for a side view (segments lie in the image plane), "p90" for rear/front
    views (segments are foreshortened except when vertical, so a high percentile of each
    segment's length is used). side None: both legs pooled.
    """
    sides = (side,) if side else ("left", "right")
    thigh, shank = [], []
    for s in sides:
        ix = SIDE[s]
        thigh.append(np.linalg.norm(xy[:, ix["knee"]] - xy[:, ix["hip"]], axis=-1))
        shank.append(np.linalg.norm(xy[:, ix["ankle"]] - xy[:, ix["knee"]], axis=-1))
    th, sh = np.concatenate(thigh), np.concatenate(shank)
    th, sh = th[np.isfinite(th)], sh[np.isfinite(sh)]
    if len(th) == 0 or len(sh) == 0:
        return float("nan")
    if stat == "median":
        return float(np.median(th) + np.median(sh))
    return float(np.percentile(th, 90) + np.percentile(sh, 90))


def _nanmedian(x: np.ndarray) -> float:
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    return float(np.median(x)) if len(x) else float("nan")


def width_ratio(xy: np.ndarray) -> float:
    """Median (shoulder + hip) image-x spread / (2 x torso length): small from the side."""
    sw = np.abs(xy[:, LEFT_SHOULDER, 0] - xy[:, RIGHT_SHOULDER, 0])
    hw = np.abs(xy[:, LEFT_HIP, 0] - xy[:, RIGHT_HIP, 0])
    mid_s = (xy[:, LEFT_SHOULDER] + xy[:, RIGHT_SHOULDER]) / 2
    mid_h = (xy[:, LEFT_HIP] + xy[:, RIGHT_HIP]) / 2
    torso = np.linalg.norm(mid_s - mid_h, axis=-1)
    return _nanmedian((sw + hw) / (2 * torso))


def _vote(values: list[tuple[float, float]]) -> tuple[float, float]:
    """Weighted sign vote: values (signed cue in [-1, 1], weight) -> (sum, agreement 0..1)."""
    total = sum(v * w for v, w in values if np.isfinite(v))
    mag = sum(abs(v) * w for v, w in values if np.isfinite(v))
    return total, (abs(total) / mag if mag > 0 else 0.0)


def facing_cues(t: np.ndarray, xy: np.ndarray, travel: bool = True) -> list[tuple[float, float]]:
    """Signed cues (+ = facing image-right) with weights, for a side view; travel=False leaves
    out the direction of travel (to tell walking backward from forward)."""
    ears = (xy[:, INDEX["left_ear"]] + xy[:, INDEX["right_ear"]]) / 2
    nose_dx = _nanmedian(xy[:, NOSE, 0] - ears[:, 0])
    toes = []
    knee = []
    for s in ("left", "right"):
        ix = SIDE[s]
        toes.append(xy[:, ix["foot_index"], 0] - xy[:, ix["heel"], 0])
        # Knee offset from the hip-ankle line (the knee bends forward).
        h, k, a = xy[:, ix["hip"]], xy[:, ix["knee"]], xy[:, ix["ankle"]]
        d = a - h
        f = (k[:, 1] - h[:, 1]) / np.where(d[:, 1] == 0, np.nan, d[:, 1])
        knee.append(k[:, 0] - (h[:, 0] + f * d[:, 0]))
    toe_dx = _nanmedian(np.concatenate(toes))
    knee_dx = _nanmedian(np.concatenate(knee))
    leg = leg_length_px(xy)
    cues = [
        (np.clip(nose_dx / (0.05 * leg), -1, 1), 1.0),
        (np.clip(toe_dx / (0.1 * leg), -1, 1), 1.5),
        (np.clip(knee_dx / (0.05 * leg), -1, 1), 1.0),
    ]
    speed = hip_speed_legs_per_s(t, xy) if travel else 0.0
    if abs(speed) > _SPEED_LEGS_PER_S:
        cues.append((np.clip(speed / 2.0, -1, 1), 2.0))
    return cues


def body_facing(t: np.ndarray, xy: np.ndarray) -> str | None:
    """"left"/"right": the way the body faces in a side view (nose, toes, knees; not the
    direction of travel); None when the cues cancel out."""
    total, _ = _vote(facing_cues(t, xy, travel=False))
    return "right" if total > 0 else "left" if total < 0 else None


def hip_speed_legs_per_s(t: np.ndarray, xy: np.ndarray) -> float:
    """Slope of the mid-hip image x over time, in leg lengths per second (+ = to the right)."""
    mid = (xy[:, LEFT_HIP, 0] + xy[:, RIGHT_HIP, 0]) / 2
    ok = np.isfinite(mid)
    leg = leg_length_px(xy)
    if ok.sum() < 5 or not np.isfinite(leg) or leg <= 0:
        return 0.0
    slope = np.polyfit(t[ok], mid[ok], 1)[0]
    return float(slope / leg)


def _moving_mean(t: np.ndarray, y: np.ndarray, window_s: float) -> np.ndarray:
    """Centred moving mean of y over about window_s seconds (NaN samples interpolated over)."""
    ok = np.isfinite(y)
    if ok.sum() < 2:
        return np.full(len(y), np.nan)
    v = np.interp(t, t[ok], y[ok])
    n = max(1, int(round(window_s / np.median(np.diff(t)))) | 1)
    pad = np.pad(v, n // 2, mode="edge")
    return np.convolve(pad, np.ones(n) / n, mode="valid")


def stance_drift_legs(t: np.ndarray, xy: np.ndarray) -> tuple[float, int]:
    """Median image drift of the stance foot before midstance, in leg lengths (+ = down).

    Midstance is each low point of the pelvis (image y detrended over 1 s); the stance foot is
    the lower foot in the image then. Its heel and toe move from 0.12 stride before midstance to
    midstance by (y_mid - y_before) / leg, averaged over heel and toe. Seen from a camera above
    the ground this is + when the foot comes toward the camera (treadmill, rear view) and -
    when it goes away (front view); about 0 overground (a planted foot does not move).
    Returns (drift, steps used); (nan, 0) without regular steps.
    """
    from gaitcam.gait.events import lowest_foot_y, stride_period
    from gaitcam.gait.signal import local_extrema, median_dt, smooth

    if len(t) < 10:
        return float("nan"), 0
    leg = leg_length_px(xy, stat="p90")
    xs = smooth(t, xy)
    mid = (xs[:, LEFT_HIP, 1] + xs[:, RIGHT_HIP, 1]) / 2
    feet = {s: lowest_foot_y(xs, s) for s in ("left", "right")}
    stride, strength = stride_period(t, [f - _moving_mean(t, f, 1.0) for f in feet.values()])
    if not np.isfinite(leg) or leg <= 0 or not np.isfinite(stride) or strength < 0.3:
        return float("nan"), 0
    lows = local_extrema(mid - _moving_mean(t, mid, 1.0), "max",
                         max(1, int(0.3 * stride / median_dt(t))))
    drifts = []
    for i in lows:
        tm, tb = t[i], t[i] - _DRIFT_WINDOW * stride
        if tb < t[0] or abs(feet["left"][i] - feet["right"][i]) < 0.04 * leg:
            continue
        ix = SIDE["left" if feet["left"][i] > feet["right"][i] else "right"]
        d = [np.interp(tm, t, xy[:, ix[p], 1]) - np.interp(tb, t, xy[:, ix[p], 1])
             for p in ("heel", "foot_index")]
        if np.all(np.isfinite(d)):
            drifts.append(float(np.mean(d)) / leg)
    if len(drifts) < 4:
        return float("nan"), len(drifts)
    return float(np.median(drifts)), len(drifts)


def frontal_cues(
    t: np.ndarray, xy: np.ndarray, world: np.ndarray | None = None
) -> dict[str, tuple[float, float]]:
    """Rear-vs-front cues (see the module docstring): name -> (signed cue in [-1, 1], weight),
    + = rear view; "stance_drift" on a treadmill, "moving_away" overground, and "pose_model".
    A cue that cannot be measured is NaN: it casts no vote but still counts in the weight the
    confidence is measured against."""
    rate = size_rate(t, xy)
    if abs(rate) > _SCALE_RATE:  # overground: planted feet do not drift, the runner's size does
        cues = {"moving_away": (float(np.clip(-rate / _SCALE_FULL, -1, 1)), 2.0)}
    else:
        drift, _ = stance_drift_legs(t, xy)
        cues = {"stance_drift": (float(np.clip(drift / _DRIFT_FULL, -1, 1)), 2.0)}
    order = _nanmedian(
        (xy[:, RIGHT_SHOULDER, 0] - xy[:, LEFT_SHOULDER, 0])
        + (xy[:, RIGHT_HIP, 0] - xy[:, LEFT_HIP, 0])
    )
    width = _nanmedian(np.abs(xy[:, RIGHT_SHOULDER, 0] - xy[:, LEFT_SHOULDER, 0]))
    model = [np.clip(order / max(width, 1.0), -1, 1)]
    if world is not None:
        ears_z = (world[:, INDEX["left_ear"], 2] + world[:, INDEX["right_ear"], 2]) / 2
        # MediaPipe world z grows away from the camera: the nose behind the ears = from behind.
        nose_behind = _nanmedian(world[:, NOSE, 2] - ears_z)
        if np.isfinite(nose_behind):
            model.append(np.clip(nose_behind / 0.05, -1, 1))
    cues["pose_model"] = (float(np.mean(model)), 1.0)
    return cues


def detect_view(
    t: np.ndarray, xy: np.ndarray, visibility: np.ndarray, view: str = "auto",
    world: np.ndarray | None = None,
) -> ViewInfo:
    """View, facing and setting of a clip from its pixel keypoints.

    view "auto" detects it; "side", "rear" or "front" forces the view (facing and setting are
    still detected). world (T, 33, 3), MediaPipe's world landmarks, adds the pose model's
    nose-behind-the-ears reading to the rear/front vote. visibility is accepted for callers but
    not used (MediaPipe's face visibility stays high from behind). Raises GaitcamError when
    there are too few frames with a runner.
    """
    if view not in ("auto", *VIEWS):
        raise GaitcamError(f"Unknown view {view!r}; use auto, side, rear or front.")
    have = np.isfinite(xy[:, [LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER], 0]).all(1)
    if have.sum() < 10:
        raise GaitcamError("Too few frames show the runner's hips and shoulders to tell the view.")
    ratio = width_ratio(xy[have])
    forced = view != "auto"
    if forced:
        chosen, conf = view, 1.0
    elif ratio < _SIDE_RATIO:
        chosen = "side"
        conf = float(np.clip((_SIDE_RATIO - ratio) / 0.15, 0.3, 1.0))
    else:
        cues = frontal_cues(t[have], xy[have], None if world is None else world[have])
        total, _ = _vote(list(cues.values()))
        chosen = "rear" if total >= 0 else "front"
        # Net evidence over all cues, unmeasured ones included: 1 when all agree at full
        # strength, 1/3 when the pose model's reading stands alone or is outvoted.
        evidence = abs(total) / sum(w for _, w in cues.values())
        conf = float(np.clip((ratio - _SIDE_RATIO) / 0.2, 0.3, 1.0)) * (0.3 + 0.7 * evidence)
    facing = None
    if chosen == "side":
        total, agree = _vote(facing_cues(t[have], xy[have]))
        facing = "right" if total > 0 else "left"
        if not forced:
            conf *= 0.5 + 0.5 * agree
        speed = abs(hip_speed_legs_per_s(t[have], xy[have]))
        setting = "overground" if speed > _SPEED_LEGS_PER_S else "treadmill"
    else:
        setting = "overground" if abs(size_rate(t[have], xy[have])) > _SCALE_RATE else "treadmill"
    return ViewInfo(chosen, facing, setting, float(conf), forced)


def size_rate(t: np.ndarray, xy: np.ndarray) -> float:
    """d ln(torso length)/dt (1/s): the runner growing (+) or shrinking (-) in the image."""
    mid_s = (xy[:, LEFT_SHOULDER] + xy[:, RIGHT_SHOULDER]) / 2
    mid_h = (xy[:, LEFT_HIP] + xy[:, RIGHT_HIP]) / 2
    torso = np.linalg.norm(mid_s - mid_h, axis=-1)
    ok = np.isfinite(torso) & (torso > 0)
    if ok.sum() < 5:
        return 0.0
    return float(np.polyfit(t[ok], np.log(torso[ok]), 1)[0])


def ground_tilt_deg(
    t: np.ndarray, xy: np.ndarray, leg_px: float, facing: str
) -> tuple[float, bool]:
    """Side view: clockwise tilt (deg) of the ground line under the stance feet in the image.

    A tilted camera (roll) tilts it, but so does a treadmill or path at an angle to the image
    plane (perspective), so it is reported rather than used to rotate the angles.

    Stance is found without using heights: each foot moves back relative to the hip from its
    most forward position (just before contact) to its most backward one (just after toe-off);
    the heel is on the ground over 25-55% of that sweep, the toe over 40-80%. Those points lie
    on the ground line; a line with one slope and one offset per point (the
    feet are at different depths, MediaPipe's heel point sits above the sole) is fitted and
    refitted on the samples within 2.5 robust SDs of it on either side (a symmetric trim).
    Returns (roll, reliable): reliable when the points span at least 0.4 leg lengths, fit
    within 2% of a leg and the roll exceeds twice its standard error; (0.0, False) when there
    is no usable ground line.
    """
    if not np.isfinite(leg_px) or leg_px <= 0 or len(t) < 10:
        return 0.0, False
    from gaitcam.gait.signal import local_extrema, median_dt, smooth

    fwd = -1.0 if facing == "left" else 1.0
    mid = (xy[:, LEFT_HIP, 0] + xy[:, RIGHT_HIP, 0]) / 2
    dt = median_dt(t)
    xs, ys, gs = [], [], []
    g = 0
    for s in ("left", "right"):
        ix = SIDE[s]
        z = smooth(t, fwd * (xy[:, ix["heel"], 0] - mid) / leg_px, 6.0)
        fronts = local_extrema(z, "max", max(1, int(0.25 / dt)))
        backs = local_extrema(z, "min", max(1, int(0.25 / dt)))
        # The heel is down early in the sweep (before heel-off), the toe later (after the
        # foot is flat, before toe-off).
        on = {"heel": np.zeros(len(t), bool), "foot_index": np.zeros(len(t), bool)}
        for i in fronts:
            later = backs[backs > i]
            if not len(later) or t[later[0]] - t[i] > 0.8:
                continue
            j = later[0]
            if z[i] - z[j] < 0.3:  # not a real stance sweep
                continue
            for part, (lo, hi) in (("heel", (0.25, 0.55)), ("foot_index", (0.4, 0.8))):
                on[part][i + int(lo * (j - i)):i + int(hi * (j - i)) + 1] = True
        for part in ("heel", "foot_index"):
            pt = xy[:, ix[part]]
            m = on[part] & np.isfinite(pt).all(1)
            if m.sum() >= 5:
                xs.append(pt[m, 0])
                ys.append(pt[m, 1])
                gs.append(np.full(m.sum(), g))
                g += 1
    if not xs:
        return 0.0, False
    x, y, gi = np.concatenate(xs), np.concatenate(ys), np.concatenate(gs)
    a = np.stack([x] + [(gi == k).astype(float) for k in np.unique(gi)], -1)
    keep = np.ones(len(x), bool)
    coef, res = None, None
    for _ in range(6):
        if keep.sum() < a.shape[1] + 3:
            return 0.0, False
        coef, *_ = np.linalg.lstsq(a[keep], y[keep], rcond=None)
        res = y - a @ coef
        sd = 1.4826 * np.median(np.abs(res[keep])) + 1e-9
        new = np.abs(res) <= 2.5 * sd
        if np.array_equal(new, keep):
            break
        keep = new
    rms = float(np.sqrt(np.mean(res[keep] ** 2)))
    if np.ptp(x[keep]) < 0.4 * leg_px or rms > 0.02 * leg_px:
        return 0.0, False
    # Standard error of the slope (x spread within each point's own series).
    gk, xk = gi[keep], x[keep]
    means = np.bincount(gk, weights=xk) / np.maximum(np.bincount(gk), 1)
    xc = xk - means[gk]
    se = np.degrees(rms / np.sqrt(max(float((xc ** 2).sum()), 1e-9)))
    roll = float(np.degrees(np.arctan(coef[0])))
    return roll, bool(abs(roll) > 2.0 * se)
