"""Binary sensors: the camera's alert and health, the VLM server's connectivity."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CameraMonitor
from .data import VLMGuardConfigEntry
from .entity import (
    CameraEntityDescription,
    VLMGuardCameraEntity,
    VLMGuardServerEntity,
    async_add_camera_entities,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class CameraBinarySensorDescription(BinarySensorEntityDescription, CameraEntityDescription):
    """A yes/no fact about a camera, with the attributes that explain it."""

    is_on_fn: Callable[[CameraMonitor], bool]
    attributes_fn: Callable[[CameraMonitor], dict[str, Any] | None] = lambda _monitor: None


def _alert_attributes(monitor: CameraMonitor) -> dict[str, Any] | None:
    last = monitor.last_alert
    if last is None:
        return None
    keys = ("description", "rule", "time", "snapshot_path", "incident_id", "incident_started")
    attributes = {key: last.get(key) for key in keys}
    if (incident := monitor.alerts.incident) is not None:
        attributes["incident_alerts"] = incident.alerts
    return attributes


def _problem_attributes(monitor: CameraMonitor) -> dict[str, Any]:
    readers = monitor.feed.readers
    return {
        "cause": monitor.health.problem_cause,
        "restarts": monitor.health.restarts,
        "abandoned_readers": monitor.health.abandoned_readers,
        "reconnects": sum(reader.reconnects for reader in readers),
        "decode_errors": sum(reader.decode_errors for reader in readers),
        "vlm_failures": monitor.stats.failures,
    }


CAMERA_SENSORS: tuple[CameraBinarySensorDescription, ...] = (
    CameraBinarySensorDescription(
        key="alert",
        translation_key="alert",
        is_on_fn=lambda monitor: monitor.alert_on,
        attributes_fn=_alert_attributes,
    ),
    CameraBinarySensorDescription(
        key="stream",
        translation_key="stream",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda monitor: monitor.stream_connected,
    ),
    CameraBinarySensorDescription(
        key="problem",
        translation_key="problem",
        device_class=BinarySensorDeviceClass.PROBLEM,
        entity_category=EntityCategory.DIAGNOSTIC,
        is_on_fn=lambda monitor: monitor.problem is not None,
        attributes_fn=_problem_attributes,
    ),
)

SERVER_CONNECTED = BinarySensorEntityDescription(
    key="server_connected",
    translation_key="server_connected",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the server's connectivity and each camera's alert and health sensors."""
    async_add_entities([ServerConnectedSensor(entry.runtime_data.server, SERVER_CONNECTED)])
    async_add_camera_entities(entry, async_add_entities, CAMERA_SENSORS, CameraBinarySensor)


class CameraBinarySensor(VLMGuardCameraEntity, BinarySensorEntity):
    """A camera's alert (held after the last ALERT), stream or problem."""

    entity_description: CameraBinarySensorDescription

    @property
    def is_on(self) -> bool:
        """Return the fact."""
        return self.entity_description.is_on_fn(self.monitor)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return what explains it."""
        return self.entity_description.attributes_fn(self.monitor)


class ServerConnectedSensor(VLMGuardServerEntity, BinarySensorEntity):
    """On while the VLM server answers."""

    @property
    def is_on(self) -> bool:
        """Return True while the server answers."""
        return self.server.connected

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        """Return why the server is unreachable, when it is."""
        return {"last_error": self.server.last_error} if self.server.last_error else None
