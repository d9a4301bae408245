"""Browser-playable video writer: H.264 (yuv420p, faststart MP4) with real frame timestamps.

Browsers play H.264 in MP4 only with 4:2:0 chroma, even frame sizes and, to start before the
whole file has arrived, the `moov` index at the front (`+faststart`). OpenCV's `mp4v` writer
meets none of these, so gaitcam writes with PyAV, whose wheel ships libx264. VP9 in WebM is
available as a fallback (`codec="vp9"`) for browsers without H.264.

Timestamps: each frame's presentation time `t_s` (seconds) becomes its pts in a 1/90000 s time
base, so a variable-frame-rate phone clip keeps its true timing; pts are forced to increase.
Times are taken relative to the first frame written, so the file always starts at 0 s.
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path
from types import TracebackType

import av
import cv2
import numpy as np

from gaitcam.errors import GaitcamError

TIME_BASE = Fraction(1, 90_000)

#: codec name -> (encoder, container format, encoder options)
_CODECS: dict[str, tuple[str, str]] = {
    "h264": ("libx264", "mp4"),
    "vp9": ("libvpx-vp9", "webm"),
}


class H264Writer:
    """Write BGR uint8 frames to a browser-playable video.

    Use as a context manager; `write(frame, t_s)` per frame. Frames must be (height, width, 3)
    as given to the constructor; odd sizes are padded by one replicated pixel row/column.
    `t_s` is the frame's presentation time in seconds (None: previous time + 1/fps).
    `codec` is "h264" (MP4, default) or "vp9" (WebM fallback).
    """

    def __init__(
        self,
        path: str | Path,
        width: int,
        height: int,
        fps: float,
        *,
        crf: int = 23,
        preset: str = "veryfast",
        codec: str = "h264",
    ) -> None:
        if codec not in _CODECS:
            raise ValueError(f"codec must be one of {sorted(_CODECS)}, got {codec!r}")
        if width < 2 or height < 2:
            raise ValueError(f"frame size {width}x{height} is too small to encode")
        if not (fps > 0 and math.isfinite(fps)):
            raise ValueError(f"fps must be positive, got {fps}")
        self.path = Path(path)
        self.width, self.height, self.fps = int(width), int(height), float(fps)
        self.codec = codec
        # yuv420p needs even dimensions
        self.out_width = self.width + (self.width % 2)
        self.out_height = self.height + (self.height % 2)
        self.frames_written = 0
        self._last_pts: int | None = None
        self._t0: float | None = None
        self._crf, self._preset = crf, preset
        self._container: av.container.OutputContainer | None = None
        self._stream: av.video.stream.VideoStream | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def open(self) -> H264Writer:
        encoder, fmt = _CODECS[self.codec]
        options = {"movflags": "+faststart"} if fmt == "mp4" else {}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            container = av.open(str(self.path), mode="w", format=fmt, options=options)
        except (OSError, av.FFmpegError) as exc:
            raise GaitcamError(
                f"Cannot write the video file {self.path} ({exc}).",
                hint="Check that the folder exists and is writable, and that the disk has space.",
            ) from exc
        rate = Fraction(self.fps).limit_denominator(1001)
        stream = container.add_stream(encoder, rate=rate)
        stream.width, stream.height = self.out_width, self.out_height
        stream.pix_fmt = "yuv420p"
        stream.time_base = TIME_BASE
        stream.codec_context.time_base = TIME_BASE
        gop = str(max(1, round(2 * self.fps)))  # a keyframe every ~2 s keeps browser seeking quick
        if self.codec == "h264":
            stream.options = {"preset": self._preset, "crf": str(self._crf), "g": gop}
        else:
            stream.options = {
                "crf": str(self._crf + 9), "b": "0", "deadline": "realtime", "cpu-used": "8",
                "row-mt": "1", "g": gop,
            }
        self._container, self._stream = container, stream
        return self

    def close(self) -> None:
        """Flush the encoder and finish the file (moves `moov` to the front for MP4)."""
        if self._container is None:
            return
        container, stream = self._container, self._stream
        self._container = self._stream = None
        try:
            for packet in stream.encode(None):
                container.mux(packet)
        finally:
            container.close()

    def abort(self) -> None:
        """Close and delete the file: never leave a half-written file that looks valid."""
        try:
            self.close()
        finally:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> H264Writer:
        return self.open()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self.abort()
        else:
            self.close()

    # --- writing -----------------------------------------------------------------------------

    def write(self, frame_bgr: np.ndarray, t_s: float | None = None) -> None:
        """Encode one BGR uint8 frame shown at `t_s` seconds (None: one frame after the last)."""
        if self._container is None:
            self.open()
        if frame_bgr.shape != (self.height, self.width, 3) or frame_bgr.dtype != np.uint8:
            raise ValueError(
                f"frame must be uint8 of shape {(self.height, self.width, 3)}, "
                f"got {frame_bgr.dtype} {frame_bgr.shape}"
            )
        if (self.out_width, self.out_height) != (self.width, self.height):
            frame_bgr = cv2.copyMakeBorder(
                frame_bgr, 0, self.out_height - self.height, 0, self.out_width - self.width,
                cv2.BORDER_REPLICATE,
            )
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(frame_bgr), format="bgr24")
        frame.pts = self._next_pts(t_s)
        frame.time_base = TIME_BASE
        for packet in self._stream.encode(frame):
            self._container.mux(packet)
        self.frames_written += 1

    def _next_pts(self, t_s: float | None) -> int:
        step = round(1.0 / (self.fps * TIME_BASE))
        if t_s is None or not math.isfinite(t_s):
            pts = 0 if self._last_pts is None else self._last_pts + step
        else:
            if self._t0 is None:
                self._t0 = t_s
            pts = round((t_s - self._t0) / TIME_BASE)
        if self._last_pts is not None and pts <= self._last_pts:
            pts = self._last_pts + 1
        self._last_pts = pts
        return pts
