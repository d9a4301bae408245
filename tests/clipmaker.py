"""Small video files made by the tests themselves (PyAV + libx264), for decoding tests."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def pattern(i: int, h: int, w: int) -> np.ndarray:
    """An RGB frame with a white block in the top-left quarter and a moving grey bar."""
    img = np.full((h, w, 3), 40, np.uint8)
    img[: h // 4, : w // 4] = 255
    x = (i * 7) % w
    img[:, x : x + 4] = 128
    return img


def write_clip(
    path: Path,
    times_s: Sequence[float],
    size: tuple[int, int] = (320, 256),
    rotation_ccw: int | None = None,
    faststart: bool = False,
) -> Path:
    """Write an H.264 mp4 with one frame at each time in `times_s` (any spacing: VFR allowed).

    size is (width, height) of the stored frames; rotation_ccw sets a display matrix.
    """
    w, h = size
    opts = {"movflags": "+faststart"} if faststart else {}
    with av.open(str(path), "w", options=opts) as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        s.time_base = Fraction(1, 1000)
        s.codec_context.time_base = Fraction(1, 1000)
        if rotation_ccw is not None:
            s.set_display_rotation(rotation_ccw)
        for i, t in enumerate(times_s):
            fr = av.VideoFrame.from_ndarray(pattern(i, h, w), format="rgb24")
            fr.pts = int(round(t * 1000))
            fr.time_base = Fraction(1, 1000)
            for p in s.encode(fr):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def write_cfr(path: Path, seconds: float, fps: float = 30.0, **kw) -> Path:
    n = int(round(seconds * fps))
    return write_clip(path, [i / fps for i in range(n)], **kw)


def write_audio_only(path: Path, seconds: float = 4.0) -> Path:
    with av.open(str(path), "w") as c:
        s = c.add_stream("aac", rate=44100)
        n = 1024
        samples = int(seconds * 44100)
        for start in range(0, samples, n):
            data = np.zeros((1, n), np.float32)
            fr = av.AudioFrame.from_ndarray(data, format="fltp", layout="mono")
            fr.sample_rate = 44100
            fr.pts = start
            for p in s.encode(fr):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    return path


def write_no_frames(path: Path) -> Path:
    """A container whose header declares a video stream but holds no frame."""
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=30)
        s.width, s.height, s.pix_fmt = 320, 256, "yuv420p"
        c.start_encoding()
    return path
