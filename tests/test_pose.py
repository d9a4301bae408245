"""Pose extraction with real MediaPipe inference on real and generated clips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from clipmaker import write_clip
from conftest import shared_clip

from gaitcam.cli import main
from gaitcam.errors import NoPersonError
from gaitcam.pose import extract_pose
from gaitcam.pose_sequence import PoseSequence


@pytest.fixture(scope="module")
def treadmill() -> PoseSequence:
    return extract_pose(shared_clip("run_treadmill_side.mp4"), model="full")


def test_treadmill_runner_found_with_plausible_landmarks(treadmill: PoseSequence) -> None:
    s = treadmill
    assert (s.width, s.height) == (720, 1280)  # portrait, as displayed
    assert s.n_frames == 360 and s.fps == pytest.approx(30.0, abs=0.1)
    assert s.detected_fraction >= 0.95
    d = s.detected
    hips_y = s.xy[d][:, [23, 24], 1].mean(axis=1)
    ankles_y = s.xy[d][:, [27, 28], 1].mean(axis=1)
    nose_y = s.xy[d][:, 0, 1]
    assert np.mean(ankles_y > hips_y) >= 0.98  # image y grows downward
    assert np.mean(nose_y < hips_y) >= 0.98
    assert np.nanmax(s.xy[..., 0]) < 720 * 1.1 and np.nanmin(s.xy[..., 1]) > -0.1 * 1280
    assert np.isfinite(s.world[d]).all()


def test_two_people_one_followed_throughout() -> None:
    s = extract_pose(shared_clip("walk_two_people_side.mp4"), model="full")
    d = np.flatnonzero(s.detected)
    assert len(d) >= 0.5 * s.n_frames
    hip_x = s.xy[d][:, [23, 24], 0].mean(axis=1)
    body = np.nanmax(s.xy[d][:, :, 1], axis=1) - np.nanmin(s.xy[d][:, :, 1], axis=1)
    # Consecutive detections of the same person move little; a switch to the other walker
    # (hundreds of pixels away) would show as a jump.
    gaps = np.diff(s.t[d])
    jumps = np.abs(np.diff(hip_x)) / np.maximum(body[1:], 1.0)
    assert np.all(jumps[gaps < 0.2] < 0.25)


def test_no_person_gives_clear_error(tmp_path: Path) -> None:
    p = write_clip(tmp_path / "empty_room.mp4", [i / 30 for i in range(100)], size=(480, 360))
    with pytest.raises(NoPersonError, match="No person"):
        extract_pose(p, model="lite")


def test_dark_clip_is_called_too_dark(tmp_path: Path) -> None:
    import av

    p = tmp_path / "night.mp4"
    with av.open(str(p), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 480, 360, "yuv420p"
        for _ in range(100):
            img = np.random.default_rng(1).integers(0, 12, (360, 480, 3), dtype=np.uint8)
            for pk in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(pk)
        for pk in s.encode():
            c.mux(pk)
    with pytest.raises(NoPersonError, match="too dark"):
        extract_pose(p, model="lite")


def test_cli_pose_writes_file_and_bad_input_exits_2(tmp_path: Path, capsys) -> None:
    txt = tmp_path / "fake.mp4"
    txt.write_text("hello")
    assert main(["pose", str(txt)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "Traceback" not in err


def _extract_allowing_gaps(clip: Path) -> PoseSequence:
    import gaitcam.pose as pose

    old = pose.MIN_FOUND_FRACTION
    pose.MIN_FOUND_FRACTION = 0.0
    try:
        return pose.extract_pose(clip, model="full")
    finally:
        pose.MIN_FOUND_FRACTION = old


def test_several_runners_one_followed(tmp_path: Path) -> None:
    """A broadcast race with several runners in view: one person is followed, no switches."""
    import av

    src = shared_clip("sprint_race_multi.mp4")
    clip = tmp_path / "race.mp4"
    with av.open(str(src)) as cin, av.open(str(clip), "w") as cout:
        s = cout.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 1280, 720, "yuv420p"
        for i, fr in enumerate(cin.decode(video=0)):
            if i >= 120:
                break
            for pk in s.encode(av.VideoFrame.from_ndarray(fr.to_ndarray(format="rgb24"),
                                                          format="rgb24")):
                cout.mux(pk)
        for pk in s.encode():
            cout.mux(pk)
    # Small, fast runners on a panning broadcast camera: the runner is not found in every
    # frame, which is fine here; what matters is that one person is followed.
    seq = _extract_allowing_gaps(clip)
    d = np.flatnonzero(seq.detected)
    assert len(d) >= 20
    hip_x = seq.xy[d][:, [23, 24], 0].mean(axis=1)
    body = np.nanmax(seq.xy[d][:, :, 1], axis=1) - np.nanmin(seq.xy[d][:, :, 1], axis=1)
    jumps = np.abs(np.diff(hip_x)) / np.maximum(body[1:], 1.0)
    assert np.all(jumps[np.diff(seq.t[d]) < 0.2] < 0.25)
