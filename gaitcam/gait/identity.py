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
    dt1 = (tv[2:] - tv[1:-1])[:, None, None, None]
    dt0 = (tv[1:-1] - tv[:-2])[:, None, None, None]
    use = (ok[2:] & ok[1:-1] & ok[:-2])[:, None, :, None]
    mean_dt = float(np.median(np.diff(tv)))
    # Per-frame data cost of each state: prior, plus depth disagreement.
    data = np.zeros((2, m))
    data[1] += _PRIOR
    if depth is not None:
        q = depth[valid]
        data[0] += _DEPTH * np.maximum(-q, 0.0)
        data[1] += _DEPTH * np.maximum(q, 0.0)
    cost = np.empty((2, 2, 2, m - 2))
    for a in range(2):
        for b in range(2):
            for c in range(2):
                v1 = (hyp[c, 2:] - hyp[b, 1:-1]) / dt1
                v0 = (hyp[b, 1:-1] - hyp[a, :-2]) / dt0
                acc = np.where(use, (v1 - v0) * mean_dt, 0.0)
                cost[a, b, c] = (np.sqrt((acc ** 2).sum(-1)).sum(axis=(1, 2))
                                 + _SWITCH * (b != c) + data[c, 2:])
    # Viterbi over pair states (s_{k-1}, s_k), unrolled for speed.
    c = [[[cost[a, b, cc].tolist() for cc in range(2)] for b in range(2)] for a in range(2)]
    s00 = data[0, 0] + data[0, 1]
    s01 = data[0, 0] + data[1, 1] + _SWITCH
    s10 = data[1, 0] + data[0, 1] + _SWITCH
    s11 = data[1, 0] + data[1, 1]
    back = bytearray(m - 2)  # bit (2b + c): best a for the new state (b, c)
    c000, c001, c010, c011 = c[0][0][0], c[0][0][1], c[0][1][0], c[0][1][1]
    c100, c101, c110, c111 = c[1][0][0], c[1][0][1], c[1][1][0], c[1][1][1]
    for k in range(m - 2):
        a0, a1 = s00 + c000[k], s10 + c100[k]  # -> (0, 0)
        n00, b00 = (a0, 0) if a0 <= a1 else (a1, 1)
        a0, a1 = s00 + c001[k], s10 + c101[k]  # -> (0, 1)
        n01, b01 = (a0, 0) if a0 <= a1 else (a1, 1)
        a0, a1 = s01 + c010[k], s11 + c110[k]  # -> (1, 0)
        n10, b10 = (a0, 0) if a0 <= a1 else (a1, 1)
        a0, a1 = s01 + c011[k], s11 + c111[k]  # -> (1, 1)
        n11, b11 = (a0, 0) if a0 <= a1 else (a1, 1)
        s00, s01, s10, s11 = n00, n01, n10, n11
        back[k] = b00 | (b01 << 1) | (b10 << 2) | (b11 << 3)
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
