"""One listener per camera with a microphone: chunks, transcripts, the alert gate."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from datetime import datetime
import logging
import time
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util, slugify
import numpy as np

from .const import (
    DOMAIN,
    EVENT_TRANSCRIPT,
    EVENT_TYPE_SPEECH,
    EVENT_TYPE_URGENT_SPEECH,
    TRANSCRIBER_RETRY,
)
from .core.audio import AudioChunk, AudioChunker
from .core.clip import encode_clip
from .core.settings import AudioSettings
from .core.speech import REASON_EMPTY, REASON_NOISE, judge_transcript
from .core.transcribe import TranscriberError
from .repairs import ISSUE_TRANSCRIBER_FAILED, async_clear_issue, async_raise_issue
from .snapshots import SnapshotStore
from .transcribers import SpeechEngine

_LOGGER = logging.getLogger(__name__)

# Visual alerts remembered for the gate: speech waiting for a slow model may
# belong to an alert older than the newest one.
VISUAL_ALERTS_KEPT = 32


class AudioMonitor:
    """Transcribe a camera's sound in the background and raise speech alerts."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        name: str,
        payload_base: dict[str, Any],
        settings: AudioSettings,
        engine: SpeechEngine,
        store: SnapshotStore,
        signal_update: str,
        signal_speech: str,
        on_history: Callable[[], None] | None = None,
        on_speech: Callable[[dict[str, Any]], Awaitable[None]] | None = None,
    ) -> None:
        """Prepare the listener; the camera's reader feeds it through `sink`.

        `on_speech` gets each transcript that alerts (to keep with the incident).
        """
        self.hass = hass
        self.name = name
        self.settings = settings
        self.engine = engine
        self.store = store
        self._payload_base = payload_base
        self._signal_update = signal_update
        self._signal_speech = signal_speech
        self._on_history = on_history
        self._on_speech = on_speech
        self.chunker = AudioChunker(
            self._on_chunk,
            chunk_seconds=settings.chunk_seconds,
            silence_dbfs=settings.silence_dbfs,
        )
        self.enabled = True
        self.last: dict[str, Any] | None = None
        self.visual_alerts: deque[float] = deque(maxlen=VISUAL_ALERTS_KEPT)
        """Times (time.time()) of the camera's recent confirmed visual alerts."""
        self.transcribed = 0
        self.no_speech = 0
        self.noise = 0
        self.alerts = 0
        self.dropped = 0
        self.failures = 0
        self._task: asyncio.Task[None] | None = None
        self._pending: AudioChunk | None = None
        self._retry_at = 0.0
        self._stopping = False
        self._issue_owner = slugify(engine.name)

    # ------------------------------------------------------- reader thread
    def sink(self, samples: np.ndarray, rate: int, at: float) -> None:
        """Receive decoded mono samples (called from the reader thread)."""
        if self.enabled and not self._stopping:
            self.chunker.write(samples, rate, at)

    def _on_chunk(self, chunk: AudioChunk) -> None:
        """Hand a loud enough chunk to the event loop (called from the reader thread)."""
        self.hass.loop.call_soon_threadsafe(self._async_offer, chunk)

    # ---------------------------------------------------------- event loop
    @callback
    def async_set_enabled(self, enabled: bool) -> None:
        """Turn transcription on or off (the switch)."""
        self.enabled = enabled
        if not enabled:
            self.chunker.reset()
            self._pending = None
        async_dispatcher_send(self.hass, self._signal_update)

    @callback
    def async_visual_alert(self, when: datetime) -> None:
        """Open the gate: speech soon after a confirmed visual alert is news."""
        self.visual_alerts.append(when.timestamp())

    @callback
    def _async_offer(self, chunk: AudioChunk) -> None:
        """Transcribe now, or keep the newest chunk while one is being transcribed."""
        if self._stopping or not self.enabled:
            return
        if self._task is not None and not self._task.done():
            if self._pending is not None:
                self.dropped += 1
            self._pending = chunk
            return
        self._task = self.hass.async_create_background_task(
            self._async_run(chunk), name=f"{DOMAIN} transcribe {self.name}"
        )

    async def _async_run(self, chunk: AudioChunk | None) -> None:
        while chunk is not None and not self._stopping:
            try:
                await self._async_handle(chunk)
            except Exception:
                _LOGGER.exception("Camera %s: handling a chunk of audio failed", self.name)
            chunk, self._pending = self._pending, None

    async def async_stop(self) -> None:
        """Stop taking chunks; a transcription under way finishes in its thread."""
        self._stopping = True
        self._pending = None
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                if (task := asyncio.current_task()) is not None and task.cancelling():
                    raise

    async def _async_handle(self, chunk: AudioChunk) -> None:
        if time.monotonic() < self._retry_at:
            self.dropped += 1
            return
        try:
            transcript = await self.engine.async_transcribe(chunk)
        except TranscriberError as err:
            self.failures += 1
            self._retry_at = time.monotonic() + TRANSCRIBER_RETRY
            _LOGGER.warning("Camera %s: speech recognition unavailable: %s", self.name, err)
            async_raise_issue(
                self.hass,
                ISSUE_TRANSCRIBER_FAILED,
                self._issue_owner,
                {"model": self.engine.name, "error": str(err)},
            )
            async_dispatcher_send(self.hass, self._signal_update)
            return
        async_clear_issue(self.hass, ISSUE_TRANSCRIBER_FAILED, self._issue_owner)
        if transcript.speech <= 0.0 and not transcript.text:
            self.no_speech += 1
            return
        self.transcribed += 1
        now = dt_util.utcnow()
        # The gate counts from when the words were heard: a slow model or a
        # queue must not close it on speech heard during an alert.
        decision = judge_transcript(
            transcript.text,
            heard_from=chunk.started,
            heard_until=chunk.started + chunk.duration,
            visual_alerts=self.visual_alerts,
            window=self.settings.gate_window,
            rules=self.settings.rules,
        )
        if decision.reason in (REASON_NOISE, REASON_EMPTY):
            self.noise += 1
            _LOGGER.debug("Camera %s: dropped as noise: %r", self.name, transcript.text)
            return
        content, suffix = await self.hass.async_add_executor_job(encode_clip, chunk.samples)
        saved = await self.store.async_save(content, now, suffix)
        heard = dt_util.utc_from_timestamp(chunk.started)
        record: dict[str, Any] = {
            **self._payload_base,
            "text": transcript.text,
            "language": transcript.language,
            "alert": decision.alert,
            "urgent": decision.urgent,
            "gated": decision.gated,
            "reason": decision.reason,
            "urgent_words": list(decision.urgent_words),
            "engine": self.engine.name,
            "duration": round(transcript.duration, 2),
            "speech_seconds": round(transcript.speech, 2),
            "transcription_seconds": round(transcript.elapsed, 2),
            "clip_path": saved.path if saved else None,
            "clip_media_id": saved.media_id if saved else None,
            "heard": heard.isoformat(),
            "time": now.isoformat(),
        }
        self.last = record
        if self._on_history is not None:
            self._on_history()
        _LOGGER.debug("Camera %s heard %r (%s)", self.name, transcript.text, decision.reason)
        if decision.alert:
            self.alerts += 1
            event_type = EVENT_TYPE_URGENT_SPEECH if decision.urgent else EVENT_TYPE_SPEECH
            _LOGGER.info("Camera %s: %s: %s", self.name, event_type, transcript.text)
            async_dispatcher_send(self.hass, self._signal_speech, event_type, record)
            self.hass.bus.async_fire(EVENT_TRANSCRIPT, record | {"event_type": event_type})
            if self._on_speech is not None:
                await self._on_speech(record)
        async_dispatcher_send(self.hass, self._signal_update)
