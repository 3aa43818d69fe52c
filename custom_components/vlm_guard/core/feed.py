"""A camera's feed: its readers, their generations, and the tick that reads them.

A camera has a main stream and, optionally, a low-resolution detection
substream. With a substream, motion is found on it and the main stream is
decoded only when the VLM is to look, so quiet ticks cost a small frame instead
of a 4K one while crops keep their full resolution.

The readers are replaced as a whole when the watchdog restarts them; each set
has a generation number so that late status reports of a replaced reader are
ignored. Everything here is plain threads and time: the Home Assistant monitor
and the benchmarks use the same code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import time
from typing import Final

from .clip_buffer import ClipBuffer
from .pipeline import Analyzer, TickResult
from .stills import StillReader
from .stream import AudioSink, Frame, StreamReader, StreamStatus

STREAM_MAIN: Final = "main"
STREAM_DETECTION: Final = "detection"
# Waiting for the main stream's next keyframe: this many keyframe intervals at most.
MAIN_FRAME_WAIT_GOPS: Final = 1.5
MAIN_FRAME_POLL: Final = 0.05

type StatusCallback = Callable[[str, StreamStatus, int], None]
"""Receives (stream, status, generation) from a reader's thread."""


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A stream of the camera was lost, came back, or connected for the first time."""

    stream: str
    connected: bool
    back: bool
    """True when the stream had been lost before (worth telling the owner)."""
    error: str | None


class CameraFeed:
    """Create, start, replace and stop a camera's readers; track which ones deliver."""

    def __init__(
        self,
        url: str,
        detect_url: str | None = None,
        *,
        name: str,
        interval: float,
        audio_sink: AudioSink | None = None,
        on_status: StatusCallback | None = None,
        fetch: Callable[[], bytes] | None = None,
        clip_buffer: ClipBuffer | None = None,
    ) -> None:
        """Prepare the readers; nothing runs before start().

        With `fetch` (and no URL), the camera gives still pictures instead of a
        stream: one is fetched per tick. With `clip_buffer`, the main stream's
        packets are kept in it for clips (every reader that replaces the main
        one feeds the same buffer).
        """
        self.url = url
        self.fetch = fetch
        self.detect_url = detect_url
        self.name = name
        self.interval = interval
        self._audio_sink = audio_sink
        self.clip_buffer = clip_buffer
        self._on_status = on_status
        self.generation = 0
        self.connected: dict[str, bool] = {STREAM_MAIN: False} | (
            {STREAM_DETECTION: False} if detect_url else {}
        )
        self._lost: set[str] = set()
        self._last_delivery: float | None = None
        self.main, self.detect = self._make_readers()

    def _make_readers(self) -> tuple[StreamReader, StreamReader | None]:
        self.generation += 1
        generation = self.generation

        def report(stream: str) -> Callable[[StreamStatus], None]:
            def _report(status: StreamStatus) -> None:
                if self._on_status is not None and generation == self.generation:
                    self._on_status(stream, status, generation)

            return _report

        main: StreamReader = (
            StillReader(
                self.fetch, name=self.name, interval=self.interval, on_status=report(STREAM_MAIN)
            )
            if self.fetch is not None and not self.url
            else StreamReader(
                self.url,
                name=self.name,
                on_status=report(STREAM_MAIN),
                tick_interval=self.interval,
                on_demand=bool(self.detect_url),
                audio_sink=self._audio_sink,
                clip_buffer=self.clip_buffer,
            )
        )
        detect = (
            StreamReader(
                self.detect_url,
                name=f"{self.name} (detection)",
                on_status=report(STREAM_DETECTION),
                tick_interval=self.interval,
            )
            if self.detect_url
            else None
        )
        return main, detect

    @property
    def readers(self) -> list[StreamReader]:
        """Return the current readers (main, and detection if any)."""
        return [self.main] + ([self.detect] if self.detect else [])

    @property
    def analysed(self) -> StreamReader:
        """Return the reader whose frames motion is found on."""
        return self.detect or self.main

    @property
    def all_connected(self) -> bool:
        """Return True while every stream of the camera delivers."""
        return all(self.connected.values())

    def start(self) -> None:
        """Start the current readers' threads."""
        for reader in self.readers:
            reader.start()

    def replace(self) -> list[StreamReader]:
        """Make a new set of readers (not started); return the old ones to stop."""
        old = self.readers
        self.main, self.detect = self._make_readers()
        return old

    @staticmethod
    def stop_readers(readers: list[StreamReader], timeout: float) -> int:
        """Signal readers to exit and wait up to `timeout` s each (blocking).

        Return how many did not exit: such a thread is a daemon blocked in a
        network read and ends when the read times out; it is left to do so.
        """
        return sum(not reader.stop(timeout) for reader in readers)

    def status_changed(
        self, stream: str, status: StreamStatus, generation: int
    ) -> StatusChange | None:
        """Record a reader's connection change; None when nothing changed."""
        if generation != self.generation or status.connected == self.connected.get(stream):
            return None
        self.connected[stream] = status.connected
        back = False
        if not status.connected:
            self._lost.add(stream)
        elif stream in self._lost:
            self._lost.discard(stream)
            back = True
        return StatusChange(stream, status.connected, back, status.error)

    def schedule_tick(self, at: float) -> None:
        """Tell every reader when (time.monotonic()) the next tick will look."""
        for reader in self.readers:
            reader.schedule_tick(at)

    def delivered(self) -> float | None:
        """Return when every stream last delivered (time.monotonic()), across restarts."""
        times = [reader.last_packet for reader in self.readers]
        if all(value is not None for value in times):
            newest = min(t for t in times if t is not None)
            self._last_delivery = max(self._last_delivery or newest, newest)
        return self._last_delivery

    def last_errors(self) -> list[str]:
        """Return the readers' last errors (not masked)."""
        return [reader.last_error for reader in self.readers if reader.last_error]

    def fresh_main_frame(self, stale: Frame) -> Frame:
        """Have the on-demand main reader decode its next keyframe; wait a bounded time.

        Blocking: run it in a worker thread.
        """
        self.main.request_frame()
        wait = MAIN_FRAME_WAIT_GOPS * (self.main.keyframe_interval or self.interval) + 0.5
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            frame = self.main.latest()
            if frame is not None and frame.sequence != stale.sequence:
                return frame
            time.sleep(MAIN_FRAME_POLL)
        return self.main.latest() or stale


