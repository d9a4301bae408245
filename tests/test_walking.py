"""Label-free side-view steps, leg relabelling, gait type and the choice of pass.

The synthetic model only runs (it needs a flight phase), so walking itself is tested on a real
clip (tests/test_real_clip_gait.py); here the label-free detector is checked on a runner whose
left/right labels are scrambled frame by frame, which it must not need.
"""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.analysis import analyze_sequence, find_gait
from gaitcam.errors import NoGaitError
from gaitcam.gait.events import SIDES, GaitEvents
from gaitcam.gait.passes import choose_pass, find_passes
from gaitcam.gait.prepare import prepare
from gaitcam.gait.walking import (
    detect_walking_events,
    duty_factor_pct,
    gait_type,
    relabel_legs,
)
from gaitcam.landmarks import INDEX
from gaitcam.pose_sequence import PoseSequence
from gaitcam.synthetic import Camera, RunnerParams, project, standing, synthetic_sequence

LEG_PAIRS = [(INDEX[f"left_{p}"], INDEX[f"right_{p}"])
             for p in ("hip", "knee", "ankle", "heel", "foot_index")]


def _scramble(seq: PoseSequence, share: float, seed: int = 0) -> tuple[PoseSequence, np.ndarray]:
    """Exchange the leg labels in a random `share` of single frames (as MediaPipe does when
    it loses track of the far leg), with visibility and depth."""
    rng = np.random.default_rng(seed)
    flip = rng.random(seq.n_frames) < share
    arrays = {k: np.array(getattr(seq, k), copy=True) for k in ("xy", "world", "visibility",
                                                                  "presence")}
    for a, b in LEG_PAIRS:
        for arr in arrays.values():
            arr[flip, a], arr[flip, b] = arr[flip, b].copy(), arr[flip, a].copy()
    return seq.replace(**arrays), flip


def test_label_free_steps_ignore_scrambled_labels() -> None:
    seq, truth = synthetic_sequence(RunnerParams(cadence_spm=166), fps=60, duration_s=10,
                                    noise_px=1.0)
    bad, _ = _scramble(seq, 0.3)
    cp = prepare(bad)
    ev = detect_walking_events(cp.t, cp.xy_smooth, cp.view.facing, cp.leg["mean"],
                               cadence_range=(100.0, 230.0))
    assert 120.0 / ev.stride_s == pytest.approx(166.0, abs=1.0)
    for s in SIDES:
        true_ic = np.array(truth["events"][s]["initial_contact_s"])
        # Each found contact is the foot's most forward heel, just before the true contact of
        # the same foot (the swing retraction of the model lasts 0.1 s): sides are right.
        lead = np.array([true_ic[true_ic >= x].min() - x for x in ev.ic[s]
                         if (true_ic >= x).any()])
        assert len(lead) >= 12 and np.all((lead >= 0.0) & (lead < 0.12)), s
    # The turning points lead the contact and lag the toe-off, so these events overstate the
    # duty factor; the pelvis, highest in flight late in the step, still says running.
    height = -(cp.xy_smooth[:, INDEX["left_hip"], 1] + cp.xy_smooth[:, INDEX["right_hip"], 1])
    g = gait_type(ev, "side", cp.t, height)
    assert g["type"] == "running", g
    assert duty_factor_pct(ev) > 50


def test_relabel_puts_the_leading_leg_under_its_steps_label() -> None:
    seq, _ = synthetic_sequence(fps=60, duration_s=8, noise_px=0.5)
    clean = prepare(seq)
    ev = detect_walking_events(clean.t, clean.xy_smooth, "left", clean.leg["mean"],
                               cadence_range=(100.0, 230.0))
    bad, flip = _scramble(seq, 0.3, seed=3)
    cp = relabel_legs(prepare(bad), ev)
    inside = (clean.t > ev.steps()[0][0]) & (clean.t < ev.steps()[-1][0])
    heel = INDEX["left_heel"]
    err = np.abs(cp.xy[inside, heel, 0] - clean.xy[inside, heel, 0])
    # Only frames near the feet passing each other (where either label fits) may differ.
    assert np.mean(err < 2.0) > 0.95
    assert cp.swapped_frames >= bad.n_frames * 0.1


