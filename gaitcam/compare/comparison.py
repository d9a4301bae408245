"""Compare two analysed clips: load or analyse them, build the table, the gait-cycle sync and the
normalised curves, and write compare.mp4 / compare.json / compare.html.

    a = load_input("before.mp4", work_dir / "a", label="Before")   # or an analysis folder
    b = load_input("out/after", work_dir / "b", label="After")
    cmp = compare(a, b)
    files = write_outputs(cmp, "out/compare")
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from gaitcam.errors import GaitcamError, NoGaitError
from gaitcam.models import DEFAULT_MODEL
from gaitcam.pose_sequence import PoseSequence

from .curves import CycleCurve, clip_curves
from .sync import OTHER, SyncTimeline, choose_sides, contact_times, timeline_from_reports
from .table import MetricRow, compare_metrics

COMPARE_SCHEMA = "gaitcam.compare"
COMPARE_VERSION = "1.0"


@dataclass(frozen=True, eq=False)
class ClipAnalysis:
    """One analysed clip: its label, report, poses, and the video to show.

    `video` is the original clip (the overlay is drawn from the poses) or, when
    `video_has_overlay`, an overlay.mp4 whose frames already carry it; None if neither is
    on this computer (the table and curves still work).
    """

    label: str
    report: Mapping[str, Any]
    seq: PoseSequence
    video: Path | None = None
    video_has_overlay: bool = False
    folder: Path | None = None

    @property
    def name(self) -> str:
        src = self.report.get("source") or {}
        return str(src.get("file_name") or (self.video.name if self.video else "") or self.label)


def _video_of_folder(folder: Path, seq: PoseSequence) -> tuple[Path | None, bool]:
    """The clip an analysis folder was made from, else its overlay.mp4."""
    candidates = []
    meta = folder / "meta.json"  # written by the app's cache
    if meta.is_file():
        with contextlib.suppress(OSError, ValueError):
            candidates.append(json.loads(meta.read_text()).get("video") or "")
    candidates.append(str(seq.source.get("path") or ""))
    for c in candidates:
        if c and Path(c).is_file():
            return Path(c), False
    overlay = folder / "overlay.mp4"
    if overlay.is_file():
        return overlay, True
    return None, False


def load_analysis_folder(folder: str | Path, label: str | None = None) -> ClipAnalysis:
    """A folder written by `gaitcam analyze` (report.json + pose.npz). Raises GaitcamError."""
    folder = Path(folder)
    report_path, pose_path = folder / "report.json", folder / "pose.npz"
    if not report_path.is_file() or not pose_path.is_file():
        raise GaitcamError(
            f"{folder} is not an analysis folder (it needs report.json and pose.npz).",
            hint="Give a video file, or a folder written by `gaitcam analyze VIDEO --out DIR`.")
    try:
        report = json.loads(report_path.read_text())
    except (OSError, ValueError) as exc:
        raise GaitcamError(f"{report_path} could not be read as a gaitcam report ({exc}).",
                           hint="Analyse the clip again.") from exc
    seq = PoseSequence.load(pose_path)
    video, has_overlay = _video_of_folder(folder, seq)
    return ClipAnalysis(label or folder.name, report, seq, video, has_overlay, folder)


def analyze_clip(
    clip: str | Path,
    out_dir: str | Path,
    label: str | None = None,
    *,
    model: str = DEFAULT_MODEL,
    view: str = "auto",
    runner_height_cm: float | None = None,
    progress: Callable[[float], None] | None = None,
) -> ClipAnalysis:
    """Analyse a clip with `gaitcam.pipeline.analyze_video` (no overlay video: the comparison
    draws its own) into `out_dir`."""
    from gaitcam.pipeline import analyze_video

    clip = Path(clip)
    result = analyze_video(clip, out_dir, model=model, view=view,
                           runner_height_cm=runner_height_cm, overlay=False, progress=progress)
    return ClipAnalysis(label or clip.stem, result.report, result.seq, clip, False,
                        Path(out_dir))


def load_input(
    path: str | Path,
    work_dir: str | Path,
    label: str | None = None,
    **analyze_kw: Any,
) -> ClipAnalysis:
    """An analysis folder as it is, or a clip analysed into `work_dir`."""
    path = Path(path)
    if path.is_dir():
        return load_analysis_folder(path, label)
    if not path.exists():
        raise GaitcamError(f"{path} does not exist.",
                           hint="Give two video files or two analysis folders.")
    return analyze_clip(path, work_dir, label, **analyze_kw)


@dataclass(frozen=True, eq=False)
class Comparison:
    """Everything compared: the table rows, the sync timeline (None when the clips could not
    be synchronised: see `sync_error`), the curves of each clip and notes for the reader."""

    a: ClipAnalysis
    b: ClipAnalysis
    rows: list[MetricRow]
    timeline: SyncTimeline | None
    curves_a: dict[str, CycleCurve]
    curves_b: dict[str, CycleCurve]
    sides: tuple[str, str] | None
    sync_error: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def common_curves(self) -> list[str]:
        """Curve keys present for both clips, in a fixed order."""
        order = ("trunk_lean_deg", "pelvic_obliquity_deg", "lateral_trunk_lean_deg",
                 "knee_flexion_deg")
        return [k for k in order if k in self.curves_a and k in self.curves_b]


def _view(report: Mapping[str, Any]) -> str | None:
    return (report.get("view") or {}).get("view")


def compare(
    a: ClipAnalysis,
    b: ClipAnalysis,
    *,
    fps: float = 30.0,
    speed: float = 1.0,
    prefer_side: str | None = None,
    align_contralateral: bool = True,
    max_strides: int | None = None,
) -> Comparison:
    """Compare two analysed clips (A = before / reference, B = after).

    fps, speed, prefer_side, align_contralateral, max_strides: see `sync.build_timeline`.
    """
    rows = compare_metrics(a.report, b.report)
    notes: list[str] = []
    va, vb = _view(a.report), _view(b.report)
    if va and vb and va != vb:
        notes.append(f"A was filmed from the {va} and B from the {vb}: only the metrics both "
                     "views measure can be compared.")
    timeline, error, sides = None, None, None
    try:
        sides = choose_sides(a.report, b.report, prefer_side)
        timeline = timeline_from_reports(
            a.seq.t, a.report, b.seq.t, b.report, fps=fps, speed=speed,
            prefer_side=prefer_side, align_contralateral=align_contralateral,
            max_strides=max_strides)
        notes.extend(timeline.notes)
    except NoGaitError as exc:
        error = exc.message
    curves_a: dict[str, CycleCurve] = {}
    curves_b: dict[str, CycleCurve] = {}
    if sides is not None:
        curves_a = clip_curves(a.seq, a.report, sides[0], contact_times(a.report, sides[0]))
        curves_b = clip_curves(b.seq, b.report, sides[1], contact_times(b.report, sides[1]))
    return Comparison(a, b, rows, timeline, curves_a, curves_b, sides, error, tuple(notes))


def _clip_info(c: ClipAnalysis) -> dict[str, Any]:
    view = c.report.get("view") or {}
    src = c.report.get("source") or {}
    return {
        "label": c.label, "file_name": c.name, "view": view.get("view"),
        "facing": view.get("facing"), "recorded_at": src.get("recorded_at")
        or src.get("creation_time"),
        "frames": c.seq.n_frames, "fps": round(float(c.seq.fps), 3),
        "strides": {s: max(0, len(contact_times(c.report, s)) - 1) for s in ("left", "right")},
    }


def comparison_dict(cmp: Comparison, clinician_notes: Sequence[str] = ()) -> dict[str, Any]:
    """The comparison as JSON (compare.json)."""
    return {
        "schema": COMPARE_SCHEMA,
        "schema_version": COMPARE_VERSION,
        "a": _clip_info(cmp.a),
        "b": _clip_info(cmp.b),
        "difference": "B - A",
        "metrics": [r.to_dict() for r in cmp.rows],
        "reference_foot": None if cmp.sides is None else {"a": cmp.sides[0], "b": cmp.sides[1]},
        "sync": None if cmp.timeline is None else cmp.timeline.summary(),
        "sync_error": cmp.sync_error,
        "curves": {
            "a": {k: c.to_dict() for k, c in cmp.curves_a.items()},
            "b": {k: c.to_dict() for k, c in cmp.curves_b.items()},
        },
        "notes": list(cmp.notes),
        "clinician_notes": list(clinician_notes),
    }


def _atomic_write_text(path: Path, text: str) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def video_sides(cmp: Comparison) -> tuple[Any, Any] | None:
    """The two `VideoSide`s for the side-by-side video, or None if a video is missing."""
    from .video import VideoSide

    out = []
    for c in (cmp.a, cmp.b):
        if c.video is None or not Path(c.video).is_file():
            return None
        out.append(VideoSide(Path(c.video), c.label, c.seq, c.report,
                             draw_overlay=not c.video_has_overlay))
    return out[0], out[1]


def write_outputs(
    cmp: Comparison,
    out_dir: str | Path,
    *,
    clinician_notes: Sequence[str] = (),
    runner_name: str | None = None,
    panel_height: int = 480,
    video: bool = True,
    progress: Callable[[float], None] | None = None,
) -> dict[str, Path]:
    """Write compare.json, compare.html and (when both videos are here and the clips could be
    synchronised) compare.mp4 into `out_dir`; returns {"json", "html", "video"?: path}."""
    from .report_html import comparison_html

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    doc = comparison_dict(cmp, clinician_notes)
    files["json"] = _atomic_write_text(out_dir / "compare.json",
                                       json.dumps(_finite(doc), indent=2, allow_nan=False))
    files["html"] = _atomic_write_text(
        out_dir / "compare.html",
        comparison_html(cmp, clinician_notes=clinician_notes, runner_name=runner_name))
    sides = video_sides(cmp)
    if video and sides is not None and cmp.timeline is not None:
        from .video import write_side_by_side

        tmp = out_dir / ".compare.partial.mp4"
        write_side_by_side(sides[0], sides[1], cmp.timeline, tmp, panel_height=panel_height,
                           progress=progress)
        files["video"] = out_dir / "compare.mp4"
        os.replace(tmp, files["video"])
    return files


def _finite(obj: Any) -> Any:
    """NaN/inf -> None, numpy scalars -> Python (for strict JSON)."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    if isinstance(obj, np.generic):
        obj = obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


__all__ = [
    "COMPARE_SCHEMA", "OTHER", "ClipAnalysis", "Comparison", "analyze_clip", "compare",
    "comparison_dict", "load_analysis_folder", "load_input", "video_sides", "write_outputs",
]
