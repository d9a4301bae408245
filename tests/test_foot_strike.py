"""The foot-strike angle is the foot's angle as it lands, read robustly from the approach."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.analysis import detect_events
from gaitcam.gait.metrics import at_contact, compute_metrics, foot_strike_pattern, landing_angle
from gaitcam.gait.prepare import prepare
from gaitcam.synthetic import RunnerParams, synthetic_sequence


def _landing(fps: float, alpha: float, t_c: float, slap_s: float = 0.04):
    """Frame times and a foot angle held at alpha until contact t_c, then rotating flat
    linearly over slap_s (the forefoot slapping down after a heel strike)."""
    t = np.arange(0.0, 2.0, 1.0 / fps)
    y = np.where(t < t_c, alpha, alpha * np.clip(1.0 - (t - t_c) / slap_s, 0.0, 1.0))
    return t, y


@pytest.mark.parametrize("fps", [24.0, 30.0, 60.0])
def test_landing_angle_is_the_angle_held_before_contact(fps: float) -> None:
    t_c = 1.0 + 0.4 / fps  # between frames
    t, y = _landing(fps, 15.0, t_c)
    assert landing_angle(t, y, np.array([t_c]))[0] == pytest.approx(15.0)
    # A contact found a frame late or a single bad frame in the approach does not move it.
    assert landing_angle(t, y, np.array([t_c + 1.0 / fps]))[0] == pytest.approx(15.0)
    bad = y.copy()
    bad[np.searchsorted(t, t_c) - 1] = -60.0
    assert landing_angle(t, bad, np.array([t_c]))[0] == pytest.approx(15.0)


def test_a_line_extrapolated_to_a_late_contact_would_carry_the_slap() -> None:
    """Why landing_angle exists: the straight line used for the other angles at contact, fed a
    contact found 50 ms (1.5 frames) late at 30 fps, reads the foot already slapping down."""
    t_c = 1.0 + 0.4 / 30.0
    t, y = _landing(30.0, 15.0, t_c)
    late = np.array([t_c + 0.05])
    assert abs(at_contact(t, y, late)[0] - 15.0) > 3.0
    assert landing_angle(t, y, late)[0] == pytest.approx(15.0)


def test_landing_angle_edge_cases() -> None:
    t, y = _landing(30.0, 10.0, 1.0)
    assert landing_angle(t, y, np.array([])).shape == (0,)
    y_gap = y.copy()
    y_gap[(t > 0.8) & (t <= 1.0)] = np.nan
    out = landing_angle(t, y_gap, np.array([1.0, 0.01, np.nan]))
    assert np.isnan(out[0]) and np.isnan(out[2])  # no sample in the approach / no contact
    assert out[1] == pytest.approx(10.0)  # the clip's first frame is a sample


@pytest.mark.parametrize(("angle", "facing"), [(20.0, "left"), (-8.0, "right"),
                                               (3.0, "right")])
def test_every_contact_gets_its_pattern_at_30_fps_with_noise(angle: float, facing: str) -> None:
    """2 px noise at 30 fps (leg about 210 px): each contact's pattern, not only the median's,
    is right when the angle is 4 deg or more from a cut-off."""
    p = RunnerParams(foot_strike_angle_deg=angle, overstride_pct_leg=6.0 if angle < 0 else 12.0,
                     contact_time_ms=220.0 if angle < 0 else 250.0)
    seq, truth = synthetic_sequence(p, facing=facing, fps=30, duration_s=8, noise_px=2, seed=3)
    cp = prepare(seq)
    m = compute_metrics(cp, detect_events(cp))
    per = m["foot_strike_pattern"]["per_stride"]
    assert len(per) >= 16
    assert np.mean([x == foot_strike_pattern(angle) for x in per]) >= 0.9
    assert m["foot_strike_angle_deg"]["value"] == pytest.approx(angle, abs=2.0)


def test_a_heel_landmark_fixed_up_the_shoe_reads_toes_down() -> None:
    """Documented limit: the angle is that of the heel->toe LANDMARK line, with no flat-foot
    reference (MediaPipe's heel point moves on the shoe between air and stance, see
    landing_angle). A heel point fixed 3 cm up the back of the shoe reads the landing
    atan(3 cm / foot length) toes-down."""
    p = RunnerParams(foot_strike_angle_deg=12.0, heel_marker_cm=3.0)
    seq, truth = synthetic_sequence(p, fps=60, duration_s=6)
    cp = prepare(seq)
    m = compute_metrics(cp, detect_events(cp))
    foot_m = 0.152 * 1.75  # foot length, Winter (2009)
    want = 12.0 - np.degrees(np.arctan(0.03 / foot_m))
    assert m["foot_strike_angle_deg"]["value"] == pytest.approx(want, abs=1.0)