def test_gait_type_rules() -> None:
    nan = {s: np.array([]) for s in SIDES}
    k = np.arange(8.0)
    walk = GaitEvents({"left": 1.1 * k, "right": 1.1 * k + 0.55},
                      {"left": 1.1 * k + 0.66, "right": 1.1 * k + 1.21}, nan, 1.1, "test")
    g = gait_type(walk, "side")
    assert g["type"] == "walking" and g["duty_factor_pct"] == pytest.approx(60.0, abs=0.1)
    run = GaitEvents({"left": 0.7 * k, "right": 0.7 * k + 0.35},
                     {"left": 0.7 * k + 0.25, "right": 0.7 * k + 0.6}, nan, 0.7, "test")
    assert gait_type(run, "side")["type"] == "running"
    # Rear/front: contact times are approximate, the step rate decides.
    assert gait_type(walk, "rear")["type"] == "walking"
    assert gait_type(run, "rear")["type"] == "running"
    assert gait_type(run, "rear")["duty_factor_pct"] is None


def test_standing_is_not_walking() -> None:
    for kw in ({"arms": True}, {"squat_cm": 15.0}, {"sway_cm": 4.0}):
        still = project(standing(fps=30, duration_s=8, **kw), "side", "left", noise_px=1.5)
        cp = prepare(still)
        with pytest.raises(NoGaitError):
            detect_walking_events(cp.t, cp.xy_smooth, "left", cp.leg["mean"])
        with pytest.raises(NoGaitError):
            find_gait(cp)


def _there_and_back(backward: bool) -> PoseSequence:
    """A runner crossing the frame leftward, then (backward) coming back facing the same way
    (the first pass played in reverse) or (not backward) the same pass again."""
    seq, _ = synthetic_sequence(RunnerParams(setting="overground", speed_mps=2.5), fps=30,
                                duration_s=6, camera=Camera(distance_m=8.0), noise_px=0.5)
    second = seq.slice(0, seq.n_frames)
    if backward:
        second = second.replace(xy=seq.xy[::-1].copy(), world=seq.world[::-1].copy(),
                                visibility=seq.visibility[::-1].copy(),
                                presence=seq.presence[::-1].copy())
    gap = PoseSequence.empty(30, seq.width, seq.height, seq.fps)
    parts = [seq, gap, second]
    t = np.arange(sum(p.n_frames for p in parts)) / seq.fps
    cat = {k: np.concatenate([getattr(p, k) for p in parts]) for k in
           ("xy", "world", "visibility", "presence")}
    return seq.replace(t=t, **cat)


def test_passes_pick_the_forward_crossing() -> None:
    seq = _there_and_back(backward=True)
    cp = prepare(seq, "side")
    passes = find_passes(cp.t, cp.xy, cp.leg["mean"])
    assert [(p.direction, p.forward) for p in passes] == [("left", True), ("right", False)]
    chosen, why = choose_pass(cp.t, cp.xy, cp.leg["mean"])
    assert chosen is passes[0] or chosen == passes[0]
    assert "backward" in why
    r = analyze_sequence(seq)
    a, b = r["quality"]["analysed_s"]
    assert a < 0.5 and 5.0 < b < 6.1
    assert any("backward" in w for w in r["quality"]["warnings"])
    assert r["metrics"]["cadence_spm"]["value"] == pytest.approx(170.0, abs=1.0)
    # The same runner crossing twice forward: the longest crossing, no backward warning.
    seq2 = _there_and_back(backward=False)
    r2 = analyze_sequence(seq2)
    assert r2["quality"]["analysed_s"] is not None
    assert not any("backward" in w for w in r2["quality"]["warnings"])


def test_one_crossing_or_a_treadmill_is_the_whole_clip() -> None:
    seq, _ = synthetic_sequence(RunnerParams(setting="overground"), fps=30, duration_s=6,
                                camera=Camera(distance_m=8.0))
    cp = prepare(seq)
    assert choose_pass(cp.t, cp.xy, cp.leg["mean"]) == (None, None)
    tread, _ = synthetic_sequence(fps=30, duration_s=6)
    cp = prepare(tread)
    assert find_passes(cp.t, cp.xy, cp.leg["mean"]) == []


