"""Rendered clips on disk: PATH.mp4 (H.264) with PATH.truth.json (and PATH.truth.npz).

The truth file says everything the clip was made from and what a perfect analysis would
report: the runner parameters, the metric values they imply (`gaitcam.synthetic` truth),
the true gait events, the camera and render settings, and the joints of every frame in image
pixels (what `gaitcam.synthetic.project` gives with no noise, the same camera the renderer
drew with) and in world metres (X forward, Y the runner's left, Z up, ground at Z = 0). Short
clips keep the joints inside the JSON; longer ones put them in PATH.truth.npz (arrays `t_s`,
`xy_px`, `world_m`) so the JSON stays readable.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from gaitcam import __version__
from gaitcam.errors import GaitcamError
from gaitcam.landmarks import NAMES
from gaitcam.registry import FOOT_STRIKE_THRESHOLDS_DEG
from gaitcam.render import H264Writer
from gaitcam.studio.renderer import ClipSpec, Renderer

TRUTH_SCHEMA = "gaitcam.studio.truth/1"
#: Clips with at most this many frames keep the per-frame joints inside the JSON.
INLINE_MAX_FRAMES = 600


@dataclass(frozen=True)
class ClipFiles:
    """Paths written by `write_clip` (npz is None when the joints are inside the JSON)."""

    video: Path
    truth: Path
    npz: Path | None


def clip_paths(out: str | Path) -> tuple[Path, Path, Path]:
    """(video, truth json, truth npz) for an output stem; a trailing .mp4 is dropped."""
    out = Path(out)
    if out.suffix.lower() == ".mp4":
        out = out.with_suffix("")
    return (out.with_name(out.name + ".mp4"), out.with_name(out.name + ".truth.json"),
            out.with_name(out.name + ".truth.npz"))


def foot_strike_pattern(angle_deg: float) -> str:
    """The pattern a foot-strike angle implies, with the registry's thresholds."""
    if angle_deg > FOOT_STRIKE_THRESHOLDS_DEG["rearfoot_above"]:
        return "rearfoot"
    if angle_deg < FOOT_STRIKE_THRESHOLDS_DEG["forefoot_below"]:
        return "forefoot"
    return "midfoot"


def _round(a: np.ndarray, nd: int) -> list:
    a = np.round(np.asarray(a, float), nd)
    return np.where(np.isfinite(a), a, None).tolist()


def build_truth(r: Renderer, video_name: str, inline: bool, crf: int) -> dict[str, Any]:
    """The truth document of a rendered clip (joints included only when `inline`)."""
    s, sk = r.spec, r.sk
    metrics = {k: dict(v) for k, v in sk.truth.items()}
    fsa = metrics["foot_strike_angle_deg"]
    metrics["foot_strike_pattern"] = {
        "value": foot_strike_pattern(fsa["value"]),
        "left": foot_strike_pattern(fsa["left"]), "right": foot_strike_pattern(fsa["right"]),
    }
    out_frames = int(np.sum(r.out_of_frame()))
    warnings = []
    if out_frames:
        warnings.append(f"part of the runner is outside the image in {out_frames} frames")
    truth: dict[str, Any] = {
        "schema": TRUTH_SCHEMA,
        "generator": {"gaitcam_version": __version__, "module": "gaitcam.studio"},
        "video": {
            "file": video_name, "width": s.size[0], "height": s.size[1], "fps": s.fps,
            "frames": r.n_frames, "duration_s": float(sk.t[-1] - sk.t[0] + 1.0 / s.fps),
            "codec": "h264", "crf": crf,
        },
        "view": s.view,
        "facing": s.facing if s.view == "side" else None,
        "setting": sk.setting,
        "camera": {
            **asdict(s.camera), "focal_px": r.rig.focal_px,
            "position_m_first_frame": [round(float(v), 4) for v in r.rig.centres[0]],
            "static": r.rig.static,
        },
        "render": {
            "seed": s.seed, "phase_s": s.phase_s, "background": s.background,
            "noise": s.noise, "blur": s.blur, "appearance": r.appearance.as_dict(),
        },
        "params": s.params.as_dict(),
        "body": {k: v for k, v in asdict(sk.body).items()} | {"leg": sk.body.leg},
        "metrics": metrics,
        "events": sk.events,
        "warnings": warnings,
        "notes": (
            "metrics: the values a perfect analysis reports (bilateral: value = mean of left "
            "and right). joints.xy_px = gaitcam.synthetic.project(...) without noise (image x "
            "right, y down); joints.world_m: world frame X forward, Y runner's left, Z up, "
            "ground Z=0."
        ),
    }
    joints: dict[str, Any] = {"names": list(NAMES), "frames": r.n_frames}
    if inline:
        seq = r.truth_sequence()
        joints |= {"t_s": _round(sk.t, 5), "xy_px": _round(seq.xy, 1),
                   "world_m": _round(sk.joints, 3)}
    truth["joints"] = joints
    return truth


