"""The VLM server as Home Assistant sees it: reachable or not, model, memory, stats, fallback.

Whether questions are sent is decided by a circuit breaker (core/breaker.py):
a connection failure opens it, an answered question closes it. The
connectivity sensor follows it, and an unreachable server never stops the
cameras: they keep watching and their outage policy decides at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta
import logging
import time
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util
import numpy as np

from .const import DOMAIN, SERVER_CHECK_INTERVAL, SERVER_RETRY_INTERVAL, SERVER_SETUP_CHECK_TIMEOUT
from .core.annotate import encode_jpeg
from .core.breaker import CircuitBreaker
from .core.prompt import DEFAULT_PROMPT
from .core.redact import mask_text
from .core.stats import VLMStats
from .core.vlm import (
    VLMAnswer,
    VLMAuthError,
    VLMClient,
    VLMConnectionError,
    VLMError,
    VLMModelNotFoundError,
)
from .server_reports import ServerReports

_LOGGER = logging.getLogger(__name__)


class ServerUnavailableError(VLMConnectionError):
    """The question was not sent: the server cannot be reached right now."""


class ServerMonitor:
    """Track the VLM server from real calls and a periodic check; route calls to it."""

    def __init__(
        self,
        hass: HomeAssistant,
        entry_id: str,
        client: VLMClient,
        fallback: Callable[[], ServerMonitor | None] | None = None,
    ) -> None:
        """Start as connected until the first check or question says otherwise."""
        self.hass = hass
        self.entry_id = entry_id
        self.client = client
        self.breaker = CircuitBreaker(retry_after=SERVER_RETRY_INTERVAL)
        self.reports = ServerReports(hass, entry_id, client)
        self.model_missing = False
        self.stats = VLMStats()
        self.vram: int | None = None
        self.loaded_context: int | None = None
        self.signal_update = f"{DOMAIN}_{entry_id}_server"
        self._fallback = fallback
        self._unsub: Callable[[], None] | None = None
        self._interval: float | None = None
        self._started = False
        self._prepared = False
        self._checking = False
        self._tasks: set[asyncio.Task[Any]] = set()
        self._probe_image: bytes | None = None
        self.armed = True
        """Detection on for every camera of this server (the server's Detection switch)."""

    @property
    def connected(self) -> bool:
        """Return True while questions are sent (the breaker is closed)."""
        return self.breaker.closed

    @property
    def last_error(self) -> str | None:
        """Return the newest connection failure while the server is unavailable."""
        return self.breaker.error

    @property
    def failures_in_a_row(self) -> int:
        """Return how many answers in a row could not be used."""
        return self.reports.failures_in_a_row

    # --------------------------------------------------------- lifecycle
    async def async_first_check(self) -> None:
        """Check the server once at setup, briefly; only a refused key is fatal (raised)."""
        try:
            async with asyncio.timeout(SERVER_SETUP_CHECK_TIMEOUT):
                models = await self.client.list_models()
        except TimeoutError:
            self.async_connection_failed(
                VLMConnectionError(
                    f"no answer from {self.client.display_url} "
                    f"within {SERVER_SETUP_CHECK_TIMEOUT:g} s"
                )
            )
            return
        except VLMConnectionError as err:
            self.async_connection_failed(err)
            return
        except VLMAuthError:
            raise
        except VLMError as err:
            # It answered, not as expected: the first question tells more.
            _LOGGER.debug("Cannot read the models of %s: %s", self.client.display_url, err)
            return
        await self._async_models_answered(models)

    @callback
    def async_start(self) -> None:
        """Check the server periodically, so a recovery shows without motion."""
        self._started = True
        self._async_schedule_checks()

    @callback
    def async_stop(self) -> None:
        """Stop the periodic check and every question still out."""
        self._started = False
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        for task in list(self._tasks):
            task.cancel()

    def _start_task[T](self, coro: Coroutine[Any, Any, T], name: str) -> asyncio.Task[T]:
        """Run a task that lives no longer than the entry (unload cancels it)."""
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        task = (
            entry.async_create_background_task(self.hass, coro, name)
            if entry is not None
            else self.hass.async_create_background_task(coro, name)
        )
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    @callback
    def _async_schedule_checks(self) -> None:
        """Check every 60 s while all is well, every 10 s while something is wrong."""
        if not self._started:
            return
        wrong = not self.connected or self.model_missing
        interval = SERVER_RETRY_INTERVAL if wrong else SERVER_CHECK_INTERVAL
        if self._unsub is not None and interval == self._interval:
            return
        if self._unsub is not None:
            self._unsub()
        self._interval = interval
        self._unsub = async_track_time_interval(
            self.hass,
            self._async_on_interval,
            timedelta(seconds=interval),
            name=f"{DOMAIN} server check",
            cancel_on_shutdown=True,
        )

    @callback
    def _async_on_interval(self, _now: datetime) -> None:
        if not self._checking:
            self._start_task(self.async_check(), f"{DOMAIN} server check")

    # ------------------------------------------------------------ checks
    async def async_check(self) -> None:
        """Read the server's models; on a server that was unreachable, try one question."""
        if self._checking:
            return
        self._checking = True
        try:
            try:
                models = await self.client.list_models()
            except VLMAuthError as err:
                self.async_auth_failed(err)
                return
            except VLMConnectionError as err:
                self.async_connection_failed(err)
                return
            except VLMError as err:
                _LOGGER.debug("Cannot read the models of %s: %s", self.client.display_url, err)
                return
            await self._async_models_answered(models)
        finally:
            self._checking = False

    async def _async_models_answered(self, models: list[str]) -> None:
        self._async_set_model_present(self.client.settings.model in models)
        if not self.connected:
            # The model list answering does not prove that questions are answered:
            # try one real question now (the half-open trial) instead of waiting.
            self.breaker.reachable()
            if self.breaker.allow(time.monotonic()):
                await self._async_trial()
        if not self.connected:
            return
        if not self._prepared and not self.model_missing:
            await self.async_prepare()
        else:
            await self.async_check_memory()

    async def _async_trial(self) -> None:
        """Ask one question about a plain grey picture, on the breaker's leave."""
        if self._probe_image is None:
            self._probe_image = await self.hass.async_add_executor_job(
                encode_jpeg, np.full((64, 64, 3), 128, np.uint8)
            )
        try:
            await self._async_ask(self._probe_image, DEFAULT_PROMPT)
        except VLMError as err:
            _LOGGER.debug("VLM server %s still fails: %s", self.client.display_url, err)

    async def async_prepare(self) -> None:
        """Learn the model's capabilities and memory use (failures are not fatal)."""
        try:
            await self.client.model_info()
        except VLMError as err:
            _LOGGER.debug("Cannot read the model's details: %s", err)
        else:
            self._prepared = True
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
        self.reports.async_context(self.loaded_context, self.vram, settings.num_ctx)
        async_dispatcher_send(self.hass, self.signal_update)

    # --------------------------------------------------------- questions
    async def async_analyze(
        self, image: bytes, prompt: str = DEFAULT_PROMPT
    ) -> tuple[VLMAnswer, ServerMonitor]:
        """Ask this server, or the fallback server when this one cannot be reached.

        Returns the answer and the server that gave it.
        """
        try:
            return await self.async_analyze_here(image, prompt), self
        except VLMConnectionError:
            fallback = self._fallback() if self._fallback else None
            if fallback is None or fallback is self:
                raise
            _LOGGER.debug("Asking fallback server %s instead", fallback.client.display_url)
            return await fallback.async_analyze_here(image, prompt), fallback

    def async_start_question(
        self, image: bytes, prompt: str, name: str
    ) -> asyncio.Task[tuple[VLMAnswer, ServerMonitor]]:
        """Ask as async_analyze does, in a task that may outlive its asker (not the entry)."""
        return self._start_task(self.async_analyze(image, prompt), name)

    async def async_analyze_here(self, image: bytes, prompt: str) -> VLMAnswer:
        """Ask this server only; refused at once while its breaker is open."""
        if not self.breaker.allow(time.monotonic()):
            raise ServerUnavailableError(
                f"{self.client.display_url} is unavailable: {self.breaker.error}"
            )
        return await self._async_ask(image, prompt)

    async def _async_ask(self, image: bytes, prompt: str) -> VLMAnswer:
        """Send a question the breaker allowed; its outcome moves the breaker."""
        trial = not self.breaker.closed
        try:
            answer = await self.client.analyze(image, prompt)
        except VLMConnectionError as err:
            self.stats.record_failure()
            self.async_connection_failed(err)
            raise
        except VLMAuthError as err:
            # A refused key is not an answer: the owner must give a new one.
            self.stats.record_failure()
            self.async_auth_failed(err)
            raise
        except VLMError as err:
            self.stats.record_failure()
            self.async_answered()  # it answered, only not usefully
            if isinstance(err, VLMModelNotFoundError):
                self._async_set_model_present(False)
            raise
        except asyncio.CancelledError:
            if trial:
                self.breaker.released()
            raise
        self.async_answered()
        self._async_set_model_present(True)
        return answer

    @callback
    def async_record(self, latency: float, *, unparseable: bool) -> None:
        """Count an answered call made through this server."""
        self.stats.record_call(latency, unparseable=unparseable, today=dt_util.now().date())
        async_dispatcher_send(self.hass, self.signal_update)

    # ------------------------------------------------------------ state
    @callback
    def async_answered(self) -> None:
        """Record that the server answered a question: it is connected."""
        if not self.breaker.succeeded():
            return
        self.reports.async_available()
        self._async_schedule_checks()
        if self._started and not self._prepared and not self.model_missing:
            self._start_task(self.async_prepare(), f"{DOMAIN} server details")
        async_dispatcher_send(self.hass, self.signal_update)

    @callback
    def async_connection_failed(self, err: VLMError, *, issue: bool = True) -> None:
        """Record that the server could not be reached; tell the owner when it goes."""
        error = mask_text(str(err))
        changed = error != self.breaker.error
        went = self.breaker.failed(time.monotonic(), error)
        if not went and not changed:
            return
        self.reports.async_unavailable(error, went=went, issue=issue)
        if went:
            self._async_schedule_checks()
        async_dispatcher_send(self.hass, self.signal_update)

    @callback
    def async_auth_failed(self, err: VLMError) -> None:
        """Ask the owner for a new API key (the server refused the one we have)."""
        self.async_connection_failed(err, issue=False)
        entry = self.hass.config_entries.async_get_entry(self.entry_id)
        if entry is not None:
            entry.async_start_reauth(self.hass)

    @callback
    def _async_set_model_present(self, present: bool) -> None:
        """Raise or clear the issue of a model the server does not offer."""
        if present != self.model_missing:
            return
        self.model_missing = not present
        self.reports.async_model(missing=self.model_missing)
        self._async_schedule_checks()
        async_dispatcher_send(self.hass, self.signal_update)
