"""Leg (and arm) identity: undo MediaPipe's left/right label swaps.

In side views MediaPipe sometimes exchanges the left and right labels for a stretch of frames
(the far leg is hidden behind the near one), so labels are not trusted frame by frame. For each
body group (legs: knee, ankle, heel, toe, with the hips following; arms: shoulder, elbow,
wrist, hand, with the face following) a two-state Viterbi decides, for every frame, whether
the labels are as given or exchanged. The cost of a labelling adds up:

- continuity: the summed acceleration of the landmark tracks it implies (in leg lengths per
  frame^2, from the real frame times), so tracks that jump or reverse abruptly lose; legs
  crossing in a side view are not mistaken for swaps because each keeps its velocity;
- left-out frames: a run of up to _SKIP_MAX_S may be left out of the continuity for a fixed
  cost per run, the tracks bridged across it. The pose model sometimes puts both legs' points
  midway for a frame or three (at 60 fps often); without this, such a frame is a cheap
  stepping stone onto the other leg's track, and two of them wrongly swap the stride between.
  Left-out frames take the labelling nearer the tracks interpolated across them. Clips above
  _MAX_RATE_HZ are judged on a subsample, the frames between labelled the same way;
- depth: when one label is clearly the near limb over the clip (MediaPipe's world z nearer
  the camera and higher visibility in at least 75% of the frames, as in a side view), a
  frame whose labelling puts the far limb under that label pays for it, per second of video.
  MediaPipe's short image swaps usually leave world z and visibility with their labels, so in
  practice this is a clip-level prior that the labels are mostly right;
- switching the state between frames pays a small fixed cost, and exchanging pays a tiny
  cost per second, so ties keep MediaPipe's labels (right most of the time).
"""

from __future__ import annotations

import warnings

import numpy as np

from gaitcam.landmarks import INDEX


def _pairs(*parts: str) -> tuple[tuple[int, int], ...]:
    return tuple((INDEX[f"left_{p}"], INDEX[f"right_{p}"]) for p in parts)


#: Body groups: (pairs whose motion decides, pairs exchanged with them). The hips (nearly on
#: top of each other from the side) and the face points (too close together) carry no
#: information on their own and follow their group.
GROUPS: dict[str, tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]] = {
    "legs": (_pairs("knee", "ankle", "heel", "foot_index"), _pairs("hip")),
    "arms": (_pairs("shoulder", "elbow", "wrist", "pinky", "index", "thumb"),
             _pairs("eye_inner", "eye", "eye_outer", "ear")),
}

#: Cost per second (in leg lengths of acceleration) of exchanging MediaPipe's labels: a
#: tie-break.
_PRIOR_PER_S = 3e-3
#: Cost of changing the exchange state between two frames.
_SWITCH = 0.05
#: Cost per second of a labelling that puts the far limb under the near limb's label.
_DEPTH_PER_S = 1.5
#: Cost of leaving a frame out of the continuity (its points off both legs' paths).
_SKIP = 2.0
_SKIP_PER_FRAME = 0.0
#: At most this long, and this many frames, left out in a row.
_SKIP_MAX_S = 0.05
_SKIP_MAX_FRAMES = 6
#: Highest frame rate at which continuity is judged.
_MAX_RATE_HZ = 60.0


def _depth_evidence(world: np.ndarray | None, vis: np.ndarray | None,
                    pairs: tuple[tuple[int, int], ...]) -> np.ndarray | None:
    """(T,) in [-1, 1]: + where the left label looks like the near limb, or None when no
    label is consistently the near one (rear/front views, missing data)."""
    if world is None and vis is None:
        return None
    li = [a for a, _ in pairs]
    ri = [b for _, b in pairs]
    parts = []
    world = None if world is None or not np.isfinite(world[:, li + ri]).any() else world
    vis = None if vis is None or not np.isfinite(vis[:, li + ri]).any() else vis
    if world is None and vis is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # frames without the limb: NaN
        if world is not None:
            dz = np.nanmean(world[:, ri, 2] - world[:, li, 2], axis=1)  # + : left nearer
            parts.append(np.clip(np.nan_to_num(dz / 0.15), -1, 1))
        if vis is not None:
            dv = np.nanmean(vis[:, li] - vis[:, ri], axis=1)
            parts.append(np.clip(np.nan_to_num(dv / 0.2), -1, 1))
    q = np.mean(parts, axis=0)
    strong = np.abs(q) > 0.1
    if strong.sum() < 10:
        return None
    sign = np.sign(np.median(q[strong]))
    if np.mean(np.sign(q[strong]) == sign) < 0.75:
        return None
    return q * sign  # + where the labels agree with the clip's usual near limb


