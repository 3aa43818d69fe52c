"""Event entities: a camera's confirmed alerts, and speech worth hearing."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import EVENT_TYPE_ALERT, EVENT_TYPE_SPEECH, EVENT_TYPE_URGENT_SPEECH
from .data import VLMGuardConfigEntry
from .entity import VLMGuardCameraEntity

PARALLEL_UPDATES = 0

ALERT_EVENT = EventEntityDescription(
    key="alert_event", translation_key="alert_event", event_types=[EVENT_TYPE_ALERT]
)
SPEECH_EVENT = EventEntityDescription(
    key="speech_event",
    translation_key="speech_event",
    event_types=[EVENT_TYPE_SPEECH, EVENT_TYPE_URGENT_SPEECH],
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an alert event entity per camera, and a speech one to cameras with sound."""
    for subentry_id, monitor in entry.runtime_data.cameras.items():
        entities: list[EventEntity] = [AlertEvent(monitor, ALERT_EVENT)]
        if monitor.audio is not None:
            entities.append(SpeechEvent(monitor, SPEECH_EVENT))
        async_add_entities(entities, config_subentry_id=subentry_id)


class AlertEvent(VLMGuardCameraEntity, EventEntity):
    """Fires `alert` with everything a notification needs."""

    async def async_added_to_hass(self) -> None:
        """Listen for the camera's alerts (not its plain state updates)."""
        self.async_on_remove(
            async_dispatcher_connect(self.hass, self.monitor.signal_alert, self._handle_alert)
        )

    @callback
    def _handle_alert(self, payload: dict[str, Any]) -> None:
        self._trigger_event(EVENT_TYPE_ALERT, payload)
        self.async_write_ha_state()


class SpeechEvent(VLMGuardCameraEntity, EventEntity):
    """Fires `speech` (after a visual alert) or `urgent_speech` with the transcript."""

    async def async_added_to_hass(self) -> None:
        """Listen for the camera's speech alerts."""
        self.async_on_remove(
            async_dispatcher_connect(self.hass, self.monitor.signal_speech, self._handle_speech)
        )

    @callback
    def _handle_speech(self, event_type: str, payload: dict[str, Any]) -> None:
        self._trigger_event(event_type, payload)
        self.async_write_ha_state()
