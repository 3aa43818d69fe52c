"""Switches: a camera's detection and transcription, and detection for all of a server's cameras."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import STATE_OFF, EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .data import VLMGuardConfigEntry
from .entity import (
    CameraEntityDescription,
    VLMGuardCameraEntity,
    VLMGuardServerEntity,
    async_add_camera_entities,
)

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class CameraSwitchDescription(SwitchEntityDescription, CameraEntityDescription):
    """A camera switch, on the cameras that support it."""


DETECTION = CameraSwitchDescription(key="detection", translation_key="detection")
TRANSCRIPTION = CameraSwitchDescription(
    key="transcription",
    translation_key="transcription",
    entity_category=EntityCategory.CONFIG,
    supported_fn=lambda monitor: monitor.audio is not None,
)
SERVER_DETECTION = SwitchEntityDescription(key="detection", translation_key="server_detection")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the server's detection switch, and each camera's detection and transcription."""
    async_add_entities([ServerDetectionSwitch(entry, SERVER_DETECTION)])
    async_add_camera_entities(entry, async_add_entities, [DETECTION], DetectionSwitch)
    async_add_camera_entities(entry, async_add_entities, [TRANSCRIPTION], TranscriptionSwitch)


class DetectionSwitch(VLMGuardCameraEntity, SwitchEntity, RestoreEntity):
    """Judge motion and raise alerts, or not; the stream is watched for health either way."""

    # Arming is a choice, not a reading: it can be made while the stream is down.
    _follows_stream = False

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing here depends on the entity id: it may change in place."""

    async def async_added_to_hass(self) -> None:
        """Restore the last choice (on by default)."""
        await super().async_added_to_hass()
        if (state := await self.async_get_last_state()) is not None:
            self.monitor.arming.async_set_armed(state.state != STATE_OFF)

    @property
    def is_on(self) -> bool:
        """Return True while the camera is armed (a snooze shows as an attribute)."""
        return self.monitor.arming.armed

    @property
    def extra_state_attributes(self) -> dict[str, Any]:
        """Return until when detection is snoozed, and whether it runs now."""
        until = self.monitor.arming.snoozed_until
        return {
            "snoozed_until": until.isoformat() if self.monitor.arming.snoozed and until else None,
            "detecting": self.monitor.arming.detecting,
        }

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Arm the camera."""
        self.monitor.arming.async_set_armed(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Disarm the camera (an open incident ends)."""
        self.monitor.arming.async_set_armed(False)


class TranscriptionSwitch(VLMGuardCameraEntity, SwitchEntity, RestoreEntity):
    """Listen to the camera or not; the choice survives a restart."""

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing here depends on the entity id: it may change in place."""

    async def async_added_to_hass(self) -> None:
        """Restore the last choice (on by default)."""
        await super().async_added_to_hass()
        assert self.monitor.audio is not None
        if (state := await self.async_get_last_state()) is not None:
            self.monitor.audio.async_set_enabled(state.state != STATE_OFF)

    @property
    def is_on(self) -> bool:
        """Return True while the camera's sound is transcribed."""
        return self.monitor.audio is not None and self.monitor.audio.enabled

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start transcribing."""
        assert self.monitor.audio is not None
        self.monitor.audio.async_set_enabled(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop transcribing (and drop what was collected)."""
        assert self.monitor.audio is not None
        self.monitor.audio.async_set_enabled(False)


class ServerDetectionSwitch(VLMGuardServerEntity, SwitchEntity, RestoreEntity):
    """Arm or disarm every camera of the server at once; the choice survives a restart."""

    def __init__(self, entry: VLMGuardConfigEntry, description: SwitchEntityDescription) -> None:
        """Switch the cameras of `entry`."""
        super().__init__(entry.runtime_data.server, description)
        self._entry = entry

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing here depends on the entity id: it may change in place."""

    async def async_added_to_hass(self) -> None:
        """Restore the last choice (on by default)."""
        await super().async_added_to_hass()
        if (state := await self.async_get_last_state()) is not None:
            self._set(state.state != STATE_OFF)

    @property
    def is_on(self) -> bool:
        """Return True while the server's cameras may detect."""
        return self.server.armed

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Let every camera detect (each still follows its own switch)."""
        self._set(True)
        self.async_write_ha_state()

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop every camera detecting."""
        self._set(False)
        self.async_write_ha_state()

    def _set(self, armed: bool) -> None:
        cameras = self._entry.runtime_data.cameras.values()
        before = {camera: camera.arming.detecting for camera in cameras}
        self.server.armed = armed
        for camera, detected in before.items():
            camera.arming.async_server_changed(detected)
