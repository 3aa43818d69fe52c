"""Switches: transcription of a camera's sound, on or off."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import STATE_OFF, EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoreEntity

from .data import VLMGuardConfigEntry
from .entity import CameraEntityDescription, VLMGuardCameraEntity, async_add_camera_entities

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class CameraSwitchDescription(SwitchEntityDescription, CameraEntityDescription):
    """A camera switch, on the cameras that support it."""


TRANSCRIPTION = CameraSwitchDescription(
    key="transcription",
    translation_key="transcription",
    entity_category=EntityCategory.CONFIG,
    supported_fn=lambda monitor: monitor.audio is not None,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a transcription switch to every camera with sound."""
    async_add_camera_entities(entry, async_add_entities, [TRANSCRIPTION], TranscriptionSwitch)


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
