"""The synthetic runner studio: camera agreement with gaitcam.synthetic, determinism, truth
files, drawing (coverage, depth order, waistband, untucked shirt), the synth command and the
sample clips."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from gaitcam.landmarks import INDEX, LEFT_RIGHT_PAIRS, N_LANDMARKS
from gaitcam.studio import (
    Appearance,
    CameraRig,
    ClipSpec,
    Renderer,
    StudioError,
    build_truth,
    load_truth,
    preset_params,
    write_clip,
)
from gaitcam.studio.cli import add_synth_parser, spec_from_args
from gaitcam.studio.samples import SAMPLE_CRF, SAMPLES
from gaitcam.synthetic import Camera, ClipCamera, RunnerParams, project, simulate

ROOT = Path(__file__).resolve().parents[1]
SMALL = (270, 480)

VIEWS = [("side", "left"), ("side", "right"), ("rear", "left"), ("front", "left")]


def _spec(view: str = "side", facing: str = "left", **kw) -> ClipSpec:
    base = dict(view=view, facing=facing, fps=30, duration_s=1.0, size=SMALL, seed=3)
    return ClipSpec(**{**base, **kw})


@pytest.mark.parametrize("view,facing", VIEWS)
@pytest.mark.parametrize("camera", [Camera(), Camera(roll_deg=6.0, distance_m=4.0, fill=0.5)])
def test_rig_projects_like_synthetic_project(view: str, facing: str, camera: Camera) -> None:
    sk = simulate(RunnerParams(), fps=30, duration_s=1.0, seed=2)
    rig = CameraRig.for_skeleton(sk, view, facing, (720, 1280), camera)
    assert isinstance(rig, ClipCamera)  # the synthetic camera itself, not a copy
    seq = project(sk, view=view, facing=facing, image_size=(720, 1280), camera=camera)
    mine = np.stack([rig.project(i, sk.joints[i])[0] for i in range(len(sk.t))])
    np.testing.assert_allclose(mine, seq.xy, atol=2e-3)


def test_rig_follows_a_panning_camera_overground() -> None:
    sk = simulate(RunnerParams(setting="overground"), fps=30, duration_s=1.0, seed=2)
    cam = Camera(pan=True)
    rig = CameraRig.for_skeleton(sk, "side", "right", (720, 1280), cam)
    seq = project(sk, view="side", facing="right", image_size=(720, 1280), camera=cam)
    assert not rig.static
    mine = np.stack([rig.project(i, sk.joints[i])[0] for i in range(len(sk.t))])
    np.testing.assert_allclose(mine, seq.xy, atol=2e-3)


def test_rendering_is_deterministic_per_seed() -> None:
    spec = _spec(background="textured", noise=4.0, blur=0.6)
    a, b = Renderer(spec), Renderer(spec)
    for i in (0, 13):
        np.testing.assert_array_equal(a.frame(i), b.frame(i))
    other = Renderer(spec.with_(seed=4))
    assert np.abs(a.frame(5).astype(int) - other.frame(5).astype(int)).mean() > 1.0


def test_appearance_varies_with_seed() -> None:
    looks = {Renderer(_spec(seed=s)).appearance for s in range(6)}
    assert len(looks) == 6
    shirts = {look.shirt for look in looks}
    assert len(shirts) >= 3


def test_truth_file_matches_project_and_model(tmp_path: Path) -> None:
    spec = _spec("rear", params=preset_params("pelvic_drop"), duration_s=0.7)
    files = write_clip(spec, tmp_path / "clip")
    assert files.video.stat().st_size > 1000 and files.npz is None
    truth = load_truth(files.truth)
    sk = simulate(spec.params, fps=spec.fps, duration_s=spec.duration_s, seed=spec.seed)
    seq = project(sk, view="rear", image_size=spec.size, camera=spec.camera)
    j = truth["joints"]
    assert j["xy_px"].shape == (21, N_LANDMARKS, 2)
    np.testing.assert_allclose(j["xy_px"], seq.xy, atol=0.051)
    np.testing.assert_allclose(j["world_m"], sk.joints, atol=5.1e-4)
    np.testing.assert_allclose(j["t_s"], sk.t, atol=1e-5)
    assert truth["metrics"]["pelvic_drop_deg"]["value"] == pytest.approx(9.0)
    assert truth["metrics"]["foot_strike_pattern"]["value"] == "rearfoot"
    assert truth["events"] == json.loads(json.dumps(sk.events))
    assert truth["view"] == "rear" and truth["facing"] is None
    assert truth["video"]["frames"] == 21 and truth["video"]["fps"] == 30


def test_long_clips_keep_joints_in_an_npz(tmp_path: Path) -> None:
    files = write_clip(_spec(duration_s=0.5), tmp_path / "c.mp4", inline_max_frames=5)
    assert files.npz is not None and files.npz.exists()
    doc = json.loads(files.truth.read_text())
    assert "xy_px" not in doc["joints"] and doc["joints"]["file"] == files.npz.name
    truth = load_truth(files.video)
    assert truth["joints"]["xy_px"].shape == (15, N_LANDMARKS, 2)


def _body_mask(r: Renderer, i: int, only=None) -> tuple[np.ndarray, np.ndarray]:
    frame = r.frame(i, only=only, post=False)
    diff = np.abs(frame.astype(int) - r.background(i).astype(int)).sum(axis=2)
    return frame, diff > 12


@pytest.mark.parametrize("view,facing", VIEWS)
def test_drawn_body_covers_every_projected_joint(view: str, facing: str) -> None:
    r = Renderer(_spec(view, facing, size=(540, 960), background="textured"))
    xy = r.truth_sequence().xy
    for i in (2, 11, 23):
        _, mask = _body_mask(r, i)
        for k in range(N_LANDMARKS):
            x, y = np.round(xy[i, k]).astype(int)
            patch = mask[max(y - 2, 0):y + 3, max(x - 2, 0):x + 3]
            assert patch.any(), f"{view}: landmark {k} of frame {i} is not on the body"


def test_near_leg_is_drawn_over_the_far_leg_where_they_cross() -> None:
    r = Renderer(_spec("side", "left", size=(540, 960)))
    near = {"left_thigh", "left_shank"}  # facing left: the camera is on the runner's left
    far = {"right_thigh", "right_shank"}
    checked = 0
    for i in range(0, r.n_frames, 2):
        legs, _ = _body_mask(r, i, only=near | far)
        near_img, near_mask = _body_mask(r, i, only=near)
        far_img, far_mask = _body_mask(r, i, only=far)
        # Inside the near leg (its anti-aliased rim blends with whatever lies below).
        inner = cv2.erode(near_mask.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
        overlap = inner & far_mask
        if overlap.sum() < 100:
            continue
        checked += 1
        diff_near = np.abs(legs.astype(int) - near_img.astype(int)).max(axis=2)[overlap]
        diff_far = np.abs(legs.astype(int) - far_img.astype(int)).max(axis=2)[overlap]
        assert np.all(diff_near <= 2), f"frame {i}: the far leg shows over the near one"
        assert np.mean(diff_far > 2) > 0.5
    assert checked >= 3, "the legs never overlap in this clip"


def test_parts_are_sorted_far_to_near() -> None:
    r = Renderer(_spec("side", "right"))
    depths = [p.depth for p in r.drawer.parts(4)]
    assert depths == sorted(depths, reverse=True)
    names = [p.name for p in r.drawer.parts(4)]
    # Camera on the runner's right: the right thigh is drawn after the torso, the left before.
    assert names.index("left_thigh") < names.index("torso") < names.index("right_thigh")


def test_waistband_follows_the_pelvis_tilt() -> None:
    band = (10, 250, 10)
    look = Appearance(waistband=band, shorts=(120, 40, 40), shirt=(40, 40, 160))
    spec = _spec("rear", params=RunnerParams(pelvic_drop_deg=10.0, lateral_trunk_lean_deg=0.0),
                 size=(540, 960), appearance=look, duration_s=1.4, noise=0.0)
    r = Renderer(spec)
    truth = r.truth_sequence().xy
    hip_angle = np.degrees(np.arctan2(*(truth[:, INDEX["right_hip"]]
                                        - truth[:, INDEX["left_hip"]])[:, ::-1].T))
    i = int(np.argmax(np.abs(hip_angle)))
    assert abs(hip_angle[i]) > 8.0
    frame = r.frame(i, post=False).astype(int)
    ys, xs = np.nonzero(np.abs(frame - band).sum(axis=2) < 40)
    slope = np.polyfit(xs, ys, 1)[0]
    assert np.degrees(np.arctan(slope)) == pytest.approx(hip_angle[i], abs=1.5)


def _classify(frame: np.ndarray, colours: dict[str, tuple]) -> np.ndarray:
    """Per pixel, the name of the nearest colour up to shading (normalised BGR direction)."""
    f = frame.astype(float) + 1.0
    f /= np.linalg.norm(f, axis=2, keepdims=True)
    names = list(colours)
    ref = np.array([colours[n] for n in names], float) + 1.0
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    return np.array(names)[np.argmax(f @ ref.T, axis=2)]


_HEM_LOOK = Appearance(waistband=(10, 250, 10), shorts=(120, 40, 40), shirt=(40, 40, 200),
                       skin=(130, 170, 215))


def _hem_renderer(view: str, hem: float | None) -> Renderer:
    params = RunnerParams(pelvic_drop_deg=10.0, lateral_trunk_lean_deg=0.0)
    return Renderer(_spec(view, params=params, size=(540, 960), appearance=_HEM_LOOK,
                          duration_s=1.4, shirt_hem_m=hem))


@pytest.mark.parametrize("view", ["rear", "front"])
def test_untucked_shirt_hides_the_waistband(view: str) -> None:
    tucked, untucked = _hem_renderer(view, None), _hem_renderer(view, 0.06)
    assert untucked.appearance.shirt_hem_m == 0.06 and tucked.appearance.shirt_hem_m == 0.0
    xy = tucked.truth_sequence().xy
    colours = {"shirt": _HEM_LOOK.shirt, "shorts": _HEM_LOOK.shorts,
               "band": _HEM_LOOK.waistband, "skin": _HEM_LOOK.skin}
    for i in (0, 7, 15, 30):
        lh, rh = xy[i, INDEX["left_hip"]], xy[i, INDEX["right_hip"]]
        half = abs(rh[0] - lh[0]) / 2
        mid = (lh + rh) / 2
        # Between the hips, from the hip joints up to above the waistband.
        y0, y1 = int(mid[1] - 1.6 * half), int(mid[1])
        x0, x1 = int(mid[0] - 0.6 * half), int(mid[0] + 0.6 * half)
        before = _classify(tucked.frame(i, post=False)[y0:y1, x0:x1], colours)
        after = _classify(untucked.frame(i, post=False)[y0:y1, x0:x1], colours)
        assert (before == "band").mean() > 0.1, f"frame {i}: no waistband to hide"
        assert (after == "band").sum() == 0, f"frame {i}: the waistband shows under the hem"
        # The hem hangs 6 cm below the band's top: the band's rows are shirt now.
        band_rows = np.nonzero((before == "band").mean(axis=1) > 0.5)[0]
        assert np.all(after[band_rows] == "shirt")
        assert (after == "shirt").mean() > (before == "shirt").mean() + 0.2


def test_untucked_hem_follows_the_trunk_not_the_pelvis() -> None:
    r = _hem_renderer("rear", 0.06)
    xy = r.truth_sequence().xy
    hips = xy[:, INDEX["right_hip"]] - xy[:, INDEX["left_hip"]]
    hip_angle = np.degrees(np.arctan(hips[:, 1] / hips[:, 0]))
    i = int(np.argmax(np.abs(hip_angle)))
    assert abs(hip_angle[i]) > 8.0
    axis = (xy[i, [INDEX["left_shoulder"], INDEX["right_shoulder"]]].mean(0)
            - xy[i, [INDEX["left_hip"], INDEX["right_hip"]]].mean(0))
    square_to_trunk = np.degrees(np.arctan(-axis[0] / axis[1]))
    labels = _classify(r.frame(i, post=False), {"shirt": _HEM_LOOK.shirt,
                                                "shorts": _HEM_LOOK.shorts,
                                                "band": _HEM_LOOK.waistband,
                                                "skin": _HEM_LOOK.skin, "bg": (200, 200, 200)})
    mid = xy[i, [INDEX["left_hip"], INDEX["right_hip"]]].mean(0)
    half = abs(hips[i, 0]) / 2
    cols = np.arange(int(mid[0] - 0.8 * half), int(mid[0] + 0.8 * half))
    top = int(mid[1] - 3 * half)
    # The hem: the lowest shirt row of each column above the hips' level.
    hem = np.array([top + np.nonzero(labels[top:int(mid[1] + half), c] == "shirt")[0].max()
                    for c in cols])
    angle = np.degrees(np.arctan(np.polyfit(cols, hem, 1)[0]))
    assert angle == pytest.approx(square_to_trunk, abs=1.5)
    assert abs(angle - hip_angle[i]) > 6.0


def test_untucked_shirt_is_drawn_over_the_thighs() -> None:
    r = Renderer(_spec("side", "right", shirt_hem_m=0.1))
    for i in (0, 4, 9):
        names = [p.name for p in r.drawer.parts(i)]
        assert names.index("shirt_hem") > max(names.index("torso"), names.index("left_thigh"),
                                               names.index("right_thigh"))
    assert "shirt_hem" not in [p.name for p in Renderer(_spec("side", "right")).drawer.parts(4)]


def test_tucked_shirt_is_the_default_and_changes_nothing() -> None:
    spec = _spec("rear", params=preset_params("pelvic_drop"), background="treadmill")
    default, zero = Renderer(spec), Renderer(spec.with_(shirt_hem_m=0.0))
    assert default.appearance == zero.appearance and default.appearance.shirt_hem_m == 0.0
    for i in (0, 11):
        np.testing.assert_array_equal(default.frame(i), zero.frame(i))
    assert "shirt_hem_m" not in default.appearance.as_dict()
    assert Renderer(spec.with_(shirt_hem_m=0.05)).appearance.as_dict()["shirt_hem_m"] == 0.05


def test_sample_truth_is_unchanged_by_the_studio() -> None:
    """The committed samples' truth files are what the studio writes for their specs today."""
    name = "pelvic_drop_rear"
    committed = ROOT / "sample_videos" / f"{name}.truth.json"
    if not committed.exists():
        pytest.skip(f"{committed.name} not generated (python -m gaitcam.studio.samples)")
    _, spec = SAMPLES[name]
    truth = build_truth(Renderer(spec), f"{name}.mp4", inline=True, crf=SAMPLE_CRF)
    assert json.loads(json.dumps(truth)) == json.loads(committed.read_text())


