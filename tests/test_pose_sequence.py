"""PoseSequence: shape checks, save/load round trip and CSV export."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from gaitcam.errors import GaitcamError
from gaitcam.pose_sequence import PoseSequence


def _seq(n: int = 12) -> PoseSequence:
    rng = np.random.default_rng(0)
    s = PoseSequence.empty(n, 720, 1280, 30.0, path="x.mp4", model="full")
    s.xy[:] = rng.uniform(0, 700, s.xy.shape)
    s.xy[min(3, n - 1)] = np.nan
    s.world[:] = rng.normal(size=s.world.shape)
    s.visibility[:] = 0.9
    return s


def test_round_trip(tmp_path: Path) -> None:
    s = _seq()
    p = s.save(tmp_path / "pose")
    assert p.suffix == ".npz"
    r = PoseSequence.load(p)
    assert (r.width, r.height, r.fps, r.source["model"]) == (720, 1280, 30.0, "full")
    np.testing.assert_allclose(r.xy, s.xy)
    np.testing.assert_array_equal(r.detected, s.detected)
    assert not r.detected[3] and r.detected_fraction == pytest.approx(11 / 12)


def test_csv_export(tmp_path: Path) -> None:
    p = _seq(3).to_csv(tmp_path / "pose.csv")
    rows = list(csv.DictReader(p.open()))
    assert len(rows) == 3 * 33
    assert rows[0]["landmark"] == "nose" and rows[32]["landmark"] == "right_foot_index"
    assert float(rows[0]["x_px"]) > 0


def test_shape_and_time_checks() -> None:
    s = _seq(4)
    with pytest.raises(ValueError, match="xy"):
        s.replace(xy=s.xy[:, :10])
    with pytest.raises(ValueError, match="increasing"):
        s.replace(t=np.array([0.0, 0.1, 0.1, 0.2]))


def test_load_rejects_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(GaitcamError, match="not a readable gaitcam pose file"):
        PoseSequence.load(bad)
    with pytest.raises(GaitcamError, match="not found"):
        PoseSequence.load(tmp_path / "missing.npz")
