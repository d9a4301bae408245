"""The app's pure helpers: metric cards, summary, plots, per-stride table, frame decoding, cache."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from clipmaker import write_cfr
from test_app_report import FPS, contact_times, sample_report, sample_result, sample_seq

from gaitcam.errors import NoGaitError, VideoError
from gaitcam.pipeline import AnalysisResult
from gaitcam.render import contexts_from_report
from gaitcam.ui import cards, plots
from gaitcam.ui.cache import (
    AnalysisKey,
    analyze_cached,
    data_dir,
    load_result,
    safe_file_name,
    save_upload,
    sha256_file,
    sha256_of,
    video_of,
)
from gaitcam.ui.frames import decode_frame_at, frame_angles, render_frame
from gaitcam.ui.series import foot_heights_pct_leg, plot_series
from gaitcam.ui.steps import contact_label, contact_values, contacts
from gaitcam.ui.tables import stride_table
from gaitcam.video import iter_frames

# --- cards -----------------------------------------------------------------------------------


def _card(html: str, key: str) -> str:
    m = re.search(rf'<div class="gc-card[^"]*" data-metric="{key}".*?(?=<div class="gc-card|$)',
                  html, re.S)
    assert m, f"no card for {key}"
    return m.group(0)


def test_cadence_card_shows_value_in_spm_band_status_colour_and_explanation() -> None:
    r = sample_report()
    html = cards.metric_card_html("cadence_spm", r["metrics"]["cadence_spm"], "side")
    assert "171 spm" in html
    assert "Good: 160 spm or more" in html
    assert cards.STATUS_STYLE["good"][0] in html and "Good</span>" in html
    assert "How many steps you take a minute" in html


def test_watch_card_has_the_watch_colour_and_left_right_values() -> None:
    r = sample_report()
    html = cards.metric_card_html("overstride_pct_leg", r["metrics"]["overstride_pct_leg"], "side")
    assert f"--gc-c:{cards.STATUS_STYLE['watch'][0]}" in html
    assert "27% leg" in html and "L 25% leg · R 29% leg" in html
    assert "Good: up to 20% leg" in html


def test_not_measurable_card_says_why_and_which_view_would_measure_it() -> None:
    r = sample_report()
    measured, missing = cards.split_measurable(r)
    assert "pelvic_drop_deg" in [k for k, _ in missing]
    assert "cadence_spm" in [k for k, _ in measured]
    html = cards.cards_grid_html(missing, "side")
    pelvic = _card(html, "pelvic_drop_deg")
    assert "Not measurable here" in pelvic and "rear or front view" in pelvic
    # a metric of this view that is missing for another reason keeps its own reason
    bounce = _card(html, "vertical_oscillation_cm")
    assert "Give your height" in bounce and "Film" not in bounce


def test_a_value_rounded_onto_the_band_edge_keeps_a_decimal() -> None:
    entry = {"value": 12.4, "status": "watch", "measurable": True}
    html = cards.metric_card_html("vertical_oscillation_pct_leg", entry, "side")
    assert "12.4% leg" in html and "Good: up to 12% leg" in html
    assert cards.value_text("cadence_spm", 171.2, "good") == "171 spm"
    assert cards.value_text("trunk_lean_deg", -2.3, "watch") == "-2.3°"


def test_not_measurable_text_names_the_view_when_the_report_gives_no_reason() -> None:
    text = cards.not_measurable_text("trunk_lean_deg", {"reason": None}, "rear")
    assert "Film a side view" in text


def test_low_confidence_is_said_on_the_card() -> None:
    r = sample_report()
    assert "Low confidence" in cards.metric_card_html(
        "hip_extension_deg", r["metrics"]["hip_extension_deg"], "side")
    assert "Low confidence" not in cards.metric_card_html(
        "cadence_spm", r["metrics"]["cadence_spm"], "side")


def test_card_text_is_html_escaped() -> None:
    entry = {"value": None, "measurable": False, "reason": "<script>alert(1)</script>"}
    html = cards.metric_card_html("trunk_lean_deg", entry, "side")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_summary_sentence() -> None:
    r = sample_report()
    n = len(contact_times("left")) + len(contact_times("right"))
    assert cards.summary_sentence(r) == (
        f"Side view, facing left, treadmill · {n} steps over 6.0 s · cadence 171 spm")
    r["view"] = {"view": "rear", "facing": None, "setting": "overground", "forced": True}
    r["quality"]["fraction_with_runner"] = 0.7
    s = cards.summary_sentence(r)
    assert s.startswith("Rear view, overground (as you chose)")
    assert "runner seen in 70% of frames" in s


def test_headline_lists_what_stood_out_by_severity() -> None:
    r = sample_report()
    r["findings"] = [{"id": "overstride", "severity": "flag"},
                     {"id": "forward_trunk_lean", "severity": "watch"},
                     {"id": "heel_strike", "severity": "watch"}]
    text = cards.headline(r, lambda f: f["id"].replace("_", " "))
    assert text == "To work on: overstride. Keep an eye on: forward trunk lean, heel strike."
    r["findings"] = []
    assert cards.headline(r, str).startswith("Nothing stood out")


def test_an_asymmetry_finding_is_named_by_its_metric() -> None:
    from gaitcam.ui.advice_view import finding_title, finding_title_of

    f = {"id": "asymmetry", "metric": "knee_flexion_ic_deg", "severity": "flag"}
    assert finding_title_of(f).endswith(": knee bend at landing")
    assert finding_title(f).endswith("· Worth working on")
    assert "Overstriding" in finding_title_of({"id": "overstride"})


def test_not_measurable_notes_include_anterior_pelvic_tilt() -> None:
    notes = cards.not_measurable_notes(sample_report())
    assert notes and notes[0][0] == "Anterior pelvic tilt"


# --- plots and tables ------------------------------------------------------------------------


def test_contact_labels_are_in_time_order_and_numbered_per_foot() -> None:
    cs = contacts(sample_report())
    assert [c[2] for c in cs] == sorted(c[2] for c in cs)
    assert contact_label(*cs[0]) == f"L contact 1 at {contact_times('left')[0]:.2f} s"
    assert contact_label(*cs[1]).startswith("R contact 1 at")


def test_side_view_figure_has_rows_bands_and_a_marker_line_per_contact() -> None:
    r, seq = sample_report(), sample_seq()
    fig = plots.timeseries_figure(plot_series(seq, r), r)
    titles = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("Trunk lean") for t in titles)
    assert any(t.startswith("Knee bend") for t in titles)
    assert any(t.startswith("Foot height") for t in titles)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    assert any(s.y1 == 10.0 and s.y0 == -2.0 for s in rects)  # trunk lean good band
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert len(lines) == 3 * len(contacts(r))  # one per contact in each of 3 rows
    hover = [t for tr in fig.data if tr.text is not None for t in tr.text]
    assert contact_label(*contacts(r)[0]) in hover


def test_rear_view_figure_shows_side_lean_and_hip_line_with_symmetric_bands() -> None:
    r, seq = sample_report("rear"), sample_seq()
    series = plot_series(seq, r)
    fig = plots.timeseries_figure(series, r)
    titles = [a.text for a in fig.layout.annotations]
    assert any(t.startswith("Hip line") for t in titles)
    assert not any(t.startswith("Trunk lean") for t in titles)
    rects = [(s.y0, s.y1) for s in fig.layout.shapes if s.type == "rect"]
    assert (-5.0, 5.0) in rects


def test_band_extent_shows_a_nearby_band_without_squashing_the_data() -> None:
    y0, y1, (bottom, top) = plots.band_extent((-2.0, 10.0), 10.5, 12.0)
    assert (y0, y1) == (-2.0, 10.0)
    assert 4.0 < bottom < 10.0 and top > 12.0
    _, _, (bottom, top) = plots.band_extent((12.0, None), 15.0, 75.0)
    assert bottom < 12.0 and top < 85.0  # an open top does not stretch the axis


def test_foot_height_is_zero_at_the_ground_and_in_percent_of_leg() -> None:
    seq = sample_seq()
    h = foot_heights_pct_leg(seq.xy.astype(float))
    for side in ("left", "right"):
        i = int(round(contact_times(side)[1] * FPS))
        assert abs(h[f"foot_height_{side}"][i]) < 5
        assert np.nanmax(h[f"foot_height_{side}"]) > 20


def test_stride_table_has_a_row_per_contact_with_its_values() -> None:
    r = sample_report()
    table = stride_table(r)
    assert len(table) == len(contacts(r))
    assert list(table.columns[:3]) == ["Foot", "Contact", "Time (s)"]
    first_left = r["metrics"]["overstride_pct_leg"]["per_stride"][0]
    assert first_left["side"] == "left"
    assert table.iloc[0]["Overstride (% leg)"] == pytest.approx(first_left["value"], abs=0.05)


def _bare_per_stride(report: dict, drop: int = 0) -> dict:
    """The report with per_stride as bare value lists in time order (as gaitcam.analysis
    writes them), `drop` values short of one per contact."""
    for m in report["metrics"].values():
        if m["per_stride"]:
            m["per_stride"] = [p["value"] for p in m["per_stride"]][drop:]
    return report


def test_bare_per_stride_lists_are_tied_to_contacts_only_when_one_per_contact() -> None:
    r = _bare_per_stride(sample_report())
    table = stride_table(r)
    assert list(table.columns[:3]) == ["Foot", "Contact", "Time (s)"]
    assert table.iloc[3]["Overstride (% leg)"] == pytest.approx(
        r["metrics"]["overstride_pct_leg"]["per_stride"][3], abs=0.05)
    side, _, t = contacts(r)[3]
    assert contact_values(r, side, t)["overstride_pct_leg"] == (
        r["metrics"]["overstride_pct_leg"]["per_stride"][3])

    short = _bare_per_stride(sample_report(), drop=1)
    table = stride_table(short)
    assert "Foot" not in table.columns and table.columns[0] == "Value #"
    assert table["Overstride (% leg)"].notna().sum() == len(contacts(short)) - 1
    assert contact_values(short, side, t) == {}


def test_load_helpers() -> None:
    assert plots.parse_distances("20, 22.5;25  30") == [20.0, 22.5, 25.0, 30.0]
    with pytest.raises(ValueError, match="'x2' is not a number"):
        plots.parse_distances("20, x2")
    fig = plots.weekly_load_figure([20, 22, 30], [10.0, 36.4])
    colours = list(fig.data[0].marker.color)
    assert colours[2] == cards.STATUS_STYLE["flag"][0]
    assert colours[1] == cards.STATUS_STYLE["good"][0]


# --- frames ----------------------------------------------------------------------------------


def test_decode_frame_at_matches_sequential_decoding(tmp_path: Path) -> None:
    clip = write_cfr(tmp_path / "c.mp4", 4.0, 30.0, size=(320, 256))
    frames = list(iter_frames(clip, pixel_format="bgr24"))
    for i in (0, 1, 45, 100, len(frames) - 1):
        got = decode_frame_at(clip, frames[i].t)
        assert np.abs(got.astype(int) - frames[i].image.astype(int)).mean() < 1.0, i


def test_decode_frame_at_applies_rotation(tmp_path: Path) -> None:
    clip = write_cfr(tmp_path / "r.mp4", 3.5, 30.0, size=(320, 256), rotation_ccw=90)
    frames = list(iter_frames(clip, pixel_format="bgr24"))
    got = decode_frame_at(clip, frames[60].t)
    assert got.shape == frames[60].image.shape == (320, 256, 3)
    assert np.abs(got.astype(int) - frames[60].image.astype(int)).mean() < 1.0


def test_render_frame_draws_the_overlay_and_reports_its_angles(tmp_path: Path) -> None:
    result = sample_result(tmp_path / "res")
    contexts = contexts_from_report(result.seq, result.report)
    plain = decode_frame_at(result.files["overlay"], float(result.seq.t[30]))
    image, ctx = render_frame(result.files["overlay"], contexts, 30)
    assert image.shape == plain.shape
    changed = np.abs(image.astype(int) - plain[:, :, ::-1].astype(int)).sum(axis=2) > 0
    assert changed.mean() > 0.01  # the skeleton, angles and HUD cover part of the frame
    labels = dict(frame_angles(ctx))
    assert labels["Trunk lean"].endswith("fwd")
    assert "Left knee bend" in labels


def test_per_contact_ties_an_analysis_to_its_contacts(tmp_path: Path) -> None:
    """A real report: per_stride is a bare list (more values than one per contact for cadence,
    fewer for the bounce) and per_contact ties every value to its foot contact."""
    import csv

    from gaitcam.analysis import analyze_sequence
    from gaitcam.pipeline import write_strides_csv
    from gaitcam.synthetic import RunnerParams, synthetic_sequence
    from gaitcam.ui.tables import column_name

    seq, _ = synthetic_sequence(RunnerParams(left={"overstride_pct_leg": 20.0}), fps=30,
                                duration_s=6)
    r = analyze_sequence(seq)
    table = stride_table(r)
    assert list(table.columns[:3]) == ["Foot", "Contact", "Time (s)"]
    assert len(table) == len(contacts(r))
    col = column_name("overstride_pct_leg")
    left = table.loc[table["Foot"] == "Left", col].dropna()
    right = table.loc[table["Foot"] == "Right", col].dropna()
    assert len(left) >= 6 and left.min() > right.max() + 4  # 20% vs 12% of the leg
    row = r["metrics"]["contact_time_ms"]["per_contact"][3]
    assert contact_values(r, row["side"], row["t_s"])["contact_time_ms"] == row["value"]
    path = write_strides_csv(r, tmp_path / "strides.csv")
    rows = [x for x in csv.DictReader(path.open()) if x["metric"] == "overstride_pct_leg"]
    assert len(rows) == len(r["metrics"]["overstride_pct_leg"]["per_contact"])
    assert all(x["side"] in ("left", "right") and float(x["t_s"]) > 0 for x in rows)


def test_contact_values_pick_the_stride_at_that_contact() -> None:
    r = sample_report()
    t = contact_times("right")[2]
    values = contact_values(r, "right", t)
    row = next(p for p in r["metrics"]["overstride_pct_leg"]["per_stride"]
               if p["side"] == "right" and p["t_s"] == t)
    assert values["overstride_pct_leg"] == row["value"]
    assert contact_values(r, "right", t + 1.0) == {}


# --- cache -----------------------------------------------------------------------------------


def test_data_dir_follows_the_environment(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GAITCAM_DATA_DIR", str(tmp_path / "d"))
    assert data_dir() == tmp_path / "d"
    monkeypatch.delenv("GAITCAM_DATA_DIR")
    assert data_dir() == Path.home() / ".local/share/gaitcam"


def test_key_id_depends_on_every_setting() -> None:
    sha = "ab" * 32
    ids = {AnalysisKey(sha, "full").id, AnalysisKey(sha, "lite").id,
           AnalysisKey(sha, "full", "side").id, AnalysisKey(sha, "full", "auto", 175.0).id,
           AnalysisKey("cd" * 32, "full").id}
    assert len(ids) == 5
    assert AnalysisKey(sha, "full", "auto", 175.0).id == f"{sha[:16]}-full-auto-175"


def test_save_upload_keeps_the_name_inside_the_data_folder(tmp_path: Path) -> None:
    data = b"not really a video"
    p = save_upload(data, "../../etc/My Run (1).mp4", root=tmp_path)
    assert p.read_bytes() == data
    assert p.is_relative_to(tmp_path / "uploads")
    assert p.name == "My Run _1_.mp4"
    assert save_upload(data, "../../etc/My Run (1).mp4", root=tmp_path) == p
    assert safe_file_name("///") == "clip"
    assert sha256_file(p) == sha256_of(data)


class _Counting:
    """Stands in for analyze_video (the dependency, not the thing under test): writes the
    sample result into the folder it is given and counts its calls."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls = 0
        self.error = error

    def __call__(self, video, out_dir, **settings) -> AnalysisResult:
        self.calls += 1
        self.settings = settings
        if self.error is not None:
            raise self.error
        return sample_result(Path(out_dir))


