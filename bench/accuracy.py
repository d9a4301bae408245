"""Accuracy of the whole pipeline on rendered clips with exact ground truth.

Renders a grid of synthetic runners with gaitcam.studio (views side facing left and right,
rear and front; several runners; 30 and 60 fps; backgrounds, looks and sensor noise varied by
seed) into a temporary folder, runs video -> gaitcam.pose.extract_pose -> gaitcam.analysis.
analyze_sequence on each with each pose model, and compares the report with the truth:

- per metric and view: mean absolute error, 90th percentile, mean signed error (bias), n;
- per view: fraction of frames with the runner, view detected right, left/right label swaps;
- cadence error, foot-strike pattern right over all contacts, overstride direction right;
- initial-contact timing error; in rear/front views the slope of MediaPipe's hip line against
  the drawn pelvis (does the pose model follow a pelvic drop at all?).

Rear/front clips: the waistband line is measured from the clip's video
(gaitcam.pelvis_line, every frame) and passed to the analysis, as `gaitcam analyze` does;
the pelvic-drop target line says which method gave the value. The lines are cached as
NN_....<model>.pelvis.npz in --cache-dir (or, when rendering fresh, next to the poses);
with --reuse and no --cache-dir they are measured again (a few seconds a clip) and not
written, so a shared read-only grid folder stays untouched.

The analysis runs twice per clip: with view "auto" (as a user runs it) and with the true view
given (to separate view detection from measurement).

Two more clips close the full grid (after the 28 above, so their names and numbers stay):
a 9 deg pelvic drop in a rear and a front view with the shirt worn untucked over the
waistband (hem at the waistband's lower edge, and a longer one). Pelvic drop should be
declined there (not measurable), not read from the hem; they get their own short table and
are left out of the others.

    python bench/accuracy.py --quick            # 4 clips, 30 fps, full model (a few minutes)
    python bench/accuracy.py                    # the grid, lite and full (about half an hour)
    python bench/accuracy.py --heavy --json out/accuracy.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("GLOG_minloglevel", "2")

import numpy as np  # noqa: E402

from gaitcam.errors import GaitcamError  # noqa: E402
from gaitcam.landmarks import INDEX  # noqa: E402
from gaitcam.studio import (  # noqa: E402
    BACKGROUNDS,
    PRESETS,
    ClipSpec,
    clip_paths,
    load_truth,
    write_clip,
)
from gaitcam.synthetic import RunnerParams  # noqa: E402

VIEW_KEYS = ("side-left", "side-right", "rear", "front")
SIDE_RUNNERS = ("good_form", "overstride", "forward_lean", "forefoot")
FRONTAL_RUNNERS = ("good_form", "pelvic_drop", "pelvic_drop_left")
NUMERIC = (
    "cadence_spm", "trunk_lean_deg", "overstride_pct_leg", "shank_angle_ic_deg",
    "foot_strike_angle_deg", "knee_flexion_ic_deg", "vertical_oscillation_pct_leg",
    "vertical_oscillation_cm", "hip_extension_deg", "contact_time_ms", "duty_factor_pct",
    "pelvic_drop_deg", "lateral_trunk_lean_deg", "trunk_sway_range_deg", "step_width_pct_leg",
    "knee_valgus_deg",
)
SIDE_ONLY = NUMERIC[1:11]
FRONTAL_ONLY = NUMERIC[11:]
TARGETS = "cadence within 1 spm; trunk lean within 3 deg; pelvic drop within 2 deg (rear)"
#: (view, shirt hem below the top of the waistband in m) of the untucked-shirt clips: 0.04 m
#: just covers the band (its lower edge), 0.15 m hangs to the hip joints.
HEM_CLIPS = (("rear", 0.04), ("front", 0.15))


def runner(name: str) -> RunnerParams:
    if name == "pelvic_drop_left":  # one-sided weakness: drop during left stance only
        return RunnerParams(pelvic_drop_deg=2.0, left={"pelvic_drop_deg": 10.0})
    return RunnerParams(**PRESETS[name])


@dataclass
class Clip:
    name: str
    view_key: str
    runner: str
    spec: ClipSpec

    @property
    def shirt_hem_m(self) -> float:
        return self.spec.shirt_hem_m or 0.0


@dataclass
class Result:
    clip: str
    view_key: str
    runner: str
    fps: float
    model: str
    detected: float = float("nan")
    view_auto: str | None = None
    error: str | None = None
    metrics: dict = field(default_factory=dict)  # mode -> key -> (measured, truth)
    patterns: dict = field(default_factory=dict)  # mode -> (right, total)
    overstride_signs: dict = field(default_factory=dict)  # mode -> (right, total)
    ic_errors_ms: list = field(default_factory=list)
    ic_missed: int = 0
    ic_total: int = 0
    swaps: dict = field(default_factory=dict)
    hip_slope: float | None = None
    pelvis_method: dict = field(default_factory=dict)  # mode -> method or None
    pelvic_drop_reason: dict = field(default_factory=dict)  # mode -> why not measurable
    shirt_hem_m: float = 0.0  # > 0: shirt untucked over the waistband
    timings: dict = field(default_factory=dict)


def grid(quick: bool) -> list[Clip]:
    clips: list[Clip] = []
    fps_list = (30.0,) if quick else (30.0, 60.0)
    plan = []
    for view_key in VIEW_KEYS:
        names = SIDE_RUNNERS if view_key.startswith("side") else FRONTAL_RUNNERS
        if quick:
            names = ("overstride",) if view_key.startswith("side") else ("pelvic_drop",)
        plan += [(view_key, n, fps) for n in names for fps in fps_list]
    for k, (view_key, name, fps) in enumerate(plan):
        view, _, facing = view_key.partition("-")
        spec = ClipSpec(
            runner(name), view=view, facing=facing or "left", fps=fps,
            duration_s=8.0, size=(720, 1280), background=BACKGROUNDS[k % len(BACKGROUNDS)],
            noise=2.0 if k % 2 else 0.0, seed=100 + k,
        )
        clips.append(Clip(f"{k:02d}_{view_key}_{name}_{int(fps)}", view_key, name, spec))
    if not quick:
        for view, hem in HEM_CLIPS:
            k = len(clips)
            spec = ClipSpec(
                runner("pelvic_drop"), view=view, fps=30.0, duration_s=8.0, size=(720, 1280),
                background=BACKGROUNDS[k % len(BACKGROUNDS)], noise=2.0 if k % 2 else 0.0,
                seed=100 + k, shirt_hem_m=hem,
            )
            clips.append(Clip(f"{k:02d}_{view}_pelvic_drop_hem_30", view, "pelvic_drop", spec))
    return clips


def _hip_angle(xy: np.ndarray) -> np.ndarray:
    v = xy[:, INDEX["right_hip"]] - xy[:, INDEX["left_hip"]]
    a = np.degrees(np.arctan2(v[:, 1], v[:, 0]))
    return np.where(a > 90, a - 180, np.where(a < -90, a + 180, a))


def _swap_rate(xy: np.ndarray, truth: np.ndarray, part: str) -> float:
    left, right = INDEX[f"left_{part}"], INDEX[f"right_{part}"]
    ok = (np.linalg.norm(xy[:, left] - truth[:, left], axis=-1)
          + np.linalg.norm(xy[:, right] - truth[:, right], axis=-1))
    sw = (np.linalg.norm(xy[:, left] - truth[:, right], axis=-1)
          + np.linalg.norm(xy[:, right] - truth[:, left], axis=-1))
    have = np.isfinite(ok) & np.isfinite(sw)
    return float(np.mean(sw[have] < ok[have])) if have.any() else float("nan")


def _compare(report: dict, truth: dict, res: Result, mode: str) -> None:
    tm = truth["metrics"]
    got = {}
    for key in NUMERIC:
        m = report["metrics"].get(key, {})
        measured = m.get("value") if m.get("measurable") else None
        got[key] = (measured, tm[key]["value"])
    res.metrics[mode] = got
    fsp = report["metrics"].get("foot_strike_pattern", {})
    per = [p for p in (fsp.get("per_stride") or []) if p]
    want = tm["foot_strike_pattern"]["value"]
    res.patterns[mode] = (sum(p == want for p in per), len(per))
    os_entry = report["metrics"].get("overstride_pct_leg", {})
    vals = [v for v in (os_entry.get("per_stride") or []) if v is not None]
    sign = np.sign(tm["overstride_pct_leg"]["value"])
    res.overstride_signs[mode] = (sum(np.sign(v) == sign for v in vals), len(vals))


def _events(report: dict, truth: dict, res: Result) -> None:
    for side in ("left", "right"):
        true_ic = np.asarray(truth["events"][side]["initial_contact_s"])
        got = np.asarray(report.get("events", {}).get(side, {}).get("initial_contact_s", []))
        # Contacts inside the analysed span only (the first and last strides may be cut).
        if len(got) == 0:
            res.ic_missed += len(true_ic)
            res.ic_total += len(true_ic)
            continue
        inner = true_ic[(true_ic > got.min() - 0.2) & (true_ic < got.max() + 0.2)]
        for t in inner:
            d = got[np.argmin(np.abs(got - t))] - t  # signed: + = detected late
            res.ic_total += 1
            if abs(d) < 0.12:
                res.ic_errors_ms.append(1000.0 * d)
            else:
                res.ic_missed += 1


def _pelvis_line(video: Path, seq, clip: Clip, model: str, folder: Path, reuse: bool,
                 cache_dir: Path | None):
    """The clip's waistband line (gaitcam.pelvis_line), from the cache when there is one."""
    from gaitcam.pelvis_line import PelvisLine, measure_pelvis_line

    name = f"{clip.name}.{model}.pelvis.npz"
    for where in (cache_dir, folder):
        if where is not None and (where / name).exists() and (where is cache_dir or reuse):
            return PelvisLine.load(where / name)
    line = measure_pelvis_line(video, seq)
    target = cache_dir if cache_dir is not None else (None if reuse else folder)
    if target is not None:
        target.mkdir(parents=True, exist_ok=True)
        line.save(target / name)
    return line


