"""Recording a live session: H.264 clip at the frames' own timestamps, session folders, and the
analysis on stop (its failure is reported, the clip kept)."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest

from gaitcam.errors import GaitcamError
from gaitcam.live.recorder import CLIP_NAME, ClipRecorder, SessionRecorder, new_session_dir


def frames(n: int, w: int = 320, h: int = 240) -> list[np.ndarray]:
    out = []
    for i in range(n):
        img = np.full((h, w, 3), 60, np.uint8)
        img[:, (i * 7) % (w - 20):(i * 7) % (w - 20) + 20] = 220
        out.append(img)
    return out


def decoded_times(path: Path) -> np.ndarray:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264"
        return np.array([f.time for f in c.decode(s)])


def test_clip_keeps_the_camera_timestamps(tmp_path: Path) -> None:
    # irregular times, as when slow frames were dropped: 0, 33, 100, 133, 233 ms ...
    t = np.cumsum([0.0] + [0.0333, 0.0667, 0.0333, 0.1] * 6)
    rec = ClipRecorder(tmp_path / "c.mp4", fps=30)
    for ti, img in zip(t + 50.0, frames(len(t)), strict=True):  # camera clock starts anywhere
        rec.push(img, float(ti))
    path = rec.close()
    assert rec.frames_written == len(t) and rec.dropped == 0
    got = decoded_times(path)
    assert len(got) == len(t)
    np.testing.assert_allclose(got - got[0], t, atol=0.002)
    assert rec.duration_s == pytest.approx(t[-1])


def test_empty_recording_is_a_friendly_error(tmp_path: Path) -> None:
    rec = ClipRecorder(tmp_path / "c.mp4")
    with pytest.raises(GaitcamError, match="Nothing was recorded"):
        rec.close()


def test_session_folders_live_in_the_data_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("GAITCAM_DATA_DIR", str(tmp_path / "data"))
    a, b = new_session_dir(), new_session_dir()
    assert a.parent == b.parent == tmp_path / "data" / "live"
    assert a != b and a.is_dir() and b.is_dir()
    c = new_session_dir(tmp_path / "mine")
    assert c.parent == tmp_path / "mine"


def test_stop_without_analysis_saves_the_clip(tmp_path: Path) -> None:
    rec = SessionRecorder()
    folder = Path(rec.start(tmp_path / "s1"))
    for i, img in enumerate(frames(45)):
        rec.push(img, i / 30)
    assert rec.status().state == "recording"
    status = rec.stop(analyze=False)
    assert status.state == "done" and status.clip == folder / CLIP_NAME
    assert status.frames == 45 and status.seconds == pytest.approx(44 / 30)
    assert len(decoded_times(status.clip)) == 45
    assert rec.stop().state == "done"  # stopping twice is harmless


def test_too_short_recording_reports_why_and_keeps_the_clip(tmp_path: Path) -> None:
    rec = SessionRecorder()
    rec.start(tmp_path / "s2")
    for i, img in enumerate(frames(30)):  # 1 s: too short to analyse
        rec.push(img, i / 30)
    assert rec.stop(analyze=True).state == "analysing"
    status = rec.wait(timeout=30)
    assert status.state == "failed"
    assert "too short" in status.message.lower() or "long" in status.message.lower()
    assert status.clip is not None and status.clip.is_file()


def test_a_size_change_mid_recording_is_scaled(tmp_path: Path) -> None:
    rec = ClipRecorder(tmp_path / "c.mp4")
    for i, img in enumerate(frames(20) + frames(20, 160, 120)):
        rec.push(img, i / 30)
    path = rec.close()
    assert rec.frames_written == 40
    with av.open(str(path)) as c:
        assert (c.streams.video[0].width, c.streams.video[0].height) == (320, 240)
