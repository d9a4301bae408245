"""How the rendered runner looks: skin, hair, clothing and shoe colours, body build (seeded).

Colours are BGR uint8 triples (OpenCV order). Build factors scale the limb radii and torso
widths of `gaitcam.synthetic.BodyDims`; they change the silhouette, never the joint positions,
so the ground truth does not depend on the appearance.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

BGR = tuple[int, int, int]

# Skin tones from light to dark (BGR).
SKIN_TONES: tuple[BGR, ...] = (
    (189, 208, 241), (160, 190, 232), (130, 170, 215), (105, 145, 198), (80, 115, 165),
    (60, 85, 125), (45, 62, 95),
)
HAIR_COLOURS: tuple[BGR, ...] = (
    (20, 20, 25), (25, 40, 70), (40, 70, 110), (60, 110, 170), (150, 150, 150), (35, 30, 30),
)
# Saturated clothing colours that read well against skin and the backgrounds.
CLOTHING: tuple[BGR, ...] = (
    (200, 90, 30), (40, 40, 200), (40, 160, 40), (30, 140, 230), (140, 50, 140),
    (160, 120, 20), (50, 50, 50), (30, 200, 220), (120, 60, 20), (20, 90, 200),
    (60, 60, 150), (110, 110, 40),
)
SHOES: tuple[BGR, ...] = (
    (200, 60, 20), (30, 30, 220), (240, 240, 240), (25, 25, 25), (20, 180, 240), (60, 180, 60),
)
HAIR_STYLES = ("short", "ponytail", "bun")


@dataclass(frozen=True)
class Appearance:
    """Colours (BGR) and build of the rendered runner.

    build: limb radius factor (1 = BodyDims.limb_radius); torso: torso width/depth factor.
    sleeves: shirt sleeve length as a fraction of the upper arm (0 = singlet).
    shorts_length: shorts leg length as a fraction of the thigh.
    shirt_hem_m: an untucked shirt hanging over the shorts: how far its hem reaches below the
    top of the waistband, metres along the trunk (0 = tucked in, the waistband shows; about
    0.04 m just covers the band). The hem follows the trunk, not the pelvis.
    """

    skin: BGR = (130, 170, 215)
    hair: BGR = (25, 40, 70)
    hair_style: str = "short"
    shirt: BGR = (200, 90, 30)
    shorts: BGR = (50, 50, 50)
    waistband: BGR = (235, 235, 235)
    shoes: BGR = (30, 30, 220)
    soles: BGR = (240, 240, 240)
    socks: BGR = (240, 240, 240)
    build: float = 1.0
    torso: float = 1.0
    sleeves: float = 0.35
    shorts_length: float = 0.4
    shirt_hem_m: float = 0.0

    def as_dict(self) -> dict:
        """Plain values; colours as "#RRGGBB" (RGB hex). shirt_hem_m only when untucked (> 0),
        so the truth files of tucked-shirt clips stay as they were."""
        d = asdict(self)
        if not d["shirt_hem_m"]:
            del d["shirt_hem_m"]
        return {k: "#{2:02X}{1:02X}{0:02X}".format(*v) if isinstance(v, tuple) else v
                for k, v in d.items()}


def _contrast(a: BGR, b: BGR) -> float:
    return float(np.abs(np.subtract(a, b, dtype=float)).sum())


def random_appearance(seed: int) -> Appearance:
    """A plausible runner look drawn from `seed` (shirt, shorts and shoes differ clearly)."""
    rng = np.random.default_rng([seed, 7])
    skin = SKIN_TONES[rng.integers(len(SKIN_TONES))]

    def pick(pool: tuple[BGR, ...], avoid: list[BGR], min_diff: float = 150.0) -> BGR:
        order = rng.permutation(len(pool))
        for k in order:
            if all(_contrast(pool[k], a) >= min_diff for a in avoid):
                return pool[k]
        return pool[order[0]]

    shirt = pick(CLOTHING, [skin])
    shorts = pick(CLOTHING, [skin, shirt])
    waistband = (235, 235, 235) if sum(shorts) < 450 else (30, 30, 30)
    shoes = pick(SHOES, [skin, shorts], 120.0)
    soles = (240, 240, 240) if sum(shoes) < 500 else (40, 40, 40)
    return Appearance(
        skin=skin,
        hair=HAIR_COLOURS[rng.integers(len(HAIR_COLOURS))],
        hair_style=HAIR_STYLES[rng.integers(len(HAIR_STYLES))],
        shirt=shirt,
        shorts=shorts,
        waistband=waistband,
        shoes=shoes,
        soles=soles,
        socks=(240, 240, 240) if rng.random() < 0.6 else (40, 40, 40),
        build=float(rng.uniform(0.9, 1.15)),
        torso=float(rng.uniform(0.92, 1.1)),
        sleeves=float(rng.choice([0.0, 0.3, 0.4])),
        shorts_length=float(rng.uniform(0.3, 0.5)),
    )
