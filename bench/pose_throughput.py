"""Pose extraction throughput: bare PoseLandmarker vs the whole `gaitcam pose` path.

Prints frames/s of (a) MediaPipe's PoseLandmarker alone, VIDEO mode, over frames decoded
beforehand (decode excluded), and (b) `gaitcam.pose.extract_pose` on the same clip (decode,
rotation, runner tracking, everything), and the time ratio (b)/(a). Each is run `--repeat` times
alternately and the fastest run is kept, which makes the figure robust to a busy machine.
Also prints the peak resident memory growth of (b) on the clip and on the clip repeated, to show
memory stays flat with clip length.

    python bench/pose_throughput.py [VIDEO] [--model full] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

import mediapipe as mp  # noqa: E402

from gaitcam.models import create_landmarker  # noqa: E402
from gaitcam.pose import extract_pose  # noqa: E402
from gaitcam.video import iter_frames  # noqa: E402

DEFAULT_CLIP = Path(__file__).resolve().parents[2] / "shared" / "videos" / "run_treadmill_side.mp4"


def bare(frames: list, model: str) -> float:
    with create_landmarker(model, num_poses=1) as lm:
        start = time.perf_counter()
        for f in frames:
            lm.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=f.image), int(round(f.t * 1000))
            )
        return time.perf_counter() - start


def pipeline(path: Path, model: str) -> float:
    start = time.perf_counter()
    extract_pose(path, model=model)
    return time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", default=str(DEFAULT_CLIP))
    ap.add_argument("--model", default="full")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    path = Path(args.video)
    if not path.exists():
        print(f"clip not found: {path}", file=sys.stderr)
        return 2
    frames = list(iter_frames(path))
    h, w = frames[0].image.shape[:2]
    n = len(frames)
    t_bare, t_pipe = [], []
    for _ in range(args.repeat):
        t_bare.append(bare(frames, args.model))
        t_pipe.append(pipeline(path, args.model))
    del frames
    a, b = min(t_bare), min(t_pipe)
    print(f"clip: {path.name}, {n} frames, {w}x{h}, model {args.model}, cores {os.cpu_count()}")
    rows = (("(a) bare PoseLandmarker, decode excluded", a), ("(b) gaitcam pose, end to end", b))
    for label, secs in rows:
        print(f"{label:42s} {n / secs:6.1f} frames/s {1000 * secs / n:6.1f} ms/frame")
    print(f"ratio (b)/(a): {b / a:.3f}   (target <= 1.10)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
