"""Live-only drawing on top of the overlay layers: the cue banner and the metronome beat.

These depend on the live state (the current cue, the metronome clock), not on a frame's
`FrameContext`, so they are plain functions called after `OverlayRenderer.render`.
"""

from __future__ import annotations

import cv2
import numpy as np

from gaitcam.live.cues import ascii_text
from gaitcam.render import theme as th


def draw_cue(frame: np.ndarray, text: str | None, severity: str = "watch") -> np.ndarray:
    """A banner with the cue centred near the bottom of the frame (in place); None: nothing."""
    if not text:
        return frame
    sc = th.scale_of(frame)
    h, w = frame.shape[:2]
    text = ascii_text(text)
    fs = max(0.6, sc.font * 1.15)
    # shrink the text until the banner fits in the frame (long cues, small frames)
    while fs > 0.3 and th.text_size(text, fs, sc.text_thickness)[0] + 4 * sc.pad + 8 > 0.96 * w:
        fs *= 0.9
    th.label(frame, text, (w / 2, h - 28 * sc.unit - 12), align="center",
             font_scale=fs, box_alpha=0.72, accent=th.status_color(severity))
    return frame


def draw_beat(frame: np.ndarray, phase_s: float, period_s: float, flash_s: float = 0.12,
              label: str | None = None) -> np.ndarray:
    """A beat light, top right: bright for `flash_s` after each beat, dim otherwise (in place).

    `phase_s` is the time since the last beat; `label` (e.g. "170 spm") is drawn beside it.
    """
    sc = th.scale_of(frame)
    h, w = frame.shape[:2]
    r = max(6, round(14 * sc.unit))
    c = (w - r - round(16 * sc.unit), r + round(16 * sc.unit))
    on = 0.0 <= phase_s < flash_s and period_s > 0
    color = th.STATUS["good"] if on else (90, 90, 90)
    cv2.circle(frame, c, r + 2, th.DARK, -1, th.AA)
    cv2.circle(frame, c, r if on else round(r * 0.7), color, -1, th.AA)
    if label:
        th.label(frame, label, (c[0] - r - 8 * sc.unit, c[1]), align="right")
    return frame