def _dump(truth: dict) -> str:
    """JSON with one line per frame for the joint arrays (readable, diff-friendly)."""
    joints = truth.get("joints", {})
    big = {k: joints.pop(k) for k in ("t_s", "xy_px", "world_m") if k in joints}
    text = json.dumps(truth, indent=2, allow_nan=False)
    if not big:
        return text + "\n"
    parts = []
    for k, v in big.items():
        if k == "t_s":
            parts.append(f'    "{k}": {json.dumps(v)}')
        else:
            rows = ",\n      ".join(json.dumps(row, separators=(",", ":")) for row in v)
            parts.append(f'    "{k}": [\n      {rows}\n    ]')
    joints.update(big)
    head, tail = text.rsplit("\n  }", 1)  # "joints" is the last key
    return head + ",\n" + ",\n".join(parts) + "\n  }" + tail + "\n"


def write_clip(
    spec: ClipSpec,
    out: str | Path,
    crf: int = 23,
    preset: str = "veryfast",
    inline_max_frames: int = INLINE_MAX_FRAMES,
    progress: Callable[[int, int, float], None] | None = None,
) -> ClipFiles:
    """Render `spec` to OUT.mp4 with OUT.truth.json (and OUT.truth.npz for long clips).

    progress(frames_done, frames_total, frames_per_second) is called after each frame (the
    signature of gaitcam.progress.ProgressBar).
    """
    video, truth_path, npz_path = clip_paths(out)
    r = Renderer(spec)
    w, h = spec.size
    n = r.n_frames
    started = time.perf_counter()
    with H264Writer(video, w, h, spec.fps, crf=crf, preset=preset) as writer:
        for i, (t, frame) in enumerate(r.frames()):
            writer.write(frame, t)
            if progress is not None:
                progress(i + 1, n, (i + 1) / max(time.perf_counter() - started, 1e-9))
    inline = n <= inline_max_frames
    truth = build_truth(r, video.name, inline, crf)
    written_npz = None
    if inline:
        npz_path.unlink(missing_ok=True)
    else:
        seq = r.truth_sequence()
        tmp = npz_path.with_name(npz_path.name + ".partial.npz")
        np.savez_compressed(tmp, t_s=r.sk.t, xy_px=seq.xy.astype(np.float32),
                            world_m=r.sk.joints.astype(np.float32), names=np.array(NAMES))
        os.replace(tmp, npz_path)
        truth["joints"]["file"] = npz_path.name
        written_npz = npz_path
    tmp = truth_path.with_name(truth_path.name + ".partial")
    tmp.write_text(_dump(truth))
    os.replace(tmp, truth_path)
    return ClipFiles(video=video, truth=truth_path, npz=written_npz)


def load_truth(path: str | Path) -> dict[str, Any]:
    """Read a truth JSON (or the truth of a clip path); joints come back as numpy arrays:
    truth["joints"]["t_s"] (T,), ["xy_px"] (T, 33, 2), ["world_m"] (T, 33, 3)."""
    path = Path(path)
    if path.suffix.lower() == ".mp4":
        path = clip_paths(path)[1]
    if not path.exists():
        raise GaitcamError(f"No ground-truth file {path.name} next to the clip.",
                           hint="Clips made by `gaitcam synth` come with PATH.truth.json.")
    truth = json.loads(path.read_text())
    joints = truth.get("joints", {})
    if "file" in joints:
        with np.load(path.with_name(joints["file"])) as z:
            for k in ("t_s", "xy_px", "world_m"):
                joints[k] = np.asarray(z[k], float)
    else:
        for k in ("t_s", "xy_px", "world_m"):
            if k in joints:
                joints[k] = np.array(joints[k], dtype=float)
    return truth
