"""Live treadmill mode: pose, overlay, rolling metrics and cues from a camera in real time.

`LiveProcessor` (gaitcam.live.processor) works with frames from any source; the browser page
(gaitcam.ui.live_page) and the OpenCV window (gaitcam.live.opencv_app) are thin shells on it.
"""

from gaitcam.live.cues import Cue, LiveMetric, target_cadence, worst_cue
from gaitcam.live.processor import LIVE_MODEL, LiveProcessor, LiveSnapshot
from gaitcam.live.recorder import RecordingStatus, SessionRecorder, new_session_dir

__all__ = [
    "LIVE_MODEL", "Cue", "LiveMetric", "LiveProcessor", "LiveSnapshot", "RecordingStatus",
    "SessionRecorder", "new_session_dir", "target_cadence", "worst_cue",
]
