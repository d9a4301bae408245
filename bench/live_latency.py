"""Live mode latency: per-frame latency and processed fps of `LiveProcessor` at 640x480.

(a) Real-time pace: frames are submitted at 30 fps (like a camera) for `--seconds`, from the
shared treadmill clip letterboxed into 640x480 (looped, timestamps continuing) or, without it, a
synthetic moving pattern. Latency = frame submitted -> overlay ready (pose + drawing), p50/p90
over every frame; processed fps = frames processed / wall time; the rolling-metrics thread runs
as in the app. (b) Unthrottled: each frame is submitted as soon as the previous one is done,
giving the maximum processing rate. Targets on a 2-core laptop: >= 25 fps, p90 < 60 ms.

    python bench/live_latency.py [VIDEO] [--model lite] [--seconds 20] [--fps 30]
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from gaitcam.live import LiveProcessor  # noqa: E402
from gaitcam.live.processor import MIN_WINDOW_S  # noqa: E402
from gaitcam.live.sources import letterbox  # noqa: E402
from gaitcam.video import iter_frames  # noqa: E402

DEFAULT_CLIP = Path(__file__).resolve().parents[2] / "shared" / "videos" / "run_treadmill_side.mp4"
W, H = 640, 480


def load_frames(path: Path) -> tuple[list[np.ndarray], str]:
    if path.is_file():
        frames = [letterbox(f.image, (W, H)) for f in iter_frames(path, pixel_format="bgr24")]
        return frames, path.name
    frames = []
    for i in range(90):
        img = np.full((H, W, 3), 70, np.uint8)
        cv2.circle(img, (100 + 5 * i, 240), 40, (200, 180, 160), -1)
        frames.append(img)
    return frames, "synthetic pattern (no runner: the detector runs on every frame)"


def realtime(frames: list[np.ndarray], model: str, seconds: float, fps: float) -> dict:
    n = int(seconds * fps)
    with LiveProcessor(model=model, latency_window=n) as proc:
        proc.submit(frames[0].copy(), 0.0)  # warm-up frame (first inference is slow)
        proc.wait_processed(1, timeout=30)
        base = proc.snapshot()
        start = time.perf_counter()
        for i in range(n):
            wait = start + i / fps - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            proc.submit(frames[i % len(frames)].copy(), 1.0 + i / fps)
        proc.wait_processed(base.frames_processed + n - proc.snapshot().frames_dropped, 2.0)
        wall = time.perf_counter() - start
        s = proc.snapshot()
    processed = s.frames_processed - base.frames_processed
    return {
        "frames_fed": n, "processed": processed, "dropped": s.frames_dropped,
        "fps_processed": processed / wall, "p50_ms": s.latency_p50_ms, "p90_ms": s.latency_p90_ms,
        "refreshes_per_s": s.refreshes / max(wall - MIN_WINDOW_S, 1e-9),
        "message": s.message, "cadence": s.cadence_spm,
    }


def unthrottled(frames: list[np.ndarray], model: str, n: int = 300) -> float:
    with LiveProcessor(model=model) as proc:
        proc.submit(frames[0].copy(), 0.0)
        proc.wait_processed(1, timeout=30)
        start = time.perf_counter()
        for i in range(1, n + 1):
            proc.submit(frames[i % len(frames)].copy(), i / 30)
            proc.wait_processed(i + 1, timeout=10)
        return n / (time.perf_counter() - start)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", default=str(DEFAULT_CLIP))
    ap.add_argument("--model", default="lite")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--fps", type=float, default=30.0)
    args = ap.parse_args()
    frames, source = load_frames(Path(args.video))
    print(f"source: {source}, {W}x{H}, model {args.model}, {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.2f}")
    r = realtime(frames, args.model, args.seconds, args.fps)
    print(f"real-time {args.fps:.0f} fps for {args.seconds:.0f} s: processed {r['processed']}/"
          f"{r['frames_fed']} ({r['dropped']} dropped), {r['fps_processed']:.1f} fps, latency "
          f"p50 {r['p50_ms']:.1f} ms, p90 {r['p90_ms']:.1f} ms; rolling analyses "
          f"{r['refreshes_per_s']:.2f}/s after the first {MIN_WINDOW_S:.0f} s; cadence "
          f"{r['cadence']}; {r['message'] or 'metrics ok'}")
    rate = unthrottled(frames, args.model)
    print(f"unthrottled: {rate:.1f} frames/s ({1000 / rate:.1f} ms per frame)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    ok = r["fps_processed"] >= 25 and r["p90_ms"] < 60
    print("target (>= 25 fps, p90 < 60 ms):", "met" if ok else "NOT met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
