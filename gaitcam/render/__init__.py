"""Overlay rendering: drawing layers, frame contexts and a browser-playable video writer."""

from gaitcam.render.context import (
    Contact,
    FrameContext,
    HudValue,
    ReportContexts,
    contexts_from_report,
)
from gaitcam.render.h264 import H264Writer
from gaitcam.render.layers import (
    ContactMarkerLayer,
    HudLayer,
    KneeAngleLayer,
    Layer,
    PelvisLayer,
    SkeletonLayer,
    TrunkLayer,
    default_layers,
)
from gaitcam.render.overlay import OverlayRenderer, render_overlay

__all__ = [
    "Contact", "ContactMarkerLayer", "FrameContext", "H264Writer", "HudLayer", "HudValue",
    "KneeAngleLayer", "Layer", "OverlayRenderer", "PelvisLayer", "ReportContexts",
    "SkeletonLayer", "TrunkLayer", "contexts_from_report", "default_layers", "render_overlay",
]
