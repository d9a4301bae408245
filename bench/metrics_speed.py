"""Time analyze_sequence on a 10-minute, 60 fps synthetic side-view clip (target: < 1 s).

    .venv/bin/python bench/metrics_speed.py [--minutes 10] [--fps 60] [--view side]

Prints the time of each stage (prepare, events, metrics) and of the whole analysis; the pose
sequence itself is built before timing starts.
"""

from __future__ import annotations

import argparse
import time

from gaitcam.analysis import analyze_sequence, detect_events
from gaitcam.gait.metrics import compute_metrics
from gaitcam.gait.prepare import prepare
from gaitcam.synthetic import RunnerParams, synthetic_sequence


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--fps", type=float, default=60.0)
    ap.add_argument("--view", default="side", choices=("side", "rear", "front"))
    ap.add_argument("--noise-px", type=float, default=1.0)
    args = ap.parse_args()

    t0 = time.perf_counter()
    seq, _ = synthetic_sequence(RunnerParams(), view=args.view, fps=args.fps,
                                duration_s=60.0 * args.minutes, noise_px=args.noise_px,
                                drop_frames=0.01)
    print(f"built {seq.n_frames} frames ({args.minutes:g} min at {args.fps:g} fps, "
          f"{args.view} view) in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    cp = prepare(seq)
    t1 = time.perf_counter()
    ev = detect_events(cp)
    t2 = time.perf_counter()
    compute_metrics(cp, ev, 175.0)
    t3 = time.perf_counter()
    print(f"prepare {t1 - t0:.3f} s, events {t2 - t1:.3f} s, metrics {t3 - t2:.3f} s")

    t0, c0 = time.perf_counter(), time.process_time()
    report = analyze_sequence(seq, runner_height_cm=175.0)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    cad = report["metrics"]["cadence_spm"]["value"]
    print(f"analyze_sequence: {elapsed:.3f} s wall, {cpu:.3f} s CPU (target < 1 s), "
          f"cadence {cad} steps/min")


if __name__ == "__main__":
    main()
