"""Pose estimation: MediaPipe PoseLandmarker over a video, producing one `PoseSequence`.

Decoding runs in a background thread (`gaitcam.video.Prefetch`) while inference runs in the
caller's thread, so both cores are busy. The landmarker runs in VIDEO mode with the
container's timestamps.

Picking the runner: a few frames of the first second (`SCOUT_TIMES_S`) are also checked for
other people with a multi-pose IMAGE-mode landmarker. If only one person is seen, the clip runs
single-pose (MediaPipe then tracks that person, about 40% faster than multi-pose); otherwise the
VIDEO landmarker switches to `MAX_PEOPLE` poses per frame. The scout works on its own thread,
side by side with the VIDEO landmarker (MediaPipe releases the GIL), so it costs little time.
Every candidate pose is linked into tracks by continuity (hip-centre distance relative to body
size), and the runner is the track with the most "body-height x frames", i.e. the largest, most
persistent person. A track that jumps (another person taken over) is split, so one person is
followed throughout.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gaitcam.errors import GaitcamError, NoPersonError
from gaitcam.landmarks import N_LANDMARKS
from gaitcam.models import DEFAULT_MODEL, create_landmarker
from gaitcam.offline import block_mediapipe_metrics
from gaitcam.pose_sequence import PoseSequence
from gaitcam.video import Frame, Prefetch, VideoInfo, iter_frames, probe

os.environ.setdefault("GLOG_minloglevel", "2")

MAX_PEOPLE = 2
SCOUT_TIMES_S = (0.0, 0.8)
#: A candidate joins a track if its hip centre moved less than this many body heights per
#: 1/30 s since the track's last pose (scaled by the real time gap).
MAX_JUMP_BODY_PER_FRAME = 0.35
MIN_FOUND_FRACTION = 0.5
WIDE_ASPECT = 1.25
ACQUIRE_EVERY_N_FRAMES = 5
#: Frames up to this many pixels are decoded on one thread: it costs less CPU in total, which
#: leaves more to inference, and it easily keeps ahead of it. Larger frames (4K) need FFmpeg's
#: multi-threaded decoding to keep up.
ONE_THREAD_DECODE_MAX_PX = 1920 * 1080

ProgressFn = Callable[[int, int, float], None]
"""progress(frames_done, frames_total_estimate, frames_per_second)."""


@dataclass
class PersonPose:
    """One person's landmarks in one frame (the arrays of one `PoseSequence` row)."""

    xy: np.ndarray  # (33, 2) px
    world: np.ndarray  # (33, 3) m
    vis: np.ndarray  # (33,)
    pres: np.ndarray  # (33,)

    @property
    def centre(self) -> np.ndarray:
        return self.xy[[23, 24]].mean(axis=0)

    @property
    def body_px(self) -> float:
        """Body height in pixels: shoulders-to-ankles span, or the landmark extent."""
        ys = self.xy[:, 1]
        return float(max(np.nanmax(ys) - np.nanmin(ys), 1.0))


FrameFn = Callable[[Frame, PersonPose | None], None]
"""on_frame(frame, runner_pose_or_None), called for each frame as soon as its pose is known,
for streaming consumers (the overlay writer, live views)."""


@dataclass
class _Track:
    frames: list[int] = field(default_factory=list)
    poses: list[PersonPose] = field(default_factory=list)
    score: float = 0.0

    def add(self, i: int, c: PersonPose) -> None:
        self.frames.append(i)
        self.poses.append(c)
        self.score += c.body_px


def _candidates(result, width: int, height: int) -> list[PersonPose]:
    out = []
    for norm, world in zip(result.pose_landmarks, result.pose_world_landmarks, strict=False):
        a = np.array([(p.x, p.y, p.visibility or 0.0, p.presence or 0.0) for p in norm], np.float32)
        w = np.array([(p.x, p.y, p.z) for p in world], np.float32)
        if a.shape[0] != N_LANDMARKS:
            continue
        xy = a[:, :2] * np.array([width, height], np.float32)  # normalised -> pixels
        out.append(PersonPose(xy=xy, world=w, vis=a[:, 2], pres=a[:, 3]))
    return out


