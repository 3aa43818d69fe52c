"""Base entities: one device per camera subentry and one for the VLM server."""

from __future__ import annotations

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .coordinator import CameraMonitor
from .server import ServerMonitor


class VLMGuardCameraEntity(Entity):
    """An entity of one camera, updated when its monitor says so."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, monitor: CameraMonitor, description: EntityDescription) -> None:
        """Attach the entity to its camera's device."""
        self.entity_description = description
        self.monitor = monitor
        self._attr_unique_id = f"{monitor.subentry_id}_{description.key}"
        self._attr_device_info = monitor.device_info

    async def async_added_to_hass(self) -> None:
        """Follow the monitor's updates."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, self.monitor.signal_update, self._handle_monitor_update
            )
        )

    @property
    def available(self) -> bool:
        """Follow the stream, except diagnostic and configuration entities.

        What the camera sees is unknown while its stream is down; its health
        and settings are exactly what the owner then wants to look at.
        """
        if self.entity_category is not None:
            return super().available
        return super().available and self.monitor.stream_connected

    @callback
    def _handle_monitor_update(self) -> None:
        self.async_write_ha_state()


class VLMGuardServerEntity(Entity):
    """An entity of the VLM server device."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, server: ServerMonitor, description: EntityDescription) -> None:
        """Attach the entity to the server's device."""
        self.entity_description = description
        self.server = server
        self._attr_unique_id = f"{server.entry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, server.entry_id)})

    async def async_added_to_hass(self) -> None:
        """Follow the server monitor's updates."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, self.server.signal_update, self._handle_server_update
            )
        )

    @callback
    def _handle_server_update(self) -> None:
        self.async_write_ha_state()
