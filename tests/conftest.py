"""Shared test fixtures: where the team's shared clips live, and skipping when they don't."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_VIDEOS = SHARED / "videos"

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/clipmaker.py


def shared_clip(name: str) -> Path:
    """Path of a clip in ../shared/videos, or skip the test with the reason."""
    p = SHARED_VIDEOS / name
    if not p.exists():
        pytest.skip(f"shared clip {name} not available (../shared/videos is missing)")
    return p


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty gaitcam data folder (cache, history database, clips) for this test only."""
    monkeypatch.setenv("GAITCAM_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("GAITCAM_DB_URL", raising=False)
    return tmp_path
