"""The synthetic runner: its truths hold in 3D by construction, and its projection behaves."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from gaitcam.landmarks import INDEX, N_LANDMARKS
from gaitcam.synthetic import (
    Camera,
    ClipCamera,
    RunnerModel,
    RunnerParams,
    project,
    simulate,
    standing,
    synthetic_sequence,
)


def _sagittal(j: np.ndarray, name: str) -> np.ndarray:
    """(forward, up) of a landmark in the world frame."""
    return j[..., INDEX[name], :][..., [0, 2]]


def _angle_deg(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    cross = u[..., 0] * v[..., 1] - u[..., 1] * v[..., 0]
    return np.degrees(np.arctan2(np.abs(cross), (u * v).sum(-1)))


@pytest.fixture(scope="module")
def model() -> RunnerModel:
    return RunnerModel(RunnerParams(left={"pelvic_drop_deg": 7.0, "overstride_pct_leg": 16.0}),
                       phase_s=0.1)


def test_params_validation() -> None:
    with pytest.raises(ValueError, match="unknown"):
        RunnerParams(left={"cadence_spm": 150})
    with pytest.raises(ValueError, match="flight"):
        RunnerModel(RunnerParams(contact_time_ms=400))
    with pytest.raises(ValueError, match="setting"):
        RunnerParams(setting="trail")
    p = RunnerParams(right={"knee_flexion_ic_deg": 20})
    assert p.side("right").knee_flexion_ic_deg == 20 and p.side("left").knee_flexion_ic_deg == 15


def test_contacts_happen_at_the_set_times_with_the_set_geometry(model: RunnerModel) -> None:
    b = model.body
    for side in ("left", "right"):
        s = model.sides[side]
        sp = model.params.side(side)
        t_ic = s.t_ic0 + model.stride * np.arange(3)
        j = model.joints(t_ic)
        heel, toe = _sagittal(j, f"{side}_heel"), _sagittal(j, f"{side}_foot_index")
        pel_x = (j[:, INDEX["left_hip"], 0] + j[:, INDEX["right_hip"], 0]) / 2
        # Lowest foot point on the ground exactly at IC, above it 20 ms before.
        assert np.allclose(np.minimum(heel[:, 1], toe[:, 1]), 0.0, atol=1e-9)
        before = model.joints(t_ic - 0.02)
        assert np.all(np.minimum(before[:, INDEX[f"{side}_heel"], 2],
                                 before[:, INDEX[f"{side}_foot_index"], 2]) > 0.005)
        # Overstride, foot-strike angle and knee flexion are the ones set.
        assert np.allclose((heel[:, 0] - pel_x) / b.leg * 100, sp.overstride_pct_leg, atol=1e-6)
        foot = toe - heel
        assert np.allclose(np.degrees(np.arctan2(foot[:, 1], foot[:, 0])),
                           sp.foot_strike_angle_deg, atol=1e-6)
        hip, knee, ankle = (_sagittal(j, f"{side}_{p}") for p in ("hip", "knee", "ankle"))
        assert np.allclose(_angle_deg(knee - hip, ankle - knee), sp.knee_flexion_ic_deg,
                           atol=1e-6)
        # The stance foot stays on the ground and moves back at the belt speed.
        tt = t_ic[0] + np.linspace(0.01, s.contact - 0.01, 20)
        js = model.joints(tt)
        low = np.minimum(js[:, INDEX[f"{side}_heel"], 2], js[:, INDEX[f"{side}_foot_index"], 2])
        assert np.allclose(low, 0.0, atol=1e-9)


def test_midstance_frontal_angles_are_the_ones_set(model: RunnerModel) -> None:
    for side, other in (("left", "right"), ("right", "left")):
        s = model.sides[side]
        sp = model.params.side(side)
        tm = np.array([s.t_ic0 + s.contact / 2])
        j = model.joints(tm)[0]
        sw, st = j[INDEX[f"{other}_hip"]], j[INDEX[f"{side}_hip"]]
        drop = np.degrees(np.arctan2(st[2] - sw[2], abs(st[1] - sw[1])))
        assert drop == pytest.approx(sp.pelvic_drop_deg, abs=1e-6)
        trunk = (j[INDEX["left_shoulder"]] + j[INDEX["right_shoulder"]]) / 2 - (st + sw) / 2
        toward_stance = trunk[1] if side == "left" else -trunk[1]
        lean = np.degrees(np.arctan2(toward_stance, trunk[2]))
        assert lean == pytest.approx(sp.lateral_trunk_lean_deg, abs=1e-6)
        # Frontal plane projection angle (Y, Z), + = knee toward the midline.
        hip, knee, ankle = (j[INDEX[f"{side}_{p}"]][[1, 2]] for p in ("hip", "knee", "ankle"))
        fppa = _angle_deg(knee - hip, ankle - knee)
        assert fppa == pytest.approx(sp.knee_valgus_deg, abs=1e-4)
        # Sagittal trunk lean is constant.
        assert np.degrees(np.arctan2(trunk[0], trunk[2])) == pytest.approx(6.0, abs=1e-6)


def test_truth_and_events() -> None:
    sk = simulate(RunnerParams(cadence_spm=180, contact_time_ms=230), fps=60, duration_s=6,
                  phase_s=0.2)
    assert sk.joints.shape == (360, N_LANDMARKS, 3)
    ic = np.array(sk.events["left"]["initial_contact_s"])
    assert ic[0] == pytest.approx(0.2) and np.allclose(np.diff(ic), 120 / 180)
    right = np.array(sk.events["right"]["initial_contact_s"])
    assert np.allclose((right - ic[0]) % (120 / 180), 60 / 180)
    to = np.array(sk.events["left"]["toe_off_s"])
    assert np.allclose(to[:3] - ic[:3], 0.23)
    tr = sk.truth
    assert tr["cadence_spm"]["value"] == 180
    assert tr["duty_factor_pct"]["left"] == pytest.approx(100 * 0.23 / (120 / 180))
    assert tr["vertical_oscillation_cm"]["value"] == pytest.approx(8.0, abs=0.02)
    assert tr["trunk_sway_range_deg"]["value"] == pytest.approx(4.0, abs=1e-3)
    # The foot never goes through the ground; segment lengths are the body's.
    feet = sk.joints[:, [INDEX[f"{s}_{p}"] for s in ("left", "right")
                         for p in ("heel", "foot_index")], 2]
    assert feet.min() > -1e-9
    thigh = np.linalg.norm(sk.joints[:, INDEX["left_knee"], [0, 2]]
                           - sk.joints[:, INDEX["left_hip"], [0, 2]], axis=-1)
    assert np.allclose(thigh, sk.body.thigh, atol=1e-9)


def test_asymmetry_is_in_the_truth(model: RunnerModel) -> None:
    tr = model.truth()
    assert tr["pelvic_drop_deg"]["left"] == 7.0 and tr["pelvic_drop_deg"]["right"] == 4.0
    assert tr["pelvic_drop_deg"]["value"] == 5.5
    assert tr["overstride_pct_leg"]["left"] == 16.0


def test_overground_moves_and_treadmill_stays() -> None:
    og = simulate(RunnerParams(setting="overground", speed_mps=3.0), fps=30, duration_s=2)
    tm = simulate(RunnerParams(), fps=30, duration_s=2)
    hip = INDEX["left_hip"]
    assert np.polyfit(og.t, og.joints[:, hip, 0], 1)[0] == pytest.approx(3.0, abs=1e-6)
    assert np.abs(tm.joints[:, hip, 0]).max() < 1e-9


def test_projection_views() -> None:
    sk = simulate(RunnerParams(), fps=30, duration_s=2)
    left = project(sk, "side", "left")
    assert np.all(left.xy[:, INDEX["nose"], 0] < left.xy[:, INDEX["left_ear"], 0])
    assert left.visibility[:, INDEX["left_knee"]].mean() > left.visibility[
        :, INDEX["right_knee"]].mean() + 0.1
    right = project(sk, "side", "right")
    assert np.all(right.xy[:, INDEX["nose"], 0] > right.xy[:, INDEX["right_ear"], 0])
    rear = project(sk, "rear")
    assert np.all(rear.xy[:, INDEX["left_hip"], 0] < rear.xy[:, INDEX["right_hip"], 0])
    assert rear.visibility[:, INDEX["nose"]].mean() < 0.5
    front = project(sk, "front")
    assert np.all(front.xy[:, INDEX["left_hip"], 0] > front.xy[:, INDEX["right_hip"], 0])
    # Image y grows downward: the head is above the feet.
    assert np.all(left.xy[:, INDEX["nose"], 1] < left.xy[:, INDEX["left_heel"], 1])
    # World coordinates are hip-centred, MediaPipe style.
    mid = left.world[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(1)
    assert np.allclose(mid, 0.0, atol=1e-5)


def test_projection_imperfections() -> None:
    sk = simulate(RunnerParams(), fps=60, duration_s=4)
    clean = project(sk, "side", "left")
    seq = project(sk, "side", "left", drop_frames=0.1, swap=((1.0, 2.0),), occlude_far=True,
                  noise_px=1.0, seed=3)
    dropped = np.isnan(seq.xy[:, :, 0]).all(1)
    assert 0.05 < dropped.mean() < 0.15
    assert np.all(seq.visibility[dropped] == 0)
    m = (sk.t >= 1.0) & (sk.t < 2.0) & ~dropped
    # Labels exchanged in the swap interval (up to the noise).
    d = seq.xy[m, INDEX["left_shoulder"]] - clean.xy[m, INDEX["right_shoulder"]]
    assert np.nanmax(np.abs(d)) < 6
    far = seq.xy[~dropped, INDEX["right_ankle"], 0]
    assert np.isnan(far).any() and not np.isnan(far).all()
    with pytest.raises(ValueError):
        project(sk, "side", "up")


def test_camera_roll_and_portrait() -> None:
    seq, _ = synthetic_sequence(fps=30, duration_s=2, image_size=(720, 1280),
                                camera=Camera(roll_deg=5))
    assert (seq.width, seq.height) == (720, 1280)
    assert np.nanmin(seq.xy[..., 1]) > 0 and np.nanmax(seq.xy[..., 1]) < 1280


def test_clip_camera_places_and_projects() -> None:
    sk = simulate(RunnerParams(setting="overground"), fps=30, duration_s=2, seed=1)
    n, i = len(sk.t), 10
    pel = sk.joints[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(1)
    pan = Camera(distance_m=4.0, height_m=1.0, focal_px=1000.0, pan=True)
    cam = ClipCamera.for_skeleton(sk, "side", "left", (1280, 720), pan)
    # Follows the pelvis, 4 m out on the runner's left, lens 1 m up.
    want = np.stack([pel[:, 0], np.full(n, 4.0), np.full(n, 1.0)], -1)
    np.testing.assert_allclose(cam.centres, want)
    # Facing left: a point 1 m ahead of the runner lies left of the image centre; 0.5 m up, above.
    px, depth = cam.project(i, cam.centres[i] + [1.0, -4.0, 0.5])
    assert depth == pytest.approx(4.0)
    np.testing.assert_allclose(px, [640 - 250, 360 - 125])
    # Rolled 90 degrees clockwise, what was 250 px right of the centre is 250 px below it.
    rolled = ClipCamera.for_skeleton(sk, "side", "left", (1280, 720), replace(pan, roll_deg=90))
    np.testing.assert_allclose(rolled.project(i, cam.centres[i] + [-1.0, -4.0, 0.0])[0],
                               [640, 360 + 250], atol=1e-9)
    # The whole clip at once is the same as frame by frame, and what `project` returns.
    every = cam.clip_to_camera(sk.joints)
    np.testing.assert_allclose(every[i], cam.to_camera(i, sk.joints[i]), atol=1e-12)
    seq = project(sk, "side", "left", (1280, 720), pan)
    np.testing.assert_allclose(cam.pixels(every), seq.xy, atol=1e-3)
    # A still side camera overground faces the middle of the path; a rear one stands behind
    # the start; the focal length makes the runner `fill` of the image height at that distance.
    still = ClipCamera.for_skeleton(sk, "side", "right", (1280, 720), Camera())
    assert np.all(still.centres == still.centres[0]) and still.facing == "right"
    assert still.centres[0, 0] == pytest.approx((pel[0, 0] + pel[-1, 0]) / 2)
    assert still.centres[0, 1] == pytest.approx(-3.5)
    rear = ClipCamera.for_skeleton(sk, "rear", camera=Camera(fill=0.5))
    assert rear.centres[0, 0] == pytest.approx(pel[0, 0] - 3.5) and rear.facing == ""
    assert rear.focal_px * sk.body.height / 3.5 == pytest.approx(0.5 * 720)
    with pytest.raises(ValueError, match="view must be"):
        ClipCamera.for_skeleton(sk, "top")


def test_standing_has_no_steps() -> None:
    sk = standing(fps=30, duration_s=5, squat_cm=10)
    feet = sk.joints[:, [INDEX["left_heel"], INDEX["right_heel"]], 2]
    assert np.allclose(feet, 0.0)
    assert np.ptp(sk.joints[:, INDEX["left_wrist"], 2]) > 0.3


def test_vfr_times() -> None:
    sk = simulate(fps=30, duration_s=3, vfr=True, seed=2)
    dt = np.diff(sk.t)
    assert np.all(dt > 0) and dt.std() > 0.003
