"""Base entities: one device per camera subentry and one for the VLM server."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import CameraMonitor
from .data import VLMGuardConfigEntry
from .server import ServerMonitor


@dataclass(frozen=True, kw_only=True)
class CameraEntityDescription(EntityDescription):
    """What every camera entity description adds: which cameras have the entity."""

    supported_fn: Callable[[CameraMonitor], bool] = lambda _monitor: True


@callback
def async_add_camera_entities[D: CameraEntityDescription](
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Iterable[D],
    factory: Callable[[CameraMonitor, D], Entity],
) -> None:
    """Add each camera's entities of a platform, on the camera's own subentry."""
    descriptions = tuple(descriptions)
    for subentry_id, monitor in entry.runtime_data.cameras.items():
        entities = [
            factory(monitor, description)
            for description in descriptions
            if description.supported_fn(monitor)
        ]
        if entities:
            async_add_entities(entities, config_subentry_id=subentry_id)


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

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing here depends on the entity id: it may change in place."""

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

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing here depends on the entity id: it may change in place."""

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
