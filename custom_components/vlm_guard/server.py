"""The VLM server as Home Assistant sees it: reachable or not, memory, stats, fallback."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
import logging
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util

from .const import DOMAIN, SERVER_CHECK_INTERVAL, VLM_FAILURES_FOR_ISSUE
from .core.prompt import DEFAULT_PROMPT
from .core.stats import VLMStats
from .core.vlm import VLMAnswer, VLMAuthError, VLMClient, VLMConnectionError, VLMError
from .repairs import (
    ISSUE_OVERSIZED_CONTEXT,
    ISSUE_VLM_FAILING,
    async_clear_issue,
    async_raise_issue,
)

_LOGGER = logging.getLogger(__name__)

# A model loaded with more than this many times our num_ctx holds a KV cache
# sized for someone else's context: often tens of GB of VRAM for nothing.
OVERSIZED_CONTEXT_FACTOR: Final = 2


class ServerMonitor:
    """Track the VLM server from real calls and a periodic check; route calls to it."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        client: VLMClient,
        fallback: Callable[[], ServerMonitor | None] | None = None,
    ) -> None:
        """Start as connected: setup only succeeds after the server answered."""
        self.hass = hass
        self.entry_id = entry_id
        self.client = client
        self.connected = True
        self.last_error: str | None = None
        self.stats = VLMStats()
        self.vram: int | None = None
        self.loaded_context: int | None = None
        self.signal_update = f"{DOMAIN}_{entry_id}_server"
        self._fallback = fallback
        self._unsub: Callable[[], None] | None = None
        self.failures_in_a_row = 0
        self.failure_reported = False
        self.armed = True
        """Detection on for every camera of this server (the server's Detection switch)."""

    @callback
    def async_count_failure(self, cause: str) -> None:
        """Count a question that got no usable answer; tell the owner after a few in a row."""
        self.failures_in_a_row += 1
        if self.failures_in_a_row < VLM_FAILURES_FOR_ISSUE or self.failure_reported:
            return
        self.failure_reported = True
        _LOGGER.warning(
            "VLM server %s failed %d times in a row: %s",
            self.client.display_url,
            self.failures_in_a_row,
            cause,
        )
        async_raise_issue(
            self.hass,
            ISSUE_VLM_FAILING,
            self.entry_id,
            {
                "server": self.client.display_url,
                "model": self.client.settings.model,
                "count": str(self.failures_in_a_row),
                "error": cause,
            },
        )

    @callback
    def async_count_success(self) -> None:
        """Count a usable answer; clear the repeated-failures issue."""
        self.failures_in_a_row = 0
        if self.failure_reported:
            self.failure_reported = False
            async_clear_issue(self.hass, ISSUE_VLM_FAILING, self.entry_id)
            _LOGGER.info("VLM server %s answers usefully again", self.client.display_url)

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

    async def async_prepare(self) -> None:
        """Learn the model's capabilities and memory use (failures are not fatal)."""
        try:
            await self.client.model_info()
        except VLMError as err:
            _LOGGER.debug("Cannot read the model's details: %s", err)
        await self.async_check_memory()

    async def _async_check(self, _now: datetime | None = None) -> None:
        try:
            await self.client.list_models()
        except VLMAuthError as err:
            self.async_auth_failed(err)
            return
        except VLMError as err:
            self.async_set_error(err)
            return
        self.async_set_ok()
        await self.async_check_memory()

    async def async_check_memory(self) -> None:
        """Read what the server holds in memory; warn about an oversized context."""
        try:
            loaded = await self.client.loaded_models()
        except VLMError as err:
            _LOGGER.debug("Cannot read the loaded models: %s", err)
            return
        settings = self.client.settings
        ours = next((m for m in loaded if m.name == settings.model), None)
        self.vram = ours.size_vram if ours else None
        self.loaded_context = ours.context_length if ours else None
        context = self.loaded_context
        if context is not None and context > OVERSIZED_CONTEXT_FACTOR * settings.num_ctx:
            async_raise_issue(
                self.hass,
                ISSUE_OVERSIZED_CONTEXT,
                self.entry_id,
                {
                    "model": settings.model,
                    "loaded": str(context),
                    "num_ctx": str(settings.num_ctx),
                    "vram": f"{(self.vram or 0) / 1e9:.1f}",
                },
                severity=ir.IssueSeverity.WARNING,
            )
        else:
            async_clear_issue(self.hass, ISSUE_OVERSIZED_CONTEXT, self.entry_id)
        async_dispatcher_send(self.hass, self.signal_update)

    async def async_analyze(
        self, image: bytes, prompt: str = DEFAULT_PROMPT
    ) -> tuple[VLMAnswer, ServerMonitor]:
        """Ask this server, or the fallback server when this one cannot be reached.

        Returns the answer and the server that gave it.
        """
        try:
            answer = await self.client.analyze(image, prompt)
        except VLMConnectionError as err:
            self.stats.record_failure()
            self.async_set_error(err)
            fallback = self._fallback() if self._fallback else None
            if fallback is None or fallback is self:
                raise
            _LOGGER.debug("Asking fallback server %s instead", fallback.client.display_url)
            return await fallback.async_analyze_here(image, prompt), fallback
        except VLMAuthError as err:
            # A refused key is not an answer: the owner must give a new one.
            self.stats.record_failure()
            self.async_auth_failed(err)
            raise
        except VLMError:
            self.stats.record_failure()
            self.async_set_ok()  # it answered, only not usefully
            raise
        self.async_set_ok()
        return answer, self

    async def async_analyze_here(self, image: bytes, prompt: str) -> VLMAnswer:
        """Ask this server only (as someone's fallback)."""
        try:
            answer = await self.client.analyze(image, prompt)
        except VLMError as err:
            self.stats.record_failure()
            if isinstance(err, VLMConnectionError):
                self.async_set_error(err)
            raise
        self.async_set_ok()
        return answer

    @callback
    def async_record(self, latency: float, *, unparseable: bool) -> None:
        """Count an answered call made through this server."""
        self.stats.record_call(latency, unparseable=unparseable, today=dt_util.now().date())
        async_dispatcher_send(self.hass, self.signal_update)

    @callback
    def async_set_ok(self) -> None:
        """Record a successful exchange with the server."""
        if self.connected:
            return
        _LOGGER.info("VLM server %s is reachable again", self.client.display_url)
        self.connected = True
        self.last_error = None
        async_dispatcher_send(self.hass, self.signal_update)

    @callback
    def async_auth_failed(self, err: VLMError) -> None:
        """Ask the owner for a new API key (the server refused the one we have)."""
        self.async_set_error(err)
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is not None:
            entry.async_start_reauth(self.hass)

    @callback
    def async_set_error(self, err: VLMError) -> None:
        """Record a failed exchange; log once when the server becomes unavailable."""
        self.last_error = str(err)
        if not self.connected:
            return
        _LOGGER.warning("VLM server is unavailable: %s", err)
        self.connected = False
        async_dispatcher_send(self.hass, self.signal_update)
