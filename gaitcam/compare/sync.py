"""Gait-cycle synchronisation of two clips (pure numpy, no I/O).

Each clip's strides are cut at the initial contacts of one reference foot (the same foot in
both clips when possible). Phase runs 0-100 % from one contact of that foot to its next.
`build_timeline` makes a common output timeline at a fixed frame rate in which stride k of clip
A and stride k of clip B are time-warped (piecewise linear between contacts) so that their
reference-foot contacts fall on the same output frame; optionally the contralateral contact
inside each stride is aligned too. Only regular strides are paired (one with a missed or extra
contact is left out: `regular_strides`), as many as both clips have.

Times are seconds from each clip's first frame (as `PoseSequence.t` and the report's events).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gaitcam.errors import NoGaitError
from gaitcam.video import nearest_frames

SIDES = ("left", "right")
OTHER = {"left": "right", "right": "left"}

#: A contralateral contact is aligned only when it falls inside this part of the stride (%):
#: outside it the contact is probably misdetected, and warping to it would distort the stride.
CONTRA_PHASE_RANGE = (25.0, 75.0)
#: Strides whose duration is within this factor range of the clip's median stride are paired.
REGULAR_STRIDE = (0.7, 1.4)


def contact_times(report: Mapping[str, Any], side: str) -> np.ndarray:
    """Sorted finite initial-contact times (s) of one foot from a report's events."""
    events = (report.get("events") or {}).get(side) or {}
    raw = [t for t in events.get("initial_contact_s") or [] if t is not None]
    ts = np.asarray(raw, dtype=np.float64)
    return np.sort(ts[np.isfinite(ts)])


