"""Event detection against the pose model's errors: single-frame jumps and swapped stretches."""

from __future__ import annotations

import numpy as np

from gaitcam.analysis import detect_events
from gaitcam.gait.prepare import prepare
from gaitcam.gait.signal import despike
from gaitcam.landmarks import INDEX
from gaitcam.synthetic import synthetic_sequence

LEG_PAIRS = [(INDEX[f"left_{p}"], INDEX[f"right_{p}"])
             for p in ("hip", "knee", "ankle", "heel", "foot_index")]


def test_despike_removes_short_jumps_and_keeps_kinks() -> None:
    t = np.arange(120) / 60.0
    y = np.where(t < 1.0, 100.0 - 80.0 * (1.0 - t), 100.0)  # falls, then flat: a contact kink
    x = np.stack([y, np.zeros_like(y)], -1)[:, None, :]
    x[30, 0, 0] += 60.0  # one frame on the other foot
    x[80:82, 0, 0] -= 50.0  # two frames
    clean, spike = despike(t, x, threshold=20.0)
    assert set(np.flatnonzero(spike[:, 0])) == {30, 80, 81}
    np.testing.assert_allclose(clean[:, 0, 0], y, atol=1e-9)


def test_side_events_survive_jumps_and_swapped_stretches() -> None:
    seq, truth = synthetic_sequence(fps=60, duration_s=8, noise_px=1.0, seed=5)
    xy = np.array(seq.xy, copy=True)
    rng = np.random.default_rng(1)
    # Single frames where the far heel and ankle sit on the near foot.
    for i in rng.choice(np.arange(10, seq.n_frames - 10), 25, replace=False):
        for p in ("heel", "ankle"):
            xy[i, INDEX[f"right_{p}"]] = xy[i, INDEX[f"left_{p}"]]
    # Stretches of 10 frames with the legs' labels exchanged.
    arrays = {"xy": xy, **{k: np.array(getattr(seq, k), copy=True)
                           for k in ("world", "visibility", "presence")}}
    for start in (60, 200, 330):
        sl = slice(start, start + 10)
        for a, b in LEG_PAIRS:
            for arr in arrays.values():
                arr[sl, a], arr[sl, b] = arr[sl, b].copy(), arr[sl, a].copy()
    ev = detect_events(prepare(seq.replace(**arrays), "side"))
    for s in ("left", "right"):
        true = np.array(truth["events"][s]["initial_contact_s"])
        inner = true[(true > 0.3) & (true < 7.7)]
        got = ev.ic[s]
        assert len(got) >= len(inner) - 1, s
        err = np.array([np.min(np.abs(true - x)) for x in got])
        assert np.median(err) < 1.0 / 60 and np.all(err < 0.05), (s, err)
