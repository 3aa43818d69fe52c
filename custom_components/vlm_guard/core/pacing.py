"""Spread the ticks of many cameras over their interval instead of letting them coincide.

Cameras started together (Home Assistant starting, an entry reloading) would
all tick at the same instant, every tick putting a frame's work on the
executor at once: with 32 cameras on 2 cores, 32 threads then compete with the
event loop for the CPUs and the GIL, and the loop wakes up late. Each camera
started gets a phase instead: the k-th one starts ticking k·0.618… of its
interval (modulo one interval) later. The golden-ratio sequence spreads any
number of cameras evenly without knowing how many will come: the gaps between
n phases stay between about 0.5 and 1.8 times interval/n.
"""

from __future__ import annotations

import math
from typing import Final

GOLDEN: Final = (math.sqrt(5) - 1) / 2


class TickPhases:
    """Hand out each started camera's tick offset, in seconds."""

    def __init__(self) -> None:
        """Start with the first camera at offset 0."""
        self._started = 0

    def next_offset(self, interval: float) -> float:
        """Return how long the next camera (ticking every `interval` s) waits before it starts."""
        phase = (self._started * GOLDEN) % 1.0
        self._started += 1
        return phase * interval
