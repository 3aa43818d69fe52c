"""One monitor per camera: wires stream, motion, VLM and verdict to Home Assistant."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
import logging
import time
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util import dt as dt_util, slugify

from .const import DOMAIN, EVENT_ALERT, EVENT_HEALTH, READER_STOP_TIMEOUT, WATCHDOG_INTERVAL
from .core.fingerprint import RepeatMemory
from .core.health import PROBLEM_NO_FRAMES, Action, HealthConfig, Watchdog
from .core.pipeline import Analyzer, TickResult
from .core.redact import mask_text, mask_url
from .core.settings import CONF_ZONES, OUTAGE_OPEN, CameraSettings
from .core.stats import VLMStats
from .core.stream import Frame, StreamReader, StreamStatus
from .core.verdict import RULE_UNPARSEABLE, Verdict, parse_verdict
from .core.vlm import VLMError
from .core.zones import Zone, zones_document
from .history import decision_from_dict, decision_to_dict
from .listener import AudioMonitor
from .server import ServerMonitor
from .snapshots import SnapshotStore
from .transcribers import SpeechEngine

_LOGGER = logging.getLogger(__name__)

RULE_UNVERIFIED = "unverified"
# Waiting for the main stream's next keyframe: this many keyframe intervals at most.
MAIN_FRAME_WAIT_GOPS = 1.5
MAIN_FRAME_POLL = 0.05
# Decisions kept in memory to explain what the VLM decided (diagnostics).
RECENT_DECISIONS = 50
STREAM_MAIN = "main"
STREAM_DETECTION = "detection"


@dataclass(frozen=True, slots=True)
class Decision:
    """One verdict of the VLM on one crop, with what is needed to explain it."""

    time: datetime
    verdict: Verdict
    raw: str
    model: str
    latency: float
    reason: str
    """Why the VLM was asked: motion, fallback or first (after connecting)."""
    boxes: list[tuple[int, int, int, int]] = field(default_factory=list)
    crop: tuple[int, int, int, int] | None = None
    reused: bool = False
    """True when a nearly identical image's recent verdict was reused (no call)."""