def run_clip(clip: Clip, models: list[str], folder: Path, reuse: bool = False,
             cache_dir: Path | None = None) -> list[Result]:
    """Render (or reuse), extract poses (or reuse the cached .pose.npz) and analyse one clip."""
    from gaitcam.analysis import analyze_sequence
    from gaitcam.pose import extract_pose
    from gaitcam.pose_sequence import PoseSequence

    t0 = time.perf_counter()
    video, truth_path, _ = clip_paths(folder / clip.name)
    if not (reuse and video.exists() and truth_path.exists()):
        write_clip(clip.spec, folder / clip.name)
    render_s = time.perf_counter() - t0
    truth = load_truth(truth_path)
    xy_true = truth["joints"]["xy_px"]
    height_cm = 100.0 * truth["body"]["height"]
    true_view = clip.spec.view
    out = []
    for model in models:
        res = Result(clip.name, clip.view_key, clip.runner, clip.spec.fps, model,
                     shirt_hem_m=clip.shirt_hem_m)
        res.timings["render_s"] = round(render_s, 1)
        t1 = time.perf_counter()
        pose_path = folder / f"{clip.name}.{model}.pose.npz"
        try:
            if reuse and pose_path.exists():
                seq = PoseSequence.load(pose_path)
            else:
                seq = extract_pose(video, model=model)
                seq.save(pose_path)
        except GaitcamError as exc:
            res.error = f"pose: {exc.message}"
            out.append(res)
            continue
        res.timings["pose_s"] = round(time.perf_counter() - t1, 1)
        res.detected = float(seq.detected_fraction)
        res.swaps = {p: _swap_rate(seq.xy, xy_true, p)
                     for p in ("shoulder", "hip", "knee", "ankle")}
        pelvis = None
        if true_view != "side":
            ha, ht = _hip_angle(seq.xy), _hip_angle(xy_true)
            ok = np.isfinite(ha)
            if ok.sum() > 10 and np.ptp(ht[ok]) > 2.0:
                res.hip_slope = float(np.polyfit(ht[ok], ha[ok], 1)[0])
            t2 = time.perf_counter()
            pelvis = _pelvis_line(video, seq, clip, model, folder, reuse, cache_dir)
            res.timings["pelvis_line_s"] = round(time.perf_counter() - t2, 1)
        for mode, view in (("auto", "auto"), ("given", true_view)):
            try:
                report = analyze_sequence(seq, view=view, runner_height_cm=height_cm,
                                          pelvis_line=pelvis)
            except GaitcamError as exc:
                res.error = f"analysis ({mode}): {exc.message}"
                continue
            res.pelvis_method[mode] = report["quality"].get("pelvic_drop_method")
            res.pelvic_drop_reason[mode] = report["metrics"].get("pelvic_drop_deg", {}).get(
                "reason")
            if mode == "auto":
                res.view_auto = report["view"]["view"]
            else:
                _events(report, truth, res)
            _compare(report, truth, res, mode)
        out.append(res)
    return out