def test_bad_specs_raise_friendly_errors() -> None:
    with pytest.raises(StudioError, match="fps"):
        _spec(fps=300)
    with pytest.raises(StudioError, match="1080x1920"):
        _spec(size=(1920, 1920))
    with pytest.raises(StudioError, match="view"):
        _spec(view="top")
    with pytest.raises(StudioError, match="treadmill"):
        _spec(params=RunnerParams(setting="overground"), background="treadmill")
    with pytest.raises(StudioError, match="cannot be rendered"):
        Renderer(_spec(params=RunnerParams(contact_time_ms=400.0)))


def test_landscape_and_high_frame_rates_render() -> None:
    r = Renderer(_spec(size=(640, 360), fps=240, duration_s=0.5))
    assert r.n_frames == 120 and r.frame(7).shape == (360, 640, 3)
    assert not r.out_of_frame().any()


def _synth_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_synth_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["synth", *argv])


def test_synth_command_writes_clip_and_truth(tmp_path: Path, capsys) -> None:
    out = tmp_path / "os"
    args = _synth_args(["--preset", "overstride", "--cadence", "150", "--view", "side",
                        "--facing", "right", "--fps", "30", "--size", "180x320",
                        "--duration", "0.6", "--background", "treadmill", "--tilt", "3",
                        "--noise", "2", "--seed", "5", "--out", str(out), "-q"])
    assert args.func(args) == 0
    truth = load_truth(tmp_path / "os.truth.json")
    assert (tmp_path / "os.mp4").exists()
    assert truth["params"]["cadence_spm"] == 150.0
    assert truth["params"]["overstride_pct_leg"] == 35.0
    assert truth["facing"] == "right" and truth["camera"]["roll_deg"] == 3.0
    assert truth["render"]["noise"] == 2.0 and truth["render"]["background"] == "treadmill"
    assert "wrote" in capsys.readouterr().out


