"""Gait events (initial contact, toe-off, midstance) and the rejection of non-gait clips."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.analysis import detect_events
from gaitcam.errors import NoGaitError
from gaitcam.gait.events import (
    GaitEvents,
    check_gait,
    refine_free_kinks,
    refine_grounded_kinks,
)
from gaitcam.gait.metrics import stride_period
from gaitcam.gait.prepare import prepare
from gaitcam.synthetic import Camera, RunnerParams, project, standing, synthetic_sequence

SIDES = ("left", "right")


def _errors(found: np.ndarray, true: list[float]) -> np.ndarray:
    """Signed error (s) of each found event (NaN = not found, skipped) against the nearest
    true one."""
    true = np.asarray(true)
    return np.array([x - true[np.argmin(np.abs(true - x))] for x in found if np.isfinite(x)])


def _events(seq):
    return detect_events(prepare(seq))


def _inner(true: list[float], t: np.ndarray, margin: float = 0.15) -> int:
    """True events far enough from the clip's edges to be detectable."""
    return sum(t[0] + margin <= x <= t[-1] - margin for x in true)


@pytest.mark.parametrize("fps", [30, 60, 120, 240])
@pytest.mark.parametrize(("view", "facing"), [("side", "left"), ("side", "right"),
                                              ("rear", "left"), ("front", "left")])
def test_contacts_within_one_frame(view: str, facing: str, fps: int) -> None:
    """Side view: IC and TO within one frame. Rear/front: midstance (the event those metrics
    use) within one frame; IC and TO there are approximate (within 25 ms)."""
    seq, truth = synthetic_sequence(view=view, facing=facing, fps=fps, duration_s=6, seed=fps)
    ev = _events(seq)
    tol = 1.0 / fps if view == "side" else max(1.0 / fps, 0.025)
    for s in SIDES:
        ic = np.array(truth["events"][s]["initial_contact_s"])
        to = np.array(truth["events"][s]["toe_off_s"])
        true_ms = np.union1d(np.round(ic + 0.125, 6), np.round(to - 0.125, 6))  # contact 250 ms
        inside = (true_ms - 0.125 >= seq.t[0] + 0.15) & (true_ms + 0.125 <= seq.t[-1] - 0.15)
        assert np.isfinite(ev.ic[s]).sum() >= inside.sum()
        assert np.isfinite(ev.midstance[s]).sum() >= inside.sum()
        assert np.all(np.abs(_errors(ev.ic[s], list(ic))) <= tol)
        assert np.all(np.abs(_errors(ev.to[s], list(to))) <= tol)
        assert np.all(np.abs(_errors(ev.midstance[s], list(true_ms))) <= 1.0 / fps)
    period, _ = stride_period(ev, use_midstance=view != "side")
    assert 120.0 / period == pytest.approx(170.0, abs=0.5)


@pytest.mark.parametrize("strike", [-6.0, 0.0, 4.0, 20.0])
def test_foot_strike_types(strike: float) -> None:
    p = RunnerParams(foot_strike_angle_deg=strike, overstride_pct_leg=4.0 if strike < 0 else 12.0)
    seq, truth = synthetic_sequence(p, fps=60, duration_s=6)
    ev = _events(seq)
    for s in SIDES:
        assert np.all(np.abs(_errors(ev.ic[s], truth["events"][s]["initial_contact_s"]))
                      <= 1.0 / 60)


@pytest.mark.parametrize(("view", "fps"), [("side", 30), ("side", 60), ("side", 240),
                                           ("rear", 30), ("front", 60)])
def test_noise_and_dropped_frames(view: str, fps: int) -> None:
    seq, truth = synthetic_sequence(view=view, fps=fps, duration_s=8, noise_px=2,
                                    drop_frames=0.05, seed=11)
    ev = _events(seq)
    for s in SIDES:
        ic = truth["events"][s]["initial_contact_s"]
        if view == "side":
            err = _errors(ev.ic[s], ic)
        else:  # rear/front metrics use the midstances; contacts there are approximate
            to = truth["events"][s]["toe_off_s"]
            err = _errors(ev.midstance[s], list(np.union1d(np.array(ic) + 0.125,
                                                          np.array(to) - 0.125)))
        assert len(err) >= _inner(ic, seq.t) - 2
        assert np.median(np.abs(err)) <= 0.02
    period, _ = stride_period(ev, use_midstance=view != "side")
    assert 120.0 / period == pytest.approx(170.0, abs=1.0)


