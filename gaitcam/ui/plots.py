"""Plotly figures for the results page, built from per-frame series (see `gaitcam.ui.series`).

`timeseries_figure` stacks trunk lean (side view) or side lean and hip line (rear/front view),
knee angle and foot height on one shared time axis, shades each metric's good band from the
registry, and marks every foot contact (left orange, right blue, as in the overlay).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gaitcam import registry
from gaitcam.ui.steps import contact_label, contacts

SIDE_COLOURS = {"left": "#f08a24", "right": "#2a9fd6"}
TRACE_COLOUR = "#34495e"
GOOD_FILL = "rgba(47,158,90,0.13)"


@dataclass(frozen=True)
class Row:
    """One subplot: its title, the series keys drawn in it and the metric whose band is shaded.

    `band_symmetric` shades -hi..hi for a metric whose band is on a magnitude (e.g. pelvic drop
    against a signed hip-line angle). `band_note` labels the band.
    """

    title: str
    keys: tuple[str, ...]
    unit: str
    band_metric: str | None = None
    band_symmetric: bool = False
    band_note: str = "good band"


SIDE_ROWS = (
    Row("Trunk lean (+ = forward)", ("trunk_lean_deg",), "°", "trunk_lean_deg"),
    Row("Knee bend", ("knee_flexion_left_deg", "knee_flexion_right_deg"), "°",
        "knee_flexion_ic_deg", band_note="good at landing"),
    Row("Foot height", ("foot_height_left", "foot_height_right"), "% leg"),
)
FRONTAL_ROWS = (
    Row("Side lean (+ = toward runner's left)", ("lateral_trunk_lean_deg",), "°",
        "lateral_trunk_lean_deg", band_symmetric=True),
    Row("Hip line (+ = right hip lower)", ("pelvic_obliquity_deg",), "°", "pelvic_drop_deg",
        band_symmetric=True, band_note="good pelvic drop"),
    Row("Knee bend", ("knee_flexion_left_deg", "knee_flexion_right_deg"), "°"),
    Row("Foot height", ("foot_height_left", "foot_height_right"), "% leg"),
)

_NAMES = {
    "knee_flexion_left_deg": "left knee", "knee_flexion_right_deg": "right knee",
    "foot_height_left": "left foot", "foot_height_right": "right foot",
}


def _colour(key: str) -> str:
    if key.endswith(("left_deg", "_left")):
        return SIDE_COLOURS["left"]
    if key.endswith(("right_deg", "_right")):
        return SIDE_COLOURS["right"]
    return TRACE_COLOUR


def _has_data(series: Mapping[str, np.ndarray], keys: Sequence[str]) -> bool:
    return any(k in series and np.isfinite(np.asarray(series[k], float)).any() for k in keys)


def rows_for(view: str | None, series: Mapping[str, np.ndarray]) -> list[Row]:
    """The rows to draw for a view, leaving out rows with no data."""
    rows = FRONTAL_ROWS if view in ("rear", "front") else SIDE_ROWS
    return [r for r in rows if _has_data(series, r.keys)]


def _axis(letter: str, row: int) -> str:
    """Plotly's axis name of subplot row `row` (1-based): "x", "x2", ..."""
    return letter if row == 1 else f"{letter}{row}"


def band_for(row: Row) -> tuple[float | None, float | None] | None:
    """The shaded (lo, hi) of a row in its series' units, or None."""
    m = registry.METRICS.get(row.band_metric or "")
    if m is None or m.good is None:
        return None
    lo, hi = m.good
    if row.band_symmetric and hi is not None:
        return (-hi, hi)
    return (lo, hi)


def band_extent(band: tuple[float | None, float | None], ymin: float, ymax: float
                ) -> tuple[float, float, tuple[float, float]]:
    """(band bottom, band top, y-axis range) for a row whose data spans ymin..ymax.

    The axis grows to show the band next to the data, but by at most max(5, data span) beyond
    the data on each side, so a far-away band edge does not squash the trace.
    """
    span = max(ymax - ymin, 1e-9)
    reach = max(5.0, span)
    pad = 0.08 * span + 0.5
    lo, hi = band
    bottom, top = ymin - pad, ymax + pad
    if lo is not None and lo < ymin:
        bottom = max(lo, ymin - reach) - pad
    if hi is not None and hi > ymax:
        top = min(hi, ymax + reach) + pad
    y0 = lo if lo is not None else min(bottom, ymin) - 1e3
    y1 = hi if hi is not None else max(top, ymax) + 1e3
    return y0, y1, (bottom, top)