def _accelerations(t: np.ndarray, hyp: np.ndarray, ok: np.ndarray, skip: int,
                   mean_dt: float) -> np.ndarray:
    """Continuity cost of every way of linking three kept frames.

    hyp: (2 states, m, 2 sides, P, 2) positions in leg lengths; ok (m, P): pair measured.
    Returns (m, skip + 1, skip + 1, 2, 2, 2) = [i, g1, g2, a, b, c]: the summed acceleration
    norms (leg lengths per frame^2, i.e. leg lengths/s^2 times mean_dt^2) of the tracks through
    frames i - g1 - 1 (state a), i (state b) and i + g2 + 1 (state c); inf where those frames do
    not exist. Time-based, so bridging skipped frames compares like with like.
    """
    m = len(t)
    out = np.full((m, skip + 1, skip + 1, 2, 2, 2), np.inf)
    for g1 in range(1, skip + 2):
        for g2 in range(1, skip + 2):
            lo, hi = g1, m - g2  # middle frames with both neighbours
            if hi <= lo:
                continue
            mid = np.arange(lo, hi)
            dt0 = (t[mid] - t[mid - g1])[:, None, None, None]
            dt1 = (t[mid + g2] - t[mid])[:, None, None, None]
            use = (ok[mid - g1] & ok[mid] & ok[mid + g2])[:, None, :]
            for a in range(2):
                for b in range(2):
                    v0 = (hyp[b, mid] - hyp[a, mid - g1]) / dt0
                    for c in range(2):
                        v1 = (hyp[c, mid + g2] - hyp[b, mid]) / dt1
                        acc = (v1 - v0) * (2.0 * mean_dt ** 2) / (dt0 + dt1)
                        norm = np.where(use, np.sqrt((acc ** 2).sum(-1)), 0.0)
                        out[mid, g1 - 1, g2 - 1, a, b, c] = norm.sum(axis=(1, 2))
    return out


def _skip_cost(n: np.ndarray) -> np.ndarray:
    """Cost of leaving out a run of n frames (0 for none)."""
    n = np.asarray(n)
    return np.where(n > 0, _SKIP + _SKIP_PER_FRAME * (n - 1), 0.0)


def _viterbi(acc: np.ndarray, data: np.ndarray, skip: int) -> tuple[np.ndarray, np.ndarray]:
    """Cheapest labelling of m frames, up to `skip` frames in a row left out.

    acc: from _accelerations; data (2, m): per-frame cost of each state. A path keeps a
    subsequence of frames, each with a state; it pays the accelerations of consecutive kept
    triples, _SWITCH per state change, the data costs of kept frames and _SKIP per frame left
    out. Returns (state (m,) int, kept (m,) bool).
    """
    m = data.shape[1]
    k1 = skip + 1
    switch = np.array([[0.0, _SWITCH], [_SWITCH, 0.0]])
    # cost[j, g, b, c]: best path whose last kept frame is j (state c) and the one before it
    # j - g - 1 (state b); back[j, g, b, c]: (g1 * 2 + a) of the kept frame before that, or
    # -1 when j - g - 1 is the first kept frame.
    cost = np.full((m, k1, 2, 2), np.inf)
    back = np.full((m, k1, 2, 2), -1, dtype=np.int64)
    gs = np.arange(k1)
    for j in range(1, m):
        n_g = min(k1, j)
        g = gs[:n_g]
        i = j - g - 1  # the kept frame before j, for every gap g
        # tot[g, g1, a, b, c]: the path to (i, g1, a, b) followed by j in state c.
        tot = cost[i][..., None] + acc[i, :, g]
        flat = np.moveaxis(tot, (1, 2), (3, 4)).reshape(n_g, 2, 2, -1)
        back[j, :n_g] = flat.argmin(axis=-1)
        cand = flat.min(axis=-1)
        # Or i is the first kept frame, the frames before it left out (at most `skip`).
        first = ((data[:, i] + _skip_cost(i)).T)[:, :, None] + np.where(i <= skip, 0.0, np.inf)[
            :, None, None]
        new = first < cand
        cand = np.where(new, first, cand)
        back[j, :n_g] = np.where(new, -1, back[j, :n_g])
        cost[j, :n_g] = cand + switch + data[None, None, :, j] + _skip_cost(g)[:, None, None]
    end = cost + _skip_cost(m - 1 - np.arange(m))[:, None, None, None]
    end[: max(m - k1, 0)] = np.inf
    j, g, b, c = np.unravel_index(int(np.argmin(end)), end.shape)
    state = np.zeros(m, np.int64)
    kept = np.zeros(m, bool)
    while True:
        i = j - g - 1
        state[j], kept[j] = c, True
        state[i], kept[i] = b, True
        code = back[j, g, b, c]
        if code < 0:
            break
        g1, a = divmod(int(code), 2)
        j, g, b, c = i, g1, a, b
    return state, kept


