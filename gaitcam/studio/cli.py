"""`gaitcam synth`: render a synthetic runner clip with its ground truth.

The lead's gaitcam/cli.py registers it with `add_synth_parser(subparsers)`; the handler is set
as the subparser's `func` default, like the other commands.

    gaitcam synth --preset overstride --view side --facing left --fps 60 --out clips/os
    -> clips/os.mp4 + clips/os.truth.json
"""

from __future__ import annotations

import argparse

from gaitcam.errors import GaitcamError
from gaitcam.studio.backdrop import BACKGROUNDS
from gaitcam.studio.presets import PRESETS

#: CLI option -> RunnerParams field (values in the field's units).
PARAM_OPTIONS: dict[str, tuple[str, str]] = {
    "cadence": ("cadence_spm", "steps per minute"),
    "trunk_lean": ("trunk_lean_deg", "forward trunk lean, degrees (+ = forward)"),
    "lateral_trunk_lean": ("lateral_trunk_lean_deg", "toward the stance side, degrees"),
    "pelvic_drop": ("pelvic_drop_deg", "swing-side hip drop at midstance, degrees"),
    "overstride": ("overstride_pct_leg", "heel ahead of the hip at contact, %% leg length"),
    "foot_strike_angle": ("foot_strike_angle_deg", "at contact, degrees (+ = toes up)"),
    "knee_flexion_ic": ("knee_flexion_ic_deg", "knee flexion at contact, degrees"),
    "knee_valgus": ("knee_valgus_deg", "frontal plane projection angle, degrees"),
    "step_width": ("step_width_cm", "cm (negative = crossover)"),
    "vertical_oscillation": ("vertical_oscillation_cm", "cm"),
    "contact_time": ("contact_time_ms", "ms"),
    "speed": ("speed_mps", "running speed, m/s"),
    "height": ("height_m", "runner height, m"),
}


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"size must look like 720x1280, got {text!r}") from exc
    return w, h


def add_synth_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `synth` subcommand to `subparsers` and return its parser."""
    p = subparsers.add_parser(
        "synth", help="render a synthetic runner clip with exact ground truth",
        description="Render a synthetic runner (PATH.mp4) and its ground truth "
                    "(PATH.truth.json): joints per frame, gait events and the metric values "
                    "the parameters imply.",
    )
    p.add_argument("--out", required=True, help="output path without extension (PATH.mp4 + "
                   "PATH.truth.json are written)")
    p.add_argument("--view", choices=("side", "rear", "front"), default="side")
    p.add_argument("--facing", choices=("left", "right"), default="left",
                   help="side view: the direction the runner faces in the image")
    p.add_argument("--preset", choices=sorted(PRESETS), default=None,
                   help="a named runner; single values below override it")
    group = p.add_argument_group("runner (override the preset or the defaults)")
    for opt, (_, text) in PARAM_OPTIONS.items():
        group.add_argument(f"--{opt.replace('_', '-')}", dest=opt, type=float, default=None,
                           help=text)
    group.add_argument("--setting", choices=("treadmill", "overground"), default=None)
    cam = p.add_argument_group("camera and clip")
    cam.add_argument("--fps", type=float, default=60.0, help="frame rate, 30-240 (default 60)")
    cam.add_argument("--size", type=_size, default=(720, 1280),
                     help="WIDTHxHEIGHT, portrait or landscape, up to 1080x1920 (default 720x1280)")
    cam.add_argument("--duration", type=float, default=8.0, help="seconds (default 8)")
    cam.add_argument("--background", choices=BACKGROUNDS, default="plain")
    cam.add_argument("--tilt", type=float, default=0.0,
                     help="camera roll, degrees clockwise (a tilted phone)")
    cam.add_argument("--distance", type=float, default=3.5, help="camera distance, m")
    cam.add_argument("--camera-height", type=float, default=None,
                     help="lens height, m (default: hip height)")
    cam.add_argument("--fill", type=float, default=0.6,
                     help="runner height as a fraction of the image height (default 0.6)")
    cam.add_argument("--pan", action="store_true", help="side view: follow the runner")
    cam.add_argument("--noise", type=float, default=0.0,
                     help="sensor noise, standard deviation in 8-bit levels (e.g. 4)")
    cam.add_argument("--blur", type=float, default=0.0, help="Gaussian blur sigma, pixels")
    cam.add_argument("--seed", type=int, default=0,
                     help="drives the stride phase, the runner's look, the room and the noise")
    group.add_argument("--shirt-hem", type=float, default=0.0, metavar="CM",
                       help="wear the shirt untucked, its hem hanging CM centimetres below the "
                            "top of the shorts' waistband (about 4 just covers it; default 0 = "
                            "tucked in, the waistband shows). In rear/front views a hidden "
                            "waistband makes pelvic drop not measurable.")
    cam.add_argument("--crf", type=int, default=23, help="H.264 quality (lower = bigger file)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_synth)
    return p


def spec_from_args(args: argparse.Namespace):
    """The ClipSpec described by parsed `synth` arguments."""
    from gaitcam.studio.renderer import ClipSpec, StudioError
    from gaitcam.synthetic import Camera, RunnerParams

    values = dict(PRESETS[args.preset]) if args.preset else {}
    for opt, (field, _) in PARAM_OPTIONS.items():
        v = getattr(args, opt, None)
        if v is not None:
            values[field] = v
    if args.setting:
        values["setting"] = args.setting
    try:
        params = RunnerParams(**values)
    except ValueError as exc:
        raise StudioError(f"Invalid runner parameters: {exc}.") from exc
    if not 0.5 <= args.distance <= 30 or not 0.05 <= args.fill <= 1.0:
        raise StudioError("The camera distance must be 0.5-30 m and --fill 0.05-1.")
    camera = Camera(distance_m=args.distance, height_m=args.camera_height, fill=args.fill,
                    roll_deg=args.tilt,
                    pan=bool(args.pan or (params.setting == "overground" and args.view == "side")))
    return ClipSpec(
        params=params, view=args.view, facing=args.facing, fps=args.fps,
        duration_s=args.duration, size=tuple(args.size), camera=camera,
        background=args.background, noise=args.noise, blur=args.blur, seed=args.seed,
        shirt_hem_m=args.shirt_hem / 100.0 if args.shirt_hem else None,
    )


def run_synth(args: argparse.Namespace) -> int:
    """Handler of `gaitcam synth`: render, write, print what was written."""
    from gaitcam.progress import ProgressBar
    from gaitcam.studio.clip import write_clip

    if not 0 <= args.crf <= 51:
        raise GaitcamError("--crf must be within 0-51.")
    spec = spec_from_args(args)
    bar = ProgressBar("synth")
    try:
        files = write_clip(spec, args.out, crf=args.crf, progress=None if args.quiet else bar)
    finally:
        bar.close()
    print(f"wrote {files.video}\nwrote {files.truth}" + (f"\nwrote {files.npz}" if files.npz
                                                          else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run `synth` on its own (python -m gaitcam.studio.cli ...)."""
    import sys

    parser = argparse.ArgumentParser(prog="gaitcam")
    sub = parser.add_subparsers(dest="command", required=True)
    add_synth_parser(sub)
    args = parser.parse_args(["synth", *(sys.argv[1:] if argv is None else argv)])
    try:
        return args.func(args)
    except GaitcamError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"hint: {exc.hint}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
