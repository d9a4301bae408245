"""Parameters of the synthetic runner and the body dimensions they imply.

Body proportions follow Winter (Biomechanics and Motor Control of Human Movement, 4th ed. 2009,
fig. 4.1) as fractions of standing height H: thigh 0.245 H, shank 0.246 H, foot 0.152 H, ankle
height 0.039 H, hip joint to shoulder 0.288 H, upper arm 0.186 H, forearm 0.146 H, hand 0.108 H.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType

#: Parameters that may differ between the left and the right side (see `RunnerParams.left`).
SIDED = (
    "contact_time_ms",
    "lateral_trunk_lean_deg",
    "pelvic_drop_deg",
    "overstride_pct_leg",
    "foot_strike_angle_deg",
    "knee_flexion_ic_deg",
    "knee_valgus_deg",
    "knee_flexion_to_deg",
)

SETTINGS = ("treadmill", "overground")


@dataclass(frozen=True)
class SideParams:
    """The sided parameters resolved for one leg (values as in `RunnerParams`)."""

    contact_time_ms: float
    lateral_trunk_lean_deg: float
    pelvic_drop_deg: float
    overstride_pct_leg: float
    foot_strike_angle_deg: float
    knee_flexion_ic_deg: float
    knee_valgus_deg: float
    knee_flexion_to_deg: float


@dataclass(frozen=True)
class RunnerParams:
    """A steady runner, with every value the metrics should recover.

    Units and conventions are those of the report (docs/report_schema.md):
    - cadence_spm: steps per minute (both feet); speed_mps: running (belt) speed.
    - contact_time_ms: initial contact to toe-off of one foot.
    - trunk_lean_deg: mid-hip->mid-shoulder vs vertical in the sagittal plane, + = forward,
      constant over the stride.
    - lateral_trunk_lean_deg: frontal-plane trunk angle toward the stance side, reached at
      midstance (sin^2 profile over stance, upright during flight).
    - pelvic_drop_deg: hip line vs horizontal at midstance, + = swing-side hip lower (same
      sin^2 profile).
    - overstride_pct_leg: heel ahead of the mid-hip at initial contact, % of leg length
      (thigh + shank).
    - foot_strike_angle_deg: heel->toe vs horizontal at initial contact, + = toes up.
    - knee_flexion_ic_deg: 180 - interior hip-knee-ankle angle at initial contact.
    - vertical_oscillation_cm: peak-to-peak pelvis travel within a step.
    - step_width_cm: mediolateral distance between the left and right foot lines, negative =
      crossover.
    - knee_valgus_deg: frontal plane projection angle at midstance, + = knee medial.
    - knee_flexion_to_deg: knee flexion at toe-off (the plantarflexion at toe-off is solved to
      reach it).
    - left / right: overrides of the SIDED parameters for one leg, e.g.
      ``RunnerParams(left={"pelvic_drop_deg": 8.0})``. Values "per side" belong to that side's
      stance (pelvic drop during left stance is the left value).
    - setting: "treadmill" (pelvis stays at x = 0, the belt moves) or "overground" (the pelvis
      moves forward at speed_mps).
    - heel_marker_cm: height of the heel LANDMARK above the sole (MediaPipe's heel point is on
      the back of the shoe, so a flat foot's heel->toe line reads toes-down); the overstride
      truth then uses that landmark, the foot-strike truth stays the sole's angle.
    """

    height_m: float = 1.75
    cadence_spm: float = 170.0
    speed_mps: float = 2.8
    contact_time_ms: float = 250.0
    trunk_lean_deg: float = 6.0
    lateral_trunk_lean_deg: float = 2.0
    pelvic_drop_deg: float = 4.0
    overstride_pct_leg: float = 12.0
    foot_strike_angle_deg: float = 12.0
    knee_flexion_ic_deg: float = 15.0
    vertical_oscillation_cm: float = 8.0
    step_width_cm: float = 6.0
    knee_valgus_deg: float = 3.0
    knee_flexion_to_deg: float = 25.0
    arm_swing_deg: float = 30.0
    pelvis_sway_cm: float = 1.5
    heel_marker_cm: float = 0.0
    setting: str = "treadmill"
    left: Mapping[str, float] = field(default_factory=dict)
    right: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.setting not in SETTINGS:
            raise ValueError(f"setting must be one of {SETTINGS}, got {self.setting!r}")
        for name in ("left", "right"):
            over = dict(getattr(self, name))
            unknown = set(over) - set(SIDED)
            if unknown:
                raise ValueError(f"{name} overrides unknown or unsided parameters {unknown}")
            object.__setattr__(self, name, MappingProxyType(over))
        if not 60.0 <= self.cadence_spm <= 260.0:
            raise ValueError("cadence_spm must be within 60..260")
        if self.height_m <= 0.5 or self.speed_mps <= 0:
            raise ValueError("height_m and speed_mps must be positive and realistic")

    def side(self, side: str) -> SideParams:
        """The sided parameters of the `side` ("left" or "right") leg."""
        over = self.left if side == "left" else self.right
        return SideParams(**{n: float(over.get(n, getattr(self, n))) for n in SIDED})

    def with_(self, **changes: object) -> RunnerParams:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def stride_s(self) -> float:
        return 120.0 / self.cadence_spm

    def as_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)}
        out["left"], out["right"] = dict(self.left), dict(self.right)
        return out


@dataclass(frozen=True)
class BodyDims:
    """Segment lengths and widths in metres (see the module docstring for the proportions).

    `leg` = thigh + shank (hip joint to ankle joint): the leg length the metrics normalise by.
    Foot points in the foot frame (origin at the heel on the sole, x forward along the sole,
    z up): heel (0, 0), toe tip (foot, 0), ankle (ankle_x, ankle_z).
    """

    height: float
    thigh: float
    shank: float
    foot: float
    ankle_x: float
    ankle_z: float
    hip_width: float
    trunk: float
    shoulder_width: float
    upper_arm: float
    forearm: float
    hand: float
    neck: float
    head_radius: float
    limb_radius: dict[str, float]

    @property
    def leg(self) -> float:
        return self.thigh + self.shank


def body_dims(height_m: float) -> BodyDims:
    """Body dimensions for a runner `height_m` tall."""
    h = height_m
    return BodyDims(
        height=h,
        thigh=0.245 * h,
        shank=0.246 * h,
        foot=0.152 * h,
        ankle_x=0.032 * h,
        ankle_z=0.039 * h,
        hip_width=0.11 * h,
        trunk=0.288 * h,
        shoulder_width=0.23 * h,
        upper_arm=0.186 * h,
        forearm=0.146 * h,
        hand=0.108 * h,
        neck=0.075 * h,
        head_radius=0.065 * h,
        limb_radius={
            "thigh": 0.037 * h, "shank": 0.027 * h, "foot": 0.022 * h, "upper_arm": 0.022 * h,
            "forearm": 0.018 * h, "trunk": 0.085 * h, "neck": 0.03 * h,
        },
    )
