"""Which keyframes to decode so that each tick gets one fresh frame, and when keyframes suffice.

Decoding is where a camera's CPU goes, while the pipeline looks at one frame
per tick. When the stream's keyframes come at least once per tick, decoding
only the keyframe that arrives just before each tick is enough; when they are
rarer, every frame must be decoded. This module makes that decision on plain
numbers (seconds): the live reader feeds it `time.monotonic()` and the stream's
keyframe timestamps, the replay tool a file's own timeline, so that both
decode the same frames.
"""

from __future__ import annotations

from collections import deque
from typing import Final

# Keyframe intervals remembered to judge the stream's GOP (the longest counts).
GOP_HISTORY: Final = 4
# A keyframe is decoded when it arrives within this many GOPs before the next tick.
TICK_WINDOW_GOPS: Final = 1.5


class KeyframeGate:
    """Decide, keyframe by keyframe, whether decoding it serves the next tick."""

    def __init__(self, tick_interval: float | None, *, on_demand: bool = False) -> None:
        """Gate for ticks `tick_interval` s apart (None: decode everything).

        With `on_demand`, a keyframe is decoded only after request() (the main
        stream of a camera whose motion is found on a substream).
        """
        self.tick_interval = tick_interval
        self.on_demand = on_demand
        self._gops: deque[float] = deque(maxlen=GOP_HISTORY)
        self._last_key: float | None = None
        self._next_tick: float | None = None
        self._served: float | None = None
        self._last_decode: float | None = None
        self._requested = False
        self._has_frame = False

    def restart(self) -> None:
        """Start over on a new connection: its GOP and frames are not the old ones'."""
        self._gops.clear()
        self._last_key = None
        self._has_frame = False

    @property
    def keyframe_interval(self) -> float | None:
        """Return the longest recent interval between keyframes, in seconds."""
        return max(self._gops) if self._gops else None

    @property
    def keyframes_suffice(self) -> bool:
        """Return True when keyframes alone give every tick a fresh frame.

        Until two keyframes have been seen the answer is optimistic: a decoder
        that joins a stream mid-GOP can only start at a keyframe anyway.
        """
        if self.tick_interval is None:
            return False
        gop = self.keyframe_interval
        return gop is None or gop <= self.tick_interval

    @property
    def window_start(self) -> float | None:
        """Return from when on a keyframe is decoded for the next tick (None: no tick yet)."""
        if self._next_tick is None:
            return None
        # Until the GOP is known (cameras often send keyframes without timestamps
        # for a while after connecting) the tick interval stands in for it: a
        # keyframe shortly before the tick serves it, rather than none at all.
        gop = self.keyframe_interval or self.tick_interval or 0.0
        return self._next_tick - TICK_WINDOW_GOPS * gop

    def schedule_tick(self, at: float) -> None:
        """Say when the next tick will read a frame."""
        self._next_tick = at

    def request(self) -> None:
        """Ask an on-demand gate to let the next keyframe through."""
        self._requested = True

    def keyframe(self, pts: float | None) -> None:
        """Learn the GOP from a keyframe's stream timestamp (seconds)."""
        if pts is None:
            return
        if self._last_key is not None and pts > self._last_key:
            self._gops.append(pts - self._last_key)
        self._last_key = pts

    def wanted(self, now: float) -> bool:
        """Return True when the keyframe arriving `now` should be decoded for the next tick."""
        if not self._has_frame:
            return True
        if self.on_demand:
            return self._requested
        start = self.window_start
        if start is None:
            return False  # No tick has asked yet: the frame in hand will do.
        # The tick already has its frame when one was decoded for it inside its
        # window. Both count: when GOP and tick are equal, the keyframe decoded
        # for the previous tick lies in this tick's window too; the first frame
        # after connecting was decoded for this tick but may be too old.
        served = (
            self._served == self._next_tick
            and self._last_decode is not None
            and self._last_decode >= start
        )
        return now >= start and not served

    def decoding(self, now: float) -> None:
        """Note that a packet is being decoded `now` (this answers any request)."""
        self._last_decode = now
        self._served = self._next_tick
        self._requested = False

    def delivered(self) -> None:
        """Note that the decoder gave a frame: there is a frame in hand."""
        self._has_frame = True
