"""From findings to action: exercises with gaitcam's own illustrations, the finding -> cause ->
action map, training advice and load check, flare-up care, red flags and the personal plan.

gaitcam educates; it does not diagnose (see `DISCLAIMER`).
"""

from gaitcam.advice.actions import ActionMap, Cause, FindingActions, load_actions
from gaitcam.advice.exercises import (
    Exercise,
    ExerciseDataError,
    exercise_svg,
    get_exercise,
    load_exercises,
)
from gaitcam.advice.flare_up import FLARE_UP_EXERCISES, FLARE_UP_STEPS, flare_up_section
from gaitcam.advice.plan import PlanInputError, build_plan
from gaitcam.advice.plan_html import plan_html
from gaitcam.advice.red_flags import (
    DISCLAIMER,
    RED_FLAG_QUESTIONS,
    RedFlagInputError,
    RedFlagQuestion,
    RedFlagResult,
    assess_red_flags,
)
from gaitcam.advice.training import (
    TRAINING_ADVICE,
    LoadCheck,
    LoadIssue,
    TrainingInputError,
    check_training_load,
)

__all__ = [
    "DISCLAIMER", "FLARE_UP_EXERCISES", "FLARE_UP_STEPS", "RED_FLAG_QUESTIONS",
    "TRAINING_ADVICE", "ActionMap", "Cause", "Exercise", "ExerciseDataError", "FindingActions",
    "LoadCheck", "LoadIssue", "PlanInputError", "RedFlagInputError", "RedFlagQuestion",
    "RedFlagResult", "TrainingInputError", "assess_red_flags", "build_plan",
    "check_training_load", "exercise_svg", "flare_up_section", "get_exercise", "load_actions",
    "load_exercises", "plan_html",
]
