"""The committed pose bundles: hashes, provenance README, error paths, and real detection."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from gaitcam import models
from gaitcam.errors import ModelError
from gaitcam.landmarks import INDEX

REPO = Path(__file__).resolve().parents[1]
MODELS = REPO / "models"
SHARED = REPO.parent / "shared"
CLIP = SHARED / "videos" / "run_treadmill_side.mp4"


@pytest.fixture(autouse=True)
def _default_models_dir(monkeypatch):
    monkeypatch.delenv(models.MODELS_DIR_ENV, raising=False)


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_models", MODELS / "build_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _readme_table() -> dict[str, tuple[int, str]]:
    """{file name: (size, sha256)} from the bundle table of models/README.md."""
    text = (MODELS / "README.md").read_text(encoding="utf-8")
    rows = re.findall(
        r"^\| \w+ \| `(pose_landmarker_\w+\.task)` \| (\d+) \| `([0-9a-f]{64})` \|$",
        text,
        flags=re.M,
    )
    return {name: (int(size), digest) for name, size, digest in rows}


def test_models_dir_is_repo_models_folder_unless_overridden(monkeypatch, tmp_path):
    assert models.models_dir() == MODELS
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    assert models.models_dir() == tmp_path
    assert models.model_path("full", verify=False) == tmp_path / "pose_landmarker_full.task"


def test_committed_bundles_match_hashes_and_readme():
    assert models.DEFAULT_MODEL in models.MODEL_NAMES == ("lite", "full", "heavy")
    assert set(models.MODEL_SHA256) == {models.model_filename(n) for n in models.MODEL_NAMES}
    table = _readme_table()
    assert set(table) == set(models.MODEL_SHA256)
    for name in models.MODEL_NAMES:
        path = models.model_path(name)  # verifies the sha256
        filename = path.name
        assert table[filename] == (path.stat().st_size, models.MODEL_SHA256[filename])


def test_bundles_are_aligned_uncompressed_zips_with_both_models():
    for name in models.MODEL_NAMES:
        with zipfile.ZipFile(models.model_path(name, verify=False)) as zf:
            infos = zf.infolist()
            assert [i.filename for i in infos] == [
                "pose_detector.tflite",
                "pose_landmarks_detector.tflite",
            ]
            for info in infos:
                assert info.compress_type == zipfile.ZIP_STORED
                assert info.date_time == (1980, 1, 1, 0, 0, 0)
                data_offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
                assert data_offset % 4 == 0
                with zf.open(info) as member:
                    assert member.read(8)[4:8] == b"TFL3"


def test_bundle_writer_is_byte_reproducible(tmp_path):
    """Re-zipping the members of the committed lite bundle gives exactly the committed file."""
    build = _load_build_script()
    src = models.model_path("lite")
    with zipfile.ZipFile(src) as zf:
        members = {i.filename: zf.read(i) for i in zf.infolist()}
    out = tmp_path / src.name
    build.write_bundle(members, out)
    assert build.sha256_file(out) == models.MODEL_SHA256[src.name]


def test_unknown_model_name_gives_model_error():
    with pytest.raises(ModelError) as err:
        models.model_path("ultra")
    assert "ultra" in err.value.message
    assert models.REBUILD_COMMAND in err.value.hint


def test_missing_model_gives_model_error_naming_rebuild(monkeypatch, tmp_path):
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelError) as err:
        models.model_path("full")
    assert "missing" in err.value.message
    assert "python models/build_models.py" in err.value.message
    with pytest.raises(ModelError):
        models.create_landmarker("full")


def test_corrupt_model_gives_model_error_naming_rebuild(monkeypatch, tmp_path):
    name = models.model_filename("lite")
    copy = tmp_path / name
    shutil.copyfile(MODELS / name, copy)
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    assert models.model_path("lite") == copy  # an intact copy passes (and is now cached)

    data = bytearray(copy.read_bytes())
    data[1000:1004] = bytes(b ^ 0xFF for b in data[1000:1004])
    copy.write_bytes(bytes(data))
    stat = copy.stat()
    # Some file systems keep coarse mtimes; make sure the cache key changes as it would in real use.
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    with pytest.raises(ModelError) as err:
        models.model_path("lite")
    assert "corrupt" in err.value.message
    assert "python models/build_models.py" in err.value.message
    with pytest.raises(ModelError):
        models.create_landmarker("lite")
    assert models.model_path("lite", verify=False) == copy


def test_unloadable_model_with_matching_hash_gives_model_error(monkeypatch, tmp_path):
    """If MediaPipe itself rejects a file, the error is a ModelError, not a RuntimeError."""
    name = models.model_filename("lite")
    junk = tmp_path / name
    junk.write_bytes(b"not a zip archive" * 64)
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    monkeypatch.setitem(models.MODEL_SHA256, name, _load_build_script().sha256_file(junk))
    with pytest.raises(ModelError) as err:
        models.create_landmarker("lite")
    assert "python models/build_models.py" in err.value.message


def test_unknown_running_mode_is_rejected():
    with pytest.raises(ValueError, match="running_mode"):
        models.create_landmarker("lite", running_mode="batch")


@pytest.fixture(scope="module")
def treadmill_frame() -> np.ndarray:
    """One RGB frame (H, W, 3) from the real treadmill clip, mid-run."""
    if not CLIP.is_file():
        pytest.skip(f"shared clip {CLIP} not available (../shared is missing)")
    import cv2

    cap = cv2.VideoCapture(str(CLIP))
    try:
        cap.set(cv2.CAP_PROP_POS_FRAMES, 30)
        ok, bgr = cap.read()
    finally:
        cap.release()
    assert ok, f"could not decode a frame of {CLIP}"
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


@pytest.mark.parametrize("name", ["lite", "full"])
def test_bundle_detects_plausible_pose_on_real_frame(name, treadmill_frame):
    import mediapipe as mp

    image = mp.Image(image_format=mp.ImageFormat.SRGB, data=treadmill_frame)
    height, width = treadmill_frame.shape[:2]
    with models.create_landmarker(name) as landmarker:  # VIDEO mode
        result = landmarker.detect_for_video(image, 1000)
    assert len(result.pose_landmarks) == 1
    pose = result.pose_landmarks[0]
    assert len(pose) == 33
    assert len(result.pose_world_landmarks[0]) == 33
    y = {
        k: pose[INDEX[k]].y * height
        for k in ("nose", "left_hip", "right_hip", "left_ankle", "right_ankle")
    }
    x = np.array([p.x * width for p in pose])
    assert y["nose"] < min(y["left_hip"], y["right_hip"])
    assert max(y["left_hip"], y["right_hip"]) < min(y["left_ankle"], y["right_ankle"])
    # The runner stands most of the frame height in this portrait clip.
    assert min(y["left_ankle"], y["right_ankle"]) - y["nose"] > 0.2 * height
    assert np.all((x > -0.1 * width) & (x < 1.1 * width))
