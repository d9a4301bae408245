"""The synchronised side-by-side video, checked in the written file: frame count, timestamps,
and which source frames each panel shows at the aligned contacts (read back from a block code
drawn into every source frame)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from test_compare_clips import SIZE, analysis_folder, decode, read_code, runner, stick_clip

from gaitcam.compare.comparison import compare, load_analysis_folder, write_outputs
from gaitcam.compare.sync import contact_times, nearest_frames
from gaitcam.compare.video import GAP_PX, ForwardReader, panel_size


@pytest.fixture(scope="module")
def two_folders(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("compare_video")
    out = []
    for name, cadence, lean, seed in (("a", 160, 8, 11), ("b", 172, 14, 12)):
        seq, _ = runner(cadence, lean, duration_s=4.0, seed=seed)
        clip = stick_clip(seq, root / f"{name}.mp4")
        out.append(analysis_folder(seq, root / f"analysis_{name}", clip))
    return out[0], out[1]


def test_video_contacts_aligned_in_the_written_file(two_folders, tmp_path: Path) -> None:
    a = load_analysis_folder(two_folders[0], "Before")
    b = load_analysis_folder(two_folders[1], "After")
    assert a.video is not None and a.video.name == "a.mp4" and not a.video_has_overlay
    cmp = compare(a, b, fps=30)
    tl = cmp.timeline
    assert tl is not None and tl.n_strides >= 3
    files = write_outputs(cmp, tmp_path, panel_height=480)
    assert set(files) == {"json", "html", "video"}

    decoded = decode(files["video"])
    frames = [img for _, img in decoded]
    times = [t for t, _ in decoded]
    assert len(frames) == len(tl)
    assert np.allclose(times, np.arange(len(tl)) / tl.fps, atol=1e-3)
    w_panel, h_panel = panel_size(*SIZE, 480)
    assert frames[0].shape[:2][1] == 2 * w_panel + GAP_PX
    scale = h_panel / SIZE[1]
    for k, j in enumerate(tl.contact_frames):
        img = frames[int(j)]
        shown_a = read_code(img, scale)
        shown_b = read_code(img, scale, x0=w_panel + GAP_PX)
        # the aligned times are real reference-foot contacts of each clip
        assert np.min(np.abs(contact_times(a.report, tl.sides[0]) - tl.contacts_a[k])) < 1e-9
        assert np.min(np.abs(contact_times(b.report, tl.sides[1]) - tl.contacts_b[k])) < 1e-9
        want_a = int(nearest_frames(a.seq.t, tl.contacts_a[k])[0])
        want_b = int(nearest_frames(b.seq.t, tl.contacts_b[k])[0])
        assert abs(shown_a - want_a) <= 1 and abs(shown_b - want_b) <= 1, (k, shown_a, want_a,
                                                                          shown_b, want_b)
    # every written frame shows the planned source frames (monotonic, no skipped decode)
    for j in range(0, len(tl), 9):
        assert read_code(frames[j], scale) == tl.frame_a[j]

    doc = json.loads(files["json"].read_text())
    lean = next(r for r in doc["metrics"] if r["key"] == "trunk_lean_deg")
    assert lean["diff"] == pytest.approx(6, abs=1.5) and lean["change"] == "worse"
    assert doc["sync"]["contact_frames"] == tl.contact_frames.tolist()
    html = files["html"].read_text()
    assert "<svg" in html and "Forward trunk lean" in html and "Red flags" in html


def test_forward_reader_holds_the_last_frame(two_folders) -> None:
    clip = load_analysis_folder(two_folders[0]).video
    with ForwardReader(clip) as r:
        assert read_code(r.get(0)) == 0
        assert read_code(r.get(0)) == 0
        assert read_code(r.get(5)) == 5
        with pytest.raises(ValueError, match="in order"):
            r.get(3)
        last = r.get(10_000)  # past the end: the last frame
        assert read_code(last) == r.current_index
