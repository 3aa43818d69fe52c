"""Sensors: what the VLM said about a camera, what it heard, and how the VLM is doing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory, UnitOfInformation, UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.typing import StateType
from homeassistant.util import dt as dt_util

from .coordinator import CameraMonitor
from .core.stats import VLMStats
from .data import VLMGuardConfigEntry
from .entity import (
    CameraEntityDescription,
    VLMGuardCameraEntity,
    VLMGuardServerEntity,
    async_add_camera_entities,
)
from .reviewing import DailyReview
from .server import ServerMonitor

PARALLEL_UPDATES = 0

RAW_ANSWER_MAX = 1000
TRANSCRIPT_MAX = 255
TRANSCRIPT_KEYS = ("time", "heard", "language", "alert", "urgent", "gated", "reason",
                   "urgent_words", "engine", "duration", "clip_path", "clip_media_id")  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class StatsSensorDescription(SensorEntityDescription):
    """A figure read from VLM call statistics (of a camera or of the whole server)."""

    value_fn: Callable[[VLMStats], StateType]


@dataclass(frozen=True, kw_only=True)
class CameraSensorDescription(SensorEntityDescription, CameraEntityDescription):
    """A value of one camera, with the attributes that explain it."""

    value_fn: Callable[[CameraMonitor], StateType | datetime]
    attributes_fn: Callable[[CameraMonitor], dict[str, Any] | None] = lambda _monitor: None


STATS_SENSORS: tuple[StatsSensorDescription, ...] = (
    StatsSensorDescription(
        key="vlm_latency",
        translation_key="vlm_latency",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda stats: _seconds(stats.last_latency),
    ),
    StatsSensorDescription(
        key="vlm_latency_average",
        translation_key="vlm_latency_average",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.SECONDS,
        suggested_unit_of_measurement=UnitOfTime.MILLISECONDS,
        suggested_display_precision=0,
        state_class=SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=lambda stats: _seconds(stats.average_latency),
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
        entity_registry_enabled_default=False,
        value_fn=lambda stats: stats.unparseable,
    ),
)

VRAM = SensorEntityDescription(
    key="vram",
    translation_key="vram",
    device_class=SensorDeviceClass.DATA_SIZE,
    native_unit_of_measurement=UnitOfInformation.BYTES,
    suggested_unit_of_measurement=UnitOfInformation.GIGABYTES,
    suggested_display_precision=1,
    entity_category=EntityCategory.DIAGNOSTIC,
)


DAILY_REVIEW = SensorEntityDescription(key="daily_review", translation_key="daily_review")
# The newest review's groups shown as attributes (its event carries them all).
REVIEW_GROUPS_SHOWN = 20


def _seconds(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _description(monitor: CameraMonitor) -> str | None:
    decision = monitor.decisions.last
    return decision.verdict.description if decision else None


def _decision_attributes(monitor: CameraMonitor) -> dict[str, Any] | None:
    decision = monitor.decisions.last
    if decision is None:
        return None
    return {
        "verdict": "ALERT" if decision.alert else "CLEAR",
        "rule": decision.verdict.rule,
        "reason": decision.reason,
        "reused": decision.reused,
        "model": decision.model,
        "latency": round(decision.latency, 3),
        "time": decision.time.isoformat(),
        "raw_answer": decision.raw[:RAW_ANSWER_MAX],
    }


def _last_frame(monitor: CameraMonitor) -> datetime | None:
    age = monitor.health.last_frame_age
    if age is None:
        return None
    # Whole seconds: the state changes once a second at most.
    return (dt_util.utcnow() - timedelta(seconds=age)).replace(microsecond=0)


def _transcript(monitor: CameraMonitor) -> str | None:
    last = monitor.audio.last if monitor.audio else None
    return str(last["text"])[:TRANSCRIPT_MAX] if last else None


def _transcript_attributes(monitor: CameraMonitor) -> dict[str, Any] | None:
    audio = monitor.audio
    if audio is None:
        return None
    counts: dict[str, Any] = {
        "chunks": audio.chunker.chunks,
        "silent_chunks": audio.chunker.silent,
        "transcribed": audio.transcribed,
        "dropped_as_noise": audio.noise,
    }
    last = audio.last
    return counts if last is None else {key: last.get(key) for key in TRANSCRIPT_KEYS} | counts


CAMERA_SENSORS: tuple[CameraSensorDescription, ...] = (
    CameraSensorDescription(
        key="description",
        translation_key="description",
        value_fn=_description,
        attributes_fn=_decision_attributes,
    ),
    CameraSensorDescription(
        key="last_frame",
        translation_key="last_frame",
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        value_fn=_last_frame,
    ),
    CameraSensorDescription(
        key="transcript",
        translation_key="transcript",
        supported_fn=lambda monitor: monitor.audio is not None,
        value_fn=_transcript,
        attributes_fn=_transcript_attributes,
    ),
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
            DailyReviewSensor(server, DAILY_REVIEW, entry.runtime_data.review),
            *(ServerStatsSensor(server, description) for description in STATS_SENSORS),
        ]
    )
    async_add_camera_entities(entry, async_add_entities, CAMERA_SENSORS, CameraSensor)
    async_add_camera_entities(
        entry,
        async_add_entities,
        (_camera_stats(description) for description in STATS_SENSORS),
        CameraStatsSensor,
    )


@dataclass(frozen=True, kw_only=True)
class CameraStatsSensorDescription(StatsSensorDescription, CameraEntityDescription):
    """A VLM figure of one camera."""


def _camera_stats(description: StatsSensorDescription) -> CameraStatsSensorDescription:
    """Return the per-camera version of a server figure."""
    return CameraStatsSensorDescription(
        key=description.key,
        translation_key=description.translation_key,
        device_class=description.device_class,
        native_unit_of_measurement=description.native_unit_of_measurement,
        suggested_unit_of_measurement=description.suggested_unit_of_measurement,
        suggested_display_precision=description.suggested_display_precision,
        state_class=description.state_class,
        entity_category=description.entity_category,
        entity_registry_enabled_default=description.entity_registry_enabled_default,
        value_fn=description.value_fn,
    )


class CameraSensor(VLMGuardCameraEntity, SensorEntity):
    """A camera's last description, last frame time or last transcript."""

    entity_description: CameraSensorDescription
    # The raw answer and the speech details are for the moment, not for history.
    _unrecorded_attributes = frozenset(
        {"raw_answer", "urgent_words", "clip_path", "clip_media_id", "chunks", "silent_chunks"}
    )

    @property
    def native_value(self) -> StateType | datetime:
        """Return the value."""
        return self.entity_description.value_fn(self.monitor)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return what explains it."""
        return self.entity_description.attributes_fn(self.monitor)


class CameraStatsSensor(VLMGuardCameraEntity, SensorEntity):
    """A VLM figure of one camera."""

    entity_description: CameraStatsSensorDescription

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

    @property
    def native_value(self) -> int | None:
        """Return the model's VRAM in bytes, None while it is not loaded."""
        return self.server.vram

    @property
    def extra_state_attributes(self) -> dict[str, object] | None:
        """Return the context the model was loaded with."""
        return {"context_length": self.server.loaded_context}


