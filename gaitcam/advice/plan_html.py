"""The plan as one printable, self-contained HTML page (inline CSS and SVG, no external files)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from gaitcam.advice.exercises import exercise_svg
from gaitcam.advice.plan import build_plan
from gaitcam.advice.red_flags import DISCLAIMER

CSS = """
@page { size: A4; margin: 14mm 13mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #1d2b38;
       line-height: 1.45; margin: 0 auto; max-width: 860px; padding: 24px; font-size: 15px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 26px 0 10px; border-bottom: 2px solid #1d3f63;
     padding-bottom: 4px; }
h3 { font-size: 17px; margin: 0 0 6px; }
.meta { color: #56636f; margin: 0 0 14px; }
.disclaimer { background: #fff8e5; border: 1px solid #e5c66b; border-radius: 6px;
              padding: 10px 14px; font-size: 14px; }
.redflags { background: #fdeeee; border: 1px solid #d98b8b; border-radius: 6px;
            padding: 10px 14px; }
.redflags li.urgent { font-weight: bold; }
.summary { font-size: 16px; }
.focus { border: 1px solid #cfd8e3; border-left: 6px solid #1d3f63; border-radius: 6px;
         padding: 10px 14px; margin: 10px 0; break-inside: avoid; }
.focus.flag { border-left-color: #c0392b; }
.focus.watch { border-left-color: #d9a21f; }
.badge { display: inline-block; font-size: 12px; font-weight: bold; text-transform: uppercase;
         border-radius: 10px; padding: 1px 8px; color: #fff; background: #d9a21f;
         vertical-align: middle; }
.badge.flag { background: #c0392b; }
.muted { color: #56636f; }
.cues li { font-size: 17px; font-weight: bold; margin: 4px 0; }
table.week { border-collapse: collapse; width: 100%; font-size: 13px; break-inside: avoid; }
table.week th, table.week td { border: 1px solid #cfd8e3; padding: 6px; vertical-align: top;
                               text-align: left; }
table.week th { background: #eef1f4; width: 64px; }
.session { margin-bottom: 4px; }
.exercise { border: 1px solid #cfd8e3; border-radius: 6px; padding: 12px 14px;
            margin: 12px 0; break-inside: avoid; page-break-inside: avoid; }
.figure svg { width: 100%; max-width: 460px; height: auto; display: block; margin: 4px auto; }
.cols { display: flex; gap: 18px; }
.cols > div { flex: 1; }
.dose { background: #eef4fa; border-radius: 4px; padding: 4px 8px; display: inline-block; }
ol, ul { margin: 4px 0 4px 20px; padding: 0; }
.page-break { break-before: page; page-break-before: always; }
footer { margin-top: 24px; break-inside: avoid; page-break-inside: avoid; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
@media print {
  body { padding: 0; max-width: none; font-size: 12.5px; }
  h2 { margin-top: 14px; }
  .cues li { font-size: 14px; }
  .figure svg { max-width: 300px; margin: 0 auto; }
  .exercise { padding: 6px 10px; margin: 6px 0; font-size: 11px; line-height: 1.3; }
  .exercise p { margin: 3px 0; }
  .exercise h3 { font-size: 14px; margin-bottom: 2px; }
  .no-print { display: none; }
  a { color: inherit; text-decoration: none; }
}
"""


def _e(text: Any) -> str:
    return escape(str(text))


def _list(items: Sequence[str], ordered: bool = False, cls: str = "") -> str:
    tag = "ol" if ordered else "ul"
    attr = f' class="{cls}"' if cls else ""
    return f"<{tag}{attr}>" + "".join(f"<li>{_e(i)}</li>" for i in items) + f"</{tag}>"


def _exercise_card(ex: Mapping[str, Any]) -> str:
    d = ex["dosage"]
    why = f'<p class="muted">For: {_e(", ".join(ex["for"]))}</p>' if ex.get("for") else ""
    return (
        f'<section class="exercise" id="ex-{_e(ex["id"])}">'
        f'<h3>{_e(ex["name"])} <span class="muted">({_e(ex["category"])})</span></h3>'
        f'<p>{_e(ex["summary"])}</p>{why}'
        f'<div class="figure">{exercise_svg(ex["id"])}</div>'
        f'<p class="dose"><b>Dose:</b> {_e(d["text"])}</p>'
        f'<div class="cols"><div><b>How to</b>{_list(ex["steps"], ordered=True)}</div>'
        f'<div><b>Easier:</b> {_e(ex["easier"])}<br><b>Harder:</b> {_e(ex["harder"])}'
        f'<br><b>Take care</b>{_list(ex["cautions"])}'
        f'<p class="muted">Works: {_e(", ".join(ex["targets"]))}</p></div></div>'
        "</section>")


def _focus_card(item: Mapping[str, Any], names: Mapping[str, str]) -> str:
    sev = item["severity"]
    causes = "".join(
        f"<li><b>{_e(c['label'])}</b> <span class=\"muted\">({_e(c['kind'].replace('_', ' '))})"
        f"</span>: {_e(c['explanation'])}</li>" for c in item["causes"])
    related = ""
    if item.get("related"):
        related = ("<p class=\"muted\">Also seen, same fix: "
                   + _e(", ".join(r["title"] for r in item["related"])) + "</p>")
    advice = _list(item["advice"]) if item.get("advice") else ""
    return (
        f'<section class="focus {_e(sev)}"><h3>{item["rank"]}. {_e(item["title"])} '
        f'<span class="badge {_e(sev)}">{_e(sev)}</span></h3>'
        + (f"<p>{_e(item['message'])}</p>" if item.get("message") else "")
        + f"<p><b>Why it matters for your back:</b> {_e(item['why_it_matters'])}</p>{related}"
        f"<p><b>Key exercises:</b> "
        + ", ".join(f'<a href="#ex-{_e(e)}">{_e(names.get(e, e))}</a>' for e in item["exercises"])
        + f"</p><p><b>Cues:</b> {_e('; '.join(item['cues']))}</p>{advice}"
        f"<details open><summary><b>Likely causes</b></summary><ul>{causes}</ul></details>"
        "</section>")


def _schedule_table(schedule: Mapping[str, Any], names: Mapping[str, str]) -> str:
    rows = []
    for day in schedule["days"]:
        cells = []
        for s in day["sessions"]:
            ex = ", ".join(names.get(e, e) for e in s["exercises"])
            cells.append(f'<div class="session"><b>{_e(s["title"])}</b> '
                         f'<span class="muted">(~{int(s["minutes"])} min)</span>: {_e(ex)}</div>')
        rows.append(f"<tr><th>{_e(day['day'])}</th><td>{''.join(cells)}</td></tr>")
    return f'<table class="week">{"".join(rows)}</table>' + _list(schedule["notes"])


def _load_block(load: Mapping[str, Any] | None) -> str:
    if not load:
        return ('<p class="muted">Add your weekly distances in gaitcam to check your build-up '
                "and shoe wear.</p>")
    weeks = " &rarr; ".join(f"{w:g}" for w in load["weekly"])
    issues = _list([i["message"] for i in load["issues"]]) if load["issues"] else ""
    return (f'<p><b>Your weeks ({_e(load["unit"])}):</b> {weeks}. '
            f'<b>Status:</b> {_e(load["status"])}.</p><p>{_e(load["summary"])}</p>{issues}'
            f'<p class="muted">{_e(load["rules"])}</p>')


def plan_html(report: Mapping[str, Any]) -> str:
    """A printable HTML page of report["plan"] (built from the report if missing)."""
    plan = report.get("plan") or build_plan(report)
    names = {ex["id"]: ex["name"] for ex in plan["exercises"]}
    source = report.get("source") if isinstance(report.get("source"), Mapping) else {}
    clip = source.get("name") or source.get("path") or source.get("file") or ""
    view = report.get("view") if isinstance(report.get("view"), Mapping) else {}
    meta = " &middot; ".join(_e(x) for x in (
        f"Video: {clip}" if clip else "", f"View: {view.get('view')}" if view.get("view") else "",
        plan.get("generated_by", "")) if x)
    disclaimer = ('<p class="disclaimer"><b>Please note:</b> '
                  f'{_e(plan.get("disclaimer", DISCLAIMER))}</p>')
    rf = plan["red_flags"]
    red_items = "".join(
        f'<li class="{_e(q["urgency"])}">{_e(q["text"])}'
        + (" <em>(urgent)</em>" if q["urgency"] == "urgent" else "") + "</li>"
        for q in rf["questions"])
    red_flags = (f'<div class="redflags"><p><b>{_e(rf["intro"])}</b></p><ul>{red_items}</ul>'
                 f'<p><b>Any yes:</b> {_e(rf["if_any_yes"])}</p>'
                 f'<p><b>A yes in bold (urgent):</b> {_e(rf["if_urgent_yes"])}</p></div>')
    if plan["focus"]:
        focus = "".join(_focus_card(item, names) for item in plan["focus"])
        if plan.get("other_findings"):
            focus += ("<p class=\"muted\">Also noted (after these three): "
                      + _e(", ".join(o["title"] for o in plan["other_findings"])) + ".</p>")
    else:
        focus = ("<p>No finding to work on: keep your strength, warm-up and mobility going "
                 "with the schedule below.</p>")
    notes = _list(plan["notes"]) if plan.get("notes") else ""
    cues = _list([c["text"] for c in plan["cues"]], cls="cues")
    advice = "".join(f"<li><b>{_e(a['title'])}:</b> {_e(a['text'])}</li>"
                     for a in plan["training"]["advice"])
    fu = plan["flare_up"]
    links = ", ".join(f'<a href="#ex-{_e(e)}">{_e(names.get(e, e))}</a>' for e in fu["exercises"])
    flare = ("<ol>" + "".join(f"<li><b>{_e(s['title'])}:</b> {_e(s['text'])}</li>"
                              for s in fu["steps"]) + "</ol>"
             + f"<p>Gentle exercises: {links} (illustrated above).</p>")
    cards = "".join(_exercise_card(ex) for ex in plan["exercises"])
    title = "Your gaitcam running plan" if plan["kind"] == "corrective" else \
        "Your gaitcam maintenance plan"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{CSS}</style></head>
<body>
<h1>{_e(title)}</h1><p class="meta">{meta}</p>
{disclaimer}
<p class="summary">{_e(plan["summary"])}</p>{notes}
<h2>Red flags: check these first</h2>{red_flags}
<h2>What to work on</h2>{focus}
<h2>Cues to use while running</h2>{cues}
<h2>Your week</h2>{_schedule_table(plan["schedule"], names)}
<h2 class="page-break">Exercises</h2>{cards}
<h2 class="page-break">Training advice</h2><ul>{advice}</ul>
<h3>Your training load</h3>{_load_block(plan["training"].get("load_check"))}
<h2>If your back flares up</h2>{flare}
<footer>{disclaimer}</footer>
</body></html>
"""