class CameraMonitor:
    """Analyse one camera every tick and publish alerts to Home Assistant."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        subentry: ConfigSubentry,
        server: ServerMonitor,
        speech: SpeechEngine | None = None,
        on_history: Callable[[], None] | None = None,
    ) -> None:
        """Prepare the camera; nothing runs before async_start()."""
        self.hass = hass
        self.entry_id = entry_id
        self.subentry_id = subentry.subentry_id
        self.name = subentry.title
        self.settings = settings = CameraSettings.from_data(subentry.data)
        self.interval = settings.interval
        self.alert_hold = settings.alert_hold
        self.server = server
        self._on_history = on_history
        self.stats = VLMStats()
        self.repeats: RepeatMemory[Decision] = RepeatMemory(settings.repeat_window)
        self.analyzer = Analyzer(settings.motion, settings.zones, settings.fallback_interval)
        self.snapshots = SnapshotStore(hass, slugify(self.name) or self.subentry_id)
        self.signal_update = f"{DOMAIN}_{self.subentry_id}_update"
        self.signal_alert = f"{DOMAIN}_{self.subentry_id}_alert"
        self.signal_speech = f"{DOMAIN}_{self.subentry_id}_speech"
        # Cameras whose stream carried sound when they were added get a listener.
        self.audio = (
            AudioMonitor(
                hass,
                name=self.name,
                payload_base={
                    "camera": self.name,
                    "config_entry_id": entry_id,
                    "subentry_id": self.subentry_id,
                },
                settings=settings.audio,
                engine=speech,
                store=self.snapshots,
                signal_update=self.signal_update,
                signal_speech=self.signal_speech,
                on_history=self._history_changed,
            )
            if settings.has_audio and speech is not None
            else None
        )
        self._reader_generation = 0
        self.reader, self.detect_reader = self._make_readers()
        self.device_info = DeviceInfo(
            identifiers={(DOMAIN, self.subentry_id)},
            name=self.name,
            manufacturer="VLM Guard",
            model="RTSP camera",
            via_device=(DOMAIN, entry_id),
        )

        self.alert_on = False
        self.last_decision: Decision | None = None
        self.decisions: deque[Decision] = deque(maxlen=RECENT_DECISIONS)
        self.last_alert: dict[str, Any] | None = None
        self.snapshot: bytes | None = None
        self._streams_connected = {STREAM_MAIN: False} | (
            {STREAM_DETECTION: False} if settings.detect_url else {}
        )
        self._streams_lost: set[str] = set()

        self._last_sequence = 0
        self._last_generations = (0, 0)
        self._tick_task: asyncio.Task[None] | None = None
        self._judge_task: asyncio.Task[Decision | None] | None = None
        self.busy_skips = 0
        """Findings not judged because this camera's previous question was still open."""
        self.vlm_failures_in_a_row = 0

        # Health: frames must keep arriving and keep being analysed.
        self.watchdog = Watchdog(settings.interval, HealthConfig(stale_frame=settings.stale_after))
        self.last_analysed: float | None = None
        self.problem: str | None = None
        self.problem_cause: str | None = None
        self.restarts = 0
        self.abandoned_readers = 0
        self._last_delivery: float | None = None
        self._watchdog_lock = asyncio.Lock()
        self._unsub_watchdog: CALLBACK_TYPE | None = None
        self._unsub_interval: CALLBACK_TYPE | None = None
        self._unsub_hold: CALLBACK_TYPE | None = None
        self._stopping = False

    def _make_readers(self) -> tuple[StreamReader, StreamReader | None]:
        """Create the camera's readers (new ones after a watchdog restart)."""
        settings = self.settings
        self._reader_generation += 1
        generation = self._reader_generation
        # With a substream, motion is found on it and the main stream is decoded
        # only when the VLM is to be asked: crops keep their full resolution while
        # quiet ticks cost a small frame instead of a 4K one.
        main = StreamReader(
            settings.url,
            name=self.name,
            on_status=lambda status: self._on_stream_status(STREAM_MAIN, status, generation),
            tick_interval=settings.interval,
            on_demand=bool(settings.detect_url),
            audio_sink=self.audio.sink if self.audio else None,
        )
        detect = (
            StreamReader(
                settings.detect_url,
                name=f"{self.name} (detection)",
                on_status=lambda status: self._on_stream_status(
                    STREAM_DETECTION, status, generation
                ),
                tick_interval=settings.interval,
            )
            if settings.detect_url
            else None
        )
        return main, detect

    @property
    def stream_source(self) -> str:
        """Return the RTSP URL for Home Assistant's own live view."""
        return self.settings.url

    @property
    def readers(self) -> list[StreamReader]:
        """Return the camera's stream readers (main, and detection if any)."""
        return [self.reader] + ([self.detect_reader] if self.detect_reader else [])

    @property
    def zones(self) -> list[Zone]:
        """Return the zones in use."""
        return self.analyzer.zones

    @callback
    def async_set_zones(self, zones: list[Zone]) -> None:
        """Use new zones from the next tick on, without restarting the stream."""
        self.analyzer.set_zones(zones)
        async_dispatcher_send(self.hass, self.signal_update)

    @callback
    def async_save_zones(self, zones: list[Zone]) -> None:
        """Store zones in the camera's subentry; the entry's listener applies them live."""
        entry = self.hass.config_entries.async_get_known_entry(self.entry_id)
        subentry = entry.subentries[self.subentry_id]
        self.hass.config_entries.async_update_subentry(
            entry,
            subentry,
            data={**subentry.data, CONF_ZONES: zones_document(zones)[CONF_ZONES]},
        )

    # ------------------------------------------------------------ lifecycle
    @callback
    def async_start(self) -> None:
        """Start the reader thread and the analysis ticks."""
        _LOGGER.debug("Starting camera %s (%s)", self.name, mask_url(self.settings.url))
        for reader in self.readers:
            reader.start()
        self.watchdog.started(time.monotonic())
        self._unsub_interval = async_track_time_interval(
            self.hass,
            self._async_on_interval,
            timedelta(seconds=self.interval),
            name=f"{DOMAIN} tick {self.name}",
            cancel_on_shutdown=True,
        )
        self._unsub_watchdog = async_track_time_interval(
            self.hass,
            self._async_on_watchdog,
            # Often enough to notice a frozen stream soon after `stale_after`.
            timedelta(seconds=min(WATCHDOG_INTERVAL, max(1.0, self.settings.stale_after / 3))),
            name=f"{DOMAIN} watchdog {self.name}",
            cancel_on_shutdown=True,
        )

    async def async_stop(self) -> None:
        """Stop ticking and signal the reader; never waits forever on it."""
        self._stopping = True
        for unsub in (self._unsub_interval, self._unsub_hold, self._unsub_watchdog):
            if unsub is not None:
                unsub()
        self._unsub_interval = self._unsub_hold = self._unsub_watchdog = None
        if self.audio is not None:
            await self.audio.async_stop()
        for running in (self._tick_task, self._judge_task):
            if running is not None and not running.done():
                running.cancel()
                try:
                    await running
                except asyncio.CancelledError:
                    if (task := asyncio.current_task()) is not None and task.cancelling():
                        raise
        await self._async_stop_readers(self.readers)

    async def _async_stop_readers(self, readers: list[StreamReader]) -> None:
        """Signal readers to exit and wait a bounded time; a stuck one is abandoned."""
        stopped = await asyncio.gather(
            *(
                self.hass.async_add_executor_job(reader.stop, READER_STOP_TIMEOUT)
                for reader in readers
            )
        )
        abandoned = stopped.count(False)
        if abandoned:
            # The thread is a daemon blocked in a network read; it exits when the
            # read times out. Waiting for it here could hang an unload.
            self.abandoned_readers += abandoned
            _LOGGER.warning(
                "Reader of camera %s did not exit within %.0f s; it is left to finish on its own",
                self.name,
                READER_STOP_TIMEOUT,
            )

    @property
    def stream_connected(self) -> bool:
        """Return True while every stream of the camera delivers."""
        return all(self._streams_connected.values())

    # --------------------------------------------------------------- stream
    def _on_stream_status(self, stream: str, status: StreamStatus, generation: int) -> None:
        """Receive a reader's connection changes (called from its thread)."""
        if generation != self._reader_generation:
            return  # a reader the watchdog replaced
        if stream == STREAM_MAIN and not status.connected and self.audio is not None:
            # Sound from before and after a reconnect is not one chunk.
            self.audio.chunker.reset()
        self.hass.loop.call_soon_threadsafe(self._async_stream_status, stream, status, generation)

    @callback
    def _async_stream_status(self, stream: str, status: StreamStatus, generation: int) -> None:
        if (
            self._stopping
            or generation != self._reader_generation
            or status.connected == self._streams_connected[stream]
        ):
            return
        self._streams_connected[stream] = status.connected
        # Log once when a stream is lost and once when it is back.
        if not status.connected:
            self._streams_lost.add(stream)
            _LOGGER.warning(
                "Camera %s %s stream is unavailable: %s", self.name, stream, status.error
            )
        elif stream in self._streams_lost:
            self._streams_lost.discard(stream)
            _LOGGER.info("Camera %s %s stream is back", self.name, stream)
        else:
            _LOGGER.debug("Camera %s %s stream is connected", self.name, stream)
        async_dispatcher_send(self.hass, self.signal_update)

    # ----------------------------------------------------------------- ticks
    @callback
    def _async_on_interval(self, _now: datetime) -> None:
        if self._tick_task is not None and not self._tick_task.done():
            # The previous tick still waits on the VLM: skip rather than pile up.
            return
        self._tick_task = self.hass.async_create_background_task(
            self._async_tick_quietly(), name=f"{DOMAIN} tick {self.name}"
        )

    async def _async_tick_quietly(self) -> None:
        # One bad frame or an unexpected failure must cost one tick, not the camera.
        try:
            await self.async_tick()
        except Exception:
            _LOGGER.exception("Camera %s: analysis of a frame failed", self.name)

    async def async_tick(self) -> None:
        """Analyse the newest frame; ask the VLM in the background when something changed."""
        next_tick = time.monotonic() + self.interval
        for reader in self.readers:
            reader.schedule_tick(next_tick)
        main = self.reader.latest()
        detect = self.detect_reader.latest() if self.detect_reader else main
        if main is None or detect is None or detect.sequence == self._last_sequence:
            if detect is not None and self.last_analysed is not None:
                # Nothing new to look at is not a stuck analysis.
                self.last_analysed = max(self.last_analysed, detect.received)
            return
        self._last_sequence = detect.sequence
        generations = (main.generation, detect.generation)
        if generations != self._last_generations:
            # A reopened stream is not comparable with the frame before it.
            self._last_generations = generations
            self.analyzer.reset()
        if self.detect_reader is None:
            result = await self.hass.async_add_executor_job(
                self.analyzer.tick, main.image, main.received
            )
        else:
            finding = await self.hass.async_add_executor_job(
                self.analyzer.find,
                detect.image,
                detect.received,
                (main.image.width, main.image.height),
            )
            if finding.reason is None:
                return
            main = await self._async_fresh_main_frame(main)
            result = await self.hass.async_add_executor_job(
                self.analyzer.render, finding, main.image
            )
        self.last_analysed = time.monotonic()
        if result.image_jpeg is None or result.reason is None:
            return
        if self._judge_task is not None and not self._judge_task.done():
            # One open question per camera: a slow VLM or a flood of motion
            # must not queue requests without bound.
            self.busy_skips += 1
            return
        self._judge_task = self.hass.async_create_background_task(
            self._async_judge_quietly(result, result.image_jpeg, result.reason),
            name=f"{DOMAIN} judge {self.name}",
        )

    async def _async_judge_quietly(
        self, result: TickResult, image: bytes, reason: str
    ) -> Decision | None:
        try:
            return await self._async_judge(result, image, reason)
        except Exception:
            _LOGGER.exception("Camera %s: judging a frame failed", self.name)
            return None

    async def _async_fresh_main_frame(self, stale: Frame) -> Frame:
        """Have the on-demand main reader decode its next keyframe; wait a bounded time."""
        self.reader.request_frame()
        wait = MAIN_FRAME_WAIT_GOPS * (self.reader.keyframe_interval or self.interval) + 0.5
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            await asyncio.sleep(MAIN_FRAME_POLL)
            frame = self.reader.latest()
            if frame is not None and frame.sequence != stale.sequence:
                return frame
        return self.reader.latest() or stale

    async def _async_judge(self, result: TickResult, image: bytes, reason: str) -> Decision | None:
        """Ask the VLM about a crop or a full frame and act on its verdict."""
        now = time.monotonic()
        earlier = (
            self.repeats.recall(result.fingerprint, now) if result.fingerprint is not None else None
        )
        if earlier is not None:
            # Nearly the same image was judged moments ago: same verdict, no call.
            self.stats.record_reuse()
            decision = replace(
                earlier,
                time=dt_util.utcnow(),
                reason=reason,
                boxes=list(result.boxes),
                crop=result.crop_box,
                reused=True,
            )
        else:
            try:
                answer, server = await self.server.async_analyze(image, self.settings.prompt)
            except VLMError as err:
                _LOGGER.debug("Camera %s: VLM call failed: %s", self.name, err)
                self.stats.record_failure()
                self.server.async_count_failure(str(err))
                return await self._async_unverified(result, reason, str(err))
            verdict = parse_verdict(answer.text, phrases=self.settings.phrases)
            unparseable = verdict.rule == RULE_UNPARSEABLE
            if unparseable:
                self.server.async_count_failure("the answer could not be read")
            else:
                self.server.async_count_success()
            self.stats.record_call(
                answer.latency, unparseable=unparseable, today=dt_util.now().date()
            )
            server.async_record(answer.latency, unparseable=unparseable)
            decision = Decision(
                time=dt_util.utcnow(),
                verdict=verdict,
                raw=answer.text,
                model=answer.model,
                latency=answer.latency,
                reason=reason,
                boxes=list(result.boxes),
                crop=result.crop_box,
            )
            if result.fingerprint is not None and not unparseable:
                self.repeats.remember(result.fingerprint, now, decision)
        self.last_decision = decision
        self.decisions.append(decision)
        self._history_changed()
        _LOGGER.debug(
            "Camera %s: %s by rule %s: %s",
            self.name,
            "ALERT" if decision.verdict.alert else "CLEAR",
            decision.verdict.rule,
            decision.verdict.description,
        )
        if decision.verdict.alert:
            await self._async_alert(result, decision)
        else:
            async_dispatcher_send(self.hass, self.signal_update)
        return decision

    async def _async_unverified(
        self, result: TickResult, reason: str, error: str
    ) -> Decision | None:
        """Follow the camera's outage policy when the VLM gave no usable answer."""
        if self.settings.vlm_outage != OUTAGE_OPEN or reason != "motion":
            async_dispatcher_send(self.hass, self.signal_update)
            return None
        # Fail-open: motion alone alerts, marked as not verified by the VLM.
        decision = Decision(
            time=dt_util.utcnow(),
            verdict=Verdict(True, "Motion (not verified: the VLM is unavailable)", RULE_UNVERIFIED),
            raw=mask_text(error),
            model="",
            latency=0.0,
            reason=reason,
            boxes=list(result.boxes),
            crop=result.crop_box,
        )
        self.last_decision = decision
        self.decisions.append(decision)
        self._history_changed()
        await self._async_alert(result, decision)
        return decision

    # ----------------------------------------------------------------- alert
    async def _async_alert(self, result: TickResult, decision: Decision) -> None:
        snapshot = await self.hass.async_add_executor_job(self.analyzer.snapshot, result)
        saved = await self.snapshots.async_save(snapshot, decision.time)
        self.snapshot = snapshot
        payload: dict[str, Any] = {
            "camera": self.name,
            "config_entry_id": self.entry_id,
            "subentry_id": self.subentry_id,
            "description": decision.verdict.description,
            "rule": decision.verdict.rule,
            "model": decision.model,
            "latency": round(decision.latency, 3),
            "raw_answer": decision.raw,
            "reason": decision.reason,
            "reused": decision.reused,
            "verified": decision.verdict.rule != RULE_UNVERIFIED,
            "boxes": [list(box) for box in decision.boxes],
            "crop": list(decision.crop) if decision.crop else None,
            "snapshot_path": saved.path if saved else None,
            "snapshot_media_id": saved.media_id if saved else None,
            "time": decision.time.isoformat(),
        }
        self.last_alert = payload
        self._history_changed()
        self.alert_on = True
        if self.audio is not None:
            self.audio.async_visual_alert(decision.time)
        if self._unsub_hold is not None:
            self._unsub_hold()
        self._unsub_hold = async_call_later(self.hass, self.alert_hold, self._async_hold_expired)
        _LOGGER.info("Camera %s: alert: %s", self.name, decision.verdict.description)
        async_dispatcher_send(self.hass, self.signal_alert, payload)
        async_dispatcher_send(self.hass, self.signal_update)
        self.hass.bus.async_fire(EVENT_ALERT, payload)

    @callback
    def _async_hold_expired(self, _now: datetime) -> None:
        self._unsub_hold = None
        self.alert_on = False
        async_dispatcher_send(self.hass, self.signal_update)

    # --------------------------------------------------------------- history
    def history(self) -> dict[str, Any]:
        """Return what should survive a restart: recent decisions and the last alert."""
        return {
            "decisions": [decision_to_dict(decision) for decision in self.decisions],
            "last_alert": self.last_alert,
            "last_transcript": self.audio.last if self.audio else None,
        }

    @callback
    def async_restore(self, stored: dict[str, Any]) -> None:
        """Take back what history() returned before a restart."""
        for item in stored.get("decisions") or []:
            try:
                self.decisions.append(decision_from_dict(item, Decision))
            except (KeyError, TypeError, ValueError, IndexError) as err:
                _LOGGER.debug("Camera %s: skipping a stored decision: %s", self.name, err)
        self.last_decision = self.decisions[-1] if self.decisions else None
        self.last_alert = stored.get("last_alert")
        if self.audio is not None and stored.get("last_transcript"):
            self.audio.last = stored["last_transcript"]

    def _history_changed(self) -> None:
        if self._on_history is not None:
            self._on_history()

    # ---------------------------------------------------------------- health
    def _delivered(self) -> float | None:
        """Return when every stream last delivered (time.monotonic()), across restarts."""
        times = [reader.last_packet for reader in self.readers]
        if all(value is not None for value in times):
            newest = min(t for t in times if t is not None)
            self._last_delivery = max(self._last_delivery or newest, newest)
        return self._last_delivery

    @property
    def last_frame_age(self) -> float | None:
        """Return seconds since the stream last delivered (the slowest stream counts)."""
        delivered = self._delivered()
        return None if delivered is None else max(0.0, time.monotonic() - delivered)

    def _cause(self, problem: str) -> str:
        """Describe a problem for the owner, with the readers' last error (masked)."""
        errors = [mask_text(reader.last_error) for reader in self.readers if reader.last_error]
        what = (
            f"no video for more than {self.watchdog.config.stale_frame:.0f} s"
            if problem == PROBLEM_NO_FRAMES
            else "frames arrive but are not analysed"
        )
        return f"{what} (last error: {errors[-1]})" if errors else what

    @callback
    def _async_on_watchdog(self, _now: datetime) -> None:
        if self._watchdog_lock.locked() or self._stopping:
            return
        self.hass.async_create_background_task(
            self._async_watch(), name=f"{DOMAIN} watchdog {self.name}"
        )

    async def _async_watch(self) -> None:
        """Check health once; restart, escalate or announce recovery."""
        async with self._watchdog_lock:
            analysed_reader = self.detect_reader or self.reader
            decoded = analysed_reader.latest()
            verdict = self.watchdog.check(
                time.monotonic(),
                last_frame=self._delivered(),
                last_analysed=self.last_analysed,
                last_decoded=decoded.received if decoded is not None else None,
            )
            if verdict.problem is not None:
                self.problem = verdict.problem
                self.problem_cause = self._cause(verdict.problem)
            if verdict.action is Action.RESTART:
                _LOGGER.info(
                    "Camera %s: %s; restarting its stream (%d of %d)",
                    self.name,
                    self.problem_cause,
                    self.watchdog.restarts,
                    self.watchdog.config.max_restarts,
                )
                await self._async_restart_readers()
            elif verdict.action is Action.ESCALATE:
                _LOGGER.warning(
                    "Camera %s is not watching: %s; %d restarts did not help",
                    self.name,
                    self.problem_cause,
                    self.watchdog.config.max_restarts,
                )
                ir.async_create_issue(
                    self.hass,
                    DOMAIN,
                    self.health_issue_id,
                    is_fixable=False,
                    severity=ir.IssueSeverity.ERROR,
                    translation_key="camera_not_watching",
                    translation_placeholders={
                        "camera": self.name,
                        "cause": self.problem_cause or "",
                    },
                )
                self._fire_health("problem")
            elif verdict.action is Action.RECOVERED:
                if self.watchdog.escalated or ir.async_get(self.hass).async_get_issue(
                    DOMAIN, self.health_issue_id
                ):
                    ir.async_delete_issue(self.hass, DOMAIN, self.health_issue_id)
                    self._fire_health("recovered")
                    _LOGGER.info("Camera %s is watching again", self.name)
                self.problem = self.problem_cause = None
            async_dispatcher_send(self.hass, self.signal_update)

    @property
    def health_issue_id(self) -> str:
        """Return the id of this camera's not-watching repair issue."""
        return f"camera_not_watching_{self.subentry_id}"

    @callback
    def _fire_health(self, kind: str) -> None:
        self.hass.bus.async_fire(
            EVENT_HEALTH,
            {
                "type": kind,
                "camera": self.name,
                "config_entry_id": self.entry_id,
                "subentry_id": self.subentry_id,
                "problem": self.problem,
                "cause": self.problem_cause,
                "restarts": self.restarts,
                "time": dt_util.utcnow().isoformat(),
            },
        )

    async def _async_restart_readers(self) -> None:
        """Replace the readers: signal the old ones, wait a bounded time, start new ones."""
        old = self.readers
        self.reader, self.detect_reader = self._make_readers()
        self.restarts += 1
        if self.audio is not None:
            self.audio.chunker.reset()
        await self._async_stop_readers(old)
        if self._stopping:
            return
        for reader in self.readers:
            reader.start()
        self.watchdog.started(time.monotonic())
