"""Running figures of a live stream: per-frame latency percentiles and processed frame rate.

Both keep only a recent window (the last `maxlen` latencies, the last `span_s` seconds of
completions), so they describe how the stream is doing now, not since it started.
"""

from __future__ import annotations

import collections
import threading
import time

import numpy as np


class LatencyStats:
    """The last `maxlen` per-frame latencies (seconds in, milliseconds out)."""

    def __init__(self, maxlen: int = 300) -> None:
        self._lat: collections.deque[float] = collections.deque(maxlen=maxlen)
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self._lat.append(float(seconds))

    def __len__(self) -> int:
        return len(self._lat)

    def percentile_ms(self, q: float) -> float | None:
        """The q-th percentile (0..100) in milliseconds, or None before the first frame."""
        with self._lock:
            if not self._lat:
                return None
            return float(np.percentile(np.fromiter(self._lat, float), q) * 1000.0)

    def clear(self) -> None:
        with self._lock:
            self._lat.clear()


class RateMeter:
    """Events per second over the last `span_s` seconds (e.g. frames processed)."""

    def __init__(self, span_s: float = 2.0, clock=time.perf_counter) -> None:
        self.span_s = span_s
        self._clock = clock
        self._times: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def tick(self, now: float | None = None) -> None:
        now = self._clock() if now is None else now
        with self._lock:
            self._times.append(now)
            self._trim(now)

    def _trim(self, now: float) -> None:
        while self._times and now - self._times[0] > self.span_s:
            self._times.popleft()

    def rate(self, now: float | None = None) -> float:
        """Events per second in the window; 0.0 with fewer than two events in it."""
        now = self._clock() if now is None else now
        with self._lock:
            self._trim(now)
            n = len(self._times)
            if n < 2:
                return 0.0
            # n events span n-1 intervals; a stream that stopped decays through the window edge
            span = max(now - self._times[0], self._times[-1] - self._times[0])
            return (n - 1) / span if span > 0 else 0.0

    def clear(self) -> None:
        with self._lock:
            self._times.clear()