def test_label_swaps_do_not_move_events() -> None:
    swaps = ((1.0, 2.5), (4.0, 4.1), (5.2, 6.0))
    clean, _ = synthetic_sequence(fps=30, duration_s=8, noise_px=1, seed=5)
    swapped, _ = synthetic_sequence(fps=30, duration_s=8, noise_px=1, seed=5, swap=swaps)
    a, b = _events(clean), _events(swapped)
    for s in SIDES:
        assert np.allclose(a.ic[s], b.ic[s]) and np.allclose(a.to[s], b.to[s], equal_nan=True)


def test_far_leg_hidden() -> None:
    seq, truth = synthetic_sequence(fps=60, duration_s=8, occlude_far=True, noise_px=1)
    ev = _events(seq)
    near = truth["events"]["left"]["initial_contact_s"]
    assert np.all(np.abs(_errors(ev.ic["left"], near)) <= 1.0 / 60)
    assert len(ev.ic["right"]) >= _inner(truth["events"]["right"]["initial_contact_s"],
                                         seq.t) - 2


def test_variable_frame_rate_uses_real_timestamps() -> None:
    seq, truth = synthetic_sequence(fps=30, duration_s=8, vfr=True, seed=3)
    ev = _events(seq)
    for s in SIDES:
        err = _errors(ev.ic[s], truth["events"][s]["initial_contact_s"])
        assert np.all(np.abs(err) <= 1.4 / 30)  # the longest frame interval
    period, _ = stride_period(ev)
    assert 120.0 / period == pytest.approx(170.0, abs=0.5)


def test_overground_static_and_panning_cameras() -> None:
    p = RunnerParams(setting="overground")
    for cam in (Camera(distance_m=12), Camera(pan=True)):
        seq, truth = synthetic_sequence(p, fps=60, duration_s=5, camera=cam)
        ev = _events(seq)
        for s in SIDES:
            assert np.all(np.abs(_errors(ev.ic[s], truth["events"][s]["initial_contact_s"]))
                          <= 1.0 / 60)


@pytest.mark.parametrize("view", ["side", "front", "rear"])
@pytest.mark.parametrize("kind", ["sway", "arms", "squats"])
def test_no_gait_is_rejected(view: str, kind: str) -> None:
    sk = standing(fps=30, duration_s=10, sway_cm=3 if kind == "sway" else 1,
                  arms=kind == "arms", squat_cm=25 if kind == "squats" else 0)
    seq = project(sk, view=view, noise_px=1.0)
    with pytest.raises(NoGaitError) as err:
        _events(seq)
    assert "No running or walking gait" in err.value.message


def test_too_few_strides() -> None:
    seq, _ = synthetic_sequence(fps=30, duration_s=1.6)
    with pytest.raises(NoGaitError, match="strides"):
        _events(seq)


def _fake_events(ic_left: np.ndarray, ic_right: np.ndarray) -> GaitEvents:
    nan = {s: np.full(len(x), np.nan) for s, x in (("left", ic_left), ("right", ic_right))}
    return GaitEvents({"left": ic_left, "right": ic_right}, nan, nan, 0.7, "test")


def test_check_gait_rules() -> None:
    k = np.arange(8.0)
    ok = check_gait(_fake_events(0.7 * k, 0.7 * k + 0.35))
    assert ok.stride_s == pytest.approx(0.7)
    with pytest.raises(NoGaitError, match="step rate"):  # 40 steps/min
        check_gait(_fake_events(3.0 * k, 3.0 * k + 1.5))
    with pytest.raises(NoGaitError, match="alternate"):  # both feet land together
        check_gait(_fake_events(0.7 * k, 0.7 * k + 0.02))
    rng = np.random.default_rng(0)
    with pytest.raises(NoGaitError, match="regular"):
        jitter = np.cumsum(rng.uniform(0.4, 1.0, 8))
        check_gait(_fake_events(jitter, jitter + 0.3))


def test_kink_fits_recover_a_kink() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(0, 0.5, 1 / 60)
    kinks = np.array([0.2137, 0.2811])
    # Grounded: descending at 0.8 leg/s, then flat at the ground level 0.01.
    y = 0.01 + np.where(t < kinks[0], -0.8 * (t - kinks[0]), 0.0) + rng.normal(0, 0.002, len(t))
    got = refine_grounded_kinks(t, y, np.array([0.19]), np.array([0.01]), np.array([1.0]), "ic")
    assert got[0] == pytest.approx(kinks[0], abs=0.004)
    # Free: a V (sliding down, then rising), as a foot seen from behind at toe-off.
    y = np.where(t < kinks[1], -0.3 * (t - kinks[1]), 0.9 * (t - kinks[1]))
    got = refine_free_kinks(t, y + rng.normal(0, 0.002, len(t)), np.array([0.25, 0.03]))
    assert got[0] == pytest.approx(kinks[1], abs=0.004)
    assert np.isnan(got[1])  # too close to the clip's start to see both sides
