"""RTSP reader thread (PyAV): keeps the newest decoded frame, reconnects on errors.

The container is opened, read and closed only by the reader's own thread. A stop
is a signal (`threading.Event`) checked between packets; a blocked network read
is bounded by PyAV's interrupt timeout, so a stop never waits on a dead socket
for longer than the read timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import logging
import threading
import time
from typing import Final

import av
import av.container
import av.error

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
    ) -> None:
        """Prepare a reader; nothing happens before start()."""
        self._url = url
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
        self.last_error: str | None = None

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
            if not container.streams.video:
                raise OSError("the stream has no video track")
            video = container.streams.video[0]
            video.thread_type = "AUTO"
            self._generation += 1
            time_base = video.time_base
            for packet in container.demux(video):
                if self._stop.is_set():
                    return
                for image in video.codec_context.decode(packet):
                    pts = (
                        float(image.pts * time_base)
                        if image.pts is not None and time_base is not None
                        else None
                    )
                    with self._lock:
                        self._sequence += 1
                        self._frame = Frame(
                            image, pts, time.monotonic(), self._sequence, self._generation
                        )
                    if not self.connected:
                        self._set_status(True)
