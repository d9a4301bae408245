"""Video input: probe and stream-decode a clip with real timestamps and rotation applied.

Phone clips are often variable frame rate and carry rotation metadata (a portrait clip is
usually stored landscape with a 90° display matrix). `iter_frames` yields frames as displayed,
with presentation times in seconds from the first frame, one at a time (never the whole clip in
memory). Every unusable file raises a `VideoError` with a friendly message.
"""

from __future__ import annotations

import math
import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from gaitcam.errors import ClipTooShortError, VideoError

SUPPORTED_EXTENSIONS = (".mp4", ".mov", ".m4v", ".avi", ".webm", ".mkv")
MIN_SIDE_PX = 240
MIN_DURATION_S = 3.0


@dataclass(frozen=True)
class VideoInfo:
    """What `probe` learned about a clip. Sizes are as displayed (after rotation)."""

    path: str
    container: str
    codec: str
    width: int
    height: int
    rotation_deg: int  # clockwise rotation applied to stored frames to display them
    duration_s: float
    fps: float  # average frame rate (frames / duration); the true times are per frame
    n_frames_estimate: int
    file_size_bytes: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Frame:
    """One decoded frame: index from 0, time `t` in seconds from the first frame, image
    (H, W, 3) uint8 in the requested pixel format ("rgb24" or "bgr24"), rotation applied."""

    index: int
    t: float
    image: np.ndarray


def _check_path(path: Path) -> None:
    if not path.exists():
        raise VideoError(f"File not found: {path}")
    if path.is_dir():
        raise VideoError(f"{path} is a folder, not a video file.")
    if path.suffix.lower() not in SUPPORTED_EXTENSIONS:
        kinds = ", ".join(e[1:] for e in SUPPORTED_EXTENSIONS)
        raise VideoError(f"'{path.name}' is not a supported video type (use {kinds}).")
    if path.stat().st_size == 0:
        raise VideoError(f"'{path.name}' is empty (0 bytes).")


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), mode="r", metadata_errors="ignore")
    except av.error.InvalidDataError as exc:
        raise VideoError(
            f"'{path.name}' is not a video file gaitcam can read, or it is corrupt or truncated."
        ) from exc
    except av.error.EOFError as exc:
        raise VideoError(f"'{path.name}' contains no video frames (it ends right away).") from exc
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as exc:
        raise VideoError(f"'{path.name}' could not be opened as a video ({exc}).") from exc


def _rotation_cw(stream: av.video.stream.VideoStream, first: av.VideoFrame | None) -> int:
    """Clockwise rotation (0, 90, 180, 270) needed to display the stored frames upright.

    FFmpeg's display matrix angle is counter-clockwise; displaying needs the opposite turn.
    """
    ccw = 0.0
    if first is not None and first.rotation:
        ccw = float(first.rotation)
    else:
        tag = stream.metadata.get("rotate")  # older muxers store a clockwise "rotate" tag
        if tag:
            try:
                return int(round(float(tag) / 90.0)) * 90 % 360
            except ValueError:
                return 0
    return int(round(-ccw / 90.0)) * 90 % 360


