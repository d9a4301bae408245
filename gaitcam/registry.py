"""The one registry of gaitcam's metrics, their bands, the findings they raise and the evidence.

Everything that says what a number means lives here: label, unit, views, sign convention, the
good/watch bands, which finding fires on which side of a band, and the sources behind the band.
The report, the UI and docs/metrics.md all read this module, so they cannot disagree.

Bands: a value inside ``good`` is "good", inside ``watch`` but not ``good`` is "watch", outside
``watch`` is "flag". ``None`` as a bound means unbounded on that side. A metric with no accepted
cut-off has ``good = watch = None`` and its status is always "info". Where a band is a convention
(a common coaching number) rather than a measured association, ``evidence == "convention"`` says so.

Regenerate docs/metrics.md with ``python -m gaitcam.registry --write docs/metrics.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

Band = tuple[float | None, float | None]

STATUSES = ("good", "watch", "flag", "info", "not_measurable")

#: Gait types a report can describe (report["gait"]["type"]), and those the bands and findings
#: are for. Every band and finding here describes running; a walking clip's values get status
#: "info" and raise no findings (walking has double support, a slower step rate and a heel
#: strike by nature, so running bands would misjudge it).
GAIT_TYPES = ("running", "walking")
BANDED_GAITS = ("running",)
SEVERITY_RANK = {"flag": 2, "watch": 1}

#: Metrics whose confidence (0..1) is below this are not turned into findings: a finding that
#: rests on a guess does more harm than silence. The metric itself is still reported.
MIN_FINDING_CONFIDENCE = 0.3

#: Foot-strike angle (degrees, heel->toe line vs horizontal at initial contact, toes up positive,
#: relative to the standing foot) separating the patterns, from Altman & Davis 2012:
#: rearfoot > 8.0 deg, midfoot -1.6 .. 8.0 deg, forefoot < -1.6 deg.
FOOT_STRIKE_THRESHOLDS_DEG = {"rearfoot_above": 8.0, "forefoot_below": -1.6}

#: Left/right difference above which the `asymmetry` finding fires, by how it is measured.
#: "deg": |L - R| in degrees (a percentage of a small angle is meaningless: 4 vs 6 deg would be
#: "40 %"); "points": |L - R| in percentage points for metrics already in % of leg length (they
#: can sit near 0); "pct": |L - R| / mean(|L|, |R|) * 100 for everything else (contact time,
#: duty factor). All conventions: the angle edges sit above the 2D smallest detectable
#: differences (about 2-5 deg, Dingenen 2018) and single-camera error (RMSE 5-8 deg, Van Hooren
#: 2023); 10/15 % are customary asymmetry-index cut-offs, not injury thresholds.
ASYMMETRY_THRESHOLDS: dict[str, dict[str, float]] = {
    "deg": {"watch": 5.0, "flag": 8.0},
    "points": {"watch": 6.0, "flag": 10.0},
    "pct": {"watch": 10.0, "flag": 15.0},
}

#: Per-metric asymmetry edges replacing ASYMMETRY_THRESHOLDS where the method cannot resolve a
#: left/right difference that small. knee_valgus_deg: MediaPipe's knee-valgus error differs by
#: image side (the leg on the image's right reads more valgus; mirroring the clip keeps it on
#: the image's right, so it is the pose model, not gaitcam's side mapping): on rendered
#: symmetric runners the full model read left - right = -3.8 to -7.9 deg in all 6 rear-view
#: clips (mean -6.1; front view +1.1 to +1.9; lite and heavy up to 3.8 deg), so a difference
#: under 10 deg is not evidence of an asymmetric knee. 2D frontal plane projection angles are
#: also poor proxies of 3D valgus (Straub & Powers 2022).
ASYMMETRY_THRESHOLDS_BY_METRIC: dict[str, dict[str, float]] = {
    "knee_valgus_deg": {"watch": 10.0, "flag": 15.0},
}

#: Asymmetry rests on half the steps of each side, so its ranking score is scaled by this
#: weight: it ranks after a band finding that lies as far outside its band.
ASYMMETRY_RANK_WEIGHT = 0.5


@dataclass(frozen=True)
class Source:
    """A published source: full `citation`; `finding` = one sentence of what supports a band."""

    key: str
    citation: str
    finding: str


@dataclass(frozen=True)
class MetricDef:
    """Definition, sign convention, bands and evidence of one report metric.

    `good` and `watch` are (lo, hi) bands in `unit` (None = unbounded on that side), or both
    None for a metric shown for information only. `finding_high` / `finding_low` name the
    finding raised above / below the good band. `higher_is` ("worse", "better" or None) is for
    display only. `evidence` is "evidence" when the direction and rough size of the band come
    from studies, "convention" when the numbers are customary; `note` says which, in words.
    """

    key: str
    label: str
    unit: str
    views: tuple[str, ...]
    definition: str
    sign_convention: str
    explanation: str
    bilateral: bool
    good: Band | None
    watch: Band | None
    higher_is: str | None
    finding_high: str | None
    finding_low: str | None
    sources: tuple[str, ...]
    evidence: str
    note: str = ""

    @property
    def is_info(self) -> bool:
        """True when the metric has no bands (status is always "info")."""
        return self.good is None or self.watch is None


@dataclass(frozen=True)
class FindingDef:
    """A finding: what it is called, which metric and direction raise it, and what to tell.

    `metric` is None only for `asymmetry` (any bilateral metric). The messages are plain
    language for a jogger; {value} is filled with the formatted value ({label} and {detail} for
    asymmetry).
    """

    id: str
    title: str
    metric: str | None
    direction: str
    message_watch: str
    message_flag: str


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------

_SOURCES: tuple[Source, ...] = (
    Source(
        "souza2016",
        "Souza RB. An evidence-based videotaped running biomechanics analysis. "
        "Phys Med Rehabil Clin N Am. 2016;27(1):217-236. doi:10.1016/j.pmr.2015.08.006",
        "Describes a 2D video running analysis and states that foot inclination at contact has "
        "no cut-off (a sliding scale, possibly benign in isolation and to be judged with "
        "overstriding) and that the feet should not overlap when seen from behind.",
    ),
    Source(
        "bramah2018",
        "Bramah C, Preece SJ, Gill N, Herrington L. Is there a pathological gait associated "
        "with common soft tissue running injuries? Am J Sports Med. 2018;46(12):3023-3031. "
        "doi:10.1177/0363546518793657",
        "72 injured runners vs 36 controls (3D): the injured showed more contralateral pelvic "
        "drop and forward trunk lean at midstance and a more extended knee and dorsiflexed "
        "ankle at initial contact; each extra degree of pelvic drop raised the odds of being "
        "injured by about 80%.",
    ),
    Source(
        "altman2012",
        "Altman AR, Davis IS. A kinematic method for footstrike pattern detection in barefoot "
        "and shod runners. Gait Posture. 2012;35(2):298-300. doi:10.1016/j.gaitpost.2011.09.104",
        "The sagittal foot-strike angle (foot vs ground at contact, minus standing) tracks the "
        "strike index and classifies rearfoot (> 8.0 deg), midfoot (-1.6 to 8.0 deg) and "
        "forefoot (< -1.6 deg) strikes.",
    ),
    Source(
        "mo2023",
        "Mo S, Huang M, Ng L, Cheung RTH. Footstrike angle cut-off values to classify "
        "footstrike pattern in runners. Res Sports Med. 2023 (epub 2021).",
        "Against the strike index, the best foot-strike-angle cut-offs were -0.8 deg "
        "(forefoot) and 7.4 deg (rearfoot), close to Altman & Davis 2012.",
    ),
    Source(
        "hamill2017",
        "Hamill J, Gruber AH. Is changing footstrike pattern beneficial to runners? "
        "J Sport Health Sci. 2017;6(2):146-153.",
        "Review: changing to a mid- or forefoot strike does not improve economy, does not "
        "remove the impact and has not been shown to reduce injuries; rearfoot striking is "
        "the most common pattern.",
    ),
    Source(
        "lieberman2010",
        "Lieberman DE, Venkadesan M, Werbel WA, et al. Foot strike patterns and collision "
        "forces in habitually barefoot versus shod runners. Nature. 2010;463(7280):531-535. "
        "doi:10.1038/nature08723",
        "Rearfoot strikes produce a marked vertical impact transient that forefoot strikes "
        "largely avoid.",
    ),
    Source(
        "lieberman2015",
        "Lieberman DE, et al. Effects of stride frequency and foot position at landing on "
        "braking force, hip torque, impact peak force and the metabolic cost of running in "
        "humans. J Exp Biol. 2015;218(21):3406-3414. doi:10.1242/jeb.125500",
        "Landing with the foot further ahead of the hip went with larger braking forces, and "
        "further ahead of the knee with a larger, faster impact peak; the authors suggest "
        "landing with a relatively vertical tibia.",
    ),
    Source(
        "wille2014",
        "Wille CM, Lenhart RL, Wang S, Thelen DG, Heiderscheit BC. Ability of sagittal "
        "kinematic variables to estimate ground reaction forces and joint kinetics in running. "
        "J Orthop Sports Phys Ther. 2014;44(10):825-830. doi:10.2519/jospt.2014.5367",
        "In 45 runners, centre-of-mass vertical excursion, foot inclination, heel-to-centre-of-"
        "mass distance and knee flexion at contact estimated knee loading, peak vertical force "
        "and braking impulse (R2 about 0.4-0.6).",
    ),
    Source(
        "heiderscheit2011",
        "Heiderscheit BC, Chumanov ES, Michalski MP, Wille CM, Ryan MB. Effects of step rate "
        "manipulation on joint mechanics during running. Med Sci Sports Exerc. "
        "2011;43(2):296-302. doi:10.1249/MSS.0b013e3181ebedf4",
        "In 45 recreational runners at constant speed, +5% and +10% step rate lowered knee "
        "(and at +10% hip) energy absorption, step length, centre-of-mass vertical excursion "
        "and braking impulse; -10% raised the loads.",
    ),
    Source(
        "vanoeveren2017",
        "van Oeveren BT, de Ruiter CJ, Beek PJ, van Dieen JH. Optimal stride frequencies in "
        "running at different speeds. PLoS One. 2017;12(10):e0184273. "
        "doi:10.1371/journal.pone.0184273",
        "Inexperienced runners chose 77-80 strides/min (154-160 steps/min) at 2.4-2.9 m/s, "
        "slightly below their heart-rate optimum of about 83 strides/min (166 steps/min).",
    ),
    Source(
        "deruiter2020",
        "de Ruiter CJ, et al. Individual optimal step frequency during outdoor running. "
        "Eur J Sport Sci. 2020;20(2):182-190. doi:10.1080/17461391.2019.1626911",
        "Recreational runners outdoors at about 3.0 m/s chose 165 +- 8 steps/min (optimum "
        "171 +- 8); step frequency fell with body height and rose with speed.",
    ),
    Source(
        "teng2015",
        "Teng HL, Powers CM. Influence of trunk posture on lower extremity energetics during "
        "running. Med Sci Sports Exerc. 2015;47(3):625-630. doi:10.1249/MSS.0000000000000436",
        "40 recreational runners at 3.4 m/s split into high and low trunk flexion groups "
        "(10.8 +- 2.2 vs 3.6 +- 2.8 deg): more flexion shifted work from the knee to the hip "
        "extensors.",
    ),
    Source(
        "folland2017",
        "Folland JP, Allen SJ, Black MI, Handsaker JC, Forrester SE. Running technique is an "
        "important component of running economy and performance. Med Sci Sports Exerc. "
        "2017;49(7):1412-1423.",
        "In 97 endurance runners, pelvis vertical oscillation during contact (normalised to "
        "height), minimum knee angle in contact and pelvis braking explained part of the "
        "energy cost; less oscillation went with better economy.",
    ),
    Source(
        "dingenen2018",
        "Dingenen B, Barton C, Janssen T, Benoit A, Malliaras P. Test-retest reliability of "
        "two-dimensional video analysis during running. Phys Ther Sport. 2018;33:40-47. "
        "doi:10.1016/j.ptsp.2018.06.009",
        "2D video in 21 runners: lateral trunk position and foot inclination ICC 0.90-0.99 "
        "(smallest detectable difference 1.3-2.3 deg), tibia inclination 0.73-0.92 "
        "(2.2-4.8 deg), knee flexion 0.82-0.89 (2.3-3.8 deg), contralateral pelvic drop "
        "0.59-0.77 (2.7-2.8 deg); the mean of at least 7 steps is needed.",
    ),
    Source(
        "whitney2022",
        "Whitney KE, Sugimoto D, d'Hemecourt CA, d'Hemecourt DA, d'Hemecourt PA. Running gait "
        "biomechanics in female runners with sacroiliac joint pain. J Phys Ther Sci. "
        "2022;34(4):327-334. doi:10.1589/jpts.34.327",
        "On 2D treadmill video, 18 female runners with sacroiliac joint pain showed less knee "
        "flexion, more tibial overstride and more ankle dorsiflexion at contact and more "
        "contralateral pelvic drop at midstance than 63 matched controls.",
    ),
    Source(
        "seay2011",
        "Seay JF, Van Emmerik REA, Hamill J. Low back pain status affects pelvis-trunk "
        "coordination and variability during walking and running. Clin Biomech. "
        "2011;26(6):572-578. doi:10.1016/j.clinbiomech.2010.11.012",
        "Runners with (or recovered from) low back pain ran with more in-phase transverse-plane "
        "trunk-pelvis coordination and less coordination variability than controls.",
    ),
    Source(
        "noehren2007",
        "Noehren B, Davis I, Hamill J. Prospective study of the biomechanical factors "
        "associated with iliotibial band syndrome. Clin Biomech. 2007;22(9):951-956.",
        "Female runners who later developed iliotibial band syndrome ran with greater peak hip "
        "adduction and knee internal rotation than those who stayed healthy.",
    ),
    Source(
        "meardon2012",
        "Meardon SA, Campbell S, Derrick TR. Step width alters iliotibial band strain during "
        "running. Sports Biomech. 2012;11(4):464-472. doi:10.1080/14763141.2012.699547",
        "Running about 5% of leg length narrower than preferred raised iliotibial band strain "
        "and strain rate, linearly with decreasing step width.",
    ),
    Source(
        "willy2011",
        "Willy RW, Davis IS. The effect of a hip-strengthening program on mechanics during "
        "running and during a single-leg squat. J Orthop Sports Phys Ther. 2011;41(9):625-632.",
        "Six weeks of hip strengthening raised hip strength and improved single-leg-squat "
        "mechanics but did not change hip or knee mechanics while running.",
    ),
    Source(
        "straub2022",
        "Straub RK, Powers CM. Does the 2D frontal plane projection angle predict frontal "
        "plane knee moments during stepping, landing, and change of direction tasks? "
        "Int J Sports Phys Ther. 2022;17(7):1259-1270. doi:10.26603/001c.39612",
        "The 2D knee frontal plane projection angle agrees poorly with 3D knee valgus (it mixes "
        "hip and knee motion in several planes) and explains at most about 45% of frontal "
        "plane knee moments, in stepping, landing and cutting tasks.",
    ),
    Source(
        "young2023",
        "Young F, Mason R, Morris R, Stuart S, Godfrey A. Internet-of-Things-enabled "
        "markerless running gait assessment from a single smartphone camera. Sensors. "
        "2023;23(2):696. doi:10.3390/s23020696",
        "BlazePose on one phone vs Vicon: ICC 0.75-0.90+ for contact time, swing and step time, "
        "knee flexion and foot-strike location; timing error 10-14 ms on the near side, worse "
        "on the occluded far side.",
    ),
    Source(
        "vanhooren2023",
        "Van Hooren B, Pecasse N, Meijer K, Essers JMN. The accuracy of markerless motion "
        "capture combined with computer vision techniques for measuring running kinematics. "
        "Scand J Med Sci Sports. 2023;33(6):966-978. doi:10.1111/sms.14319",
        "2D OpenPose on a treadmill vs markers: hip, knee and ankle RMSE about 5-8 deg at "
        "2.78 m/s (knee up to 7.8 deg), with accuracy differing between individuals.",
    ),
)

SOURCES: dict[str, Source] = {s.key: s for s in _SOURCES}


# --------------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------------

_SIDE = ("side",)
_FRONTAL = ("rear", "front")
_ALL_VIEWS = ("side", "rear", "front")
_LEG = "leg length (hip to ankle, measured in the clip)"

_METRICS: tuple[MetricDef, ...] = (
    MetricDef(
        key="cadence_spm",
        label="Cadence",
        unit="steps/min",
        views=_ALL_VIEWS,
        definition="Steps (both feet) per minute, from the median interval between initial "
        "contacts.",
        sign_convention="Always positive.",
        explanation="How many steps you take a minute; a few more, shorter steps usually "
        "soften each landing.",
        bilateral=False,
        good=(160.0, None),
        watch=(150.0, None),
        higher_is="better",
        finding_high=None,
        finding_low="low_cadence",
        sources=("heiderscheit2011", "vanoeveren2017", "deruiter2020"),
        evidence="convention",
        note="Convention: cadence rises with speed and falls with height, and a 2D clip rarely "
        "knows the speed. 170-180 is folklore, not a target; novices chose about 154-160 at "
        "easy speeds. The evidence supports +5-10% over your own cadence, not a number.",
    ),
    MetricDef(
        key="trunk_lean_deg",
        label="Forward trunk lean",
        unit="deg",
        views=_SIDE,
        definition="Angle of the mid-hip->mid-shoulder line from vertical at midstance, median "
        "over steps.",
        sign_convention="Positive = leaning forward (toward the running direction).",
        explanation="How far your upper body tips forward from upright when you are over your "
        "foot.",
        bilateral=False,
        good=(-2.0, 10.0),
        watch=(-5.0, 13.0),
        higher_is=None,
        finding_high="forward_trunk_lean",
        finding_low="backward_trunk_lean",
        sources=("teng2015", "bramah2018", "vanhooren2023"),
        evidence="evidence",
        note="Healthy runners span about 3.6-10.8 deg (Teng & Powers 2015); injured runners "
        "lean further forward (Bramah 2018). The exact edges (10 and 13 deg) are a convention.",
    ),
    MetricDef(
        key="overstride_pct_leg",
        label="Overstride (heel ahead of hip)",
        unit="% leg",
        views=_SIDE,
        definition=f"Horizontal distance from the mid-hip to the heel at initial contact, as a "
        f"percentage of {_LEG}, median over steps.",
        sign_convention="Positive = heel lands ahead of the hip.",
        explanation="How far ahead of your hips your foot lands; landing closer under you "
        "brakes less.",
        bilateral=True,
        good=(None, 20.0),
        watch=(None, 30.0),
        higher_is="worse",
        finding_high="overstride",
        finding_low=None,
        sources=("lieberman2015", "heiderscheit2011", "wille2014"),
        evidence="convention",
        note="Convention: landing further ahead of the hip goes with more braking (Lieberman "
        "2015, Wille 2014) and +5-10% step rate shortens it (Heiderscheit 2011), but no study "
        "gives a cut-off. Most heel strikers land somewhat ahead of the hip.",
    ),
    MetricDef(
        key="shank_angle_ic_deg",
        label="Shin angle at landing",
        unit="deg",
        views=_SIDE,
        definition="Angle of the knee->ankle line from vertical at initial contact, median "
        "over steps.",
        sign_convention="Positive = ankle ahead of the knee (shin reaching forward).",
        explanation="Whether your shin is upright when your foot touches down; a shin reaching "
        "forward means braking.",
        bilateral=True,
        good=(None, 7.0),
        watch=(None, 12.0),
        higher_is="worse",
        finding_high="tibia_overstride",
        finding_low=None,
        sources=("lieberman2015", "whitney2022", "dingenen2018"),
        evidence="convention",
        note="Convention: a near-vertical shin at landing is advised (Lieberman 2015) and "
        "runners with sacroiliac joint pain showed more tibial overstride (Whitney 2022), but "
        "no cut-off is published; 2D repeatability is 2.2-4.8 deg (Dingenen 2018).",
    ),
    MetricDef(
        key="foot_strike_angle_deg",
        label="Foot angle at landing",
        unit="deg",
        views=_SIDE,
        definition="Angle of the heel->toe line from horizontal at initial contact, median "
        "over steps.",
        sign_convention="Positive = toes up (dorsiflexed, heel first); negative = toes down.",
        explanation="How much your toes point up when you land: a big angle means heel first, "
        "near zero a flat foot.",
        bilateral=True,
        good=None,
        watch=None,
        higher_is=None,
        finding_high="heel_strike",
        finding_low=None,
        sources=("souza2016", "wille2014", "bramah2018", "hamill2017", "lieberman2010"),
        evidence="evidence",
        note="No accepted cut-off (Souza 2016: a sliding scale, possibly benign in isolation); "
        "compare with your own history. heel_strike fires only for a rearfoot strike together "
        "with an overstride or tibia_overstride finding, never from the angle alone.",
    ),
    MetricDef(
        key="foot_strike_pattern",
        label="Foot-strike pattern",
        unit="",
        views=_SIDE,
        definition="rearfoot / midfoot / forefoot from the foot-strike angle with "
        "FOOT_STRIKE_THRESHOLDS_DEG (Altman & Davis 2012).",
        sign_convention='Categorical: "rearfoot", "midfoot" or "forefoot".',
        explanation="Which part of your foot touches the ground first.",
        bilateral=True,
        good=None,
        watch=None,
        higher_is=None,
        finding_high=None,
        finding_low=None,
        sources=("altman2012", "mo2023", "hamill2017"),
        evidence="evidence",
        note="Not graded: most healthy joggers land on the heel (Hamill & Gruber 2017). The "
        "thresholds assume the standing foot reads about 0 deg, which a 2D clip cannot check.",
    ),
    MetricDef(
        key="knee_flexion_ic_deg",
        label="Knee bend at landing",
        unit="deg",
        views=_SIDE,
        definition="180 minus the interior hip-knee-ankle angle at initial contact, median "
        "over steps.",
        sign_convention="0 = straight knee; positive = bent.",
        explanation="How bent your knee is as your foot lands; a soft knee absorbs the landing.",
        bilateral=True,
        good=(12.0, None),
        watch=(8.0, None),
        higher_is="better",
        finding_high=None,
        finding_low="stiff_knee_landing",
        sources=("bramah2018", "whitney2022", "vanhooren2023"),
        evidence="evidence",
        note="Injured runners (Bramah 2018) and runners with sacroiliac joint pain (Whitney "
        "2022) landed with straighter knees; the 12 and 8 deg edges are a convention, set low "
        "because single-camera knee angles carry about 8 deg RMSE (Van Hooren 2023).",
    ),
    MetricDef(
        key="vertical_oscillation_pct_leg",
        label="Vertical bounce",
        unit="% leg",
        views=_SIDE,
        definition=f"Peak-to-peak vertical travel of the mid-hip within each stride, as a "
        f"percentage of {_LEG}, median over strides.",
        sign_convention="Always positive.",
        explanation="How much your hips bob up and down each step; more bounce costs energy "
        "and lands harder.",
        bilateral=False,
        good=(None, 12.0),
        watch=(None, 15.0),
        higher_is="worse",
        finding_high="high_vertical_oscillation",
        finding_low=None,
        sources=("folland2017", "heiderscheit2011", "wille2014"),
        evidence="convention",
        note="Convention: less pelvis oscillation went with better economy (Folland 2017) and "
        "more centre-of-mass excursion with higher loads (Wille 2014), but no cut-off exists.",
    ),
    MetricDef(
        key="vertical_oscillation_cm",
        label="Vertical bounce (cm)",
        unit="cm",
        views=_SIDE,
        definition="Peak-to-peak vertical travel of the mid-hip within each stride in "
        "centimetres (needs a scale: the runner's height or world coordinates).",
        sign_convention="Always positive.",
        explanation="How many centimetres your hips bob up and down each step.",
        bilateral=False,
        good=None,
        watch=None,
        higher_is="worse",
        finding_high=None,
        finding_low=None,
        sources=("folland2017",),
        evidence="evidence",
        note="Shown for information: it depends on body size, so the bands use the "
        "leg-length-normalised value.",
    ),
    MetricDef(
        key="hip_extension_deg",
        label="Hip extension at push-off",
        unit="deg",
        views=_SIDE,
        definition="Angle of the thigh (hip->knee) behind vertical around toe-off (its peak in "
        "late stance), median over steps.",
        sign_convention="Positive = thigh behind vertical.",
        explanation="How far your thigh swings back behind you as you push off.",
        bilateral=True,
        good=(10.0, None),
        watch=(5.0, None),
        higher_is="better",
        finding_high=None,
        finding_low="limited_hip_extension",
        sources=("souza2016", "vanhooren2023"),
        evidence="convention",
        note="Convention: it grows with speed, and a thigh angle in the image includes pelvic "
        "tilt, so it is not hip extension relative to the pelvis. No cut-off is published.",
    ),
    MetricDef(
        key="contact_time_ms",
        label="Ground contact time",
        unit="ms",
        views=_SIDE,
        definition="Time from initial contact to toe-off of the same foot, median over steps.",
        sign_convention="Always positive.",
        explanation="How long each foot stays on the ground.",
        bilateral=True,
        good=None,
        watch=None,
        higher_is="worse",
        finding_high=None,
        finding_low=None,
        sources=("young2023", "folland2017"),
        evidence="evidence",
        note="No band: strongly speed dependent, and at 30 fps one frame is 33 ms. Compare with "
        "your own history at the same pace; the band lives on duty factor.",
    ),
    MetricDef(
        key="duty_factor_pct",
        label="Duty factor",
        unit="%",
        views=_SIDE,
        definition="Contact time as a percentage of stride time, for one foot, median over "
        "strides.",
        sign_convention="Always positive; below 50% there is a flight phase.",
        explanation="The share of each stride your foot spends on the ground.",
        bilateral=True,
        good=(None, 42.0),
        watch=(None, 48.0),
        higher_is="worse",
        finding_high="long_ground_contact",
        finding_low=None,
        sources=("folland2017",),
        evidence="convention",
        note="Convention for easy running: duty factor falls with speed, and near 50% there is "
        "hardly any flight (a shuffle). No injury cut-off exists.",
    ),
    MetricDef(
        key="pelvic_drop_deg",
        label="Pelvic drop",
        unit="deg",
        views=_FRONTAL,
        definition="Angle of the left-hip->right-hip line from horizontal at midstance, median "
        "over steps.",
        sign_convention="Positive = the swing-side hip is lower than the stance-side hip.",
        explanation="How much the hip on the side of the lifted leg sags when you stand on one "
        "leg.",
        bilateral=True,
        good=(None, 5.0),
        watch=(None, 8.0),
        higher_is="worse",
        finding_high="pelvic_drop",
        finding_low=None,
        sources=("bramah2018", "whitney2022", "dingenen2018", "willy2011"),
        evidence="evidence",
        note="More drop in injured runners (Bramah 2018: +80% odds per degree) and with "
        "sacroiliac pain (Whitney 2022); the 5/8 deg edges are a convention. 2D repeatability "
        "is only moderate (2.7-2.8 deg) and MediaPipe infers the hip points, so confidence is "
        "low.",
    ),
    MetricDef(
        key="lateral_trunk_lean_deg",
        label="Side lean of the trunk",
        unit="deg",
        views=_FRONTAL,
        definition="Angle of the mid-hip->mid-shoulder line from vertical in the frontal plane "
        "at midstance, median over steps.",
        sign_convention="Positive = toward the stance side.",
        explanation="How much your upper body tips sideways over the standing leg.",
        bilateral=True,
        good=(None, 5.0),
        watch=(None, 8.0),
        higher_is="worse",
        finding_high="lateral_trunk_lean",
        finding_low=None,
        sources=("dingenen2018",),
        evidence="convention",
        note="Convention: measured reliably in 2D (smallest detectable difference 1.3-2.3 deg, "
        "Dingenen 2018) but with no published cut-off.",
    ),
    MetricDef(
        key="trunk_sway_range_deg",
        label="Trunk sway",
        unit="deg",
        views=_FRONTAL,
        definition="Range (max minus min) of the frontal-plane trunk angle within each stride, "
        "median over strides.",
        sign_convention="Always positive.",
        explanation="How far your upper body sways from side to side over a stride.",
        bilateral=False,
        good=(None, 10.0),
        watch=(None, 15.0),
        higher_is="worse",
        finding_high="excessive_trunk_sway",
        finding_low=None,
        sources=("dingenen2018", "seay2011"),
        evidence="convention",
        note="Convention: no published cut-off. Back pain changes trunk-pelvis coordination "
        "(Seay 2011), but in rotation, which one camera cannot measure.",
    ),
    MetricDef(
        key="step_width_pct_leg",
        label="Step width",
        unit="% leg",
        views=_FRONTAL,
        definition=f"Mediolateral distance between the left and right foot (ankle) positions "
        f"at consecutive initial contacts, as a percentage of {_LEG}, median over steps.",
        sign_convention="Positive = feet land apart; negative = crossover (each foot lands past "
        "the midline).",
        explanation="How far apart your feet land; feet crossing the midline strain the outer "
        "hip and knee.",
        bilateral=False,
        good=(0.0, None),
        watch=(-5.0, None),
        higher_is=None,
        finding_high=None,
        finding_low="crossover_gait",
        sources=("souza2016", "meardon2012", "noehren2007"),
        evidence="convention",
        note="Convention: the feet should not overlap (Souza 2016), and 5% of leg length "
        "narrower raised iliotibial band strain (Meardon 2012); no cut-off is published.",
    ),
    MetricDef(
        key="knee_valgus_deg",
        label="Knee drifting inward",
        unit="deg",
        views=_FRONTAL,
        definition="Frontal plane projection angle: 180 minus the hip-knee-ankle angle in the "
        "image at midstance, median over steps.",
        sign_convention="Positive = knee medial of the hip-ankle line (valgus).",
        explanation="Whether your knee drifts inward over your foot when you land.",
        bilateral=True,
        good=(None, 10.0),
        watch=(None, 15.0),
        higher_is="worse",
        finding_high="knee_valgus",
        finding_low=None,
        sources=("straub2022", "noehren2007"),
        evidence="convention",
        note="Convention: frontal plane projection angle cut-offs come from landing and squat "
        "tasks, not running, and the 2D angle agrees poorly with 3D knee valgus (Straub & "
        "Powers 2022).",
    ),
)

METRICS: dict[str, MetricDef] = {m.key: m for m in _METRICS}

# --------------------------------------------------------------------------------------------
# Findings
# --------------------------------------------------------------------------------------------

_FINDINGS: tuple[FindingDef, ...] = (
    FindingDef(
        "low_cadence",
        "Low cadence",
        "cadence_spm",
        "low",
        "Your step rate ({value}) is on the low side for easy running. Many runners land "
        "softer with about 5% more steps per minute at the same pace.",
        "Your step rate ({value}) is low: long, slow steps usually mean landing well ahead "
        "of your body. Try 5-10% more steps per minute at the same pace, e.g. with a "
        "metronome, and build up over a few weeks.",
    ),
    FindingDef(
        "forward_trunk_lean",
        "Forward trunk lean",
        "trunk_lean_deg",
        "high",
        "Your upper body leans forward a little more than most runners ({value}).",
        "Your upper body leans well forward ({value}), which makes your hip and lower back "
        "muscles work harder on every step. Run tall, as if pulled up by the top of your head.",
    ),
    FindingDef(
        "backward_trunk_lean",
        "Backward trunk lean",
        "trunk_lean_deg",
        "low",
        "Your upper body leans slightly back ({value}).",
        "Your upper body leans back ({value}), which arches the lower back and puts the "
        "brakes on. Aim for tall posture with a slight forward lean from the ankles.",
    ),
    FindingDef(
        "overstride",
        "Overstriding",
        "overstride_pct_leg",
        "high",
        "Your foot lands somewhat ahead of your hips ({value} of leg length).",
        "Your foot lands well ahead of your hips (overstriding, {value} of leg length). This "
        "brakes every step and sends the jolt up to your knees and back; aim to land closer "
        "under your body, e.g. with slightly quicker steps.",
    ),
    FindingDef(
        "tibia_overstride",
        "Shin reaching forward",
        "shank_angle_ic_deg",
        "high",
        "Your shin reaches a little forward as your foot lands ({value}).",
        "Your shin reaches well forward as your foot lands ({value}), a sign of reaching out "
        "with the foot. Let the foot land under the knee.",
    ),
    FindingDef(
        "heel_strike",
        "Heavy heel landing",
        "foot_strike_angle_deg",
        "high",
        "You land on your heel with the foot out in front ({value} toes-up). Landing on the "
        "heel is common and fine by itself; reaching forward is what makes it jar.",
        "You land hard on your heel with the foot well out in front ({value} toes-up). "
        "Landing on the heel is common and fine by itself; the reach makes it a brake. Fix "
        "the overstride first rather than forcing a forefoot landing.",
    ),
    FindingDef(
        "stiff_knee_landing",
        "Straight knee at landing",
        "knee_flexion_ic_deg",
        "low",
        "Your knee is fairly straight when your foot lands ({value} of bend).",
        "Your knee is nearly straight when your foot lands ({value} of bend), so the impact "
        "travels up to your hips and back. Land with a softer, slightly bent knee.",
    ),
    FindingDef(
        "high_vertical_oscillation",
        "Bouncy running",
        "vertical_oscillation_pct_leg",
        "high",
        "You bounce up and down a bit more than most runners ({value} of leg length).",
        "You bounce up and down a lot ({value} of leg length): energy goes up instead of "
        "forward and every landing comes from higher. Think 'run forward, not up'.",
    ),
    FindingDef(
        "limited_hip_extension",
        "Limited hip extension",
        "hip_extension_deg",
        "low",
        "Your thigh swings back only a little as you push off ({value}).",
        "Your thigh hardly swings behind you as you push off ({value}). Tight hip flexors "
        "can limit this, and the lower back often arches to make up for it.",
    ),
    FindingDef(
        "long_ground_contact",
        "Long ground contact",
        "duty_factor_pct",
        "high",
        "Your feet stay on the ground a little long ({value} of each stride).",
        "Your feet stay on the ground a long time ({value} of each stride), close to a "
        "shuffle. Quick, light steps help.",
    ),
    FindingDef(
        "pelvic_drop",
        "Pelvic drop",
        "pelvic_drop_deg",
        "high",
        "The hip on the side of your lifted leg sags a little ({value}).",
        "The hip on the side of your lifted leg sags noticeably ({value}). This is often "
        "linked with weak hip muscles (glutes) and loads the lower back and knee; strength "
        "work helps most when combined with practising the running form itself.",
    ),
    FindingDef(
        "lateral_trunk_lean",
        "Side lean of the trunk",
        "lateral_trunk_lean_deg",
        "high",
        "Your upper body tips a little toward the standing leg ({value}).",
        "Your upper body tips toward the standing leg ({value}), often to make up for weak "
        "hip muscles; it loads one side of the lower back.",
    ),
    FindingDef(
        "excessive_trunk_sway",
        "Trunk sway",
        "trunk_sway_range_deg",
        "high",
        "Your upper body sways a bit from side to side ({value}).",
        "Your upper body sways a lot from side to side ({value}); a steadier trunk wastes "
        "less energy and spares the lower back.",
    ),
    FindingDef(
        "crossover_gait",
        "Crossover gait",
        "step_width_pct_leg",
        "low",
        "Your feet land close to the midline ({value} of leg length).",
        "Your feet cross the midline when they land ({value} of leg length), as if running on "
        "a tightrope; this strains the outer hip and knee. Imagine running along both sides "
        "of a line.",
    ),
    FindingDef(
        "knee_valgus",
        "Knee drifting inward",
        "knee_valgus_deg",
        "high",
        "Your knee drifts slightly inward as you land ({value}).",
        "Your knee drifts inward as you land ({value}); strong hip muscles help keep it over "
        "the foot.",
    ),
    FindingDef(
        "asymmetry",
        "Left-right difference",
        None,
        "high",
        "Your {label} differs somewhat between sides ({detail}).",
        "Your {label} differs clearly between sides ({detail}). A one-sided habit, an old "
        "injury or pain can show this way; worth keeping an eye on.",
    ),
)

FINDINGS: dict[str, FindingDef] = {f.id: f for f in _FINDINGS}


# --------------------------------------------------------------------------------------------
# Status and findings
# --------------------------------------------------------------------------------------------


def _inside(band: Band, value: float) -> bool:
    lo, hi = band
    return (lo is None or value >= lo) and (hi is None or value <= hi)


def _number(value: object) -> float | None:
    """`value` as a finite float, or None (None, NaN, inf, a string, a bool...)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def status(key: str, value: float | str | None, gait: str = "running") -> str:
    """Status of a metric value: "good", "watch", "flag", "info" or "not_measurable".

    None, NaN or inf -> "not_measurable"; a metric without bands (or the categorical
    foot_strike_pattern), or any value of a gait the bands are not for (`gait` not in
    BANDED_GAITS, e.g. "walking") -> "info". Raises KeyError for an unknown metric key and
    TypeError for a non-numeric value of a banded metric.
    """
    m = METRICS[key]
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "not_measurable"
    if m.is_info or gait not in BANDED_GAITS:
        return "info"
    number = _number(value)
    if number is None:
        raise TypeError(f"{key} needs a number, got {value!r}")
    if _inside(m.good, number):
        return "good"
    if _inside(m.watch, number):
        return "watch"
    return "flag"


