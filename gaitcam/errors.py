"""User-facing errors.

Every problem a user can cause (a bad file, no runner, too few strides, a missing model) raises a
`GaitcamError` subclass whose message is one friendly sentence and whose `hint` says what to try.
The CLI prints `error: <message>` and exits 2; the app shows message and hint; no traceback.
"""

from __future__ import annotations


class GaitcamError(Exception):
    """Base class of errors caused by the input or the installation, not by a bug."""

    hint: str = ""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if hint is not None:
            self.hint = hint

    def __str__(self) -> str:
        return self.message


class VideoError(GaitcamError):
    """The file cannot be used as a video (not a video, corrupt, no video stream, too small...)."""

    hint = "Use an ordinary phone clip (mp4, mov, m4v, avi, webm or mkv) of at least 3 seconds."


class ClipTooShortError(VideoError):
    """The clip is too short to contain enough strides."""

    hint = "Film at least 10 seconds of steady running (3 s is the bare minimum)."


class ModelError(GaitcamError):
    """A pose model file is missing or corrupt."""

    hint = "Rebuild the models with: python models/build_models.py"


class NoPersonError(GaitcamError):
    """No runner, or too little of one, was found in the video."""

    hint = (
        "Film from the side at hip height, 3 to 5 m away, with the whole body in frame "
        "and good light."
    )


class NoGaitError(GaitcamError):
    """A person was found but no running or walking gait (or too few strides)."""

    hint = (
        "Film at least 10 seconds (8 or more strides) of steady running, side view at hip height."
    )
