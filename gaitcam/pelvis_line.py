"""The pelvis line read from the image: the top edge of the shorts (the waistband).

MediaPipe's hip landmarks are inferred from the whole body and follow only a small part of a
real pelvic tilt (docs/accuracy.md), so a rear/front-view pelvic drop cannot come from them.
Clinicians read it from the back of the pelvis: the PSIS dimples, or the waistband of the
shorts, which sits on the pelvis near the iliac crests. This stage (I/O, after pose) decodes
the clip again and, in each frame of interest, looks for that edge in a small region above the
hips that the landmarks give:

1. `horizontal_edge_map`: strength of horizontal colour boundaries (CIE Lab, vertical
   difference minus horizontal difference, so the body's vertical outlines drop out);
2. `strongest_lines`: the straight lines across the body width with the most edge strength
   along them (a shear-and-sum search over angles, a Radon transform restricted to lines);
3. `fit_edge_line`: the boundary row of every column near that line (sub-pixel), a Theil-Sen
   line through them, and checks that the edge is strong, straight and present on BOTH halves
   of the body (a hem that droops, an arm across one side or a fold fails them);
4. `find_waistband` chains the three on one region array (pure; unit-tested on synthetic
   images) and `measure_pelvis_line` runs it over a clip.

Angles are in PIXEL space with image y DOWN: `angle_deg` is the angle of the line from
image-left to image-right, positive = its image-right end LOWER (clockwise on screen). Which
end is the runner's left depends on the view; gaitcam.gait.pelvis maps it to the runner's
sides. The edge is searched only from 0.04 to 0.3 leg lengths above the hip landmarks (a
waistband sits near the iliac crests, above the hip joints): an untucked shirt whose hem hangs
at or below the hips leaves no edge there and the frame is declined, not measured on the hem.
A shirt hem that ends exactly where a waistband would be cannot be told from one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from gaitcam.gait.view import leg_length_px
from gaitcam.landmarks import LEFT_HIP, LEFT_SHOULDER, RIGHT_HIP, RIGHT_SHOULDER
from gaitcam.pose_sequence import PoseSequence
from gaitcam.video import iter_frames, nearest_frames, probe

METHOD = "waistband"
#: Largest line angle searched (deg): a pelvic drop plus a camera roll.
MAX_ANGLE_DEG = 25.0
#: Search band above the hip landmarks, in leg lengths (hip joint to ankle).
BAND_LEG = (0.04, 0.30)
#: Half-width of the columns used, in hip-landmark distances from the mid-hip: the body is
#: about 1.6-1.8 hip distances wide at the waist, so these columns lie on it.
HALF_WIDTH_HIPS = 0.7
#: A frame's line is kept when its quality (0..1) reaches this.
MIN_QUALITY = 0.5
#: Frames examined around each time of interest (s): at least one frame either side.
AROUND_S = 0.05


@dataclass(frozen=True)
class EdgeLine:
    """One frame's pelvis-line fit in the coordinates of the region it was found in.

    angle_deg: image angle (see the module docstring); y_mid: the line's row at the region's
    centre column (px); strength: median colour contrast along the line (Lab units);
    support_left / support_right: fraction of each half's columns whose boundary lies on the
    line; residual_px: robust spread of the boundary rows about the line; quality: 0..1.
    """

    angle_deg: float
    y_mid: float
    strength: float
    support_left: float
    support_right: float
    residual_px: float
    quality: float


NO_LINE = EdgeLine(float("nan"), float("nan"), 0.0, 0.0, 0.0, float("nan"), 0.0)


@dataclass(frozen=True, eq=False)
class PelvisLine:
    """The pelvis line per frame of a PoseSequence.

    t (T,) s: the sequence's frame times; angle_deg (T,): image angle of the line (deg, from
    image-left to image-right, + = image-right end lower), NaN where not examined or not found
    reliably; quality (T,) 0..1 (0 where not found); height_leg (T,): the line's height above
    the mid-hip landmark, in leg lengths; examined (T,) bool: frames that were looked at;
    method: how it was measured ("waistband").
    """

    t: np.ndarray
    angle_deg: np.ndarray
    quality: np.ndarray
    height_leg: np.ndarray
    examined: np.ndarray
    method: str = METHOD
    info: dict = field(default_factory=dict)

    @property
    def found(self) -> np.ndarray:
        """Bool (T,): frames with a reliable line."""
        return np.isfinite(self.angle_deg)

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        np.savez_compressed(path, t=self.t, angle_deg=self.angle_deg, quality=self.quality,
                            height_leg=self.height_leg, examined=self.examined,
                            method=np.array(self.method))
        return path

    @classmethod
    def load(cls, path: str | Path) -> PelvisLine:
        with np.load(Path(path)) as z:
            return cls(z["t"], z["angle_deg"], z["quality"], z["height_leg"], z["examined"],
                       str(z["method"]))


# --- pure helpers ---------------------------------------------------------------------------


def horizontal_edge_map(rgb: np.ndarray, step: int = 2, blur_px: float = 1.0) -> np.ndarray:
    """Strength (H, W) of horizontal colour boundaries in an RGB uint8 image.

    Lab colour difference between the pixels `step` rows below and above, minus the difference
    between the pixels `step` columns right and left (so vertical outlines score 0), clipped at
    0. Units: Lab as OpenCV stores it in 8 bits (L 0-255); the border rows/columns are 0.
    """
    img = cv2.GaussianBlur(rgb, (0, 0), blur_px) if blur_px > 0 else rgb
    lab = cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2LAB).astype(np.float32)
    gy = np.zeros(lab.shape[:2], np.float32)
    gx = np.zeros(lab.shape[:2], np.float32)
    gy[step:-step] = np.linalg.norm(lab[2 * step:] - lab[:-2 * step], axis=-1)
    gx[:, step:-step] = np.linalg.norm(lab[:, 2 * step:] - lab[:, :-2 * step], axis=-1)
    return np.maximum(gy - gx, 0.0)


def strongest_lines(
    edge: np.ndarray, max_angle_deg: float = MAX_ANGLE_DEG, step_deg: float = 1.0,
    n: int = 3, min_gap_px: int = 4,
) -> list[tuple[float, float, float]]:
    """The straight lines with the largest mean edge strength across the whole width.

    Returns up to n (angle_deg, y_mid, score), strongest first: image angle (+ = right end
    lower), the line's row at the centre column and the mean strength along it, at rows at
    least min_gap_px apart (a band has two parallel edges; either may be the cleaner one).
    Every column counts, so a line must run across the region to score well.
    """
    h, w = edge.shape
    angles = np.arange(-max_angle_deg, max_angle_deg + 1e-9, step_deg)
    xc = (w - 1) / 2.0
    offs = np.round(np.tan(np.radians(angles))[:, None] * (np.arange(w) - xc)).astype(int)
    pad = int(np.abs(offs).max()) + 1
    padded = np.zeros((h + 2 * pad, w), np.float32)
    padded[pad:pad + h] = edge
    rows = np.arange(h)[None, :, None] + offs[:, None, :] + pad  # (A, H, W)
    sums = padded[rows, np.arange(w)[None, None, :]].sum(axis=2) / w  # (A, H)
    best_a = np.argmax(sums, axis=0)
    profile = sums[best_a, np.arange(h)]
    out: list[tuple[float, float, float]] = []
    for y in np.argsort(-profile, kind="stable"):
        if len(out) == n or profile[y] <= 0:
            break
        if all(abs(y - yo) >= min_gap_px for _, yo, _ in out):
            out.append((float(angles[best_a[y]]), float(y), float(profile[y])))
    return out


def _theil_sen(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Median pairwise slope and median intercept."""
    i, j = np.triu_indices(len(x), 1)
    dx = x[j] - x[i]
    ok = dx != 0
    slope = float(np.median((y[j] - y[i])[ok] / dx[ok]))
    return slope, float(np.median(y - slope * x))


