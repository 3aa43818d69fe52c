"""Event entities: one `alert` event per confirmed alert of a camera."""

from __future__ import annotations

from typing import Any

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import EVENT_TYPE_ALERT
from .data import VLMGuardConfigEntry
from .entity import VLMGuardCameraEntity

PARALLEL_UPDATES = 0

ALERT_EVENT = EventEntityDescription(
    key="alert_event", translation_key="alert_event", event_types=[EVENT_TYPE_ALERT]
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one alert event entity per camera."""
    for subentry_id, monitor in entry.runtime_data.cameras.items():
        async_add_entities([AlertEvent(monitor, ALERT_EVENT)], config_subentry_id=subentry_id)


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
