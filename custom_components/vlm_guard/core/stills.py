"""A reader for cameras that give still pictures but no stream.

Some cameras already in Home Assistant have no stream source (a still-image
URL, a cloud camera's snapshots). `StillReader` asks for a picture once per
tick in a thread of its own and hands it on exactly like the RTSP reader hands
on decoded frames, so motion, the VLM, the watchdog and the entities work the
same. Fetching is a callable the caller provides (in Home Assistant: the camera
entity's image); a failure is retried with the reader's usual backoff.
"""

from __future__ import annotations

from collections.abc import Callable
import time
from typing import Final

import cv2
import numpy as np

from .stream import Frame, StreamReader, StreamStatus

FETCH_TIMEOUT: Final = 10.0


class StillError(OSError):
    """A picture could not be fetched or read."""


class StillReader(StreamReader):
    """Fetch one still picture per tick and keep the newest, as a stream reader would."""

    def __init__(
        self,
        fetch: Callable[[], bytes],
        *,
        name: str,
        interval: float,
        on_status: Callable[[StreamStatus], None] | None = None,
    ) -> None:
        """Call `fetch()` (blocking, returns JPEG or PNG bytes) every `interval` seconds."""
        super().__init__("", name=name, on_status=on_status, tick_interval=interval)
        self._fetch = fetch
        self._interval = interval
        self.has_audio = False

    @property
    def keyframe_interval(self) -> float | None:
        """Return the picture interval: every picture stands alone, like a keyframe."""
        return self._interval

    def _read_once(self) -> None:
        """Fetch pictures until a failure or the stop signal."""
        self._generation += 1
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                content = self._fetch()
            except Exception as err:
                raise StillError(f"no picture from the camera: {err}") from err
            image = cv2.imdecode(np.frombuffer(content, np.uint8), cv2.IMREAD_COLOR)
            if image is None:
                raise StillError("the camera's picture could not be read")
            now = time.monotonic()
            self.last_packet = now
            self.packets += 1
            self.decoded += 1
            with self._lock:
                self._sequence += 1
                self._frame = Frame(image, None, now, self._sequence, self._generation)  # type: ignore[arg-type]
            if not self.connected:
                self._set_status(True)
            # One picture per tick is all the pipeline looks at.
            if self._stop.wait(max(0.0, self._interval - (now - started))):
                return
