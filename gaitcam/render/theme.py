"""Colours, frame-size scaling and the drawing primitives the overlay layers share.

All colours are BGR tuples (OpenCV order). All drawing is anti-aliased (cv2.LINE_AA) and done in
place on a BGR uint8 frame. Text uses OpenCV's Hershey fonts, which are ASCII only; a "°" in a
label is drawn as a small ring so angle labels read naturally.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

Color = tuple[int, int, int]

WHITE: Color = (245, 245, 245)
DARK: Color = (20, 20, 20)
LEFT: Color = (60, 150, 255)  # runner's left: amber-orange
RIGHT: Color = (235, 175, 50)  # runner's right: sky blue
TRUNK: Color = (245, 245, 245)
PLUMB: Color = (200, 200, 200)

STATUS: dict[str, Color] = {
    "good": (110, 200, 70),
    "watch": (20, 185, 250),
    "flag": (80, 80, 235),
    "info": (225, 225, 225),
    "not_measurable": (150, 150, 150),
}

FONT = cv2.FONT_HERSHEY_DUPLEX
AA = cv2.LINE_AA
DEGREE = "\N{DEGREE SIGN}"


def side_color(side: str) -> Color:
    return LEFT if side == "left" else RIGHT


def status_color(status: str | None) -> Color:
    return STATUS.get(status or "info", STATUS["info"])


def dim(color: Color, factor: float = 0.55) -> Color:
    """A greyed version of `color` (`factor` of the colour kept) for points the model is
    unsure about."""
    return tuple(int(c * factor + 150 * (1 - factor)) for c in color)  # type: ignore[return-value]


@dataclass(frozen=True)
class Scale:
    """Sizes in pixels for one frame size, so overlays read the same at 480p and 1080p.

    `unit` is 1.0 for a frame whose short side is 720 px.
    """

    unit: float
    line: int
    thin: int
    joint: int
    font: float
    font_small: float
    text_thickness: int
    pad: int

    @classmethod
    def for_frame(cls, height: int, width: int) -> Scale:
        u = min(height, width) / 720.0
        return cls(
            unit=u,
            line=max(2, round(3 * u)),
            thin=max(1, round(2 * u)),
            joint=max(3, round(5 * u)),
            font=max(0.5, 0.72 * u),
            font_small=max(0.45, 0.6 * u),
            text_thickness=max(1, round(1.4 * u)),
            pad=max(3, round(7 * u)),
        )


_SCALE_CACHE: dict[tuple[int, int], Scale] = {}


def scale_of(frame: np.ndarray) -> Scale:
    key = frame.shape[:2]
    if key not in _SCALE_CACHE:
        _SCALE_CACHE[key] = Scale.for_frame(*key)
    return _SCALE_CACHE[key]


# --- primitives ------------------------------------------------------------------------------


def finite(*points: np.ndarray | None) -> bool:
    return all(p is not None and bool(np.all(np.isfinite(p))) for p in points)


def ipt(p: np.ndarray) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def dashed_line(
    img: np.ndarray, p0: np.ndarray, p1: np.ndarray, color: Color, thickness: int,
    dash: float, gap: float | None = None,
) -> None:
    """A dashed segment from p0 to p1 (dash and gap lengths in pixels)."""
    gap = dash if gap is None else gap
    p0, p1 = np.asarray(p0, float), np.asarray(p1, float)
    length = float(np.hypot(*(p1 - p0)))
    if length < 1:
        return
    d = (p1 - p0) / length
    s = 0.0
    while s < length:
        e = min(s + dash, length)
        cv2.line(img, ipt(p0 + d * s), ipt(p0 + d * e), color, thickness, AA)
        s = e + gap


def blend_rect(img: np.ndarray, x0: int, y0: int, x1: int, y1: int, color: Color,
               alpha: float) -> None:
    """Fill a rectangle with `color` at opacity `alpha`, clipped to the frame."""
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return
    roi = img[y0:y1, x0:x1]
    roi[:] = (roi * (1 - alpha) + np.array(color, np.float32) * alpha).astype(np.uint8)


def _parts(text: str) -> list[str]:
    """Split text at degree signs, keeping them as separate parts."""
    out, cur = [], ""
    for ch in text:
        if ch == DEGREE:
            out += [cur, DEGREE]
            cur = ""
        else:
            cur += ch
    return [*out, cur]


def _degree_radius(font_scale: float) -> int:
    return max(2, round(4.5 * font_scale))


def _degree_width(font_scale: float) -> int:
    return 2 * _degree_radius(font_scale) + round(6 * font_scale)


def text_size(text: str, font_scale: float, thickness: int) -> tuple[int, int, int]:
    """(width, height above baseline, baseline) of `text` in pixels."""
    w, h, base = 0, 0, 0
    deg_w = _degree_width(font_scale)
    for part in _parts(text):
        if part == DEGREE:
            w += deg_w
        elif part:
            (pw, ph), pb = cv2.getTextSize(part, FONT, font_scale, thickness)
            w, h, base = w + pw, max(h, ph), max(base, pb)
    if h == 0:
        (_, h), base = cv2.getTextSize("0", FONT, font_scale, thickness)
    return w, h, base


def put_text(img: np.ndarray, text: str, x: int, y: int, font_scale: float, color: Color,
             thickness: int) -> None:
    """Plain text with its baseline-left at (x, y); "°" drawn as a small ring."""
    deg_w = _degree_width(font_scale)
    (_, cap), _ = cv2.getTextSize("0", FONT, font_scale, thickness)
    for part in _parts(text):
        if part == DEGREE:
            r = _degree_radius(font_scale)
            cv2.circle(img, (x + r + 1, y - cap + r), r, color, max(1, thickness - 1), AA)
            x += deg_w
        elif part:
            cv2.putText(img, part, (x, y), FONT, font_scale, color, thickness, AA)
            x += cv2.getTextSize(part, FONT, font_scale, thickness)[0][0]


def label_box(
    img: np.ndarray,
    text: str,
    anchor: tuple[float, float],
    *,
    font_scale: float | None = None,
    align: str = "left",
    accent: bool = False,
) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1) `label` would draw, shifted to lie inside the frame."""
    sc = scale_of(img)
    fs = sc.font_small if font_scale is None else font_scale
    tw, tht, base = text_size(text, fs, sc.text_thickness)
    bar = max(3, round(4 * sc.unit)) if accent else 0
    bw, bh = tw + 2 * sc.pad + bar, tht + base + 2 * sc.pad
    ax, ay = anchor
    x0 = {"left": ax, "center": ax - bw / 2, "right": ax - bw}[align]
    h, w = img.shape[:2]
    x0 = int(round(min(max(0, x0), w - bw)))
    y0 = int(round(min(max(0, ay - bh / 2), h - bh)))
    return x0, y0, x0 + bw, y0 + bh


