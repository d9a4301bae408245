"""Small self-contained SVG line charts for the printable report (no plotting library needed).

`curve_chart_svg` draws mean lines with a shaded ±SD band per clip over 0-100 % of the gait
cycle; `x` and `y` are plain numbers, so the chart prints crisply at any size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np

COLOURS = {"a": "#2f6fb0", "b": "#d9661f"}


@dataclass(frozen=True)
class Line:
    """One line: name for the legend, colour, x, y and an optional ±band (same length)."""

    name: str
    colour: str
    x: Sequence[float]
    y: Sequence[float]
    band: Sequence[float] | None = None


def _nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    span = max(hi - lo, 1e-9)
    raw = span / max(1, n - 1)
    mag = 10 ** np.floor(np.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = np.ceil(lo / step) * step
    return [float(v) for v in np.arange(start, hi + step * 0.001, step)]


def _fmt(v: float) -> str:
    return f"{v:.0f}" if abs(v - round(v)) < 1e-6 else f"{v:.1f}"


def line_chart_svg(
    lines: Sequence[Line],
    *,
    title: str = "",
    x_label: str = "",
    y_label: str = "",
    x_range: tuple[float, float] | None = None,
    shade: tuple[float | None, float | None] | None = None,
    shade_label: str = "",
    width: int = 360,
    height: int = 210,
) -> str:
    """An SVG line chart. `shade` (lo, hi) draws a horizontal green band (None = open side)."""
    ml, mr, mt, mb = 40, 10, 24 if title else 10, 34
    pw, ph = width - ml - mr, height - mt - mb
    xs = [np.asarray(ln.x, float) for ln in lines]
    ys = [np.asarray(ln.y, float) for ln in lines]
    bands = [np.zeros_like(y) if ln.band is None else np.asarray(ln.band, float)
             for ln, y in zip(lines, ys, strict=True)]
    finite = np.concatenate([np.concatenate([y - b, y + b]) for y, b in zip(ys, bands,
                                                                             strict=True)]
                            or [np.zeros(1)])
    finite = finite[np.isfinite(finite)]
    y0, y1 = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if y1 - y0 < 2:
        mid = (y0 + y1) / 2
        y0, y1 = mid - 1, mid + 1
    pad = 0.08 * (y1 - y0)
    y0, y1 = y0 - pad, y1 + pad
    if x_range is None:
        allx = np.concatenate(xs or [np.zeros(1)])
        x_range = (float(np.nanmin(allx)), float(np.nanmax(allx)))
    xa, xb = x_range
    xb = xb if xb > xa else xa + 1

    def sx(v: float) -> float:
        return ml + (v - xa) / (xb - xa) * pw

    def sy(v: float) -> float:
        return mt + (y1 - v) / (y1 - y0) * ph

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" font-family="Helvetica, Arial, sans-serif" '
             f'font-size="10" role="img" aria-label="{escape(title)}">']
    if title:
        parts.append(f'<text x="{ml}" y="14" font-size="12" font-weight="bold" '
                     f'fill="#1d2b38">{escape(title)}</text>')
    if shade is not None:
        lo = y0 if shade[0] is None else max(y0, shade[0])
        hi = y1 if shade[1] is None else min(y1, shade[1])
        if hi > lo:
            parts.append(f'<rect x="{ml}" y="{sy(hi):.1f}" width="{pw}" '
                         f'height="{sy(lo) - sy(hi):.1f}" fill="#2f9e5a" fill-opacity="0.12"/>')
            if shade_label:
                parts.append(f'<text x="{ml + pw - 3}" y="{sy(hi) + 10:.1f}" text-anchor="end" '
                             f'fill="#2f9e5a">{escape(shade_label)}</text>')
    for v in _nice_ticks(y0, y1):
        parts.append(f'<line x1="{ml}" x2="{ml + pw}" y1="{sy(v):.1f}" y2="{sy(v):.1f}" '
                     'stroke="#e3e8ee" stroke-width="1"/>')
        parts.append(f'<text x="{ml - 4}" y="{sy(v) + 3:.1f}" text-anchor="end" '
                     f'fill="#56636f">{_fmt(v)}</text>')
    for v in _nice_ticks(xa, xb):
        parts.append(f'<text x="{sx(v):.1f}" y="{mt + ph + 12}" text-anchor="middle" '
                     f'fill="#56636f">{_fmt(v)}</text>')
    parts.append(f'<rect x="{ml}" y="{mt}" width="{pw}" height="{ph}" fill="none" '
                 'stroke="#9aa5b1" stroke-width="1"/>')
    for ln, x, y, b in zip(lines, xs, ys, bands, strict=True):
        ok = np.isfinite(x) & np.isfinite(y) & np.isfinite(b)
        if ok.sum() < 2:
            continue
        if ln.band is not None and np.any(b[ok] > 0):
            upper = " ".join(f"{sx(p):.1f},{sy(q):.1f}" for p, q in zip(x[ok], y[ok] + b[ok],
                                                                        strict=True))
            lower = " ".join(f"{sx(p):.1f},{sy(q):.1f}" for p, q in
                             zip(x[ok][::-1], (y[ok] - b[ok])[::-1], strict=True))
            parts.append(f'<polygon points="{upper} {lower}" fill="{ln.colour}" '
                         'fill-opacity="0.18" stroke="none"/>')
        pts = " ".join(f"{sx(p):.1f},{sy(q):.1f}" for p, q in zip(x[ok], y[ok], strict=True))
        parts.append(f'<polyline points="{pts}" fill="none" stroke="{ln.colour}" '
                     'stroke-width="2" stroke-linejoin="round"/>')
    # legend and axis labels
    lx = ml
    for ln in lines:
        parts.append(f'<rect x="{lx}" y="{height - 11}" width="12" height="4" '
                     f'fill="{ln.colour}"/>')
        parts.append(f'<text x="{lx + 16}" y="{height - 6}" fill="#1d2b38">'
                     f'{escape(ln.name)}</text>')
        lx += 24 + 6 * len(ln.name)
    if x_label:
        parts.append(f'<text x="{ml + pw}" y="{height - 6}" text-anchor="end" '
                     f'fill="#56636f">{escape(x_label)}</text>')
    if y_label:
        parts.append(f'<text x="10" y="{mt + ph / 2:.1f}" text-anchor="middle" '
                     f'transform="rotate(-90 10 {mt + ph / 2:.1f})" fill="#56636f">'
                     f'{escape(y_label)}</text>')
    parts.append("</svg>")
    return "".join(parts)
