"""Buttons: judge a camera's current picture now."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import VLMGuardConfigEntry
from .entity import CameraEntityDescription, VLMGuardCameraEntity, async_add_camera_entities

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class CameraButtonDescription(ButtonEntityDescription, CameraEntityDescription):
    """A camera button."""


ANALYZE_NOW = CameraButtonDescription(key="analyze_now", translation_key="analyze_now")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an Analyze now button to every camera."""
    async_add_camera_entities(entry, async_add_entities, [ANALYZE_NOW], AnalyzeNowButton)


class AnalyzeNowButton(VLMGuardCameraEntity, ButtonEntity):
    """Send the camera's whole current picture (zones applied) to the VLM at once."""

    async def async_press(self) -> None:
        """Judge the picture; the verdict shows on the camera's description and alert."""
        await self.monitor.async_analyze_now()
