"""An incident's clip: pre-roll, the incident, post-roll; remuxed, never decoded.

The camera's reader keeps the newest seconds of its main stream as received
(core/clip_buffer.py). When an incident starts, recording holds everything
from the keyframe before the pre-roll; when it ends, the packets up to the
post-roll after its last ALERT (the clip capped at its longest) are written as
an MP4 next to the incident's snapshots, in an executor.
"""

from __future__ import annotations

import logging
from pathlib import Path
import time
from typing import Final

from homeassistant.core import HomeAssistant, callback

from .core.clip_buffer import (
    DEFAULT_MAX_CLIP,
    DEFAULT_POSTROLL,
    DEFAULT_PREROLL,
    ClipBuffer,
    ClipPackets,
)
from .core.clip_writer import ClipError, ClipInfo, write_clip
from .core.incidents import Incident
from .snapshots import SavedSnapshot, SnapshotStore

_LOGGER = logging.getLogger(__name__)

CLIP_SUFFIX: Final = ".mp4"


class IncidentClips:
    """Record one camera's incidents from its clip buffer."""

    def __init__(
        self,
        hass: HomeAssistant,
        name: str,
        buffer: ClipBuffer,
        store: SnapshotStore,
        quiet: float,
        *,
        preroll: float = DEFAULT_PREROLL,
        postroll: float = DEFAULT_POSTROLL,
        max_clip: float = DEFAULT_MAX_CLIP,
    ) -> None:
        """Record from `buffer`; write clips where `store` keeps the camera's files.

        The post-roll is at most `quiet`, the time an incident takes to end: the
        clip is ready when the end is announced.
        """
        self.hass = hass
        self.name = name
        self.buffer = buffer
        self.store = store
        self.preroll = preroll
        self.postroll = min(postroll, quiet)
        self.max_clip = max_clip
        self._recordings: dict[str, int] = {}
        self.written = 0
        self.failed = 0

    @callback
    def async_started(self, incident: Incident, since: float) -> None:
        """Hold the stream from `since` (monotonic) less the pre-roll, for this incident."""
        if self.buffer.streams is None:
            return  # No stream yet, or a codec an MP4 cannot carry.
        self._recordings[incident.id] = self.buffer.start(since, self.preroll)

    async def async_finish(self, incident: Incident) -> tuple[SavedSnapshot, ClipInfo] | None:
        """Write the incident's clip, up to its post-roll; None when there is none."""
        recording = self._recordings.pop(incident.id, None)
        if recording is None:
            return None
        # An incident that ends on its own has had its post-roll (never longer than
        # the quiet time); one ended early (detection turned off) keeps what came.
        until = min(
            incident.last_alert_at + self.postroll,
            incident.started_at + self.max_clip,
            time.monotonic(),
        )
        packets = self.buffer.finish(recording, until)
        if packets is None:
            return None
        name = f"{incident.started:%Y%m%d-%H%M%S}-{incident.id[:8]}-clip{CLIP_SUFFIX}"
        path = self.store.directory / name
        try:
            info = await self.hass.async_add_executor_job(self._write, packets, path)
        except ClipError as err:
            self.failed += 1
            _LOGGER.warning(
                "Camera %s: the clip of incident %s failed: %s", self.name, incident.id, err
            )
            return None
        self.written += 1
        return SavedSnapshot(str(path), f"{self.store.media_prefix}/{name}"), info

    @staticmethod
    def _write(packets: ClipPackets, path: Path) -> ClipInfo:
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_clip(packets, path)

    @callback
    def async_cancel(self) -> None:
        """Let every recording go (the camera stops)."""
        for recording in self._recordings.values():
            self.buffer.cancel(recording)
        self._recordings.clear()