class FrameTicker:
    """Turn a feed's newest frames into one analysis per tick, as the live camera does."""

    def __init__(self, feed: CameraFeed, analyzer: Analyzer) -> None:
        """Analyse `feed` with `analyzer` (which holds the motion reference frame)."""
        self.feed = feed
        self.analyzer = analyzer
        self.last_analysed: float | None = None
        """time.monotonic() when a new frame was last analysed (the watchdog reads it)."""
        self._last_sequence = 0
        self._last_generations = (0, 0)

    def tick(self) -> TickResult | None:
        """Analyse the newest frame if there is a new one (blocking: run it in a thread).

        Return None when there was nothing new to look at or nothing for the
        VLM on a substream; otherwise the tick's result, whose `image_jpeg` is
        set when the VLM should look.
        """
        feed = self.feed
        main = feed.main.latest()
        detect = feed.detect.latest() if feed.detect else main
        if main is None or detect is None or detect.sequence == self._last_sequence:
            if detect is not None and self.last_analysed is not None:
                # Nothing new to look at is not a stuck analysis.
                self.last_analysed = max(self.last_analysed, detect.received)
            return None
        self._last_sequence = detect.sequence
        generations = (main.generation, detect.generation)
        if generations != self._last_generations:
            # A reopened stream is not comparable with the frame before it.
            self._last_generations = generations
            self.analyzer.reset()
        if feed.detect is None:
            result = self.analyzer.tick(main.image, main.received)
        else:
            finding = self.analyzer.find(
                detect.image, detect.received, (main.image.width, main.image.height)
            )
            if finding.reason is None:
                # Analysed, and nothing for the VLM: the main stream stays undecoded.
                self.last_analysed = time.monotonic()
                return None
            main = feed.fresh_main_frame(main)
            result = self.analyzer.render(finding, main.image)
        self.last_analysed = time.monotonic()
        return result
