"""HTML for the results page: metric cards, the summary sentence, status colours. Pure strings.

Cards read a report's "metrics" entries (see the shared report contract) and the metric registry
(label, unit, views, bands, explanation), so a card, the report and docs/metrics.md agree.
All text from the report is HTML-escaped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from html import escape
from typing import Any

from gaitcam import registry

#: Status -> (colour, word). Colours match the overlay's status colours in hue.
STATUS_STYLE: dict[str, tuple[str, str]] = {
    "good": ("#2f9e5a", "Good"),
    "watch": ("#d99a00", "Watch"),
    "flag": ("#d64545", "Flag"),
    "info": ("#5b7083", "Info"),
    "not_measurable": ("#a3acb5", "Not measurable"),
}

#: Short units for cards (the registry's units are written out for the docs).
SHORT_UNITS = {"steps/min": "spm", "deg": "°", "% leg": "% leg", "%": "%", "ms": "ms", "cm": "cm"}

VIEW_WORDS = {"side": "Side view", "rear": "Rear view", "front": "Front view"}

CSS = """
<style>
.gc-summary {font-size: 1.15rem; margin: 0.2rem 0 0.8rem 0; color: inherit;}
.gc-headline {font-size: 1.05rem; font-weight: 600; margin: -0.4rem 0 0.8rem 0;}
.gc-grid {display: grid; grid-template-columns: repeat(auto-fill, minmax(235px, 1fr));
  gap: 0.75rem; margin: 0.4rem 0 1rem 0;}
.gc-card {border: 1px solid rgba(128,128,128,0.25); border-left: 6px solid var(--gc-c);
  border-radius: 8px; padding: 0.65rem 0.8rem 0.7rem 0.8rem;
  background: rgba(128,128,128,0.04);}
.gc-card.gc-nm {opacity: 0.85; background: transparent; border-style: dashed;
  border-left-style: solid;}
.gc-top {display: flex; justify-content: space-between; align-items: baseline; gap: 0.5rem;}
.gc-label {font-size: 0.85rem; font-weight: 600; opacity: 0.85;}
.gc-pill {font-size: 0.7rem; font-weight: 700; text-transform: uppercase; letter-spacing: 0.04em;
  color: #fff; background: var(--gc-c); border-radius: 999px; padding: 0.1rem 0.5rem;
  white-space: nowrap;}
