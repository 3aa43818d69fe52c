"""Event entities: a camera's confirmed alerts, and speech worth hearing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import (
    EVENT_TYPE_ENDED,
    EVENT_TYPE_SPEECH,
    EVENT_TYPE_STARTED,
    EVENT_TYPE_UPDATED,
    EVENT_TYPE_URGENT_SPEECH,
)
from .coordinator import CameraMonitor
from .data import VLMGuardConfigEntry
from .entity import CameraEntityDescription, VLMGuardCameraEntity, async_add_camera_entities

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class CameraEventDescription(EventEntityDescription, CameraEntityDescription):
    """An event entity fed by one of the camera's dispatcher signals."""

    signal_fn: Callable[[CameraMonitor], str]


CAMERA_EVENTS: tuple[CameraEventDescription, ...] = (
    CameraEventDescription(
        key="alert_event",
        translation_key="alert_event",
        event_types=[EVENT_TYPE_STARTED, EVENT_TYPE_UPDATED, EVENT_TYPE_ENDED],
        signal_fn=lambda monitor: monitor.signal_alert,
    ),
    CameraEventDescription(
        key="speech_event",
        translation_key="speech_event",
        event_types=[EVENT_TYPE_SPEECH, EVENT_TYPE_URGENT_SPEECH],
        supported_fn=lambda monitor: monitor.audio is not None,
        signal_fn=lambda monitor: monitor.signal_speech,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an alert event entity per camera, and a speech one to cameras with sound."""
    async_add_camera_entities(entry, async_add_entities, CAMERA_EVENTS, CameraEvent)


class CameraEvent(VLMGuardCameraEntity, EventEntity):
    """Fires an incident's `started`/`updated`/`ended`, or `speech`/`urgent_speech`."""

    entity_description: CameraEventDescription
    # Event data repeats what the bus event carries; history keeps the type and time.
    _unrecorded_attributes = frozenset(
        {"raw_answer", "boxes", "crop", "snapshot_media_id", "clip_media_id", "urgent_words"}
    )

    @callback
    def async_entity_id_changed(self, old_entity_id: str) -> None:
        """Nothing here depends on the entity id: it may change in place."""

    async def async_added_to_hass(self) -> None:
        """Follow the camera's availability and listen for its events."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, self.entity_description.signal_fn(self.monitor), self._handle_event
            )
        )

    @callback
    def _handle_event(self, event_type: str, payload: dict[str, Any]) -> None:
        self._trigger_event(event_type, _attributes(payload))
        self.async_write_ha_state()


def _attributes(payload: dict[str, Any]) -> dict[str, Any]:
    """Return the event data fit for the entity's attributes (the bus event has it all)."""
    return {key: value for key, value in payload.items() if key != "verdicts"}