# --- tables ---------------------------------------------------------------------------------


def _fmt(x: float | None, nd: int = 1) -> str:
    return "-" if x is None or not np.isfinite(x) else f"{x:.{nd}f}"


def _metric_rows(results: list[Result], mode: str) -> list[str]:
    rows = ["| metric | " + " | ".join(VIEW_KEYS) + " |",
            "|---|" + "---|" * len(VIEW_KEYS)]
    for key in NUMERIC:
        if key in SIDE_ONLY:
            views = VIEW_KEYS[:2]
        elif key in FRONTAL_ONLY:
            views = VIEW_KEYS[2:]
        else:
            views = VIEW_KEYS
        cells = []
        for vk in VIEW_KEYS:
            if vk not in views:
                cells.append("")
                continue
            pairs = [r.metrics.get(mode, {}).get(key) for r in results if r.view_key == vk]
            pairs = [p for p in pairs if p is not None]
            err = np.array([m - t for m, t in pairs if m is not None])
            missing = sum(m is None for m, _ in pairs)
            if len(err) == 0:
                cells.append(f"n/m ({missing})" if pairs else "")
                continue
            cell = (f"{_fmt(np.mean(np.abs(err)))} / {_fmt(np.percentile(np.abs(err), 90))}"
                    f" / {_fmt(np.mean(err), 1)} (n={len(err)})")
            if missing:
                cell += f", n/m {missing}"
            cells.append(cell)
        rows.append(f"| {key} | " + " | ".join(cells) + " |")
    return rows


