"""Exercise illustrations drawn by gaitcam itself: posed stick figures rendered to SVG text.

An illustration spec (stored with each exercise in `gaitcam/data/exercises.json`) is::

    {"camera": {"yaw": 0, "pitch": 0},            # see figure.camera_matrix
     "motion": true,                               # last frame: ghost of the one before + arrow
     "arrows": ["r_toe", "l_hand"],                # optional: points to draw motion arrows on
     "frames": [{"label": "Start",
                 "pose": {"r_hip_flex": 30, ...},  # joint angles, degrees (see figure.py)
                 "reach": {"r_hand": "r_knee"},    # optional: place a hand on a point (or the
                                                   #   midpoint of two points)
                 "contact": ["r_heel", "head"],   # optional: tilt `solve` until both touch
                 "solve": "body_pitch",            #   the floor (default angle: body_pitch)
                 "flat": ["l"],                    # optional: feet set flat (ankle solved)
                 "mark": "good" | "avoid",         # optional tick / cross
                 "props": ["mat", {"kind": "step", "under": "r_toe", "height": 0.2}, ...]},
                ...]}

Prop kinds: "mat", "metronome" (with "text"), "plumb" (vertical line "at" a point), "step" (a
box "under" a point of given "height" in m; the figure stands on it), "stool" (a seat "under" a
point), "strap" ("from" a point "to" a point), "cushion" ("under" a point). Without "arrows",
the point that moved most gets the arrow. Pure string generation: no I/O, no network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

import numpy as np

from gaitcam.advice import figure

PANEL_W = 240.0
PANEL_H = 190.0
PANEL_MIN_H = 120.0
LABEL_H = 30.0
MARGIN = 14.0

NEAR_RGB = np.array([0x1d, 0x3f, 0x63])
FAR_RGB = np.array([0x9d, 0xb7, 0xd1])
GHOST = "#c8d2dd"
ACCENT = "#d9661f"
FLOOR_FILL = "#eef1f4"
FLOOR_LINE = "#7b8794"

PROP_KINDS = frozenset({"mat", "metronome", "plumb", "step", "stool", "strap", "cushion"})

#: (from point, to point, width in m) of every drawn segment except the spine and head.
SEGMENTS: tuple[tuple[str, str, float], ...] = (
    ("l_hip", "r_hip", 0.10),
    ("l_shoulder", "r_shoulder", 0.08),
    ("neck", "head", 0.06),
    *((f"{s}_{a}", f"{s}_{b}", w) for s in ("l", "r") for a, b, w in (
        ("hip", "knee", 0.10), ("knee", "ankle", 0.075), ("heel", "toe", 0.05),
        ("ankle", "heel", 0.05), ("shoulder", "elbow", 0.065), ("elbow", "hand", 0.055),
    )),
)
SPINE_WIDTH = 0.13
#: Points watched for the motion arrow, in order of preference when they move alike.
MOVERS = ("r_toe", "l_toe", "r_hand", "l_hand", "r_knee", "l_knee", "mid_hip", "mid_back", "head")


def _prop(p: str | Mapping[str, Any]) -> dict[str, Any]:
    return {"kind": p} if isinstance(p, str) else dict(p)


def frame_points(frame: Mapping[str, Any]) -> dict[str, np.ndarray]:
    """Grounded 3-D points (m) of one illustration frame (contacts solved, step anchored)."""
    pose = dict(frame["pose"])
    for hand, target in frame.get("reach", {}).items():
        pose = figure.solve_reach(pose, hand, target if isinstance(target, str) else tuple(target))
    # Flattening a foot moves its heel, so settle contacts and flat feet together.
    for _ in range(2 if frame.get("flat") else 1):
        for side in frame.get("flat", ()):
            pose = figure.solve_flat_foot(pose, side)
        if "contact" in frame:
            a, b = frame["contact"]
            pose = figure.solve_contact(pose, a, b, frame.get("solve", "body_pitch"))
    pts = figure.pose_points(pose)
    for prop in map(_prop, frame.get("props", ())):
        if prop["kind"] == "step":
            return figure.ground(pts, prop["under"], float(prop["height"]))
    return figure.ground(pts)


def _hex(rgb: np.ndarray) -> str:
    r, g, b = (int(round(c)) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _f(v: float) -> str:
    return f"{v:.1f}"


class _Panel:
    """Maps view coordinates (m, y up) of one panel to SVG pixels."""

    def __init__(self, index: int, scale: float, cx: float, floor_y: float, top: float):
        self.ox = index * PANEL_W
        self.scale, self.cx, self.floor_y, self.top = scale, cx, floor_y, top

    def xy(self, v: np.ndarray) -> tuple[float, float]:
        x = self.ox + PANEL_W / 2 + (v[0] - self.cx) * self.scale
        y = MARGIN + (self.top - v[1]) * self.scale
        return x, y


def _floor_corners(world: Sequence[Mapping[str, np.ndarray]]) -> list[np.ndarray]:
    xs = [v[0] for pts in world for v in pts.values()]
    zs = [v[2] for pts in world for v in pts.values()]
    x0, x1 = min(xs) - 0.25, max(xs) + 0.25
    z0, z1 = min(zs) - 0.25, max(zs) + 0.25
    return [np.array([x, 0.0, z]) for x, z in ((x0, z0), (x1, z0), (x1, z1), (x0, z1))]


def _figure_svg(view: Mapping[str, np.ndarray], panel: _Panel, ghost: bool) -> list[str]:
    """Capsule segments, far to near, then the head; `ghost` draws it faint and flat."""
    depths = [v[2] for v in view.values()]
    z0, z1 = min(depths), max(depths)

    def colour(z: float) -> str:
        if ghost:
            return GHOST
        t = 1.0 if z1 - z0 < 0.05 else (z - z0) / (z1 - z0)
        return _hex(FAR_RGB + (NEAR_RGB - FAR_RGB) * t)

    items: list[tuple[float, str]] = []
    s = panel.scale
    for a, b, w in SEGMENTS:
        (xa, ya), (xb, yb) = panel.xy(view[a]), panel.xy(view[b])
        z = (view[a][2] + view[b][2]) / 2
        line = f'x1="{_f(xa)}" y1="{_f(ya)}" x2="{_f(xb)}" y2="{_f(yb)}"'
        items.append((z, (
            f'<line {line} stroke="#ffffff" stroke-width="{_f(w * s + 3)}"/>'
            if not ghost else "") + f'<line {line} stroke="{colour(z)}" '
            f'stroke-width="{_f(w * s)}"/>'))
    hip, back, neck = (panel.xy(view[k]) for k in ("mid_hip", "mid_back", "neck"))
    ctrl = (2 * back[0] - (hip[0] + neck[0]) / 2, 2 * back[1] - (hip[1] + neck[1]) / 2)
    d = f"M{_f(hip[0])},{_f(hip[1])} Q{_f(ctrl[0])},{_f(ctrl[1])} {_f(neck[0])},{_f(neck[1])}"
    zb = view["mid_back"][2]
    items.append((zb, (f'<path d="{d}" fill="none" stroke="#ffffff" '
                       f'stroke-width="{_f(SPINE_WIDTH * s + 3)}"/>' if not ghost else "")
                  + f'<path d="{d}" fill="none" stroke="{colour(zb)}" '
                  f'stroke-width="{_f(SPINE_WIDTH * s)}"/>'))
    items.sort(key=lambda item: item[0])
    out = [svg for _, svg in items]
    hx, hy = panel.xy(view["head"])
    stroke = "" if ghost else ' stroke="#ffffff" stroke-width="1.5"'
    out.append(f'<circle cx="{_f(hx)}" cy="{_f(hy)}" r="{_f(figure.HEAD_RADIUS * s)}" '
               f'fill="{colour(view["head"][2])}"{stroke}/>')
    group = ' opacity="0.7"' if ghost else ""
    return [f'<g stroke-linecap="round"{group}>', *out, "</g>"]


def _arrow(p0: tuple[float, float], p1: tuple[float, float]) -> str:
    """A slightly curved arrow from p0 to p1 (SVG px), head drawn as a polygon (no ids)."""
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    length = float(np.hypot(dx, dy))
    ux, uy = dx / length, dy / length
    x0, y0 = x0 + ux * 4, y0 + uy * 4
    x1, y1 = x1 - ux * 6, y1 - uy * 6
    # Bow the shaft sideways by 15% of its length so it reads as a motion path.
    cx, cy = (x0 + x1) / 2 - uy * 0.15 * length, (y0 + y1) / 2 + ux * 0.15 * length
    tx, ty = x1 - cx, y1 - cy
    tl = float(np.hypot(tx, ty)) or 1.0
    tx, ty = tx / tl, ty / tl
    head = [(x1 + tx * 7, y1 + ty * 7), (x1 - ty * 5, y1 + tx * 5), (x1 + ty * 5, y1 - tx * 5)]
    pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in head)
    return (f'<path d="M{_f(x0)},{_f(y0)} Q{_f(cx)},{_f(cy)} {_f(x1)},{_f(y1)}" fill="none" '
            f'stroke="{ACCENT}" stroke-width="2.5" stroke-dasharray="5 3"/>'
            f'<polygon points="{pts}" fill="{ACCENT}"/>')


def _props_svg(props: Sequence[dict[str, Any]], view: Mapping[str, np.ndarray], panel: _Panel,
               front: bool) -> list[str]:
    out: list[str] = []
    s = panel.scale
    for p in props:
        kind = p["kind"]
        if kind == "mat" and not front:
            xs = [panel.xy(v)[0] for v in view.values()]
            y = panel.xy(np.array([0.0, 0.0, 0.0]))[1]
            x0, x1 = max(panel.ox + 4, min(xs) - 12), min(panel.ox + PANEL_W - 4, max(xs) + 12)
            out.append(f'<rect x="{_f(x0)}" y="{_f(y - 3)}" width="{_f(x1 - x0)}" height="5" '
                       f'rx="2.5" fill="#7fb3a3"/>')
        elif kind == "step" and not front:
            x, y = panel.xy(view[p["under"]])
            h = float(p["height"]) * s
            out.append(f'<rect x="{_f(x - 0.32 * s)}" y="{_f(y)}" width="{_f(0.36 * s)}" '
                       f'height="{_f(h)}" fill="#d7c8b0" stroke="#9a8466" stroke-width="1.5"/>')
        elif kind == "stool" and not front:
            x, y = panel.xy(view[p["under"]])
            y_floor = panel.xy(np.zeros(3))[1]
            out.append(f'<rect x="{_f(x - 0.2 * s)}" y="{_f(y + 0.06 * s)}" width="{_f(0.4 * s)}" '
                       f'height="{_f(y_floor - y - 0.06 * s)}" rx="3" fill="#d7c8b0" '
                       f'stroke="#9a8466" stroke-width="1.5"/>')
        elif kind == "cushion" and not front:
            x, y = panel.xy(view[p["under"]])
            out.append(f'<ellipse cx="{_f(x)}" cy="{_f(y + 0.03 * s)}" rx="{_f(0.09 * s)}" '
                       f'ry="{_f(0.035 * s)}" fill="#e2c27d"/>')
        elif kind == "plumb" and not front:
            x, _ = panel.xy(view[p["at"]])
            y_floor = panel.xy(np.zeros(3))[1]
            out.append(f'<line x1="{_f(x)}" y1="{_f(MARGIN - 4)}" x2="{_f(x)}" y2="{_f(y_floor)}" '
                       f'stroke="{ACCENT}" stroke-width="1.5" stroke-dasharray="4 4"/>')
        elif kind == "strap" and front:
            (xa, ya), (xb, yb) = panel.xy(view[p["from"]]), panel.xy(view[p["to"]])
            out.append(f'<line x1="{_f(xa)}" y1="{_f(ya)}" x2="{_f(xb)}" y2="{_f(yb)}" '
                       f'stroke="#b5651d" stroke-width="2.5" stroke-linecap="round"/>')
        elif kind == "metronome" and front:
            x, y = panel.ox + 22, MARGIN + 6
            out.append(
                f'<g><polygon points="{_f(x)},{_f(y + 38)} {_f(x + 26)},{_f(y + 38)} '
                f'{_f(x + 19)},{_f(y)} {_f(x + 7)},{_f(y)}" fill="#f2d3b8" stroke="{ACCENT}" '
                f'stroke-width="1.5"/><line x1="{_f(x + 13)}" y1="{_f(y + 32)}" '
                f'x2="{_f(x + 21)}" y2="{_f(y + 6)}" stroke="{ACCENT}" stroke-width="2"/>'
                f'<text x="{_f(x + 32)}" y="{_f(y + 24)}" font-size="13" fill="{ACCENT}" '
                f'font-weight="bold">{escape(str(p.get("text", "")))}</text></g>')
    return out


def _mark_svg(mark: str, panel: _Panel) -> str:
    x, y = panel.ox + PANEL_W - 24, MARGIN + 8
    if mark == "good":
        return (f'<circle cx="{_f(x)}" cy="{_f(y)}" r="11" fill="#2e8b57"/>'
                f'<path d="M{_f(x - 5)},{_f(y)} l4,4 l7,-8" fill="none" stroke="#ffffff" '
                f'stroke-width="2.5"/>')
    return (f'<circle cx="{_f(x)}" cy="{_f(y)}" r="11" fill="#c0392b"/>'
            f'<path d="M{_f(x - 5)},{_f(y - 5)} l10,10 M{_f(x + 5)},{_f(y - 5)} l-10,10" '
            f'stroke="#ffffff" stroke-width="2.5"/>')


def render_svg(spec: Mapping[str, Any], title: str = "") -> str:
    """Render an illustration spec (see module doc) to a standalone SVG string.

    Frames sit side by side (240 x 220 px each), sharing one scale and floor line.
    """
    frames = list(spec["frames"])
    motion = bool(spec.get("motion", True))
    cam = spec.get("camera", {})
    yaw, pitch = float(cam.get("yaw", 0.0)), float(cam.get("pitch", 0.0))
    world = [frame_points(f) for f in frames]
    views = [figure.project(w, yaw, pitch) for w in world]
    floor = [figure.project({str(i): c for i, c in enumerate(_floor_corners(world))}, yaw, pitch)]

    everything = [v for view in views + floor for v in view.values()]
    r = figure.HEAD_RADIUS
    x0, x1 = min(v[0] for v in everything) - r, max(v[0] for v in everything) + r
    y0, y1 = min(v[1] for v in everything), max(v[1] for v in everything) + r
    scale = min((PANEL_W - 2 * MARGIN) / (x1 - x0), (PANEL_H - 2 * MARGIN) / (y1 - y0))
    # Low figures (lying, kneeling) get a shorter panel rather than empty space above them.
    panel_h = max(PANEL_MIN_H, (y1 - y0) * scale + 2 * MARGIN)
    top = y1 + ((panel_h - 2 * MARGIN) / scale - (y1 - y0)) / 2
    panels = [_Panel(i, scale, (x0 + x1) / 2, 0.0, top) for i in range(len(frames))]

    width, height = PANEL_W * len(frames), panel_h + LABEL_H
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_f(width)} {_f(height)}" '
           f'width="{_f(width)}" height="{_f(height)}" role="img" '
           f'aria-label="{escape(title)}" font-family="Helvetica, Arial, sans-serif">',
           f"<title>{escape(title)}</title>",
           f'<rect x="0" y="0" width="{_f(width)}" height="{_f(height)}" fill="#ffffff"/>']
    corners = list(floor[0].values())
    for i, (frame, view, panel) in enumerate(zip(frames, views, panels, strict=True)):
        props = [_prop(p) for p in frame.get("props", ())]
        poly = " ".join(f"{_f(x)},{_f(y)}" for x, y in (panel.xy(c) for c in corners))
        out.append(f'<polygon points="{poly}" fill="{FLOOR_FILL}" stroke="none"/>')
        fy = panel.xy(np.zeros(3))[1]
        if abs(pitch) < 15:  # seen from well above, the floor is the polygon, not a line
            out.append(f'<line x1="{_f(panel.ox + 6)}" y1="{_f(fy)}" '
                       f'x2="{_f(panel.ox + PANEL_W - 6)}" y2="{_f(fy)}" stroke="{FLOOR_LINE}" '
                       f'stroke-width="1.5"/>')
        out.extend(_props_svg(props, view, panel, front=False))
        if motion and i == len(frames) - 1 and i > 0:
            out.extend(_figure_svg(views[i - 1], panel, ghost=True))
        out.extend(_figure_svg(view, panel, ghost=False))
        out.extend(_props_svg(props, view, panel, front=True))
        if motion and i == len(frames) - 1 and i > 0:
            before = views[i - 1]
            moved = {k: float(np.hypot(*(view[k][:2] - before[k][:2]))) for k in MOVERS}
            arrows = spec.get("arrows") or [max(MOVERS, key=lambda k: moved[k] - MOVERS.index(k)
                                                * 1e-3)]
            out.extend(_arrow(panel.xy(before[k]), panel.xy(view[k])) for k in arrows
                       if moved[k] * scale > 14)
        if frame.get("mark") in ("good", "avoid"):
            out.append(_mark_svg(frame["mark"], panel))
        if i > 0:
            out.append(f'<line x1="{_f(panel.ox)}" y1="8" x2="{_f(panel.ox)}" '
                       f'y2="{_f(height - 8)}" stroke="#d5dbe1" stroke-width="1"/>')
        label = f"{i + 1}. {frame.get('label', '')}".strip()
        out.append(f'<text x="{_f(panel.ox + PANEL_W / 2)}" y="{_f(panel_h + 18)}" '
                   f'text-anchor="middle" font-size="14" fill="#1d2b38">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)
