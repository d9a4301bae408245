"""Left/right label-swap repair (gaitcam.gait.identity) on synthetic side views whose true
labels are known, at several frame rates.

The pose model's errors are imitated as seen on rendered clips with exact truth: label swaps
of a few frames in the image points only (its world depth and visibility keep their labels),
and "blips", frames where both legs' points are pulled toward each other (the model unsure,
its smoothing halfway between two answers).
"""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.gait.identity import fix_label_swaps
from gaitcam.landmarks import INDEX, LEFT_RIGHT_PAIRS
from gaitcam.synthetic import synthetic_sequence

LEG_PARTS = ("hip", "knee", "ankle", "heel", "foot_index")
LEG_PAIRS = [(INDEX[f"left_{p}"], INDEX[f"right_{p}"]) for p in LEG_PARTS]
LEG_PX = 200.0


def _clip(fps: float, seed: int = 3, noise_px: float = 2.0):
    seq, _ = synthetic_sequence(fps=fps, duration_s=6, noise_px=noise_px, seed=seed)
    return seq, np.array(seq.xy, float)


def _swap(xy: np.ndarray, frames: np.ndarray, pull: float = 0.0) -> None:
    """Exchange the left/right image points of every pair in `frames` (in place), each point
    moved the fraction `pull` of the way back toward its own side."""
    for a, b in LEFT_RIGHT_PAIRS:
        la, rb = xy[frames, a].copy(), xy[frames, b].copy()
        xy[frames, a] = rb + pull * (la - rb)
        xy[frames, b] = la + pull * (rb - la)


def _blip(xy: np.ndarray, frames: np.ndarray) -> None:
    """Both legs' points at their midpoint in `frames` (in place)."""
    for a, b in LEG_PAIRS:
        mid = 0.5 * (xy[frames, a] + xy[frames, b])
        xy[frames, a], xy[frames, b] = mid, mid.copy()


def _clear(xy_true: np.ndarray) -> np.ndarray:
    """(T,) bool: frames where the feet are apart, so that the labels matter."""
    d = np.linalg.norm(xy_true[:, INDEX["left_ankle"]] - xy_true[:, INDEX["right_ankle"]], axis=1)
    return d > 0.1 * LEG_PX


def _fix(seq, xy):
    return fix_label_swaps(seq.t, xy, LEG_PX, world=seq.world, visibility=seq.visibility)


def _frames(t: np.ndarray, spans) -> np.ndarray:
    m = np.zeros(len(t), bool)
    for a, b in spans:
        m |= (t >= a) & (t < b)
    return m


#: Swaps as the pose model makes them: one frame at 30 fps up to a tenth of a second, plus a
#: long one.
SPANS = ((0.50, 0.51), (1.20, 1.27), (2.00, 2.05), (3.00, 3.90), (4.40, 4.45), (5.30, 5.34))


@pytest.mark.parametrize("fps", [30, 60, 120])
def test_image_only_swaps_are_undone(fps: int) -> None:
    seq, xy_true = _clip(fps)
    xy = xy_true.copy()
    truth = _frames(seq.t, SPANS)
    _swap(xy, truth)
    fixed, _, flags = _fix(seq, xy)
    clear = _clear(xy_true)
    assert truth[clear].sum() > 0.1 * len(seq.t)
    assert np.array_equal(flags["legs"][clear], truth[clear])
    assert np.allclose(fixed[clear][:, 23:33], xy_true[clear][:, 23:33])


@pytest.mark.parametrize("fps", [30, 60, 120])
def test_blips_do_not_start_swaps(fps: int) -> None:
    """Frames with both legs' points midway (up to 0.05 s in a row, twice a stride) offer a
    cheap path across to the other leg's track; the labels of the frames between them stay."""
    seq, xy_true = _clip(fps)
    xy = xy_true.copy()
    rng = np.random.default_rng(1)
    starts = np.arange(0.3, 5.7, 0.37) + rng.uniform(0, 0.05, 15)
    blips = _frames(seq.t, [(s, s + rng.uniform(0.001, 0.05)) for s in starts])
    _blip(xy, blips)
    _, _, flags = _fix(seq, xy)
    judged = _clear(xy_true) & ~blips
    assert not flags["legs"][judged].any()


@pytest.mark.parametrize("fps", [30, 60, 120])
def test_blurred_swaps_between_blips(fps: int) -> None:
    """Short swaps whose points sit part of the way back (the model's smoothing), with blips
    around them: the swapped frames are found and the frames between blips are left alone."""
    seq, xy_true = _clip(fps, seed=5, noise_px=3.0)
    xy = xy_true.copy()
    swaps = _frames(seq.t, ((0.8, 0.84), (2.1, 2.15), (3.55, 3.6), (4.9, 4.93)))
    blips = _frames(seq.t, ((0.5, 0.52), (1.3, 1.32), (1.6, 1.62), (2.7, 2.72), (3.1, 3.12),
                            (4.2, 4.22), (4.6, 4.62), (5.5, 5.52)))
    _swap(xy, swaps, pull=0.25)
    _blip(xy, blips)
    _, _, flags = _fix(seq, xy)
    judged = _clear(xy_true) & ~blips
    assert np.array_equal(flags["legs"][judged], swaps[judged])


@pytest.mark.parametrize("fps", [30, 60])
def test_clean_noisy_clip_keeps_its_labels(fps: int) -> None:
    seq, xy = _clip(fps, noise_px=4.0)
    _, _, flags = _fix(seq, xy)
    assert not flags["legs"].any() and not flags["arms"].any()


def test_missing_frames_are_bridged() -> None:
    """A swap that starts inside a run of frames without the runner is still found: the
    continuity reaches across the gap."""
    seq, xy_true = _clip(60)
    xy = xy_true.copy()
    truth = _frames(seq.t, ((2.0, 2.6),))
    _swap(xy, truth)
    gap = _frames(seq.t, ((1.97, 2.03),))
    xy[gap] = np.nan
    _, _, flags = _fix(seq, xy)
    judged = _clear(xy_true) & ~gap
    assert np.array_equal(flags["legs"][judged], truth[judged])


def test_too_few_frames_change_nothing() -> None:
    seq, xy = _clip(30)
    fixed, _, flags = fix_label_swaps(seq.t[:2], xy[:2], LEG_PX)
    assert np.allclose(fixed, xy[:2]) and not flags["legs"].any()