def _swap_states(t: np.ndarray, xy: np.ndarray, pairs: tuple[tuple[int, int], ...],
                 scale: float, depth: np.ndarray | None = None) -> np.ndarray:
    """(T,) bool: frames whose labels of `pairs` should be exchanged."""
    n = len(t)
    li = np.array([a for a, _ in pairs])
    ri = np.array([b for _, b in pairs])
    pts = np.stack([xy[:, li], xy[:, ri]], axis=1) / scale  # (T, 2 sides, P, 2)
    finite = np.isfinite(pts).all(axis=(1, 3))  # (T, P): pair complete in this frame
    valid = np.flatnonzero(finite.any(axis=1))
    states = np.zeros(n, bool)
    if len(valid) < 3:
        return states
    p = np.where(np.isfinite(pts[valid]), pts[valid], 0.0)
    ok = finite[valid]
    tv = t[valid]
    hyp = np.stack([p, p[:, ::-1]], axis=0)  # (2 states, m, 2 sides, P, 2)
    # Continuity is judged on at most _MAX_RATE_HZ frames per second: faster clips are
    # subsampled, their frames in between labelled like left-out frames (below).
    stride = max(1, round(1.0 / (_MAX_RATE_HZ * float(np.median(np.diff(tv))))))
    sub = np.arange(0, len(tv), stride)
    if sub[-1] != len(tv) - 1:
        sub = np.append(sub, len(tv) - 1)
    ts = tv[sub]
    mean_dt = float(np.median(np.diff(ts)))
    # Per-frame data costs are rates (per second) times the time the frame stands for, so a
    # stretch of video weighs the same at any frame rate.
    span = np.minimum(np.gradient(ts), 3 * mean_dt)
    data = np.zeros((2, len(sub)))
    data[1] += _PRIOR_PER_S * span
    if depth is not None:
        q = depth[valid][sub]
        data[0] += _DEPTH_PER_S * span * np.maximum(-q, 0.0)
        data[1] += _DEPTH_PER_S * span * np.maximum(q, 0.0)
    skip = int(np.clip(np.ceil(_SKIP_MAX_S / mean_dt - 1e-3), 1, _SKIP_MAX_FRAMES))
    acc = _accelerations(ts, hyp[:, sub], ok[sub], skip, mean_dt)
    sub_state, sub_kept = _viterbi(acc, data, skip)
    state = np.zeros(len(tv), np.int64)
    kv = sub[sub_kept]
    state[kv] = sub_state[sub_kept]
    # A frame left out takes the labelling nearer the kept frames around it (their positions
    # interpolated in time).
    rest = np.setdiff1d(np.arange(len(tv)), kv)
    if len(rest):
        pos = np.searchsorted(kv, rest)
        before = kv[np.clip(pos - 1, 0, len(kv) - 1)]
        after = kv[np.clip(pos, 0, len(kv) - 1)]
        span_ba = tv[after] - tv[before]
        w = np.divide(tv[rest] - tv[before], span_ba, out=np.zeros(len(rest)),
                      where=span_ba > 0)[:, None, None, None]
        ref = (1 - w) * hyp[state[before], before] + w * hyp[state[after], after]
        use = ok[rest][:, None, :, None]
        d = [np.abs(np.where(use, hyp[s, rest] - ref, 0.0)).sum(axis=(1, 2, 3)) for s in (0, 1)]
        state[rest] = d[1] < d[0]
    states[valid] = state.astype(bool)
    # Frames with no complete pair inherit the state of the previous valid frame.
    idx = np.maximum.accumulate(np.where(np.isin(np.arange(n), valid), np.arange(n), 0))
    return states[idx]


def fix_label_swaps(
    t: np.ndarray, xy: np.ndarray, leg_px: float, *extra: np.ndarray,
    world: np.ndarray | None = None, visibility: np.ndarray | None = None,
) -> tuple[np.ndarray, tuple[np.ndarray, ...], dict[str, np.ndarray]]:
    """Exchange left/right labels where MediaPipe swapped them (see the module docstring).

    xy: (T, 33, 2) pixels; leg_px: a leg length in pixels (the cost scale). world (T, 33, 3)
    and visibility (T, 33), when given, supply the depth evidence. `extra` arrays (T, 33, ...)
    such as visibility are exchanged the same way. Returns (xy, extra, swapped) with
    swapped = {group: (T,) bool} marking the frames that were exchanged.
    """
    xy = np.array(xy, dtype=np.float64, copy=True)
    extra = tuple(np.array(e, copy=True) for e in extra)
    w = None if world is None else np.asarray(world, dtype=np.float64)
    v = None if visibility is None else np.asarray(visibility, dtype=np.float64)
    swapped = {}
    for name, (pairs, followers) in GROUPS.items():
        depth = _depth_evidence(w, v, pairs)
        st = _swap_states(t, xy, pairs, max(leg_px, 1.0), depth)
        swapped[name] = st
        if st.any():
            for a, b in pairs + followers:
                for arr in (xy, *extra):
                    arr[st, a], arr[st, b] = arr[st, b].copy(), arr[st, a].copy()
    return xy, extra, swapped
