"""Keep MediaPipe from sending its usage metrics to Google (see docs/privacy.md).

The PyPI build of mediapipe (1.2.3) posts performance metrics (task, running mode, latencies,
frame counts; no pixels or landmarks) to https://play.googleapis.com/log through the curl
library inside libmediapipe.so, when a landmarker closes and about once a minute while it runs;
it has no option to turn this off. That curl follows the standard proxy variables, so pointing
them at a proxy scheme curl does not support makes every such upload fail inside the process,
before any name lookup or connection. gaitcam itself makes no HTTPS request, so nothing else is
lost. tests/test_privacy.py traces a real pose run and fails on any internet attempt.
"""

from __future__ import annotations

import os

BLOCKING_PROXY = "gaitcam-offline://metrics-upload-blocked"


def block_mediapipe_metrics() -> None:
    """Point HTTPS proxies of this process (and its children) at an unusable scheme.

    Call before the first landmarker is created. A `no_proxy` entry could let the upload
    bypass the proxy, so it is removed.
    """
    names = ("https_proxy", "HTTPS_PROXY")
    if all(os.environ.get(n) == BLOCKING_PROXY for n in names) and not (
            "no_proxy" in os.environ or "NO_PROXY" in os.environ):
        return  # already done: no environment writes (landmarkers are made on several threads)
    for name in ("no_proxy", "NO_PROXY"):
        os.environ.pop(name, None)
    for name in names:
        os.environ[name] = BLOCKING_PROXY
