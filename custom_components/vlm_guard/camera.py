"""Camera entity: the last annotated alert snapshot, with the live RTSP stream."""

from __future__ import annotations

from homeassistant.components.camera import Camera, CameraEntityDescription, CameraEntityFeature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .coordinator import CameraMonitor
from .data import VLMGuardConfigEntry
from .entity import VLMGuardCameraEntity

PARALLEL_UPDATES = 0

SNAPSHOT = CameraEntityDescription(key="snapshot", translation_key="snapshot")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one snapshot camera per camera."""
    for subentry_id, monitor in entry.runtime_data.cameras.items():
        async_add_entities([SnapshotCamera(monitor, SNAPSHOT)], config_subentry_id=subentry_id)


class SnapshotCamera(VLMGuardCameraEntity, Camera):
    """Still image = last alert snapshot (boxes drawn); stream = the camera itself."""

    _attr_supported_features = CameraEntityFeature.STREAM

    def __init__(self, monitor: CameraMonitor, description: CameraEntityDescription) -> None:
        """Create the camera entity."""
        VLMGuardCameraEntity.__init__(self, monitor, description)
        Camera.__init__(self)

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the annotated snapshot of the last alert."""
        return self.monitor.snapshot

    async def stream_source(self) -> str | None:
        """Return the RTSP URL so Home Assistant's own HLS/WebRTC live view works."""
        return self.monitor.stream_source