def label(
    img: np.ndarray,
    text: str,
    anchor: tuple[float, float],
    *,
    color: Color = WHITE,
    font_scale: float | None = None,
    align: str = "left",
    box_alpha: float = 0.6,
    accent: Color | None = None,
) -> tuple[int, int, int, int]:
    """Draw `text` on a dark translucent box so it reads on any background.

    `anchor` is the box's left-middle point (align="left"), centre ("center") or right-middle
    ("right"). The box is shifted to stay inside the frame. `accent` draws a coloured bar on the
    box's left edge. Returns the box (x0, y0, x1, y1).
    """
    sc = scale_of(img)
    fs = sc.font_small if font_scale is None else font_scale
    x0, y0, x1, y1 = label_box(img, text, anchor, font_scale=fs, align=align,
                               accent=accent is not None)
    blend_rect(img, x0, y0, x1, y1, DARK, box_alpha)
    bar = 0
    if accent is not None:
        bar = max(3, round(4 * sc.unit))
        img[max(0, y0):y1, max(0, x0):x0 + bar] = accent
    _, tht, _ = text_size(text, fs, sc.text_thickness)
    put_text(img, text, x0 + bar + sc.pad, y0 + sc.pad + tht, fs, color, sc.text_thickness)
    return x0, y0, x1, y1


def faded(img: np.ndarray, alpha: float, box: tuple[int, int, int, int], draw) -> None:
    """Run `draw(img)` so that, inside `box`, its strokes show at opacity `alpha`.

    `draw` must not touch pixels outside `box`.
    """
    h, w = img.shape[:2]
    x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3])
    if x1 <= x0 or y1 <= y0 or alpha <= 0:
        return
    if alpha >= 1:
        draw(img)
        return
    before = img[y0:y1, x0:x1].copy()
    draw(img)
    img[y0:y1, x0:x1] = cv2.addWeighted(img[y0:y1, x0:x1], alpha, before, 1 - alpha, 0)
