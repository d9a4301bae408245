"""2D drawing pieces of the studio: anti-aliased convex shapes with simple volume shading.

Points are float pixels (x right, y down); they are drawn with 1/16-pixel precision. Colours
are BGR triples. Shading is a stack of shrinking, brightening copies of a shape offset toward
the light (up-left in the image), so limbs and torso read as volumes.
"""

from __future__ import annotations

import cv2
import numpy as np

SHIFT = 4
_ONE = 1 << SHIFT
LIGHT_2D = np.array([-0.45, -0.89])  # unit vector toward the light, image coordinates
# (size fraction, brightness) of the shading layers, outermost first.
LAYERS = ((1.0, 0.8), (0.82, 0.9), (0.6, 0.99), (0.34, 1.08))

Colour = tuple[int, int, int]


def tint(colour: Colour, k: float) -> Colour:
    """`colour` scaled by brightness factor k (clipped to 0..255)."""
    c = np.clip(np.asarray(colour, float) * k, 0, 255)
    return int(c[0]), int(c[1]), int(c[2])


def _fixed(pts: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(pts, float) * _ONE).astype(np.int32).reshape(-1, 1, 2)


def fill_convex(img: np.ndarray, pts: np.ndarray, colour: Colour) -> None:
    """Fill a convex polygon (K, 2)."""
    pts = np.asarray(pts, float)
    if len(pts) < 3 or not np.all(np.isfinite(pts)):
        return
    cv2.fillConvexPoly(img, _fixed(pts), colour, cv2.LINE_AA, SHIFT)


def fill_poly(img: np.ndarray, pts: np.ndarray, colour: Colour) -> None:
    """Fill any simple polygon (K, 2)."""
    pts = np.asarray(pts, float)
    if len(pts) < 3 or not np.all(np.isfinite(pts)):
        return
    cv2.fillPoly(img, [_fixed(pts)], colour, cv2.LINE_AA, SHIFT)


def hull(pts: np.ndarray) -> np.ndarray:
    """Convex hull (K, 2) of points (N, 2)."""
    pts = np.asarray(pts, np.float32).reshape(-1, 2)
    pts = pts[np.all(np.isfinite(pts), axis=1)]
    if len(pts) < 3:
        return pts.astype(float)
    return cv2.convexHull(pts).reshape(-1, 2).astype(float)


def line(img: np.ndarray, p0: np.ndarray, p1: np.ndarray, colour: Colour, width: float) -> None:
    """An anti-aliased line `width` pixels thick with round ends."""
    r = max(width / 2.0, 0.5)
    fill_convex(img, capsule_outline(np.asarray(p0, float), np.asarray(p1, float), r, r, n=6),
                colour)


_HALF = {}


def _half_circle(n: int) -> np.ndarray:
    """Unit half circle (n, 2) from -90 to +90 degrees (cached)."""
    if n not in _HALF:
        a = np.linspace(-np.pi / 2, np.pi / 2, n)
        _HALF[n] = np.stack([np.cos(a), np.sin(a)], -1)
    return _HALF[n]


def capsule_outline(
    p0: np.ndarray, p1: np.ndarray, r0: float, r1: float, cap0: bool = True, cap1: bool = True,
    n: int = 10,
) -> np.ndarray:
    """Outline (K, 2) of a tapered capsule from p0 (radius r0) to p1 (radius r1), px.

    cap0/cap1: round (True) or flat (False) ends. n: points per round end.
    """
    d = p1 - p0
    length = float(np.hypot(d[0], d[1]))
    if length < 1e-6:
        a = np.linspace(0, 2 * np.pi, 2 * n, endpoint=False)
        r = max(r0, r1)
        return p0 + r * np.stack([np.cos(a), np.sin(a)], -1)
    u = d / length
    nrm = np.array([-u[1], u[0]])
    rot = np.array([[u[0], nrm[0]], [u[1], nrm[1]]])  # local (along, across) -> image
    half = _half_circle(n) @ rot.T  # the end facing along +u
    end1 = p1 + r1 * half if cap1 else np.stack([p1 - r1 * nrm, p1 + r1 * nrm])
    end0 = p0 - r0 * half if cap0 else np.stack([p0 + r0 * nrm, p0 - r0 * nrm])
    return np.concatenate([end1, end0])


def shaded_capsule(
    img: np.ndarray, p0: np.ndarray, p1: np.ndarray, r0: float, r1: float, colour: Colour,
    shade: float = 1.0, cap0: bool = True, cap1: bool = True,
) -> None:
    """A capsule drawn as a volume: darker rim, lighter centre line shifted toward the light."""
    r_mean = (r0 + r1) / 2.0
    for size, bright in LAYERS:
        off = (1.0 - size) * 0.4 * r_mean * LIGHT_2D
        fill_convex(img, capsule_outline(p0 + off, p1 + off, r0 * size, r1 * size, cap0, cap1),
                    tint(colour, bright * shade))


def shaded_convex(img: np.ndarray, outline: np.ndarray, colour: Colour, shade: float = 1.0,
                  layers: tuple[tuple[float, float], ...] = LAYERS) -> None:
    """A convex shape drawn as a volume (copies shrunk about its centroid, toward the light)."""
    outline = np.asarray(outline, float)
    if len(outline) < 3:
        return
    c = outline.mean(axis=0)
    ext = float(np.sqrt(np.ptp(outline[:, 0]) * np.ptp(outline[:, 1]) + 1.0))
    for size, bright in layers:
        off = (1.0 - size) * 0.25 * ext * LIGHT_2D
        fill_convex(img, c + (outline - c) * size + off, tint(colour, bright * shade))
