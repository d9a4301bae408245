"""Gait geometry: pure numpy functions from a PoseSequence to view, gait events and metrics.

Modules: signal (gap filling, smoothing), identity (left/right label swaps), view (view,
facing, setting, ground tilt), prepare (the cleaning pipeline), passes (which crossing of
an overground clip to analyse), series (per-frame angles), events (initial contact / toe-off),
walking (label-free side-view steps, running vs walking), metrics (the report's metrics).
"""
