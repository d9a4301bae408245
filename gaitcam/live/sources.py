"""Frame sources for the OpenCV live app: a camera (OpenCV) or a video file played in real time.

Each yields (t seconds, BGR uint8 frame). A camera's t is its own buffer timestamp when it gives
one (else None, and the processor uses the arrival time); a file's t is the frame's
presentation time, and with `realtime` the file is paced to it, like a camera.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from gaitcam.errors import GaitcamError
from gaitcam.video import iter_frames

CAMERA_SIZE = (640, 480)

Source = Iterator[tuple[float | None, np.ndarray]]


def letterbox(image: np.ndarray, size: tuple[int, int] = CAMERA_SIZE) -> np.ndarray:
    """`image` as a camera of `size` (width, height) would show it: scaled to fit (even
    dimensions), centred on black."""
    import cv2

    w, h = size
    ih, iw = image.shape[:2]
    s = min(w / iw, h / ih)
    nw, nh = int(round(iw * s)) // 2 * 2, int(round(ih * s)) // 2 * 2
    out = np.zeros((h, w, 3), np.uint8)
    x0, y0 = (w - nw) // 2, (h - nh) // 2
    out[y0:y0 + nh, x0:x0 + nw] = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_AREA)
    return out


def is_camera(camera: int | str) -> bool:
    """True for a camera index (0, "1") or device path ("/dev/video0"); False for a file."""
    if isinstance(camera, int):
        return True
    return camera.strip().isdigit() or camera.startswith("/dev/")


def camera_frames(camera: int | str, size: tuple[int, int] = CAMERA_SIZE) -> Source:
    """Frames from an OpenCV camera; GaitcamError if it cannot be opened or gives no frame."""
    import cv2

    dev = int(camera) if isinstance(camera, str) and camera.strip().isdigit() else camera
    # OpenCV logs a page of backend errors for a missing camera; the GaitcamError says it all.
    level = cv2.utils.logging.getLogLevel()
    cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
    try:
        cap = cv2.VideoCapture(dev)
    finally:
        cv2.utils.logging.setLogLevel(level)
    try:
        ok = cap.isOpened()
        if ok:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
            ok, first = cap.read()
        if not ok:
            raise GaitcamError(
                f"camera {camera} could not be opened.",
                hint="Check that a camera is connected and not in use by another program, "
                "or try another number with --camera (0, 1, ...).",
            )
    except BaseException:
        cap.release()
        raise
    return _camera_iter(cap, first)


def _camera_iter(cap, first: np.ndarray) -> Source:
    import cv2

    try:
        frame: np.ndarray | None = first
        while frame is not None:
            ms = cap.get(cv2.CAP_PROP_POS_MSEC)
            yield (ms / 1000.0 if ms and ms > 0 else None), frame
            ok, frame = cap.read()
            if not ok:
                frame = None
    finally:
        cap.release()


def file_frames(path: str | Path, realtime: bool = True) -> Source:
    """Frames of a video file; with `realtime`, paced to their timestamps. VideoError if bad."""
    frames = iter_frames(path, pixel_format="bgr24")
    first = next(frames)  # raises VideoError now, not at the first loop iteration
    return _file_iter(first, frames, realtime)


def _file_iter(first, frames, realtime: bool) -> Source:
    start = time.perf_counter()
    for frame in itertools.chain([first], frames):
        if realtime:
            wait = start + frame.t - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
        yield frame.t, frame.image


def open_source(camera: int | str, realtime: bool = True) -> Source:
    """A camera index/device or a video file path as a frame source."""
    if is_camera(camera):
        return camera_frames(camera)
    return file_frames(camera, realtime=realtime)