def foot_strike_pattern(angle_deg: float | None) -> str | None:
    """The pattern ("rearfoot", "midfoot" or "forefoot") of a foot-strike angle in degrees."""
    angle = _number(angle_deg)
    if angle is None:
        return None
    if angle > FOOT_STRIKE_THRESHOLDS_DEG["rearfoot_above"]:
        return "rearfoot"
    if angle < FOOT_STRIKE_THRESHOLDS_DEG["forefoot_below"]:
        return "forefoot"
    return "midfoot"


def format_value(key: str, value: float | str | None) -> str:
    """A value with its unit for messages and cards: "12°", "168 steps/min", "14%", "n/a"."""
    number = _number(value)
    if number is None:
        return "n/a" if value is None else str(value)
    unit = METRICS[key].unit
    if unit == "deg":
        return f"{number:.0f}°"
    if unit in ("% leg", "%"):
        return f"{number:.0f}%"
    return f"{number:.0f} {unit}".strip()


def _excess(m: MetricDef, value: float) -> tuple[str, float]:
    """Side of the good band `value` lies beyond ("high"/"low", or "") and by how much.

    The distance is in band widths, one width being from the good edge to the watch edge, so
    0..1 is "watch" and > 1 is "flag".
    """
    glo, ghi = m.good
    wlo, whi = m.watch
    if ghi is not None and value > ghi:
        return "high", (value - ghi) / (whi - ghi) if whi is not None else 1.0
    if glo is not None and value < glo:
        return "low", (glo - value) / (glo - wlo) if wlo is not None else 1.0
    return "", 0.0


