"""Cameras already in Home Assistant as sources: their stream, followed, or their pictures.

A Reolink, UniFi Protect, Frigate, ONVIF or generic camera entity knows its
stream's address, password included. VLM Guard asks Home Assistant for it
instead of having the owner type it again, checks now and then whether it
changed (a camera that renews its stream token, a new NVR address), and reads
a camera that has no stream through its still pictures, one per tick.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import logging
from typing import Final

from homeassistant.components.camera import async_get_image, async_get_stream_source
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError

from .core.feed import CameraFeed
from .core.redact import mask_url

_LOGGER = logging.getLogger(__name__)

SOURCE_CHECK_INTERVAL: Final = 60.0
SOURCE_TIMEOUT: Final = 10.0
PICTURE_TIMEOUT: Final = 10.0


async def async_stream_url(hass: HomeAssistant, entity_id: str) -> str | None:
    """Return the camera entity's stream address, or None when it has none (or is not there)."""
    try:
        async with asyncio.timeout(SOURCE_TIMEOUT):
            return await async_get_stream_source(hass, entity_id)
    except (HomeAssistantError, TimeoutError) as err:
        _LOGGER.debug("Camera %s gives no stream address: %s", entity_id, err)
        return None


def picture_fetcher(hass: HomeAssistant, entity_id: str) -> Callable[[], bytes]:
    """Return a blocking function (for a reader thread) that fetches the entity's picture."""

    def fetch() -> bytes:
        # The reader thread reaches Home Assistant only through the loop's thread-safe door.
        future = asyncio.run_coroutine_threadsafe(
            async_get_image(hass, entity_id, timeout=int(PICTURE_TIMEOUT)), hass.loop
        )
        return future.result(PICTURE_TIMEOUT + 5).content

    return fetch


class EntitySource:
    """Keep a camera's feed on its source entity's current stream (or pictures)."""

    def __init__(
        self,
        hass: HomeAssistant,
        entity_id: str,
        feed: CameraFeed,
        restart: Callable[[], Awaitable[None]],
    ) -> None:
        """Feed `feed` from `entity_id`; `restart()` replaces its readers when the source moves."""
        self.hass = hass
        self.entity_id = entity_id
        self.feed = feed
        self._restart = restart
        feed.fetch = picture_fetcher(hass, entity_id)

    async def async_run(self) -> None:
        """Start the feed on the entity's source, then follow the source while it runs."""
        await self._async_resolve()
        self.feed.replace()
        self.feed.start()
        while True:
            await asyncio.sleep(SOURCE_CHECK_INTERVAL)
            if await self._async_resolve():
                _LOGGER.info("Camera %s moved; reading it from its new source", self.entity_id)
                await self._restart()

    async def _async_resolve(self) -> bool:
        """Point the feed at the entity's current stream (or its pictures); True when it moved."""
        url = await async_stream_url(self.hass, self.entity_id) or ""
        if url == self.feed.url:
            return False
        _LOGGER.debug(
            "Camera %s is read from %s", self.entity_id, mask_url(url) if url else "its pictures"
        )
        self.feed.url = url
        return True
