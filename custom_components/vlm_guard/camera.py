"""Camera entity: the last annotated alert snapshot, with the live RTSP stream."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from homeassistant.components.camera import Camera, CameraEntityDescription, CameraEntityFeature
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import DOMAIN
from .coordinator import CameraMonitor
from .core.zones import ZoneError, parse_zones, zones_document
from .data import VLMGuardConfigEntry
from .entity import (
    CameraEntityDescription as VLMGuardDescription,
    VLMGuardCameraEntity,
    async_add_camera_entities,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class SnapshotDescription(CameraEntityDescription, VLMGuardDescription):
    """The camera entity of a VLM Guard camera."""


SNAPSHOT = SnapshotDescription(key="snapshot", translation_key="snapshot")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one snapshot camera per camera."""
    async_add_camera_entities(entry, async_add_entities, [SNAPSHOT], SnapshotCamera)


class SnapshotCamera(VLMGuardCameraEntity, Camera):
    """Still image = last alert snapshot (boxes drawn); stream = the camera itself."""

    _attr_supported_features = CameraEntityFeature.STREAM

    def __init__(self, monitor: CameraMonitor, description: SnapshotDescription) -> None:
        """Create the camera entity."""
        VLMGuardCameraEntity.__init__(self, monitor, description)
        Camera.__init__(self)

    def _monitor_replaced(self, old: CameraMonitor) -> None:
        """Move an open live view to the reconfigured camera's URL."""
        if (
            self.stream is not None
            and self.monitor.feed.url
            and self.monitor.feed.url != old.feed.url
        ):
            self.stream.update_source(self.monitor.feed.url)

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the annotated snapshot of the last alert."""
        return self.monitor.alerts.snapshot

    async def stream_source(self) -> str | None:
        """Return the RTSP URL so Home Assistant's own HLS/WebRTC live view works."""
        return self.monitor.feed.url or None

    async def async_set_zones(self, zones: Any) -> None:
        """Validate and save new zones; they apply from the next tick."""
        try:
            parsed = parse_zones(zones)
        except ZoneError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="invalid_zones",
                translation_placeholders={"error": str(err)},
            ) from err
        self.monitor.async_save_zones(parsed)

    async def async_snooze(self, duration: timedelta) -> None:
        """Stop detecting for `duration` (0 ends a snooze); kept across restarts."""
        self.monitor.arming.async_snooze(duration)

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return how many zones shape this camera's motion, and any snooze."""
        arming = self.monitor.arming
        until = arming.snoozed_until if arming.snoozed else None
        return {
            "zones": len(self.monitor.analyzer.zones),
            "armed": arming.armed,
            "snoozed_until": until.isoformat() if until else None,
        }

    async def async_get_zones(self) -> ServiceResponse:
        """Return the zones in use."""
        return zones_document(self.monitor.analyzer.zones)
