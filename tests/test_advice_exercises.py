"""The exercise library and gaitcam's own illustrations."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from gaitcam.advice import figure
from gaitcam.advice.exercises import (
    CATEGORIES,
    DATA_PATH,
    ExerciseDataError,
    exercise_svg,
    get_exercise,
    load_exercises,
    parse_exercises,
)
from gaitcam.advice.illustration import frame_points
from gaitcam.errors import GaitcamError

SVG = "{http://www.w3.org/2000/svg}"
TRUNK = {"mid_hip", "mid_back", "neck", "l_hip", "r_hip", "l_shoulder", "r_shoulder"}
REQUIRED = (
    "plank", "side_plank", "bird_dog", "glute_bridge", "single_leg_romanian_deadlift",
    "side_lying_hip_abduction", "clamshell", "hip_flexor_stretch", "hamstring_stretch",
    "piriformis_stretch", "knee_to_chest", "childs_pose", "cat_cow", "dynamic_warm_up",
    "cadence_drill", "run_tall_form_drill",
)


def raw_doc() -> dict:
    return json.loads(DATA_PATH.read_text(encoding="utf-8"))


def test_library_has_the_required_exercises_with_full_content():
    exercises = load_exercises()
    assert set(REQUIRED) <= set(exercises)
    for ex in exercises.values():
        assert ex.category in CATEGORIES
        assert len(ex.steps) >= 3, ex.id
        assert ex.cautions and ex.targets and ex.easier and ex.harder, ex.id
        assert ex.findings or ex.causes, ex.id
        lo, hi = ex.dosage.per_week
        assert 1 <= lo <= hi <= 7 and 1 <= ex.dosage.minutes <= 15, ex.id
    # The contract's specifics: the cadence drill is +5-10 %, the form drill says run tall.
    assert "5-10%" in exercises["cadence_drill"].name
    assert any("under your hips" in s for s in exercises["run_tall_form_drill"].steps)
    assert exercises["knee_to_chest"].category == "flare-up"


def test_get_exercise_unknown_id_is_a_friendly_error():
    with pytest.raises(GaitcamError, match="no exercise called 'moonwalk'"):
        get_exercise("moonwalk")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["exercises"][2].pop("steps"), r"'bird_dog'.*'steps'"),
        (lambda d: d["exercises"][0].update(category="yoga"), r"'plank'.*category"),
        (lambda d: d["exercises"][3]["addresses"]["findings"].append("flat_feet"),
         r"'glute_bridge'.*flat_feet"),
        (lambda d: d["exercises"][1]["illustration"]["frames"][0]["pose"].update(r_wing=3),
         r"'side_plank'\) frame 1.*r_wing"),
        (lambda d: d["exercises"][1]["illustration"]["frames"].pop(), r"'side_plank'.*2 or 3"),
        (lambda d: d["exercises"][7]["illustration"]["frames"][0].update(flat=["x"]),
         r"frame 1.*'flat'"),
        (lambda d: d["exercises"][0]["dosage"].update(per_week=[3, 2]), r"'plank'.*per_week"),
        (lambda d: d["exercises"].append(copy.deepcopy(d["exercises"][0])), r"'plank'.*duplicate"),
    ],
)
def test_bad_entries_are_named_in_the_error(mutate, message):
    doc = raw_doc()
    mutate(doc)
    with pytest.raises(ExerciseDataError, match=message):
        parse_exercises(doc)


def test_load_from_a_broken_file_names_the_problem(tmp_path):
    bad = tmp_path / "exercises.json"
    bad.write_text('{"exercises": [', encoding="utf-8")
    with pytest.raises(ExerciseDataError, match="not valid JSON"):
        load_exercises(bad)
    with pytest.raises(ExerciseDataError, match="missing"):
        load_exercises(tmp_path / "nope.json")


# ---- the figure ------------------------------------------------------------------------------


def test_standing_figure_is_an_upright_adult_facing_plus_x():
    p = figure.ground(figure.pose_points({}))
    assert 1.6 < p["head"][1] + figure.HEAD_RADIUS < 1.85
    assert p["r_hip"][2] > 0 > p["l_hip"][2]  # z = the figure's right
    assert p["r_toe"][0] > p["r_heel"][0]  # feet point forward
    flexed = figure.pose_points({"r_hip_flex": 90})
    assert flexed["r_knee"][0] == pytest.approx(figure.THIGH, abs=1e-9)  # knee straight ahead


def test_supine_and_prone_lie_flat_with_the_face_up_or_down():
    supine = figure.pose_points({"body_pitch": -90})
    assert abs(supine["neck"][1]) < 1e-9 and supine["neck"][0] < 0
    toes_up = figure.pose_points({"body_pitch": -90})["r_toe"][1] - supine["r_ankle"][1]
    toes_down = figure.pose_points({"body_pitch": 90})["r_toe"][1]
    assert toes_up > 0.1 and toes_down < -0.1 + figure.pose_points({"body_pitch": 90})[
        "r_ankle"][1]


def test_contact_solver_levels_two_points():
    pose = figure.solve_contact({"body_pitch": 60, "r_shoulder_flex": 90, "l_shoulder_flex": 90,
                                 "r_elbow": 90, "l_elbow": 90}, "r_elbow", "r_toe")
    p = figure.pose_points(pose)
    assert abs(p["r_elbow"][1] - p["r_toe"][1]) < 0.01
    assert 70 < pose["body_pitch"] < 90  # a forearm plank is nearly horizontal


@pytest.mark.parametrize("exercise_id", sorted(load_exercises()))
def test_illustration_frames_stand_on_the_floor(exercise_id):
    for frame in load_exercises()[exercise_id].illustration["frames"]:
        pts = frame_points(frame)
        lows = [v[1] for k, v in pts.items() if k != "head"] + [
            pts["head"][1] - figure.HEAD_RADIUS]
        steps = [p for p in frame.get("props", ()) if isinstance(p, dict) and p["kind"] == "step"]
        floor = steps[0]["height"] if steps else 0.0
        assert min(lows) > -0.03, (exercise_id, frame["label"])  # nothing sunk into the floor
        assert min(lows) < floor + 0.03 or steps, (exercise_id, frame["label"])
        for name in frame.get("contact", ()):
            # Contacts touch the floor: joint centres sit above it by the limb's or trunk's
            # half-thickness, so allow that much.
            low = pts[name][1] - (figure.HEAD_RADIUS if name == "head" else 0.0)
            assert low < (0.13 if name in TRUNK else 0.08), (exercise_id, frame["label"], name)


@pytest.mark.parametrize("exercise_id", sorted(load_exercises()))
def test_every_exercise_has_a_valid_nontrivial_svg(exercise_id):
    svg = exercise_svg(exercise_id)
    root = ET.fromstring(svg)  # well-formed XML
    assert root.tag == SVG + "svg"
    assert root.find(SVG + "title").text == get_exercise(exercise_id).name
    lines = root.findall(f".//{SVG}line")
    circles = root.findall(f".//{SVG}circle")
    n_frames = len(get_exercise(exercise_id).illustration["frames"])
    assert len(lines) >= 20 * n_frames and len(circles) >= n_frames  # limbs and heads per frame
    assert 3000 < len(svg) < 80000
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")  # nothing external


def test_illustrations_differ_and_show_movement():
    svgs = {e: exercise_svg(e) for e in load_exercises()}
    assert len(set(svgs.values())) == len(svgs)
    for ex in load_exercises().values():
        frames = ex.illustration["frames"]
        a, b = frame_points(frames[0]), frame_points(frames[-1])
        moved = max(float(np.linalg.norm(a[k] - b[k])) for k in figure.POINT_NAMES)
        assert moved > 0.1, ex.id  # start and end positions visibly differ