.gc-value {font-size: 1.75rem; font-weight: 700; line-height: 1.2; margin-top: 0.15rem;}
.gc-value.gc-small {font-size: 1.05rem; font-weight: 600;}
.gc-sides {font-size: 0.85rem; opacity: 0.8;}
.gc-band {font-size: 0.8rem; margin-top: 0.25rem; opacity: 0.85;}
.gc-expl {font-size: 0.82rem; margin-top: 0.3rem; opacity: 0.75; line-height: 1.3;}
.gc-note {font-size: 0.78rem; margin-top: 0.3rem; color: #b26b00;}
.gc-disclaimer {font-size: 0.85rem; border-left: 4px solid #5b7083; padding: 0.4rem 0.7rem;
  background: rgba(91,112,131,0.08); border-radius: 4px; margin: 0.5rem 0;}
</style>
"""


def _number(v: Any) -> float | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def short_unit(key: str) -> str:
    m = registry.METRICS.get(key)
    unit = m.unit if m else ""
    return SHORT_UNITS.get(unit, unit)


def format_value(key: str, value: Any) -> str:
    """A card's value text: "171 spm", "12°", "18% leg", "Rearfoot", "n/a"."""
    if isinstance(value, str):
        return value.capitalize()
    v = _number(value)
    if v is None:
        return "n/a"
    unit = short_unit(key)
    if unit == "°":
        return f"{v:.0f}°"
    if unit == "cm":
        return f"{v:.1f} cm"
    if unit in ("%", "% leg"):
        return f"{v:.0f}{unit}" if unit == "%" else f"{v:.0f}% leg"
    return f"{v:.0f} {unit}".strip()


def value_text(key: str, value: Any, status: str) -> str:
    """`format_value`, with one decimal more when rounding would hide why the status is what
    it is (12.4% shown as "12% leg" next to "Good: up to 12% leg" under a Watch pill)."""
    text = format_value(key, value)
    v = _number(value)
    m = registry.METRICS.get(key)
    if v is None or m is None or m.is_info or status not in ("good", "watch", "flag"):
        return text
    shown = _number(re.sub(r"[^0-9.+-]", "", text.split(" ")[0]))
    if shown is not None and registry.status(key, shown) != status:
        return text.replace(f"{shown:.0f}", f"{v:.1f}", 1)
    return text


def band_text(key: str) -> str:
    """The good band in words, e.g. "Good: 160 spm or more", "Good: -2° to 10°", or "" for an
    information-only metric."""
    m = registry.METRICS.get(key)
    if m is None or m.good is None:
        return ""
    lo, hi = m.good

    def f(x: float) -> str:
        return format_value(key, x)

    if lo is not None and hi is not None:
        return f"Good: {f(lo)} to {f(hi)}"
    if lo is not None:
        return f"Good: {f(lo)} or more"
    if hi is not None:
        return f"Good: up to {f(hi)}"
    return ""


def _views_text(views: tuple[str, ...]) -> str:
    names = [v for v in ("side", "rear", "front") if v in views]
    if not names:
        return ""
    if len(names) == 1:
        return f"a {names[0]} view"
    return "a " + " or ".join(names) + " view"


def not_measurable_text(key: str, entry: Mapping[str, Any] | None, view: str | None) -> str:
    """Why a metric has no value and which view would measure it."""
    m = registry.METRICS.get(key)
    reason = (entry or {}).get("reason")
    needed = ""
    if m is not None and view not in m.views:
        needed = f"Film {_views_text(m.views)} to measure it."
    parts = [str(reason).rstrip(".") + "." if reason else "Not measurable from this view."]
    if needed and needed.lower() not in parts[0].lower():
        parts.append(needed)
    return " ".join(parts)


def metric_status(key: str, entry: Mapping[str, Any]) -> str:
    """The entry's status, or "not_measurable" when it has no value / says so."""
    if entry.get("measurable") is False:
        return "not_measurable"
    value = entry.get("value")
    if value is None or (not isinstance(value, str) and _number(value) is None):
        return "not_measurable"
    s = entry.get("status")
    return s if s in STATUS_STYLE else "info"


def _sides_text(key: str, entry: Mapping[str, Any]) -> str:
    left, right = entry.get("left"), entry.get("right")
    if left is None and right is None:
        return ""
    parts = []
    if left is not None:
        parts.append(f"L {format_value(key, left)}")
    if right is not None:
        parts.append(f"R {format_value(key, right)}")
    asym = _number(entry.get("asymmetry_pct"))
    text = " · ".join(parts)
    if asym is not None and left is not None and right is not None and not isinstance(left, str):
        text += f" · {asym:.0f}% apart"
    return text


def metric_card_html(key: str, entry: Mapping[str, Any], view: str | None = None) -> str:
    """One card: label, status pill, value, left/right, good band and one-line explanation.

    A metric that is not measurable says so, with the reason and the view that would measure it.
    The card's left border takes the status colour.
    """
    m = registry.METRICS.get(key)
    label = m.label if m else key.replace("_", " ").capitalize()
    status = metric_status(key, entry)
    colour, word = STATUS_STYLE[status]
    title = f' title="{escape(m.definition)}"' if m else ""
    head = (f'<div class="gc-top"><span class="gc-label"{title}>{escape(label)}</span>'
            f'<span class="gc-pill">{escape(word)}</span></div>')
    if status == "not_measurable":
        body = (f'<div class="gc-value gc-small">Not measurable here</div>'
                f'<div class="gc-expl">{escape(not_measurable_text(key, entry, view))}</div>')
        return (f'<div class="gc-card gc-nm" data-metric="{escape(key)}" '
                f'style="--gc-c:{colour}">{head}{body}</div>')
    value = value_text(key, entry.get("value"), status)
    parts = [head, f'<div class="gc-value">{escape(value)}</div>']
    sides = _sides_text(key, entry)
    if sides:
        parts.append(f'<div class="gc-sides">{escape(sides)}</div>')
    band = band_text(key)
    if band:
        parts.append(f'<div class="gc-band">{escape(band)}</div>')
    elif m is not None and m.is_info:
        parts.append('<div class="gc-band">No accepted cut-off: compare with your own '
                     'clips</div>')
    if m is not None:
        parts.append(f'<div class="gc-expl">{escape(m.explanation)}</div>')
    conf = _number(entry.get("confidence"))
    if conf is not None and conf < registry.MIN_FINDING_CONFIDENCE:
        parts.append('<div class="gc-note">Low confidence: the model could not see this '
                     'well; take it as a rough guide.</div>')
    return (f'<div class="gc-card" data-metric="{escape(key)}" data-status="{status}" '
            f'style="--gc-c:{colour}">{"".join(parts)}</div>')


def ordered_metrics(report: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """The report's metric entries in registry order (unknown keys last)."""
    metrics = report.get("metrics") or {}
    order = {k: i for i, k in enumerate(registry.METRICS)}
    items = [(k, v) for k, v in metrics.items() if isinstance(v, Mapping)]
    return sorted(items, key=lambda kv: order.get(kv[0], len(order)))


def split_measurable(report: Mapping[str, Any]
                     ) -> tuple[list[tuple[str, Mapping[str, Any]]],
                                list[tuple[str, Mapping[str, Any]]]]:
    """(measured, not measurable) metric entries, each in registry order."""
    measured, missing = [], []
    for key, entry in ordered_metrics(report):
        (missing if metric_status(key, entry) == "not_measurable" else measured).append(
            (key, entry))
    return measured, missing


def cards_grid_html(entries: list[tuple[str, Mapping[str, Any]]], view: str | None) -> str:
    """Cards for `entries` in a responsive grid."""
    cards = "".join(metric_card_html(k, e, view) for k, e in entries)
    return f'<div class="gc-grid">{cards}</div>'


def _humanize(key: str) -> str:
    words = key.replace("_deg", "").replace("_", " ")
    return words[:1].upper() + words[1:]


def not_measurable_notes(report: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, why) for the report's "not_measurable" notes, e.g. anterior pelvic tilt."""
    notes = report.get("not_measurable") or {}
    return [(_humanize(k), str(v)) for k, v in notes.items()]


def n_steps(report: Mapping[str, Any]) -> int:
    events = report.get("events") or {}
    return sum(len((events.get(s) or {}).get("initial_contact_s") or []) for s in ("left", "right"))


def summary_sentence(report: Mapping[str, Any]) -> str:
    """E.g. "Side view, facing left, treadmill · 34 steps over 12.0 s · cadence 171 spm"."""
    view = report.get("view") or {}
    v = view.get("view")
    parts = [VIEW_WORDS.get(v, "Unknown view")]
    if v == "side" and view.get("facing"):
        parts[0] += f", facing {view['facing']}"
    if view.get("setting"):
        parts[0] += f", {view['setting']}"
    if view.get("forced"):
        parts[0] += " (as you chose)"
    quality = report.get("quality") or {}
    steps = n_steps(report)
    dur = _number(quality.get("duration_s"))
    if steps:
        parts.append(f"{steps} steps" + (f" over {dur:.1f} s" if dur else ""))
    cadence = ((report.get("metrics") or {}).get("cadence_spm") or {}).get("value")
    if _number(cadence) is not None:
        parts.append(f"cadence {_number(cadence):.0f} spm")
    frac = _number(quality.get("fraction_with_runner"))
    if frac is not None and frac < 0.95:
        parts.append(f"runner seen in {frac:.0%} of frames")
    return " · ".join(parts)


def headline(report: Mapping[str, Any], title_of: Callable[[Mapping[str, Any]], str]) -> str:
    """What stood out, most important first: "To work on: Overstriding. Keep an eye on: ...".

    `title_of(finding)` names a finding of the report."""
    findings = [f for f in report.get("findings") or [] if isinstance(f, Mapping)]
    if not findings:
        return "Nothing stood out from this view: your numbers are inside the bands gaitcam checks."
    parts = []
    for severity, words in (("flag", "To work on"), ("watch", "Keep an eye on")):
        titles = list(dict.fromkeys(title_of(f) for f in findings
                                    if f.get("severity") == severity))
        if titles:
            parts.append(f"{words}: {', '.join(titles)}.")
    return " ".join(parts)


def summary_html(report: Mapping[str, Any],
                 title_of: Callable[[Mapping[str, Any]], str] | None = None) -> str:
    """The summary sentence and, given finding titles, the headline under it."""
    html = f'<div class="gc-summary">{escape(summary_sentence(report))}</div>'
    if title_of is not None:
        html += f'<div class="gc-headline">{escape(headline(report, title_of))}</div>'
    return html
