"""render_overlay end to end: decode, draw, encode; frames and timestamps preserved."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from test_render_synth import runner_pose, sequence

from gaitcam.errors import GaitcamError
from gaitcam.landmarks import SIDE
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render import H264Writer, render_overlay

W, H, FPS, N = 320, 256, 15.0, 48  # 3.2 s: the decoder refuses clips under 3 s
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

REPORT = {
    "view": {"view": "side", "facing": "left"},
    "events": {"left": {"initial_contact_s": [1.0]}, "right": {"initial_contact_s": [2.0]}},
    "metrics": {"cadence_spm": {"value": 168, "status": "good", "measurable": True}},
}


def make_clip(path: Path) -> np.ndarray:
    """A plain clip with a moving bar; returns its frame times."""
    t = np.arange(N) / FPS
    with H264Writer(path, W, H, FPS, crf=18) as w:
        for i, ti in enumerate(t):
            img = np.full((H, W, 3), 90, np.uint8)
            img[:, (i * 5) % (W - 10):(i * 5) % (W - 10) + 10] = 200
            w.write(img, float(ti))
    return t


def decode(path: Path) -> tuple[list[np.ndarray], np.ndarray, str]:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        frames = list(c.decode(s))
        return ([f.to_ndarray(format="bgr24") for f in frames],
                np.array([f.time for f in frames]), s.codec_context.name)


def test_render_overlay_draws_every_frame_and_keeps_times(tmp_path: Path) -> None:
    src = tmp_path / "src.mp4"
    t = make_clip(src)
    poses = [runner_pose(hip=(W / 2, H / 2 - 20), scale=0.25, trunk_lean=8) for _ in range(N)]
    poses[10][:] = np.nan  # one frame without the runner
    seq = sequence(poses, W, H, FPS, t=t)
    seen: list[float] = []
    out = render_overlay(src, seq, REPORT, tmp_path / "out" / "overlay.mp4",
                         progress=seen.append)
    assert out.exists() and seen[-1] == 1.0 and seen == sorted(seen)

    before, _, _ = decode(src)
    after, times, codec = decode(out)
    assert codec == "h264" and len(after) == N
    assert np.allclose(times, t, atol=1e-3)
    knee = poses[0][SIDE["left"]["knee"]]
    x, y = int(knee[0]), int(knee[1])

    def diff(i: int) -> float:
        a, b = after[i].astype(int), before[i].astype(int)
        return float(np.abs(a - b)[y - 4:y + 5, x - 4:x + 5].mean())

    assert diff(0) > 20 and diff(30) > 20  # skeleton drawn at the knee
    assert diff(10) < 6  # no runner, no skeleton (only coding noise)


def test_render_overlay_refuses_poses_of_another_size(tmp_path: Path) -> None:
    src = tmp_path / "src.mp4"
    make_clip(src)
    seq = PoseSequence.empty(N, W * 2, H * 2, FPS)
    out = tmp_path / "overlay.mp4"
    with pytest.raises(GaitcamError, match="decodes to"):
        render_overlay(src, seq, REPORT, out)
    assert not out.exists()
    with pytest.raises(GaitcamError):
        render_overlay(tmp_path / "missing.mp4", seq, REPORT, out)


@pytest.mark.slow
def test_render_overlay_on_a_real_portrait_clip(tmp_path: Path) -> None:
    clip = SHARED / "videos" / "run_treadmill_side.mp4"
    if not clip.exists():
        pytest.skip(f"shared clip not available: {clip}")
    seq = PoseSequence.empty(360, 720, 1280, 30.0)
    out = render_overlay(clip, seq, REPORT, tmp_path / "real.mp4")
    frames, times, codec = decode(out)
    assert codec == "h264" and len(frames) == 360 and frames[0].shape == (1280, 720, 3)
    assert times[-1] == pytest.approx(359 / 30, abs=1e-3)
