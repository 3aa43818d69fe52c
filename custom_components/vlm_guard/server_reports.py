"""What the owner is told about a VLM server: log lines, repair issues, health events."""

from __future__ import annotations

import logging
from typing import Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util

from .const import EVENT_HEALTH, VLM_FAILURES_FOR_ISSUE
from .core.redact import mask_text
from .core.vlm import VLMClient
from .repairs import (
    ISSUE_MODEL_MISSING,
    ISSUE_OVERSIZED_CONTEXT,
    ISSUE_VLM_FAILING,
    ISSUE_VLM_UNREACHABLE,
    async_clear_issue,
    async_raise_issue,
)

_LOGGER = logging.getLogger(__name__)

# A model loaded with more than this many times our num_ctx holds a KV cache
# sized for someone else's context: often tens of GB of VRAM for nothing.
OVERSIZED_CONTEXT_FACTOR: Final = 2
# vlm_guard_health event types about the server (camera events keep their own).
HEALTH_VLM_UNAVAILABLE: Final = "vlm_unavailable"
HEALTH_VLM_AVAILABLE: Final = "vlm_available"


class ServerReports:
    """Tell the owner when a server goes, comes back, lacks its model or answers badly."""

    def __init__(self, hass: HomeAssistant, entry_id: str, client: VLMClient) -> None:
        """Report about the server `client` talks to, for the entry `entry_id`."""
        self.hass = hass
        self.entry_id = entry_id
        self.client = client
        self.failures_in_a_row = 0
        self.failure_reported = False
        self._failure_cause: str | None = None

    @property
    def _names(self) -> dict[str, str]:
        return {"server": self.client.display_url, "model": self.client.settings.model}

    # ------------------------------------------------------ reachability
    @callback
    def async_unavailable(self, error: str, *, went: bool, issue: bool = True) -> None:
        """Report a failure to reach the server; `went` when it was connected until now.

        The repair issue always quotes the newest failure.
        """
        if went:
            _LOGGER.warning("VLM server %s is unavailable: %s", self.client.display_url, error)
            self._async_fire(HEALTH_VLM_UNAVAILABLE, error)
        if issue:
            async_raise_issue(
                self.hass, ISSUE_VLM_UNREACHABLE, self.entry_id, {**self._names, "error": error}
            )

    @callback
    def async_available(self) -> None:
        """Report that the server answers questions again."""
        _LOGGER.info("VLM server %s is reachable again", self.client.display_url)
        async_clear_issue(self.hass, ISSUE_VLM_UNREACHABLE, self.entry_id)
        self._async_fire(HEALTH_VLM_AVAILABLE, None)

    @callback
    def async_model(self, *, missing: bool) -> None:
        """Report that the server stopped or started offering the configured model."""
        server, model = self.client.display_url, self.client.settings.model
        if missing:
            _LOGGER.warning("VLM server %s does not offer the model %s", server, model)
            async_raise_issue(self.hass, ISSUE_MODEL_MISSING, self.entry_id, self._names)
        else:
            _LOGGER.info("VLM server %s offers the model %s again", server, model)
            async_clear_issue(self.hass, ISSUE_MODEL_MISSING, self.entry_id)

    @callback
    def _async_fire(self, kind: str, error: str | None) -> None:
        """Tell automations that the server went or came back."""
        self.hass.bus.async_fire(
            EVENT_HEALTH,
            {
                "type": kind,
                "config_entry_id": self.entry_id,
                **self._names,
                "error": error,
                "time": dt_util.utcnow().isoformat(),
            },
        )

    # ----------------------------------------------------------- memory
    @callback
    def async_context(self, loaded: int | None, vram: int | None, num_ctx: int) -> None:
        """Warn about a model loaded with a much larger context than ours, or clear it."""
        if loaded is None or loaded <= OVERSIZED_CONTEXT_FACTOR * num_ctx:
            async_clear_issue(self.hass, ISSUE_OVERSIZED_CONTEXT, self.entry_id)
            return
        async_raise_issue(
            self.hass,
            ISSUE_OVERSIZED_CONTEXT,
            self.entry_id,
            {
                "model": self.client.settings.model,
                "loaded": str(loaded),
                "num_ctx": str(num_ctx),
                "vram": f"{(vram or 0) / 1e9:.1f}",
            },
            severity=ir.IssueSeverity.WARNING,
        )

    # ---------------------------------------------------- usable answers
    @callback
    def async_count_failure(self, cause: str) -> None:
        """Count an answer that could not be used; tell the owner after a few in a row.

        The repair issue follows the newest cause.
        """
        self.failures_in_a_row += 1
        cause = mask_text(cause)
        if self.failures_in_a_row < VLM_FAILURES_FOR_ISSUE:
            return
        if not self.failure_reported:
            self.failure_reported = True
            _LOGGER.warning(
                "VLM server %s failed %d times in a row: %s",
                self.client.display_url,
                self.failures_in_a_row,
                cause,
            )
        elif cause == self._failure_cause:
            return
        self._failure_cause = cause
        async_raise_issue(
            self.hass,
            ISSUE_VLM_FAILING,
            self.entry_id,
            {**self._names, "count": str(self.failures_in_a_row), "error": cause},
        )

    @callback
    def async_count_success(self) -> None:
        """Count a usable answer; clear the repeated-failures issue."""
        self.failures_in_a_row = 0
        self._failure_cause = None
        if self.failure_reported:
            self.failure_reported = False
            async_clear_issue(self.hass, ISSUE_VLM_FAILING, self.entry_id)
            _LOGGER.info("VLM server %s answers usefully again", self.client.display_url)
