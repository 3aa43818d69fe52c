"""Diagnostics download: settings, stream and VLM health, recent decisions; no secrets."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant

from .archive import async_get_archive
from .coordinator import CameraMonitor
from .core.pool import VLMPool
from .core.redact import mask_text, mask_url
from .core.settings import CONF_DETECT_URL, CONF_RTSP_URL
from .data import VLMGuardConfigEntry

# Camera URLs are shown with their credentials masked (the host helps support);
# anything else secret is removed outright.
TO_REDACT = {CONF_API_KEY, "password", "username"}


def _audio(monitor: CameraMonitor) -> dict[str, Any] | None:
    audio = monitor.audio
    if audio is None:
        return None
    return {
        "enabled": audio.enabled,
        "engine": audio.engine.name,
        "chunks": audio.chunker.chunks,
        "silent_chunks": audio.chunker.silent,
        "transcribed": audio.transcribed,
        "no_speech": audio.no_speech,
        "noise": audio.noise,
        "alerts": audio.alerts,
        "dropped": audio.dropped,
        "failures": audio.failures,
        "last": audio.last,
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
                "decode_errors": reader.decode_errors,
                "reconnects": reader.reconnects,
                "has_audio": reader.has_audio,
                "audio_codec": reader.audio_codec,
                "last_error": mask_text(reader.last_error) if reader.last_error else None,
            }
            for reader in monitor.feed.readers
        ],
        "alert_on": monitor.alert_on,
        "health": {
            "stream_connected": monitor.stream_connected,
            "last_frame_age": monitor.health.last_frame_age,
            "problem": monitor.health.problem,
            "cause": monitor.health.problem_cause,
            "restarts": monitor.health.restarts,
            "abandoned_readers": monitor.health.abandoned_readers,
            "escalated": monitor.health.watchdog.escalated,
            "findings_skipped_while_busy": monitor.busy_skips,
            "ticks_skipped_while_busy": monitor.schedule.skipped,
        },
        "clips": {"dropped_packets": monitor.clip_buffer.dropped},
        "audio": _audio(monitor),
        "vlm": {
            "calls_today": monitor.stats.calls_today,
            "failures": monitor.stats.failures,
            "unparseable": monitor.stats.unparseable,
            "reused": monitor.stats.reused,
            "average_latency": monitor.stats.average_latency,
        },
        "recent_decisions": monitor.decisions.dump(),
    }


def _archive(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> dict[str, Any]:
    """Return how the incident store is doing, and this entry's cameras' rules."""
    archive = async_get_archive(hass)
    if archive is None:
        return {"in_use": False}
    cameras = set(entry.runtime_data.cameras)
    return {
        "in_use": archive.store is not None,
        "error": archive.error,
        "rules": [rule.to_dict() for rule in archive.rules if rule.camera in cameras],
        "keep_days": archive.keep_days,
        "keep_per_camera": archive.keep_per_camera,
    }


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: VLMGuardConfigEntry
) -> dict[str, Any]:
    """Return what support needs to understand this server entry and its cameras."""
    runtime = entry.runtime_data
    server = runtime.server
    report = {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(
                {
                    key: mask_url(str(value)) if key == CONF_URL else value
                    for key, value in entry.data.items()
                },
                TO_REDACT,
            ),
            "options": dict(entry.options),
        },
        "server": {
            "connected": server.connected,
            "url": server.client.display_url,
            "last_error": mask_text(server.last_error) if server.last_error else None,
            "failures_in_a_row": server.failures_in_a_row,
            "thinking_model": server.client.thinking,
            "vram": server.vram,
            "loaded_context": server.loaded_context,
            "calls_today": server.stats.calls_today,
            "failures": server.stats.failures,
            "pool": server.client.stats() if isinstance(server.client, VLMPool) else None,
        },
        "vision_check": runtime.vision.last,
        "daily_review": (
            {
                key: runtime.review.last.get(key)
                for key in ("reviewed", "incidents", "summary", "error")
            }
            if runtime.review.last
            else None
        ),
        "archive": _archive(hass, entry),
        "cameras": {
            subentry_id: _camera(
                monitor,
                dict(subentry.data) if (subentry := entry.subentries.get(subentry_id)) else {},
            )
            for subentry_id, monitor in runtime.cameras.items()
        },
    }
    return async_redact_data(report, TO_REDACT)
