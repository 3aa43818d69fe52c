"""A camera's health in Home Assistant: the watchdog's timer, restarts, repairs, events."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta
import logging
import time
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import DOMAIN, EVENT_HEALTH, READER_STOP_TIMEOUT, WATCHDOG_INTERVAL
from .core.feed import STREAM_MAIN, CameraFeed, FrameTicker
from .core.health import PROBLEM_NO_FRAMES, Action, HealthConfig, Watchdog
from .core.redact import mask_text
from .core.stream import StreamStatus
from .repairs import (
    ATTR_ENTRY_ID,
    ATTR_SUBENTRY_ID,
    ISSUE_CAMERA_NOT_WATCHING,
    async_clear_issue,
    async_raise_issue,
)

_LOGGER = logging.getLogger(__name__)


class CameraHealth:
    """Check a camera every few seconds; restart its readers, then tell the owner."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        payload_base: dict[str, Any],
        feed: CameraFeed,
        ticker: FrameTicker,
        stale_after: float,
        start_task: Callable[..., asyncio.Task[Any]],
        on_restart: Callable[[], None],
        on_change: Callable[[], None],
    ) -> None:
        """Watch `feed`, analysed by `ticker`; `on_restart` runs when readers are replaced."""
        self.hass = hass
        self.name = str(payload_base["camera"])
        self.entry_id = str(payload_base["config_entry_id"])
        self.subentry_id = str(payload_base["subentry_id"])
        self._payload_base = payload_base
        self.feed = feed
        self.ticker = ticker
        self.watchdog = Watchdog(feed.interval, HealthConfig(stale_frame=stale_after))
        self.problem: str | None = None
        self.problem_cause: str | None = None
        self.restarts = 0
        self.abandoned_readers = 0
        self._start_task = start_task
        self._on_restart = on_restart
        self._on_change = on_change
        self._lock = asyncio.Lock()
        self._unsub: CALLBACK_TYPE | None = None
        self._stopping = False

    @callback
    def async_start(self) -> None:
        """Start the readers' grace period and the periodic check."""
        self.watchdog.started(time.monotonic())
        # Often enough to notice a frozen stream soon after `stale_after`.
        every = min(WATCHDOG_INTERVAL, max(1.0, self.watchdog.config.stale_frame / 3))
        self._unsub = async_track_time_interval(
            self.hass,
            self._async_on_interval,
            timedelta(seconds=every),
            name=f"{DOMAIN} watchdog {self.name}",
            cancel_on_shutdown=True,
        )

    @callback
    def async_stop(self) -> None:
        """Stop checking; the camera's issue goes with it (it is unloaded or removed)."""
        self._stopping = True
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        async_clear_issue(self.hass, ISSUE_CAMERA_NOT_WATCHING, self.subentry_id)

    async def async_stop_readers(self, readers: list[Any]) -> None:
        """Signal readers to exit and wait a bounded time; a stuck one is abandoned."""
        abandoned = await self.hass.async_add_executor_job(
            self.feed.stop_readers, readers, READER_STOP_TIMEOUT
        )
        if abandoned:
            # The thread is a daemon blocked in a network read; it exits when the
            # read times out. Waiting for it here could hang an unload.
            self.abandoned_readers += abandoned
            _LOGGER.warning(
                "Reader of camera %s did not exit within %.0f s; it is left to finish on its own",
                self.name,
                READER_STOP_TIMEOUT,
            )

    def stream_status(self, stream: str, status: StreamStatus, generation: int) -> None:
        """Receive a reader's connection change (called from its thread)."""
        if stream == STREAM_MAIN and not status.connected:
            # Sound from before and after a reconnect is not one chunk.
            self._on_restart()
        self.hass.loop.call_soon_threadsafe(self._async_stream_status, stream, status, generation)

    @callback
    def _async_stream_status(self, stream: str, status: StreamStatus, generation: int) -> None:
        if (
            self._stopping
            or (change := self.feed.status_changed(stream, status, generation)) is None
        ):
            return
        # Log once when a stream is lost and once when it is back.
        if not change.connected:
            _LOGGER.warning(
                "Camera %s %s stream is unavailable: %s", self.name, stream, change.error
            )
        elif change.back:
            _LOGGER.info("Camera %s %s stream is back", self.name, stream)
        else:
            _LOGGER.debug("Camera %s %s stream is connected", self.name, stream)
        self._on_change()

    @property
    def last_frame_age(self) -> float | None:
        """Return seconds since the stream last delivered (the slowest stream counts)."""
        delivered = self.feed.delivered()
        return None if delivered is None else max(0.0, time.monotonic() - delivered)

    def _cause(self, problem: str) -> str:
        """Describe a problem for the owner, with the readers' last error (masked)."""
        errors = [mask_text(error) for error in self.feed.last_errors()]
        what = (
            f"no video for more than {self.watchdog.config.stale_frame:.0f} s"
            if problem == PROBLEM_NO_FRAMES
            else "frames arrive but are not analysed"
        )
        return f"{what} (last error: {errors[-1]})" if errors else what

    @callback
    def _async_on_interval(self, _now: datetime) -> None:
        if self._lock.locked() or self._stopping:
            return
        self._start_task(self.async_check(), f"{DOMAIN} watchdog {self.name}")

    async def async_check(self) -> None:
        """Check health once; restart, escalate or announce recovery."""
        async with self._lock:
            decoded = self.feed.analysed.latest()
            verdict = self.watchdog.check(
                time.monotonic(),
                last_frame=self.feed.delivered(),
                last_analysed=self.ticker.last_analysed,
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
                await self._async_restart()
            elif verdict.action is Action.ESCALATE:
                self._escalate()
            elif verdict.action is Action.RECOVERED:
                if async_clear_issue(self.hass, ISSUE_CAMERA_NOT_WATCHING, self.subentry_id):
                    self._fire("recovered")
                    _LOGGER.info("Camera %s is watching again", self.name)
                self.problem = self.problem_cause = None
            self._on_change()

    def _escalate(self) -> None:
        _LOGGER.warning(
            "Camera %s is not watching: %s; %d restarts did not help",
            self.name,
            self.problem_cause,
            self.watchdog.config.max_restarts,
        )
        async_raise_issue(
            self.hass,
            ISSUE_CAMERA_NOT_WATCHING,
            self.subentry_id,
            {"camera": self.name, "cause": self.problem_cause or ""},
            data={ATTR_ENTRY_ID: self.entry_id, ATTR_SUBENTRY_ID: self.subentry_id},
        )
        self._fire("problem")

    @callback
    def _fire(self, kind: str) -> None:
        self.hass.bus.async_fire(
            EVENT_HEALTH,
            {
                **self._payload_base,
                "type": kind,
                "problem": self.problem,
                "cause": self.problem_cause,
                "restarts": self.restarts,
                "time": dt_util.utcnow().isoformat(),
            },
        )

    async def async_retry(self) -> None:
        """Restart the readers now with a fresh set of tries (the owner asked, from the repair)."""
        async with self._lock:
            self.watchdog.restarts = 0
            self.watchdog.escalated = False
            await self._async_restart()
        self._on_change()

    async def _async_restart(self) -> None:
        """Replace the readers: signal the old ones, wait a bounded time, start new ones."""
        old = self.feed.replace()
        self.restarts += 1
        self._on_restart()
        await self.async_stop_readers(old)
        if self._stopping:
            return
        self.feed.start()
        self.watchdog.started(time.monotonic())
