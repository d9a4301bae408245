"""The printable "report for the runner": one self-contained HTML page (inline CSS and SVG).

Contents: the two sessions, the comparison table (better / worse coloured), the gait-cycle curves
as inline SVG, the clinician's notes, the exercise plan of the later session (B), the red flags
and the disclaimer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from html import escape
from typing import Any

from gaitcam import registry
from gaitcam.advice import DISCLAIMER, build_plan, exercise_svg

from .comparison import Comparison
from .curves import CycleCurve
from .svg import COLOURS, Line, line_chart_svg

CHANGE_CLASS = {"better": "better", "worse": "worse", "no change": "same",
                "within band": "same", "changed": "same", "n/a": "na"}
CHANGE_TEXT = {"better": "better", "worse": "worse", "no change": "no change",
               "within band": "within good range", "changed": "changed",
               "n/a": "not measured in both"}

CSS = """
@page { size: A4; margin: 13mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #1d2b38;
       line-height: 1.4; margin: 0 auto; max-width: 900px; padding: 22px; font-size: 14px;
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 22px 0 8px; border-bottom: 2px solid #1d3f63;
     padding-bottom: 3px; break-after: avoid; page-break-after: avoid; }
h3 { font-size: 15px; margin: 0 0 4px; }
.meta { color: #56636f; margin: 0 0 12px; }
.sessions { display: flex; gap: 14px; margin: 8px 0; }
.sessions div { flex: 1; border: 1px solid #cfd8e3; border-radius: 6px; padding: 6px 10px; }
.tag { display: inline-block; color: #fff; border-radius: 4px; padding: 0 7px;
       font-weight: bold; margin-right: 6px; }
.tag.a { background: #2f6fb0; } .tag.b { background: #d9661f; }
.disclaimer { background: #fff8e5; border: 1px solid #e5c66b; border-radius: 6px;
              padding: 8px 12px; font-size: 13px; }
table.cmp { border-collapse: collapse; width: 100%; font-size: 13px; break-inside: auto; }
table.cmp th, table.cmp td { border-bottom: 1px solid #dfe5ec; padding: 5px 6px;
                             text-align: right; }
table.cmp th:first-child, table.cmp td:first-child { text-align: left; }
table.cmp th { background: #eef1f4; }
table.cmp tr { break-inside: avoid; page-break-inside: avoid; }
td.better { color: #1e7b45; font-weight: bold; } td.worse { color: #b8322a; font-weight: bold; }
td.same { color: #56636f; } td.na { color: #9aa5b1; }
tr.better td:first-child { border-left: 4px solid #2f9e5a; }
tr.worse td:first-child { border-left: 4px solid #c0392b; }
.charts { display: flex; flex-wrap: wrap; gap: 10px; }
.charts figure { margin: 0; flex: 1 1 300px; max-width: 440px; break-inside: avoid;
                 page-break-inside: avoid; }
.charts svg { width: 100%; height: auto; display: block; }
.charts figcaption { font-size: 11px; color: #56636f; }
.notes { border-left: 4px solid #1d3f63; background: #f4f7fa; padding: 6px 12px;
         white-space: pre-wrap; }
.focus { border: 1px solid #cfd8e3; border-left: 6px solid #d9a21f; border-radius: 6px;
         padding: 6px 12px; margin: 8px 0; break-inside: avoid; page-break-inside: avoid; }
.focus.flag { border-left-color: #c0392b; }
.exercise { display: flex; gap: 12px; border: 1px solid #cfd8e3; border-radius: 6px;
            padding: 6px 10px; margin: 8px 0; break-inside: avoid; page-break-inside: avoid; }
.exercise .fig svg { width: 150px; height: auto; }
.redflags { background: #fdeeee; border: 1px solid #d98b8b; border-radius: 6px;
            padding: 6px 12px; break-inside: avoid; }
.muted { color: #56636f; }
ol, ul { margin: 4px 0 4px 20px; padding: 0; }
footer { margin-top: 20px; break-inside: avoid; }
@media print {
  body { padding: 0; max-width: none; font-size: 11.5px; }
  h2 { margin-top: 12px; }
  .no-print { display: none; }
  .page-break { break-before: page; page-break-before: always; }
}
"""


def _e(text: Any) -> str:
    return escape(str(text))


def curve_svg(key: str, a: CycleCurve, b: CycleCurve, label_a: str, label_b: str) -> str:
    """One angle's A and B curves (mean ± SD) as an inline SVG chart."""
    return line_chart_svg(
        [Line(f"{label_a} (mean ± SD)", COLOURS["a"], a.phase, a.mean, a.sd),
         Line(f"{label_b}", COLOURS["b"], b.phase, b.mean, b.sd)],
        title=a.label, x_label="% gait cycle", y_label="degrees", x_range=(0, 100))


def _table(cmp: Comparison) -> str:
    rows = []
    for r in cmp.rows:
        cls = CHANGE_CLASS.get(r.change, "same")
        tip = registry.METRICS[r.key].explanation if r.key in registry.METRICS else ""
        rows.append(
            f'<tr class="{cls}"><td title="{_e(tip)}">{_e(r.label)}</td>'
            f"<td>{_e(r.a_text)}</td><td>{_e(r.b_text)}</td><td>{_e(r.diff_text)}</td>"
            f'<td class="{cls}">{_e(CHANGE_TEXT.get(r.change, r.change))}</td></tr>')
    return ('<table class="cmp"><thead><tr><th>Measure</th>'
            f'<th><span class="tag a">A</span>{_e(cmp.a.label)}</th>'
            f'<th><span class="tag b">B</span>{_e(cmp.b.label)}</th>'
            '<th>Difference (B - A)</th><th>Change</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _curves(cmp: Comparison) -> str:
    keys = cmp.common_curves
    if not keys:
        return ('<p class="muted">No angle curves: the two clips need full strides of the same '
                "foot and a view in common.</p>")
    foot = cmp.sides[0] if cmp.sides else "reference"
    figs = "".join(
        f"<figure>{curve_svg(k, cmp.curves_a[k], cmp.curves_b[k], cmp.a.label, cmp.b.label)}"
        f"<figcaption>{_e(cmp.curves_a[k].sign)}; 0 % = {_e(foot)} foot contact; "
        f"{cmp.curves_a[k].n_strides} vs {cmp.curves_b[k].n_strides} strides.</figcaption>"
        "</figure>" for k in keys)
    return f'<div class="charts">{figs}</div>'


def _plan(report: Mapping[str, Any]) -> tuple[str, dict[str, Any] | None]:
    try:
        plan = report.get("plan") or build_plan(report)
    except Exception:  # a report the advice module cannot read: no plan section
        return '<p class="muted">No exercise plan could be made for this session.</p>', None
    names = {ex["id"]: ex["name"] for ex in plan.get("exercises", [])}
    parts = [f'<p>{_e(plan.get("summary", ""))}</p>']
    for item in plan.get("focus", []):
        ex = ", ".join(names.get(e, e) for e in item.get("exercises", []))
        parts.append(
            f'<section class="focus {_e(item.get("severity", ""))}">'
            f'<h3>{_e(item.get("rank", ""))}. {_e(item.get("title", ""))}</h3>'
            + (f'<p>{_e(item["message"])}</p>' if item.get("message") else "")
            + (f"<p><b>Key exercises:</b> {_e(ex)}</p>" if ex else "")
            + (f'<p><b>Cues:</b> {_e("; ".join(item.get("cues", [])))}</p>'
               if item.get("cues") else "")
            + "</section>")
    if plan.get("cues"):
        parts.append("<h3>Cues while running</h3><ul>"
                     + "".join(f"<li>{_e(c['text'])}</li>" for c in plan["cues"]) + "</ul>")
    key_ids = [e for item in plan.get("focus", []) for e in item.get("exercises", [])]
    strength = ((plan.get("schedule") or {}).get("strength") or {}).get("exercises") or []
    shown = list(dict.fromkeys([*key_ids, *strength]))[:6]
    by_id = {ex["id"]: ex for ex in plan.get("exercises", [])}
    for e in shown:
        ex = by_id.get(e)
        if ex is None:
            continue
        try:
            fig = exercise_svg(e)
        except Exception:  # an exercise without an illustration still gets its card
            fig = ""
        dose = (ex.get("dosage") or {}).get("text", "")
        steps = "".join(f"<li>{_e(s)}</li>" for s in ex.get("steps", [])[:4])
        parts.append(f'<div class="exercise"><div class="fig">{fig}</div><div>'
                     f'<h3>{_e(ex["name"])}</h3><p>{_e(ex.get("summary", ""))}</p>'
                     f"<p><b>Dose:</b> {_e(dose)}</p><ol>{steps}</ol></div></div>")
    return "".join(parts), plan


def _red_flags(plan: Mapping[str, Any] | None) -> str:
    if plan is None or not plan.get("red_flags"):
        from gaitcam.advice.red_flags import red_flags_section

        rf = red_flags_section()
    else:
        rf = plan["red_flags"]
    items = "".join(
        f"<li>{'<b>' if q['urgency'] == 'urgent' else ''}{_e(q['text'])}"
        f"{' (urgent)</b>' if q['urgency'] == 'urgent' else ''}</li>" for q in rf["questions"])
    return (f'<div class="redflags"><p><b>{_e(rf["intro"])}</b></p><ul>{items}</ul>'
            f'<p><b>Any yes:</b> {_e(rf["if_any_yes"])}</p>'
            f'<p><b>A yes in bold (urgent):</b> {_e(rf["if_urgent_yes"])}</p></div>')


def _session(tag: str, c: Any) -> str:
    view = (c.report.get("view") or {}).get("view") or "?"
    return (f'<div><span class="tag {tag}">{tag.upper()}</span><b>{_e(c.label)}</b><br>'
            f'<span class="muted">{_e(c.name)} · {_e(view)} view</span></div>')


def comparison_html(
    cmp: Comparison,
    *,
    clinician_notes: Sequence[str] = (),
    runner_name: str | None = None,
    today: date | None = None,
) -> str:
    """The printable report page; see the module docstring."""
    today = today or date.today()
    plan_block, plan = _plan(cmp.b.report)
    notes = ("".join(f'<p class="notes">{_e(n)}</p>' for n in clinician_notes if n.strip())
             or '<p class="muted">No notes.</p>')
    extra = ("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in cmp.notes) + "</ul>"
             if cmp.notes else "")
    disclaimer = f'<p class="disclaimer"><b>Please note:</b> {_e(DISCLAIMER)}</p>'
    who = f"for {_e(runner_name)} · " if runner_name else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>gaitcam comparison report</title><style>{CSS}</style></head>
<body>
<h1>Your running form: then and now</h1>
<p class="meta">{who}{_e(today.isoformat())} · made with gaitcam</p>
<div class="sessions">{_session("a", cmp.a)}{_session("b", cmp.b)}</div>
{disclaimer}
<h2>What changed</h2>
<p class="muted">Differences smaller than the measurement error (about 1° for angles, 1 step/min
for cadence) count as no change. Better or worse means closer to or further from the range
most healthy runners show.</p>
{_table(cmp)}{extra}
<h2>Angles over one stride</h2>
{_curves(cmp)}
<h2>Notes from your clinician</h2>
{notes}
<h2>Your exercise plan (from session B)</h2>
{plan_block}
<h2>Red flags: check these first</h2>
{_red_flags(plan)}
<footer>{disclaimer}</footer>
</body></html>
"""