def _confidence(entry: dict) -> float:
    c = _number(entry.get("confidence"))
    return 1.0 if c is None else min(max(c, 0.0), 1.0)


def _usable(entry: object) -> bool:
    """A measurable entry with a numeric value and confidence >= MIN_FINDING_CONFIDENCE."""
    return (
        isinstance(entry, dict)
        and entry.get("measurable", True) is not False
        and _number(entry.get("value")) is not None
        and _confidence(entry) >= MIN_FINDING_CONFIDENCE
    )


def _finding(
    fd: FindingDef,
    metric: str,
    severity: str,
    amount: float,
    confidence: float,
    score: float,
    **text: str,
) -> dict:
    """One finding dict; `text` fills the message's {value}/{label}/{detail} fields."""
    template = fd.message_flag if severity == "flag" else fd.message_watch
    return {
        "id": fd.id,
        "metric": metric,
        "severity": severity,
        "value": round(amount, 2),
        "message": template.format(**text),
        "confidence": round(confidence, 2),
        "_score": score,
    }


def _band_findings(metrics: dict) -> list[dict]:
    out = []
    for key, m in METRICS.items():
        entry = metrics.get(key)
        if m.is_info or not _usable(entry):
            continue
        value = _number(entry["value"])
        severity = status(key, value)
        direction, excess = _excess(m, value)
        fid = {"high": m.finding_high, "low": m.finding_low}.get(direction)
        if severity not in SEVERITY_RANK or fid is None:
            continue
        conf = _confidence(entry)
        out.append(
            _finding(
                FINDINGS[fid],
                key,
                severity,
                value,
                conf,
                excess * conf,
                value=format_value(key, value),
            )
        )
    return out


