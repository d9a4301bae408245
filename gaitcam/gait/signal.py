"""Signal clean-up for keypoint tracks: gap filling, smoothing, sub-frame peaks, resampling.

All functions work on arrays whose first axis is time and take the frame times `t` (seconds),
so frame-rate-dependent choices are expressed in seconds or hertz, never in frames.

Smoothing: Savitzky-Golay (cubic) whose half-width is chosen from the frame rate so that its
-3 dB cutoff is about `cutoff_hz` (Schafer 2011: fc/fN ~ (N + 1) / (3.2 M - 4.6) for order N and
half-width M). It runs on each stretch of finite samples separately, with odd-mirror padding at
the stretch ends, so a long gap never leaks into its neighbours. The filter is applied on the
sample index (the clip's median frame interval); event timing and sub-frame refinement always
use the real timestamps, so variable-frame-rate clips keep their true timing.
"""

from __future__ import annotations

import warnings

import numpy as np

#: Gaps (runs of NaN) at most this long, in seconds from the last good sample to the next, are
#: filled by linear interpolation; longer ones stay NaN.
MAX_GAP_S = 0.15

#: Default low-pass cutoff for keypoint tracks in Hz: running kinematics lie below ~6-8 Hz
#: (a cadence of 180 steps/min is 1.5 Hz per leg, 3 Hz per step).
CUTOFF_HZ = 8.0


_DT_CACHE: dict[tuple, float] = {}


def median_dt(t: np.ndarray) -> float:
    """Median frame interval of timestamps `t` (s); 1/30 s when fewer than 2 frames.

    Cached per array (the pipeline never modifies its time arrays), since event-level code
    asks for it many times.
    """
    if len(t) < 2:
        return 1.0 / 30.0
    key = (t.__array_interface__["data"][0], len(t), float(t[0]), float(t[-1]))
    dt = _DT_CACHE.get(key)
    if dt is None:
        if len(_DT_CACHE) > 32:
            _DT_CACHE.clear()
        dt = _DT_CACHE[key] = float(np.median(np.diff(t)))
    return dt


def small_median(x: np.ndarray) -> float:
    """np.median of a short 1-D array of finite values (same result, far less overhead for
    the handful of samples per step); NaN when empty."""
    n = len(x)
    if n == 0:
        return float("nan")
    v = np.sort(x)
    k = n // 2
    return float(v[k]) if n % 2 else (float(v[k - 1]) + float(v[k])) / 2.0


def nan_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, stop) index pairs of the runs of True in a 1-D boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(np.int8))
    return list(zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True))


def span(t: np.ndarray, lo: float, hi: float) -> slice:
    """Index slice of the sorted times t within [lo, hi] (binary search, not a full scan)."""
    return slice(int(np.searchsorted(t, lo - 1e-9, side="left")),
                 int(np.searchsorted(t, hi + 1e-9, side="right")))


def fill_gaps(t: np.ndarray, x: np.ndarray, max_gap_s: float = MAX_GAP_S) -> np.ndarray:
    """Linearly interpolate NaN runs of x (T, ...) whose span between good samples <= max_gap_s.

    The span is measured from the last good sample before the gap to the first good one after
    it (so a single missing frame at 30 fps spans 0.067 s). Leading/trailing NaN stay NaN.
    Each trailing component (e.g. each landmark coordinate) is handled independently.
    """
    x = np.asarray(x, dtype=np.float64)
    flat = x.reshape(len(x), -1).copy()
    n = len(t)
    idx = np.arange(n)
    for j in np.flatnonzero(np.isnan(flat).any(0)):
        col = flat[:, j]
        good = ~np.isnan(col)
        if good.sum() < 2:
            continue
        prev = np.maximum.accumulate(np.where(good, idx, -1))
        nxt = np.minimum.accumulate(np.where(good, idx, n)[::-1])[::-1]
        fill = ~good & (prev >= 0) & (nxt < n)
        fill[fill] = t[nxt[fill]] - t[prev[fill]] <= max_gap_s + 1e-9
        if fill.any():
            col[fill] = np.interp(t[fill], t[good], col[good])
    return flat.reshape(x.shape)


