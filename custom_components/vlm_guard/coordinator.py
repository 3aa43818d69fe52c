"""One monitor per camera: ticks the feed, asks the VLM, hands decisions on.

The monitor owns the camera's loop and nothing else: the readers live in a
CameraFeed (core/feed.py), what a VLM answer means in core/decision.py, the
watchdog and its repairs in watchdog.py, alert snapshots and events in
alerts.py, sound in listener.py. Data flows one way: feed → FrameTicker →
VLM → Decision → AlertPublisher / entities.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
import logging
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .alerts import AlertPublisher
from .archive import async_get_archive
from .arming import CameraArming
from .const import DOMAIN
from .core.clip_buffer import ClipBuffer
from .core.decision import Decision, DecisionLog
from .core.feed import CameraFeed, FrameTicker
from .core.pipeline import REASON_MANUAL, Analyzer, Finding, TickResult
from .core.redact import mask_url
from .core.settings import CONF_ZONES, CameraSettings
from .core.stats import VLMStats
from .core.stream import StreamReader
from .core.zones import Zone, zones_document
from .judge import CameraJudge
from .listener import AudioMonitor
from .recorder import IncidentClips
from .server import ServerMonitor
from .snapshots import SnapshotStore
from .sources import EntitySource
from .ticking import TickSchedule
from .transcribers import SpeechEngine
from .watchdog import CameraHealth

_LOGGER = logging.getLogger(__name__)


class CameraMonitor:
    """Analyse one camera every tick and hand its decisions to Home Assistant."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry: ConfigEntry[Any],
        subentry: ConfigSubentry,
        server: ServerMonitor,
        speech: SpeechEngine | None = None,
        on_history: Callable[[], None] | None = None,
    ) -> None:
        """Prepare the camera; nothing runs before async_start()."""
        self.hass = hass
        self.entry = entry
        self.entry_id = entry.entry_id
        self.subentry_id = subentry.subentry_id
        self.name = subentry.title
        self.settings = settings = CameraSettings.from_data(subentry.data)
        self.interval = settings.interval
        self.server = server
        self._on_history = on_history
        self.judge = CameraJudge(self.name, settings, server)
        self.judge.on_late = self._async_late_decision
        self.decisions = DecisionLog()
        self.signal_update = f"{DOMAIN}_{self.subentry_id}_update"
        self.signal_alert = f"{DOMAIN}_{self.subentry_id}_alert"
        self.signal_speech = f"{DOMAIN}_{self.subentry_id}_speech"
        self.payload_base: dict[str, Any] = {
            "camera": self.name,
            "config_entry_id": self.entry_id,
            "subentry_id": self.subentry_id,
        }
        snapshots = SnapshotStore(hass, self.subentry_id)
        # Cameras whose stream carried sound when they were added get a listener.
        self.audio = (
            AudioMonitor(
                hass,
                name=self.name,
                payload_base=self.payload_base,
                settings=settings.audio,
                engine=speech,
                store=snapshots,
                signal_update=self.signal_update,
                signal_speech=self.signal_speech,
                on_history=self._history_changed,
                on_speech=lambda record: self.alerts.async_add_speech(record),
            )
            if settings.has_audio and speech is not None
            else None
        )
        self.clip_buffer = ClipBuffer()  # The newest seconds of the stream, for clips.
        self.feed = CameraFeed(
            settings.url,
            settings.detect_url,
            name=self.name,
            interval=settings.interval,
            clip_buffer=self.clip_buffer,
            audio_sink=self.audio.sink if self.audio else None,
            # Reader threads report to the watchdog, which logs and counts.
            on_status=lambda *report: self.health.stream_status(*report),
        )
        self.analyzer = Analyzer(settings.motion, settings.zones, settings.fallback_interval)
        self.ticker = FrameTicker(self.feed, self.analyzer)
        self.alerts = AlertPublisher(
            hass,
            payload_base=self.payload_base,
            quiet=settings.alert_hold,
            update_every=settings.update_every,
            store=snapshots,
            signal_alert=self.signal_alert,
            on_change=self._updated,
            archive=async_get_archive(hass),
            clips=IncidentClips(hass, self.name, self.clip_buffer, snapshots, settings.alert_hold),
        )
        self.health = CameraHealth(
            hass,
            payload_base=self.payload_base,
            feed=self.feed,
            ticker=self.ticker,
            stale_after=settings.stale_after,
            start_task=self._start_task,
            on_restart=self._reset_audio,
            on_change=self._updated,
        )
        self.arming = CameraArming(hass, lambda: server.armed, self._async_detection_changed)
        self.schedule = TickSchedule(
            hass, self.name, self.interval, self.async_tick, self._start_task
        )
        self._judge_task: asyncio.Task[Decision | None] | None = None
        self.busy_skips = 0
        """Findings not judged because this camera's previous question was still open."""
        # A camera entity of Home Assistant as the source: its stream, or its pictures.
        self.source = (
            EntitySource(hass, settings.source_entity, self.feed, self.health.async_retry)
            if settings.source_entity
            else None
        )
        self._source_task: asyncio.Task[None] | None = None
        self._stopping = False

    # ------------------------------------------------------------ views
    @property
    def stats(self) -> VLMStats:
        """Return the camera's VLM call statistics."""
        return self.judge.stats

    @property
    def reader(self) -> StreamReader:
        """Return the main stream's reader."""
        return self.feed.main

    @property
    def detect_reader(self) -> StreamReader | None:
        """Return the detection substream's reader, if the camera has one."""
        return self.feed.detect

    @property
    def stream_connected(self) -> bool:
        """Return True while every stream of the camera delivers."""
        return self.feed.all_connected

    @property
    def zones(self) -> list[Zone]:
        """Return the zones in use."""
        return self.analyzer.zones

    @property
    def alert_on(self) -> bool:
        """Return True while an alert is held."""
        return self.alerts.alert_on

    @property
    def last_alert(self) -> dict[str, Any] | None:
        """Return the last alert's event data."""
        return self.alerts.last_alert

    @property
    def problem(self) -> str | None:
        """Return what the watchdog finds wrong, if anything."""
        return self.health.problem

    @property
    def restarts(self) -> int:
        """Return how many times the watchdog restarted the readers."""
        return self.health.restarts

    # ------------------------------------------------------------ zones
    @callback
    def async_set_zones(self, zones: list[Zone]) -> None:
        """Use new zones from the next tick on, without restarting the stream."""
        self.analyzer.set_zones(zones)
        self._updated()

    @callback
    def async_save_zones(self, zones: list[Zone]) -> None:
        """Store zones in the camera's subentry; the entry's listener applies them live."""
        subentry = self.entry.subentries[self.subentry_id]
        self.hass.config_entries.async_update_subentry(
            self.entry,
            subentry,
            data={**subentry.data, CONF_ZONES: zones_document(zones)[CONF_ZONES]},
        )

    # -------------------------------------------------------- lifecycle
    @callback
    def async_start(self) -> None:
        """Start the readers, the analysis ticks and the watchdog."""
        if device := dr.async_get(self.hass).async_get_device({(DOMAIN, self.subentry_id)}):
            # Automations pick cameras by device: every event carries it.
            self.payload_base["device_id"] = device.id
        _LOGGER.debug("Starting camera %s (%s)", self.name, mask_url(self.settings.url))
        if self.source is None:
            self.feed.start()
        else:
            self._source_task = self._start_task(self.source.async_run(), f"{DOMAIN} source")
        self.schedule.async_start()
        self.health.async_start()

    async def async_stop(self) -> None:
        """Stop ticking and signal the readers; never waits forever on them."""
        self._stopping = True
        tick_task = self.schedule.async_stop()
        self.health.async_stop()
        self.alerts.async_stop()
        self.arming.async_stop()
        if self.audio is not None:
            await self.audio.async_stop()
        for running in (tick_task, self._judge_task, self._source_task):
            if running is not None and not running.done():
                running.cancel()
                try:
                    await running
                except asyncio.CancelledError:
                    if (task := asyncio.current_task()) is not None and task.cancelling():
                        raise
        await self.health.async_stop_readers(self.feed.readers)

    def _start_task[T](self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """Run a task that lives no longer than the entry (unload cancels it)."""
        return self.entry.async_create_background_task(self.hass, coro, name)

    # ----------------------------------------------------------- stream
    def _reset_audio(self) -> None:
        if self.audio is not None:
            self.audio.chunker.reset()

    # ------------------------------------------------------------ ticks
    async def async_tick(self) -> None:
        """Analyse the newest frame; ask the VLM in the background when something changed."""
        self.feed.schedule_tick(time.monotonic() + self.interval)
        # Disarmed cameras are still read and analysed: the watchdog keeps
        # watching the stream, only the VLM is not asked.
        result = await self.hass.async_add_executor_job(self.ticker.tick)
        if result is None or result.image_jpeg is None or result.reason is None:
            return
        if not self.arming.detecting:
            return
        if self._judge_task is not None and not self._judge_task.done():
            # One open question per camera: a slow VLM or a flood of motion
            # must not queue requests without bound.
            self.busy_skips += 1
            return
        self._judge_task = self._start_task(
            self._async_judge_quietly(result, result.image_jpeg, result.reason),
            f"{DOMAIN} judge {self.name}",
        )

    async def _async_judge_quietly(
        self, result: TickResult, image: bytes, reason: str
    ) -> Decision | None:
        try:
            return await self._async_judge(result, image, reason)
        except Exception:
            _LOGGER.exception("Camera %s: judging a frame failed", self.name)
            return None

    async def _async_judge(self, result: TickResult, image: bytes, reason: str) -> Decision | None:
        """Have the VLM judge a crop or a full frame and act on its decision."""
        decision = await self.judge.async_judge(result, image, reason)
        if decision is None:
            self._updated()
            return None
        self.decisions.add(decision)
        self._history_changed()
        _LOGGER.debug(
            "Camera %s: %s by rule %s: %s",
            self.name,
            "ALERT" if decision.alert else "CLEAR",
            decision.verdict.rule,
            decision.verdict.description,
        )
        if decision.alert and self.arming.detecting:
            snapshot = await self.hass.async_add_executor_job(self.analyzer.snapshot, result)
            await self.alerts.async_publish(decision, snapshot, image)
            if self.audio is not None:
                self.audio.async_visual_alert(decision.time)
            self._history_changed()
        else:
            self._updated()
        return decision

    async def async_analyze_now(self) -> Decision | None:
        """Judge the current whole picture at once (zones applied), as the owner asked."""
        frame = self.feed.main.latest()
        if frame is None:
            raise HomeAssistantError(
                translation_domain=DOMAIN,
                translation_key="no_picture",
                translation_placeholders={"camera": self.name},
            )
        if self._judge_task is not None and not self._judge_task.done():
            # The open question is answered first; one question at a time.
            await asyncio.shield(self._judge_task)
        finding = Finding([], None, REASON_MANUAL)
        result = await self.hass.async_add_executor_job(self.analyzer.render, finding, frame.image)
        if result.image_jpeg is None:
            return None  # Zones hide the whole picture: nothing to ask about.
        self._judge_task = self._start_task(
            self._async_judge_quietly(result, result.image_jpeg, REASON_MANUAL),
            f"{DOMAIN} analyze {self.name}",
        )
        return await asyncio.shield(self._judge_task)

    @callback
    def _async_late_decision(self, decision: Decision) -> None:
        """Record an answer that came after the fail-open grace (its alert already went)."""
        self.decisions.add(decision)
        self._history_changed()
        self._updated()

    @callback
    def _async_detection_changed(self, flipped: bool) -> None:
        if flipped and not self.arming.detecting:
            # Detection off ends the incident at once: nothing more will add to it.
            self.alerts.async_end_now()
        self._updated()

    # ---------------------------------------------------------- history
    def history(self) -> dict[str, Any]:
        """Return what should survive a restart: recent decisions and the last alert."""
        return {
            "decisions": self.decisions.dump(),
            **self.alerts.dump(),
            "stats": self.judge.stats.dump(),
            **self.arming.dump(),
            "last_transcript": self.audio.last if self.audio else None,
        }

    @callback
    def async_restore(self, stored: dict[str, Any]) -> None:
        """Take back what history() returned before a restart."""
        skipped = self.decisions.restore(stored.get("decisions") or [])
        if skipped:
            _LOGGER.debug("Camera %s: skipped %d unreadable stored decisions", self.name, skipped)
        self.alerts.async_restore(stored)
        self.judge.stats.restore(stored.get("stats") or {})
        self.arming.async_restore(stored)
        if self.audio is not None and stored.get("last_transcript"):
            self.audio.last = stored["last_transcript"]

    def _history_changed(self) -> None:
        if self._on_history is not None:
            self._on_history()

    @callback
    def _updated(self) -> None:
        async_dispatcher_send(self.hass, self.signal_update)
