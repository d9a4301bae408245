"""Overlay layers and frame contexts, on synthetic runners whose angles are known."""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_render_synth import rear_pose, runner_pose, sequence

from gaitcam.landmarks import INDEX, N_LANDMARKS, SIDE
from gaitcam.render import (
    Contact,
    ContactMarkerLayer,
    FrameContext,
    HudLayer,
    KneeAngleLayer,
    OverlayRenderer,
    PelvisLayer,
    SkeletonLayer,
    TrunkLayer,
    contexts_from_report,
    default_layers,
)
from gaitcam.render import theme as th
from gaitcam.render.context import hud_from_report

GREY = (110, 120, 125)
SIZES = [(1280, 720), (1080, 1920), (480, 640)]  # (height, width)

REPORT = {
    "view": {"view": "side", "facing": "left"},
    "events": {
        "left": {"initial_contact_s": [0.5, 1.2], "toe_off_s": [0.75]},
        "right": {"initial_contact_s": [0.85], "toe_off_s": []},
    },
    "metrics": {
        "cadence_spm": {"value": 171.6, "status": "good", "measurable": True},
        "trunk_lean_deg": {"value": 11.4, "status": "flag", "measurable": True},
        "overstride_pct_leg": {"value": 16.0, "status": "watch", "measurable": True},
        "foot_strike_pattern": {
            "value": "rearfoot", "status": "info", "measurable": True,
            "per_stride": [
                {"side": "left", "t": 0.5, "value": "rearfoot"},
                {"side": "right", "t": 0.85, "value": "midfoot"},
            ],
        },
        "contact_time_ms": {"value": None, "status": "not_measurable", "measurable": False},
        "pelvic_drop_deg": {"value": 4.0, "status": "watch", "measurable": True},
    },
}


