"""Typed runtime data of a VLM Guard config entry."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN
from .core.settings import CONF_ZONES
from .core.vlm import VLMClient

if TYPE_CHECKING:
    from .coordinator import CameraMonitor
    from .entity import CameraPlatform
    from .history import History
    from .reviewing import DailyReview
    from .server import ServerMonitor
    from .transcribers import SpeechEngine
    from .vision_check import VisionCheck


@dataclass(slots=True)
class VLMGuardData:
    """Everything one VLM server entry runs: its client, server health, cameras."""

    client: VLMClient
    server: ServerMonitor
    review: DailyReview
    vision: VisionCheck
    speech: SpeechEngine | None = None
    cameras: dict[str, CameraMonitor] = field(default_factory=dict)
    history: History | None = None
    platforms: list[CameraPlatform[Any]] = field(default_factory=list)
    """Each platform's camera entities, to add a camera's when it comes."""
    loaded_server: dict[str, Any] = field(default_factory=dict)
    """The server entry's data the client was built from."""
    loaded_options: dict[str, Any] = field(default_factory=dict)
    """The options in use."""
    loaded_cameras: dict[str, Any] = field(default_factory=dict)
    """What each running camera was built from, zones left out (see camera_config)."""
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    """Held while changes are applied or the entry stops: one at a time."""
    stopped: bool = False


def camera_config(subentry: ConfigSubentry) -> Any:
    """Return the part of a camera whose change restarts the camera: all but its zones."""
    return (subentry.title, _without_zones(subentry.data))


def _without_zones(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != CONF_ZONES}


def signal_camera_replaced(subentry_id: str) -> str:
    """Return the signal telling a camera's entities to follow its new monitor."""
    return f"{DOMAIN}_{subentry_id}_replaced"


type VLMGuardConfigEntry = ConfigEntry[VLMGuardData]


@callback
def loaded_servers(hass: HomeAssistant, entry_id: str | None) -> list[VLMGuardConfigEntry]:
    """Return the loaded server entries, or the one asked for; raise when it is not loaded."""
    entries: list[VLMGuardConfigEntry] = [
        entry
        for entry in hass.config_entries.async_loaded_entries(DOMAIN)
        if entry_id is None or entry.entry_id == entry_id
    ]
    if entry_id is not None and not entries:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_server",
            translation_placeholders={"entry_id": entry_id},
        )
    return entries


@callback
def running_camera(hass: HomeAssistant, camera: str) -> CameraMonitor | None:
    """Return the monitor of a camera (its subentry id) if its server entry is loaded."""
    for entry in loaded_servers(hass, None):
        if (monitor := entry.runtime_data.cameras.get(camera)) is not None:
            return monitor
    return None
