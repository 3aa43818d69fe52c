"""Sensors: the VLM's last description of what a camera saw."""

from __future__ import annotations

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .data import VLMGuardConfigEntry
from .entity import VLMGuardCameraEntity

PARALLEL_UPDATES = 0

RAW_ANSWER_MAX = 1000

DESCRIPTION = SensorEntityDescription(key="description", translation_key="description")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add one description sensor per camera."""
    for subentry_id, monitor in entry.runtime_data.cameras.items():
        async_add_entities(
            [DescriptionSensor(monitor, DESCRIPTION)], config_subentry_id=subentry_id
        )


class DescriptionSensor(VLMGuardCameraEntity, SensorEntity):
    """The description of the last crop the VLM judged, and why it decided so."""

    @property
    def native_value(self) -> str | None:
        """Return the last description."""
        decision = self.monitor.last_decision
        return decision.verdict.description if decision else None

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        """Return the verdict, the rule that decided it and the raw answer."""
        decision = self.monitor.last_decision
        if decision is None:
            return None
        return {
            "verdict": "ALERT" if decision.verdict.alert else "CLEAR",
            "rule": decision.verdict.rule,
            "reason": decision.reason,
            "model": decision.model,
            "latency": round(decision.latency, 3),
            "time": decision.time.isoformat(),
            "raw_answer": decision.raw[:RAW_ANSWER_MAX],
        }