class DailyReviewSensor(VLMGuardServerEntity, SensorEntity):
    """The newest daily review in one line; its groups and proposed rules as attributes."""

    # The groups change once a day and are large: the recorder keeps the summary only.
    _unrecorded_attributes = frozenset({"groups", "proposed_rules"})

    def __init__(
        self, server: ServerMonitor, description: SensorEntityDescription, review: DailyReview
    ) -> None:
        """Show `review`'s newest result."""
        super().__init__(server, description)
        self.review = review

    async def async_added_to_hass(self) -> None:
        """Follow the review as well as the server."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(
                self.hass, self.review.signal_update, self._handle_server_update
            )
        )

    @property
    def native_value(self) -> str | None:
        """Return the summary of the newest review, None before the first."""
        last = self.review.last
        return str(last.get("summary") or "")[:255] if last else None

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """Return when it ran, what it found and the rules it proposes."""
        last = self.review.last
        if not last:
            return None
        return {
            "reviewed": last.get("reviewed"),
            "incidents": last.get("incidents"),
            "error": last.get("error"),
            "groups": (last.get("groups") or [])[:REVIEW_GROUPS_SHOWN],
            "proposed_rules": [
                {key: rule.get(key) for key in ("id", "camera_name", "keywords", "label", "reason")}
                for rule in last.get("proposed_rules") or []
            ],
        }
