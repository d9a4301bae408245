"""build_plan on report dicts of the contract's shape, and the printable HTML page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import pytest

from gaitcam.advice import DISCLAIMER, PlanInputError, build_plan, load_exercises, plan_html
from gaitcam.advice.training import TrainingInputError


def finding(fid: str, severity: str = "flag", metric: str = "m", value: float = 1.0) -> dict:
    return {"id": fid, "metric": metric, "severity": severity, "value": value,
            "message": f"{fid} message"}


def report(*findings: dict, view: str = "side") -> dict:
    return {"schema_version": "1.0", "source": {"name": "clip.mp4"},
            "view": {"view": view, "facing": "right", "setting": "overground",
                     "confidence": 0.9, "forced": False},
            "metrics": {}, "findings": list(findings)}


OVERSTRIDER = report(
    finding("overstride", "flag", "overstride_pct_leg", 24.0),
    finding("heel_strike", "flag", "foot_strike_angle_deg", 19.0),
    finding("low_cadence", "watch", "cadence_spm", 152.0),
)
PELVIC_DROPPER = report(finding("pelvic_drop", "flag", "pelvic_drop_deg", 9.5), view="rear")


def test_overstrider_plan_leads_with_cadence_and_landing_under_the_hips():
    plan = build_plan(OVERSTRIDER)
    assert plan["kind"] == "corrective"
    lead = plan["focus"][0]
    assert lead["finding"] == "overstride"
    assert lead["exercises"][:2] == ["cadence_drill", "run_tall_form_drill"]
    assert plan["cues"][0]["text"] == "Land with your foot under your hips"
    # heel strike and low cadence share the fix: they join the lead item, not new items.
    assert {r["finding"] for r in lead["related"]} == {"heel_strike", "low_cadence"}
    assert len(plan["focus"]) == 1
    assert "back" in lead["why_it_matters"]
    assert {c["kind"] for c in lead["causes"]} <= {"form", "muscle_imbalance", "external"}
    assert plan["schedule"]["run"]["exercises"][:3] == [
        "dynamic_warm_up", "cadence_drill", "run_tall_form_drill"]


def test_pelvic_drop_plan_gets_glute_medius_and_single_leg_work():
    plan = build_plan(PELVIC_DROPPER)
    lead = plan["focus"][0]
    assert lead["finding"] == "pelvic_drop"
    assert set(lead["exercises"]) & {"side_lying_hip_abduction", "clamshell"}
    assert "single_leg_romanian_deadlift" in lead["exercises"]
    strength = plan["schedule"]["strength"]["exercises"]
    assert {"side_lying_hip_abduction", "single_leg_romanian_deadlift"} <= set(strength)
    assert any("side view" in n for n in plan["notes"])  # rear view: film a side view too


def test_top_three_are_distinct_and_flags_come_first():
    plan = build_plan(report(
        finding("asymmetry", "watch"), finding("forward_trunk_lean", "watch"),
        finding("knee_valgus", "flag"), finding("pelvic_drop", "flag"),
        finding("lateral_trunk_lean", "flag"), finding("limited_hip_extension", "watch")))
    ids = [f["finding"] for f in plan["focus"]]
    assert ids == ["knee_valgus", "pelvic_drop", "asymmetry"]
    assert plan["focus"][1]["related"][0]["finding"] == "lateral_trunk_lean"
    assert [o["finding"] for o in plan["other_findings"]] == [
        "forward_trunk_lean", "limited_hip_extension"]


def test_schedule_is_sensible():
    plan = build_plan(report(finding("forward_trunk_lean"), finding("pelvic_drop"),
                             finding("overstride")))
    sched = plan["schedule"]
    strength_days = [d["day"] for d in sched["days"]
                     if any(s["kind"] == "strength" for s in d["sessions"])]
    assert strength_days == ["Mon", "Wed", "Fri"]  # 3 sessions, never on consecutive days
    assert all(any(s["kind"] == "mobility" for s in d["sessions"]) for d in sched["days"])
    assert 3 <= len(sched["strength"]["exercises"]) <= 4
    assert 10 <= sched["strength"]["minutes"] <= 30 and sched["mobility"]["minutes"] <= 12
    exercises = load_exercises()
    assert all(exercises[e].category == "strength" for e in sched["strength"]["exercises"])
    assert all(exercises[e].category in ("mobility", "flare-up")
               for e in sched["mobility"]["exercises"])
    listed = {e["id"] for e in plan["exercises"]}
    used = {e for d in sched["days"] for s in d["sessions"] for e in s["exercises"]}
    assert used | {"knee_to_chest", "cat_cow", "childs_pose"} <= listed


def test_no_findings_gives_a_maintenance_plan():
    plan = build_plan(report())
    assert plan["kind"] == "maintenance" and plan["focus"] == []
    assert "within the bands" in plan["summary"]
    assert {"glute_bridge", "bird_dog"} <= set(plan["schedule"]["strength"]["exercises"])
    assert "dynamic_warm_up" in plan["schedule"]["run"]["exercises"]
    assert sum(1 for d in plan["schedule"]["days"]
               for s in d["sessions"] if s["kind"] == "strength") == 2


def test_plan_carries_training_flare_up_red_flags_and_disclaimer():
    plan = build_plan(OVERSTRIDER, [20, 22, 27], shoe_km=850)
    load = plan["training"]["load_check"]
    assert load["status"] == "flag" and {i["kind"] for i in load["issues"]} == {"rise", "shoes"}
    assert "training load" in plan["summary"]
    assert len(plan["training"]["advice"]) >= 6
    assert plan["flare_up"]["exercises"] == ["knee_to_chest", "cat_cow", "childs_pose"]
    assert any(q["urgency"] == "urgent" for q in plan["red_flags"]["questions"])
    assert plan["disclaimer"] == DISCLAIMER
    assert json.loads(json.dumps(plan)) == plan  # JSON-serialisable as is


def test_unknown_findings_are_set_aside_and_bad_reports_rejected():
    plan = build_plan(report(finding("moon_walk"), finding("overstride")))
    assert plan["unmapped_findings"] == ["moon_walk"]
    assert plan["focus"][0]["finding"] == "overstride"
    with pytest.raises(PlanInputError):
        build_plan(["not", "a", "report"])
    with pytest.raises(PlanInputError, match="Finding #1"):
        build_plan({"findings": [{"severity": "flag"}]})
    with pytest.raises(PlanInputError, match="severity"):
        build_plan({"findings": [{"id": "overstride", "severity": "bad"}]})
    with pytest.raises(TrainingInputError):
        build_plan(OVERSTRIDER, weekly_km=[10, -3])


def test_plan_from_registry_findings():
    registry = pytest.importorskip("gaitcam.registry")
    metrics = {"overstride_pct_leg": {"value": 28.0, "confidence": 0.9},
               "foot_strike_angle_deg": {"value": 22.0, "confidence": 0.9},
               "cadence_spm": {"value": 168.0, "confidence": 0.9}}
    findings = registry.evaluate(metrics)
    assert findings and findings[0]["id"] == "overstride"
    plan = build_plan({"findings": findings})
    assert plan["focus"][0]["exercises"][:2] == ["cadence_drill", "run_tall_form_drill"]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.srcs += [v or "" for k, v in attrs if k in ("src", "href") and v and
                      not v.startswith("#")]


def test_plan_html_is_self_contained_and_printable():
    rep = dict(OVERSTRIDER)
    rep["plan"] = build_plan(rep, [20, 21, 22])
    page = plan_html(rep)
    parsed = _Collector()
    parsed.feed(page)
    assert parsed.srcs == []  # no external resources: no src=, no off-page href=
    assert "<link" not in page and "<script" not in page and "url(" not in page
    assert "@media print" in page and "page-break" in page
    n_ex = len(rep["plan"]["exercises"])
    assert parsed.tags.count("svg") == n_ex  # an illustration per exercise
    assert page.count(DISCLAIMER.split(".")[0]) == 2  # top and bottom
    for text in ("Land with your foot under your hips", "Red flags", "If your back flares up",
                 "Cadence drill", "bladder or bowel", "480-800 km"):
        assert text in page, text
    # Plan is built on the fly when the report has none.
    assert "Your gaitcam maintenance plan" in plan_html(report())


@pytest.mark.browser
def test_plan_html_prints_to_pdf(tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed")
    rep = dict(PELVIC_DROPPER)
    html = tmp_path / "plan.html"
    html.write_text(plan_html(rep), encoding="utf-8")
    pdf = tmp_path / "plan.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()],
                   check=True, capture_output=True, timeout=120)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page[^s]", data))
    assert 4 <= pages <= 20


def test_walking_clip_gets_no_running_verdict() -> None:
    from gaitcam.advice import build_plan

    plan = build_plan({"findings": [], "metrics": {}, "gait": {"type": "walking"},
                       "view": {"view": "side"}})
    assert "walking" in plan["summary"] and "within the bands" not in plan["summary"]
