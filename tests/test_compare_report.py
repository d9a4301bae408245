"""The printable comparison report, its SVG charts and the Plotly figures (pure functions)."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html import escape

import numpy as np
import pytest

from gaitcam.advice import build_plan
from gaitcam.compare.comparison import ClipAnalysis, compare
from gaitcam.compare.curves import CycleCurve
from gaitcam.compare.figures import curves_figure, progress_figure
from gaitcam.compare.report_html import comparison_html
from gaitcam.compare.svg import Line, line_chart_svg
from gaitcam.synthetic import RunnerParams, synthetic_sequence

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def cmp():
    from gaitcam.analysis import analyze_sequence

    clips = []
    for label, cadence, lean, seed in (("Before", 160, 8, 51), ("After", 172, 14, 52)):
        params = RunnerParams(cadence_spm=cadence, trunk_lean_deg=lean, speed_mps=2.5)
        seq, _ = synthetic_sequence(params, fps=30, duration_s=6, seed=seed,
                                    image_size=(640, 360), noise_px=0.5)
        clips.append(ClipAnalysis(label, analyze_sequence(seq), seq))
    return compare(*clips)


def test_line_chart_svg_is_valid_and_draws_each_line() -> None:
    x = np.linspace(0, 100, 101)
    svg = line_chart_svg(
        [Line("A <one>", "#2f6fb0", x, np.sin(x / 16), np.full(101, 0.2)),
         Line("B", "#d9661f", x, np.cos(x / 16))],
        title="Knee & hip", x_label="% gait cycle", y_label="degrees", x_range=(0, 100),
        shade=(-0.5, None), shade_label="good")
    root = ET.fromstring(svg)  # well-formed XML, names escaped
    assert root.tag == f"{SVG}svg"
    assert len(root.findall(f"{SVG}polyline")) == 2
    assert len(root.findall(f"{SVG}polygon")) == 1  # only A has a ±SD band
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "Knee & hip" in texts and "A <one>" in texts and "good" in texts
    # a line going up in data goes up on the page (SVG y grows downward)
    pts = root.findall(f"{SVG}polyline")[1].get("points").split()
    y_first, y_mid = float(pts[0].split(",")[1]), float(pts[50].split(",")[1])
    assert y_first < y_mid  # cos: 1 at the start, lower at x = 50


def test_line_chart_svg_copes_with_missing_values() -> None:
    svg = line_chart_svg([Line("A", "#000", [0, 1, 2], [np.nan, np.nan, np.nan])])
    assert ET.fromstring(svg).findall(f"{SVG}polyline") == []


def test_report_html_has_table_curves_notes_plan_red_flags_and_disclaimer(cmp) -> None:
    html = comparison_html(cmp, clinician_notes=["Keep <cadence> up & run tall."],
                           runner_name="R. Example", today=dt.date(2024, 5, 1))
    assert html.startswith("<!DOCTYPE html>") and "@media print" in html
    assert "for R. Example · 2024-05-01" in html
    # the table: trunk lean got worse, and is coloured so
    row = html[html.index("Forward trunk lean"):]
    row = row[:row.index("</tr>")]
    assert 'class="worse"' in row
    diff = re.search(r"<td>([+-]\d+\.\d)°</td>", row)
    assert diff and float(diff.group(1)) == pytest.approx(6, abs=1.5)
    assert html.count("<svg") >= 2 + 1  # two curve charts and at least one exercise figure
    assert "Keep &lt;cadence&gt; up &amp; run tall." in html  # notes are escaped
    assert "Your exercise plan (from session B)" in html
    assert cmp.b.report.get("plan") is None  # the plan was built from B's report
    focus = build_plan(cmp.b.report)["focus"]
    assert focus and all(escape(item["title"]) in html for item in focus)
    assert "Red flags" in html and "bladder" in html
    assert html.count("gaitcam educates; it does not diagnose") == 2  # top and footer


def test_report_without_curves_or_notes_says_so(cmp) -> None:
    bare = type(cmp)(cmp.a, cmp.b, cmp.rows, None, {}, {}, None, "no stride")
    html = comparison_html(bare)
    assert "No angle curves" in html and "No notes." in html


def test_curves_figure_overlays_mean_and_sd(cmp) -> None:
    fig = curves_figure(cmp.curves_a, cmp.curves_b, cmp.common_curves, "A", "B", "left")
    # per subplot and clip: one SD band and one mean line
    assert len(fig.data) == 4 * len(cmp.common_curves)
    means = [t for t in fig.data if t.mode == "lines"]
    assert {t.name.split(" ")[0] for t in means} == {"A", "B"}
    lean_b = next(t for t in means if t.name.startswith("B") and t.xaxis == "x")
    assert np.nanmean(np.asarray(lean_b.y)) == pytest.approx(14, abs=1.5)
    assert "left foot contact" in fig.layout.title.text


def test_curves_figure_skips_keys_missing_in_one_clip() -> None:
    c = CycleCurve("knee_flexion_deg", np.linspace(0, 100, 101), np.zeros(101), np.ones(101), 3)
    fig = curves_figure({"knee_flexion_deg": c}, {}, ["knee_flexion_deg"])
    assert len(fig.data) == 0


def test_progress_figure_shades_the_good_band() -> None:
    days = [dt.datetime(2024, 1, d) for d in (1, 15, 29)]
    fig = progress_figure(days, [9.0, 7.0, 4.5], "pelvic_drop_deg", ["a", "b", "c"])
    (rect,) = [s for s in fig.layout.shapes if s.type == "rect"]
    assert rect.y1 == 5.0 and rect.y0 < 4.5  # good band: up to 5°
    lo, hi = fig.layout.yaxis.range
    assert lo < 4.5 and hi > 9.0
    assert list(fig.data[0].y) == [9.0, 7.0, 4.5]
    # categorical values are plotted as categories, without a band
    cat = progress_figure(days[:2], ["rearfoot", "midfoot"], "foot_strike_pattern")
    assert list(cat.data[0].y) == ["rearfoot", "midfoot"] and not cat.layout.shapes
