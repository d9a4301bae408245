"""Session time for live frames: monotonic seconds from the source's own timestamps.

Camera and WebRTC timestamps are the best record of when a frame was captured, but they can
start anywhere, wrap around, jump when a stream restarts, or be missing. `StreamClock` follows
the source's frame-to-frame steps while they are plausible (0 < step < `max_step_s`) and falls
back to the arrival-time step otherwise, so session time always increases.
"""

from __future__ import annotations


class StreamClock:
    """Maps (source timestamp or None, arrival time) pairs to increasing session seconds.

    The first frame is at 0.0 s. Not thread-safe: call it from one thread.
    """

    def __init__(self, max_step_s: float = 1.0, min_step_s: float = 1e-4) -> None:
        self.max_step_s = max_step_s
        self.min_step_s = min_step_s
        self._src: float | None = None
        self._arrival: float | None = None
        self._t: float | None = None

    def __call__(self, source_t: float | None, arrival: float) -> float:
        if self._t is None or self._arrival is None:
            self._t = 0.0
        else:
            step = None
            if source_t is not None and self._src is not None:
                d = source_t - self._src
                if 0.0 < d < self.max_step_s:
                    step = d
            if step is None:
                step = arrival - self._arrival
            self._t += max(step, self.min_step_s)
        self._src, self._arrival = source_t, arrival
        return self._t
