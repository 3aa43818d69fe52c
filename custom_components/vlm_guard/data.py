"""Typed runtime data of a VLM Guard config entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from homeassistant.config_entries import ConfigEntry

from .core.settings import CONF_ZONES
from .core.vlm import VLMClient

if TYPE_CHECKING:
    from .coordinator import CameraMonitor
    from .history import History
    from .server import ServerMonitor


@dataclass(slots=True)
class VLMGuardData:
    """Everything one VLM server entry runs: its client, server health, cameras."""

    client: VLMClient
    server: ServerMonitor
    cameras: dict[str, CameraMonitor] = field(default_factory=dict)
    history: History | None = None
    loaded_config: Any = None
    """What the entry looked like when set up, zones left out (see live_config)."""


def live_config(entry: ConfigEntry[Any]) -> Any:
    """Return the part of an entry whose change needs a reload: all but the zones."""
    return (
        dict(entry.data),
        dict(entry.options),
        {
            subentry_id: (subentry.title, _without_zones(subentry.data))
            for subentry_id, subentry in entry.subentries.items()
        },
    )


def _without_zones(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key != CONF_ZONES}


type VLMGuardConfigEntry = ConfigEntry[VLMGuardData]
