"""The waistband line read from the image (gaitcam.pelvis_line): pure helpers on drawn images
with a known slope, and a rendered rear-view runner whose drawn waistband follows the pelvis."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gaitcam.landmarks import INDEX
from gaitcam.pelvis_line import (
    PelvisLine,
    find_waistband,
    fit_edge_line,
    horizontal_edge_map,
    measure_pelvis_line,
    strongest_lines,
)

SHIRT, BAND, SHORTS = (200, 90, 30), (235, 235, 235), (40, 60, 160)


def _torso(angle_deg: float, w: int = 121, h: int = 90, y_mid: float = 45.0,
           band_px: int = 10, noise: float = 2.0, seed: int = 0) -> np.ndarray:
    """A shirt above, a waistband, shorts below; the band's top edge at y_mid on the centre
    column, tilted by angle_deg (+ = right end lower), RGB uint8."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    top = y_mid + np.tan(np.radians(angle_deg)) * (xx - (w - 1) / 2)
    img = np.empty((h, w, 3))
    img[:] = SHIRT
    img[yy >= top] = BAND
    img[yy >= top + band_px] = SHORTS
    img += np.random.default_rng(seed).normal(0, noise, img.shape)
    # Anti-alias the edges a little, as a camera does.
    img = cv2.GaussianBlur(np.clip(img, 0, 255).astype(np.uint8), (0, 0), 0.7)
    return img


@pytest.mark.parametrize("angle", [-12.0, -4.0, 0.0, 3.0, 9.0, 15.0])
def test_find_waistband_reads_the_drawn_slope(angle: float) -> None:
    e = find_waistband(_torso(angle, seed=int(angle * 10) % 7))
    assert e.quality > 0.8
    assert e.angle_deg == pytest.approx(angle, abs=0.3)
    assert e.support_left > 0.9 and e.support_right > 0.9


def test_edge_map_ignores_vertical_outlines() -> None:
    img = np.zeros((40, 40, 3), np.uint8)
    img[:, 20:] = 255  # a vertical boundary only
    assert horizontal_edge_map(img).max() == 0.0
    img = np.zeros((40, 40, 3), np.uint8)
    img[20:] = 255
    assert horizontal_edge_map(img)[18:22].min() > 50


def test_strongest_lines_finds_both_edges_of_the_band() -> None:
    edge = horizontal_edge_map(_torso(6.0, band_px=12))
    lines = strongest_lines(edge, n=3)
    ys = sorted(y for _, y, _ in lines[:2])
    assert ys[0] == pytest.approx(45, abs=2) and ys[1] == pytest.approx(57, abs=2)
    assert all(a == pytest.approx(6.0, abs=1.0) for a, _, _ in lines[:2])


def test_an_edge_on_one_half_only_is_declined() -> None:
    img = _torso(5.0)
    img[:, :55] = SHIRT  # the shirt hangs over the left half: no band there
    assert find_waistband(img).quality == 0.0


def test_a_bent_edge_is_declined() -> None:
    left, right = _torso(-10.0), _torso(10.0)
    img = np.concatenate([left[:, :60], right[:, 60:]], axis=1)  # a V: two halves disagree
    assert find_waistband(img).quality < 0.5


def test_no_edge_no_line() -> None:
    img = np.full((90, 121, 3), SHIRT, np.uint8)
    img = np.clip(img + np.random.default_rng(1).normal(0, 2, img.shape), 0, 255).astype(np.uint8)
    assert find_waistband(img).quality == 0.0
    assert fit_edge_line(horizontal_edge_map(img), 0.0, 45.0).quality == 0.0


def test_measure_pelvis_line_follows_a_rendered_pelvic_drop(tmp_path) -> None:
    from gaitcam.studio import Appearance, ClipSpec, Renderer
    from gaitcam.synthetic import RunnerParams

    look = Appearance(shirt=(40, 40, 160), shorts=(120, 40, 40), waistband=(235, 235, 235))
    spec = ClipSpec(RunnerParams(pelvic_drop_deg=10.0), view="rear", fps=30.0,
                    duration_s=3.2, size=(432, 768), background="plain", noise=2.0, seed=3,
                    appearance=look)
    r = Renderer(spec)
    path = tmp_path / "rear.mp4"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), spec.fps, spec.size)
    for _, img in r.frames():
        w.write(img)
    w.release()
    seq = r.truth_sequence()
    v = seq.xy[:, INDEX["right_hip"]] - seq.xy[:, INDEX["left_hip"]]
    truth = np.degrees(np.arctan(v[:, 1] / v[:, 0]))
    line = measure_pelvis_line(path, seq)
    assert line.found.mean() > 0.9
    err = line.angle_deg[line.found] - truth[line.found]
    assert np.abs(err).max() < 1.5 and abs(err.mean()) < 0.5
    assert np.ptp(truth) > 15  # the drop really swings the line
    # Only the frames near the times asked for are examined.
    part = measure_pelvis_line(path, seq, times=np.array([0.5]))
    assert 2 <= part.examined.sum() <= 5 and part.found[part.examined].all()
    line.save(tmp_path / "l.npz")
    back = PelvisLine.load(tmp_path / "l.npz")
    np.testing.assert_array_equal(back.angle_deg, line.angle_deg)
    assert back.method == "waistband"
