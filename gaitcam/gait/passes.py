"""Passes across the frame in a side view: which stretch of an overground clip to analyse.

A person filmed from the side overground may cross the frame, stop, turn round, or walk back
(even backward, as in some gait demos). Each crossing is a *pass*: a run of frames in which the
mid-hip moves across the image in one direction faster than MIN_SPEED_LEGS_PER_S (its image x
smoothed over a second), lasting at least MIN_PASS_S. A pass is *forward* when the direction
of travel agrees with the way the body faces (nose ahead of the ears, toes ahead of the heels,
knees bending forward: gaitcam.gait.view.facing_cues without the travel cue).

On a treadmill (or with a panning camera) the hips stay in place: there is no pass and the
whole clip is analysed. Otherwise the longest forward pass is analysed (see `choose_pass`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gaitcam.gait.signal import fill_gaps, median_dt, nan_runs
from gaitcam.gait.view import body_facing
from gaitcam.landmarks import LEFT_HIP, RIGHT_HIP

#: Hip travel (leg lengths per second, smoothed over a second) above which a frame is part of
#: a pass; walking at 1.4 m/s is about 1.6 leg lengths per second.
MIN_SPEED_LEGS_PER_S = 0.3
#: Shortest pass worth analysing, seconds (three walking strides need about 3 s, but a pass is
#: also kept if it is the only one).
MIN_PASS_S = 1.5
#: A pass covering at least this share of the frames with a person is the whole clip.
WHOLE_CLIP_SHARE = 0.8


@dataclass(frozen=True)
class Pass:
    """Frames [start, stop) crossing the image in `direction` ("left"/"right" = toward image
    left/right); `facing`: the way the body faces then; `forward`: travel agrees with facing."""

    start: int
    stop: int
    direction: str
    facing: str
    t0: float
    t1: float

    @property
    def forward(self) -> bool:
        return self.direction == self.facing

    @property
    def duration_s(self) -> float:
        return self.t1 - self.t0


def _moving_mean(y: np.ndarray, n: int) -> np.ndarray:
    """Centred moving mean over n samples of a gap-free array (shrinking at the ends)."""
    # np.convolve(mode="same") returns max(len(y), n) samples: keep the window within y.
    n = max(1, min(n, len(y) - (1 - len(y) % 2)))
    k = np.ones(n)
    num = np.convolve(y, k, mode="same")
    den = np.convolve(np.ones(len(y)), k, mode="same")
    return num / den


def find_passes(t: np.ndarray, xy: np.ndarray, leg_px: float) -> list[Pass]:
    """The passes (see the module docstring) of a side-view clip, in time order.

    xy: (T, 33, 2) pixels (gap-filled or not); leg_px: the leg length in pixels.
    """
    if not np.isfinite(leg_px) or leg_px <= 0 or len(t) < 10:
        return []
    mid = (xy[:, LEFT_HIP, 0] + xy[:, RIGHT_HIP, 0]) / 2
    mid = fill_gaps(t, mid, 0.5)
    dt = median_dt(t)
    n = max(3, int(round(1.0 / dt)) | 1)
    speed = np.full(len(t), np.nan)
    for a, b in nan_runs(np.isfinite(mid)):
        if b - a >= 3:
            x = _moving_mean(mid[a:b], n)
            speed[a:b] = np.gradient(x, t[a:b]) / leg_px
    passes = []
    for sign, direction in ((1.0, "right"), (-1.0, "left")):
        moving = np.isfinite(speed) & (sign * speed > MIN_SPEED_LEGS_PER_S)
        for a, b in nan_runs(moving):
            if t[b - 1] - t[a] < MIN_PASS_S:
                continue
            facing = body_facing(t[a:b], xy[a:b]) or direction
            passes.append(Pass(int(a), int(b), direction, facing, float(t[a]), float(t[b - 1])))
    return sorted(passes, key=lambda p: p.start)


def choose_pass(t: np.ndarray, xy: np.ndarray, leg_px: float) -> tuple[Pass | None, str | None]:
    """(the pass to analyse, why the rest was left out), or (None, None) for the whole clip.

    The whole clip is analysed when there is no pass (treadmill) or one forward pass covers
    at least WHOLE_CLIP_SHARE of the frames with a person. Otherwise the longest forward pass is
    chosen and the reason names what else happened (a turn, walking backward, a stop). With
    passes but none forward, (None, reason) is returned: the person only moved backward.
    """
    passes = find_passes(t, xy, leg_px)
    if not passes:
        return None, None
    seen = int(np.isfinite(xy[:, LEFT_HIP, 0]).sum())
    forward = [p for p in passes if p.forward]
    if len(passes) == 1 and forward and (passes[0].stop - passes[0].start) >= (
            WHOLE_CLIP_SHARE * seen):
        return None, None
    backward = [p for p in passes if not p.forward]
    if not forward:
        return None, "the person moves backward (travels opposite to the way they face)"
    best = max(forward, key=lambda p: p.duration_s)
    other = []
    if backward:
        other.append("moves backward")
    if len(forward) > 1:
        other.append("crosses the frame again")
    if not other:
        other.append("stands or turns")
    return best, f"elsewhere in the clip the person {' and '.join(other)}"