class _Tracker:
    """Links candidate poses frame to frame into tracks (greedy nearest-centre matching)."""

    def __init__(self) -> None:
        self.tracks: list[_Track] = []
        self._open: list[tuple[_Track, float]] = []  # (track, time of its last pose)

    def update(self, i: int, t: float, cands: list[PersonPose]) -> PersonPose | None:
        """Link this frame's candidates; return the one on the best track so far, if any."""
        still_open = [(tr, tl) for tr, tl in self._open if t - tl < 0.5]
        pairs = []
        for ci, c in enumerate(cands):
            for ti, (tr, tl) in enumerate(still_open):
                last = tr.poses[-1]
                size = max(last.body_px, c.body_px)
                allowed = MAX_JUMP_BODY_PER_FRAME * size * max((t - tl) * 30.0, 1.0)
                d = float(np.linalg.norm(c.centre - last.centre))
                ratio = c.body_px / last.body_px
                if d <= allowed and 0.6 < ratio < 1.67:
                    pairs.append((d, ci, ti))
        used_c, used_t = set(), set()
        next_open = []
        for _, ci, ti in sorted(pairs):
            if ci in used_c or ti in used_t:
                continue
            used_c.add(ci)
            used_t.add(ti)
            tr = still_open[ti][0]
            tr.add(i, cands[ci])
            next_open.append((tr, t))
        for ti, item in enumerate(still_open):
            if ti not in used_t:
                next_open.append(item)
        for ci, c in enumerate(cands):
            if ci not in used_c:
                tr = _Track()
                tr.add(i, c)
                self.tracks.append(tr)
                next_open.append((tr, t))
        self._open = next_open
        best = self.best()
        if best is not None and best.frames[-1] == i:
            return best.poses[-1]
        return None

    def best(self) -> _Track | None:
        return max(self.tracks, key=lambda tr: tr.score, default=None)

    def people_seen(self, min_frames: int) -> int:
        return sum(1 for tr in self.tracks if len(tr.frames) >= min_frames)


class _Window:
    """The square part of a wide frame given to MediaPipe, following the runner.

    MediaPipe letterboxes its input to a small square, so a person in a wide (landscape) frame
    becomes tiny and is often missed. For frames wider than tall (by more than
    `WIDE_ASPECT`), gaitcam feeds a square window (side = frame height) centred on the runner's
    hips, and maps the landmarks back to full-frame pixels. While nobody is tracked it scans
    overlapping square tiles in IMAGE mode to (re)acquire the largest person.
    """

    def __init__(self, width: int, height: int, model: str) -> None:
        self.width, self.height, self.model = width, height, model
        self.active = width > WIDE_ASPECT * height
        self.side = height if self.active else 0
        self.x0 = max((width - height) // 2, 0) if self.active else 0
        self._scanner = None
        self._lost_frames = 0

    def crop(self, image: np.ndarray) -> np.ndarray:
        if not self.active:
            return image
        return np.ascontiguousarray(image[:, self.x0:self.x0 + self.side])

    def to_frame(self, cands: list[PersonPose]) -> list[PersonPose]:
        for c in cands:
            c.xy[:, 0] += self.x0
        return cands

    def follow(self, cand: PersonPose | None) -> None:
        if not self.active or cand is None:
            return
        cx = float(cand.centre[0])
        if np.isfinite(cx):
            target = int(round(cx - self.side / 2))
            self.x0 = int(np.clip(target, 0, self.width - self.side))

    def acquire(self, image: np.ndarray, lost: bool) -> None:
        """Scan tiles for a person when the runner has been lost for a while."""
        if not self.active:
            return
        self._lost_frames = self._lost_frames + 1 if lost else 0
        if not lost or self._lost_frames % ACQUIRE_EVERY_N_FRAMES != 1:
            return
        import mediapipe as mp

        if self._scanner is None:
            self._scanner = create_landmarker(self.model, num_poses=2, running_mode="image")
        best: PersonPose | None = None
        n_tiles = int(np.ceil(self.width / (0.75 * self.side)))
        for x0 in np.linspace(0, self.width - self.side, max(n_tiles, 2)).astype(int):
            tile = np.ascontiguousarray(image[:, x0:x0 + self.side])
            res = self._scanner.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=tile))
            for c in _candidates(res, self.side, self.height):
                c.xy[:, 0] += x0
                if best is None or c.body_px > best.body_px:
                    best = c
        self.follow(best)

    def close(self) -> None:
        if self._scanner is not None:
            self._scanner.close()


class _Scout:
    """Counts the people in the frames at `SCOUT_TIMES_S` with a multi-pose IMAGE landmarker.

    The landmarker is created and run on a worker thread, so its creation overlaps the VIDEO
    landmarker's and each look overlaps the VIDEO landmarker's work on the same frame.
    """

    def __init__(self, model: str, max_people: int) -> None:
        self._times = list(SCOUT_TIMES_S) if max_people > 1 else []
        self._pool: ThreadPoolExecutor | None = None
        self._released = False
        if self._times:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="gaitcam-scout")
            self._created = self._pool.submit(
                create_landmarker, model, num_poses=max_people, running_mode="image"
            )

    def look(self, t: float, image: np.ndarray) -> Future | None:
        """Start counting the people in `image` (a future int) if a scout time is reached."""
        if not self._times or t < self._times[0] or self._pool is None:
            return None
        self._times.pop(0)
        count = self._pool.submit(self._count, image)
        if not self._times:
            self.stop()
        return count

    def _count(self, image: np.ndarray) -> int:
        import mediapipe as mp

        landmarker = self._created.result()  # already done: it ran first on this same thread
        seen = landmarker.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=image))
        return len(seen.pose_landmarks)

    def stop(self) -> None:
        """No more looks: free the landmarker (on the worker, after any look under way)."""
        self._times = []
        if self._pool is not None and not self._released:
            self._released = True
            self._pool.submit(self._release)

    def _release(self) -> None:
        if self._created.exception() is None:
            self._created.result().close()

    def close(self) -> None:
        """Stop and wait for the worker to finish."""
        self.stop()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None


