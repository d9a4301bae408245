"""Gait-cycle sync: phase, reference foot, and the time warp that makes contacts coincide."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.compare.sync import (
    build_timeline,
    choose_sides,
    contact_times,
    cycle_phase,
    frame_at_phase,
    nearest_frames,
    timeline_from_reports,
)
from gaitcam.errors import NoGaitError
from gaitcam.synthetic import RunnerParams, synthetic_sequence


def _truth_report(cadence: float, seed: int = 0, fps: float = 30.0, duration_s: float = 6.0):
    seq, truth = synthetic_sequence(RunnerParams(cadence_spm=cadence, speed_mps=2.5), fps=fps,
                                    duration_s=duration_s, seed=seed, image_size=(640, 360))
    return seq, {"events": truth["events"], "view": {"view": "side", "facing": "left"}}


def _first_output_frame(timeline, frames: np.ndarray, wanted: int) -> int:
    hits = np.flatnonzero(frames == wanted)
    assert hits.size, f"source frame {wanted} never shown"
    return int(hits[0])


@pytest.mark.parametrize("contra", [False, True])
def test_contacts_of_different_cadences_coincide(contra: bool) -> None:
    """160 vs 172 spm: every reference contact of A and B falls on the same output frame."""
    seq_a, rep_a = _truth_report(160, seed=1)
    seq_b, rep_b = _truth_report(172, seed=2)
    tl = timeline_from_reports(seq_a.t, rep_a, seq_b.t, rep_b, fps=30,
                               align_contralateral=contra)
    ca, cb = contact_times(rep_a, tl.sides[0]), contact_times(rep_b, tl.sides[1])
    n = min(len(ca), len(cb))
    ca, cb = ca[:n], cb[:n]
    assert tl.n_strides == n - 1  # regular runners: every stride is used
    assert tl.n_strides >= 5
    for k in range(tl.n_strides + 1):
        ja = _first_output_frame(tl, tl.frame_a, int(nearest_frames(seq_a.t, ca[k])[0]))
        jb = _first_output_frame(tl, tl.frame_b, int(nearest_frames(seq_b.t, cb[k])[0]))
        assert abs(ja - jb) <= 1, (k, ja, jb)
        # and exactly at the aligned output frame, both clips are at their contact
        j = tl.contact_frames[k]
        assert tl.t_a[j] == pytest.approx(ca[k]) and tl.t_b[j] == pytest.approx(cb[k])
        assert tl.phase[j] in (0.0, 100.0)
    # source frames never go backwards (the video reader decodes forward only)
    assert np.all(np.diff(tl.frame_a) >= 0) and np.all(np.diff(tl.frame_b) >= 0)
    # output strides last the mean of the two source strides
    durations = np.diff(tl.contact_frames) / tl.fps
    expected = (np.diff(ca) + np.diff(cb)) / 2
    assert np.allclose(durations, expected, atol=0.5 / tl.fps + 1e-9)


def test_contralateral_contacts_are_aligned_too() -> None:
    seq_a, rep_a = _truth_report(160, seed=3)
    seq_b, rep_b = _truth_report(172, seed=4)
    tl = timeline_from_reports(seq_a.t, rep_a, seq_b.t, rep_b, fps=60)
    other = "right" if tl.sides[0] == "left" else "left"
    xa, xb = contact_times(rep_a, other), contact_times(rep_b, other)
    assert np.all(tl.contra_frames >= 0)
    for j in tl.contra_frames:
        # at the aligned frame both warped times are a contralateral contact of their clip
        assert np.min(np.abs(xa - tl.t_a[j])) < 1e-9
        assert np.min(np.abs(xb - tl.t_b[j])) < 1e-9
        assert 25 <= tl.phase[j] <= 75


def test_warp_is_piecewise_linear_between_contacts() -> None:
    times = np.arange(0, 4, 1 / 30)
    tl = build_timeline(times, [0.5, 1.5, 2.5], times, [0.2, 0.8, 1.4], fps=10)
    assert tl.contact_frames.tolist() == [0, 8, 16]  # mean stride 0.8 s at 10 fps
    # A runs 1 s per 8 frames, B 0.6 s per 8 frames: linear inside each stride
    assert np.allclose(np.diff(tl.t_a[:9]), 1 / 8)
    assert np.allclose(np.diff(tl.t_b[:9]), 0.6 / 8)
    assert np.allclose(tl.phase[:8], np.arange(8) / 8 * 100)
    assert tl.phase[8] == 0 and tl.phase[-1] == 100  # a new stride starts; the last one ends
    assert tl.stride.tolist() == [0] * 8 + [1] * 9


def test_speed_and_stride_count() -> None:
    times = np.arange(0, 10, 1 / 30)
    ca = np.arange(0.3, 9.5, 0.7)  # 14 contacts
    cb = np.arange(0.1, 4.0, 0.75)  # 6 contacts -> 5 strides overlap
    tl = build_timeline(times, ca, times, cb, fps=30, speed=0.5)
    assert tl.n_strides == 5
    assert tl.duration_s == pytest.approx(2 * 5 * 0.725 + 1 / 30, abs=5 / 30)
    assert build_timeline(times, ca, times, cb, max_strides=2).n_strides == 2


def test_too_few_contacts_is_a_friendly_error() -> None:
    times = np.arange(0, 3, 1 / 30)
    with pytest.raises(NoGaitError, match="full stride"):
        build_timeline(times, [0.5], times, [0.3, 1.0])
    rep = {"events": {"left": {"initial_contact_s": [1.0]}, "right": {}}}
    good = {"events": {"left": {"initial_contact_s": [0.5, 1.2, 1.9]}}}
    with pytest.raises(NoGaitError, match="Clip A"):
        choose_sides(rep, good)


def test_choose_sides_prefers_a_shared_foot() -> None:
    two = {"initial_contact_s": [0.1, 0.8]}
    three = {"initial_contact_s": [0.1, 0.8, 1.5]}
    a = {"events": {"left": two, "right": three}}
    b = {"events": {"left": three, "right": three}}
    assert choose_sides(a, b) == ("right", "right")
    assert choose_sides(a, b, prefer="left") == ("left", "left")
    # no foot with a stride in both clips: each clip uses its own
    c = {"events": {"left": {"initial_contact_s": [0.2]}, "right": three}}
    d = {"events": {"left": three, "right": {"initial_contact_s": []}}}
    assert choose_sides(c, d) == ("right", "left")
    times = np.arange(0, 3, 1 / 30)
    tl = timeline_from_reports(times, c, times, d)
    assert tl.sides == ("right", "left") and tl.notes


def test_cycle_phase_and_frame_at_phase() -> None:
    times = np.arange(0, 3, 0.1)
    contacts = np.array([0.5, 1.5, 2.5])
    phase = cycle_phase(times, contacts)
    assert np.isnan(phase[:5]).all() and np.isnan(phase[26:]).all()
    assert phase[5] == pytest.approx(0) and phase[10] == pytest.approx(50)
    assert phase[25] == pytest.approx(100)
    assert frame_at_phase(times, contacts, 0, 50) == 10
    assert frame_at_phase(times, contacts, 1, 30) == 18
    assert frame_at_phase(times, contacts, 9, 0) == 15  # clamped to the last stride
    with pytest.raises(NoGaitError):
        frame_at_phase(times, contacts[:1], 0, 50)


def test_irregular_strides_are_left_out() -> None:
    """A missed contact in A (one stride twice as long) is not paired with a normal stride."""
    times = np.arange(0, 8, 1 / 60)
    ca = np.delete(np.arange(0.2, 7.5, 0.75), 4)  # contact 4 missed: a 1.5 s "stride"
    cb = np.arange(0.1, 7.5, 0.7)
    tl = build_timeline(times, ca, times, cb, fps=30)
    assert np.all(np.diff(tl.strides_a, axis=1) < 1.0)
    assert tl.n_strides == len(ca) - 2
    assert any("irregular stride of A" in n for n in tl.notes)
    assert np.all(np.diff(tl.frame_a) >= 0) and np.all(np.diff(tl.frame_b) >= 0)
    # every paired stride starts on a contact in both clips, at the same output frame
    for k, j in enumerate(tl.contact_frames[:-1]):
        assert tl.t_a[j] == pytest.approx(tl.strides_a[k, 0])
        assert np.min(np.abs(ca - tl.t_a[j])) < 1e-9 and np.min(np.abs(cb - tl.t_b[j])) < 1e-9
        assert tl.phase[j] == 0
    # the phase slider counts regular strides too
    assert frame_at_phase(times, ca, 3, 0) == int(nearest_frames(times, ca[4])[0])  # 3.95 s
