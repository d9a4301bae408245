"""The 33 MediaPipe Pose landmarks: names, indices and skeleton edges."""

from __future__ import annotations

NAMES: tuple[str, ...] = (
    "nose",
    "left_eye_inner",
    "left_eye",
    "left_eye_outer",
    "right_eye_inner",
    "right_eye",
    "right_eye_outer",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
    "left_shoulder",
    "right_shoulder",
    "left_elbow",
    "right_elbow",
    "left_wrist",
    "right_wrist",
    "left_pinky",
    "right_pinky",
    "left_index",
    "right_index",
    "left_thumb",
    "right_thumb",
    "left_hip",
    "right_hip",
    "left_knee",
    "right_knee",
    "left_ankle",
    "right_ankle",
    "left_heel",
    "right_heel",
    "left_foot_index",
    "right_foot_index",
)
N_LANDMARKS = len(NAMES)
INDEX: dict[str, int] = {name: i for i, name in enumerate(NAMES)}

NOSE = 0
LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12
LEFT_ELBOW, RIGHT_ELBOW = 13, 14
LEFT_WRIST, RIGHT_WRIST = 15, 16
LEFT_HIP, RIGHT_HIP = 23, 24
LEFT_KNEE, RIGHT_KNEE = 25, 26
LEFT_ANKLE, RIGHT_ANKLE = 27, 28
LEFT_HEEL, RIGHT_HEEL = 29, 30
LEFT_FOOT_INDEX, RIGHT_FOOT_INDEX = 31, 32

#: Landmark indices per body side, for code that works on "the left leg" or "the right leg".
SIDE: dict[str, dict[str, int]] = {
    side: {part: INDEX[f"{side}_{part}"] for part in (
        "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index"
    )}
    for side in ("left", "right")
}

#: Pairs that swap when the left and right labels are exchanged.
LEFT_RIGHT_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (INDEX[n], INDEX["right_" + n[5:]]) for n in NAMES if n.startswith("left_")
)

#: Skeleton edges drawn by the overlay (body only; face points are not drawn as edges).
EDGES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
)
