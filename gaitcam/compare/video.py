"""The synchronised side-by-side video: both clips with their overlays, warped onto one gait-cycle
timeline (gaitcam.compare.sync), labelled A and B, with the phase shown, as one H.264 file.

Each clip is decoded once, forward, in its own thread: the timeline's source frame indices never
decrease, so the reader holds the last decoded frame and moves on only when a later one is asked
for. Nothing holds a whole clip in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from gaitcam.errors import GaitcamError, VideoError
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render import H264Writer, OverlayRenderer, contexts_from_report
from gaitcam.render import theme as th
from gaitcam.video import Frame, Prefetch, iter_frames

from .sync import SyncTimeline

BAR_PX = 46  # bottom bar with the phase
GAP_PX = 8
BACKGROUND = (28, 28, 28)
ACCENT_A = (176, 111, 47)  # BGR of svg.COLOURS['a'] (blue)
ACCENT_B = (31, 102, 217)  # BGR of svg.COLOURS['b'] (orange)


@dataclass(frozen=True, eq=False)
class VideoSide:
    """One clip of the comparison: its video, and the poses and report to draw its overlay.

    `draw_overlay=False` for a video whose frames already carry the overlay (overlay.mp4).
    """

    clip: Path
    label: str
    seq: PoseSequence | None = None
    report: Mapping[str, Any] | None = None
    draw_overlay: bool = True


class ForwardReader:
    """Frames of a clip by non-decreasing index, decoded ahead in a background thread.

    `get(i)` returns the BGR image of frame i (or of the last frame, if the clip is shorter).
    Asking for an index below the previous one raises ValueError. Use `close()` (or a with
    block) to stop the decoder.
    """

    def __init__(self, path: Path, maxsize: int = 6) -> None:
        self.path = Path(path)
        self._frames = Prefetch(iter_frames(self.path, "bgr24"), maxsize=maxsize,
                                name="gaitcam-compare-decode")
        self._cur: Frame | None = None
        self._ended = False

    def get(self, index: int) -> np.ndarray:
        if self._cur is not None and index < self._cur.index:
            raise ValueError(f"frames must be asked for in order ({index} < {self._cur.index})")
        while not self._ended and (self._cur is None or self._cur.index < index):
            nxt = next(self._frames, None)
            if nxt is None:
                self._ended = True
            else:
                self._cur = nxt
        if self._cur is None:
            raise VideoError(f"No frame could be decoded from {self.path.name}.")
        return self._cur.image

    @property
    def current_index(self) -> int | None:
        return None if self._cur is None else self._cur.index

    def close(self) -> None:
        self._frames.close()

    def __enter__(self) -> ForwardReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


_ASCII = {"\u00b7": "-", "\u2013": "-", "\u2014": "-", "\u2019": "'", "\u201c": '"',
          "\u201d": '"', "\u2212": "-"}


def _ascii(text: str) -> str:
    """Text OpenCV's Hershey fonts can draw: ASCII, the degree sign, others as "?"."""
    text = "".join(_ASCII.get(ch, ch) for ch in text)
    return "".join(ch if 32 <= ord(ch) < 127 or ch == th.DEGREE else "?" for ch in text)


def panel_size(width: int, height: int, panel_height: int) -> tuple[int, int]:
    """(width, height) of a clip's panel scaled to `panel_height`, width rounded to even."""
    w = max(2, int(round(width * panel_height / max(1, height))))
    return w + (w % 2), panel_height


class PanelDrawer:
    """Draws one side's frames: overlay (optional), scaled to the panel, labelled."""

    def __init__(self, side: VideoSide, panel_height: int, accent: th.Color, tag: str) -> None:
        self.side = side
        self.tag = tag
        self.accent = accent
        self.panel_height = panel_height
        self.renderer = OverlayRenderer() if side.draw_overlay else None
        self.contexts = None
        if side.draw_overlay:
            if side.seq is None or side.report is None:
                raise ValueError("an overlay needs the clip's PoseSequence and report")
            self.contexts = contexts_from_report(side.seq, side.report)
        self.size: tuple[int, int] | None = None

    def draw(self, image: np.ndarray, index: int) -> np.ndarray:
        seq = self.side.seq
        if self.renderer is not None and seq is not None:
            h, w = image.shape[:2]
            if (w, h) != (seq.width, seq.height):
                raise GaitcamError(
                    f"The pose data is for {seq.width}x{seq.height} frames but "
                    f"{self.side.clip.name} decodes to {w}x{h}.",
                    hint="Analyse this clip again before comparing it.")
            image = self.renderer.render(image.copy(), self.contexts(index))
        if self.size is None:
            self.size = panel_size(image.shape[1], image.shape[0], self.panel_height)
        panel = cv2.resize(image, self.size, interpolation=cv2.INTER_AREA)
        # top right: the overlay's HUD sits top left
        th.label(panel, _ascii(f"{self.tag}: {self.side.label}"), (panel.shape[1] - 8, 22),
                 align="right",
                 accent=self.accent, font_scale=max(0.55, 0.75 * self.panel_height / 720),
                 box_alpha=0.7)
        return panel


