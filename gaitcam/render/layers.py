"""Overlay layers: each is configured once and draws one thing with `annotate(frame, ctx)`.

A layer draws in place on a BGR uint8 frame (H, W, 3) and returns it, so layers stack by calling
them in turn (see `OverlayRenderer`). Layers read only the `FrameContext`; points that are NaN
or below the layer's `min_visibility` are not drawn, and a frame without a runner gets nothing
but the HUD. Sizes scale with the frame (theme.Scale), all strokes are anti-aliased.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import cv2
import numpy as np

from gaitcam.landmarks import EDGES, LEFT_HIP, NAMES, NOSE, RIGHT_HIP, SIDE
from gaitcam.render import _angles
from gaitcam.render import theme as th
from gaitcam.render.context import FrameContext

DEG = th.DEGREE


class Layer(Protocol):
    def annotate(self, frame: np.ndarray, ctx: FrameContext) -> np.ndarray: ...


def _visible_xy(ctx: FrameContext, min_visibility: float) -> np.ndarray:
    """ctx.xy with points below `min_visibility` set to NaN."""
    xy = np.array(ctx.xy, dtype=np.float64)
    xy[np.asarray(ctx.visibility) < min_visibility] = np.nan
    return xy


def _line(img: np.ndarray, p0: np.ndarray, p1: np.ndarray, color: th.Color, thickness: int,
          outline: bool = True) -> None:
    """A line with a thin dark outline so it stays visible on light backgrounds."""
    if outline:
        cv2.line(img, th.ipt(p0), th.ipt(p1), th.DARK, thickness + 2, th.AA)
    cv2.line(img, th.ipt(p0), th.ipt(p1), color, thickness, th.AA)


def _dot(img: np.ndarray, p: np.ndarray, radius: int, color: th.Color) -> None:
    cv2.circle(img, th.ipt(p), radius + 1, th.DARK, -1, th.AA)
    cv2.circle(img, th.ipt(p), radius, color, -1, th.AA)


def _arc(img: np.ndarray, center: np.ndarray, radius: float, a0: float, a1: float,
         color: th.Color, thickness: int) -> None:
    """The shorter arc from direction a0 to a1 (degrees, image convention: clockwise, y down)."""
    delta = (a1 - a0 + 540.0) % 360.0 - 180.0
    r = max(1, round(radius))
    cv2.ellipse(img, th.ipt(center), (r, r), 0.0, a0, a0 + delta, color, thickness, th.AA)


def _direction_deg(v: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(v[1], v[0])))


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _side_of(i: int) -> str | None:
    name = NAMES[i]
    return "left" if name.startswith("left_") else "right" if name.startswith("right_") else None


class SkeletonLayer:
    """Body edges and joints, the runner's left and right legs and arms in different colours.

    Points below `min_visibility` are skipped; edges touching a point below `dim_below` are drawn
    darker and thinner (the far, hidden limb in a side view). The side the model sees less well
    is drawn first so the near limbs stay on top.
    """

    def __init__(self, min_visibility: float = 0.3, dim_below: float = 0.6,
                 edges: Sequence[tuple[int, int]] = EDGES, head: bool = True) -> None:
        self.min_visibility = min_visibility
        self.dim_below = dim_below
        self.edges = tuple(edges)
        self.head = head

    def annotate(self, frame: np.ndarray, ctx: FrameContext) -> np.ndarray:
        if not ctx.detected:
            return frame
        sc = th.scale_of(frame)
        xy = _visible_xy(ctx, self.min_visibility)
        vis = np.asarray(ctx.visibility, float)
        ok = np.isfinite(xy).all(axis=1)
        side_vis = {
            s: float(np.mean([vis[j] for j in SIDE[s].values()])) for s in ("left", "right")
        }
        order = {None: 0, **{s: 1 + r for r, s in enumerate(sorted(side_vis, key=side_vis.get))}}

        def edge_side(e: tuple[int, int]) -> str | None:
            sa, sb = _side_of(e[0]), _side_of(e[1])
            return sa if sa == sb else None

        for a, b in sorted(self.edges, key=lambda e: order[edge_side(e)]):
            if not (ok[a] and ok[b]):
                continue
            side = edge_side((a, b))
            color = th.side_color(side) if side else th.TRUNK
            thick = sc.line
            if min(vis[a], vis[b]) < self.dim_below:
                color, thick = th.dim(color), sc.thin
            _line(frame, xy[a], xy[b], color, thick)
        joints = sorted({j for e in self.edges for j in e}, key=lambda j: order[_side_of(j)])
        for j in joints:
            if ok[j]:
                side = _side_of(j)
                color = th.side_color(side) if side else th.TRUNK
                if vis[j] < self.dim_below:
                    color = th.dim(color)
                _dot(frame, xy[j], sc.joint, color)
        if self.head and ok[NOSE]:
            cv2.circle(frame, th.ipt(xy[NOSE]), round(sc.joint * 1.8), th.TRUNK, sc.thin, th.AA)
        return frame


class TrunkLayer:
    """Trunk line (mid-hip -> mid-shoulder), a dashed plumb line from mid-hip, and its angle.

    Side view label: "12° fwd" / "3° back" (positive trunk_lean_deg = toward the facing
    direction; no direction word when facing is unknown). Rear/front view: "4° R" / "4° L",
    toward the runner's right/left (lateral_trunk_lean_deg, + = toward the runner's left).
    Colour from the run's metric status.
    """

    def __init__(self, min_visibility: float = 0.3,
                 views: Sequence[str] = ("side", "rear", "front")) -> None:
        self.min_visibility = min_visibility
        self.views = tuple(views)

    @staticmethod
    def text(ctx: FrameContext) -> str | None:
        """The angle label this layer draws for `ctx`, or None."""
        if ctx.view == "side":
            a = ctx.angle("trunk_lean_deg")
            if a is None:
                return None
            if ctx.facing not in ("left", "right") or round(a) == 0:
                return f"{abs(a):.0f}{DEG}"
            return f"{abs(a):.0f}{DEG} " + ("fwd" if a > 0 else "back")
        a = ctx.angle("lateral_trunk_lean_deg")
        if a is None:
            return None
        return f"{abs(a):.0f}{DEG}" if round(a) == 0 else f"{abs(a):.0f}{DEG} " + (
            "L" if a > 0 else "R")

    def annotate(self, frame: np.ndarray, ctx: FrameContext) -> np.ndarray:
        if ctx.view not in self.views or not ctx.detected:
            return frame
        xy = _visible_xy(ctx, self.min_visibility)
        hip, sh = _angles.mid_hip(xy), _angles.mid_shoulder(xy)
        if not th.finite(hip, sh):
            return frame
        length = float(np.hypot(*(sh - hip)))
        if length < 8:
            return frame
        sc = th.scale_of(frame)
        key = "trunk_lean_deg" if ctx.view == "side" else "lateral_trunk_lean_deg"
        accent = th.status_color(ctx.statuses.get(key))
        top = hip + np.array([0.0, -1.15 * length])
        th.dashed_line(frame, hip, top, th.PLUMB, sc.thin, dash=10 * sc.unit, gap=7 * sc.unit)
        _arc(frame, hip, 0.32 * length, -90.0, _direction_deg(sh - hip), accent, sc.line)
        _line(frame, hip, sh, th.TRUNK, sc.line + 1)
        _dot(frame, hip, sc.joint, th.TRUNK)
        _dot(frame, sh, sc.joint, th.TRUNK)
        text = self.text(ctx)
        if text:
            gap = 10 * sc.unit
            # put the label on the far side of the plumb line from the trunk
            if sh[0] <= hip[0]:
                th.label(frame, text, (top[0] + gap, top[1]), align="left", accent=accent,
                         font_scale=sc.font)
            else:
                th.label(frame, text, (top[0] - gap, top[1]), align="right", accent=accent,
                         font_scale=sc.font)
        return frame


class KneeAngleLayer:
    """Knee flexion at each knee: dashed thigh extension past the knee, the arc from it to the
    shank (so the arc spans the flexion angle itself), and the value ("L 32°")."""

    def __init__(self, sides: Sequence[str] = ("left", "right"), min_visibility: float = 0.3,
                 views: Sequence[str] = ("side",)) -> None:
        self.sides = tuple(sides)
        self.min_visibility = min_visibility
        self.views = tuple(views)

    def annotate(self, frame: np.ndarray, ctx: FrameContext) -> np.ndarray:
        if ctx.view not in self.views or not ctx.detected:
            return frame
        sc = th.scale_of(frame)
        xy = _visible_xy(ctx, self.min_visibility)
        for side in self.sides:
            s = SIDE[side]
            hip, knee, ankle = xy[s["hip"]], xy[s["knee"]], xy[s["ankle"]]
            if not th.finite(hip, knee, ankle):
                continue
            thigh, shank = knee - hip, ankle - knee
            lt, ls = float(np.hypot(*thigh)), float(np.hypot(*shank))
            if min(lt, ls) < 6:
                continue
            u, v = thigh / lt, shank / ls
            color = th.side_color(side)
            if min(ctx.visibility[s["hip"]], ctx.visibility[s["knee"]],
                   ctx.visibility[s["ankle"]]) < 0.6:
                color = th.dim(color, 0.7)
            radius = max(14 * sc.unit, 0.3 * min(lt, ls))
            th.dashed_line(frame, knee, knee + u * 0.55 * ls, color, sc.thin,
                           dash=7 * sc.unit, gap=5 * sc.unit)
            _arc(frame, knee, radius, _direction_deg(u), _direction_deg(v), color, sc.line)
            value = ctx.angle(f"knee_flexion_{side}_deg")
            if value is None:
                continue
            # the label goes inside the bend (bisector of hip-knee-ankle), where the leg leaves
            # empty space; for a nearly straight leg, beside the knee on the back side
            inside = v - u
            if np.hypot(*inside) < 0.3:
                back = 1.0 if ctx.facing == "left" else -1.0 if ctx.facing == "right" else 1.0
                inside = np.array([-u[1], u[0]])
                inside *= np.sign(inside[0] * back) or 1.0
            inside /= np.hypot(*inside)
            text = f"{side[0].upper()} {value:.0f}{DEG}"
            x0, y0, x1, y1 = th.label_box(frame, text, (0, 0), align="center", accent=True)
            dist = 12 * sc.unit + abs(inside[0]) * (x1 - x0) / 2 + abs(inside[1]) * (y1 - y0) / 2
            at = knee + inside * dist
            th.label(frame, text, (at[0], at[1]), align="center", accent=th.side_color(side))
        return frame


class ContactMarkerLayer:
    """A marker at each recent foot contact (ring + ground tick) labelled with the side and
    strike pattern ("L rearfoot"); shown fully for `hold_s`, then fading out by `fade_s`.
    An older contact whose marker would overlap a newer one is not drawn (on a treadmill the
    feet land in the same place)."""

    def __init__(self, fade_s: float = 0.5, hold_s: float = 0.15) -> None:
        self.fade_s = fade_s
        self.hold_s = min(hold_s, fade_s)

    def alpha(self, age_s: float) -> float:
        if age_s <= self.hold_s:
            return 1.0
        if age_s >= self.fade_s:
            return 0.0
        return 1.0 - (age_s - self.hold_s) / (self.fade_s - self.hold_s)

    def annotate(self, frame: np.ndarray, ctx: FrameContext) -> np.ndarray:
        sc = th.scale_of(frame)
        drawn: list[tuple[int, int, int, int]] = []
        for c in sorted(ctx.contacts, key=lambda c: c.age_s):
            a = self.alpha(c.age_s)
            if a <= 0 or not th.finite(c.xy):
                continue
            p = np.asarray(c.xy, float)
            r = 10 * sc.unit
            color = th.side_color(c.side)
            text = f"{c.side[0].upper()} {c.pattern or 'contact'}"
            anchor = (p[0], p[1] + 1.6 * r + 14 * sc.unit)
            box = th.label_box(frame, text, anchor, align="center", accent=True)
            m = int(2.4 * r + sc.line + 3)
            bbox = (min(box[0], int(p[0]) - m), min(box[1], int(p[1]) - m),
                    max(box[2], int(p[0]) + m), max(box[3], int(p[1]) + m))
            if any(_overlap(bbox, d) for d in drawn):
                continue
            drawn.append(bbox)

            def draw(img: np.ndarray, p=p, r=r, color=color, text=text, anchor=anchor) -> None:
                _line(img, p - [2.2 * r, 0], p + [2.2 * r, 0], color, sc.thin)
                cv2.circle(img, th.ipt(p), round(r), th.DARK, sc.line + 2, th.AA)
                cv2.circle(img, th.ipt(p), round(r), color, sc.line, th.AA)
                cv2.circle(img, th.ipt(p), max(2, round(0.35 * r)), color, -1, th.AA)
                th.label(img, text, anchor, align="center", accent=color)

            th.faded(frame, a, bbox, draw)
        return frame


class PelvisLayer:
    """Rear/front view: the hip line extended past both hips, a dashed horizontal reference and
    the obliquity ("Pelvis 3°, L low" = the runner's left hip lower; pelvic_obliquity_deg is
    + when the right hip is lower); coloured by the run's pelvic_drop_deg status."""

    def __init__(self, extend: float = 0.45, min_visibility: float = 0.3,
                 views: Sequence[str] = ("rear", "front")) -> None:
        self.extend = extend
        self.min_visibility = min_visibility
        self.views = tuple(views)

    @staticmethod
    def text(ctx: FrameContext) -> str | None:
        a = ctx.angle("pelvic_obliquity_deg")
        if a is None:
            return None
        if round(a) == 0:
            return "Pelvis level"
        return f"Pelvis {abs(a):.0f}{DEG}, {'R' if a > 0 else 'L'} low"

    def annotate(self, frame: np.ndarray, ctx: FrameContext) -> np.ndarray:
        if ctx.view not in self.views or not ctx.detected:
            return frame
        xy = _visible_xy(ctx, self.min_visibility)
        left, right = xy[LEFT_HIP], xy[RIGHT_HIP]
        if not th.finite(left, right):
            return frame
        d = right - left
        width = float(np.hypot(*d))
        if width < 4:
            return frame
        sc = th.scale_of(frame)
        u = d / width
        p0, p1 = left - u * self.extend * width, right + u * self.extend * width
        mid = (left + right) / 2
        half = np.array([np.hypot(*(p1 - p0)) / 2, 0.0])
        color = th.status_color(ctx.statuses.get("pelvic_drop_deg"))
        th.dashed_line(frame, mid - half, mid + half, th.PLUMB, sc.thin,
                       dash=8 * sc.unit, gap=6 * sc.unit)
        _line(frame, p0, p1, color, sc.line + 1)
        _dot(frame, left, sc.joint, th.side_color("left"))
        _dot(frame, right, sc.joint, th.side_color("right"))
        text = self.text(ctx)
        if text:
            end = p1 if p1[0] >= p0[0] else p0
            th.label(frame, text, (end[0] + 10 * sc.unit, end[1]), accent=color)
        return frame


