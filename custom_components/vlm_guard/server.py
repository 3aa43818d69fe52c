"""Health of the VLM server: reachable or not, and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
import logging

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval

from .const import DOMAIN, SERVER_CHECK_INTERVAL
from .core.vlm import VLMClient, VLMError

_LOGGER = logging.getLogger(__name__)


class ServerMonitor:
    """Track whether the VLM server answers, from real calls and a periodic check."""

    def __init__(self, hass: HomeAssistant, entry_id: str, client: VLMClient) -> None:
        """Start as connected: setup only succeeds after the server answered."""
        self.hass = hass
        self.entry_id = entry_id
        self.client = client
        self.connected = True
        self.last_error: str | None = None
        self.signal_update = f"{DOMAIN}_{entry_id}_server"
        self._unsub: Callable[[], None] | None = None

    @callback
    def async_start(self) -> None:
        """Check the server periodically, so a recovery shows without motion."""
        self._unsub = async_track_time_interval(
            self.hass,
            self._async_check,
            timedelta(seconds=SERVER_CHECK_INTERVAL),
            name=f"{DOMAIN} server check",
            cancel_on_shutdown=True,
        )

    @callback
    def async_stop(self) -> None:
        """Stop the periodic check."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    async def _async_check(self, _now: datetime | None = None) -> None:
        try:
            await self.client.list_models()
        except VLMError as err:
            self.async_set_error(err)
        else:
            self.async_set_ok()

    @callback
    def async_set_ok(self) -> None:
        """Record a successful exchange with the server."""
        if self.connected:
            return
        _LOGGER.info("VLM server %s is reachable again", self.client.base_url)
        self.connected = True
        self.last_error = None
        async_dispatcher_send(self.hass, self.signal_update)

    @callback
    def async_set_error(self, err: VLMError) -> None:
        """Record a failed exchange; log once when the server becomes unavailable."""
        self.last_error = str(err)
        if not self.connected:
            return
        _LOGGER.warning("VLM server is unavailable: %s", err)
        self.connected = False
        async_dispatcher_send(self.hass, self.signal_update)