def fit_edge_line(
    edge: np.ndarray, angle_deg: float, y_mid: float, search_px: float = 4.0,
    min_strength: float = 12.0,
) -> EdgeLine:
    """Refine a line found by `strongest_lines` on an edge map and score it.

    Each column's boundary is the strongest edge row within `search_px` of the line (sub-pixel,
    parabola); columns whose edge is below half the line's median strength, or below
    `min_strength` (Lab units, above sensor noise and shading), do not support it. A Theil-Sen
    line is fitted through the supporting columns and refitted once on those within 2 px. The
    halves left and right of the centre column are scored separately; quality is
    min(support of each half), times a straightness factor (1 at 0 px residual, 0.5 at 1.5 px),
    times a contrast factor (0 below min_strength, 1 from twice it); 0 if the halves' own lines
    disagree by more than 6 deg or 2 px at the centre.
    """
    h, w = edge.shape
    x = np.arange(w, dtype=np.float64)
    xc = (w - 1) / 2.0
    line_y = y_mid + np.tan(np.radians(angle_deg)) * (x - xc)
    k = int(np.ceil(search_px))
    rows = np.round(line_y).astype(int)[None, :] + np.arange(-k - 1, k + 2)[:, None]
    inside = (rows >= 0) & (rows < h)
    vals = np.where(inside, edge[np.clip(rows, 0, h - 1), x.astype(int)], 0.0)
    core = vals[1:-1]
    best = np.argmax(core, axis=0)
    peak = core[best, np.arange(w)]
    c0 = vals[best, np.arange(w)]
    c2 = vals[best + 2, np.arange(w)]
    den = c0 - 2 * peak + c2
    frac = np.where(den < 0, 0.5 * (c0 - c2) / np.where(den < 0, den, -1.0), 0.0)
    yb = rows[best + 1, np.arange(w)] + np.clip(frac, -0.5, 0.5)
    strength = float(np.median(peak))
    ok = (peak >= max(0.5 * strength, min_strength)) & inside[best + 1, np.arange(w)]
    if ok.sum() < max(6, 0.3 * w):
        return NO_LINE
    slope, icpt = _theil_sen(x[ok], yb[ok])
    near = ok & (np.abs(yb - (icpt + slope * x)) <= 2.0)
    if near.sum() < max(6, 0.3 * w):
        return NO_LINE
    slope, icpt = _theil_sen(x[near], yb[near])
    res = yb[near] - (icpt + slope * x[near])
    resid = float(1.4826 * np.median(np.abs(res - np.median(res))))
    left, right = x < xc, x > xc
    sup_l = float(near[left].mean())
    sup_r = float(near[right].mean())
    strength = float(np.median(peak[near]))
    quality = 0.0
    nl, nr = near & left, near & right
    if nl.sum() >= 4 and nr.sum() >= 4:
        sl, il = _theil_sen(x[nl], yb[nl])
        sr, ir = _theil_sen(x[nr], yb[nr])
        d_angle = abs(np.degrees(np.arctan(sl) - np.arctan(sr)))
        d_mid = abs((il + sl * xc) - (ir + sr * xc))
        if d_angle <= 6.0 and d_mid <= 2.0:
            contrast = float(np.clip((strength - min_strength) / min_strength, 0.0, 1.0))
            straight = 1.0 / (1.0 + (resid / 1.5) ** 2)
            quality = min(sup_l, sup_r) * straight * contrast
    return EdgeLine(
        angle_deg=float(np.degrees(np.arctan(slope))), y_mid=float(icpt + slope * xc),
        strength=strength, support_left=sup_l, support_right=sup_r, residual_px=resid,
        quality=float(quality),
    )


