"""RTSP reader thread (PyAV): keeps the newest decoded frame, reconnects on errors.

The container is opened, read and closed only by the reader's own thread. A stop
is a signal (`threading.Event`) checked between packets; a blocked network read
is bounded by PyAV's interrupt timeout, so a stop never waits on a dead socket
for longer than the read timeout.

Decoding is where the CPU goes (a 4K stream costs ~15 % of a core to decode in
full) while the pipeline looks at one frame per tick. When the stream's
keyframes come at least once per tick, only keyframes are decoded, and only the
one that arrives just before the next tick (`KeyframeGate` decides); other
packets are read and dropped without decoding. When keyframes are rarer than
ticks, every frame is decoded.

A camera's audio track (AAC, G.711, PCM...) is decoded in full when someone
listens (`audio_sink`) and handed over as mono float32 samples at its own rate.

With a `ClipBuffer`, every video packet (decoded or not) and every AAC audio
packet is also handed to it as received, for clips with pre-roll.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
import logging
import threading
import time
from typing import Final

import av
import av.container
import av.error
import numpy as np

from .audio_packets import AudioBatcher
from .clip_buffer import CLIP_AUDIO_CODECS, ClipBuffer

# Callers judge a frame's age by the reader's decode window, so it is importable from here.
from .keyframes import TICK_WINDOW_GOPS, KeyframeGate  # noqa: F401
from .redact import mask_text, mask_url

_LOGGER = logging.getLogger(__name__)

OPEN_OPTIONS: Final = {
    "rtsp_transport": "tcp",
    "analyzeduration": "500000",
    "probesize": "65536",
}
OPEN_TIMEOUT: Final = 10.0
READ_TIMEOUT: Final = 10.0
RECONNECT_DELAYS: Final = (1.0, 2.0, 5.0, 10.0, 30.0)

type AudioSink = Callable[[np.ndarray, int, float], None]
"""Receives mono float32 samples, their rate, and time.time() when they arrived."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded video frame and when it arrived."""

    image: av.VideoFrame
    pts: float | None
    received: float
    """time.monotonic() when the frame was decoded."""
    sequence: int
    generation: int
    """Counts connections: a new value means the stream was reopened."""


@dataclass(frozen=True, slots=True)
class StreamStatus:
    """What the reader reports when its connection changes."""

    connected: bool
    error: str | None = None


def open_stream(
    url: str, *, open_timeout: float, read_timeout: float
) -> av.container.InputContainer:
    """Open an RTSP URL with fast-start options over TCP."""
    return av.open(
        url,
        options=dict(OPEN_OPTIONS),
        timeout=(open_timeout, read_timeout),
    )


def _bounded(packets: Iterator[av.Packet], read_timeout: float) -> Iterator[av.Packet]:
    """Yield packets; raise TimeoutError for one that took the whole read timeout to come.

    When a read times out FFmpeg hands over the frame its parser still held and
    reports the timeout only on the next read, which waits once more: without
    this, a silent camera would be noticed after twice the read timeout.
    """
    while True:
        started = time.monotonic()
        packet = next(packets, None)
        if packet is None:
            return
        if time.monotonic() - started >= read_timeout:
            raise TimeoutError(f"no data for {read_timeout:g} s")
        yield packet


def _seconds(pts: int | None, time_base: Fraction | None) -> float | None:
    """Return a timestamp in seconds, when the stream gives one."""
    return float(pts * time_base) if pts is not None and time_base is not None else None


def decode_keyframe(video: av.VideoStream, packet: av.Packet) -> list[av.VideoFrame]:
    """Decode a keyframe on its own and drain the decoder (blocking).

    A decoder of a stream with B-frames holds pictures back until later ones
    arrive: fed keyframes alone, it would hand each one over a tick or two late.
    """
    codec = video.codec_context
    frames = [*codec.decode(packet), *codec.decode(None)]
    # After a drain the decoder takes packets again only once flushed.
    codec.flush_buffers()
    return frames


