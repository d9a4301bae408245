"""Plotly figures for the physiotherapist pages, built by pure functions from arrays.

- `curves_figure`: normalised gait-cycle curves (mean ± SD) of clips A and B overlaid, one
  subplot per angle.
- `progress_figure`: one metric over a runner's sessions with its good band shaded.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from gaitcam import registry

from .curves import CycleCurve
from .svg import COLOURS

GOOD_FILL = "rgba(47,158,90,0.13)"


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def curves_figure(
    curves_a: Mapping[str, CycleCurve],
    curves_b: Mapping[str, CycleCurve],
    keys: Sequence[str],
    label_a: str = "A",
    label_b: str = "B",
    reference_foot: str | None = None,
) -> go.Figure:
    """Mean ± SD curves of A and B per key (degrees vs % gait cycle), side by side."""
    keys = [k for k in keys if k in curves_a and k in curves_b]
    n = max(1, len(keys))
    titles = [f"{curves_a[k].label} ({curves_a[k].sign})" for k in keys] or ["no curves"]
    fig = make_subplots(rows=1, cols=n, subplot_titles=titles, horizontal_spacing=0.08)
    for col, key in enumerate(keys, 1):
        for tag, curves, name in (("a", curves_a, label_a), ("b", curves_b, label_b)):
            c = curves[key]
            colour = COLOURS[tag]
            x = c.phase
            fig.add_trace(go.Scatter(
                x=np.concatenate([x, x[::-1]]),
                y=np.concatenate([c.mean + c.sd, (c.mean - c.sd)[::-1]]),
                fill="toself", fillcolor=_rgba(colour, 0.16), line={"width": 0},
                hoverinfo="skip", showlegend=False, legendgroup=tag), row=1, col=col)
            fig.add_trace(go.Scatter(
                x=x, y=c.mean, mode="lines", line={"color": colour, "width": 2.2},
                name=f"{name} (n={c.n_strides} strides)", legendgroup=tag,
                showlegend=col == 1,
                hovertemplate="%{y:.1f}° at %{x:.0f}% of the cycle<extra>" + name + "</extra>",
            ), row=1, col=col)
        fig.update_xaxes(title_text="% gait cycle", range=[0, 100], row=1, col=col)
        fig.update_yaxes(title_text="degrees" if col == 1 else None, row=1, col=col)
    foot = f" ({reference_foot} foot contact = 0 %)" if reference_foot else ""
    fig.update_layout(
        height=340, template="plotly_white", margin={"l": 10, "r": 10, "t": 60, "b": 10},
        legend={"orientation": "h", "y": -0.25, "x": 0},
        title={"text": "Angles over the gait cycle, mean ± SD" + foot, "font": {"size": 14}},
    )
    return fig


def _band(key: str) -> tuple[float | None, float | None] | None:
    m = registry.METRICS.get(key)
    return None if m is None or m.good is None else m.good


def progress_figure(
    dates: Sequence[datetime],
    values: Sequence[float | str],
    key: str,
    labels: Sequence[str] | None = None,
    title: str | None = None,
) -> go.Figure:
    """One metric over sessions: a line with markers, the good band shaded (numbers only)."""
    m = registry.METRICS.get(key)
    unit = m.unit if m else ""
    name = m.label if m else key
    labels = list(labels or [""] * len(values))
    fig = go.Figure()
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
    if numeric and values:
        ys = np.asarray(values, dtype=float)
        band = _band(key)
        if band is not None:
            lo, hi = band
            lo_view = min(float(np.nanmin(ys)), lo if lo is not None else np.inf)
            hi_view = max(float(np.nanmax(ys)), hi if hi is not None else -np.inf)
            pad = 0.15 * max(hi_view - lo_view, 2.0)
            bottom, top = lo_view - pad, hi_view + pad
            y0 = bottom - pad if lo is None else lo
            y1 = top + pad if hi is None else hi
            fig.add_hrect(y0=y0, y1=y1, fillcolor=GOOD_FILL, line_width=0, layer="below")
            fig.add_annotation(x=0, xref="x domain", y=min(y1, top), yanchor="top",
                               xanchor="left", text="good band", showarrow=False,
                               font={"size": 10, "color": "#2f9e5a"})
            fig.update_yaxes(range=[bottom, top])
        fig.add_trace(go.Scatter(
            x=list(dates), y=ys, mode="lines+markers", line={"color": COLOURS["a"], "width": 2},
            marker={"size": 9}, text=labels, name=name,
            hovertemplate="%{y:.1f} " + unit + " on %{x|%d %b %Y}<br>%{text}<extra></extra>"))
    else:
        fig.add_trace(go.Scatter(
            x=list(dates), y=[str(v) for v in values], mode="lines+markers", text=labels,
            line={"color": COLOURS["a"], "width": 2}, marker={"size": 9}, name=name,
            hovertemplate="%{y} on %{x|%d %b %Y}<br>%{text}<extra></extra>"))
    fig.update_layout(
        title={"text": title or f"{name} over sessions", "font": {"size": 14}},
        height=340, template="plotly_white", margin={"l": 10, "r": 10, "t": 50, "b": 10},
        yaxis_title=unit or None, xaxis_title="session date", showlegend=False,
        plot_bgcolor="rgba(0,0,0,0)",
    )
    return fig
