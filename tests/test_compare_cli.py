"""`gaitcam compare A B --out DIR` on two stick-figure clips' analysis folders."""

from __future__ import annotations

import argparse
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from test_compare_clips import analysis_folder, decode, runner, stick_clip

from gaitcam.compare.cli import add_compare_parser
from gaitcam.errors import GaitcamError
from gaitcam.pose_sequence import PoseSequence


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gaitcam")
    add_compare_parser(p.add_subparsers(dest="command", required=True))
    return p


def _run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    return args.func(args)


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("compare_cli")
    out = []
    for name, cadence, lean, seed in (("before", 160, 8, 21), ("after", 172, 14, 22)):
        seq, _ = runner(cadence, lean, duration_s=3.5, seed=seed)
        clip = stick_clip(seq, root / f"{name}.mp4")
        out.append(analysis_folder(seq, root / name, clip))
    return out[0], out[1]


def test_cli_writes_video_table_and_report(folders, tmp_path: Path, capsys) -> None:
    out = tmp_path / "cmp"
    code = _run(["compare", str(folders[0]), str(folders[1]), "--out", str(out),
                 "--label-a", "Before", "--label-b", "After", "--notes", "Run tall.", "-q"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Forward trunk lean" in printed and "worse" in printed
    assert "synchronised" in printed and "wrote video" in printed
    doc = json.loads((out / "compare.json").read_text())
    assert doc["a"]["label"] == "Before" and doc["b"]["label"] == "After"
    assert doc["clinician_notes"] == ["Run tall."]
    cadence = next(r for r in doc["metrics"] if r["key"] == "cadence_spm")
    assert cadence["diff"] == pytest.approx(12, abs=2.5)
    frames = decode(out / "compare.mp4")
    assert len(frames) == doc["sync"]["frames"]
    html = (out / "compare.html").read_text()
    assert "Run tall." in html and "Before" in html and "gaitcam educates" in html


def test_cli_without_the_clip_still_writes_table_and_report(folders, tmp_path: Path,
                                                            capsys) -> None:
    """A folder whose clip has gone (and no overlay.mp4): table and report, but no video."""
    lonely = tmp_path / "lonely"
    shutil.copytree(folders[1], lonely)
    seq = PoseSequence.load(lonely / "pose.npz")
    gone = tmp_path / "moved_away.mp4"
    replace(seq, source={**seq.source, "path": str(gone)}).save(lonely / "pose.npz")
    out = tmp_path / "cmp"
    assert _run(["compare", str(folders[0]), str(lonely), "--out", str(out), "-q"]) == 0
    assert "no video" in capsys.readouterr().out
    assert (out / "compare.json").is_file() and (out / "compare.html").is_file()
    assert not (out / "compare.mp4").exists()


def test_cli_bad_input_is_a_gaitcam_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(GaitcamError, match="not an analysis folder"):
        _run(["compare", str(empty), str(empty), "--out", str(tmp_path / "o"), "-q"])
    with pytest.raises(GaitcamError, match="does not exist"):
        _run(["compare", str(tmp_path / "nope.mp4"), str(empty), "--out", str(tmp_path), "-q"])


def test_main_cli_reports_errors_when_compare_is_registered(tmp_path: Path, capsys) -> None:
    from gaitcam import cli

    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "compare" not in sub.choices:
        pytest.skip("gaitcam.cli does not register `compare` yet (the lead wires it)")
    assert cli.main(["compare", str(tmp_path / "x.mp4"), str(tmp_path), "--out",
                     str(tmp_path / "o")]) == 2
    assert "error:" in capsys.readouterr().err


@pytest.mark.slow
def test_cli_on_two_rendered_clips(tmp_path: Path, capsys) -> None:
    """The whole way from video: two studio-rendered runners (160 spm / 8° lean, 172 spm /
    14°) through MediaPipe, the analysis and the comparison (about 45 s)."""
    from gaitcam.studio.clip import write_clip
    from gaitcam.studio.renderer import ClipSpec
    from gaitcam.synthetic import RunnerParams

    clips = []
    for name, cadence, lean, seed in (("before", 160, 8, 1), ("after", 172, 14, 2)):
        spec = ClipSpec(params=RunnerParams(cadence_spm=cadence, trunk_lean_deg=lean,
                                            speed_mps=2.5), fps=30, duration_s=8, seed=seed)
        clips.append(write_clip(spec, tmp_path / name).video)
    out = tmp_path / "cmp"
    assert _run(["compare", str(clips[0]), str(clips[1]), "--out", str(out), "-q"]) == 0
    doc = json.loads((out / "compare.json").read_text())
    rows = {r["key"]: r for r in doc["metrics"]}
    assert rows["trunk_lean_deg"]["diff"] > 2  # B leans further forward
    assert rows["cadence_spm"]["diff"] > 4  # and steps quicker
    assert len(decode(out / "compare.mp4")) == doc["sync"]["frames"]
    assert (out / "a" / "report.json").is_file() and (out / "b" / "pose.npz").is_file()
    assert "Forward trunk lean" in capsys.readouterr().out