def blank(h: int = 1280, w: int = 720) -> np.ndarray:
    img = np.empty((h, w, 3), np.uint8)
    img[:] = GREY
    return img


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels that differ."""
    return (a != b).any(axis=2)


def near(mask: np.ndarray, p: np.ndarray, r: int) -> bool:
    x, y = int(round(p[0])), int(round(p[1]))
    return bool(mask[max(0, y - r):y + r + 1, max(0, x - r):x + r + 1].any())


def side_ctx(xy: np.ndarray, **kw) -> FrameContext:
    return FrameContext.from_pose(0, 0.0, xy, np.full(N_LANDMARKS, 0.95),
                                  view=kw.pop("view", "side"), facing=kw.pop("facing", "left"),
                                  **kw)


# --- angles and their labels -----------------------------------------------------------------


def test_trunk_angle_is_computed_in_pixels_with_forward_positive() -> None:
    # portrait 720x1280, facing left, shoulders 10 degrees forward of the hips
    xy = runner_pose(hip=(360, 700), facing="left", trunk_lean=10.0)
    ctx = side_ctx(xy)
    assert ctx.angle("trunk_lean_deg") == pytest.approx(10.0, abs=0.01)
    assert TrunkLayer.text(ctx) == f"10{th.DEGREE} fwd"
    # the same lean from normalised coordinates (x / W, y / H) would be a different number
    d = ((xy[11] + xy[12]) / 2 - (xy[23] + xy[24]) / 2) / [720, 1280]
    assert abs(math.degrees(math.atan2(-d[0], -d[1])) - 10.0) > 5

    mirrored = runner_pose(hip=(360, 700), facing="right", trunk_lean=10.0)
    facing_right = side_ctx(mirrored, facing="right")
    assert facing_right.angle("trunk_lean_deg") == pytest.approx(10.0, abs=0.01)
    # seen as facing the other way, the same pose leans back
    back = side_ctx(mirrored, facing="left")
    assert back.angle("trunk_lean_deg") == pytest.approx(-10.0, abs=0.01)
    assert TrunkLayer.text(back) == f"10{th.DEGREE} back"
    assert TrunkLayer.text(side_ctx(xy, facing=None)) == f"10{th.DEGREE}"


def test_knee_flexion_and_pelvis_angles_match_the_generator() -> None:
    ctx = side_ctx(runner_pose(knee_flexion={"left": 30.0, "right": 72.0}))
    assert ctx.angle("knee_flexion_left_deg") == pytest.approx(30.0, abs=0.01)
    assert ctx.angle("knee_flexion_right_deg") == pytest.approx(72.0, abs=0.01)

    rear = FrameContext.from_pose(0, 0.0, rear_pose(pelvis_left_low_deg=4.0,
                                                    lateral_lean_right_deg=-6.0), view="rear")
    # The signs of gaitcam.gait.series: + = right hip lower, + = toward the runner's left.
    assert rear.angle("pelvic_obliquity_deg") == pytest.approx(-4.0, abs=0.01)
    assert PelvisLayer.text(rear) == f"Pelvis 4{th.DEGREE}, L low"
    assert rear.angle("lateral_trunk_lean_deg") == pytest.approx(6.0, abs=0.01)
    assert TrunkLayer.text(rear) == f"6{th.DEGREE} L"
    # from the front the runner's left is image right: the same picture leans to their right
    front = FrameContext.from_pose(0, 0.0, rear_pose(lateral_lean_right_deg=-6.0), view="front")
    assert TrunkLayer.text(front) == f"6{th.DEGREE} R"


def _synthetic_frontal_frame(view: str) -> np.ndarray:
    """A frame of the synthetic runner at right midstance with a 6 deg pelvic drop: the swing
    (left) hip is lower, and the trunk leans 3 deg toward the stance (right) side."""
    from gaitcam.synthetic import (
        Camera,
        RunnerModel,
        RunnerParams,
        Skeleton3D,
        body_dims,
        project,
    )

    p = RunnerParams(pelvic_drop_deg=6.0, lateral_trunk_lean_deg=3.0, knee_valgus_deg=0.0)
    model = RunnerModel(p)
    right = model.sides["right"]
    t = np.array([right.t_ic0 + right.contact / 2])
    sk = Skeleton3D(t=t, joints=model.joints(t), body=body_dims(p.height_m), fps=30.0,
                    setting="treadmill")
    return project(sk, view, camera=Camera(distance_m=10)).xy[0]


@pytest.mark.parametrize("view", ["rear", "front"])
def test_frontal_labels_on_a_synthetic_runner_whose_left_hip_is_lower(view: str) -> None:
    from gaitcam.gait import series as S

    xy = _synthetic_frontal_frame(view)
    assert xy[INDEX["left_hip"], 1] > xy[INDEX["right_hip"], 1]  # image y down: left lower
    ctx = FrameContext.from_pose(0, 0.0, xy, view=view)
    assert ctx.angle("pelvic_obliquity_deg") == pytest.approx(-6.0, abs=0.3)
    assert PelvisLayer.text(ctx) == f"Pelvis 6{th.DEGREE}, L low"
    assert ctx.angle("lateral_trunk_lean_deg") == pytest.approx(-3.0, abs=0.3)
    assert TrunkLayer.text(ctx) == f"3{th.DEGREE} R"
    # One convention: the overlay's angles are the geometry module's (and the plots').
    assert ctx.angle("pelvic_obliquity_deg") == pytest.approx(
        float(S.pelvic_obliquity_series(xy, view)), abs=1e-4)
    assert ctx.angle("lateral_trunk_lean_deg") == pytest.approx(
        float(S.lateral_trunk_lean_series(xy, view)), abs=1e-4)


# --- drawing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("hw", SIZES)
def test_skeleton_draws_at_the_joints_and_nowhere_far(hw: tuple[int, int]) -> None:
    h, w = hw
    s = min(h, w) / 720 * 0.8
    xy = runner_pose(hip=(w / 2, h / 2), scale=s)
    img = blank(h, w)
    out = SkeletonLayer().annotate(img.copy(), side_ctx(xy))
    diff = changed(out, img)
    for part in ("shoulder", "elbow", "hip", "knee", "ankle", "heel", "foot_index"):
        for side in ("left", "right"):
            assert near(diff, xy[SIDE[side][part]], 2), (side, part)
    assert not diff[:, : int(w / 2 - 300 * s)].any()  # nothing far behind or ahead of the body
    # the two legs get different colours
    lk, rk = xy[SIDE["left"]["knee"]], xy[SIDE["right"]["knee"]]
    assert tuple(out[int(lk[1]), int(lk[0])]) != tuple(out[int(rk[1]), int(rk[0])])


def test_nothing_is_drawn_without_a_runner_and_nan_never_raises() -> None:
    img = blank()
    empty = FrameContext.from_pose(0, 0.0, np.full((N_LANDMARKS, 2), np.nan),
                                   np.zeros(N_LANDMARKS), view="side", facing="left")
    for view in ("side", "rear", "front"):
        ctx = FrameContext(0, 0.0, empty.xy, empty.visibility, view)
        out = OverlayRenderer().render(img.copy(), ctx)
        assert not changed(out, img).any(), view

    rng = np.random.default_rng(1)
    base = runner_pose()
    for trial in range(20):
        xy = base.copy()
        xy[rng.random(N_LANDMARKS) < trial / 20] = np.nan
        for view in ("side", "rear", "front"):
            ctx = FrameContext.from_pose(0, 0.0, xy, view=view, facing="left",
                                         contacts=(Contact("left", 0, xy[29], None, 0.1),))
            OverlayRenderer().render(img.copy(), ctx)


def test_missing_and_hidden_points_are_skipped() -> None:
    xy = runner_pose()
    img = blank()
    vis = np.full(N_LANDMARKS, 0.95)
    vis[SIDE["right"]["ankle"]] = 0.1  # below min_visibility
    xy[SIDE["left"]["knee"]] = np.nan
    ctx = FrameContext.from_pose(0, 0.0, xy, vis, view="side", facing="left")
    out = OverlayRenderer([SkeletonLayer(), KneeAngleLayer()]).render(img.copy(), ctx)
    diff = changed(out, img)
    ra = runner_pose()[SIDE["right"]["ankle"]]
    lk = runner_pose()[SIDE["left"]["knee"]]
    assert not near(diff, ra, 3)
    assert not near(diff, lk, 3)
    assert ctx.angle("knee_flexion_left_deg") is None
    assert near(diff, xy[SIDE["left"]["hip"]], 2)


def test_knee_layer_draws_an_arc_at_each_knee_only_in_side_view() -> None:
    xy = runner_pose()
    img = blank()
    out = KneeAngleLayer().annotate(img.copy(), side_ctx(xy))
    diff = changed(out, img)
    for side in ("left", "right"):
        assert near(diff, xy[SIDE[side]["knee"]], 70)
    rear = FrameContext.from_pose(0, 0.0, xy, view="rear")
    assert not changed(KneeAngleLayer().annotate(img.copy(), rear), img).any()


def test_pelvis_layer_only_in_rear_and_front_views() -> None:
    xy = rear_pose()
    img = blank(720, 1280)
    rear = FrameContext.from_pose(0, 0.0, xy, view="rear")
    diff = changed(PelvisLayer().annotate(img.copy(), rear), img)
    assert near(diff, xy[INDEX["left_hip"]], 2) and near(diff, xy[INDEX["right_hip"]], 2)
    side = FrameContext.from_pose(0, 0.0, xy, view="side")
    assert not changed(PelvisLayer().annotate(img.copy(), side), img).any()


def test_contact_markers_fade_out() -> None:
    xy = runner_pose()
    foot = (xy[SIDE["left"]["heel"]] + xy[SIDE["left"]["foot_index"]]) / 2
    img = blank()
    layer = ContactMarkerLayer(fade_s=0.5)

    def strength(age: float) -> float:
        ctx = side_ctx(xy, contacts=(Contact("left", 0.0, foot, "rearfoot", age),))
        out = layer.annotate(img.copy(), ctx)
        return float(np.abs(out.astype(int) - img.astype(int)).sum())

    fresh, fading, gone = strength(0.0), strength(0.35), strength(0.55)
    assert fresh > fading > 0 and gone == 0
    out = layer.annotate(img.copy(), side_ctx(xy, contacts=(Contact("left", 0, foot, None, 0),)))
    assert near(changed(out, img), foot, 2)


def test_text_stays_inside_the_frame() -> None:
    for h, w in SIZES:
        img = np.zeros((h, w, 3), np.uint8)
        for anchor in [(-80, -80), (w + 50, h / 2), (w / 2, h + 40), (w - 3, 3)]:
            for align in ("left", "center", "right"):
                box = th.label_box(img, f"12{th.DEGREE} fwd", anchor, align=align, accent=True)
                assert 0 <= box[0] < box[2] <= w and 0 <= box[1] < box[3] <= h
                out = img.copy()
                th.label(out, f"12{th.DEGREE} fwd", anchor, align=align, accent=th.LEFT)
                ys, xs = np.nonzero(changed(out, img))
                assert xs.min() >= box[0] and xs.max() < box[2]
                assert ys.min() >= box[1] and ys.max() < box[3]
    # a runner at the edge of a small frame: every label is clamped inside
    img = blank(480, 640)
    xy = runner_pose(hip=(8, 300), scale=0.5)
    out = OverlayRenderer().render(img.copy(), side_ctx(xy))
    assert changed(out, img).any()


@pytest.mark.parametrize("hw", SIZES)
def test_hud_is_a_legible_panel_in_the_top_left(hw: tuple[int, int]) -> None:
    h, w = hw
    img = blank(h, w)
    hud = hud_from_report(REPORT, "side")
    ctx = FrameContext(0, 0.0, np.full((N_LANDMARKS, 2), np.nan), np.zeros(N_LANDMARKS),
                       hud=hud)
    out = HudLayer().annotate(img.copy(), ctx)
    ys, xs = np.nonzero(changed(out, img))
    assert xs.min() > 0 and ys.min() > 0
    assert xs.max() < 0.6 * w and ys.max() < 0.45 * h
    # text height grows with the frame but never below a readable size
    cap = th.text_size("0", th.scale_of(img).font_small, 1)[1]
    assert cap >= 9
    assert th.scale_of(blank(1080, 1920)).font_small > th.scale_of(blank(480, 640)).font_small


# --- contexts from a report ------------------------------------------------------------------


def test_contexts_from_report_carry_angles_contacts_and_hud() -> None:
    fps = 30.0
    frames = [runner_pose(trunk_lean=8.0) for _ in range(60)]
    seq = sequence(frames, 720, 1280, fps)
    ctxs = contexts_from_report(seq, REPORT)
    assert len(ctxs) == 60

    c = ctxs(18)  # t = 0.6 s: left contact at 0.5 s, 0.1 s ago
    assert c.view == "side" and c.facing == "left"
    assert c.angle("trunk_lean_deg") == pytest.approx(8.0, abs=0.01)
    assert [(x.side, x.pattern) for x in c.contacts] == [("left", "rearfoot")]
    assert c.contacts[0].age_s == pytest.approx(0.1, abs=1e-6)
    heel, toe = frames[15][SIDE["left"]["heel"]], frames[15][SIDE["left"]["foot_index"]]
    assert np.allclose(c.contacts[0].xy, (heel + toe) / 2)

    later = ctxs(26)  # t = 0.867 s: the left contact is still fading, the right one is new
    assert [(x.side, x.pattern) for x in later.contacts] == [("left", "rearfoot"),
                                                              ("right", "midfoot")]
    assert ctxs(5).contacts == ()
    # left at 1.2 s has no per-stride entry
    got = [(x.side, x.pattern) for x in ctxs(36).contacts]
    assert got == [("right", "midfoot"), ("left", None)]

    assert list(c.hud) == ["Cadence", "Trunk lean", "Overstride", "Foot strike"]
    assert c.hud["Cadence"].text == "172 steps/min" and c.hud["Cadence"].status == "good"
    assert c.hud["Trunk lean"].text == f"11{th.DEGREE} fwd"
    assert c.statuses["pelvic_drop_deg"] == "watch"

    late = ctxs(75)  # past the pose data: HUD only
    assert not late.detected and late.hud == c.hud


def test_series_override_and_bad_shapes() -> None:
    seq = sequence([runner_pose() for _ in range(10)], 720, 1280)
    ctxs = contexts_from_report(seq, REPORT, series={"trunk_lean_deg": np.full(10, 3.0)})
    assert ctxs(4).angle("trunk_lean_deg") == 3.0
    with pytest.raises(ValueError):
        contexts_from_report(seq, REPORT, series={"trunk_lean_deg": np.zeros(3)})
    # a report with nothing in it still gives drawable contexts
    bare = contexts_from_report(seq, {})
    assert bare(0).view == "side" and bare(0).hud == {} and bare(0).contacts == ()


def test_renderer_stacks_layers_and_copies_read_only_frames() -> None:
    xy = runner_pose()
    img = blank()
    img.setflags(write=False)
    ctx = side_ctx(xy, hud=hud_from_report(REPORT, "side"))
    out = OverlayRenderer().render(img, ctx)
    assert out is not img and changed(out, img).any()
    only_skeleton = OverlayRenderer([SkeletonLayer()]).render(img, ctx)
    assert changed(out, only_skeleton).any()
    assert len(default_layers()) == 6
