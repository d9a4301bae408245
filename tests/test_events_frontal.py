"""Rear/front-view gait events: steps without leg labels, sides from the hips, stance timing
from the median kink offset, and rejection when the feet do not alternate."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.errors import NoGaitError
from gaitcam.gait.events import detect_frontal_events
from gaitcam.gait.signal import fill_gaps, smooth
from gaitcam.gait.view import leg_length_px
from gaitcam.landmarks import SIDE
from gaitcam.synthetic import synthetic_sequence

SIDES = ("left", "right")


def _detect(seq, view: str):
    """Events straight from the keypoints, with no label-swap repair in between."""
    t = np.asarray(seq.t, dtype=np.float64)
    xy = fill_gaps(t, np.asarray(seq.xy, dtype=np.float64))
    return detect_frontal_events(t, xy, smooth(t, xy), leg_length_px(xy, stat="p90"), view)


def _true_midstances(truth: dict, side: str) -> np.ndarray:
    ic = np.asarray(truth["events"][side]["initial_contact_s"])
    to = np.asarray(truth["events"][side]["toe_off_s"])
    return np.array([(x + to[to > x][0]) / 2 for x in ic if (to > x).any()])


def _nearest(found: np.ndarray, true: np.ndarray) -> np.ndarray:
    """Signed error of each found time against the nearest true one (found times beyond the
    true ones, whose event began or ended outside the clip, are left out)."""
    found = found[np.isfinite(found)]
    found = found[(found > true.min() - 0.2) & (found < true.max() + 0.2)]
    return np.array([x - true[np.argmin(np.abs(true - x))] for x in found])


@pytest.mark.parametrize(("view", "fps"), [("rear", 30), ("front", 60)])
def test_whole_leg_labels_exchanged_for_stretches(view: str, fps: int) -> None:
    """The pose model sometimes exchanges the two legs' labels (hips included) for a while:
    each step still goes to the right foot, read from where its hip is."""
    swaps = ((1.0, 2.6), (4.1, 4.3), (5.0, 6.5))
    seq, truth = synthetic_sequence(view=view, fps=fps, duration_s=8, noise_px=1, seed=2,
                                    swap=swaps)
    ev = _detect(seq, view)
    for s in SIDES:
        err = _nearest(ev.midstance[s], _true_midstances(truth, s))
        assert len(err) >= 9
        assert np.all(np.abs(err) <= 1.0 / fps)
        ic_err = _nearest(ev.ic[s], np.asarray(truth["events"][s]["initial_contact_s"]))
        assert np.all(np.abs(ic_err) <= 0.03)


def test_a_foot_point_misplaced_at_some_steps_does_not_relabel_them() -> None:
    """A few steps where the swing foot's points sit on the stance foot (the pose model's
    feet merged): the alternation, voted over all steps, keeps every step on its foot."""
    seq, truth = synthetic_sequence(view="rear", fps=30, duration_s=8, noise_px=1, seed=4)
    xy = np.array(seq.xy)
    t = np.asarray(seq.t)
    for a in (2.0, 4.5):
        m = (t >= a) & (t < a + 0.3)
        for p in ("heel", "foot_index", "ankle"):
            xy[m, SIDE["right"][p]] = xy[m, SIDE["left"][p]]
    ev = detect_frontal_events(t, xy, smooth(t, xy), leg_length_px(xy, stat="p90"), "rear")
    for s in SIDES:
        err = _nearest(ev.midstance[s], _true_midstances(truth, s))
        assert len(err) >= 9
        assert np.all(np.abs(err) <= 1.0 / 30)


@pytest.mark.parametrize("view", ["rear", "front"])
def test_stance_is_symmetric_about_midstance_at_any_frame_rate(view: str) -> None:
    """IC and TO are midstance -+ the same half stance per foot (the median kink offset), and
    that half does not depend on the frame rate."""
    halves = []
    for fps in (30, 120):
        seq, truth = synthetic_sequence(view=view, fps=fps, duration_s=6, seed=fps)
        ev = _detect(seq, view)
        ok = np.isfinite(ev.ic["left"])
        h = ev.midstance["left"][ok] - ev.ic["left"][ok]
        assert np.allclose(ev.to["left"][ok] - ev.midstance["left"][ok], h)
        halves.append(float(h[0]))
    assert halves[0] == pytest.approx(halves[1], abs=0.02)


def test_feet_landing_together_are_not_running() -> None:
    """A body bobbing at a running step rate while both feet move together (jumping in place
    on both feet): no foot alternation, no gait."""
    seq, _ = synthetic_sequence(view="front", fps=30, duration_s=8, seed=1)
    xy = np.array(seq.xy)
    t = np.asarray(seq.t)
    for p in ("knee", "ankle", "heel", "foot_index"):
        shift = xy[:, SIDE["right"]["hip"], 0] - xy[:, SIDE["left"]["hip"], 0]
        xy[:, SIDE["right"][p], 1] = xy[:, SIDE["left"][p], 1]
        xy[:, SIDE["right"][p], 0] = xy[:, SIDE["left"][p], 0] + shift
    with pytest.raises(NoGaitError) as err:
        detect_frontal_events(t, xy, smooth(t, xy), leg_length_px(xy, stat="p90"), "front")
    assert "No running or walking gait" in err.value.message