class HudLayer:
    """A small translucent panel, top-left, listing the run's metrics with a status dot each."""

    def __init__(self, title: str | None = "This run", max_rows: int = 7,
                 alpha: float = 0.6) -> None:
        self.title = title
        self.max_rows = max_rows
        self.alpha = alpha

    def annotate(self, frame: np.ndarray, ctx: FrameContext) -> np.ndarray:
        rows = list(ctx.hud.items())[: self.max_rows]
        if not rows:
            return frame
        sc = th.scale_of(frame)
        fs, t = sc.font_small, sc.text_thickness
        _, cap, base = th.text_size("Ag", fs, t)
        row_h = cap + base + sc.pad
        dot_r = max(3, round(cap * 0.35))
        label_w = max(th.text_size(k, fs, t)[0] for k, _ in rows)
        value_w = max(th.text_size(v.text, fs, t)[0] for _, v in rows)
        title_fs = fs * 0.85
        title_h = th.text_size("A", title_fs, t)[1] + sc.pad if self.title else 0
        margin = round(12 * sc.unit)
        x0, y0 = margin, margin
        width = sc.pad * 4 + 2 * dot_r + label_w + value_w + sc.pad
        height = sc.pad * 2 + title_h + row_h * len(rows) - (sc.pad - base) // 2
        h, w = frame.shape[:2]
        width, height = min(width, w - 2 * margin), min(height, h - 2 * margin)
        th.blend_rect(frame, x0, y0, x0 + width, y0 + height, th.DARK, self.alpha)
        y = y0 + sc.pad
        if self.title:
            y += title_h - sc.pad
            th.put_text(frame, self.title.upper(), x0 + sc.pad, y, title_fs, (170, 170, 170), t)
            y += sc.pad
        for name, value in rows:
            y += cap
            cx = x0 + sc.pad + dot_r
            cv2.circle(frame, (cx, y - cap // 2), dot_r, th.status_color(value.status), -1, th.AA)
            th.put_text(frame, name, cx + dot_r + sc.pad, y, fs, (200, 200, 200), t)
            vx = x0 + width - sc.pad - th.text_size(value.text, fs, t)[0]
            th.put_text(frame, value.text, vx, y, fs, th.WHITE, t)
            y += base + sc.pad
        return frame


def default_layers() -> list[Layer]:
    """The standard stack; each layer draws only in the views it applies to."""
    return [SkeletonLayer(), TrunkLayer(), KneeAngleLayer(), PelvisLayer(),
            ContactMarkerLayer(), HudLayer()]
