"""`gaitcam analyze` end to end on a bundled sample and on bad input (exit codes, files)."""

from __future__ import annotations

import json
from pathlib import Path

import av
import pytest
from conftest import ROOT, shared_clip

from gaitcam.cli import main

SAMPLE = ROOT / "sample_videos" / "overstride_side.mp4"


@pytest.mark.slow
def test_analyze_sample_writes_report_overlay_and_plan(tmp_path: Path) -> None:
    assert main(["analyze", str(SAMPLE), "--out", str(tmp_path), "-q"]) == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["schema_version"] == "1.0"
    assert report["view"]["view"] == "side"
    assert "path" not in report["source"]  # no local paths in a shareable report
    assert abs(report["metrics"]["cadence_spm"]["value"] - 156) <= 1
    assert "overstride" in {f["id"] for f in report["findings"]}
    assert report["plan"]["summary"]
    with av.open(str(tmp_path / "overlay.mp4")) as c:
        s = c.streams.video[0]
        assert s.codec_context.name == "h264" and s.codec_context.pix_fmt == "yuv420p"
        assert sum(1 for _ in c.decode(s)) >= 200
    assert "<html" in (tmp_path / "plan.html").read_text().lower()
    assert (tmp_path / "strides.csv").read_text().startswith("metric,unit,stride,side")


def test_analyze_bad_input_exits_2_with_one_line(tmp_path: Path, capsys) -> None:
    fake = tmp_path / "notes.mp4"
    fake.write_text("not a video")
    assert main(["analyze", str(fake), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("error: ") and not any("Traceback" in e for e in err)
    assert not (tmp_path / "o" / "report.json").exists()


@pytest.mark.slow
def test_no_gait_clip_is_rejected_not_invented(tmp_path: Path, capsys) -> None:
    clip = shared_clip("exercise_not_running.mp4")
    assert main(["analyze", str(clip), "--out", str(tmp_path), "-q"]) == 2
    assert "gait" in capsys.readouterr().err.lower()
    assert not (tmp_path / "report.json").exists()
    assert not (tmp_path / "overlay.mp4").exists()
