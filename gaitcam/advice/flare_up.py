"""What to do when the lower back flares up: relative rest, ice then heat, gentle movement."""

from __future__ import annotations

from typing import Any

#: Exercises for a flare-up, gentlest first (all in `exercises.json`, category "flare-up").
FLARE_UP_EXERCISES: tuple[str, ...] = ("knee_to_chest", "cat_cow", "childs_pose")

FLARE_UP_STEPS: tuple[dict[str, str], ...] = (
    {"id": "relative_rest",
     "title": "Rest from what aggravates it",
     "text": "Pause running and anything else that clearly makes the pain worse (long sitting, "
             "lifting, bending). Don't stay in bed: gentle walking and normal daily activity "
             "within comfort help the back recover faster than complete rest."},
    {"id": "ice_then_heat",
     "title": "Ice first, heat later",
     "text": "In the first 48-72 hours, an ice pack or frozen peas wrapped in a cloth for "
             "15-20 minutes at a time, a few times a day (never directly on the skin). After "
             "that acute phase, heat (a warm pack, hot-water bottle or warm bath for 15-20 "
             "minutes) to relax tight muscles."},
    {"id": "gentle_movement",
     "title": "Gentle movement in a pain-free range",
     "text": "Once or twice a day: knee-to-chest, cat-cow and child's pose, slowly and in a "
             "pain-free range, only as far as is comfortable. Stop any movement that makes the "
             "pain sharper or sends it down a leg."},
    {"id": "pain_relief",
     "title": "Pain relief",
     "text": "Over-the-counter pain relief can help you keep moving for a few days; take it "
             "only as the label and a pharmacist advise, who can check it suits your health "
             "and other medicines."},
    {"id": "return_to_running",
     "title": "Returning to running",
     "text": "Come back when you can walk briskly and do the gentle exercises without pain: "
             "start with short, easy runs (or run-walk) on soft, flat ground and build up "
             "over one to two weeks."},
    {"id": "when_to_get_help",
     "title": "When to get help",
     "text": "If the pain lasts more than one to two weeks, gets worse despite rest, or comes "
             "with any red flag below, see a doctor or physiotherapist."},
)


def flare_up_section() -> dict[str, Any]:
    """Flare-up care as JSON for a plan."""
    return {
        "intro": "If your lower back flares up:",
        "steps": [dict(s) for s in FLARE_UP_STEPS],
        "exercises": list(FLARE_UP_EXERCISES),
    }