def test_synth_command_rejects_bad_values() -> None:
    args = _synth_args(["--fps", "20", "--out", "x"])
    with pytest.raises(StudioError):
        args.func(args)
    with pytest.raises(SystemExit):
        _synth_args(["--size", "big", "--out", "x"])


def test_synth_command_untucks_the_shirt() -> None:
    spec = spec_from_args(_synth_args(["--view", "rear", "--shirt-hem", "6", "--out", "x"]))
    assert spec.shirt_hem_m == pytest.approx(0.06)
    assert spec_from_args(_synth_args(["--out", "x"])).shirt_hem_m is None
    with pytest.raises(StudioError, match="shirt hem"):
        spec_from_args(_synth_args(["--shirt-hem", "-3", "--out", "x"]))


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_clips_are_committed_small_and_true(name: str) -> None:
    video = ROOT / "sample_videos" / f"{name}.mp4"
    if not video.exists():
        pytest.skip(f"{video.name} not generated (python -m gaitcam.studio.samples)")
    assert video.stat().st_size < 1.5e6
    truth = load_truth(video)
    _, spec = SAMPLES[name]
    sk = simulate(spec.params, fps=spec.fps, duration_s=spec.duration_s, seed=spec.seed)
    for key, entry in sk.truth.items():
        assert truth["metrics"][key]["value"] == pytest.approx(entry["value"])
    assert truth["view"] == spec.view and 6.0 <= truth["video"]["duration_s"] <= 10.0
    assert truth["joints"]["xy_px"].shape == (spec.n_frames, N_LANDMARKS, 2)


@pytest.mark.slow
@pytest.mark.parametrize("view,facing", VIEWS)
def test_mediapipe_finds_the_rendered_runner(view: str, facing: str, tmp_path: Path) -> None:
    from gaitcam.pose import extract_pose

    spec = _spec(view, facing, size=(540, 960), duration_s=3.0, background="textured",
                 noise=2.0, seed=21)
    files = write_clip(spec, tmp_path / view)
    seq = extract_pose(files.video, model="full")
    assert seq.detected_fraction >= 0.98
    truth = load_truth(files.truth)["joints"]["xy_px"][:, 11:29]
    swapped = seq.xy.copy()
    for a, b in LEFT_RIGHT_PAIRS:
        swapped[:, [a, b]] = seq.xy[:, [b, a]]
    # Body landmarks land near the drawn joints (with either labelling: MediaPipe may swap).
    err = np.minimum(np.linalg.norm(seq.xy[:, 11:29] - truth, axis=-1),
                     np.linalg.norm(swapped[:, 11:29] - truth, axis=-1))
    assert np.nanmedian(err) < 0.03 * spec.size[1]