def timeseries_figure(series: Mapping[str, np.ndarray], report: Mapping[str, Any]) -> go.Figure:
    """Stacked time series with good bands and contact markers; see the module docstring."""
    view = (report.get("view") or {}).get("view")
    rows = rows_for(view, series)
    t = np.asarray(series["t"], float)
    n = max(1, len(rows))
    fig = make_subplots(rows=n, cols=1, shared_xaxes=True, vertical_spacing=0.07,
                        subplot_titles=[f"{r.title} ({r.unit})" for r in rows] or [""])
    shapes: list[dict[str, Any]] = []
    for i, row in enumerate(rows, 1):
        values = np.concatenate([np.asarray(series[k], float) for k in row.keys if k in series])
        finite = values[np.isfinite(values)]
        ymin, ymax = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        band = band_for(row)
        if band is not None:
            y0, y1, yrange = band_extent(band, ymin, ymax)
            shapes.append({"type": "rect", "xref": f"{_axis('x', i)} domain", "x0": 0, "x1": 1,
                           "yref": _axis("y", i), "y0": y0, "y1": y1, "fillcolor": GOOD_FILL,
                           "line": {"width": 0}, "layer": "below"})
            fig.add_annotation(x=float(t[0]) if len(t) else 0.0, y=min(y1, yrange[1]),
                               xanchor="left", yanchor="top", text=row.band_note,
                               showarrow=False, font={"size": 10, "color": "#2f9e5a"},
                               row=i, col=1)
            fig.update_yaxes(range=list(yrange), row=i, col=1)
        for key in row.keys:
            if key not in series:
                continue
            fig.add_trace(go.Scatter(
                x=t, y=np.asarray(series[key], float), mode="lines",
                name=_NAMES.get(key, row.title.split(" (")[0].lower()),
                line={"color": _colour(key), "width": 1.8},
                legendgroup=key, showlegend=i == len(rows) or len(row.keys) == 1,
                hovertemplate="%{y:.1f}" + row.unit + " at %{x:.2f} s<extra>%{fullData.name}"
                "</extra>",
            ), row=i, col=1)
        fig.update_yaxes(zeroline=False, row=i, col=1)
    # shapes are built as plain dicts and set once: add_vline per contact is slow (~50 ms each)
    for i in range(1, len(rows) + 1):
        for side, _, tc in contacts(report):
            shapes.append({"type": "line", "xref": _axis("x", i), "x0": tc, "x1": tc,
                           "yref": f"{_axis('y', i)} domain", "y0": 0, "y1": 1, "opacity": 0.7,
                           "line": {"color": SIDE_COLOURS[side], "width": 1, "dash": "dot"}})
    fig.update_layout(shapes=shapes)
    # contact markers on the knee and foot rows, labelled on hover
    for i, row in enumerate(rows, 1):
        if not row.keys[0].startswith(("foot_height", "knee_flexion")):
            continue
        for side in ("left", "right"):
            cs = [c for c in contacts(report) if c[0] == side]
            key = next((k for k in row.keys if k.endswith((f"_{side}", f"_{side}_deg"))), None)
            if not cs or key is None or key not in series or not len(t):
                continue
            y = np.asarray(series[key], float)
            idx = [int(np.argmin(np.abs(t - c[2]))) for c in cs]
            fig.add_trace(go.Scatter(
                x=[c[2] for c in cs], y=[y[j] for j in idx], mode="markers",
                marker={"color": SIDE_COLOURS[side], "size": 8, "symbol": "triangle-up",
                        "line": {"width": 1, "color": "white"}},
                name=f"{side} contact", legendgroup=f"contact_{side}",
                showlegend=row.keys[0].startswith("foot_height"),
                text=[contact_label(*c) for c in cs],
                hovertemplate="%{text}: %{y:.0f}" + row.unit + "<extra></extra>",
            ), row=i, col=1)
    fig.update_xaxes(title_text="time (s)", row=n, col=1)
    fig.update_layout(
        height=190 * n + 150, margin={"l": 10, "r": 10, "t": 30, "b": 10},
        hovermode="x unified", template="plotly_white",
        plot_bgcolor="rgba(0,0,0,0)",  # keep the good bands (drawn below the traces) visible
        legend={"orientation": "h", "yanchor": "top", "y": -0.35 / n, "x": 0},
    )
    return fig


def parse_distances(text: str) -> list[float]:
    """Weekly distances typed as "20, 22.5 25 30" (commas, spaces or semicolons).

    Raises ValueError naming the first entry that is not a number.
    """
    out = []
    for token in text.replace(";", ",").replace(",", " ").split():
        try:
            out.append(float(token))
        except ValueError:
            raise ValueError(f"'{token}' is not a number") from None
    return out


def weekly_load_figure(weekly: Sequence[float], changes_pct: Sequence[float | None],
                       unit: str = "km") -> go.Figure:
    """Bars of weekly distance coloured by the rise into that week (good / >10% / >15%)."""
    from gaitcam.ui.cards import STATUS_STYLE

    colours, texts = [STATUS_STYLE["info"][0]], [""]
    for c in changes_pct:
        if c is None:
            colours.append(STATUS_STYLE["info"][0])
            texts.append("")
            continue
        status = "flag" if c > 15 + 1e-9 else "watch" if c > 10 + 1e-9 else "good"
        colours.append(STATUS_STYLE[status][0])
        texts.append(f"{c:+.0f}%")
    weeks = [f"Week {i}" for i in range(1, len(weekly) + 1)]
    fig = go.Figure(go.Bar(x=weeks, y=list(weekly), marker_color=colours[:len(weekly)],
                           text=texts[:len(weekly)], textposition="outside",
                           hovertemplate="%{x}: %{y:.1f} " + unit + "<extra></extra>"))
    fig.update_layout(height=280, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      template="plotly_white", yaxis_title=unit, showlegend=False)
    return fig
