"""`run_camera`, the OpenCV live app, run headless on a video file standing in for the camera."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_clip

from gaitcam.errors import GaitcamError, VideoError
from gaitcam.live.opencv_app import run_camera


def test_runs_headless_on_a_file(capsys) -> None:
    clip = shared_clip("run_treadmill_side.mp4")
    assert run_camera(str(clip), window=False, max_frames=60, realtime=False) == 0
    out = capsys.readouterr().out
    last = out.strip().splitlines()[-1]
    assert "fps" in last and "frames " in last and "/60 " in last, last


def test_missing_camera_is_a_friendly_error() -> None:
    with pytest.raises(GaitcamError, match="camera 7 could not be opened"):
        run_camera(7, window=False)
    with pytest.raises(GaitcamError, match="camera 9 could not be opened"):
        run_camera("9", window=False)


def test_missing_file_is_a_video_error(tmp_path: Path) -> None:
    with pytest.raises(VideoError):
        run_camera(str(tmp_path / "nope.mp4"), window=False)


def test_short_recording_keeps_the_clip_and_exits_2(tmp_path: Path, capsys) -> None:
    clip = shared_clip("run_treadmill_side.mp4")
    code = run_camera(str(clip), window=False, max_frames=45, realtime=False,
                      record_dir=str(tmp_path))
    err = capsys.readouterr().err
    assert code == 2
    sessions = list(tmp_path.iterdir())
    assert len(sessions) == 1 and (sessions[0] / "clip.mp4").is_file()
    assert "could not be analysed" in err and "clip is kept" in err
