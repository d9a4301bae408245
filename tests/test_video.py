"""Video decoding: real timestamps, rotation, streaming, and a friendly error per bad input."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from clipmaker import write_audio_only, write_cfr, write_clip, write_no_frames

from gaitcam.errors import ClipTooShortError, VideoError
from gaitcam.video import iter_frames, probe


def test_cfr_clip_has_real_timestamps(tmp_path: Path) -> None:
    p = write_cfr(tmp_path / "a.mp4", 4.0, fps=30)
    info = probe(p)
    assert (info.width, info.height, info.rotation_deg) == (320, 256, 0)
    assert info.duration_s == pytest.approx(4.0, abs=0.05)
    t = np.array([f.t for f in iter_frames(p)])
    assert len(t) == 120
    assert np.allclose(np.diff(t), 1 / 30, atol=1e-3)


def test_variable_frame_rate_keeps_true_times(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    times = np.cumsum(rng.choice([1 / 60, 1 / 30, 1 / 20], size=200))
    times -= times[0]
    p = write_clip(tmp_path / "vfr.mp4", times)
    got = np.array([f.t for f in iter_frames(p)])
    assert len(got) == len(times)
    assert np.allclose(got, times, atol=1.5e-3)  # ms-rounded pts


@pytest.mark.parametrize(("rot_ccw", "expect_cw"), [(90, 270), (-90, 90), (180, 180)])
def test_rotation_metadata_is_applied(tmp_path: Path, rot_ccw: int, expect_cw: int) -> None:
    p = write_cfr(tmp_path / "rot.mp4", 3.5, size=(320, 256), rotation_ccw=rot_ccw)
    info = probe(p)
    assert info.rotation_deg == expect_cw
    frame = next(iter_frames(p))
    img = frame.image
    if expect_cw in (90, 270):
        assert (info.width, info.height) == (256, 320) and img.shape[:2] == (320, 256)
    else:
        assert img.shape[:2] == (256, 320)
    # The stored white block is top-left; after a clockwise turn of 90 it is top-right,
    # after 270 bottom-left, after 180 bottom-right (as ffmpeg's autorotate shows it).
    ys, xs = np.nonzero(img[:, :, 0] > 200)
    cy, cx = ys.mean() / img.shape[0], xs.mean() / img.shape[1]
    where = {90: (cy < 0.5, cx > 0.5), 270: (cy > 0.5, cx < 0.5), 180: (cy > 0.5, cx > 0.5)}
    assert all(where[expect_cw])


def test_frames_are_streamed_not_listed(tmp_path: Path) -> None:
    p = write_cfr(tmp_path / "a.mp4", 3.5)
    it = iter_frames(p)
    assert iter(it) is it  # a generator: one frame at a time
    assert next(it).index == 0


def _bad(path: Path, exc: type[Exception] = VideoError) -> str:
    with pytest.raises(exc) as info:
        probe(path)
    msg = str(info.value)
    assert msg and "Traceback" not in msg
    return msg


def test_random_bytes(tmp_path: Path) -> None:
    p = tmp_path / "noise.mp4"
    p.write_bytes(np.random.default_rng(0).integers(0, 256, 50_000, dtype=np.uint8).tobytes())
    assert "not a video" in _bad(p) or "corrupt" in _bad(p)


def test_text_file_named_mp4(tmp_path: Path) -> None:
    p = tmp_path / "notes.mp4"
    p.write_text("these are my running notes, not a video\n" * 50)
    assert "not a video file" in _bad(p)


def test_truncated_copy(tmp_path: Path) -> None:
    good = write_cfr(tmp_path / "good.mp4", 4.0)
    data = good.read_bytes()
    p = tmp_path / "truncated.mp4"
    p.write_bytes(data[: len(data) // 2])  # moov atom at the end is cut off
    assert "corrupt or truncated" in _bad(p)


def test_truncated_faststart_copy_decodes_what_is_there(tmp_path: Path) -> None:
    good = write_cfr(tmp_path / "good.mp4", 8.0, faststart=True)
    data = good.read_bytes()
    p = tmp_path / "cut.mp4"
    p.write_bytes(data[: int(len(data) * 0.6)])
    n = sum(1 for _ in iter_frames(p))
    assert 0 < n < 240


def test_audio_only(tmp_path: Path) -> None:
    p = write_audio_only(tmp_path / "song.m4v")
    assert "only sound" in _bad(p)


@pytest.mark.parametrize("ext", ["mp4", "mkv"])
def test_zero_frames(tmp_path: Path, ext: str) -> None:
    p = write_no_frames(tmp_path / f"empty.{ext}")
    assert p.stat().st_size > 0
    assert "no video" in _bad(p)


def test_one_frame_clip(tmp_path: Path) -> None:
    p = write_clip(tmp_path / "one.mp4", [0.0])
    assert "long" in _bad(p, ClipTooShortError)


def test_clip_too_short(tmp_path: Path) -> None:
    p = write_cfr(tmp_path / "short.mp4", 1.5)
    assert "1.5 s" in _bad(p, ClipTooShortError)


def test_resolution_too_small(tmp_path: Path) -> None:
    p = write_cfr(tmp_path / "tiny.mp4", 3.5, size=(160, 120))
    assert "160x120" in _bad(p)


def test_unsupported_extension_and_missing_file(tmp_path: Path) -> None:
    p = tmp_path / "clip.gif"
    p.write_bytes(b"GIF89a")
    assert "not a supported video type" in _bad(p)
    assert "not found" in _bad(tmp_path / "nope.mp4")
    empty = tmp_path / "empty.mov"
    empty.write_bytes(b"")
    assert "empty" in _bad(empty)
