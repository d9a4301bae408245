"""The exercise library: load and validate `gaitcam/data/exercises.json`.

Each exercise has an id, name, category (strength / mobility / drill / warm-up / flare-up),
targets, what it addresses (finding ids and cause ids), step-by-step instructions, a dosage,
easier and harder versions, cautions, and an illustration spec (see `illustration.py`) from
which gaitcam draws its own SVG figure.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from gaitcam.advice import figure, illustration
from gaitcam.advice.finding_ids import known_finding_ids
from gaitcam.errors import GaitcamError

DATA_PATH = Path(__file__).resolve().parents[1] / "data" / "exercises.json"
CATEGORIES = ("strength", "mobility", "drill", "warm-up", "flare-up")


class ExerciseDataError(GaitcamError):
    """The exercise library file is malformed (a packaging bug, named down to the entry)."""

    hint = "Reinstall gaitcam, or fix the named entry in gaitcam/data/exercises.json."


@dataclass(frozen=True)
class Dosage:
    """How much and how often. `per_week` is (min, max) sessions; `minutes` the time one
    session of this exercise takes, both sides included."""

    text: str
    sets: int | None
    reps: str | None
    hold_s: int | None
    per_side: bool
    per_week: tuple[int, int]
    minutes: int


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    category: str
    summary: str
    targets: tuple[str, ...]
    findings: tuple[str, ...]
    causes: tuple[str, ...]
    steps: tuple[str, ...]
    dosage: Dosage
    easier: str
    harder: str
    cautions: tuple[str, ...]
    illustration: Mapping[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (without the illustration pose data)."""
        d = self.dosage
        return {
            "id": self.id, "name": self.name, "category": self.category,
            "summary": self.summary, "targets": list(self.targets),
            "addresses": {"findings": list(self.findings), "causes": list(self.causes)},
            "steps": list(self.steps),
            "dosage": {"text": d.text, "sets": d.sets, "reps": d.reps, "hold_s": d.hold_s,
                       "per_side": d.per_side, "per_week": list(d.per_week),
                       "minutes": d.minutes},
            "easier": self.easier, "harder": self.harder, "cautions": list(self.cautions),
        }


