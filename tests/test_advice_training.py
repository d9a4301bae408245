"""Training-load check: weekly rises, down weeks and shoe wear."""

from __future__ import annotations

import numpy as np
import pytest

from gaitcam.advice.training import TRAINING_ADVICE, TrainingInputError, check_training_load
from gaitcam.errors import GaitcamError


def kinds(check) -> list[tuple[str, str]]:
    return [(i.kind, i.severity) for i in check.issues]


def test_a_20_percent_jump_is_flagged():
    check = check_training_load([20, 24])
    assert check.status == "flag"
    assert kinds(check) == [("rise", "flag")]
    assert check.issues[0].week == 2 and "20%" in check.issues[0].message
    assert check.changes_pct == pytest.approx((20.0,))


def test_an_8_percent_rise_is_accepted():
    check = check_training_load([25, 27])
    assert check.status == "good" and not check.issues


@pytest.mark.parametrize(("after", "status"), [(55, "good"), (56, "watch"), (57.5, "watch"),
                                               (58, "flag")])
def test_watch_above_10_and_flag_above_15_percent(after, status):
    assert check_training_load([50, after]).status == status


def test_four_rises_without_a_down_week_is_a_watch():
    # 5 % a week is fine week to week, but the build has no easier week in it.
    check = check_training_load([20, 21, 22, 23.1, 24.2])
    assert kinds(check) == [("no_down_week", "watch")]
    assert check_training_load([20, 21, 22, 23.1]).status == "good"  # three rises: fine
    # A down week resets the count.
    assert check_training_load([20, 21, 22, 16, 23, 24]).status == "good"
    assert kinds(check_training_load([20, 21, 22, 23, 24, 25, 26])) == [("no_down_week", "flag")]


def test_shoes_at_520_miles_are_flagged_and_300_miles_watched():
    check = check_training_load([20], shoe_km=520, unit="miles")
    assert check.shoe_status == "flag" and check.status == "flag"
    assert check_training_load([20], shoe_km=300, unit="mi").shoe_status == "watch"
    assert check_training_load([30], shoe_km=479).shoe_status == "good"
    assert check_training_load([30], shoe_km=480).shoe_status == "watch"
    assert check_training_load([30], shoe_km=836.9).shoe_status == "flag"  # 520 miles


def test_numpy_numbers_and_json_output():
    check = check_training_load(np.array([30.0, 33.0, 36.0]).tolist() + [np.float64(30)],
                                shoe_km=np.int64(100))
    d = check.to_dict()
    assert d["status"] == "good" and d["shoe_status"] == "good"
    assert "10-15%" in d["rules"]


@pytest.mark.parametrize(
    ("weeks", "shoe", "unit", "message"),
    [
        ([], None, "km", "at least one week"),
        ([20, -5], None, "km", "Week 2 .*negative"),
        ([20, "lots"], None, "km", "Week 2 .*number"),
        ("20,25", None, "km", "list of numbers"),
        ([20, float("nan")], None, "km", "finite"),
        ([20, True], None, "km", "number"),
        ([20], -1, "km", "Shoe distance .*negative"),
        ([20], None, "furlongs", "unit"),
    ],
)
def test_bad_input_is_a_clear_gaitcam_error(weeks, shoe, unit, message):
    with pytest.raises(TrainingInputError, match=message) as err:
        check_training_load(weeks, shoe_km=shoe, unit=unit)
    assert isinstance(err.value, GaitcamError) and err.value.hint


def test_training_advice_covers_the_basics():
    text = " ".join(a["text"] for a in TRAINING_ADVICE).lower()
    for needle in ("warm", "5 minutes of easy", "300-500 miles", "480-800 km", "10-15%",
                   "3-4 weeks", "trails", "grass", "track", "swimming", "cycling"):
        assert needle in text, needle