def extract_pose(
    path: str | Path,
    model: str = DEFAULT_MODEL,
    progress: ProgressFn | None = None,
    on_frame: FrameFn | None = None,
    max_people: int = MAX_PEOPLE,
) -> PoseSequence:
    """Run MediaPipe on every frame of `path` and return the runner's `PoseSequence`.

    Raises VideoError / ClipTooShortError for unusable files, ModelError for a bad model, and
    NoPersonError when no runner is found in enough frames (or the clip is too dark).
    """
    import mediapipe as mp

    path = Path(path)
    info = probe(path)
    threads = 1 if info.width * info.height <= ONE_THREAD_DECODE_MAX_PX else 0
    frames = Prefetch(iter_frames(path, pixel_format="rgb24", info=info, decoder_threads=threads))
    tracker = _Tracker()
    window = _Window(info.width, info.height, model)
    times: list[float] = []
    brightness: list[float] = []
    block_mediapipe_metrics()  # here, before the scout's thread creates a landmarker too
    scout = _Scout(model, max_people)
    landmarker = None
    try:
        landmarker = create_landmarker(model, num_poses=1)
        started = time.perf_counter()
        for frame in frames:
            crop = window.crop(frame.image)
            people = scout.look(frame.t, crop)
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=crop)
            timestamp_ms = int(round(frame.t * 1000.0))
            result = landmarker.detect_for_video(image, timestamp_ms)
            if people is not None and people.result() > 1:
                # Several people: track them all from this frame on. The single-pose result
                # for this frame (computed while the scout looked) is dropped with its landmarker.
                scout.stop()
                landmarker.close()
                landmarker = create_landmarker(model, num_poses=max_people)
                result = landmarker.detect_for_video(image, timestamp_ms)
            cands = window.to_frame(_candidates(result, crop.shape[1], crop.shape[0]))
            runner = tracker.update(frame.index, frame.t, cands)
            window.follow(runner)
            window.acquire(frame.image, lost=runner is None)
            times.append(frame.t)
            if frame.index % 10 == 0:
                brightness.append(float(frame.image[::8, ::8].mean()))
            if on_frame is not None:
                on_frame(frame, runner)
            if progress is not None:
                done = frame.index + 1
                progress(done, max(info.n_frames_estimate, done),
                         done / max(time.perf_counter() - started, 1e-9))
    finally:
        frames.close()
        if landmarker is not None:
            landmarker.close()
        scout.close()
        window.close()

    seq = _sequence_from_track(tracker.best(), np.asarray(times), info, model)
    _check_runner_found(seq, path, brightness)
    return seq


def _sequence_from_track(
    track: _Track | None, t: np.ndarray, info: VideoInfo, model: str
) -> PoseSequence:
    n = len(t)
    fps = (n - 1) / (t[-1] - t[0]) if n > 1 and t[-1] > t[0] else info.fps
    seq = PoseSequence.empty(
        n, info.width, info.height, fps,
        path=info.path, file_name=Path(info.path).name, model=model,
        rotation_deg=info.rotation_deg, codec=info.codec, container=info.container,
        duration_s=info.duration_s, file_size_bytes=info.file_size_bytes,
    )
    seq = seq.replace(t=t.astype(np.float64))
    if track is not None:
        idx = np.asarray(track.frames)
        seq.xy[idx] = np.stack([c.xy for c in track.poses])
        seq.world[idx] = np.stack([c.world for c in track.poses])
        seq.visibility[idx] = np.stack([c.vis for c in track.poses])
        seq.presence[idx] = np.stack([c.pres for c in track.poses])
    return seq


def _check_runner_found(seq: PoseSequence, path: Path, brightness: list[float]) -> None:
    frac = seq.detected_fraction
    if frac >= MIN_FOUND_FRACTION:
        return
    dark = bool(brightness) and float(np.median(brightness)) < 35.0
    if dark:
        raise NoPersonError(
            f"'{path.name}' is too dark: a runner was found in only {frac:.0%} of frames.",
            hint="Film in daylight or a well-lit room, with the light behind the camera.",
        )
    if frac == 0:
        raise NoPersonError(f"No person was found in '{path.name}'.")
    raise NoPersonError(
        f"The runner was found in only {frac:.0%} of the frames of '{path.name}'."
    )


def pose_summary(seq: PoseSequence) -> str:
    """One line for the CLI: frames, fraction with the runner, fps."""
    return (
        f"{seq.n_frames} frames, runner found in {int(seq.detected.sum())} "
        f"({seq.detected_fraction:.1%}), {seq.fps:.1f} fps, {seq.width}x{seq.height}"
    )


__all__ = ["extract_pose", "pose_summary", "GaitcamError"]