class StreamReader:
    """Decode an RTSP stream in a thread of its own and keep the newest frame."""

    def __init__(
        self,
        url: str,
        *,
        name: str,
        on_status: Callable[[StreamStatus], None] | None = None,
        open_timeout: float = OPEN_TIMEOUT,
        read_timeout: float = READ_TIMEOUT,
        reconnect_delays: tuple[float, ...] = RECONNECT_DELAYS,
        tick_interval: float | None = None,
        on_demand: bool = False,
        audio_sink: AudioSink | None = None,
        clip_buffer: ClipBuffer | None = None,
    ) -> None:
        """Prepare a reader; nothing happens before start().

        With `tick_interval`, frames that no tick would look at are not decoded.
        With `on_demand` too, a keyframe is decoded only after request_frame()
        (the main stream of a camera whose motion is found on a substream).
        With `audio_sink`, the audio track is decoded and handed to it.
        With `clip_buffer`, packets are kept in it as received (main stream).
        """
        self._audio_sink = audio_sink
        self._clips = clip_buffer
        self._url = url
        self._gate = KeyframeGate(tick_interval, on_demand=on_demand)
        self._name = name
        self._on_status = on_status
        self._open_timeout = open_timeout
        self._read_timeout = read_timeout
        self._delays = reconnect_delays
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._sequence = 0
        self._generation = 0
        self._thread: threading.Thread | None = None
        self.connected = False
        self.reconnects = 0
        self.errors = 0
        self.decode_errors = 0
        self.last_error: str | None = None
        self.packets = 0
        self.last_packet: float | None = None
        """time.monotonic() of the newest packet: the stream is alive while this moves."""
        self.decoded = 0
        self.keyframes_only = False
        self.has_audio: bool | None = None
        self.audio_codec: str | None = None
        self.audio_seconds = 0.0

    @property
    def keyframe_interval(self) -> float | None:
        """Return the longest recent interval between keyframes, in seconds."""
        return self._gate.keyframe_interval

    def schedule_tick(self, at: float) -> None:
        """Say when (time.monotonic()) the next tick will read a frame."""
        self._gate.schedule_tick(at)

    def request_frame(self) -> None:
        """Ask an on-demand reader to decode the next keyframe."""
        self._gate.request()

    @property
    def alive(self) -> bool:
        """Return True while the reader thread runs."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the reader thread."""
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run, name=f"vlm_guard_reader[{self._name}]", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float) -> bool:
        """Signal the thread to exit and wait at most `timeout` s; True if it exited."""
        self._stop.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    def latest(self) -> Frame | None:
        """Return the newest decoded frame, if any (thread-safe)."""
        with self._lock:
            return self._frame

    def _set_status(self, connected: bool, error: str | None = None) -> None:
        changed = connected != self.connected or error is not None
        self.connected = connected
        if error is not None:
            self.last_error = error
        if changed and self._on_status is not None:
            try:
                self._on_status(StreamStatus(connected, error))
            except Exception:
                _LOGGER.exception("Status callback of camera %s failed", self._name)

    def _run(self) -> None:
        attempt = 0
        while not self._stop.is_set():
            try:
                self._read_once()
                attempt = 0
                error = "the stream ended"
            except (av.error.FFmpegError, OSError, StopIteration) as err:
                self.errors += 1
                error = mask_text(str(err))
            if self._stop.is_set():
                break
            self._set_status(False, error)
            delay = self._delays[min(attempt, len(self._delays) - 1)]
            attempt += 1
            _LOGGER.debug(
                "Camera %s stream %s: %s; reconnecting in %.0f s",
                self._name,
                mask_url(self._url),
                error,
                delay,
            )
            if self._stop.wait(delay):
                break
            self.reconnects += 1
        # A requested stop is not news: no callback into a loop that may be closing.
        self.connected = False

    def _read_once(self) -> None:
        """Open the stream, decode until it ends, an error, or the stop signal."""
        with open_stream(
            self._url, open_timeout=self._open_timeout, read_timeout=self._read_timeout
        ) as container:
            # A stop that came while the stream was probed must not wait for a read too.
            if self._stop.is_set():
                return
            if not container.streams.video:
                raise OSError("the stream has no video track")
            video = container.streams.video[0]
            # Slice threads only: frame threading holds frames back until more
            # packets arrive, which stalls a decoder fed keyframes alone.
            video.thread_type = "SLICE"
            self._generation += 1
            gate = self._gate
            gate.restart()
            self.keyframes_only = gate.keyframes_suffice
            time_base = video.time_base
            streams: list[av.stream.Stream] = [video]
            audio = container.streams.audio[0] if container.streams.audio else None
            self.has_audio = audio is not None
            self.audio_codec = audio.codec_context.name if audio is not None else None
            clips = self._clips
            # Audio a clip can carry is read for the clip buffer even when nobody listens.
            clip_audio = (
                audio
                if clips is not None
                and audio is not None
                and audio.codec_context.name in CLIP_AUDIO_CODECS
                else None
            )
            if clips is not None:
                clips.open(video, clip_audio)
            sound = AudioBatcher() if audio is not None and self._audio_sink is not None else None
            if audio is not None and (sound is not None or clip_audio is not None):
                streams.append(audio)
            for packet in _bounded(container.demux(streams), self._read_timeout):
                if self._stop.is_set():
                    return
                if packet.size == 0:
                    continue
                self.last_packet = now = time.monotonic()
                if audio is not None and packet.stream is audio:
                    if clips is not None and clip_audio is not None:
                        clips.add(packet, now)
                    if sound is not None:
                        self._hear(packet, sound)
                    continue
                self.packets += 1
                if clips is not None:
                    clips.add(packet, now)
                if packet.is_keyframe:
                    gate.keyframe(_seconds(packet.pts, time_base))
                    # Switch modes only on a keyframe: a P-frame needs its references.
                    self.keyframes_only = gate.keyframes_suffice
                    if self.keyframes_only and not gate.wanted(time.monotonic()):
                        continue
                elif self.keyframes_only:
                    continue
                gate.decoding(time.monotonic())
                try:
                    images = (
                        decode_keyframe(video, packet)
                        if self.keyframes_only
                        else video.codec_context.decode(packet)
                    )
                except av.error.InvalidDataError:
                    # A damaged packet costs this frame, not the connection.
                    self.decode_errors += 1
                    continue
                for image in images:
                    self.decoded += 1
                    gate.delivered()
                    pts = _seconds(image.pts, time_base)
                    with self._lock:
                        self._sequence += 1
                        self._frame = Frame(
                            image, pts, time.monotonic(), self._sequence, self._generation
                        )
                    if not self.connected:
                        self._set_status(True)

    def _hear(self, packet: av.Packet, sound: AudioBatcher) -> None:
        """Decode one audio packet; hand over mono samples about once a second."""
        assert self._audio_sink is not None
        try:
            frames = packet.decode()
        except av.error.InvalidDataError:
            self.decode_errors += 1
            return
        for frame in frames:
            batch = sound.add(frame)  # type: ignore[arg-type]
            if batch is not None:
                samples, rate = batch
                self.audio_seconds += samples.size / rate
                self._audio_sink(samples, rate, time.time())
