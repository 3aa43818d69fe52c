"""When a camera's analysis runs: every interval, at the camera's own phase, one at a time."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
import logging
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util.hass_dict import HassKey

from .const import DOMAIN
from .core.pacing import TickPhases

_LOGGER = logging.getLogger(__name__)
# Every camera of every entry takes its tick's phase from the same sequence.
DATA_TICK_PHASES: HassKey[TickPhases] = HassKey(f"{DOMAIN}_tick_phases")

type StartTask = Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]]


class TickSchedule:
    """Call a camera's tick every interval; a tick still at work makes the next one skip."""

    def __init__(
        self,
        hass: HomeAssistant,
        name: str,
        interval: float,
        tick: Callable[[], Coroutine[Any, Any, None]],
        start_task: StartTask,
    ) -> None:
        """Prepare the schedule; nothing runs before async_start()."""
        self._hass = hass
        self._name = name
        self._interval = interval
        self._tick = tick
        self._start_task = start_task
        self._unsub: CALLBACK_TYPE | None = None
        self._task: asyncio.Task[None] | None = None
        self.skipped = 0
        """Ticks not run because the previous tick was still at work."""

    @callback
    def async_start(self) -> None:
        """Start ticking after this camera's phase of the interval.

        Cameras started together must not tick together (core/pacing.py).
        """
        phases = self._hass.data.setdefault(DATA_TICK_PHASES, TickPhases())
        self._unsub = async_call_later(
            self._hass, phases.next_offset(self._interval), self._async_begin
        )

    @callback
    def _async_begin(self, _now: datetime) -> None:
        self._unsub = async_track_time_interval(
            self._hass,
            self._async_on_interval,
            timedelta(seconds=self._interval),
            name=f"{DOMAIN} tick {self._name}",
            cancel_on_shutdown=True,
        )

    @callback
    def _async_on_interval(self, _now: datetime) -> None:
        if self._task is not None and not self._task.done():
            # The previous tick is still at work: skip rather than pile up.
            self.skipped += 1
            return
        self._task = self._start_task(self._async_tick_quietly(), f"{DOMAIN} tick {self._name}")

    async def _async_tick_quietly(self) -> None:
        # One bad frame or an unexpected failure must cost one tick, not the camera.
        try:
            await self._tick()
        except Exception:
            _LOGGER.exception("Camera %s: analysis of a frame failed", self._name)

    @callback
    def async_stop(self) -> asyncio.Task[None] | None:
        """Stop ticking; return the tick still at work, for the caller to cancel."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        return self._task
