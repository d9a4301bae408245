"""The finding ids the advice covers: the registry's, or the fixed shared list without it."""

from __future__ import annotations

#: The 16 finding ids of the shared contract.
FIXED_FINDING_IDS: tuple[str, ...] = (
    "low_cadence", "forward_trunk_lean", "backward_trunk_lean", "overstride", "tibia_overstride",
    "heel_strike", "stiff_knee_landing", "high_vertical_oscillation", "limited_hip_extension",
    "long_ground_contact", "pelvic_drop", "lateral_trunk_lean", "excessive_trunk_sway",
    "crossover_gait", "knee_valgus", "asymmetry",
)


def known_finding_ids() -> tuple[str, ...]:
    """Finding ids of `gaitcam.registry.FINDINGS` plus the fixed list (registry first)."""
    try:
        from gaitcam.registry import FINDINGS
    except ImportError:
        return FIXED_FINDING_IDS
    ids = tuple(str(k) for k in FINDINGS)
    return ids + tuple(f for f in FIXED_FINDING_IDS if f not in ids)