def _heel_strike_finding(metrics: dict, band_findings: list[dict]) -> dict | None:
    """heel_strike: a rearfoot strike together with an overstride or tibia_overstride finding.

    The foot angle alone has no accepted cut-off (Souza 2016) and rearfoot striking alone is
    not a fault (Hamill & Gruber 2017), so it never fires by itself: its severity and rank are
    those of the overstride finding it rides on (ranked just after it).
    """
    entry = metrics.get("foot_strike_angle_deg")
    if not _usable(entry):
        return None
    angle = _number(entry["value"])
    if foot_strike_pattern(angle) != "rearfoot":
        return None
    partners = [f for f in band_findings if f["id"] in ("overstride", "tibia_overstride")]
    if not partners:
        return None
    partner = max(partners, key=lambda f: (SEVERITY_RANK[f["severity"]], f["_score"]))
    conf = min(_confidence(entry), partner["confidence"])
    return _finding(
        FINDINGS["heel_strike"],
        "foot_strike_angle_deg",
        partner["severity"],
        angle,
        conf,
        partner["_score"] * 0.99,
        value=format_value("foot_strike_angle_deg", angle),
    )


def asymmetry(key: str, left: float | None, right: float | None) -> tuple[float, str] | None:
    """Left/right difference of a metric as (amount, kind), or None if a side is missing.

    kind "deg": |L - R| in degrees; "points": |L - R| in percentage points (metrics in % of
    leg length); "pct": |L - R| / mean(|L|, |R|) * 100. See ASYMMETRY_THRESHOLDS.
    """
    lv, rv = _number(left), _number(right)
    if lv is None or rv is None:
        return None
    unit = METRICS[key].unit
    if unit == "deg":
        return abs(lv - rv), "deg"
    if unit == "% leg":
        return abs(lv - rv), "points"
    mean = (abs(lv) + abs(rv)) / 2
    return (abs(lv - rv) / mean * 100, "pct") if mean > 0 else None


