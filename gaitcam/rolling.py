"""A growing buffer of per-frame poses, from which recent windows are cut as PoseSequences.

Used wherever poses arrive one frame at a time (the streaming overlay, live mode): the rolling
window of the last few seconds is analysed exactly like a recorded clip.
"""

from __future__ import annotations

import threading

import numpy as np

from gaitcam.landmarks import N_LANDMARKS
from gaitcam.pose_sequence import PoseSequence


class PoseBuffer:
    """Thread-safe append-only store of (t, pose) rows with amortised growth."""

    def __init__(self, width: int = 0, height: int = 0, capacity: int = 1024,
                 source: dict | None = None) -> None:
        """`source`: the windows' PoseSequence.source (e.g. {"model": "lite"}; the analysis
        reads the pose model from it); "rolling": True is always set."""
        self.width, self.height = width, height
        self.source = {**(source or {}), "rolling": True}
        self._lock = threading.Lock()
        self._n = 0
        self._t = np.zeros(capacity)
        self._xy = np.full((capacity, N_LANDMARKS, 2), np.nan, np.float32)
        self._world = np.full((capacity, N_LANDMARKS, 3), np.nan, np.float32)
        self._vis = np.zeros((capacity, N_LANDMARKS), np.float32)
        self._pres = np.zeros((capacity, N_LANDMARKS), np.float32)

    def __len__(self) -> int:
        return self._n

    @property
    def last_t(self) -> float:
        return float(self._t[self._n - 1]) if self._n else -np.inf

    def _grow(self) -> None:
        for name in ("_t", "_xy", "_world", "_vis", "_pres"):
            a = getattr(self, name)
            fill = np.nan if name in ("_xy", "_world") else 0
            b = np.full((2 * len(a), *a.shape[1:]), fill, a.dtype)
            b[: len(a)] = a
            setattr(self, name, b)

    def append(self, t: float, pose) -> None:
        """Add one frame; `pose` has .xy, .world, .vis, .pres arrays, or is None (not found)."""
        with self._lock:
            if self._n == len(self._t):
                self._grow()
            i = self._n
            self._t[i] = t
            if pose is not None:
                self._xy[i], self._world[i] = pose.xy, pose.world
                self._vis[i], self._pres[i] = pose.vis, pose.pres
            self._n += 1

    def window(self, seconds: float, fps: float) -> tuple[PoseSequence, int]:
        """The last `seconds` of poses as a PoseSequence, and the index of its first frame."""
        with self._lock:
            n = self._n
            t = self._t[:n]
            start = int(np.searchsorted(t, t[-1] - seconds)) if n else 0
            s = np.s_[start:n]
            seq = PoseSequence(
                t=t[s].copy(), xy=self._xy[s].copy(), world=self._world[s].copy(),
                visibility=self._vis[s].copy(), presence=self._pres[s].copy(),
                width=self.width, height=self.height, fps=fps, source=dict(self.source),
            )
        return seq, start
