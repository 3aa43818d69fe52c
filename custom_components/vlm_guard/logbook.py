"""Describe VLM Guard's events in the logbook with their words, not just "an event"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from .const import DOMAIN, EVENT_ALERT, EVENT_HEALTH, EVENT_TRANSCRIPT

type Describe = Callable[[str, str, Callable[[Event[Any]], dict[str, str]]], None]


@callback
def async_describe_events(hass: HomeAssistant, async_describe_event: Describe) -> None:
    """Describe alerts, transcripts and health changes."""

    def _entity(data: dict[str, Any], platform: str, key: str) -> dict[str, str]:
        entity_id = er.async_get(hass).async_get_entity_id(
            platform, DOMAIN, f"{data.get('subentry_id')}_{key}"
        )
        return {LOGBOOK_ENTRY_ENTITY_ID: entity_id} if entity_id else {}

    @callback
    def describe_alert(event: Event[Any]) -> dict[str, str]:
        data = event.data
        verified = "" if data.get("verified", True) else " (not verified by the VLM)"
        return {
            LOGBOOK_ENTRY_NAME: str(data.get("camera", "")),
            LOGBOOK_ENTRY_MESSAGE: f"alert: {data.get('description', '')}{verified}",
            **_entity(data, "event", "alert_event"),
        }

    @callback
    def describe_transcript(event: Event[Any]) -> dict[str, str]:
        data = event.data
        kind = "urgent speech" if data.get("urgent") else "speech"
        return {
            LOGBOOK_ENTRY_NAME: str(data.get("camera", "")),
            LOGBOOK_ENTRY_MESSAGE: f'{kind}: "{data.get("text", "")}"',
            **_entity(data, "event", "speech_event"),
        }

    @callback
    def describe_health(event: Event[Any]) -> dict[str, str]:
        data = event.data
        if data.get("type") in ("vlm_unavailable", "vlm_available"):
            reachable = data.get("type") == "vlm_available"
            return {
                LOGBOOK_ENTRY_NAME: f"VLM server {data.get('server', '')}",
                LOGBOOK_ENTRY_MESSAGE: "is reachable again"
                if reachable
                else f"cannot be reached: {data.get('error')}",
            }
        message = (
            "is watching again"
            if data.get("type") == "recovered"
            else f"is not watching: {data.get('cause') or data.get('problem')}"
        )
        return {
            LOGBOOK_ENTRY_NAME: str(data.get("camera", "")),
            LOGBOOK_ENTRY_MESSAGE: message,
            **_entity(data, "binary_sensor", "problem"),
        }

    async_describe_event(DOMAIN, EVENT_ALERT, describe_alert)
    async_describe_event(DOMAIN, EVENT_TRANSCRIPT, describe_transcript)
    async_describe_event(DOMAIN, EVENT_HEALTH, describe_health)
