"""View, facing, setting and camera-roll detection; left/right label-swap repair."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.errors import GaitcamError
from gaitcam.gait.identity import fix_label_swaps
from gaitcam.gait.view import (
    detect_view,
    frontal_cues,
    ground_tilt_deg,
    leg_length_px,
    stance_drift_legs,
)
from gaitcam.landmarks import LEFT_RIGHT_PAIRS
from gaitcam.synthetic import Camera, RunnerParams, synthetic_sequence


def _view(seq, view: str = "auto", mirror: bool = False, world: bool = False):
    """detect_view on a synthetic sequence; mirror: every left/right label exchanged, as when
    the pose model takes a runner seen from behind for one seen from the front."""
    xy, w = np.array(seq.xy, float), np.array(seq.world, float)
    if mirror:
        for i, j in LEFT_RIGHT_PAIRS:
            xy[:, [i, j]], w[:, [i, j]] = xy[:, [j, i]], w[:, [j, i]]
    return detect_view(seq.t, xy, np.asarray(seq.visibility, float), view,
                       world=w if world else None)


@pytest.mark.parametrize("fps", [30, 60, 120, 240])
@pytest.mark.parametrize(("view", "facing"), [("side", "left"), ("side", "right"),
                                              ("rear", None), ("front", None)])
def test_detects_view_and_facing(view: str, facing: str | None, fps: int) -> None:
    seq, _ = synthetic_sequence(view=view, facing=facing or "left", fps=fps, duration_s=3)
    info = _view(seq)
    assert (info.view, info.facing, info.setting) == (view, facing, "treadmill")
    assert info.confidence >= 0.8 and not info.forced


@pytest.mark.parametrize("view", ["rear", "front"])
@pytest.mark.parametrize("height_m", [0.5, None, 1.6])
def test_rear_or_front_from_the_stance_foot_not_the_labels(view: str, height_m) -> None:
    """On a treadmill the belt brings the stance foot toward a rear camera (down the image) and
    takes it away from a front one (up): the view is right even when every left/right label
    says the opposite, and the confidence then drops below the analysis' warning level."""
    cam = Camera(height_m=height_m)
    seq, _ = synthetic_sequence(view=view, fps=30, duration_s=4, camera=cam, noise_px=1.5)
    drift, steps = stance_drift_legs(seq.t, np.asarray(seq.xy, float))
    assert steps >= 8 and drift * (1 if view == "rear" else -1) > 0.02
    agree, disagree = _view(seq), _view(seq, mirror=True)
    assert agree.view == disagree.view == view and agree.setting == "treadmill"
    assert agree.confidence >= 0.8 and disagree.confidence < 0.6


def test_stance_drift_grows_with_camera_height_and_vanishes_overground() -> None:
    drifts = [stance_drift_legs(s.t, np.asarray(s.xy, float))[0] for s in (
        synthetic_sequence(view="rear", fps=60, duration_s=3, camera=Camera(height_m=h))[0]
        for h in (0.5, 1.0, 1.6))]
    assert 0 < drifts[0] < drifts[1] < drifts[2]
    over, _ = synthetic_sequence(RunnerParams(setting="overground"), view="rear", fps=60,
                                 duration_s=3, camera=Camera(distance_m=3))
    assert abs(stance_drift_legs(over.t, np.asarray(over.xy, float))[0]) < 0.01


@pytest.mark.parametrize("view", ["rear", "front"])
def test_overground_rear_or_front_from_the_size_change(view: str) -> None:
    """Overground the planted foot does not drift; a runner shrinking in the image runs away
    (seen from behind), one growing runs toward the camera."""
    seq, _ = synthetic_sequence(RunnerParams(setting="overground"), view=view, fps=30,
                                duration_s=3, camera=Camera(distance_m=3))
    xy = np.asarray(seq.xy, float)
    assert set(frontal_cues(seq.t, xy)) == {"moving_away", "pose_model"}
    for mirror in (False, True):
        info = _view(seq, mirror=mirror)
        assert (info.view, info.setting) == (view, "overground")


@pytest.mark.parametrize("view", ["rear", "front"])
def test_pose_models_reading_decides_without_steps(view: str) -> None:
    """No regular steps (standing, an exercise): only the pose model's own front/back reading
    (label order, nose behind the ears in world z) is left, so it decides, with a lower
    confidence; a mirrored reading is then followed."""
    seq, _ = synthetic_sequence(view=view, fps=30, duration_s=3)
    still = np.repeat(np.asarray(seq.xy, float)[:1], len(seq.t), axis=0)
    world = np.repeat(np.asarray(seq.world, float)[:1], len(seq.t), axis=0)
    cues = frontal_cues(seq.t, still, world)
    assert np.isnan(cues["stance_drift"][0])
    assert cues["pose_model"][0] == pytest.approx(1.0 if view == "rear" else -1.0)
    info = detect_view(seq.t, still, np.asarray(seq.visibility, float), world=world)
    assert info.view == view and 0.3 <= info.confidence < 0.6
    moving = _view(seq, world=True)
    assert moving.view == view and moving.confidence > info.confidence
    other = "front" if view == "rear" else "rear"
    still[:, [i for i, _ in LEFT_RIGHT_PAIRS] + [j for _, j in LEFT_RIGHT_PAIRS]] = still[
        :, [j for _, j in LEFT_RIGHT_PAIRS] + [i for i, _ in LEFT_RIGHT_PAIRS]]
    assert detect_view(seq.t, still, np.asarray(seq.visibility, float)).view == other