def savgol_half_width(fps: float, cutoff_hz: float = CUTOFF_HZ, order: int = 3) -> int:
    """Savitzky-Golay half-width M (window 2M+1) giving a -3 dB cutoff near `cutoff_hz`."""
    nyquist = fps / 2.0
    ratio = min(cutoff_hz / nyquist, 0.95)
    m = int(round(((order + 1) / ratio + 4.6) / 3.2))
    return max(m, (order + 2) // 2)


def savgol_coeffs(half_width: int, order: int = 3) -> np.ndarray:
    """Smoothing (0th derivative) Savitzky-Golay coefficients for the window centre."""
    k = np.arange(-half_width, half_width + 1, dtype=np.float64)
    a = np.vander(k, order + 1, increasing=True)
    return np.linalg.pinv(a)[0]


def _smooth_block(y: np.ndarray, coeffs: np.ndarray) -> np.ndarray:
    """Filter a finite block y (n, C) with odd-mirror padding; n >= 2."""
    m = (len(coeffs) - 1) // 2
    n = len(y)
    if n < 3:
        return y.copy()
    p = min(m, n - 1)
    head = 2 * y[0] - y[p:0:-1]
    tail = 2 * y[-1] - y[-2:-p - 2:-1]
    padded = np.concatenate([head, y, tail])
    if p < m:  # very short block: repeat the end values for the rest of the window
        padded = np.concatenate(
            [np.repeat(padded[:1], m - p, 0), padded, np.repeat(padded[-1:], m - p, 0)]
        )
    win = np.lib.stride_tricks.sliding_window_view(padded, len(coeffs), axis=0)
    return win @ coeffs


def smooth(
    t: np.ndarray, x: np.ndarray, cutoff_hz: float = CUTOFF_HZ, order: int = 3
) -> np.ndarray:
    """Zero-phase Savitzky-Golay low-pass of x (T, ...) with a cutoff near `cutoff_hz`.

    NaN samples stay NaN; each finite stretch is filtered on its own (all components must share
    the NaN pattern per frame for the fast path, otherwise each component is done separately).
    """
    x = np.asarray(x, dtype=np.float64)
    if len(x) < 3:
        return x.copy()
    fps = 1.0 / median_dt(t)
    coeffs = savgol_coeffs(savgol_half_width(fps, cutoff_hz, order), order)
    flat = x.reshape(len(x), -1)
    out = np.full_like(flat, np.nan)
    nan = np.isnan(flat)
    row_nan = nan.all(axis=1)
    if np.array_equal(nan, np.repeat(row_nan[:, None], flat.shape[1], 1)):
        groups = [(np.arange(flat.shape[1]), row_nan)]
    else:
        groups = [(np.array([j]), nan[:, j]) for j in range(flat.shape[1])]
    for cols, bad in groups:
        for a, b in nan_runs(~bad):
            out[a:b, cols] = _smooth_block(flat[a:b][:, cols], coeffs)
    return out.reshape(x.shape)


def refine_extremum(t: np.ndarray, y: np.ndarray, i: int) -> tuple[float, float]:
    """Sub-frame time and value of the extremum at sample i (parabola through i-1, i, i+1)."""
    if i <= 0 or i >= len(y) - 1:
        return float(t[i]), float(y[i])
    y0, y1, y2 = float(y[i - 1]), float(y[i]), float(y[i + 1])
    if not (np.isfinite(y0) and np.isfinite(y1) and np.isfinite(y2)):
        return float(t[i]), float(y[i])
    x0, x2 = float(t[i - 1] - t[i]), float(t[i + 1] - t[i])  # x1 = 0
    # Parabola a x^2 + b x + c through (x0, y0), (0, y1), (x2, y2).
    den = x0 * x2 * (x0 - x2)
    if den == 0:
        return float(t[i]), y1
    a = (x2 * (y0 - y1) - x0 * (y2 - y1)) / den
    b = (x0 * x0 * (y2 - y1) - x2 * x2 * (y0 - y1)) / den
    if a == 0:
        return float(t[i]), y1
    dx = min(max(-b / (2 * a), x0), x2)
    return float(t[i] + dx), float(a * dx * dx + b * dx + y1)


def local_extrema(y: np.ndarray, kind: str = "max", min_separation: int = 1) -> np.ndarray:
    """Indices of strict local maxima (or minima) of y, at least `min_separation` apart.

    Plateaus count once (their first sample). When two extrema are closer than the separation
    the larger (smaller for minima) wins. NaN samples, and samples next to the clip's edges or
    to a NaN, are never extrema.
    """
    v = np.asarray(y, dtype=np.float64)
    v = v if kind == "max" else -v
    f = np.where(np.isfinite(v), v, -np.inf)
    # A sample next to the clip's edge or a gap has an unseen side: never an extremum.
    left = np.concatenate([[np.inf], np.where(np.isfinite(f[:-1]), f[:-1], np.inf)])
    # Compare with the next different value to handle flat tops: for each k, the value after
    # the first change at or after k (the last value when there is none).
    n = len(f)
    change = np.flatnonzero(f[1:] != f[:-1])  # f[j + 1] differs from f[j]
    pos = np.searchsorted(change, np.arange(n - 1))
    nxt = np.empty(n)
    has = pos < len(change)
    nxt[:-1] = np.where(has, f[np.minimum(change[np.minimum(pos, len(change) - 1)] + 1, n - 1)]
                        if len(change) else f[-1], f[-1])
    nxt[-1] = np.inf
    nxt = np.where(np.isfinite(nxt), nxt, np.inf)
    cand = np.flatnonzero((f > left) & (f > nxt) & np.isfinite(v))
    if min_separation <= 1 or len(cand) < 2:
        return cand
    order = cand[np.argsort(-f[cand], kind="stable")]
    taken = np.zeros(len(f), bool)
    keep = []
    for k in order:
        lo, hi = max(k - min_separation + 1, 0), k + min_separation
        if not taken[lo:hi].any():
            keep.append(k)
            taken[k] = True
    return np.sort(np.array(keep, dtype=int))


def dominant_period(
    t: np.ndarray, y: np.ndarray, min_s: float, max_s: float
) -> tuple[float, float]:
    """Strongest autocorrelation period of y within [min_s, max_s] seconds and its strength.

    Returns (period_s, r) with r the normalised autocorrelation (1 = perfectly periodic);
    (nan, 0.0) when the signal is too short or flat. NaN samples are interpolated over.
    """
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(y)
    dt = median_dt(t)
    if ok.sum() < 8:
        return float("nan"), 0.0
    grid = np.arange(t[0], t[-1] + 1e-9, dt)
    v = np.interp(grid, t[ok], y[ok])
    v = v - v.mean()
    n = len(v)
    lo, hi = int(np.floor(min_s / dt)), int(np.ceil(max_s / dt))
    hi = min(hi, n - 2)
    if hi <= lo + 1 or not np.any(v):
        return float("nan"), 0.0
    spec = np.fft.rfft(v, 2 * n)
    ac = np.fft.irfft(spec * np.conj(spec))[:n]
    ac = ac / (n - np.arange(n))  # unbiased
    ac = ac / ac[0]
    k = lo + int(np.argmax(ac[lo:hi + 1]))
    if k <= lo or k >= hi:
        return float("nan"), float(ac[k])
    a, b, c = ac[k - 1], ac[k], ac[k + 1]
    den = a - 2 * b + c
    d = 0.5 * (a - c) / den if den != 0 else 0.0
    return float((k + d) * dt), float(b)


def window_values(
    t: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Samples of y with lo[k] <= t <= hi[k] for many windows at once, padded.

    Returns (tt, yy, mask), each (K, W): times, values and which entries are real finite
    samples (padding and NaN samples are False).
    """
    lo, hi = np.atleast_1d(lo), np.atleast_1d(hi)
    i0 = np.searchsorted(t, lo - 1e-9, side="left")
    i1 = np.searchsorted(t, hi + 1e-9, side="right")
    width = int(max((i1 - i0).max(initial=0), 1))
    idx = i0[:, None] + np.arange(width)[None, :]
    inside = idx < i1[:, None]
    idx = np.clip(idx, 0, len(t) - 1)
    yy = y[idx]
    mask = inside & np.isfinite(yy)
    return t[idx], np.where(mask, yy, 0.0), mask


def polyfit_many(
    tt: np.ndarray, yy: np.ndarray, mask: np.ndarray, at: np.ndarray, deg: int,
    scale: float = 0.05,
) -> tuple[np.ndarray, np.ndarray]:
    """Least-squares polynomials (degree deg) of many padded windows, centred on `at`.

    Returns (coef (K, deg+1) lowest order first, in powers of (t - at) / scale), and the
    number of samples per window. Windows with fewer than deg + 1 samples get NaN
    coefficients.
    """
    x = np.where(mask, (tt - at[:, None]) / scale, 0.0)
    w = mask.astype(np.float64)
    powers = np.stack([x ** p for p in range(deg + 1)], -1) * w[..., None]  # (K, W, d)
    ata = np.einsum("kwi,kwj->kij", powers, powers)
    aty = np.einsum("kwi,kw->ki", powers, yy * w)
    n = mask.sum(1)
    coef = np.full((len(n), deg + 1), np.nan)
    good = n >= deg + 1
    if good.any():
        a, b = ata[good], aty[good]
        det_ok = np.abs(np.linalg.det(a)) > 1e-12
        sol = np.full((good.sum(), deg + 1), np.nan)
        if det_ok.any():
            sol[det_ok] = np.linalg.solve(a[det_ok], b[det_ok][..., None])[..., 0]
        coef[good] = sol
    return coef, n


def running_median(t: np.ndarray, x: np.ndarray, half_s: float, full: bool = False
                   ) -> np.ndarray:
    """Centred running median of x (T, ...) over +-half_s seconds (at least one sample each
    side), NaN-aware; NaN where the window has no finite sample, or with `full` where any
    sample of the window is missing (a one-sided median lags a trend)."""
    x = np.asarray(x, dtype=np.float64)
    h = max(1, int(round(half_s / median_dt(t))))
    flat = x.reshape(len(x), -1)
    pad = np.full((h, flat.shape[1]), np.nan)
    win = np.lib.stride_tricks.sliding_window_view(np.concatenate([pad, flat, pad]), 2 * h + 1,
                                                   axis=0)
    if full:
        return np.median(win, axis=-1).reshape(x.shape)  # NaN propagates
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows stay NaN
        med = np.nanmedian(win, axis=-1)
    return med.reshape(x.shape)


def despike(
    t: np.ndarray, x: np.ndarray, threshold: float, half_s: float = 0.07
) -> tuple[np.ndarray, np.ndarray]:
    """Remove short outliers from tracks x (T, K, D) (a Hampel filter scaled to time).

    A point (row k of x, all D coordinates together) is a spike where it lies more than
    `threshold` (units of x) from its running median over +-half_s seconds; spikes are
    replaced by linear interpolation in time between the good samples around them. A running
    median follows steps, ramps and kinks exactly and only rejects excursions lasting less
    than about half its window (<= 0.07 s: a frame or two at 30 fps, up to four at 60 fps),
    such as a foot point jumping to the other foot for a frame where the legs cross. Samples
    whose window reaches past the clip's ends or into a gap are never spikes.
    Returns (cleaned copy, (T, K) bool mask of replaced samples).
    """
    x = np.asarray(x, dtype=np.float64)
    med = running_median(t, x, half_s, full=True)
    with np.errstate(invalid="ignore"):
        spike = np.sqrt(((x - med) ** 2).sum(-1)) > threshold  # NaN (edges, gaps): False
    if not spike.any():
        return x.copy(), spike
    out = x.copy()
    out[spike] = np.nan
    for k in np.flatnonzero(spike.any(0)):
        good = np.isfinite(out[:, k]).all(-1)
        if good.sum() < 2:
            continue
        bad = spike[:, k]
        for d in range(x.shape[-1]):
            out[bad, k, d] = np.interp(t[bad], t[good], out[good, k, d])
    return out, spike
