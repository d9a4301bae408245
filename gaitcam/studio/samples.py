"""Regenerate the committed sample clips: `python -m gaitcam.studio.samples [--out DIR]`.

Each sample is a preset runner rendered with a fixed seed, so the files are reproducible
(byte-identical with the same libx264 build). They are small on purpose: 30 fps, 720x1280,
8 s, crf 28, with the joints inside the truth JSON.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from gaitcam.studio.clip import ClipFiles, write_clip
from gaitcam.studio.presets import preset_params
from gaitcam.studio.renderer import ClipSpec

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "sample_videos"
SAMPLE_CRF = 28

#: name -> (what it shows, spec)
SAMPLES: dict[str, tuple[str, ClipSpec]] = {
    "good_form_side": (
        "good form: 176 spm, heel 8% of leg ahead of the hip, midfoot landing, 6 deg lean",
        ClipSpec(preset_params("good_form"), view="side", facing="left", fps=30,
                 duration_s=8, size=(720, 1280), background="plain", seed=11),
    ),
    "overstride_side": (
        "overstriding heel striker: 156 spm, heel 35% of leg ahead, foot 20 deg, shank 15 deg",
        ClipSpec(preset_params("overstride"), view="side", facing="left", fps=30,
                 duration_s=8, size=(720, 1280), background="treadmill", seed=15),
    ),
    "forward_lean_side": (
        "forward trunk lean of 15 deg",
        ClipSpec(preset_params("forward_lean"), view="side", facing="right", fps=30,
                 duration_s=8, size=(720, 1280), background="textured", seed=16),
    ),
    "pelvic_drop_rear": (
        "pelvic drop of 9 deg at midstance (rear view)",
        ClipSpec(preset_params("pelvic_drop"), view="rear", fps=30, duration_s=8,
                 size=(720, 1280), background="treadmill", seed=17),
    ),
}


def write_samples(out_dir: Path = SAMPLES_DIR, names: list[str] | None = None) -> list[ClipFiles]:
    """Render the samples (all, or `names`) into out_dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in names or list(SAMPLES):
        _, spec = SAMPLES[name]
        written.append(write_clip(spec, out_dir / name, crf=SAMPLE_CRF))
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m gaitcam.studio.samples",
                                description="Regenerate the sample clips and their truth.")
    p.add_argument("--out", type=Path, default=SAMPLES_DIR, help="folder (default sample_videos)")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"samples to write (default all): {', '.join(SAMPLES)}")
    args = p.parse_args(argv)
    unknown = set(args.names) - set(SAMPLES)
    if unknown:
        p.error(f"unknown sample(s) {', '.join(sorted(unknown))}")
    for files in write_samples(args.out, args.names or None):
        size = files.video.stat().st_size / 1e6
        print(f"wrote {files.video} ({size:.2f} MB) and {files.truth.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
