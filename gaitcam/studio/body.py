"""The drawn runner: limbs, torso, clothing, shoes and head of one frame, in depth order.

Each body part is one `Part`: a camera depth (metres) and a function drawing it. Parts are drawn
far to near (painter's algorithm); far-side parts are drawn darker. The torso part holds the
neck, shirt, shorts with a waistband that follows the pelvis tilt, and the head. An untucked
shirt (`Appearance.shirt_hem_m` > 0) is part of the same shirt volume, built on the trunk axis
(it tilts with the trunk, not the pelvis) and drawn over the shorts; its part below the waist
is drawn again as the part "shirt_hem", just nearer than the torso and both thighs, because
the thighs' tops are inside the hanging shirt. Sizes are
fractions of standing height H (after Winter's anthropometry), scaled by the `Appearance`
build factors; joint positions come unchanged from the `Skeleton3D`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial

import numpy as np

from gaitcam.landmarks import INDEX
from gaitcam.studio.appearance import Appearance
from gaitcam.studio.rig import CameraRig
from gaitcam.studio.shapes import (
    fill_convex,
    hull,
    line,
    shaded_capsule,
    shaded_convex,
    tint,
)

SIDES = ("left", "right")
#: Names of the drawable parts (for drawing a subset, e.g. in tests).
PART_NAMES = tuple(
    f"{s}_{p}" for s in SIDES
    for p in ("thigh", "shank", "foot", "upper_arm", "forearm", "hand")
) + ("torso", "shirt_hem")

# Shoe side outline in the foot frame, units of foot length: (x forward from the heel, z up).
# The upper sits on the sole; the sole shows below it from every side, heel and toe visible.
_UPPER = np.array([
    (-0.03, 0.07), (-0.04, 0.18), (-0.015, 0.33), (0.1, 0.38), (0.3, 0.36), (0.5, 0.27),
    (0.72, 0.18), (0.9, 0.12), (1.0, 0.07), (1.0, 0.04), (0.95, 0.035),
])
_SOLE = np.array([(-0.035, -0.012), (1.0, -0.012), (1.01, 0.045), (-0.04, 0.09)])
_LACES = np.array([(0.32, 0.34), (0.72, 0.175)])
_FACE_MIN_VIS = 0.12
# Head ellipsoid semi-axes (forward, lateral, up) in head radii: a head is longer than wide.
_HEAD_SEMI = (0.86, 0.7, 1.0)
# Shirt sections on the trunk axis: (height above the hip joints, half-width, half-depth),
# fractions of H, the heights scaled by the runner's trunk length (0.288 H = the shoulders).
_SHIRT = ((0.069, 0.082, 0.058), (0.16, 0.09, 0.064), (0.245, 0.103, 0.062),
          (0.288, 0.112, 0.05), (0.31, 0.085, 0.045), (0.333, 0.045, 0.035))
# An untucked shirt hangs loose below the chest: its waist and hem sections (half-width,
# half-depth, fractions of H); the waist one at the height of the tucked shirt's waist.
_LOOSE_WAIST = (0.095, 0.066)
_LOOSE_HEM = (0.104, 0.07)
#: Top of the waistband above the hip joints, fraction of H (pelvis frame): shirt_hem_m is
#: measured down from here.
WAIST_TOP_H = 0.079
_SHIRT_LAYERS = ((1.0, 0.82), (0.8, 0.93), (0.55, 1.03))


@dataclass(frozen=True)
class Part:
    """One drawable piece: its camera depth (m) and how to draw it onto a BGR image."""

    name: str
    depth: float
    draw: Callable[[np.ndarray], None]


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _ellipse(c: np.ndarray, a1: np.ndarray, a2: np.ndarray, n: int = 20) -> np.ndarray:
    """Points (n, 3) of the 3D ellipse c + cos(t) a1 + sin(t) a2."""
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return c + np.cos(t)[:, None] * a1 + np.sin(t)[:, None] * a2


class RunnerDrawer:
    """Draws the `Skeleton3D` runner seen by a `CameraRig` with an `Appearance`."""

    def __init__(self, sk, rig: CameraRig, appearance: Appearance) -> None:
        self.sk, self.rig, self.app = sk, rig, appearance
        self.H = float(sk.body.height)

    # --- helpers ---------------------------------------------------------------------------

    def _proj(self, i: int, pts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.rig.project(i, pts)

    def _px(self, i: int, r_m: float, depth: float) -> float:
        return float(r_m * self.rig.focal_px / max(depth, 1e-6))

    def _capsule(self, img, i, a, b, r0, r1, colour, shade, cap0=True, cap1=True) -> None:
        (pa, pb), (da, db) = self._proj(i, np.stack([a, b]))
        shaded_capsule(img, pa, pb, self._px(i, r0, da), self._px(i, r1, db), colour, shade,
                       cap0, cap1)

    # --- parts -----------------------------------------------------------------------------

    def parts(self, i: int, only: Iterable[str] | None = None) -> list[Part]:
        """The parts of frame i, far to near (only: restrict to these part names)."""
        j = self.sk.joints[i]
        g = {name: j[k] for name, k in INDEX.items()}
        _, depth = self._proj(i, j)
        d = {name: float(depth[k]) for name, k in INDEX.items()}
        d_torso = float(np.mean([d["left_hip"], d["right_hip"], d["left_shoulder"],
                                 d["right_shoulder"]]))

        def shade(dep: float) -> float:
            # Far limbs darker, near limbs a little lighter: a depth cue, like ambient occlusion.
            return float(np.clip(1.0 - 1.1 * (dep - d_torso), 0.72, 1.08))

        parts: list[Part] = [Part("torso", d_torso, partial(self._torso, i=i, g=g))]
        if self.app.shirt_hem_m > 0:
            d_hem = min(d_torso, *((d[f"{s}_hip"] + d[f"{s}_knee"]) / 2 for s in SIDES)) - 1e-3
            parts.append(Part("shirt_hem", d_hem, partial(self._shirt_hem, i=i, g=g)))
        for s in SIDES:
            dt = (d[f"{s}_hip"] + d[f"{s}_knee"]) / 2
            ds = (d[f"{s}_knee"] + d[f"{s}_ankle"]) / 2
            df = min(d[f"{s}_ankle"], ds) - 1e-3  # the shoe always covers its own ankle
            du = (d[f"{s}_shoulder"] + d[f"{s}_elbow"]) / 2
            dfa = (d[f"{s}_elbow"] + d[f"{s}_wrist"]) / 2
            dh = min(d[f"{s}_wrist"], dfa) - 1e-3
            for name, dep, fn in (
                ("thigh", dt, self._thigh), ("shank", ds, self._shank), ("foot", df, self._shoe),
                ("upper_arm", du, self._upper_arm), ("forearm", dfa, self._forearm),
                ("hand", dh, self._hand),
            ):
                parts.append(Part(f"{s}_{name}", dep, partial(fn, i=i, g=g, s=s, k=shade(dep))))
        if only is not None:
            keep = set(only)
            parts = [p for p in parts if p.name in keep]
        return sorted(parts, key=lambda p: -p.depth)

    def draw(self, img: np.ndarray, i: int, only: Iterable[str] | None = None) -> np.ndarray:
        """Draw the runner of frame i onto img (in place) and return it."""
        for part in self.parts(i, only):
            part.draw(img)
        return img

    # --- legs ------------------------------------------------------------------------------

    def _thigh(self, img, i, g, s, k) -> None:
        H, a = self.H, self.app
        hip, knee = g[f"{s}_hip"], g[f"{s}_knee"]
        r_hip, r_knee = 0.046 * H * a.build, 0.03 * H * a.build
        self._capsule(img, i, hip, knee, r_hip, r_knee, a.skin, k)
        # Shorts leg, with a darker hem band.
        v = knee - hip
        top = hip - 0.25 * r_hip * _unit(v)
        end = hip + a.shorts_length * v
        hem = hip + (a.shorts_length - 0.08) * v
        r_s = 1.12 * r_hip
        r_e = 1.12 * (r_hip + (r_knee - r_hip) * a.shorts_length)
        self._capsule(img, i, top, end, r_s, r_e, a.shorts, k, cap1=False)
        self._capsule(img, i, hem, end, r_e, r_e, tint(a.shorts, 0.65), k, cap0=False, cap1=False)

    def _shank(self, img, i, g, s, k) -> None:
        H, a = self.H, self.app
        knee, ankle = g[f"{s}_knee"], g[f"{s}_ankle"]
        r_k, r_a = 0.03 * H * a.build, 0.017 * H * a.build
        calf = knee + 0.3 * (ankle - knee)
        r_c = 0.033 * H * a.build
        self._capsule(img, i, knee, calf, r_k, r_c, a.skin, k)
        self._capsule(img, i, calf, ankle, r_c, r_a, a.skin, k)
        # Kneecap: on the front of the knee, where the thigh and shank bend.
        hip = g[f"{s}_hip"]
        bis = _unit(hip - knee) + _unit(ankle - knee)
        front = -_unit(bis) if np.linalg.norm(bis) > 0.05 else np.array([1.0, 0.0, 0.0])
        cap = knee + 0.75 * r_k * front
        if front @ _unit(self.rig.centres[i] - cap) > 0.2:
            side = _unit(np.cross(front, ankle - hip))
            up_leg = np.cross(side, front)
            pts = _ellipse(cap, 0.55 * r_k * side, 0.7 * r_k * up_leg, 14)
            fill_convex(img, hull(self._proj(i, pts)[0]), tint(a.skin, 1.08 * k))
        sock_top = ankle + 0.035 * H * _unit(knee - ankle)
        self._capsule(img, i, sock_top, ankle, 1.05 * r_a * 1.2, 1.05 * r_a, a.socks, k,
                      cap0=False)

    def _shoe(self, img, i, g, s, k) -> None:
        a, F = self.app, float(self.sk.body.foot)
        heel, toe, ankle = g[f"{s}_heel"], g[f"{s}_foot_index"], g[f"{s}_ankle"]
        ex = _unit(toe - heel)
        rel = ankle - heel
        ez = _unit(rel - (rel @ ex) * ex)
        ey = np.cross(ez, ex)

        def solid(profile: np.ndarray) -> np.ndarray:
            x, z = profile[:, 0], profile[:, 1]
            hw = F * (0.12 + 0.06 * np.clip(x / 0.7, 0, 1)) * a.build
            base = heel + F * (x[:, None] * ex + z[:, None] * ez)
            pts = np.concatenate([base + hw[:, None] * ey, base - hw[:, None] * ey])
            return hull(self._proj(i, pts)[0])

        fill_convex(img, solid(_SOLE), tint(a.soles, k))
        shaded_convex(img, solid(_UPPER), a.shoes, k,
                      layers=((1.0, 0.8), (0.8, 0.95), (0.5, 1.06)))
        # Laces along the top of the upper: seen from the front and the side, not from behind.
        laces = heel + F * (_LACES[:, :1] * ex + (_LACES[:, 1:] + 0.01) * ez)
        if ez @ _unit(self.rig.centres[i] - laces.mean(axis=0)) > 0.0 or \
                ex @ _unit(self.rig.centres[i] - laces.mean(axis=0)) > 0.3:
            (l0, l1), (d0, _) = self._proj(i, laces)
            line(img, l0, l1, tint(a.soles, 0.95 * k), max(self._px(i, 0.07 * F, d0), 1.5))

    # --- arms ------------------------------------------------------------------------------

    def _upper_arm(self, img, i, g, s, k) -> None:
        H, a = self.H, self.app
        sh, el = g[f"{s}_shoulder"], g[f"{s}_elbow"]
        r0, r1 = 0.029 * H * a.build, 0.021 * H * a.build
        self._capsule(img, i, sh, el, r0, r1, a.skin, k)
        if a.sleeves > 0:
            end = sh + a.sleeves * (el - sh)
            self._capsule(img, i, sh, end, 1.15 * r0, 1.15 * (r0 + (r1 - r0) * a.sleeves),
                          a.shirt, k, cap1=False)

    def _forearm(self, img, i, g, s, k) -> None:
        H, a = self.H, self.app
        self._capsule(img, i, g[f"{s}_elbow"], g[f"{s}_wrist"], 0.02 * H * a.build,
                      0.015 * H * a.build, a.skin, k)

    def _hand(self, img, i, g, s, k) -> None:
        H, a = self.H, self.app
        wrist = g[f"{s}_wrist"]
        tip = (g[f"{s}_index"] + g[f"{s}_pinky"]) / 2
        self._capsule(img, i, wrist, g[f"{s}_thumb"], 0.009 * H, 0.008 * H, a.skin, 0.92 * k)
        self._capsule(img, i, wrist, tip, 0.016 * H, 0.017 * H, a.skin, 0.97 * k)

    # --- torso and head --------------------------------------------------------------------

    def _frames(self, g: dict) -> dict:
        """The pelvis frame (P, lp, fp, up) and the trunk frame (S, ax, ls, lpa) of a frame."""
        P = (g["left_hip"] + g["right_hip"]) / 2
        S = (g["left_shoulder"] + g["right_shoulder"]) / 2
        lp = _unit(g["left_hip"] - g["right_hip"])
        X = np.array([1.0, 0.0, 0.0])
        fp = _unit(X - (X @ lp) * lp)
        ax = _unit(S - P)
        ls = g["left_shoulder"] - g["right_shoulder"]
        return {"P": P, "S": S, "lp": lp, "fp": fp, "up": np.cross(fp, lp), "ax": ax,
                "ls": _unit(ls - (ls @ ax) * ax), "lpa": _unit(lp - (lp @ ax) * ax),
                "trunk_len": float(np.linalg.norm(S - P))}

    def _shirt_sections(self, f: dict) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """3D points of the shirt's elliptic sections (waist to above the shoulders) and, for
        an untucked shirt, of its loose waist and hem (else an empty list)."""
        H, hw = self.H, self.app.torso
        P, ax, ls, lpa, trunk_len = f["P"], f["ax"], f["ls"], f["lpa"], f["trunk_len"]
        pts = []
        for h_frac, wid, dep in _SHIRT:
            w = float(np.clip((h_frac - 0.069) / (0.288 - 0.069), 0, 1))
            lat = _unit((1 - w) * lpa + w * ls)
            fwd = np.cross(lat, ax)
            c = P + h_frac / 0.288 * trunk_len * ax
            pts.append(_ellipse(c, wid * H * hw * lat, dep * H * hw * fwd))
        hem_m = self.app.shirt_hem_m
        if hem_m <= 0:
            return pts, []
        # Sections square to the trunk axis, turned with the shoulders: the hem hangs from the
        # trunk, whatever the pelvis does under it.
        fwd = np.cross(ls, ax)
        loose = []
        for h, (wid, dep) in ((_SHIRT[0][0] / 0.288 * trunk_len, _LOOSE_WAIST),
                              (WAIST_TOP_H * H - hem_m, _LOOSE_HEM)):
            loose.append(_ellipse(P + h * ax, wid * H * hw * ls, dep * H * hw * fwd, 28))
        return pts, loose

    def _draw_shirt(self, img, i: int, f: dict) -> np.ndarray:
        """The shirt (an untucked one with its loose lower part); returns its projected loose
        waist-to-hem outline (empty when tucked)."""
        pts, loose = self._shirt_sections(f)
        shirt = hull(self._proj(i, np.concatenate(pts + loose))[0])
        shaded_convex(img, shirt, self.app.shirt, 1.0, layers=_SHIRT_LAYERS)
        return hull(self._proj(i, np.concatenate(loose))[0]) if loose else np.zeros((0, 2))

    def _shirt_hem(self, img, i, g) -> None:
        """The untucked shirt below its waist again, over whatever was drawn since the torso
        (the thighs' tops). The whole shirt is drawn on a copy and only that region is pasted,
        so the shading continues without a seam."""
        f = self._frames(g)
        pts, loose = self._shirt_sections(f)
        lower = hull(self._proj(i, np.concatenate(loose))[0])
        h, w = img.shape[:2]
        x0, y0 = np.maximum(np.floor(lower.min(axis=0)).astype(int) - 2, 0)
        x1, y1 = np.minimum(np.ceil(lower.max(axis=0)).astype(int) + 3, (w, h))
        if x0 >= x1 or y0 >= y1:
            return
        roi = img[y0:y1, x0:x1]
        copy = roi.copy()
        shift = np.array([x0, y0], float)
        shirt = hull(self._proj(i, np.concatenate(pts + loose))[0])
        shaded_convex(copy, shirt - shift, self.app.shirt, 1.0, layers=_SHIRT_LAYERS)
        mask = np.zeros(roi.shape[:2], np.uint8)
        fill_convex(mask, lower - shift, (255, 255, 255))
        alpha = mask[..., None].astype(np.float32) / 255.0
        roi[:] = np.round(roi * (1.0 - alpha) + copy * alpha).astype(np.uint8)

    def _torso(self, img, i, g) -> None:
        H, a = self.H, self.app
        hw = a.torso
        f = self._frames(g)
        P, S, lp, fp, up, ax, ls = (f[k] for k in ("P", "S", "lp", "fp", "up", "ax", "ls"))
        head_c = (g["left_ear"] + g["right_ear"]) / 2

        # Hair behind the head, then the neck: the shirt and the head cover its ends.
        self._hair_tail(img, i, head_c, behind=True)
        self._capsule(img, i, S, head_c - 0.035 * H * np.array([0, 0, 1.0]),
                      0.033 * H, 0.03 * H, a.skin, 0.9)

        # Shirt: elliptic sections from the waist to above the shoulders, tucked into the
        # shorts (drawn over it), or untucked over the shorts (drawn after them).
        untucked = a.shirt_hem_m > 0
        if not untucked:
            self._draw_shirt(img, i, f)
            self._neckline(img, i, S, ax, ls)

        # Shorts block and waistband, in the pelvis frame: they tilt with the pelvis. The hip
        # joints sit forward of the middle of the pelvis (the buttocks are behind them).
        back = -0.012 * H * fp
        pts = [_ellipse(P + back + z * H * up, wid * H * hw * lp, dep * H * hw * fp)
               for z, wid, dep in ((0.075, 0.085, 0.058), (0.0, 0.098, 0.066),
                                   (-0.045, 0.09, 0.06))]
        shorts = hull(self._proj(i, np.concatenate(pts))[0])
        shaded_convex(img, shorts, a.shorts, 1.0, layers=((1.0, 0.82), (0.8, 0.93), (0.5, 1.02)))
        band = [_ellipse(P + back + z * H * up, 0.088 * H * hw * lp, 0.061 * H * hw * fp, 28)
                for z in (0.056, 0.079)]
        fill_convex(img, hull(self._proj(i, np.concatenate(band))[0]), a.waistband)
        self._seat(img, i, g, P, lp, fp, up)
        if untucked:
            self._draw_shirt(img, i, f)
            self._neckline(img, i, S, ax, ls)

        self._head(img, i, g, head_c)

    def _seat(self, img, i: int, g: dict, P, lp, fp, up) -> None:
        """The two buttocks under the shorts, each hanging from its own hip (so the rear outline
        of the pelvis tilts with it), and from behind the centre seam. Not seen from the front."""
        H, a = self.H, self.app
        cam = self.rig.centres[i]
        facing = fp @ _unit(cam - P)
        if facing > 0.3:
            return
        hw = a.torso
        for s in SIDES:
            sign = 1.0 if s == "left" else -1.0
            hip = g[f"{s}_hip"]
            c = hip - 0.035 * H * fp - 0.022 * H * up - sign * 0.012 * H * lp
            pts = np.concatenate([
                _ellipse(c + dz * H * up, wid * H * hw * lp, dep * H * hw * fp, 16)
                for dz, wid, dep in ((0.03, 0.045, 0.04), (0.0, 0.052, 0.045),
                                     (-0.03, 0.042, 0.035))])
            shaded_convex(img, hull(self._proj(i, pts)[0]), a.shorts, 1.0,
                          layers=((1.0, 0.78), (0.78, 0.9), (0.5, 1.0)))
        if facing > -0.3:
            return
        seam = np.stack([P - 0.07 * H * fp + 0.055 * H * up, P - 0.07 * H * fp - 0.05 * H * up])
        (s0, s1), (d0, _) = self._proj(i, seam)
        line(img, s0, s1, tint(a.shorts, 0.55), max(self._px(i, 0.004 * H, d0), 1.5))

    def _hair_tail(self, img, i: int, c: np.ndarray, behind: bool) -> None:
        """Ponytail or bun: drawn before the neck when behind the head, else after the head."""
        a, r = self.app, float(self.sk.body.head_radius)
        if a.hair_style == "ponytail":
            tail = (c + r * np.array([-0.9, 0, 0.35]), c + r * np.array([-1.45, 0, -0.55]))
        elif a.hair_style == "bun":
            tail = (c + r * np.array([-1.0, 0, 0.5]), c + r * np.array([-1.15, 0, 0.45]))
        else:
            return
        _, (d_tail, d_c) = self._proj(i, np.stack([tail[1], c]))
        if (d_tail > d_c) == behind:
            self._capsule(img, i, tail[0], tail[1], 0.3 * r, 0.22 * r, a.hair, 0.95)

    def _neckline(self, img, i, S, ax, ls) -> None:
        """A round collar opening on the front of the shirt: skin shows only from the front."""
        H = self.H
        fs = np.cross(ls, ax)
        cam = self.rig.centres[i]
        if fs @ _unit(cam - S) < 0.25:
            return
        t = np.linspace(0, np.pi, 12)
        top = S + 0.02 * H * ax + 0.045 * H * fs
        pts = (top + 0.055 * H * np.cos(t)[:, None] * ls
               - 0.06 * H * np.sin(t)[:, None] * ax + 0.015 * H * np.sin(t)[:, None] * fs)
        fill_convex(img, hull(self._proj(i, pts)[0]), tint(self.app.skin, 0.92))

    def _head(self, img: np.ndarray, i: int, g: dict, c: np.ndarray) -> None:
        """Ears, the head (hair included), then the face features that face the camera."""
        a, rig = self.app, self.rig
        r = float(self.sk.body.head_radius)
        fwd_h = np.array([1.0, 0.0, 0.0])
        up_h = np.array([0.0, 0.0, 1.0])
        lat_h = np.array([0.0, 1.0, 0.0])
        cam = rig.centres[i]
        (pc,), (dc,) = self._proj(i, c[None])
        R = self._px(i, r, dc)

        def facing(p: np.ndarray) -> float:
            return float(_unit(p - c) @ _unit(cam - p))

        def draw_poly3d(pts: np.ndarray, colour) -> None:
            fill_convex(img, hull(self._proj(i, pts)[0]), colour)

        # Ears: behind the head when seen edge-on (they stick out), on top when facing us.
        ears = []
        for s in SIDES:
            sign = 1.0 if s == "left" else -1.0
            e = c + r * np.array([-0.08, sign * 0.72, -0.08])
            flap = _unit(fwd_h + 0.7 * sign * lat_h)
            ears.append((facing(e + 0.2 * r * sign * lat_h),
                         _ellipse(e, 0.3 * r * up_h, 0.18 * r * flap, 16)))
        for vis, pts in ears:
            if -0.35 < vis <= 0.35:
                draw_poly3d(pts, tint(a.skin, 0.85))

        self._skull(img, i, c, fwd_h, up_h, lat_h)

        self._hair_tail(img, i, c, behind=False)
        for vis, pts in ears:
            if vis > 0.35:
                draw_poly3d(pts, tint(a.skin, 0.85))
                e_c = pts.mean(axis=0)
                inner = e_c + 0.5 * (pts - e_c) + 0.02 * r * (_unit(e_c - c))
                draw_poly3d(inner, tint(a.skin, 0.7))

        # Face: eyes, brows, nose, mouth (only what faces the camera).
        for s in SIDES:
            eye = g[f"{s}_eye"]
            if facing(eye) > _FACE_MIN_VIS:
                n = _unit(eye - c)
                t1 = _unit(np.cross(up_h, n))
                socket = eye + 0.01 * r * n
                draw_poly3d(_ellipse(socket, 0.26 * r * t1, 0.16 * r * up_h, 16),
                            tint(a.skin, 0.78))
                draw_poly3d(_ellipse(eye + 0.02 * r * n, 0.2 * r * t1, 0.11 * r * up_h, 16),
                            (245, 245, 245))
                draw_poly3d(_ellipse(eye + 0.04 * r * n, 0.095 * r * t1, 0.095 * r * up_h, 12),
                            (45, 35, 30))
                brow = np.stack([g[f"{s}_eye_inner"], g[f"{s}_eye_outer"]]) + 0.26 * r * up_h
                (b0, b1), _ = self._proj(i, brow)
                line(img, b0, b1, tint(a.hair, 0.6), max(0.1 * R, 2.0))
        nose_tip = c + r * np.array([1.16, 0.0, -0.2])
        if facing(c + r * np.array([0.97, 0, -0.1])) > -0.05:
            nose = np.stack([nose_tip, c + r * np.array([0.96, 0.0, 0.14]),
                             c + r * np.array([0.93, 0.2, -0.34]),
                             c + r * np.array([0.93, -0.2, -0.34])])
            draw_poly3d(nose, tint(a.skin, 0.8))
            draw_poly3d(_ellipse(c + r * np.array([1.02, 0.0, -0.33]), 0.13 * r * lat_h,
                                 0.05 * r * up_h, 12), tint(a.skin, 0.55))
        ml, mr = g["mouth_left"], g["mouth_right"]
        if facing((ml + mr) / 2) > _FACE_MIN_VIS or max(facing(ml), facing(mr)) > 0.3:
            (p0, p1), _ = self._proj(i, np.stack([ml, mr]) + 0.08 * r * fwd_h)
            line(img, p0, p1, (70, 60, 160), max(0.11 * R, 2.0))

    def _skull(self, img, i, c, fwd_h, up_h, lat_h) -> None:
        """The head as an ellipsoid shaded per pixel (orthographic within the head), with hair
        where the surface faces up or back."""
        rig, a = self.rig, self.app
        r = float(self.sk.body.head_radius)
        semi = np.array(_HEAD_SEMI) * r  # forward, lateral, up
        axes = np.stack([fwd_h, lat_h, up_h])
        (pc,), (dc,) = self._proj(i, c[None])
        scale = rig.focal_px / dc  # px per metre at the head
        h, w = img.shape[:2]
        ext = scale * semi.max() + 2
        x0, x1 = max(int(pc[0] - ext), 0), min(int(np.ceil(pc[0] + ext)), w)
        y0, y1 = max(int(pc[1] - ext), 0), min(int(np.ceil(pc[1] + ext)), h)
        if x0 >= x1 or y0 >= y1:
            return
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(float)
        du, dv = rig.unroll((xs + 0.5 - pc[0]) / scale, (ys + 0.5 - pc[1]) / scale)
        p0 = du[..., None] * rig.right + dv[..., None] * rig.down  # relative to c, metres
        q0 = (p0 @ axes.T) / semi
        qd = (rig.forward @ axes.T) / semi
        aa = float(qd @ qd)
        b = q0 @ qd
        disc = b * b - aa * ((q0 * q0).sum(-1) - 1.0)
        d_perp = np.sqrt(np.clip(1.0 - disc / aa, 0.0, None))
        cover = np.clip((1.0 - d_perp) * scale * 0.85 * r + 0.5, 0.0, 1.0)
        t = (-b - np.sqrt(np.clip(disc, 0.0, None))) / aa
        q = q0 + t[..., None] * qd
        n = (q / semi) @ axes
        n /= np.linalg.norm(n, axis=-1, keepdims=True) + 1e-12
        nf, nl, nu = n @ fwd_h, np.abs(n @ lat_h), n @ up_h
        # Fuzzy (anti-aliased) hair regions: top of the head, back of the head, temples.
        def above(x, thr):
            return np.clip((x - thr) / 0.05 + 0.5, 0.0, 1.0)

        top = np.minimum(above(nu, 0.45), np.maximum(above(-nf, -0.35), above(nu, 0.62)))
        back = np.minimum(above(-nf, 0.25), above(nu, -0.55))
        temples = np.minimum(np.minimum(above(nl, 0.55), above(nu, 0.2)), above(-nf, -0.2))
        hair = np.maximum(np.maximum(top, back), temples)[..., None]
        light = _unit(0.55 * np.array([0, 0, 1.0]) - 0.7 * rig.forward - 0.35 * rig.right)
        k = 0.72 + 0.4 * np.clip(n @ light, 0, 1)
        col = hair * np.asarray(a.hair, float) + (1 - hair) * np.asarray(a.skin, float)
        col = np.clip(col * k[..., None], 0, 255)
        roi = img[y0:y1, x0:x1].astype(float)
        cv = cover[..., None]
        img[y0:y1, x0:x1] = np.round(roi * (1 - cv) + col * cv).astype(np.uint8)