def phase_bar(width: int, phase: float, text: str, contact: bool) -> np.ndarray:
    """The bottom bar: phase text and a 0-100 % track with a marker (green at a contact)."""
    bar = np.full((BAR_PX, width, 3), BACKGROUND, np.uint8)
    x0, x1, y = 250, width - 20, BAR_PX // 2
    th.put_text(bar, _ascii(text), 12, y + 7, 0.6, th.WHITE, 1)
    if x1 - x0 > 40:
        cv2.line(bar, (x0, y), (x1, y), (110, 110, 110), 2, th.AA)
        for pct in (0, 25, 50, 75, 100):
            x = int(round(x0 + (x1 - x0) * pct / 100))
            cv2.line(bar, (x, y - 5), (x, y + 5), (150, 150, 150), 1, th.AA)
        x = int(round(x0 + (x1 - x0) * float(np.clip(phase, 0, 100)) / 100))
        colour = th.STATUS["good"] if contact else th.WHITE
        cv2.circle(bar, (x, y), 8 if contact else 6, colour, -1, th.AA)
    return bar


def compose(left: np.ndarray, right: np.ndarray, bar: np.ndarray) -> np.ndarray:
    """Panels side by side on a dark background with the bar underneath."""
    h = max(left.shape[0], right.shape[0])
    w = left.shape[1] + GAP_PX + right.shape[1]
    out = np.full((h + BAR_PX, w, 3), BACKGROUND, np.uint8)
    out[: left.shape[0], : left.shape[1]] = left
    out[: right.shape[0], left.shape[1] + GAP_PX:] = right
    out[h:, :] = bar[:, :w] if bar.shape[1] >= w else cv2.resize(bar, (w, BAR_PX))
    return out


def phase_text(timeline: SyncTimeline, j: int) -> str:
    side_a, side_b = timeline.sides
    foot = side_a if side_a == side_b else f"{side_a}/{side_b}"
    return (f"{foot.capitalize()} stride {int(timeline.stride[j]) + 1}/{timeline.n_strides}  "
            f"{timeline.phase[j]:4.0f}%")


def write_side_by_side(
    a: VideoSide,
    b: VideoSide,
    timeline: SyncTimeline,
    out_path: str | Path,
    *,
    panel_height: int = 480,
    progress: Callable[[float], None] | None = None,
    codec: str = "h264",
) -> Path:
    """Write the synchronised comparison video to `out_path` and return it.

    Output frame j shows frame `timeline.frame_a[j]` of A beside `timeline.frame_b[j]` of B at
    time j / timeline.fps. Raises VideoError / GaitcamError for unreadable or mismatched clips;
    a half-written file is removed.
    """
    out_path = Path(out_path)
    for side in (a, b):
        if not Path(side.clip).is_file():
            raise VideoError(f"The video for {side.label} is not on this computer: {side.clip}")
    contact_set = set(int(x) for x in timeline.contact_frames)
    contact_set |= set(int(x) for x in timeline.contra_frames if x >= 0)
    draw_a = PanelDrawer(a, panel_height, ACCENT_A, "A")
    draw_b = PanelDrawer(b, panel_height, ACCENT_B, "B")
    writer: H264Writer | None = None
    n = len(timeline)
    with ForwardReader(Path(a.clip)) as ra, ForwardReader(Path(b.clip)) as rb:
        try:
            for j in range(n):
                ia, ib = int(timeline.frame_a[j]), int(timeline.frame_b[j])
                left = draw_a.draw(ra.get(ia), ia)
                right = draw_b.draw(rb.get(ib), ib)
                width = left.shape[1] + GAP_PX + right.shape[1]
                bar = phase_bar(width, float(timeline.phase[j]), phase_text(timeline, j),
                                j in contact_set)
                frame = compose(left, right, bar)
                if writer is None:
                    writer = H264Writer(out_path, frame.shape[1], frame.shape[0], timeline.fps,
                                        codec=codec).open()
                writer.write(frame, j / timeline.fps)
                if progress is not None:
                    progress((j + 1) / n)
            if writer is None:
                raise VideoError("The comparison has no frames to write.")
            writer.close()
        except BaseException:
            if writer is not None:
                writer.abort()
            raise
    return out_path
