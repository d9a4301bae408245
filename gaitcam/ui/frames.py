"""One frame of a clip, decoded again and drawn with the overlay layers (the contact scrubber).

`decode_frame_at` seeks to the nearest keyframe before the wanted time and decodes forward, so
a frame late in a long clip costs about one keyframe interval, not the whole clip. Times are in
seconds from the first frame, as in `gaitcam.video.iter_frames` and `PoseSequence.t`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np

from gaitcam.errors import VideoError
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render import FrameContext, OverlayRenderer, ReportContexts
from gaitcam.render.context import format_metric
from gaitcam.video import VideoInfo, iter_frames, probe


def _rotate(img: np.ndarray, rotation_cw: int) -> np.ndarray:
    if rotation_cw % 360 == 0:
        return np.ascontiguousarray(img)
    return np.ascontiguousarray(np.rot90(img, k=-(rotation_cw // 90)))


def _scan(path: Path, t_s: float, info: VideoInfo) -> np.ndarray:
    """Fallback: decode from the start up to the frame nearest `t_s`."""
    best: tuple[float, np.ndarray] | None = None
    for f in iter_frames(path, pixel_format="bgr24", info=info):
        d = abs(f.t - t_s)
        if best is None or d < best[0]:
            best = (d, f.image)
        if f.t > t_s:
            break
    if best is None:
        raise VideoError(f"No frame could be decoded from {path.name}.")
    return best[1]


def decode_frame_at(path: str | Path, t_s: float, info: VideoInfo | None = None) -> np.ndarray:
    """The displayed frame (BGR uint8, rotation applied) nearest to `t_s` seconds.

    Raises VideoError if the clip cannot be read.
    """
    path = Path(path)
    info = info or probe(path)
    half = 0.5 / info.fps if info.fps > 0 else 1 / 60
    try:
        with av.open(str(path), mode="r", metadata_errors="ignore") as container:
            stream = container.streams.video[0]
            first = next(container.decode(stream), None)
            if first is None or first.time is None or stream.time_base is None:
                raise ValueError("no timestamps")
            target = first.time + t_s
            if t_s > half:
                container.seek(int(target / stream.time_base), stream=stream, backward=True,
                               any_frame=False)
                frames = container.decode(stream)
            else:
                frames = iter([first])
            best: tuple[float, Any] | None = None
            for frame in frames:
                if frame.time is None:
                    continue
                d = abs(frame.time - target)
                if best is None or d < best[0]:
                    best = (d, frame)
                if frame.time > target + half:
                    break
            if best is None or best[0] > 4 * half:
                raise ValueError("seek missed the frame")
            return _rotate(best[1].to_ndarray(format="bgr24"), info.rotation_deg)
    except (ValueError, av.error.FFmpegError, StopIteration):
        return _scan(path, t_s, info)


def nearest_index(seq: PoseSequence, t_s: float) -> int:
    """Index of the PoseSequence frame nearest to `t_s` seconds."""
    return int(np.argmin(np.abs(np.asarray(seq.t) - t_s))) if seq.n_frames else 0


def render_frame(
    video: str | Path,
    contexts: ReportContexts,
    index: int,
    renderer: OverlayRenderer | None = None,
    info: VideoInfo | None = None,
) -> tuple[np.ndarray, FrameContext]:
    """(RGB image with the overlay drawn, its FrameContext) for frame `index` of the clip."""
    seq = contexts.seq
    t = float(seq.t[index])
    bgr = decode_frame_at(video, t, info)
    if (bgr.shape[1], bgr.shape[0]) != (seq.width, seq.height):
        raise VideoError(
            f"This clip decodes to {bgr.shape[1]}x{bgr.shape[0]} frames but its poses are for "
            f"{seq.width}x{seq.height}.", hint="Analyse the clip again.")
    ctx = contexts(index)
    out = (renderer or OverlayRenderer()).render(bgr.copy(), ctx)
    return np.ascontiguousarray(out[:, :, ::-1]), ctx


ANGLE_LABELS = {
    "trunk_lean_deg": "Trunk lean",
    "lateral_trunk_lean_deg": "Side lean",
    "pelvic_obliquity_deg": "Hip line",
    "knee_flexion_left_deg": "Left knee bend",
    "knee_flexion_right_deg": "Right knee bend",
}


def frame_angles(ctx: FrameContext) -> list[tuple[str, str]]:
    """(label, text) of the angles drawn on a frame, e.g. ("Trunk lean", "8° fwd")."""
    out = []
    for key, label in ANGLE_LABELS.items():
        v = ctx.angle(key)
        if v is None:
            continue
        if key == "lateral_trunk_lean_deg":  # + = toward the runner's left
            text = f"{abs(v):.0f}° to the {'left' if v >= 0 else 'right'}"
        elif key == "pelvic_obliquity_deg":  # + = the runner's right hip lower
            text = f"{abs(v):.0f}°, {'right' if v >= 0 else 'left'} hip lower"
        else:
            text = format_metric(key, v) or ""
        out.append((label, text))
    return out
