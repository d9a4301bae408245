"""The `gaitcam` command line: pose, analyze (and more as features land).

Exit codes: 0 success; 2 bad input or installation problem, with a one-line `error: ...`
(and a `hint: ...` line) on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from gaitcam.errors import GaitcamError
from gaitcam.models import DEFAULT_MODEL, MODEL_NAMES


def _cmd_pose(args: argparse.Namespace) -> int:
    from gaitcam.pose import extract_pose, pose_summary
    from gaitcam.progress import ProgressBar

    bar = ProgressBar("pose")
    try:
        seq = extract_pose(args.video, model=args.model, progress=None if args.quiet else bar)
    finally:
        bar.close()
    out = Path(args.output) if args.output else Path(args.video).with_suffix(".pose.npz")
    written = seq.save(out)
    if args.csv:
        seq.to_csv(args.csv)
    print(f"{pose_summary(seq)}\nwrote {written}")
    return 0


def _cmd_analyze(args: argparse.Namespace) -> int:
    from gaitcam.pipeline import analyze_video
    from gaitcam.progress import ProgressBar

    bar = ProgressBar("analyze")
    try:
        result = analyze_video(
            args.video, Path(args.out), model=args.model, view=args.view,
            runner_height_cm=args.runner_height_cm, overlay=not args.no_overlay,
            progress=None if args.quiet else bar,
        )
    finally:
        bar.close()
    print(result.summary())
    return 0


def _cmd_live(args: argparse.Namespace) -> int:
    from gaitcam.live.opencv_app import run_camera

    return run_camera(
        args.camera, model=args.model, view=args.view, record_dir=args.record,
        window=not args.no_window, max_frames=args.max_frames, metronome=args.metronome,
        bell=args.bell,
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gaitcam", description="Check a runner's form from ordinary video (offline)."
    )
    sub = p.add_subparsers(dest="command", required=True)

    pose = sub.add_parser("pose", help="extract the runner's keypoints from a video")
    pose.add_argument("video")
    pose.add_argument("-o", "--output", help="pose file to write (.npz); default VIDEO.pose.npz")
    pose.add_argument("--csv", help="also write the keypoints as CSV to this path")
    pose.add_argument("--model", choices=MODEL_NAMES, default=DEFAULT_MODEL)
    pose.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    pose.set_defaults(func=_cmd_pose)

    an = sub.add_parser("analyze", help="analyse a running clip: report.json, overlay.mp4, plan")
    an.add_argument("video")
    an.add_argument("--out", default="out", help="output folder (default: out)")
    an.add_argument("--model", choices=MODEL_NAMES, default=DEFAULT_MODEL)
    an.add_argument("--view", choices=("auto", "side", "rear", "front"), default="auto")
    an.add_argument("--runner-height-cm", type=float, default=None)
    an.add_argument("--no-overlay", action="store_true", help="skip the annotated video")
    an.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    an.set_defaults(func=_cmd_analyze)

    live = sub.add_parser("live", help="live treadmill view from a camera (OpenCV window)")
    live.add_argument("--camera", default="0",
                      help="camera number (0, 1, ...) or device; a video file plays as if live")
    live.add_argument("--model", choices=MODEL_NAMES, default="lite")
    live.add_argument("--view", choices=("auto", "side", "rear", "front"), default="auto")
    live.add_argument("--record", nargs="?", const="", default=None, metavar="DIR",
                      help="save the session (clip + full analysis) in a new folder under DIR "
                      "(default: the data folder's live/)")
    live.add_argument("--metronome", action="store_true",
                      help="beat light at your cadence +7.5%% (keys: m toggles)")
    live.add_argument("--bell", action="store_true", help="terminal bell on each metronome beat")
    live.add_argument("--no-window", action="store_true",
                      help="no window: print the live figures (check a setup, tests)")
    live.add_argument("--max-frames", type=int, default=None, help="stop after N frames")
    live.set_defaults(func=_cmd_live)

    from gaitcam.compare.cli import add_compare_parser
    from gaitcam.studio.cli import add_synth_parser

    add_compare_parser(sub)
    add_synth_parser(sub)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except GaitcamError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
