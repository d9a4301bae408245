"""The gait pipeline on a real treadmill clip, against a cadence measured without the pose model.

run_treadmill_side.mp4: 12 s, 30 fps, portrait 720x1280, treadmill, facing image-left.
"""

from __future__ import annotations

import pytest
from conftest import ROOT, shared_clip

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


@pytest.mark.slow
def test_treadmill_clip_gait() -> None:
    path = shared_clip("run_treadmill_side.mp4")
    pose = pytest.importorskip("gaitcam.pose", reason="pose extraction (gaitcam.pose) missing")
    if not any((ROOT / "models").glob("pose_landmarker_full*")):
        pytest.skip("pose models not built (python models/build_models.py)")
    from gaitcam.analysis import analyze_sequence

    seq = pose.extract_pose(path, model="full")
    report = analyze_sequence(seq)
    assert report["view"]["view"] == "side" and report["view"]["facing"] == "left"
    assert report["view"]["setting"] == "treadmill"
    for side in ("left", "right"):
        assert len(report["events"][side]["initial_contact_s"]) >= 14, side
    cadence = report["metrics"]["cadence_spm"]["value"]
    assert cadence == pytest.approx(INDEPENDENT_CADENCE_SPM, abs=1.0)
    # The near (left) leg is measured, with plausible jogging values.
    m = report["metrics"]
    assert m["overstride_pct_leg"]["left"] is not None
    assert 10 <= m["knee_flexion_ic_deg"]["value"] <= 35
    assert 150 <= m["contact_time_ms"]["value"] <= 320