def find_waistband(roi_rgb: np.ndarray, max_angle_deg: float = MAX_ANGLE_DEG) -> EdgeLine:
    """The pelvis line in a region (RGB uint8) spanning the body width at the waist.

    The region should hold the body across its whole width and the band above the hips where
    the waistband is expected (see `measure_pelvis_line`). Of the few strongest candidate lines
    the one with the best quality wins; quality 0 when no edge runs straight across both
    halves.
    """
    if roi_rgb.ndim != 3 or min(roi_rgb.shape[:2]) < 12:
        return NO_LINE
    edge = horizontal_edge_map(roi_rgb)
    best = NO_LINE
    for angle, y, _ in strongest_lines(edge, max_angle_deg):
        e = fit_edge_line(edge, angle, y)
        if e.quality > best.quality:
            best = e
    return best


# --- over a clip ----------------------------------------------------------------------------


def _frames_of_interest(t: np.ndarray, times: np.ndarray | None) -> np.ndarray:
    if times is None:
        return np.ones(len(t), bool)
    times = np.asarray(times, dtype=np.float64)
    times = times[np.isfinite(times)]
    want = np.zeros(len(t), bool)
    if len(times) == 0 or len(t) == 0:
        return want
    dt = float(np.median(np.diff(t))) if len(t) > 1 else 1 / 30
    half = max(AROUND_S, 1.6 * dt)
    lo = np.searchsorted(t, times - half, side="left")
    hi = np.searchsorted(t, times + half, side="right")
    for a, b in zip(lo, hi, strict=True):
        want[a:b] = True
    return want


