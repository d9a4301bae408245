"""Backgrounds of the studio: a room (wall and floor) and an optional treadmill, seen by the rig.

The room is built in world coordinates (a wall facing the camera behind the runner, the floor
at Z = 0), so camera roll and panning move it consistently with the runner. Kinds:
- "plain": flat wall and floor colours with a skirting board;
- "textured": a lit wall with low-frequency blotches and panel seams, a tiled floor, grain;
- "treadmill": the textured room plus a treadmill (deck, moving belt marks, motor hood,
  uprights; console and handrails except in front views, where they would hide the runner).
"""

from __future__ import annotations

import cv2
import numpy as np

from gaitcam.landmarks import INDEX
from gaitcam.studio.rig import CameraRig
from gaitcam.studio.shapes import fill_convex, fill_poly, line, shaded_capsule, tint

BACKGROUNDS = ("plain", "textured", "treadmill")

_WALLS = ((228, 228, 226), (214, 226, 236), (205, 220, 208), (225, 218, 205), (236, 232, 222))
_FLOORS = ((150, 150, 152), (125, 142, 160), (112, 124, 112), (96, 110, 130), (165, 160, 150))
_BELT_MARK_SPACING_M = 0.5


class Backdrop:
    """Draws the background of each frame for a `CameraRig`; `frame(i)` returns a new image."""

    def __init__(self, kind: str, sk, rig: CameraRig, seed: int = 0) -> None:
        if kind not in BACKGROUNDS:
            raise ValueError(f"background must be one of {BACKGROUNDS}, got {kind!r}")
        if kind == "treadmill" and sk.setting != "treadmill":
            raise ValueError("the treadmill background needs a treadmill runner (setting)")
        self.kind, self.sk, self.rig = kind, sk, rig
        rng = np.random.default_rng([seed, 11])
        self.wall = _WALLS[rng.integers(len(_WALLS))]
        self.floor = _FLOORS[rng.integers(len(_FLOORS))]
        self.speed = float(sk.params.speed_mps) if sk.params is not None else 0.0
        pel = sk.joints[:, [INDEX["left_hip"], INDEX["right_hip"]]].mean(axis=1)
        depth = max(float(rig.to_camera(i, pel[i])[2]) for i in (0, len(pel) - 1))
        self.wall_depth = depth + float(rng.uniform(2.0, 3.5))
        self.seam_phase = float(rng.uniform(0.3, 1.2))
        self.tex = None
        if kind != "plain":
            h, w = rig.height, rig.width
            low = rng.normal(0.0, 1.0, (h // 40 + 3, w // 40 + 3)).astype(np.float32)
            tex = cv2.resize(low, (w, h), interpolation=cv2.INTER_CUBIC)
            tex = cv2.GaussianBlur(tex, (0, 0), 6)
            grain = rng.normal(0.0, 1.0, (h, w)).astype(np.float32)
            self.tex = (1.0 + 0.035 * tex + 0.015 * grain)[..., None]
        self._static = None

    # --- geometry --------------------------------------------------------------------------

    def _wall_point(self, i: int) -> np.ndarray:
        """A world point on the wall plane (in front of camera 0, on the floor)."""
        c = self.rig.centres[0] + self.wall_depth * self.rig.forward
        return np.array([c[0], c[1], 0.0])

    def _floor_quad(self, i: int, near: float, far_pt: np.ndarray, half: float = 80.0):
        rig = self.rig
        c = rig.centres[i]
        near_pt = np.array([c[0], c[1], 0.0]) + near * rig.forward
        r = rig.right * half
        return np.stack([near_pt - r, near_pt + r, far_pt + r, far_pt - r])

    # --- drawing ---------------------------------------------------------------------------

    def _room(self, i: int) -> np.ndarray:
        rig = self.rig
        h, w = rig.height, rig.width
        img = np.empty((h, w, 3), np.uint8)
        img[:] = self.wall
        if self.kind != "plain":
            # Lighter toward the ceiling.
            ramp = np.linspace(1.06, 0.9, h, dtype=np.float32)[:, None, None]
            img[:] = np.clip(img.astype(np.float32) * ramp, 0, 255).astype(np.uint8)
        wp = self._wall_point(i)
        floor = self._floor_quad(i, 0.3, wp)
        fill_poly(img, rig.project(i, floor)[0], self.floor)
        if self.kind != "plain":
            self._floor_tiles(img, i, wp)
            self._wall_seams(img, i, wp)
        r = rig.right * 80.0
        skirting = np.stack([wp - r, wp + r, wp + r + [0, 0, 0.09], wp - r + [0, 0, 0.09]])
        fill_poly(img, rig.project(i, skirting)[0], tint(self.wall, 0.8))
        if self.tex is not None:
            img = np.clip(img.astype(np.float32) * self.tex, 0, 255).astype(np.uint8)
        return img

    def _floor_tiles(self, img: np.ndarray, i: int, wp: np.ndarray) -> None:
        rig = self.rig
        c = rig.centres[i]
        base = np.array([c[0], c[1], 0.0])
        colour = tint(self.floor, 0.82)
        far = float((wp - base) @ rig.forward)
        for d in np.arange(0.6, far, 0.6):  # lines across the view
            p = base + d * rig.forward
            (a, b), _ = rig.project(i, np.stack([p - 80 * rig.right, p + 80 * rig.right]))
            line(img, a, b, colour, 1.5)
        lat0 = float(base @ rig.right)
        for x in np.arange(np.floor((lat0 - 12) / 0.6) * 0.6, lat0 + 12, 0.6):  # lines away
            off = (x - lat0) * rig.right
            pts = np.stack([base + off + 0.5 * rig.forward, base + off + far * rig.forward])
            (a, b), _ = rig.project(i, pts)
            line(img, a, b, colour, 1.5)

    def _wall_seams(self, img: np.ndarray, i: int, wp: np.ndarray) -> None:
        rig = self.rig
        lat0 = float(rig.centres[i] @ rig.right)
        wl = float(wp @ rig.right)
        colour = tint(self.wall, 0.88)
        for x in np.arange(np.floor((lat0 - 15) / 1.5) * 1.5 + self.seam_phase, lat0 + 15, 1.5):
            p = wp + (x - wl) * rig.right
            (a, b), _ = rig.project(i, np.stack([p, p + [0, 0, 4.0]]))
            line(img, a, b, colour, 2.0)

    def _box(self, img: np.ndarray, i: int, lo, hi, colour) -> None:
        """A box (world axis-aligned, lo/hi corners) with its visible faces shaded."""
        lo, hi = np.asarray(lo, float), np.asarray(hi, float)
        cam = self.rig.centres[i]
        for axis in range(3):
            for side, k_shade in ((0, (0.7, 0.8, 0.5)[axis]), (1, (0.75, 0.85, 1.0)[axis])):
                normal = np.zeros(3)
                normal[axis] = 1.0 if side else -1.0
                fc = (lo + hi) / 2
                fc[axis] = hi[axis] if side else lo[axis]
                if normal @ (cam - fc) <= 0:
                    continue
                a1, a2 = [k for k in range(3) if k != axis]
                quad = []
                for u, v in ((0, 0), (1, 0), (1, 1), (0, 1)):
                    p = fc.copy()
                    p[a1] = hi[a1] if u else lo[a1]
                    p[a2] = hi[a2] if v else lo[a2]
                    quad.append(p)
                fill_convex(img, self.rig.project(i, np.stack(quad))[0], tint(colour, k_shade))

    def _rod(self, img: np.ndarray, i: int, a, b, r_m: float, colour) -> None:
        (pa, pb), (da, db) = self.rig.project(i, np.stack([a, b]))
        f = self.rig.focal_px
        shaded_capsule(img, pa, pb, r_m * f / da, r_m * f / db, colour)

    def _treadmill_static(self, img: np.ndarray, i: int) -> None:
        front = self.rig.view == "front"
        self._box(img, i, (-0.92, -0.42, -0.2), (1.0, 0.42, -0.004), (62, 62, 66))
        self._box(img, i, (0.95, -0.42, -0.2), (1.32, 0.42, 0.12), (48, 48, 52))
        for y in (-0.4, 0.4):
            self._rod(img, i, (1.15, y, 0.1), (1.06, y, 1.15), 0.03, (125, 125, 130))
            if not front:
                self._rod(img, i, (1.06, y, 1.06), (0.5, y, 1.0), 0.018, (140, 140, 145))
        if not front:
            self._box(img, i, (0.98, -0.34, 1.06), (1.12, 0.34, 1.3), (52, 52, 56))
            self._box(img, i, (0.975, -0.22, 1.12), (0.985, 0.22, 1.25), (150, 110, 40))

    def _belt(self, img: np.ndarray, i: int) -> None:
        """Belt with moving marks, and the side rails: the far rail before the belt (its inner
        face is below the belt surface), the near one after (it hides the belt's edge)."""
        rig = self.rig
        rails = [((-0.92, y, -0.2), (1.0, y + 0.15, 0.015)) for y in (-0.42, 0.27)]
        belt_depth = float(rig.to_camera(i, np.zeros(3))[2])
        near = [float(rig.to_camera(i, (np.add(lo, hi)) / 2)[2]) < belt_depth - 0.05
                for lo, hi in rails]
        for (lo, hi), is_near in zip(rails, near, strict=True):
            if not is_near:
                self._box(img, i, lo, hi, (160, 160, 165))
        belt = np.array([(-0.9, -0.27, 0.0), (0.98, -0.27, 0.0), (0.98, 0.27, 0.0),
                         (-0.9, 0.27, 0.0)])
        fill_convex(img, rig.project(i, belt)[0], (38, 38, 40))
        t = float(self.sk.t[i])
        shift = (self.speed * t) % _BELT_MARK_SPACING_M
        for x in np.arange(-0.9 + _BELT_MARK_SPACING_M - shift, 0.95, _BELT_MARK_SPACING_M):
            mark = np.array([(x, -0.27, 0.0), (x + 0.035, -0.27, 0.0), (x + 0.035, 0.27, 0.0),
                             (x, 0.27, 0.0)])
            fill_convex(img, rig.project(i, mark)[0], (66, 66, 70))
        for (lo, hi), is_near in zip(rails, near, strict=True):
            if is_near:
                self._box(img, i, lo, hi, (160, 160, 165))

    def frame(self, i: int) -> np.ndarray:
        """The background image (BGR uint8, height x width) of frame i."""
        if self._static is None or not self.rig.static:
            img = self._room(i)
            if self.kind == "treadmill":
                self._treadmill_static(img, i)
            self._static = img
        img = self._static.copy()
        if self.kind == "treadmill":
            self._belt(img, i)
        return img
