"""The `gaitcam analyze` pipeline: video -> poses -> report (+ plan) -> files.

Rear/front view: after the pose, the waistband line is measured at the midstance frames
(gaitcam.pelvis_line) and pelvic drop read from it.

Writes into the output folder: report.json (docs/report_schema.md), pose.npz (the
PoseSequence), strides.csv (per-stride metric values), plan.html (printable plan) and
overlay.mp4 (H.264, drawn while inference runs). Files are written to temporary names and
renamed, so an interrupted run never leaves a half-written report.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gaitcam import __version__
from gaitcam.errors import GaitcamError
from gaitcam.models import DEFAULT_MODEL
from gaitcam.pose import ProgressFn, extract_pose
from gaitcam.pose_sequence import PoseSequence
from gaitcam.video import probe

if TYPE_CHECKING:
    from gaitcam.pelvis_line import PelvisLine

SCHEMA_VERSION = "1.0"


@dataclass
class AnalysisResult:
    """What `analyze_video` produced: the report, the pose sequence and the files written."""

    report: dict[str, Any]
    seq: PoseSequence
    out_dir: Path
    files: dict[str, Path] = field(default_factory=dict)
    timings_s: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        r = self.report
        view = r.get("view", {})
        lines = [
            f"{r['source'].get('file_name')}: {view.get('view')} view"
            + (f", facing {view['facing']}" if view.get("facing") else "")
            + f", runner in {r['quality']['fraction_with_runner']:.0%} of frames",
        ]
        for key, m in r.get("metrics", {}).items():
            if m.get("measurable") and m.get("value") is not None:
                v = m["value"]
                v = f"{v:.1f}" if isinstance(v, float) else str(v)
                lines.append(f"  {key:32s} {v:>10} {m.get('unit') or '':6s} {m.get('status')}")
        for f in r.get("findings", []):
            lines.append(f"  finding [{f['severity']}] {f['id']}: {f['message']}")
        for name, p in self.files.items():
            lines.append(f"wrote {name}: {p}")
        return "\n".join(lines)


def build_report(
    seq: PoseSequence,
    view: str = "auto",
    runner_height_cm: float | None = None,
    weekly_km: list[float] | None = None,
    pelvis_line: PelvisLine | None = None,
) -> dict[str, Any]:
    """The full report of a pose sequence: analysis, source, and the personal plan.

    pelvis_line: the clip's waistband line (gaitcam.pelvis_line), for pelvic drop in a
    rear/front view (see gaitcam.analysis.analyze_sequence)."""
    from gaitcam.advice import build_plan
    from gaitcam.analysis import analyze_sequence

    report = analyze_sequence(seq, view=view, runner_height_cm=runner_height_cm,
                              pelvis_line=pelvis_line)
    report["schema_version"] = SCHEMA_VERSION
    # The report is shared (downloads, history): no local file paths in it.
    source = {**report.get("source", {}), **seq.source}
    source.pop("path", None)
    source.update({"gaitcam_version": __version__, "runner_height_cm": runner_height_cm})
    report["source"] = source
    report["plan"] = build_plan(report)
    return report


def rolling_report(seq: PoseSequence, view: str = "auto") -> dict[str, Any]:
    """Analysis of a short recent window (streaming overlay, live mode); no plan."""
    from gaitcam.analysis import analyze_sequence

    return analyze_sequence(seq, view=view)


def _write_atomic(path: Path, write: Callable[[Path], Any]) -> Path:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        write(tmp_path)
        os.replace(tmp_path, path)
    finally:
        tmp_path.unlink(missing_ok=True)
    return path


def write_strides_csv(report: dict[str, Any], path: Path) -> Path:
    """One row per metric and stride: metric, unit, stride index, side, value."""
    def write(p: Path) -> None:
        with p.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["metric", "unit", "stride", "side", "t_s", "value"])
            for key, m in report.get("metrics", {}).items():
                for i, row in enumerate(m.get("per_contact") or m.get("per_stride") or []):
                    if isinstance(row, dict):
                        w.writerow([key, m.get("unit"), i, row.get("side", ""),
                                    row.get("t_s", ""), row.get("value")])
                    else:
                        w.writerow([key, m.get("unit"), i, "", "", row])
    return _write_atomic(path, write)


def _pelvis_line(video: Path, seq: PoseSequence, view: str,
                 timings: dict[str, float]) -> PelvisLine | None:
    """Rear/front view: the waistband line at the clip's midstances (the analysis is cheap, so
    it runs once to find them); None for a side view. A clip whose gait cannot be found gets
    None here and the error from build_report."""
    from gaitcam.analysis import frontal_midstances
    from gaitcam.pelvis_line import measure_pelvis_line

    if view == "side":
        return None
    try:
        times = frontal_midstances(seq, view)
    except GaitcamError:
        return None
    if times is None:
        return None
    t0 = time.perf_counter()
    line = measure_pelvis_line(video, seq, times=times)
    timings["pelvis_line_s"] = time.perf_counter() - t0
    return line


def analyze_video(
    video: str | Path,
    out_dir: str | Path,
    model: str = DEFAULT_MODEL,
    view: str = "auto",
    runner_height_cm: float | None = None,
    overlay: bool = True,
    progress: ProgressFn | None = None,
) -> AnalysisResult:
    """Analyse one clip end to end and write the output files; see the module docstring.

    Raises a GaitcamError subclass (bad video, no runner, no gait...) with a friendly message.
    """
    from gaitcam.advice import plan_html

    video, out_dir = Path(video), Path(out_dir)
    if runner_height_cm is not None and not 100 <= runner_height_cm <= 230:
        raise GaitcamError(
            f"A runner height of {runner_height_cm:g} cm is not plausible.",
            hint="Give the height in centimetres, e.g. --runner-height-cm 175.",
        )
    info = probe(video)
    out_dir.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    streamer = None
    if overlay:
        from gaitcam.streaming_overlay import StreamingOverlay

        streamer = StreamingOverlay(
            out_dir / ".overlay.partial.mp4", info.fps,
            rolling_report=lambda s: rolling_report(s, view=view),
        )
    try:
        seq = extract_pose(video, model=model, progress=progress,
                           on_frame=streamer.push if streamer else None)
        timings["pose_s"] = time.perf_counter() - t0
        t1 = time.perf_counter()
        pelvis = _pelvis_line(video, seq, view, timings)
        report = build_report(seq, view=view, runner_height_cm=runner_height_cm,
                              pelvis_line=pelvis)
        timings["analysis_s"] = time.perf_counter() - t1 - timings.get("pelvis_line_s", 0.0)
    except BaseException:
        if streamer is not None:
            streamer.abort()
        raise
    files: dict[str, Path] = {}
    if streamer is not None:
        t2 = time.perf_counter()
        partial = streamer.finish(seq, report)
        files["overlay"] = out_dir / "overlay.mp4"
        os.replace(partial, files["overlay"])
        timings["overlay_tail_s"] = time.perf_counter() - t2
    report["source"]["video"] = {k: v for k, v in info.as_dict().items() if k != "path"}
    report["timings_s"] = {k: round(v, 3) for k, v in timings.items()}
    files["report"] = _write_atomic(
        out_dir / "report.json",
        lambda p: p.write_text(json.dumps(report, indent=2, allow_nan=False)),
    )
    files["pose"] = out_dir / "pose.npz"
    seq.save(files["pose"])
    files["strides"] = write_strides_csv(report, out_dir / "strides.csv")
    files["plan"] = _write_atomic(out_dir / "plan.html", lambda p: p.write_text(plan_html(report)))
    timings["total_s"] = time.perf_counter() - t0
    return AnalysisResult(report=report, seq=seq, out_dir=out_dir, files=files, timings_s=timings)
