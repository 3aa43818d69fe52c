"""Diagnostics download: settings, stream and VLM health, recent decisions; no secrets."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant

from .coordinator import CameraMonitor, Decision
from .core.redact import mask_text, mask_url
from .core.settings import CONF_DETECT_URL, CONF_RTSP_URL
from .data import VLMGuardConfigEntry

TO_REDACT = {CONF_API_KEY}


def _decision(decision: Decision) -> dict[str, Any]:
    return {
        "time": decision.time.isoformat(),
        "alert": decision.verdict.alert,
        "rule": decision.verdict.rule,
        "description": decision.verdict.description,
        "reason": decision.reason,
        "reused": decision.reused,
        "model": decision.model,
        "latency": round(decision.latency, 3),
        "raw_answer": decision.raw,
        "boxes": decision.boxes,
        "crop": decision.crop,
    }


def _camera(monitor: CameraMonitor, data: dict[str, Any]) -> dict[str, Any]:
    settings = {
        key: mask_url(value) if key in (CONF_RTSP_URL, CONF_DETECT_URL) else value
        for key, value in data.items()
    }
    return {
        "name": monitor.name,
        "settings": settings,
        "streams": [
            {
                "connected": reader.connected,
                "keyframes_only": reader.keyframes_only,
                "keyframe_interval": reader.keyframe_interval,
                "packets": reader.packets,
                "decoded": reader.decoded,
                "errors": reader.errors,
                "reconnects": reader.reconnects,
                "last_error": mask_text(reader.last_error) if reader.last_error else None,
            }
            for reader in monitor.readers
        ],
        "alert_on": monitor.alert_on,
        "vlm": {
            "calls_today": monitor.stats.calls_today,
            "failures": monitor.stats.failures,
            "unparseable": monitor.stats.unparseable,
            "reused": monitor.stats.reused,
            "average_latency": monitor.stats.average_latency,
        },
        "recent_decisions": [_decision(d) for d in monitor.decisions],
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: VLMGuardConfigEntry
) -> dict[str, Any]:
    """Return what support needs to understand this server entry and its cameras."""
    runtime = entry.runtime_data
    server = runtime.server
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": dict(entry.options),
        },
        "server": {
            "connected": server.connected,
            "last_error": server.last_error,
            "thinking_model": server.client.thinking,
            "vram": server.vram,
            "loaded_context": server.loaded_context,
            "calls_today": server.stats.calls_today,
            "failures": server.stats.failures,
        },
        "cameras": {
            subentry_id: _camera(monitor, dict(entry.subentries[subentry_id].data))
            for subentry_id, monitor in runtime.cameras.items()
        },
    }