@pytest.mark.parametrize("image_size", [(1280, 720), (720, 1280)])
def test_portrait_and_noise(image_size: tuple[int, int]) -> None:
    seq, _ = synthetic_sequence(view="side", facing="right", fps=30, duration_s=4,
                                image_size=image_size, noise_px=2, drop_frames=0.05)
    info = _view(seq)
    assert (info.view, info.facing) == ("side", "right")


def test_forced_view_is_flagged() -> None:
    seq, _ = synthetic_sequence(view="side", fps=30, duration_s=3)
    info = _view(seq, "rear")
    assert info.view == "rear" and info.forced and info.confidence == 1.0
    with pytest.raises(GaitcamError):
        _view(seq, "diagonal")


def test_setting_overground_static_vs_panning() -> None:
    p = RunnerParams(setting="overground")
    static, _ = synthetic_sequence(p, fps=30, duration_s=4, camera=Camera(distance_m=12))
    assert _view(static).setting == "overground"
    pan, _ = synthetic_sequence(p, fps=30, duration_s=4, camera=Camera(pan=True))
    assert _view(pan).setting == "treadmill"  # in place in the image: same geometry
    away, _ = synthetic_sequence(p, view="rear", fps=30, duration_s=3, camera=Camera(distance_m=3))
    info = _view(away)
    assert (info.view, info.setting) == ("rear", "overground")


@pytest.mark.parametrize("strike", [0.0, 12.0])
@pytest.mark.parametrize("roll", [-6.0, 0.0, 3.0, 8.0])
def test_ground_tilt_from_the_stance_feet(roll: float, strike: float) -> None:
    p = RunnerParams(foot_strike_angle_deg=strike, heel_marker_cm=3.0)
    seq, _ = synthetic_sequence(p, fps=60, duration_s=6, camera=Camera(roll_deg=roll))
    xy = np.asarray(seq.xy, float)
    tilt, reliable = ground_tilt_deg(seq.t, xy, leg_length_px(xy), "left")
    assert tilt == pytest.approx(roll, abs=0.05)
    assert reliable == (roll != 0.0)
    noisy, _ = synthetic_sequence(p, fps=60, duration_s=6, camera=Camera(roll_deg=roll),
                                  noise_px=2)
    xy = np.asarray(noisy.xy, float)
    assert ground_tilt_deg(noisy.t, xy, leg_length_px(xy), "left")[0] == pytest.approx(
        roll, abs=1.0)


def test_ground_tilt_unreliable_without_steps() -> None:
    seq, _ = synthetic_sequence(fps=30, duration_s=3)
    xy = np.asarray(seq.xy, float)
    xy[:, 25:33] = xy[:1, 25:33]  # frozen legs: no ground line to see
    assert ground_tilt_deg(seq.t, xy, leg_length_px(xy), "left") == (0.0, False)


@pytest.mark.parametrize("fps", [30, 60, 240])
def test_label_swaps_are_undone(fps: int) -> None:
    swaps = ((1.0, 2.2), (3.0, 3.05), (4.1, 4.6))
    clean, _ = synthetic_sequence(fps=fps, duration_s=6, noise_px=1, seed=4)
    swapped, _ = synthetic_sequence(fps=fps, duration_s=6, noise_px=1, seed=4, swap=swaps)
    xy, (vis,), flags = fix_label_swaps(swapped.t, swapped.xy, 200.0, swapped.visibility,
                                        world=swapped.world, visibility=swapped.visibility)
    assert np.allclose(xy, clean.xy, equal_nan=True)
    assert np.allclose(vis, clean.visibility)
    expect = np.zeros(len(clean.t), bool)
    for a, b in swaps:
        expect |= (clean.t >= a) & (clean.t < b)
    assert np.array_equal(flags["legs"], expect)


def test_no_swaps_in_a_clean_clip_with_hidden_far_leg() -> None:
    seq, _ = synthetic_sequence(fps=30, duration_s=6, noise_px=2, occlude_far=True,
                                drop_frames=0.05)
    _, _, flags = fix_label_swaps(seq.t, seq.xy, 200.0, world=seq.world,
                                  visibility=seq.visibility)
    assert not flags["legs"].any() and not flags["arms"].any()


def test_jittery_far_leg_is_not_taken_for_a_swap() -> None:
    """Big far-leg jumps (a pose model guessing a hidden leg) do not flip the labels when the
    depth evidence says the labels are right."""
    seq, _ = synthetic_sequence(fps=30, duration_s=6, noise_px=1)
    xy = np.array(seq.xy, float)
    rng = np.random.default_rng(0)
    far = [26, 28, 30, 32]
    jump = rng.random(len(xy)) < 0.15
    xy[np.ix_(jump, far)] += rng.normal(0, 25, (jump.sum(), len(far), 2))
    _, _, flags = fix_label_swaps(seq.t, xy, 200.0, world=seq.world, visibility=seq.visibility)
    assert flags["legs"].mean() < 0.02
