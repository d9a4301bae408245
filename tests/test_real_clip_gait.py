"""The gait pipeline on real clips, against cadences measured without the pose model.

run_treadmill_side.mp4: 12 s, 30 fps, portrait 720x1280, treadmill, facing image-left.
walk_side.mp4: 13.4 s, 30 fps, 1280x720, one person walking across a plain wall, small in
frame: enters at the right, walks left to the far edge (1.2-5.5 s), then walks BACKWARD to the
right, still facing left, and leaves.
walk_two_people_side.mp4: a man on a box (jumping about, then off it), a woman walking on the
grass later. exercise_not_running.mp4: a strength exercise filmed from the front.
Poses are extracted once per test session (about a minute per clip on two cores).
"""

from __future__ import annotations

import pytest
from conftest import ROOT, shared_clip

from gaitcam.errors import NoGaitError
from gaitcam.pose_sequence import PoseSequence

_POSES: dict[str, PoseSequence] = {}


@pytest.fixture(scope="module")
def real_pose():
    """pose(name) -> the PoseSequence of ../shared/videos/<name> (full model), cached."""
    pose = pytest.importorskip("gaitcam.pose", reason="pose extraction (gaitcam.pose) missing")
    if not any((ROOT / "models").glob("pose_landmarker_full*")):
        pytest.skip("pose models not built (python models/build_models.py)")

    def get(name: str) -> PoseSequence:
        path = shared_clip(name)
        if name not in _POSES:
            _POSES[name] = pose.extract_pose(path, model="full")
        return _POSES[name]

    return get

#: Cadence of run_treadmill_side.mp4 in steps/min, measured from the raw pixels with no pose
#: model: the runner's neon shoes were segmented by colour (OpenCV HSV hue 25-55, saturation
#: >= 50, value >= 120, 5x5 opening) in the bottom third of each frame, and the horizontal
#: spread of the shoe pixels (98th - 2nd percentile of x) taken per frame; it peaks once per
#: step, when the feet are farthest apart. Its autocorrelation peaks at 10.68 frames per step
#: (168.6 steps/min) and at 21.35 frames per stride (168.7), and a straight-line fit through
#: its 34 parabola-refined peaks gives 10.675 frames per step: 168.6 steps/min. The frame
#: difference and the lowest shoe pixel gave 168.0-169.5. Checked by eye on frame strips: one
#: foot lands about every 10.7 frames.
INDEPENDENT_CADENCE_SPM = 168.6


#: Cadence of the forward pass of walk_side.mp4 (1.2-5.5 s) in steps/min, measured from the raw
#: pixels with no pose model: the median of all frames is the empty background; pixels more
#: than 40 grey levels from it (3x3 opening) in image rows 560-640 (feet and shins on the floor)
#: are the walker; their horizontal spread (98th - 2nd percentile of x) peaks once per step, at
#: double support just after each heel strike, and is smallest when the feet pass each other.
#: Peaks (parabola-refined) at 1.45, 1.96, 2.46, 3.00, 3.51, 4.03, 4.57 s: 0.520 s per step,
#: 115.5 steps/min; troughs 1.71-4.91 s: 113.0 (the walker slows before stopping at the edge);
#: autocorrelation over 1.4-5.1 s: 113.7 per step lag, 114.0 per stride lag.
INDEPENDENT_WALK_CADENCE_SPM = 114.5


@pytest.mark.slow
def test_treadmill_clip_gait(real_pose) -> None:
    from gaitcam.analysis import analyze_sequence

    seq = real_pose("run_treadmill_side.mp4")
    report = analyze_sequence(seq)
    assert report["view"]["view"] == "side" and report["view"]["facing"] == "left"
    assert report["view"]["setting"] == "treadmill"
    assert report["gait"]["type"] == "running"
    assert report["quality"]["analysed_s"] is None
    for side in ("left", "right"):
        assert len(report["events"][side]["initial_contact_s"]) >= 14, side
    cadence = report["metrics"]["cadence_spm"]["value"]
    assert cadence == pytest.approx(INDEPENDENT_CADENCE_SPM, abs=1.0)
    # The near (left) leg is measured, with plausible jogging values.
    m = report["metrics"]
    assert m["overstride_pct_leg"]["left"] is not None
    assert 10 <= m["knee_flexion_ic_deg"]["value"] <= 35
    assert 150 <= m["contact_time_ms"]["value"] <= 320


@pytest.mark.slow
def test_walking_clip_is_analysed_as_walking(real_pose) -> None:
    from gaitcam.analysis import analyze_sequence

    report = analyze_sequence(real_pose("walk_side.mp4"))
    assert report["gait"]["type"] == "walking"
    assert report["view"]["view"] == "side" and report["view"]["facing"] == "left"
    # Only the forward pass: the walk back is backward.
    a, b = report["quality"]["analysed_s"]
    assert 0.9 <= a <= 1.6 and 5.0 <= b <= 6.0
    text = " ".join(report["quality"]["warnings"])
    assert "walking" in text and "backward" in text
    m = report["metrics"]
    assert m["cadence_spm"]["value"] == pytest.approx(INDEPENDENT_WALK_CADENCE_SPM, abs=3.0)
    for side in ("left", "right"):
        ev = report["events"][side]
        assert len(ev["initial_contact_s"]) >= 3, side
        assert all(a <= t <= b for t in ev["initial_contact_s"])
    # Double support: each foot is down for more than half its stride.
    assert 52 <= m["duty_factor_pct"]["value"] <= 72
    assert 450 <= m["contact_time_ms"]["value"] <= 750
    assert m["vertical_oscillation_pct_leg"]["measurable"]
    assert 1.0 <= m["vertical_oscillation_pct_leg"]["value"] <= 12.0
    assert 0 <= m["knee_flexion_ic_deg"]["value"] <= 15
    # Walking is not judged against running bands.
    assert report["findings"] == []
    assert {e["status"] for e in m.values()} <= {"info", "not_measurable"}


@pytest.mark.slow
def test_two_people_and_an_exercise_get_clear_answers(real_pose) -> None:
    from gaitcam.analysis import analyze_sequence

    # The tracked person (the man on the box) hops about and jumps off: no regular gait.
    with pytest.raises(NoGaitError) as err:
        analyze_sequence(real_pose("walk_two_people_side.mp4"))
    assert "gait" in err.value.message and err.value.hint
    with pytest.raises(NoGaitError):
        analyze_sequence(real_pose("exercise_not_running.mp4"))
