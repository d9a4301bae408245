"""Resampling unevenly processed live poses onto an even time grid."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.landmarks import N_LANDMARKS
from gaitcam.live.resample import resample_uniform
from gaitcam.pose_sequence import PoseSequence


def moving(t: np.ndarray) -> PoseSequence:
    """Every landmark at x = 100 + 50 sin(2 pi t), y = 200 + 30 t (pixels)."""
    n = len(t)
    xy = np.empty((n, N_LANDMARKS, 2), np.float32)
    xy[:, :, 0] = (100 + 50 * np.sin(2 * np.pi * t))[:, None]
    xy[:, :, 1] = (200 + 30 * t)[:, None]
    return PoseSequence(t=t, xy=xy, world=np.zeros((n, N_LANDMARKS, 3), np.float32),
                        visibility=np.full((n, N_LANDMARKS), 0.9, np.float32),
                        presence=np.ones((n, N_LANDMARKS), np.float32),
                        width=640, height=480, fps=30.0)


def test_dropped_frames_are_filled_on_the_camera_grid() -> None:
    full = np.arange(300) / 30
    kept = np.flatnonzero(np.arange(300) % 3 != 1)  # every third frame dropped: 33/67 ms gaps
    out = resample_uniform(moving(full[kept]))
    assert out.fps == pytest.approx(30.0)
    np.testing.assert_allclose(np.diff(out.t), 1 / 30, atol=1e-9)
    assert out.t[0] == 0.0 and out.t[-1] == pytest.approx(299 / 30)
    truth = 100 + 50 * np.sin(2 * np.pi * out.t)
    # linear interpolation of a 50 px, 1 Hz sine across a 67 ms gap errs by <= 1.1 px
    assert np.max(np.abs(out.xy[:, 0, 0] - truth)) < 1.2
    np.testing.assert_allclose(out.xy[:, 5, 1], 200 + 30 * out.t, atol=1e-3)
    assert out.detected.all() and np.allclose(out.visibility, 0.9)


def test_long_gaps_stay_missing() -> None:
    t = np.concatenate([np.arange(0, 30) / 30, np.arange(45, 90) / 30])  # 0.5 s unseen
    out = resample_uniform(moving(t))
    gap = (out.t > 29 / 30 + 1e-6) & (out.t < 45 / 30 - 1e-6)
    assert gap.sum() == 15
    assert not out.detected[gap].any() and out.detected[~gap].all()
    assert (out.visibility[gap] == 0).all()


def test_even_or_tiny_sequences_are_returned_as_they_are() -> None:
    even = moving(np.arange(60) / 30)
    assert resample_uniform(even) is even
    two = moving(np.array([0.0, 0.1]))
    assert resample_uniform(two) is two