def _ratio(pairs: list[tuple[int, int]]) -> str:
    right = sum(a for a, _ in pairs)
    total = sum(b for _, b in pairs)
    # Two decimals and the counts: a rounded "90%" must not hide 89.97% against a 90% target.
    return f"{100.0 * right / total:.2f}% ({right} of {total})" if total else "-"


def _hem_cell(r: Result, mode: str) -> tuple[str, float | None]:
    """A hem clip's pelvic drop: "declined (why)" or the value and its error; and the error."""
    if mode not in r.metrics:
        return "-", None
    measured, truth = r.metrics[mode]["pelvic_drop_deg"]
    if measured is None:
        why = (r.pelvic_drop_reason.get(mode) or "").replace("|", "/")
        return f"declined ({why[:110]}{'...' if len(why) > 110 else ''})", None
    return f"{measured:.1f} (truth {truth:.1f}, error {measured - truth:+.1f})", measured - truth


def hem_table(results: list[Result], models: list[str]) -> list[str]:
    """Pelvic drop on the clips with the shirt over the waistband: declined k/n, else error."""
    lines = ["\n### Shirt over the waistband (rear/front, pelvic drop)\n",
             "The shirt hangs untucked over the waistband (hem below the band's top): pelvic "
             "drop should be declined (not measurable), not read from the hem.\n",
             "| model | clip | hem | runner found | view (auto) | pelvic drop, view detected | "
             "pelvic drop, true view given |", "|---|---|---|---|---|---|---|"]
    summary = []
    for model in models:
        rs = [r for r in results if r.model == model]
        declined, errors, total = 0, [], 0
        for r in rs:
            cells = {}
            for mode in ("auto", "given"):
                cells[mode], err = _hem_cell(r, mode)
                if mode in r.metrics:
                    total += 1
                    declined += err is None
                    errors += [] if err is None else [err]
            lines.append(f"| {model} | {r.clip} | {100 * r.shirt_hem_m:.0f} cm | "
                         f"{_fmt(100 * r.detected)}% | {r.view_auto} | {cells['auto']} | "
                         f"{cells['given']} |")
        if rs:
            worst = max(errors, key=abs) if errors else None
            summary.append(f"- shirt over the waistband, model {model}: declined {declined}/"
                           f"{total} (clips x view detected/given)" + (
                               f", else error up to {worst:+.1f} deg" if errors else ""))
    return lines + [""] + summary


