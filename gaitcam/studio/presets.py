"""Named runners for the studio: each preset is a set of `RunnerParams` values.

The values are chosen to sit clearly inside (good_form) or outside (the others) the bands of
gaitcam.registry, so a clip made from a preset shows the finding it is named after.
"""

from __future__ import annotations

from types import MappingProxyType

from gaitcam.synthetic import RunnerParams

PRESETS: MappingProxyType[str, MappingProxyType[str, float]] = MappingProxyType({
    name: MappingProxyType(values) for name, values in {
        # Quick steps landing under the body on the midfoot, upright trunk, level pelvis.
        "good_form": {
            "cadence_spm": 176.0, "trunk_lean_deg": 6.0, "overstride_pct_leg": 8.0,
            "foot_strike_angle_deg": 5.0, "knee_flexion_ic_deg": 20.0, "pelvic_drop_deg": 3.0,
            "lateral_trunk_lean_deg": 2.0, "knee_valgus_deg": 2.0,
        },
        # Overstriding heel striker: long slow steps, heel far ahead, shank tilted forward.
        "overstride": {
            "cadence_spm": 156.0, "overstride_pct_leg": 35.0, "foot_strike_angle_deg": 20.0,
            "knee_flexion_ic_deg": 15.0, "speed_mps": 2.6, "contact_time_ms": 280.0,
            "trunk_lean_deg": 5.0,
        },
        "forward_lean": {"trunk_lean_deg": 15.0, "cadence_spm": 168.0},
        "pelvic_drop": {"pelvic_drop_deg": 9.0, "lateral_trunk_lean_deg": 2.0},
        "heel_strike": {"foot_strike_angle_deg": 22.0, "overstride_pct_leg": 20.0,
                        "knee_flexion_ic_deg": 12.0, "cadence_spm": 162.0},
        "forefoot": {"foot_strike_angle_deg": -8.0, "overstride_pct_leg": 4.0,
                     "knee_flexion_ic_deg": 22.0, "cadence_spm": 180.0},
        "low_cadence": {"cadence_spm": 150.0, "speed_mps": 2.5, "contact_time_ms": 290.0},
    }.items()
})


def preset_params(name: str, **overrides: float) -> RunnerParams:
    """RunnerParams of preset `name` with some values overridden."""
    if name not in PRESETS:
        raise KeyError(f"unknown preset {name!r}; known: {', '.join(PRESETS)}")
    return RunnerParams(**{**PRESETS[name], **overrides})
