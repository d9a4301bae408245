"""`gaitcam compare A B --out DIR`: compare two clips (or two analysis folders) of a runner.

Writes DIR/compare.mp4 (synchronised side by side), DIR/compare.json (the table, sync and
curves) and DIR/compare.html (the printable report), and prints the table. Clips are analysed
into DIR/a and DIR/b first; a folder written by `gaitcam analyze` is used as it is.
Register with `add_compare_parser(subparsers)`; the handler is `run_compare(args)`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gaitcam.models import DEFAULT_MODEL, MODEL_NAMES


def run_compare(args: argparse.Namespace) -> int:
    """Handler of the `compare` subcommand (GaitcamErrors are left to the CLI's main)."""
    from gaitcam.compare.comparison import compare, load_input, write_outputs
    from gaitcam.compare.table import table_text
    from gaitcam.progress import ProgressBar

    out = Path(args.out)
    kw = {"model": args.model, "view": args.view}
    inputs = []
    for tag, path, label in (("a", args.a, args.label_a), ("b", args.b, args.label_b)):
        bar = None if args.quiet or Path(path).is_dir() else ProgressBar(f"analyze {tag.upper()}")
        try:
            inputs.append(load_input(path, out / tag, label or tag.upper(), progress=bar, **kw))
        finally:
            if bar is not None:
                bar.close()
    cmp = compare(inputs[0], inputs[1], fps=args.fps, speed=args.speed)
    bar = None if args.quiet else ProgressBar("video")
    n = len(cmp.timeline) if cmp.timeline is not None else 1
    try:
        files = write_outputs(
            cmp, out, clinician_notes=[args.notes] if args.notes else (),
            runner_name=args.runner,
            progress=None if bar is None else lambda f: bar(round(f * n), n, 0.0))
    finally:
        if bar is not None:
            bar.close()
    print(f"A: {cmp.a.label} ({cmp.a.name})   B: {cmp.b.label} ({cmp.b.name})")
    print(table_text(cmp.rows, cmp.a.label, cmp.b.label))
    if cmp.timeline is not None:
        t = cmp.timeline
        print(f"synchronised {t.n_strides} strides at the {t.sides[0]} foot contact"
              + (f" (B: {t.sides[1]} foot)" if t.sides[1] != t.sides[0] else "")
              + f", {len(t)} frames at {t.fps:g} fps")
    else:
        print(f"no synchronised video: {cmp.sync_error}")
    for note in cmp.notes:
        print(f"note: {note}")
    if "video" not in files and cmp.timeline is not None:
        print("no video: the original clips are not available for both sides")
    for name, path in files.items():
        print(f"wrote {name}: {path}")
    return 0


def add_compare_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add the `compare` subcommand to the gaitcam CLI's subparsers; returns its parser."""
    p = subparsers.add_parser(
        "compare", help="compare two clips of a runner: synchronised video, table, report",
        description="Compare two running clips (or two `gaitcam analyze` folders): A is the "
        "earlier or reference clip, B the later one.")
    p.add_argument("a", help="clip A (video file or analysis folder)")
    p.add_argument("b", help="clip B (video file or analysis folder)")
    p.add_argument("--out", default="compare", help="output folder (default: compare)")
    p.add_argument("--model", choices=MODEL_NAMES, default=DEFAULT_MODEL)
    p.add_argument("--view", choices=("auto", "side", "rear", "front"), default="auto")
    p.add_argument("--label-a", default=None, help='name of clip A (default "A")')
    p.add_argument("--label-b", default=None, help='name of clip B (default "B")')
    p.add_argument("--fps", type=float, default=30.0, help="frame rate of compare.mp4")
    p.add_argument("--speed", type=float, default=1.0,
                   help="playback speed of compare.mp4 (0.5 = half speed)")
    p.add_argument("--runner", default=None, help="runner's name for the report")
    p.add_argument("--notes", default=None, help="clinician's notes for the report")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    p.set_defaults(func=run_compare)
    return p