def tables(results: list[Result], models: list[str]) -> str:
    everything = results
    hem = [r for r in results if r.shirt_hem_m > 0]
    results = [r for r in results if r.shirt_hem_m <= 0]
    lines = []
    lines.append("### Detection, view and left/right labels\n")
    lines.append("L/R swapped: frames where MediaPipe's labels fit the truth better exchanged "
                 "(raw, before gaitcam's identity fix). In side views the two hips (and "
                 "shoulders) nearly coincide in the image, so their figure there means little; "
                 "knees and ankles matter. IC timing (true view given): signed + = late; "
                 "a contact more than 120 ms from any detected one counts as missed.\n")
    lines.append("| model | view | clips | runner found (mean / min) | view right (auto) | "
                 "L/R swapped: shoulders / hips / knees / ankles | "
                 "IC timing error (ms, mean abs / p90 / mean signed) | ICs missed | failures |")
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for model in models:
        for vk in VIEW_KEYS:
            rs = [r for r in results if r.model == model and r.view_key == vk]
            if not rs:
                continue
            det = np.array([r.detected for r in rs])
            view_ok = sum(r.view_auto == vk.split("-")[0] for r in rs)
            sw = {p: np.nanmean([r.swaps.get(p, np.nan) for r in rs]) * 100
                  for p in ("shoulder", "hip", "knee", "ankle")}
            ic = np.concatenate([r.ic_errors_ms for r in rs]) if any(
                r.ic_errors_ms for r in rs) else np.array([])
            missed = sum(r.ic_missed for r in rs)
            total = sum(r.ic_total for r in rs)
            fails = sum(r.error is not None for r in rs)
            lines.append(
                f"| {model} | {vk} | {len(rs)} | {_fmt(100 * np.nanmean(det))}% / "
                f"{_fmt(100 * np.nanmin(det))}% | {view_ok}/{len(rs)} | "
                f"{_fmt(sw['shoulder'], 0)}% / {_fmt(sw['hip'], 0)}% / {_fmt(sw['knee'], 0)}% / "
                f"{_fmt(sw['ankle'], 0)}%"
                f" | {_fmt(np.mean(np.abs(ic))) if len(ic) else '-'} / "
                f"{_fmt(np.percentile(np.abs(ic), 90)) if len(ic) else '-'} / "
                f"{_fmt(np.mean(ic)) if len(ic) else '-'} | {missed}/{total} | "
                f"{fails} |"
            )
    for model in models:
        rs = [r for r in results if r.model == model]
        for mode, title in (("auto", "view detected"), ("given", "true view given")):
            lines.append(f"\n### Metric error, model {model}, {title}\n")
            lines.append("Each cell: mean absolute error / 90th percentile / mean signed error "
                         "(n clips); n/m = not measurable. Units of the metric.\n")
            lines += _metric_rows(rs, mode)
        lines.append(f"\n### Targets, model {model}, view detected\n")
        lines.append("| check | result |")
        lines.append("|---|---|")
        cad = [r.metrics.get("auto", {}).get("cadence_spm") for r in rs]
        cad = [abs(m - t) for m, t in (c for c in cad if c) if m is not None]
        lines.append(f"| cadence within 1 spm | {sum(e <= 1.0 for e in cad)}/{len(cad)} clips, "
                     f"max error {_fmt(max(cad) if cad else None)} spm |")
        side = [r for r in rs if r.view_key.startswith("side")]
        tl = [r.metrics.get("auto", {}).get("trunk_lean_deg") for r in side]
        tl = [abs(m - t) for m, t in (c for c in tl if c) if m is not None]
        lines.append(f"| trunk lean within 3 deg (side) | {sum(e <= 3.0 for e in tl)}/{len(tl)}"
                     f" clips, max error {_fmt(max(tl) if tl else None)} deg |")
        for mode in ("auto", "given"):
            rear = [r for r in rs if r.view_key == "rear"]
            pdp = [r.metrics.get(mode, {}).get("pelvic_drop_deg") for r in rear]
            pd = [abs(m - t) for m, t in (c for c in pdp if c) if m is not None]
            methods: dict[str, int] = {}
            for r in rear:
                if mode in r.pelvis_method:
                    m = r.pelvis_method[mode] or "not measurable"
                    methods[m] = methods.get(m, 0) + 1
            how = ", ".join(f"{k} {v}" for k, v in sorted(methods.items())) or "-"
            lines.append(f"| pelvic drop within 2 deg (rear, view {mode}) | "
                         f"{sum(e <= 2.0 for e in pd)}/{len(pd)} clips, max error "
                         f"{_fmt(max(pd) if pd else None)} deg; method: {how} |")
        pats = [r.patterns.get("auto", (0, 0)) for r in side]
        right, total = sum(a for a, _ in pats), sum(b for _, b in pats)
        verdict = "" if not total else (" (target 90%: met)" if right >= 0.9 * total else
                                        f" (target 90%: missed; {int(np.ceil(0.9 * total)) - right}"
                                        " more contact(s) right needed)")
        lines.append(f"| foot-strike pattern right (side, contacts) | {_ratio(pats)}{verdict} |")
        lines.append("| overstride direction right (side, contacts) | "
                     f"{_ratio([r.overstride_signs.get('auto', (0, 0)) for r in side])} |")
        slopes = [r.hip_slope for r in rs if r.hip_slope is not None]
        if slopes:
            lines.append(f"| MediaPipe hip line vs drawn pelvis (rear/front), slope | mean "
                         f"{_fmt(np.mean(slopes), 2)} (min {_fmt(min(slopes), 2)}, max "
                         f"{_fmt(max(slopes), 2)}; 1 = follows) over {len(slopes)} clips |")
    if hem:
        lines += hem_table(hem, models)
    failures = [r for r in everything if r.error]
    if failures:
        lines.append("\n### Analysis failures\n")
        for r in failures:
            lines.append(f"- {r.clip} ({r.model}): {r.error}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true", help="4 clips, 30 fps, full model only")
    p.add_argument("--heavy", action="store_true", help="also the heavy model (slow)")
    p.add_argument("--models", default=None, help="comma list (default lite,full)")
    p.add_argument("--json", type=Path, default=None, help="write every result here")
    p.add_argument("--keep", type=Path, default=None,
                   help="render into this folder and keep the clips and poses")
    p.add_argument("--reuse", action="store_true",
                   help="with --keep: reuse clips and poses already there (re-run the analysis)")
    p.add_argument("--limit", type=int, default=None, help="only the first N clips")
    p.add_argument("--cache-dir", type=Path, default=None,
                   help="read/write the rear/front clips' waistband lines (.pelvis.npz) here")
    args = p.parse_args(argv)
    models = args.models.split(",") if args.models else (["full"] if args.quick
                                                          else ["lite", "full"])
    if args.heavy and "heavy" not in models:
        models.append("heavy")
    clips = grid(args.quick)[: args.limit]
    started = time.perf_counter()
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="gaitcam-accuracy-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for k, clip in enumerate(clips):
            rs = run_clip(clip, models, folder, reuse=args.reuse and args.keep is not None,
                          cache_dir=args.cache_dir)
            results += rs
            for r in rs:
                cad = r.metrics.get("auto", {}).get("cadence_spm", (None, None))
                print(f"[{k + 1}/{len(clips)}] {clip.name} {r.model}: found {r.detected:.1%}, "
                      f"view {r.view_auto}, cadence {cad[0]} (truth {cad[1]})"
                      + (f", ERROR {r.error}" if r.error else ""), file=sys.stderr, flush=True)
    print(f"## Accuracy on rendered clips ({len(clips)} clips x {len(models)} models, "
          f"{time.perf_counter() - started:.0f} s)\n")
    print(tables(results, models))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([r.__dict__ for r in results], indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