def _text(entry: Mapping[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ExerciseDataError(f"{where}: '{key}' must be a non-empty string.")
    return value


def _texts(entry: Mapping[str, Any], key: str, where: str, allow_empty: bool = False
           ) -> tuple[str, ...]:
    value = entry.get(key)
    if (not isinstance(value, list) or (not value and not allow_empty)
            or not all(isinstance(v, str) and v.strip() for v in value)):
        raise ExerciseDataError(f"{where}: '{key}' must be a list of non-empty strings.")
    return tuple(value)


def _dosage(entry: Mapping[str, Any], where: str) -> Dosage:
    d = entry.get("dosage")
    if not isinstance(d, Mapping):
        raise ExerciseDataError(f"{where}: 'dosage' must be an object.")
    per_week = d.get("per_week")
    if (not isinstance(per_week, list) or len(per_week) != 2
            or not all(isinstance(n, int) and 1 <= n <= 7 for n in per_week)
            or per_week[0] > per_week[1]):
        raise ExerciseDataError(f"{where}: dosage 'per_week' must be [min, max] days, 1-7.")
    minutes = d.get("minutes")
    if not isinstance(minutes, int) or not 1 <= minutes <= 30:
        raise ExerciseDataError(f"{where}: dosage 'minutes' must be a whole number, 1-30.")
    for key in ("sets", "hold_s"):
        if d.get(key) is not None and (not isinstance(d[key], int) or d[key] <= 0):
            raise ExerciseDataError(f"{where}: dosage '{key}' must be a positive whole number.")
    if d.get("reps") is not None and not isinstance(d["reps"], str):
        raise ExerciseDataError(f"{where}: dosage 'reps' must be text such as \"8-12\".")
    return Dosage(text=_text(d, "text", where + " dosage"), sets=d.get("sets"),
                  reps=d.get("reps"), hold_s=d.get("hold_s"),
                  per_side=bool(d.get("per_side", False)),
                  per_week=(per_week[0], per_week[1]), minutes=minutes)


def _check_point(name: Any, where: str) -> None:
    if name not in figure.POINT_NAMES:
        raise ExerciseDataError(f"{where}: unknown body point {name!r}.")


def validate_illustration(spec: Any, where: str) -> None:
    """Raise ExerciseDataError unless `spec` is a drawable illustration spec."""
    if not isinstance(spec, Mapping):
        raise ExerciseDataError(f"{where}: 'illustration' must be an object.")
    frames = spec.get("frames")
    if not isinstance(frames, list) or not 2 <= len(frames) <= 3:
        raise ExerciseDataError(f"{where}: illustration needs 2 or 3 frames (start, end).")
    for name in spec.get("arrows", ()):
        _check_point(name, where + " arrows")
    for i, frame in enumerate(frames, 1):
        at = f"{where} frame {i}"
        pose = frame.get("pose") if isinstance(frame, Mapping) else None
        if not isinstance(pose, Mapping) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in pose.values()):
            raise ExerciseDataError(f"{at}: 'pose' must map angle names to degrees.")
        bad = figure.unknown_angles(pose)
        if bad:
            raise ExerciseDataError(f"{at}: unknown pose angle(s) {', '.join(bad)}.")
        for name in frame.get("contact", ()):
            _check_point(name, at)
        if frame.get("solve", "body_pitch") not in figure.ANGLE_NAMES:
            raise ExerciseDataError(f"{at}: 'solve' must name a pose angle.")
        if not set(frame.get("flat", ())) <= {"l", "r"}:
            raise ExerciseDataError(f"{at}: 'flat' lists feet as \"l\" and/or \"r\".")
        for hand, target in frame.get("reach", {}).items():
            if hand not in ("l_hand", "r_hand"):
                raise ExerciseDataError(f"{at}: 'reach' keys must be l_hand or r_hand.")
            for name in [target] if isinstance(target, str) else target:
                _check_point(name, at)
        for prop in frame.get("props", ()):
            kind = prop if isinstance(prop, str) else prop.get("kind")
            if kind not in illustration.PROP_KINDS:
                raise ExerciseDataError(f"{at}: unknown prop {kind!r}.")
            for key in ("under", "at", "from", "to"):
                if isinstance(prop, Mapping) and key in prop:
                    _check_point(prop[key], at)


def parse_exercises(doc: Any, known_findings: tuple[str, ...] | None = None
                    ) -> dict[str, Exercise]:
    """Validate a loaded exercises document and return exercises by id, in file order."""
    known_findings = known_finding_ids() if known_findings is None else known_findings
    entries = doc.get("exercises") if isinstance(doc, Mapping) else None
    if not isinstance(entries, list) or not entries:
        raise ExerciseDataError("exercises.json: expected {\"exercises\": [ ... ]}.")
    out: dict[str, Exercise] = {}
    for n, entry in enumerate(entries, 1):
        where = f"exercise #{n}"
        if not isinstance(entry, Mapping):
            raise ExerciseDataError(f"{where}: must be an object.")
        ex_id = _text(entry, "id", where)
        where = f"exercise #{n} ({ex_id!r})"
        if ex_id in out:
            raise ExerciseDataError(f"{where}: duplicate id.")
        category = entry.get("category")
        if category not in CATEGORIES:
            raise ExerciseDataError(f"{where}: category must be one of {', '.join(CATEGORIES)}.")
        addresses = entry.get("addresses")
        if not isinstance(addresses, Mapping):
            raise ExerciseDataError(f"{where}: 'addresses' must be an object.")
        findings = _texts(addresses, "findings", where + " addresses", allow_empty=True)
        unknown = [f for f in findings if f not in known_findings]
        if unknown:
            raise ExerciseDataError(f"{where}: unknown finding id(s) {', '.join(unknown)}.")
        validate_illustration(entry.get("illustration"), where)
        out[ex_id] = Exercise(
            id=ex_id, name=_text(entry, "name", where), category=category,
            summary=_text(entry, "summary", where), targets=_texts(entry, "targets", where),
            findings=findings, causes=_texts(addresses, "causes", where + " addresses"),
            steps=_texts(entry, "steps", where), dosage=_dosage(entry, where),
            easier=_text(entry, "easier", where), harder=_text(entry, "harder", where),
            cautions=_texts(entry, "cautions", where), illustration=entry["illustration"],
        )
    return out


def load_exercises(path: Path | str | None = None) -> dict[str, Exercise]:
    """All exercises by id (the packaged library unless `path` is given)."""
    if path is None:
        return _packaged()
    return _load(Path(path))


@cache
def _packaged() -> dict[str, Exercise]:
    return _load(DATA_PATH)


def _load(path: Path) -> dict[str, Exercise]:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ExerciseDataError(f"The exercise library {path} is missing.") from exc
    except json.JSONDecodeError as exc:
        raise ExerciseDataError(f"{path.name} is not valid JSON (line {exc.lineno}).") from exc
    return parse_exercises(doc)


def get_exercise(exercise_id: str) -> Exercise:
    """One exercise of the packaged library; GaitcamError if there is no such id."""
    exercises = load_exercises()
    if exercise_id not in exercises:
        raise GaitcamError(f"There is no exercise called {exercise_id!r}.",
                           hint="Known exercises: " + ", ".join(exercises))
    return exercises[exercise_id]


@cache
def exercise_svg(exercise_id: str) -> str:
    """The exercise's illustration as standalone SVG text (drawn once, then cached)."""
    ex = get_exercise(exercise_id)
    return illustration.render_svg(ex.illustration, title=ex.name)
