"""Turn the history's sessions and uploaded clips into `ClipAnalysis`es (no Streamlit here).

The history store keeps each session's report and clip, not its poses. The poses come from the
app's result cache (gaitcam.ui.cache: results/<sha256[:16]>-<model>-<view>-<height>/pose.npz),
which holds them whenever the clip was analysed in the app on this computer; otherwise the
stored clip is analysed again (and cached). The table always uses the report as saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gaitcam.errors import GaitcamError
from gaitcam.models import DEFAULT_MODEL, MODEL_NAMES
from gaitcam.pose import ProgressFn
from gaitcam.pose_sequence import PoseSequence
from gaitcam.store import SessionRecord
from gaitcam.ui.cache import AnalysisKey, analyze_cached, data_dir, sha256_file

from .comparison import ClipAnalysis


def session_label(s: SessionRecord) -> str:
    """E.g. "31 May 2024 · before block · side view"."""
    when = s.recorded_at.astimezone().strftime("%d %b %Y")
    parts = [when, s.label or s.clip_name or f"session {s.id}"]
    if s.view:
        parts.append(f"{s.view} view")
    return " · ".join(parts)


def session_short_label(s: SessionRecord) -> str:
    """E.g. "Before (31 May 2024)", or the date alone for a session without a label."""
    when = s.recorded_at.astimezone().strftime("%d %b %Y")
    return f"{s.label} ({when})" if s.label else when


def cached_result_folders(sha256: str, root: Path | None = None,
                          model: str | None = None) -> list[Path]:
    """Result folders of the app's cache for a clip (by content hash) that hold poses and a
    report; those made with `model` first, then newest first."""
    base = (root or data_dir()) / "results"
    if not sha256 or not base.is_dir():
        return []
    found = [p for p in base.glob(f"{sha256[:16]}-*")
             if (p / "pose.npz").is_file() and (p / "report.json").is_file()]

    def rank(p: Path) -> tuple[bool, float]:
        return (model is None or f"-{model}-" not in p.name, -p.stat().st_mtime)

    return sorted(found, key=rank)


def _key_for(session: SessionRecord, sha256: str) -> AnalysisKey:
    report: dict[str, Any] = session.report or {}
    view_info = report.get("view") or {}
    view = view_info.get("view") if view_info.get("forced") else "auto"
    height = (report.get("source") or {}).get("runner_height_cm")
    model = session.model if session.model in MODEL_NAMES else DEFAULT_MODEL
    return AnalysisKey(sha256, model, view or "auto",
                       float(height) if isinstance(height, int | float) else None)


def session_analysis(session: SessionRecord, *, root: Path | None = None,
                     progress: ProgressFn | None = None) -> ClipAnalysis:
    """The session (from `Store.get_session`) ready to compare: its saved report, its poses
    (from the cache, else by analysing the stored clip again) and its stored clip.

    Raises GaitcamError when neither poses nor the clip are on this computer.
    """
    if session.report is None:
        raise ValueError("use Store.get_session(): list_sessions() records carry no report")
    label = session_short_label(session)
    clip = session.clip_path if session.clip_available else None
    sha = session.clip_sha256 or (sha256_file(clip) if clip is not None else "")
    folders = cached_result_folders(sha, root, session.model)
    if folders:
        seq = PoseSequence.load(folders[0] / "pose.npz")
        overlay = folders[0] / "overlay.mp4"
        if clip is None and overlay.is_file():
            return ClipAnalysis(label, session.report, seq, overlay, True, folders[0])
        return ClipAnalysis(label, session.report, seq, clip, False, folders[0])
    if clip is None:
        raise GaitcamError(
            f"The clip of “{label}” is not on this computer, so it cannot be shown or "
            "analysed again.",
            hint="Compare sessions saved on this computer, or copy its data folder here.")
    result, _ = analyze_cached(clip, _key_for(session, sha), root, progress=progress)
    return ClipAnalysis(label, session.report, result.seq, clip, False, result.out_dir)


def clip_analysis(clip: Path, key: AnalysisKey, label: str, *, root: Path | None = None,
                  progress: ProgressFn | None = None) -> ClipAnalysis:
    """An uploaded clip analysed through the app's cache (by content hash and settings)."""
    result, _ = analyze_cached(clip, key, root, progress=progress)
    return ClipAnalysis(label, result.report, result.seq, clip, False, result.out_dir)