def measure_pelvis_line(
    video_path: str | Path, seq: PoseSequence, times: np.ndarray | None = None
) -> PelvisLine:
    """The waistband line in each frame of `seq` (all frames, or those within
    max(0.05 s, 1.6 frames) of `times`, s), decoded from `video_path`.

    Frames are matched to seq.t by their timestamps (gaitcam.video.iter_frames, rotation
    applied). In each frame with the hips, the region spans HALF_WIDTH_HIPS hip distances each
    side of the mid-hip (the median hip distance of the clip) and BAND_LEG leg lengths above
    the mid-hip, levelled on nothing (the image rows). Frames whose line has quality below
    MIN_QUALITY get NaN. Raises VideoError for an unreadable clip.
    """
    t = np.asarray(seq.t, dtype=np.float64)
    n = len(t)
    angle = np.full(n, np.nan)
    quality = np.zeros(n)
    height = np.full(n, np.nan)
    xy = np.asarray(seq.xy, dtype=np.float64)
    hips = xy[:, [LEFT_HIP, RIGHT_HIP]]
    mid = hips.mean(axis=1)
    have = np.isfinite(mid).all(axis=1)
    examined = _frames_of_interest(t, times) & have
    leg = leg_length_px(xy, stat="p90")
    dist = np.abs(hips[:, 1, 0] - hips[:, 0, 0])
    trunk = np.linalg.norm(xy[:, [LEFT_SHOULDER, RIGHT_SHOULDER]].mean(axis=1) - mid, axis=1)
    if not examined.any() or not np.isfinite(leg) or leg <= 0:
        return PelvisLine(t, angle, quality, height, examined, info={"leg_px": leg})
    d = float(np.nanmedian(dist[have]))
    # From the rear or front the hips are a fifth of a leg apart; guard against a bad pose.
    d = float(np.clip(d, 0.12 * leg, 0.4 * leg))
    half_w = max(int(round(HALF_WIDTH_HIPS * d)), 8)
    top_off = int(round(BAND_LEG[1] * leg))
    bot_off = int(round(BAND_LEG[0] * leg))
    info = probe(video_path)
    wanted = np.flatnonzero(examined)
    last = wanted[-1]
    for frame in iter_frames(video_path, pixel_format="rgb24", info=info):
        k = int(nearest_frames(t, frame.t)[0])
        if abs(t[k] - frame.t) > 0.5 / max(seq.fps, 1.0):
            continue
        if examined[k]:
            img = frame.image
            cx, cy = int(round(mid[k, 0])), int(round(mid[k, 1]))
            x0, x1 = cx - half_w, cx + half_w + 1
            y0, y1 = cy - top_off, cy - bot_off
            if x0 >= 0 and y0 >= 0 and x1 <= img.shape[1] and y1 <= img.shape[0] and y1 > y0:
                e = find_waistband(img[y0:y1, x0:x1])
                if e.quality >= MIN_QUALITY:
                    angle[k] = e.angle_deg
                    quality[k] = e.quality
                    height[k] = (cy - (y0 + e.y_mid)) / leg
        if k >= last:
            break
    return PelvisLine(t, angle, quality, height, examined,
                      info={"leg_px": leg, "hip_distance_px": d,
                            "trunk_px": float(np.nanmedian(trunk[have]))})


__all__ = [
    "BAND_LEG", "METHOD", "MIN_QUALITY", "NO_LINE", "EdgeLine", "PelvisLine",
    "find_waistband", "fit_edge_line", "horizontal_edge_map", "measure_pelvis_line",
    "strongest_lines",
]
