"""The browser-playable writer: H.264 High, yuv420p, moov before mdat, real timestamps."""

from __future__ import annotations

import struct
from pathlib import Path

import av
import numpy as np
import pytest

from gaitcam.errors import GaitcamError
from gaitcam.render import H264Writer


def top_level_boxes(path: Path) -> list[str]:
    """Types of the top-level ISO-BMFF (MP4) boxes, in file order."""
    data = path.read_bytes()
    out, pos = [], 0
    while pos + 8 <= len(data):
        size, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if size == 1:
            size = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
        elif size == 0:
            size = len(data) - pos
        assert size >= 8, f"bad box size at {pos}"
        out.append(kind.decode("latin-1"))
        pos += size
    assert pos == len(data)
    return out


def frame_at(i: int, h: int, w: int) -> np.ndarray:
    img = np.full((h, w, 3), 60, np.uint8)
    x = (i * 7) % (w - 20)
    img[:, x:x + 20] = (40, 200, 240)
    return img


def decode(path: Path) -> tuple[av.video.stream.VideoStream, list[av.VideoFrame], dict]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        info = {"codec": s.codec_context.name, "profile": s.codec_context.profile,
                "pix_fmt": s.format.name, "width": s.width, "height": s.height}
        frames = list(c.decode(s))
    return s, frames, info


def test_h264_round_trip_keeps_variable_frame_times(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    t = np.cumsum(np.r_[0.0, rng.uniform(0.02, 0.05, 44)]) + 0.25  # VFR, not starting at 0
    out = tmp_path / "clip.mp4"
    with H264Writer(out, 321, 241, fps=30.0) as w:  # odd size: padded to even
        for i, ti in enumerate(t):
            w.write(frame_at(i, 241, 321), float(ti))
    assert w.frames_written == len(t)

    boxes = top_level_boxes(out)
    assert "moov" in boxes and "mdat" in boxes
    assert boxes.index("moov") < boxes.index("mdat"), boxes  # faststart

    _, frames, info = decode(out)
    assert info == {"codec": "h264", "profile": "High", "pix_fmt": "yuv420p",
                    "width": 322, "height": 242}
    assert len(frames) == len(t)
    times = np.array([f.time for f in frames])
    assert np.allclose(times, t - t[0], atol=1e-3)
    # the content survived (bright bar where it was drawn, in the last frame)
    last = frames[-1].to_ndarray(format="bgr24")[:241, :321]
    assert np.abs(last.astype(int) - frame_at(len(t) - 1, 241, 321)).mean() < 6


def test_timestamps_are_forced_to_increase(tmp_path: Path) -> None:
    out = tmp_path / "mono.mp4"
    with H264Writer(out, 64, 48, fps=25.0) as w:
        for i, ti in enumerate([0.0, 0.1, 0.1, 0.05, None, 0.3]):
            w.write(frame_at(i, 48, 64), ti)
    _, frames, _ = decode(out)
    times = [f.time for f in frames]
    assert len(times) == 6 and all(b > a for a, b in zip(times, times[1:], strict=False))
    assert times[1] == pytest.approx(0.1, abs=1e-3)
    assert times[4] == pytest.approx(times[3] + 0.04, abs=1e-3)  # None: one frame later
    assert times[5] == pytest.approx(0.3, abs=1e-3)


def test_vp9_webm_fallback(tmp_path: Path) -> None:
    out = tmp_path / "clip.webm"
    with H264Writer(out, 96, 64, fps=30.0, codec="vp9") as w:
        for i in range(12):
            w.write(frame_at(i, 64, 96), i / 30)
    _, frames, info = decode(out)
    assert info["codec"] == "vp9" and info["pix_fmt"] == "yuv420p" and len(frames) == 12
    assert out.read_bytes()[:4] == b"\x1a\x45\xdf\xa3"  # EBML (WebM) header


def test_bad_input_and_failed_writes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        H264Writer(tmp_path / "x.mp4", 64, 48, fps=0)
    with pytest.raises(ValueError):
        H264Writer(tmp_path / "x.mp4", 64, 48, fps=30, codec="mpeg4")
    out = tmp_path / "wrong.mp4"
    with pytest.raises(ValueError), H264Writer(out, 64, 48, fps=30) as w:
        w.write(np.zeros((48, 64, 3), np.uint8), 0.0)
        w.write(np.zeros((50, 64, 3), np.uint8), 0.1)
    assert not out.exists()  # a failed write leaves no half-written file
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(GaitcamError), H264Writer(blocker / "x.mp4", 64, 48, fps=30):
        pass
