"""A cadence metronome: a Web Audio click for the browser page, a beat clock for OpenCV.

The browser metronome is generated client-side (an AudioContext oscillator, no audio files):
browsers only start audio after a click inside the page, so the snippet carries its own
start/stop button. Clicks are scheduled ahead on the audio clock (a 25 ms timer schedules the
next 100 ms), so the beat stays steady even when the page is busy.
"""

from __future__ import annotations

import math

MIN_BPM, MAX_BPM = 100, 230


def _check_bpm(bpm: float) -> float:
    bpm = float(bpm)
    if not (math.isfinite(bpm) and MIN_BPM <= bpm <= MAX_BPM):
        raise ValueError(f"metronome tempo must be {MIN_BPM}-{MAX_BPM} beats/min, got {bpm}")
    return bpm


class BeatClock:
    """Beats at `bpm` beats per minute from time `t0` (seconds, any clock)."""

    def __init__(self, bpm: float, t0: float = 0.0) -> None:
        self.bpm = _check_bpm(bpm)
        self.t0 = t0

    @property
    def period_s(self) -> float:
        return 60.0 / self.bpm

    def beat_index(self, t: float) -> int:
        """Number of the beat most recently started at time t (0 at t0)."""
        return int(math.floor((t - self.t0) / self.period_s))

    def phase(self, t: float) -> float:
        """Seconds since the most recent beat."""
        return (t - self.t0) % self.period_s


_HTML = """<!doctype html>
<html><head><meta charset="utf-8"><style>
body {{ margin: 0; font-family: sans-serif; font-size: 15px; color: #222; }}
.row {{ display: flex; align-items: center; gap: 10px; }}
button {{ font-size: 15px; padding: 6px 14px; border-radius: 6px; border: 1px solid #999;
  background: #f6f6f6; cursor: pointer; }}
#dot {{ width: 16px; height: 16px; border-radius: 50%; background: #ccc; }}
</style></head><body>
<div class="row">
  <button id="toggle" type="button">Start metronome</button>
  <span id="dot"></span><span><b>{bpm}</b> steps/min</span>
</div>
<script>
(function () {{
  const bpm = {bpm};
  const period = 60.0 / bpm;
  let ctx = null, timer = null, next = 0, beats = [];
  const btn = document.getElementById("toggle"), dot = document.getElementById("dot");
  function click(at) {{
    const osc = ctx.createOscillator(), gain = ctx.createGain();
    osc.frequency.value = 1000;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.6, at + 0.002);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.035);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.04);
    beats.push(at);
  }}
  function schedule() {{
    while (next < ctx.currentTime + 0.1) {{ click(next); next += period; }}
    const now = ctx.currentTime;
    beats = beats.filter(b => b > now - 0.2);
    const lit = beats.some(b => now >= b && now - b < 0.08);
    dot.style.background = lit ? "#2e9b48" : "#ccc";
  }}
  function start() {{
    ctx = ctx || new (window.AudioContext || window.webkitAudioContext)();
    ctx.resume();
    next = ctx.currentTime + 0.05;
    timer = setInterval(schedule, 25);
    btn.textContent = "Stop metronome";
  }}
  function stop() {{
    clearInterval(timer); timer = null;
    if (ctx) ctx.suspend();
    dot.style.background = "#ccc";
    btn.textContent = "Start metronome";
  }}
  btn.addEventListener("click", () => (timer ? stop() : start()));
}})();
</script></body></html>
"""


def metronome_html(bpm: float) -> str:
    """A self-contained HTML page with a start/stop metronome clicking at `bpm` (rounded).

    Raises ValueError for a tempo outside MIN_BPM..MAX_BPM.
    """
    return _HTML.format(bpm=int(round(_check_bpm(bpm))))