def _asymmetry_findings(metrics: dict) -> list[dict]:
    """`asymmetry` findings, scored in band widths like `_excess`.

    When both sides are in the metric's good band the difference is capped at "watch" and
    ranked last: both legs are fine, they just differ.
    """
    out = []
    for key, m in METRICS.items():
        entry = metrics.get(key)
        if not m.bilateral or not _usable(entry):
            continue
        left, right = entry.get("left"), entry.get("right")
        diff = asymmetry(key, left, right)
        if diff is None and m.unit not in ("deg", "% leg"):
            pct = _number(entry.get("asymmetry_pct"))
            diff = None if pct is None else (abs(pct), "pct")
        if diff is None:
            continue
        amount, kind = diff
        limits = ASYMMETRY_THRESHOLDS_BY_METRIC.get(key, ASYMMETRY_THRESHOLDS[kind])
        if amount <= limits["watch"]:
            continue
        severity = "flag" if amount > limits["flag"] else "watch"
        both_good = not m.is_info and all(
            status(key, _number(side)) == "good" for side in (left, right)
        )
        score = (amount - limits["watch"]) / (limits["flag"] - limits["watch"])
        if both_good:  # rank after every finding of a value outside its good band
            severity, score = "watch", min(score, 1.0) - 1.0
        if _number(left) is not None and _number(right) is not None:
            detail = f"left {format_value(key, left)}, right {format_value(key, right)}"
        else:
            detail = f"{amount:.0f}% apart"
        conf = _confidence(entry)
        out.append(
            _finding(
                FINDINGS["asymmetry"],
                key,
                severity,
                amount,
                conf,
                score * conf * ASYMMETRY_RANK_WEIGHT,
                label=m.label.lower(),
                detail=detail,
            )
        )
    return out


