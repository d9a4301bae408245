"""Draw the overlay layers on a clip and write it as browser-playable video.

`OverlayRenderer` applies a layer stack to one frame (offline writer and live view alike);
`render_overlay` decodes a clip again, draws each frame from its report context and encodes it,
with decoding in a second thread so both CPU cores work.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from gaitcam.errors import GaitcamError, VideoError
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render.context import FrameContext, contexts_from_report
from gaitcam.render.h264 import H264Writer
from gaitcam.render.layers import Layer, default_layers
from gaitcam.video import Prefetch, iter_frames


class OverlayRenderer:
    """Applies a stack of layers, bottom first, to frames: `render(frame_bgr, ctx)`."""

    def __init__(self, layers: Sequence[Layer] | None = None) -> None:
        self.layers: list[Layer] = list(default_layers() if layers is None else layers)

    def render(self, frame_bgr: np.ndarray, ctx: FrameContext) -> np.ndarray:
        """Draw every layer on the frame (in place when it is a writable C-contiguous uint8
        array, else on a copy) and return it."""
        if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3:
            raise ValueError(f"expected a BGR frame (H, W, 3), got shape {frame_bgr.shape}")
        if not (frame_bgr.flags.c_contiguous and frame_bgr.flags.writeable
                and frame_bgr.dtype == np.uint8):
            frame_bgr = np.ascontiguousarray(frame_bgr, dtype=np.uint8).copy()
        for layer in self.layers:
            frame_bgr = layer.annotate(frame_bgr, ctx)
        return frame_bgr


def render_overlay(
    video_path: str | Path,
    seq: PoseSequence,
    report: Mapping[str, Any],
    out_path: str | Path,
    layers: Sequence[Layer] | None = None,
    progress: Callable[[float], None] | None = None,
    *,
    codec: str = "h264",
) -> Path:
    """Write `video_path` with the overlay drawn on every frame to `out_path`; returns it.

    Frames are matched to `seq` by index (both come from the same decoder) and keep their
    decoded timestamps. `progress(fraction)` is called with 0..1 as frames are written.
    `codec` "h264" writes MP4, "vp9" WebM.
    """
    video_path, out_path = Path(video_path), Path(out_path)
    if not video_path.is_file():
        raise VideoError(f"Video file not found: {video_path}")
    contexts = contexts_from_report(seq, report)
    renderer = OverlayRenderer(layers)
    total = max(1, seq.n_frames)
    frames = Prefetch(iter_frames(video_path, pixel_format="bgr24"))
    writer: H264Writer | None = None
    try:
        for item in frames:
            image = item.image
            if writer is None:
                h, w = image.shape[:2]
                if (w, h) != (seq.width, seq.height):
                    raise GaitcamError(
                        f"The pose data is for {seq.width}x{seq.height} frames but "
                        f"{video_path.name} decodes to {w}x{h}.",
                        hint="Analyse this video again before drawing its overlay.",
                    )
                fps = seq.fps if seq.fps > 0 else 30.0
                writer = H264Writer(out_path, w, h, fps, codec=codec).open()
            frame = renderer.render(image, contexts(item.index))
            writer.write(frame, item.t)
            if progress is not None:
                progress(min(1.0, (item.index + 1) / total))
        if writer is None:
            raise VideoError(f"No frames could be decoded from {video_path.name}.")
        writer.close()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    finally:
        frames.close()
    if progress is not None:
        progress(1.0)
    return out_path