def _within(ts: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Contacts that fall inside the clip's frame times."""
    if len(times) == 0:
        return ts[:0]
    return ts[(ts >= times[0]) & (ts <= times[-1])]


def choose_sides(
    report_a: Mapping[str, Any], report_b: Mapping[str, Any], prefer: str | None = None
) -> tuple[str, str]:
    """(reference foot of A, reference foot of B): the same foot whenever both clips have a
    full stride of it.

    `prefer` ("left"/"right") wins when it gives a stride in both clips; otherwise the foot with
    the most strides in both clips (left on a tie). If no one foot has a stride in both clips,
    each clip uses its own foot with the most strides. Raises NoGaitError when a clip has no
    full stride (two contacts of one foot) at all.
    """
    counts_a = {s: len(contact_times(report_a, s)) for s in SIDES}
    counts_b = {s: len(contact_times(report_b, s)) for s in SIDES}
    for name, counts in (("A", counts_a), ("B", counts_b)):
        if max(counts.values()) < 2:
            raise NoGaitError(
                f"Clip {name} has no full stride (two contacts of the same foot), so it cannot "
                "be synchronised.",
            )
    shared = {s: min(counts_a[s], counts_b[s]) for s in SIDES}
    if prefer in SIDES and shared[prefer] >= 2:
        return prefer, prefer
    best = max(SIDES, key=lambda s: (shared[s], s == "left"))
    if shared[best] >= 2:
        return best, best
    return (max(SIDES, key=lambda s: counts_a[s]), max(SIDES, key=lambda s: counts_b[s]))


def cycle_phase(times: np.ndarray, contacts: np.ndarray) -> np.ndarray:
    """Gait-cycle phase (%) of each time: 0 at a contact, rising linearly to 100 at the next
    contact of the same foot. NaN before the first and after the last contact."""
    times = np.asarray(times, dtype=np.float64)
    c = np.asarray(contacts, dtype=np.float64)
    out = np.full(times.shape, np.nan)
    if len(c) < 2:
        return out
    k = np.searchsorted(c, times, side="right") - 1
    ok = (k >= 0) & (k < len(c) - 1)
    kk = k[ok]
    out[ok] = (times[ok] - c[kk]) / (c[kk + 1] - c[kk]) * 100.0
    last = np.isclose(times, c[-1])
    out[last] = 100.0
    return out


def frame_at_phase(
    times: np.ndarray, contacts: np.ndarray, stride: int, phase_pct: float
) -> int:
    """Index of the frame nearest to `phase_pct` (0-100) of regular stride number `stride`
    (0-based, counting only the strides `regular_strides` keeps; clamped to them)."""
    strides = regular_strides(np.asarray(contacts, dtype=np.float64))
    if len(strides) == 0:
        raise NoGaitError("This clip has no full stride to pick a gait phase from.")
    start, end = strides[int(np.clip(stride, 0, len(strides) - 1))]
    t = start + float(np.clip(phase_pct, 0.0, 100.0)) / 100.0 * (end - start)
    return int(nearest_frames(times, t)[0])


def _contra_fraction(start: float, end: float, contra: np.ndarray) -> float | None:
    """Where the contralateral contact falls in a stride (fraction 0..1), if plausibly."""
    inside = contra[(contra > start) & (contra < end)]
    if len(inside) != 1:
        return None
    p = (inside[0] - start) / (end - start)
    lo, hi = CONTRA_PHASE_RANGE
    return float(p) if lo / 100.0 <= p <= hi / 100.0 else None


def regular_strides(contacts: np.ndarray) -> np.ndarray:
    """(n, 2) array of (start, end) times of the strides between consecutive `contacts` whose
    duration is within REGULAR_STRIDE of the median stride: a stride twice as long as the others
    hides a missed contact, one half as long an extra one, and pairing it with the other clip's
    stride would warp the wrong movements onto each other."""
    c = np.asarray(contacts, dtype=np.float64)
    if len(c) < 2:
        return np.empty((0, 2))
    strides = np.stack([c[:-1], c[1:]], axis=1)
    d = np.diff(c)
    med = float(np.median(d))
    lo, hi = REGULAR_STRIDE
    return strides[(d >= lo * med) & (d <= hi * med)]


@dataclass(frozen=True, eq=False)
class SyncTimeline:
    """The common timeline of two synchronised clips, one entry per output frame.

    fps: output frame rate. frame_a / frame_b: (N,) source frame index shown from each clip.
    t_a / t_b: (N,) warped source time (s). phase: (N,) gait-cycle phase of the reference foot
    (%), shared by both clips. stride: (N,) stride number (0-based). strides_a / strides_b:
    (n_strides, 2) source (start, end) times of the paired strides (consecutive strides follow
    on from each other; an irregular stride left out makes a cut at a contact). contact_frames:
    (n_strides + 1,) output frame where each paired stride starts, and the last one ends: at
    these frames both clips show a reference-foot contact. contra_frames: (n_strides,) output
    frame of the aligned contralateral contact, -1 where it was not aligned. sides: (reference
    foot of A, of B).
    """

    fps: float
    frame_a: np.ndarray
    frame_b: np.ndarray
    t_a: np.ndarray
    t_b: np.ndarray
    phase: np.ndarray
    stride: np.ndarray
    strides_a: np.ndarray
    strides_b: np.ndarray
    contact_frames: np.ndarray
    contra_frames: np.ndarray
    sides: tuple[str, str]
    speed: float = 1.0
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __len__(self) -> int:
        return len(self.phase)

    @property
    def n_strides(self) -> int:
        return len(self.strides_a)

    @property
    def duration_s(self) -> float:
        return len(self) / self.fps

    @property
    def contacts_a(self) -> np.ndarray:
        """Source time of A at each of `contact_frames` (s)."""
        return self.t_a[self.contact_frames]

    @property
    def contacts_b(self) -> np.ndarray:
        return self.t_b[self.contact_frames]

    def summary(self) -> dict[str, Any]:
        """JSON-safe description (for compare.json)."""
        return {
            "fps": self.fps,
            "frames": len(self),
            "speed": self.speed,
            "strides": self.n_strides,
            "reference_foot": {"a": self.sides[0], "b": self.sides[1]},
            "contact_frames": self.contact_frames.tolist(),
            "contra_frames": self.contra_frames.tolist(),
            "strides_a_s": np.round(self.strides_a, 4).tolist(),
            "strides_b_s": np.round(self.strides_b, 4).tolist(),
            "notes": list(self.notes),
        }


def build_timeline(
    times_a: np.ndarray,
    contacts_a: Sequence[float] | np.ndarray,
    times_b: np.ndarray,
    contacts_b: Sequence[float] | np.ndarray,
    *,
    fps: float = 30.0,
    speed: float = 1.0,
    contra_a: Sequence[float] | np.ndarray | None = None,
    contra_b: Sequence[float] | np.ndarray | None = None,
    max_strides: int | None = None,
    sides: tuple[str, str] = ("left", "left"),
) -> SyncTimeline:
    """Warp two clips onto one timeline so that their reference-foot contacts coincide.

    times_*: (T,) frame times of each clip (s). contacts_*: reference-foot initial contacts (s).
    contra_*: the other foot's contacts, aligned too when given (one per stride, within
    CONTRA_PHASE_RANGE of both strides). The regular strides of each clip (`regular_strides`)
    are paired in order: stride k of A with stride k of B, min(n A, n B) of them (at most
    `max_strides`). Each output stride lasts the mean of the two source strides divided by
    `speed` (0.5 = half speed), rounded to whole output frames, and the source times are
    warped linearly between its contacts, so every aligned contact lands exactly on an output
    frame. Raises NoGaitError without a full stride in both clips.
    """
    if not (fps > 0 and np.isfinite(fps)):
        raise ValueError(f"fps must be positive, got {fps}")
    if not (speed > 0 and np.isfinite(speed)):
        raise ValueError(f"speed must be positive, got {speed}")
    times_a = np.asarray(times_a, dtype=np.float64)
    times_b = np.asarray(times_b, dtype=np.float64)
    ca = _within(np.sort(np.asarray(contacts_a, dtype=np.float64)), times_a)
    cb = _within(np.sort(np.asarray(contacts_b, dtype=np.float64)), times_b)
    sa, sb = regular_strides(ca), regular_strides(cb)
    n = min(len(sa), len(sb))
    if max_strides is not None:
        n = min(n, int(max_strides))
    if n < 1:
        raise NoGaitError(
            "Both clips need at least one full stride (two contacts of the same foot) to be "
            "synchronised.",
        )
    notes = []
    for name, c, kept in (("A", ca, sa), ("B", cb, sb)):
        dropped = max(0, len(c) - 1) - len(kept)
        if dropped:
            notes.append(f"{dropped} irregular stride{'s' if dropped > 1 else ''} of {name} "
                         "(probably a missed or extra foot contact) left out.")
    sa, sb = sa[:n], sb[:n]
    xa = None if contra_a is None else np.sort(np.asarray(contra_a, dtype=np.float64))
    xb = None if contra_b is None else np.sort(np.asarray(contra_b, dtype=np.float64))

    t_a: list[np.ndarray] = []
    t_b: list[np.ndarray] = []
    phase: list[np.ndarray] = []
    stride: list[np.ndarray] = []
    contact_frames = [0]
    contra_frames: list[int] = []
    j = 0
    for k in range(n):
        (a0, a1), (b0, b1) = sa[k], sb[k]
        frames = max(2, int(round(fps * ((a1 - a0) + (b1 - b0)) / 2.0 / speed)))
        knots_out, knots_a, knots_b = [0.0], [a0], [b0]
        fa = _contra_fraction(a0, a1, xa) if xa is not None else None
        fb = _contra_fraction(b0, b1, xb) if xb is not None else None
        if fa is not None and fb is not None:
            m = int(np.clip(round(frames * (fa + fb) / 2.0), 1, frames - 1))
            knots_out.append(float(m))
            knots_a.append(a0 + fa * (a1 - a0))
            knots_b.append(b0 + fb * (b1 - b0))
            contra_frames.append(j + m)
        else:
            contra_frames.append(-1)
        knots_out.append(float(frames))
        knots_a.append(a1)
        knots_b.append(b1)
        last = k == n - 1
        local = np.arange(frames + 1 if last else frames, dtype=np.float64)
        t_a.append(np.interp(local, knots_out, knots_a))
        t_b.append(np.interp(local, knots_out, knots_b))
        phase.append(local / frames * 100.0)
        stride.append(np.full(len(local), k, dtype=np.int64))
        j += frames
        contact_frames.append(j)

    ta, tb = np.concatenate(t_a), np.concatenate(t_b)
    if sides[0] != sides[1]:
        notes.append(f"Strides are cut at the {sides[0]} foot in A but the {sides[1]} foot in B "
                     "(no single foot had a full stride in both clips).")
    if xa is not None and xb is not None and any(f < 0 for f in contra_frames):
        notes.append("The other foot's contact could not be aligned in every stride.")
    return SyncTimeline(
        fps=float(fps),
        frame_a=nearest_frames(times_a, ta),
        frame_b=nearest_frames(times_b, tb),
        t_a=ta,
        t_b=tb,
        phase=np.concatenate(phase),
        stride=np.concatenate(stride),
        strides_a=sa,
        strides_b=sb,
        contact_frames=np.asarray(contact_frames, dtype=np.int64),
        contra_frames=np.asarray(contra_frames, dtype=np.int64),
        sides=sides,
        speed=float(speed),
        notes=tuple(notes),
    )


def timeline_from_reports(
    times_a: np.ndarray,
    report_a: Mapping[str, Any],
    times_b: np.ndarray,
    report_b: Mapping[str, Any],
    *,
    fps: float = 30.0,
    speed: float = 1.0,
    prefer_side: str | None = None,
    align_contralateral: bool = True,
    max_strides: int | None = None,
) -> SyncTimeline:
    """`build_timeline` from two reports' events, with the reference foot from `choose_sides`."""
    side_a, side_b = choose_sides(report_a, report_b, prefer_side)
    return build_timeline(
        times_a, contact_times(report_a, side_a), times_b, contact_times(report_b, side_b),
        fps=fps, speed=speed,
        contra_a=contact_times(report_a, OTHER[side_a]) if align_contralateral else None,
        contra_b=contact_times(report_b, OTHER[side_b]) if align_contralateral else None,
        max_strides=max_strides, sides=(side_a, side_b),
    )