def test_analyze_cached_runs_once_per_key_and_reloads_from_disk(tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    key = AnalysisKey("12" * 32, "lite", "side", 170.0)
    fake = _Counting()
    first, cached = analyze_cached(video, key, root=tmp_path, analyze=fake)
    assert not cached and fake.calls == 1
    assert fake.settings == {"model": "lite", "view": "side", "runner_height_cm": 170.0,
                             "overlay": True, "progress": None}
    assert {"overlay": False}.items() <= _settings_of(video, tmp_path).items()
    again, cached = analyze_cached(video, key, root=tmp_path, analyze=fake)
    assert cached and fake.calls == 1
    assert again.report == json.loads(json.dumps(first.report))
    assert np.allclose(again.seq.xy, first.seq.xy, equal_nan=True)
    assert set(again.files) >= {"report", "pose", "strides", "plan", "overlay"}
    assert video_of(again) == video
    other = AnalysisKey("12" * 32, "full", "side", 170.0)
    analyze_cached(video, other, root=tmp_path, analyze=fake)
    assert fake.calls == 2


def test_two_sessions_uploading_the_same_clip_analyse_it_once(tmp_path: Path) -> None:
    import threading
    import time

    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    key = AnalysisKey("77" * 32, "full")

    class Slow(_Counting):
        def __call__(self, *a, **kw):
            time.sleep(0.3)
            return super().__call__(*a, **kw)

    fake = Slow()
    got = []
    threads = [threading.Thread(target=lambda: got.append(
        analyze_cached(video, key, root=tmp_path, analyze=fake)[1])) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert fake.calls == 1 and sorted(got) == [False, True]


def _settings_of(video: Path, root: Path) -> dict:
    fake = _Counting()
    analyze_cached(video, AnalysisKey("99" * 32, "full"), root=root, analyze=fake, overlay=False)
    return fake.settings


def test_a_rejected_clip_is_remembered_with_its_message(tmp_path: Path) -> None:
    video = tmp_path / "v.mp4"
    video.write_bytes(b"x")
    key = AnalysisKey("34" * 32, "full")
    fake = _Counting(NoGaitError("No running found.", hint="Film 10 s of running."))
    with pytest.raises(NoGaitError):
        analyze_cached(video, key, root=tmp_path, analyze=fake)
    with pytest.raises(NoGaitError) as info:
        analyze_cached(video, key, root=tmp_path, analyze=fake)
    assert fake.calls == 1
    assert info.value.message == "No running found." and info.value.hint == "Film 10 s of running."


def test_an_interrupted_run_is_not_taken_for_a_result(tmp_path: Path) -> None:
    key = AnalysisKey("56" * 32, "full")
    out = tmp_path / "results" / key.id
    out.mkdir(parents=True)
    (out / "report.json").write_text("{}")
    assert load_result(key, root=tmp_path) is None


def test_analyze_cached_with_the_real_pipeline_rejects_a_text_file(tmp_path: Path) -> None:
    fake_video = tmp_path / "notes.mp4"
    fake_video.write_text("this is not a video")
    key = AnalysisKey(sha256_file(fake_video), "full")
    with pytest.raises(VideoError):
        analyze_cached(fake_video, key, root=tmp_path)
    assert (tmp_path / "results" / key.id / "error.json").is_file()


# --- overlay job -----------------------------------------------------------------------------


def test_overlay_job_draws_the_annotated_video_once_in_the_background(tmp_path: Path) -> None:
    import threading

    from gaitcam.ui import overlay_job

    result = sample_result(tmp_path / "res")
    clip = tmp_path / "clip.mp4"
    result.files.pop("overlay").rename(clip)
    assert overlay_job.status(result) is None
    job = overlay_job.start(clip, result)
    assert overlay_job.start(clip, result) is job  # one job per result
    for t in threading.enumerate():
        if t.name.startswith("gaitcam-overlay-"):
            t.join(timeout=60)
    assert job.state == "ready", job.error
    out = overlay_job.overlay_path(result)
    frames = list(iter_frames(out))
    assert len(frames) == result.seq.n_frames
    assert result.files["overlay"] == out
    assert not list(out.parent.glob(".overlay*"))  # no temporary file left behind


def test_overlay_job_reports_a_failure_instead_of_raising(tmp_path: Path) -> None:
    import threading

    from gaitcam.ui import overlay_job

    result = sample_result(tmp_path / "res")
    result.files.pop("overlay").unlink()
    missing = tmp_path / "gone.mp4"
    job = overlay_job.start(missing, result)
    for t in threading.enumerate():
        if t.name.startswith("gaitcam-overlay-"):
            t.join(timeout=60)
    assert job.state == "failed" and job.error
    assert not overlay_job.overlay_path(result).exists()