def evaluate(metrics: dict, gait: str = "running") -> list[dict]:
    """Findings from a report's "metrics" mapping, most important first.

    `gait`: the report's gait type; none fires for a gait not in BANDED_GAITS (walking).

    Each entry of `metrics` is a dict with at least "value", and optionally "measurable",
    "confidence" (0..1, missing = 1), "left", "right" and "asymmetry_pct". Entries that are not
    measurable, have no finite numeric value, or have confidence < MIN_FINDING_CONFIDENCE are
    skipped. Returns [{"id", "metric", "severity", "value", "message", "confidence"}]: flags
    before watches, then by how far the value lies outside its good band (in band widths, see
    `_excess`) times its confidence. `asymmetry` may appear once per bilateral metric.
    """
    if gait not in BANDED_GAITS:
        return []
    found = _band_findings(metrics)
    heel = _heel_strike_finding(metrics, found)
    if heel is not None:
        found.append(heel)
    found += _asymmetry_findings(metrics)
    found.sort(key=lambda f: (-SEVERITY_RANK[f["severity"]], -f["_score"]))
    for f in found:
        del f["_score"]
    return found


# --------------------------------------------------------------------------------------------
# Documentation
# --------------------------------------------------------------------------------------------


def _band_text(band: Band | None) -> str:
    if band is None:
        return "—"
    lo, hi = band
    if lo is None and hi is None:
        return "any"
    if lo is None:
        return f"≤ {hi:g}"
    if hi is None:
        return f"≥ {lo:g}"
    return f"{lo:g} to {hi:g}"


