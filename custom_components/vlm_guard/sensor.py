"""Sensors: what the VLM said about a camera, and how the VLM is doing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfInformation, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .core.stats import VLMStats
from .data import VLMGuardConfigEntry
from .entity import VLMGuardCameraEntity, VLMGuardServerEntity
from .server import ServerMonitor

PARALLEL_UPDATES = 0

RAW_ANSWER_MAX = 1000


@dataclass(frozen=True, kw_only=True)
class StatsSensorDescription(SensorEntityDescription):
    """A figure read from VLM call statistics."""

    value_fn: Callable[[VLMStats], StateType]


def _ms(seconds: float | None) -> float | None:
    return round(seconds * 1000, 1) if seconds is not None else None


STATS_SENSORS: tuple[StatsSensorDescription, ...] = (
    StatsSensorDescription(
        key="vlm_latency",
        translation_key="vlm_latency",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda stats: _ms(stats.last_latency),
    ),
    StatsSensorDescription(
        key="vlm_latency_average",
        translation_key="vlm_latency_average",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MILLISECONDS,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda stats: _ms(stats.average_latency),
    ),
    StatsSensorDescription(
        key="vlm_calls_today",
        translation_key="vlm_calls_today",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda stats: stats.calls_on(dt_util.now().date()),
    ),
    StatsSensorDescription(
        key="vlm_unparseable",
        translation_key="vlm_unparseable",
        state_class=SensorStateClass.TOTAL_INCREASING,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda stats: stats.unparseable,
    ),
)

DESCRIPTION = SensorEntityDescription(key="description", translation_key="description")
LAST_FRAME_AGE = SensorEntityDescription(
    key="last_frame_age",
    translation_key="last_frame_age",
    device_class=SensorDeviceClass.DURATION,
    native_unit_of_measurement=UnitOfTime.SECONDS,
    state_class=SensorStateClass.MEASUREMENT,
    entity_category=EntityCategory.DIAGNOSTIC,
)
TRANSCRIPT = SensorEntityDescription(key="transcript", translation_key="transcript")
TRANSCRIPT_MAX = 255
VRAM = SensorEntityDescription(
    key="vram",
    translation_key="vram",
    device_class=SensorDeviceClass.DATA_SIZE,
    native_unit_of_measurement=UnitOfInformation.BYTES,
    suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
    suggested_display_precision=1,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the server's sensors and each camera's."""
    server = entry.runtime_data.server
    async_add_entities(
        [
            VRAMSensor(server, VRAM),
            *(ServerStatsSensor(server, description) for description in STATS_SENSORS),
        ]
    )
    for subentry_id, monitor in entry.runtime_data.cameras.items():
        async_add_entities(
            [
                DescriptionSensor(monitor, DESCRIPTION),
                LastFrameAgeSensor(monitor, LAST_FRAME_AGE),
                *(CameraStatsSensor(monitor, description) for description in STATS_SENSORS),
            ],
            config_subentry_id=subentry_id,
        )
        if monitor.audio is not None:
            async_add_entities(
                [TranscriptSensor(monitor, TRANSCRIPT)], config_subentry_id=subentry_id
            )


class DescriptionSensor(VLMGuardCameraEntity, SensorEntity):
    """The description of the last image the VLM judged, and why it decided so."""

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
            "reused": decision.reused,
            "model": decision.model,
            "latency": round(decision.latency, 3),
            "time": decision.time.isoformat(),
            "raw_answer": decision.raw[:RAW_ANSWER_MAX],
        }


class LastFrameAgeSensor(VLMGuardCameraEntity, SensorEntity):
    """Seconds since the camera's stream last delivered (updated by the watchdog)."""

    @property
    def native_value(self) -> int | None:
        """Return the age in whole seconds, None before the first frame."""
        age = self.monitor.last_frame_age
        return round(age) if age is not None else None


class CameraStatsSensor(VLMGuardCameraEntity, SensorEntity):
    """A VLM figure of one camera."""

    entity_description: StatsSensorDescription

    @property
    def native_value(self) -> StateType:
        """Return the figure."""
        return self.entity_description.value_fn(self.monitor.stats)


class ServerStatsSensor(VLMGuardServerEntity, SensorEntity):
    """A VLM figure of the whole server (every camera, and calls it took as a fallback)."""

    entity_description: StatsSensorDescription

    @property
    def native_value(self) -> StateType:
        """Return the figure."""
        return self.entity_description.value_fn(self.server.stats)


class VRAMSensor(VLMGuardServerEntity, SensorEntity):
    """Memory the model holds on the server's GPU (Ollama only)."""

    def __init__(self, server: ServerMonitor, description: SensorEntityDescription) -> None:
        """Create the sensor."""
        super().__init__(server, description)

    @property
    def native_value(self) -> int | None:
        """Return the model's VRAM in bytes, None while it is not loaded."""
        return self.server.vram

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        """Return the context the model was loaded with."""
        return {"context_length": self.server.loaded_context}


class TranscriptSensor(VLMGuardCameraEntity, SensorEntity):
    """The last thing the camera's microphone heard that was not noise."""

    @property
    def native_value(self) -> str | None:
        """Return the transcript (cut to what a state can hold)."""
        assert self.monitor.audio is not None
        last = self.monitor.audio.last
        return str(last["text"])[:TRANSCRIPT_MAX] if last else None

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        """Return when it was heard, whether it alerted and why, and the clip."""
        assert self.monitor.audio is not None
        audio = self.monitor.audio
        counts: dict[str, object] = {
            "chunks": audio.chunker.chunks,
            "silent_chunks": audio.chunker.silent,
            "transcribed": audio.transcribed,
            "dropped_as_noise": audio.noise,
        }
        last = audio.last
        if last is None:
            return counts
        keys = ("time", "heard", "language", "alert", "urgent", "gated", "reason",
                "urgent_words", "engine", "duration", "clip_path", "clip_media_id")  # fmt: skip
        return {key: last[key] for key in keys} | counts
