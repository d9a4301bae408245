"""Finding -> likely causes -> ranked actions, from `gaitcam/data/actions.json`.

Every finding id maps to: a title, a group (findings with one cure share a group, so a plan
does not list the same fix three times), why it matters for the back, likely causes (each of
kind "form", "muscle_imbalance" or "external", with a short explanation), and ranked actions:
exercise ids, running-cue ids and plain advice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gaitcam.advice.exercises import ExerciseDataError, load_exercises
from gaitcam.advice.finding_ids import known_finding_ids

DATA_PATH = Path(__file__).resolve().parents[1] / "data" / "actions.json"
CAUSE_KINDS = ("form", "muscle_imbalance", "external")


@dataclass(frozen=True)
class Cause:
    id: str
    kind: str
    label: str
    explanation: str

    def to_dict(self) -> dict[str, str]:
        return {"id": self.id, "kind": self.kind, "label": self.label,
                "explanation": self.explanation}


@dataclass(frozen=True)
class FindingActions:
    """What to do about one finding; every tuple is ranked, most useful first."""

    finding: str
    title: str
    group: str
    why_it_matters: str
    causes: tuple[Cause, ...]
    exercises: tuple[str, ...]
    cues: tuple[str, ...]
    advice: tuple[str, ...]


@dataclass(frozen=True)
class ActionMap:
    cues: Mapping[str, str]
    causes: Mapping[str, Cause]
    findings: Mapping[str, FindingActions]

    def for_finding(self, finding_id: str) -> FindingActions | None:
        return self.findings.get(finding_id)


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ExerciseDataError(f"{where} must be a non-empty string.")
    return value


def _ids(value: Any, where: str, known: Mapping[str, Any] | tuple[str, ...],
         allow_empty: bool = False) -> tuple[str, ...]:
    if not isinstance(value, list) or (not value and not allow_empty):
        raise ExerciseDataError(f"{where} must be a non-empty list.")
    unknown = [v for v in value if v not in known]
    if unknown:
        raise ExerciseDataError(f"{where} names unknown id(s): {', '.join(map(str, unknown))}.")
    return tuple(value)


def parse_actions(doc: Any, exercise_ids: tuple[str, ...] | None = None) -> ActionMap:
    """Validate a loaded actions document against the exercise library and finding ids."""
    if exercise_ids is None:
        exercise_ids = tuple(load_exercises())
    if not isinstance(doc, Mapping):
        raise ExerciseDataError("actions.json: expected an object.")
    raw_cues = doc.get("cues")
    if not isinstance(raw_cues, Mapping) or not raw_cues:
        raise ExerciseDataError("actions.json: 'cues' must map cue ids to text.")
    cues = {k: _str(v, f"actions.json cue {k!r}") for k, v in raw_cues.items()}
    raw_causes = doc.get("causes")
    if not isinstance(raw_causes, Mapping) or not raw_causes:
        raise ExerciseDataError("actions.json: 'causes' must map cause ids to objects.")
    causes: dict[str, Cause] = {}
    for cid, c in raw_causes.items():
        where = f"actions.json cause {cid!r}"
        if not isinstance(c, Mapping) or c.get("kind") not in CAUSE_KINDS:
            raise ExerciseDataError(f"{where}: 'kind' must be one of {', '.join(CAUSE_KINDS)}.")
        causes[cid] = Cause(cid, c["kind"], _str(c.get("label"), f"{where} label"),
                            _str(c.get("explanation"), f"{where} explanation"))
    raw = doc.get("findings")
    if not isinstance(raw, Mapping):
        raise ExerciseDataError("actions.json: 'findings' must map finding ids to objects.")
    known = known_finding_ids()
    findings: dict[str, FindingActions] = {}
    for fid, f in raw.items():
        where = f"actions.json finding {fid!r}"
        if fid not in known:
            raise ExerciseDataError(f"{where}: not a known finding id.")
        if not isinstance(f, Mapping) or not isinstance(f.get("actions"), Mapping):
            raise ExerciseDataError(f"{where}: needs an 'actions' object.")
        acts = f["actions"]
        advice = acts.get("advice", [])
        if not isinstance(advice, list) or not all(isinstance(a, str) for a in advice):
            raise ExerciseDataError(f"{where}: 'advice' must be a list of strings.")
        findings[fid] = FindingActions(
            finding=fid, title=_str(f.get("title"), f"{where} title"),
            group=_str(f.get("group"), f"{where} group"),
            why_it_matters=_str(f.get("why_it_matters"), f"{where} why_it_matters"),
            causes=tuple(causes[c] for c in _ids(f.get("causes"), f"{where} causes", causes)),
            exercises=_ids(acts.get("exercises"), f"{where} exercises", exercise_ids),
            cues=_ids(acts.get("cues"), f"{where} cues", cues),
            advice=tuple(advice),
        )
    missing = [fid for fid in known if fid not in findings]
    if missing:
        raise ExerciseDataError(f"actions.json: no mapping for finding(s) {', '.join(missing)}.")
    return ActionMap(cues=cues, causes=causes, findings=findings)


@cache
def load_actions() -> ActionMap:
    """The packaged finding -> causes -> actions map (validated, cached)."""
    try:
        doc = json.loads(DATA_PATH.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ExerciseDataError(f"The action map {DATA_PATH} is missing.") from exc
    except json.JSONDecodeError as exc:
        raise ExerciseDataError(f"actions.json is not valid JSON (line {exc.lineno}).") from exc
    return parse_actions(doc)