def _rotate(img: np.ndarray, rotation_cw: int) -> np.ndarray:
    if rotation_cw == 0:
        return np.ascontiguousarray(img)  # PyAV rows can be padded; MediaPipe needs packed rows
    # np.rot90 turns counter-clockwise for positive k.
    return np.ascontiguousarray(np.rot90(img, k=-(rotation_cw // 90)))


def probe(path: str | Path) -> VideoInfo:
    """Open a clip, check it is usable for gait analysis and describe it.

    Raises `VideoError` (not a video, corrupt, no video stream, no frames, too small) or
    `ClipTooShortError` (under `MIN_DURATION_S`).
    """
    path = Path(path)
    _check_path(path)
    with _open(path) as container:
        if not container.streams.video:
            if container.streams.audio:
                raise VideoError(f"'{path.name}' has only sound: it has no video stream.")
            raise VideoError(f"'{path.name}' contains no video: no video stream and no frames.")
        stream = container.streams.video[0]
        try:
            first = next(iter(container.decode(stream)), None)
        except av.error.FFmpegError as exc:
            msg = f"'{path.name}' is corrupt: its first frame can't be decoded."
            raise VideoError(msg) from exc
        if first is None:
            raise VideoError(f"'{path.name}' contains no video frames.")
        rot = _rotation_cw(stream, first)
        w, h = first.width, first.height
        if rot in (90, 270):
            w, h = h, w
        if min(w, h) < MIN_SIDE_PX:
            raise VideoError(
                f"'{path.name}' is only {w}x{h} pixels; gaitcam needs at least "
                f"{MIN_SIDE_PX} px on the short side."
            )
        duration = _duration_s(container, stream)
        n_est = int(stream.frames or 0)
        rate = float(stream.average_rate or stream.guessed_rate or 0.0)
        if n_est <= 0 and duration > 0 and rate > 0:
            n_est = int(round(duration * rate))
        fps = n_est / duration if duration > 0 and n_est > 0 else rate
        info = VideoInfo(
            path=str(path), container=container.format.name, codec=stream.codec_context.name,
            width=w, height=h, rotation_deg=rot, duration_s=duration, fps=float(fps),
            n_frames_estimate=n_est, file_size_bytes=path.stat().st_size,
        )
    if 0 < duration < MIN_DURATION_S or (duration == 0 and n_est <= 1):
        raise ClipTooShortError(
            f"'{path.name}' is only {duration:.1f} s long; gait analysis needs at least "
            f"{MIN_DURATION_S:.0f} s of running (10 s or more is better)."
        )
    return info


def _duration_s(container: av.container.InputContainer, stream: av.video.stream.VideoStream
                ) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / 1_000_000.0
    return 0.0


def iter_frames(
    path: str | Path, pixel_format: str = "rgb24", info: VideoInfo | None = None,
    decoder_threads: int = 0,
) -> Iterator[Frame]:
    """Decode `path` frame by frame, as displayed, with times in seconds from the first frame.

    Times come from the presentation timestamps; a frame without one gets the previous time
    plus one average frame interval, and a frame whose time does not increase is dropped
    (duplicates), so `t` is strictly increasing. A decoding error part-way stops the stream
    and is reported through `VideoError` only if no frame was decoded.

    decoder_threads: FFmpeg decoding threads; 0 lets FFmpeg pick (one per core, the fastest
    alone), 1 costs less CPU in total (best beside a CPU-heavy consumer such as inference).
    The frames are the same either way.
    """
    path = Path(path)
    info = info or probe(path)
    step = 1.0 / info.fps if info.fps > 0 else 1.0 / 30.0
    with _open(path) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        stream.thread_count = decoder_threads
        t0: float | None = None
        last_t = -math.inf
        index = 0
        try:
            for frame in container.decode(stream):
                t_abs = frame.time
                if t_abs is None:
                    t_abs = (last_t + step + (t0 or 0.0)) if index else 0.0
                if t0 is None:
                    t0 = t_abs
                t = t_abs - t0
                if t <= last_t + 1e-6:
                    continue
                img = _rotate(frame.to_ndarray(format=pixel_format), info.rotation_deg)
                yield Frame(index=index, t=t, image=img)
                last_t = t
                index += 1
        except av.error.FFmpegError as exc:
            if index == 0:
                raise VideoError(f"'{path.name}' is corrupt: no frame could be decoded.") from exc
            # A truncated file: stop at the damage; callers see fewer frames than estimated.
            return


class Prefetch:
    """Frames decoded ahead in a background thread, so decoding overlaps with the caller's
    work (inference, drawing) on the other core. Iterate over it like the frames themselves;
    a decoding error is raised in the caller's thread. Use as a context manager (or `close()`)
    to stop the decoder early.
    """

    _DONE = object()

    def __init__(self, frames: Iterator[Frame], maxsize: int = 8, name: str = "gaitcam-decode"):
        self._q: queue.Queue = queue.Queue(maxsize=maxsize)
        self._stop = threading.Event()
        self._ended = False
        self._thread = threading.Thread(target=self._run, args=(frames,), name=name, daemon=True)
        self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, frames: Iterator[Frame]) -> None:
        try:
            for f in frames:
                if not self._put(f):
                    return
            item: object = self._DONE
        except BaseException as exc:  # handed to the consumer, which re-raises it
            item = exc
        self._put(item)

    def __iter__(self) -> Prefetch:
        return self

    def __next__(self) -> Frame:
        if self._ended:
            raise StopIteration
        item = self._q.get()
        if item is self._DONE:
            self._ended = True
            raise StopIteration
        if isinstance(item, BaseException):
            self._ended = True
            raise item
        return item  # type: ignore[return-value]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def __enter__(self) -> Prefetch:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def nearest_frames(times: np.ndarray, t: np.ndarray | float) -> np.ndarray:
    """Index of the frame time nearest to each `t` (s; `times` sorted ascending, not empty);
    a tie goes to the earlier frame."""
    times = np.asarray(times, dtype=np.float64)
    t = np.atleast_1d(np.asarray(t, dtype=np.float64))
    i = np.clip(np.searchsorted(times, t), 1, max(1, len(times) - 1))
    if len(times) == 1:
        return np.zeros(t.shape, dtype=np.int64)
    left = times[i - 1]
    right = times[np.minimum(i, len(times) - 1)]
    return np.where(np.abs(t - left) <= np.abs(right - t), i - 1, i).astype(np.int64)
