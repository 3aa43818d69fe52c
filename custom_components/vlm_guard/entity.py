"""Base entities: one device per camera subentry and one for the VLM server."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import (
    AddConfigEntryEntitiesCallback,
    async_get_current_platform,
)

from .const import DOMAIN
from .coordinator import CameraMonitor
from .data import VLMGuardConfigEntry, signal_camera_replaced
from .server import ServerMonitor

type EntityKey = tuple[str, str]
"""A camera entity's platform domain and description key."""


@dataclass(frozen=True, kw_only=True)
class CameraEntityDescription(EntityDescription):
    """What every camera entity description adds: which cameras have the entity."""

    supported_fn: Callable[[CameraMonitor], bool] = lambda _monitor: True


@dataclass(frozen=True, slots=True)
class CameraPlatform[D: CameraEntityDescription]:
    """One platform's camera entities: which a camera has, and how to add them."""

    domain: str
    descriptions: tuple[D, ...]
    factory: Callable[[CameraMonitor, D], Entity]
    add_entities: AddConfigEntryEntitiesCallback

    def keys(self, monitor: CameraMonitor) -> set[EntityKey]:
        """Return the keys of the entities this camera has on this platform."""
        return {
            (self.domain, description.key)
            for description in self.descriptions
            if description.supported_fn(monitor)
        }

    @callback
    def async_add(self, monitor: CameraMonitor, only: Collection[EntityKey] | None = None) -> None:
        """Add the camera's entities (those in `only`, when given) on its own subentry."""
        entities = [
            self.factory(monitor, description)
            for description in self.descriptions
            if description.supported_fn(monitor)
            and (only is None or (self.domain, description.key) in only)
        ]
        if entities:
            self.add_entities(entities, config_subentry_id=monitor.subentry_id)


@callback
def async_add_camera_entities[D: CameraEntityDescription](
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    descriptions: Iterable[D],
    factory: Callable[[CameraMonitor, D], Entity],
) -> None:
    """Add each camera's entities of a platform; cameras added later get theirs too."""
    platform = CameraPlatform(
        async_get_current_platform().domain, tuple(descriptions), factory, async_add_entities
    )
    entry.runtime_data.platforms.append(platform)
    for monitor in entry.runtime_data.cameras.values():
        platform.async_add(monitor)


def camera_entity_keys(entry: VLMGuardConfigEntry, monitor: CameraMonitor) -> set[EntityKey]:
    """Return the keys of every entity a camera has, on every platform."""
    return {key for platform in entry.runtime_data.platforms for key in platform.keys(monitor)}


class VLMGuardCameraEntity(Entity):
    """An entity of one camera, updated when its monitor says so."""

    _attr_has_entity_name = True
    _attr_should_poll = False
    _follows_stream = True
    """False for controls that stay usable while the camera's stream is down."""

    def __init__(self, monitor: CameraMonitor, description: CameraEntityDescription) -> None:
        """Attach the entity to its camera's device."""
        self._supported_by = description.supported_fn
        self.entity_description = description
        self.monitor = monitor
        self._attr_unique_id = f"{monitor.subentry_id}_{description.key}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, monitor.subentry_id)},
            name=monitor.name,
            manufacturer="VLM Guard",
            model="RTSP camera",
            via_device=(DOMAIN, monitor.entry_id),
        )

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing here depends on the entity id: it may change in place."""

    async def async_added_to_hass(self) -> None:
        """Follow the monitor's updates, and the new monitor when the camera restarts."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, self.monitor.signal_update, self._handle_monitor_update
            )
        )
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass,
                signal_camera_replaced(self.monitor.subentry_id),
                self._handle_monitor_replaced,
            )
        )

    @property
    def available(self) -> bool:
        """Follow the stream, except diagnostic and configuration entities.

        What the camera sees is unknown while its stream is down; its health
        and settings are exactly what the owner then wants to look at.
        """
        if self.entity_category is not None or not self._follows_stream:
            return super().available
        return super().available and self.monitor.stream_connected

    @callback
    def _handle_monitor_update(self) -> None:
        self.async_write_ha_state()

    @callback
    def _handle_monitor_replaced(self, monitor: CameraMonitor) -> None:
        """Follow the camera's new monitor (it was reconfigured); signals keep their names."""
        if not self._supported_by(monitor):
            return  # The new camera has no such entity: this one is being removed.
        old, self.monitor = self.monitor, monitor
        self._monitor_replaced(old)
        self.async_write_ha_state()

    def _monitor_replaced(self, old: CameraMonitor) -> None:
        """Adapt to a new monitor (the camera entity moves its live view)."""


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
