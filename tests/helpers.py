"""Go through the real config flows the way a user does in the UI."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
import time
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_NAME, CONF_URL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry as er
import pytest

from custom_components.vlm_guard.archive import async_get_archive
from custom_components.vlm_guard.const import (
    CONF_BACKEND,
    CONF_KEEP_ALIVE,
    CONF_MODEL,
    CONF_NUM_CTX,
    CONF_TIMEOUT,
    DOMAIN,
    SUBENTRY_CAMERA,
)
from custom_components.vlm_guard.core.pipeline import Analyzer, Finding
from custom_components.vlm_guard.core.settings import (
    CONF_ALERT_HOLD,
    CONF_FALLBACK_INTERVAL,
    CONF_INTERVAL,
    CONF_MOTION,
    CONF_RTSP_URL,
    CONF_VLM,
    form_values,
)
from custom_components.vlm_guard.core.store import IncidentRecord

from .harness.vlm_server import DEFAULT_MODEL, StandInVLM


async def add_server(
    hass: HomeAssistant,
    vlm: StandInVLM,
    *,
    backend: str = "ollama",
    model: str = DEFAULT_MODEL,
    timeout: float = 10.0,
) -> ConfigEntry:
    """Add a VLM server entry through the config flow and wait until it is loaded."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: backend, CONF_URL: vlm.url}
    )
    assert result["type"] is FlowResultType.FORM, result
    assert result["step_id"] == "model"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_MODEL: model, CONF_NUM_CTX: 4096, CONF_KEEP_ALIVE: "30m", CONF_TIMEOUT: timeout},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    return result["result"]


async def add_camera(
    hass: HomeAssistant,
    entry: ConfigEntry,
    url: str,
    *,
    name: str = "Living room",
    interval: float = 1.0,
    alert_hold: float = 30.0,
    fallback_interval: float = 60.0,
    motion: dict[str, float] | None = None,
    vlm: dict[str, Any] | None = None,
    audio: dict[str, Any] | None = None,
    **extra: Any,
) -> str:
    """Add a camera subentry through its flow; return the new subentry id."""
    before = set(entry.subentries)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: name,
            # An empty URL leaves the field out, as the UI does when a camera entity is chosen.
            **({CONF_RTSP_URL: url} if url else {}),
            CONF_INTERVAL: interval,
            CONF_ALERT_HOLD: alert_hold,
            CONF_FALLBACK_INTERVAL: fallback_interval,
            CONF_MOTION: motion or {},
            CONF_VLM: vlm or {},
            **extra,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()
    (subentry_id,) = set(entry.subentries) - before
    if audio:
        # Sound settings are on the reconfigure form of a camera found to have sound.
        await reconfigure_camera(hass, entry, subentry_id, audio=audio)
    return subentry_id


async def reconfigure_camera(
    hass: HomeAssistant, entry: ConfigEntry, subentry_id: str, **sections: dict[str, Any]
) -> None:
    """Submit a camera's reconfigure form as shown, with some of its sections changed."""
    subentry = entry.subentries[subentry_id]
    shown = form_values(subentry.data)
    result = await start_camera_reconfigure(hass, entry, subentry_id)
    assert result["type"] is FlowResultType.FORM, result
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            **shown,
            CONF_NAME: subentry.title,
            **{key: {**shown[key], **values} for key, values in sections.items()},
        },
    )
    assert result["reason"] == "reconfigure_successful", result
    await hass.async_block_till_done()


def entity_id(hass: HomeAssistant, platform: str, unique_id: str) -> str:
    """Return the entity id VLM Guard registered under a unique id."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert found is not None, unique_id
    return found


async def wait_for(
    hass: HomeAssistant, condition: Callable[[], bool], timeout: float, step: float = 0.2
) -> bool:
    """Let Home Assistant run until `condition` holds or `timeout` real seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        await asyncio.sleep(step)
    return condition()


async def wait_for_kept(
    hass: HomeAssistant,
    condition: Callable[[list[IncidentRecord]], bool],
    timeout: float,
    **filters: Any,
) -> list[IncidentRecord]:
    """Wait until the incidents kept (matching `filters`) satisfy `condition`; return them."""
    archive = async_get_archive(hass)
    assert archive is not None
    deadline = time.monotonic() + timeout
    while True:
        records = await archive.async_list(**filters)
        if condition(records) or time.monotonic() > deadline:
            return records
        await asyncio.sleep(0.2)


async def start_reconfigure(hass: HomeAssistant, entry: ConfigEntry) -> dict:
    """Open the server entry's reconfigure flow, as the UI's menu does."""
    return await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": "reconfigure", "entry_id": entry.entry_id}
    )


async def start_camera_reconfigure(
    hass: HomeAssistant, entry: ConfigEntry, subentry_id: str
) -> dict:
    """Open a camera subentry's reconfigure flow."""
    return await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA),
        context={"source": "reconfigure", "subentry_id": subentry_id},
    )


# A stop or an unload must never hang, yet a loaded machine may take its time:
# bounds on how long they take are this generous.
STOP_BOUND = 30.0


def wait_until(condition: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    """Wait (blocking, outside Home Assistant) until `condition` holds or `timeout` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def listen(hass: HomeAssistant, event_type: str) -> list[Event[Any]]:
    """Collect the bus events of one type, received on the event loop."""
    events: list[Event[Any]] = []
    hass.bus.async_listen(event_type, callback(lambda event: events.append(event)))
    return events


@dataclass(frozen=True, slots=True)
class Analysis:
    """One motion analysis a camera ran: what it found, and what it would find without zones."""

    finding: Finding
    unmasked: Finding | None
    """The same frame judged with no zones, as a control (only when asked for)."""


class AnalysisLog:
    """Every motion analysis the cameras ran, in order: one per tick that had a new frame."""

    def __init__(self) -> None:
        """Start empty."""
        self.analyses: list[Analysis] = []

    @property
    def ticks(self) -> int:
        """Return how many ticks analysed a new frame."""
        return len(self.analyses)

    @property
    def quiet(self) -> int:
        """Return how many analyses found nothing for the VLM to look at."""
        return sum(1 for analysis in self.analyses if analysis.finding.reason is None)

    @property
    def asked(self) -> int:
        """Return how many analyses found something for the VLM (a first frame, motion...)."""
        return sum(1 for analysis in self.analyses if analysis.finding.reason is not None)

    @property
    def motion_without_zones(self) -> int:
        """Return how many analysed frames had motion that only the zones took away."""
        return sum(
            1
            for analysis in self.analyses
            if analysis.unmasked is not None
            and analysis.unmasked.boxes
            and not analysis.finding.boxes
        )


def record_analyses(monkeypatch: pytest.MonkeyPatch, *, unmasked: bool = False) -> AnalysisLog:
    """Record the motion analyses of every camera from now on (the analyzer itself is unchanged).

    With `unmasked`, each analysed frame is also judged by a zone-less analyzer
    of its own, to show what the zones kept from the VLM.
    """
    log = AnalysisLog()
    find = Analyzer.find
    control = Analyzer(fallback_interval=0)

    def recording_find(analyzer: Analyzer, frame: Any, t: float, *args: Any) -> Finding:
        finding = find(analyzer, frame, t, *args)
        seen = find(control, frame, t, *args) if unmasked else None
        log.analyses.append(Analysis(finding, seen))
        return finding

    monkeypatch.setattr(Analyzer, "find", recording_find)
    return log
