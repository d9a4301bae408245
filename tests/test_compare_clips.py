"""Test material for the compare tests: synthetic runners, stick-figure clips drawn from their
poses (with each frame's index written into the image as a block code, so a test can read back
which source frame a comparison video shows), and analysis folders as `gaitcam analyze`
writes them. Also tests of the material itself.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np

from gaitcam.analysis import analyze_sequence
from gaitcam.landmarks import EDGES
from gaitcam.pose_sequence import PoseSequence
from gaitcam.render import H264Writer
from gaitcam.synthetic import RunnerParams, synthetic_sequence
from gaitcam.video import iter_frames

SIZE = (640, 360)
#: Easy-run speed (m/s) of the synthetic runners; slow enough for 150-180 steps/min.
SPEED = 2.5
CODE_BITS = 10
CODE_CELL = 18  # px per bit in the source frame
CODE_Y = SIZE[1] - CODE_CELL - 4


def runner(cadence: float, lean: float, *, duration_s: float = 5.0, fps: float = 30.0,
           seed: int = 0, view: str = "side") -> tuple[PoseSequence, dict]:
    """A synthetic runner on a 640x360 frame (light keypoint noise, as from a pose model)."""
    params = RunnerParams(cadence_spm=cadence, trunk_lean_deg=lean, speed_mps=SPEED)
    return synthetic_sequence(params, view=view, facing="left", fps=fps, duration_s=duration_s,
                              seed=seed, image_size=SIZE, noise_px=0.5)


def write_code(img: np.ndarray, value: int) -> None:
    """Draw `value` as CODE_BITS black/white cells along the bottom-left of the frame."""
    for bit in range(CODE_BITS):
        on = (value >> bit) & 1
        x = 4 + bit * CODE_CELL
        img[CODE_Y:CODE_Y + CODE_CELL, x:x + CODE_CELL] = 255 if on else 0


def read_code(img: np.ndarray, scale: float = 1.0, x0: int = 0) -> int:
    """Read back the value of `write_code` from a frame scaled by `scale`, offset by x0 px."""
    value = 0
    for bit in range(CODE_BITS):
        cx = x0 + (4 + bit * CODE_CELL + CODE_CELL / 2) * scale
        cy = (CODE_Y + CODE_CELL / 2) * scale
        patch = img[int(cy) - 2:int(cy) + 3, int(cx) - 2:int(cx) + 3]
        if patch.mean() > 128:
            value |= 1 << bit
    return value


def stick_clip(seq: PoseSequence, path: Path) -> Path:
    """Draw the sequence's skeleton (white sticks on grey) with its frame code, as H.264."""
    w, h = seq.width, seq.height
    with H264Writer(path, w, h, seq.fps) as writer:
        for i in range(seq.n_frames):
            img = np.full((h, w, 3), 90, np.uint8)
            xy = seq.xy[i]
            for a, b in EDGES:
                if np.isfinite(xy[[a, b]]).all():
                    cv2.line(img, tuple(int(v) for v in xy[a]), tuple(int(v) for v in xy[b]),
                             (235, 235, 235), 4, cv2.LINE_AA)
            write_code(img, i)
            writer.write(img, float(seq.t[i]))
    return path


def decode(path: Path) -> list[tuple[float, np.ndarray]]:
    """(time s, BGR image) of every frame of a video of any length (no 3 s minimum)."""
    import av

    out = []
    with av.open(str(path)) as c:
        for f in c.decode(c.streams.video[0]):
            out.append((float(f.time), f.to_ndarray(format="bgr24")))
    return out


def analysis_folder(seq: PoseSequence, folder: Path, clip: Path | None = None) -> Path:
    """report.json + pose.npz as `gaitcam analyze` writes them (pose source path = the clip)."""
    from gaitcam.advice import build_plan

    folder.mkdir(parents=True, exist_ok=True)
    if clip is not None:
        seq = replace(seq, source={**seq.source, "path": str(clip), "file_name": clip.name})
    report = analyze_sequence(seq)
    report["plan"] = build_plan(report)
    (folder / "report.json").write_text(json.dumps(report))
    seq.save(folder / "pose.npz")
    return folder


def test_stick_clip_keeps_frames_and_codes(tmp_path: Path) -> None:
    seq, _ = runner(160, 8, duration_s=3.0)
    clip = stick_clip(seq, tmp_path / "a.mp4")
    frames = list(iter_frames(clip, pixel_format="bgr24"))
    assert len(frames) == seq.n_frames
    assert np.allclose([f.t for f in frames], seq.t - seq.t[0], atol=1e-3)
    assert [read_code(f.image) for f in frames[::7]] == list(range(0, seq.n_frames, 7))


def test_read_code_after_scaling() -> None:
    img = np.full((SIZE[1], SIZE[0], 3), 90, np.uint8)
    write_code(img, 613)
    scaled = cv2.resize(img, (SIZE[0] * 4 // 3, SIZE[1] * 4 // 3), interpolation=cv2.INTER_AREA)
    assert read_code(scaled, 4 / 3) == 613
    write_code(img, 0)
    assert read_code(img) == 0


def cache_analysis(data_dir: Path, clip: Path, seq: PoseSequence, model: str = "full",
                   view: str = "auto", height_cm: float | None = None):
    """Put `seq`'s analysis of `clip` into the app's result cache under `data_dir`, as the app
    leaves it after analysing an upload (the poses are known: no MediaPipe). Returns the
    AnalysisResult."""
    from gaitcam.advice import build_plan
    from gaitcam.pipeline import AnalysisResult
    from gaitcam.ui.cache import AnalysisKey, analyze_cached, sha256_file

    seq = replace(seq, source={**seq.source, "path": str(clip), "file_name": clip.name})

    def known_poses(video, out, **_kw):
        report = analyze_sequence(seq)
        report["plan"] = build_plan(report)
        (Path(out) / "report.json").write_text(json.dumps(report))
        seq.save(Path(out) / "pose.npz")
        return AnalysisResult(report=report, seq=seq, out_dir=Path(out), files={
            "report": Path(out) / "report.json", "pose": Path(out) / "pose.npz"})

    key = AnalysisKey(sha256_file(clip), model, view, height_cm)
    result, _ = analyze_cached(clip, key, data_dir, analyze=known_poses)
    return result


def seed_history(data_dir: Path, duration_s: float = 5.0) -> tuple[int, list[int]]:
    """A history store in `data_dir` with one runner and two analysed sessions (stick clips:
    160 spm / 8° lean, then 172 spm / 14°), their poses in the app's result cache. Returns
    (runner id, session ids)."""
    from gaitcam.store import Store

    clips_dir = data_dir / "film"
    clips_dir.mkdir(parents=True, exist_ok=True)
    ids = []
    with Store.open(data_dir=data_dir) as store:
        rid = store.add_runner("R. Example", height_cm=176, leg_length_cm=90,
                               notes="Low back pain after 5 km")
        for name, cadence, lean, seed, day in (("Before", 160, 8, 31, "2024-03-01"),
                                                ("After", 172, 14, 32, "2024-04-12")):
            seq, _ = runner(cadence, lean, duration_s=duration_s, seed=seed)
            clip = stick_clip(seq, clips_dir / f"{name.lower()}.mp4")
            result = cache_analysis(data_dir, clip, seq)
            ids.append(store.save_session(rid, clip, result.report, recorded_at=day,
                                          label=name, clip_name=clip.name))
    return rid, ids