def test_short_tracked_stretches_do_not_break_pass_finding() -> None:
    """A runner tracked for under a second at a time (live mode drops frames) must not crash."""
    import numpy as np

    from gaitcam.gait.passes import _moving_mean, find_passes

    for n in (3, 4, 7, 30):
        y = np.arange(float(n))
        assert _moving_mean(y, 61).shape == (n,)
    t = np.arange(120) / 60.0
    xy = np.full((120, 33, 2), 300.0)
    xy[:, :, 0] += 100 * t[:, None]
    xy[10:40:2] = np.nan  # many short runs
    xy[60:] = np.nan
    find_passes(t, xy, leg_px=200.0)


def _walker(fps: float, duration_s: float = 8.0, stride_s: float = 1.1, duty: float = 0.6
            ) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Side-view walker facing right (pixels, image x only matters here): each foot planted
    from contact to toe-off (`duty` of its stride, so double support), swinging forward on a
    cosine profile in between; the right foot half a stride after the left. Returns
    (t, xy (T, 33, 2), true toe-off times per foot)."""
    px, speed, reach = 200.0, 1.3, 0.3  # px per metre, m/s, heel ahead of the hip at contact
    t = np.arange(int(duration_s * fps)) / fps
    xy = np.zeros((len(t), 33, 2))
    hip = speed * t
    for i in (INDEX["left_hip"], INDEX["right_hip"]):
        xy[:, i] = np.stack([px * hip, np.full_like(t, 200.0)], -1)
    tos = {}
    for s, lag in (("left", 0.0), ("right", stride_s / 2)):
        k = np.floor((t - lag) / stride_s)
        phase = (t - lag) / stride_s - k
        land = speed * (k * stride_s + lag) + reach  # this stride's footprint (ankle), m
        swing = np.clip((phase - duty) / (1 - duty), 0, 1)
        ankle = land + speed * stride_s * (1 - np.cos(np.pi * swing)) / 2
        for part, dx, y in (("ankle", 0.0, 560.0), ("heel", -0.05, 580.0),
                            ("foot_index", 0.15, 580.0)):
            xy[:, INDEX[f"{s}_{part}"]] = np.stack([px * (ankle + dx), np.full_like(t, y)], -1)
        xy[:, INDEX[f"{s}_knee"]] = (xy[:, INDEX[f"{s}_hip"]] + xy[:, INDEX[f"{s}_ankle"]]) / 2
        tos[s] = lag + duty * stride_s + stride_s * np.arange(-1, duration_s / stride_s + 1)
    return t, xy, tos


def test_walking_toe_off_ignores_a_one_frame_blip() -> None:
    """A frame where the pose model puts both feet midway between them (as at double support
    on real walking footage) dents the smoothed rear-toe envelope, leaving a shallow dip
    nearer the other foot's contact than the real trough: the toe-off is the deepest trough."""
    from gaitcam.gait.signal import smooth

    t, xy, tos = _walker(30.0)
    leg = 180.0
    ev = detect_walking_events(t, smooth(t, xy), "right", leg)
    assert 120.0 / ev.stride_s == pytest.approx(120.0 / 1.1, abs=0.5)
    for s in SIDES:
        found = ev.to[s][np.isfinite(ev.to[s])]
        assert len(found) >= 4
        assert np.all(np.min(np.abs(found[:, None] - tos[s][None]), axis=1) < 0.04), s
    # Blips three frames before each right toe-off (after the left contact, in double support).
    blipped = xy.copy()
    feet = [INDEX[f"{s}_{p}"] for s in SIDES for p in ("ankle", "heel", "foot_index")]
    for x in tos["right"]:
        i = int(round(x * 30.0)) - 3
        if 10 < i < len(t) - 10:
            mid = (blipped[i, feet[:3]] + blipped[i, feet[3:]]) / 2
            blipped[i, feet] = np.concatenate([mid, mid])
    ev2 = detect_walking_events(t, smooth(t, blipped), "right", leg)
    found = ev2.to["right"][np.isfinite(ev2.to["right"])]
    assert len(found) >= 4
    assert np.all(np.min(np.abs(found[:, None] - tos["right"][None]), axis=1) < 0.05)
    assert 120.0 / ev2.stride_s == pytest.approx(120.0 / 1.1, abs=1.0)
