"""Physiotherapist mode: compare two clips of a runner side by side, in step.

- `sync`: gait-cycle phase and the time warp that makes both clips' foot contacts coincide.
- `curves`: angle curves normalised to 0-100 % of the gait cycle (mean ± SD).
- `table`: each metric in A and B, B - A, and better / worse against the good band.
- `video`: the synchronised side-by-side H.264 video with both overlays.
- `comparison`: loading / analysing the two clips, `compare`, and writing compare.mp4,
  compare.json and compare.html (`report_html`, charts from `svg`).
- `figures`: Plotly figures for the pages (curves, progress over sessions).
- `cli`: `gaitcam compare A B --out DIR`.
"""

from gaitcam.compare.comparison import (
    ClipAnalysis,
    Comparison,
    analyze_clip,
    compare,
    comparison_dict,
    load_analysis_folder,
    load_input,
    write_outputs,
)
from gaitcam.compare.sync import (
    SyncTimeline,
    build_timeline,
    choose_sides,
    contact_times,
    cycle_phase,
    frame_at_phase,
    timeline_from_reports,
)
from gaitcam.compare.table import MetricRow, compare_metrics, judge_change

__all__ = [
    "ClipAnalysis", "Comparison", "MetricRow", "SyncTimeline", "analyze_clip", "build_timeline",
    "choose_sides", "compare", "compare_metrics", "comparison_dict", "contact_times",
    "cycle_phase", "frame_at_phase", "judge_change", "load_analysis_folder", "load_input",
    "timeline_from_reports", "write_outputs",
]
