"""Recent decisions and alerts of every camera, kept across Home Assistant restarts."""

from __future__ import annotations

from collections.abc import Callable
import logging
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 10.0

type Collect = Callable[[], dict[str, Any]]
"""Returns what to store, per camera subentry id."""


class History:
    """One store per server entry, holding each camera's recent decisions and alerts."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Use .storage/vlm_guard.<entry id>.history."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.history"
        )
        self._collect: Collect = dict

    async def async_load(self) -> dict[str, Any]:
        """Return what was stored, per camera subentry id (empty when nothing was)."""
        try:
            data = await self._store.async_load()
        except (OSError, ValueError) as err:
            _LOGGER.warning("Cannot read the stored alert history: %s", err)
            return {}
        return data or {}

    @callback
    def async_track(self, collect: Collect) -> None:
        """Save what `collect` returns whenever a camera's history changes."""
        self._collect = collect

    @callback
    def async_changed(self) -> None:
        """Save a little later, gathering changes that come together."""
        self._store.async_delay_save(self._collect, SAVE_DELAY)

    async def async_save(self) -> None:
        """Save now (the entry is unloading or Home Assistant stops)."""
        await self._store.async_save(self._collect())

    async def async_remove(self) -> None:
        """Delete the stored history (the entry is removed)."""
        await self._store.async_remove()