def _fires_when(f: FindingDef) -> str:
    """Plain text of a finding's trigger, from the bands of its metric."""
    if f.metric is None:
        return "left/right difference (see below)"
    if f.id == "heel_strike":
        return "rearfoot strike and an `overstride` or `tibia_overstride` finding"
    m = METRICS[f.metric]
    edge = 1 if f.direction == "high" else 0
    op = ">" if f.direction == "high" else "<"
    good, watch = m.good[edge], m.watch[edge]
    text = f"watch {op} {good:g}"
    return text if watch is None else f"{text}, flag {op} {watch:g}"


def metrics_table_markdown() -> str:
    """The text of docs/metrics.md, generated from METRICS, FINDINGS and the constants here."""
    lines = [
        "# Metrics",
        "",
        "<!-- Generated by `python -m gaitcam.registry --write docs/metrics.md`; do not edit. -->",
        "",
        "Status: inside *good* = good, inside *watch* = watch, outside *watch* = flag. "
        '"—" = no accepted cut-off: the value is shown for information (status "info") '
        "and compared with your own history. Basis *convention* = a customary number, not an "
        "evidence-based cut-off; *evidence* = the direction and rough size come from "
        "studies (the exact edges may still be rounded). Sources and their findings: "
        "[evidence.md](evidence.md).",
        "",
        "| key | label | unit | views | good | watch | finding (high / low) | basis | sources |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for m in METRICS.values():
        finding = f"{m.finding_high or '—'} / {m.finding_low or '—'}"
        lines.append(
            f"| `{m.key}` | {m.label} | {m.unit or '—'} | {', '.join(m.views)} | "
            f"{_band_text(m.good)} | {_band_text(m.watch)} | {finding} | {m.evidence} | "
            f"{', '.join(m.sources)} |"
        )
    lines += ["", "## Definitions and sign conventions", ""]
    for m in METRICS.values():
        lines.append(
            f"- **`{m.key}`** ({m.label}; bilateral: {'yes' if m.bilateral else 'no'}). "
            f"{m.definition} {m.sign_convention} *For the runner:* {m.explanation} "
            f"*Note:* {m.note}"
        )
    th = FOOT_STRIKE_THRESHOLDS_DEG
    lines += [
        "",
        "## Foot-strike pattern",
        "",
        f"From the foot-strike angle (Altman & Davis 2012): rearfoot > {th['rearfoot_above']:g}°, "
        f"midfoot {th['forefoot_below']:g}° to {th['rearfoot_above']:g}°, "
        f'forefoot < {th["forefoot_below"]:g}°. Status is always "info".',
        "",
        "## Findings",
        "",
        "| id | title | metric | fires when |",
        "| --- | --- | --- | --- |",
    ]
    for f in FINDINGS.values():
        lines.append(
            f"| `{f.id}` | {f.title} | {f.metric or 'any bilateral metric'} | {_fires_when(f)} |"
        )
    a = ASYMMETRY_THRESHOLDS
    lines += [
        "",
        f"- `asymmetry` (convention): angles by the left-right difference in degrees (watch > "
        f"{a['deg']['watch']:g}°, flag > {a['deg']['flag']:g}°); metrics in % of leg length by "
        f"the difference in percentage points (watch > {a['points']['watch']:g}, flag > "
        f"{a['points']['flag']:g}); other units by difference / mean of both sides (watch > "
        f"{a['pct']['watch']:g}%, flag > {a['pct']['flag']:g}%). Capped at watch, and ranked "
        "last, when both sides are in the good band.",
    ]
    lines += [
        f"- `asymmetry` of `{k}`: watch > {v['watch']:g}°, flag > {v['flag']:g}° (the pose "
        "model's own left/right difference reaches about 8° on symmetric runners; see "
        "ASYMMETRY_THRESHOLDS_BY_METRIC in gaitcam/registry.py)."
        for k, v in ASYMMETRY_THRESHOLDS_BY_METRIC.items()
    ]
    lines += [
        "- `heel_strike` never fires from the foot angle alone: only for a rearfoot strike "
        "together with an `overstride` or `tibia_overstride` finding, with that finding's "
        "severity.",
        f"- No finding fires from a metric whose confidence is below {MIN_FINDING_CONFIDENCE:g} "
        "or that is not measurable.",
        f"- The bands and findings are for {', '.join(BANDED_GAITS)}. A clip of "
        f"{', '.join(g for g in GAIT_TYPES if g not in BANDED_GAITS)} (report "
        '`gait.type`) gets status "info" for every measured value and no findings.',
        "- Ranking: flags before watches, then by how far outside the good band (in widths of "
        f"the watch band) times confidence; asymmetry scores count {ASYMMETRY_RANK_WEIGHT:g}x "
        "(each side rests on half the steps).",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print docs/metrics.md, or write it with ``--write PATH``."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(prog="python -m gaitcam.registry", description=main.__doc__)
    parser.add_argument("--write", metavar="PATH", help="write the table to PATH")
    args = parser.parse_args(argv)
    text = metrics_table_markdown()
    if args.write:
        Path(args.write).write_text(text, encoding="utf-8")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
