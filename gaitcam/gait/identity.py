"""Leg (and arm) identity: undo MediaPipe's left/right label swaps.

In side views MediaPipe sometimes exchanges the left and right labels for a stretch of frames
(the far leg is hidden behind the near one), so labels are not trusted frame by frame. For each
body group (legs: knee, ankle, heel, toe, with the hips following; arms: shoulder, elbow,
wrist, hand, with the face following) a two-state Viterbi decides, for every frame, whether
the labels are as given or exchanged. The cost of a labelling adds up:

- continuity: the summed acceleration of the landmark tracks it implies (second differences
  with the real frame times, in leg lengths), so tracks that jump or reverse abruptly lose;
  legs crossing in a side view are not mistaken for swaps because each keeps its velocity;
- depth: when one label is clearly the near limb over the clip (MediaPipe's world z nearer
  the camera and higher visibility in at least 75% of the frames, as in a side view), a
  frame whose labelling puts the far limb under that label pays for it. A label swap moves
  the near limb's depth and visibility to the other label along with its position, so
  jittery far-leg points alone cannot fake a swap;
- switching the state between frames pays a small fixed cost, and exchanging pays a tiny
  per-frame cost, so ties keep MediaPipe's labels (right most of the time).
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

#: Per-frame cost (in leg lengths of acceleration) of exchanging MediaPipe's labels: a tie-break.
_PRIOR = 1e-4
#: Cost of changing the exchange state between two frames.
_SWITCH = 0.05
#: Per-frame cost of a labelling that puts the far limb under the near limb's label.
_DEPTH = 0.05


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
    p = pts[valid]
    ok = finite[valid]
    tv = t[valid]
    m = len(valid)
    hyp = np.stack([p, p[:, ::-1]], axis=0)  # (2 states, m, 2, P, 2)
    use = (ok[2:] & ok[1:-1] & ok[:-2])[:, None, :, None]
    mean_dt = float(np.median(np.diff(tv)))
    # Per-frame data cost of each state: prior, plus depth disagreement.
    data = np.zeros((2, m))
    data[1] += _PRIOR
    if depth is not None:
        q = depth[valid]
        data[0] += _DEPTH * np.maximum(-q, 0.0)
        data[1] += _DEPTH * np.maximum(q, 0.0)
    # Velocities into (v0) and out of (v1) each middle frame for every pair of states, x and y
    # apart; the acceleration cost of a state triple (a, b, c) combines v0[a][b] and v1[b][c].
    # Missing points are zeroed and masked out (use), as their accelerations cost nothing.
    hyp = np.where(np.isfinite(hyp), hyp, 0.0)
    hx, hy = hyp[..., 0], hyp[..., 1]  # (2 states, m, 2 sides, P)
    f = (mean_dt / np.diff(tv))[:, None, None]
    w = use[..., 0].astype(np.float64)
    # vel[a][b][k]: from frame k in state a to frame k + 1 in state b (v0 = vel[:-1], v1 =
    # vel[1:] of the frames around each middle frame).
    vel = [[((hx[b, 1:] - hx[a, :-1]) * f, (hy[b, 1:] - hy[a, :-1]) * f) for b in range(2)]
           for a in range(2)]
    v1 = [[(vx[1:], vy[1:]) for vx, vy in row] for row in vel]
    v0 = [[(vx[:-1], vy[:-1]) for vx, vy in row] for row in vel]
    ones = np.ones(2 * len(pairs))
    c = [[[None, None], [None, None]], [[None, None], [None, None]]]
    for a in range(2):
        for b in range(2):
            for cc in range(2):
                ax = (v1[b][cc][0] - v0[a][b][0]) * w
                ay = (v1[b][cc][1] - v0[a][b][1]) * w
                norm = np.sqrt(ax * ax + ay * ay).reshape(m - 2, -1)
                c[a][b][cc] = (norm @ ones + (_SWITCH * (b != cc) + data[cc, 2:])).tolist()
    # Viterbi over pair states (s_{k-1}, s_k), unrolled for speed.
    s00 = data[0, 0] + data[0, 1]
    s01 = data[0, 0] + data[1, 1] + _SWITCH
    s10 = data[1, 0] + data[0, 1] + _SWITCH
    s11 = data[1, 0] + data[1, 1]
    back = bytearray(m - 2)  # bit (2b + c): best a for the new state (b, c)
    for k, (x000, x100, x001, x101, x010, x110, x011, x111) in enumerate(zip(
            c[0][0][0], c[1][0][0], c[0][0][1], c[1][0][1], c[0][1][0], c[1][1][0],
            c[0][1][1], c[1][1][1], strict=True)):
        bits = 0
        a0 = s00 + x000  # -> (0, 0)
        a1 = s10 + x100
        if a0 <= a1:
            n00 = a0
        else:
            n00 = a1
            bits = 1
        a0 = s00 + x001  # -> (0, 1)
        a1 = s10 + x101
        if a0 <= a1:
            n01 = a0
        else:
            n01 = a1
            bits |= 2
        a0 = s01 + x010  # -> (1, 0)
        a1 = s11 + x110
        if a0 <= a1:
            n10 = a0
        else:
            n10 = a1
            bits |= 4
        a0 = s01 + x011  # -> (1, 1)
        a1 = s11 + x111
        if a0 <= a1:
            s11 = a0
        else:
            s11 = a1
            bits |= 8
        s00, s01, s10 = n00, n01, n10
        back[k] = bits
    final = {(0, 0): s00, (0, 1): s01, (1, 0): s10, (1, 1): s11}
    b, cc = min(final, key=final.get)
    seq = [cc, b]
    for k in range(m - 3, -1, -1):
        a = (back[k] >> (2 * b + cc)) & 1
        seq.append(a)
        b, cc = a, b
    states[valid] = np.array(seq[::-1], bool)
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
