"""Binary sensors: the camera's alert and the VLM server's connectivity."""

from __future__ import annotations

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
from .entity import VLMGuardCameraEntity, VLMGuardServerEntity
from .server import ServerMonitor

PARALLEL_UPDATES = 0

ALERT = BinarySensorEntityDescription(key="alert", translation_key="alert")
STREAM = BinarySensorEntityDescription(
    key="stream",
    translation_key="stream",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)
PROBLEM = BinarySensorEntityDescription(
    key="problem",
    translation_key="problem",
    device_class=BinarySensorDeviceClass.PROBLEM,
    entity_category=EntityCategory.DIAGNOSTIC,
)
SERVER = BinarySensorEntityDescription(
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
    """Add the server's connectivity and one alert sensor per camera."""
    data = entry.runtime_data
    async_add_entities([ServerConnectedSensor(data.server, SERVER)])
    for subentry_id, monitor in data.cameras.items():
        async_add_entities(
            [
                AlertSensor(monitor, ALERT),
                StreamSensor(monitor, STREAM),
                ProblemSensor(monitor, PROBLEM),
            ],
            config_subentry_id=subentry_id,
        )


class AlertSensor(VLMGuardCameraEntity, BinarySensorEntity):
    """On while a confirmed alert is held (hold time after the last ALERT)."""

    def __init__(self, monitor: CameraMonitor, description: BinarySensorEntityDescription) -> None:
        """Create the alert sensor of a camera."""
        super().__init__(monitor, description)

    @property
    def is_on(self) -> bool:
        """Return True while the alert is held."""
        return self.monitor.alert_on

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        """Return the description and time of the last alert."""
        last = self.monitor.last_alert
        if last is None:
            return None
        return {
            "description": last["description"],
            "rule": last["rule"],
            "time": last["time"],
            "snapshot_path": last["snapshot_path"],
        }


class ServerConnectedSensor(VLMGuardServerEntity, BinarySensorEntity):
    """On while the VLM server answers."""

    def __init__(self, server: ServerMonitor, description: BinarySensorEntityDescription) -> None:
        """Create the connectivity sensor of the server."""
        super().__init__(server, description)

    @property
    def is_on(self) -> bool:
        """Return True while the server answers."""
        return self.server.connected

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        """Return why the server is unreachable, when it is."""
        return {"last_error": self.server.last_error} if self.server.last_error else None


class StreamSensor(VLMGuardCameraEntity, BinarySensorEntity):
    """On while every stream of the camera delivers video."""

    @property
    def is_on(self) -> bool:
        """Return True while connected."""
        return self.monitor.stream_connected


class ProblemSensor(VLMGuardCameraEntity, BinarySensorEntity):
    """On while the watchdog finds the camera is not watching; the cause is an attribute."""

    @property
    def is_on(self) -> bool:
        """Return True while frames stop arriving or stop being analysed."""
        return self.monitor.problem is not None

    @property
    def extra_state_attributes(self) -> dict[str, object]:
        """Return the cause and the stream counters."""
        readers = self.monitor.readers
        return {
            "cause": self.monitor.problem_cause,
            "restarts": self.monitor.restarts,
            "abandoned_readers": self.monitor.abandoned_readers,
            "reconnects": sum(reader.reconnects for reader in readers),
            "decode_errors": sum(reader.decode_errors for reader in readers),
            "vlm_failures": self.monitor.stats.failures,
        }
