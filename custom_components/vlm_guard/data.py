"""Typed runtime data of a VLM Guard config entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry

from .core.vlm import VLMClient

if TYPE_CHECKING:
    from .coordinator import CameraMonitor
    from .server import ServerMonitor


@dataclass(slots=True)
class VLMGuardData:
    """Everything one VLM server entry runs: its client, server health, cameras."""

    client: VLMClient
    server: ServerMonitor
    cameras: dict[str, CameraMonitor] = field(default_factory=dict)


type VLMGuardConfigEntry = ConfigEntry[VLMGuardData]
