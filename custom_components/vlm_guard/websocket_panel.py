"""Websocket commands of the panel's cameras page and zone editor (admin only).

- `vlm_guard/cameras` → every running camera: name, arming, health, zones,
  picture size, its entities and its newest incident.
- `vlm_guard/frame`: camera → the current picture as a data URL, with its size.
- `vlm_guard/zones/preview`: camera, zones → the motion those zones would let
  through between two pictures a moment apart (boxes in picture pixels).
- `vlm_guard/zones/save`: camera, zones → saved through the same checks as the
  `set_zones` action; a bad zone answers `saved: false` with the message and
  the position of the zone at fault, so the editor can show it there.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any, Final

import cv2
from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import ERR_NOT_FOUND
from homeassistant.components.websocket_api.decorators import (
    async_response,
    require_admin,
    websocket_command,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
import numpy as np
import voluptuous as vol

from .archive import async_get_archive
from .const import DOMAIN
from .coordinator import CameraMonitor
from .core.annotate import encode_jpeg
from .core.motion import Image, MotionDetector
from .core.pipeline import to_image
from .core.zones import ZoneError, parse_zones, zones_document
from .incident_urls import incident_dict

# Pictures for the panel are made no wider than this: zones are fractions of the picture.
FRAME_MAX_WIDTH: Final = 1280
# The preview compares two pictures this far apart, like two analysis ticks close together.
PREVIEW_GAP: Final = 1.0
# Entities of a camera the panel links to, by platform and key.
CAMERA_ENTITIES: Final = {
    "alert": ("binary_sensor", "alert"),
    "problem": ("binary_sensor", "problem"),
    "stream": ("binary_sensor", "stream"),
    "snapshot": ("camera", "snapshot"),
    "detection": ("switch", "detection"),
    "calendar": ("calendar", "incidents"),
    "description": ("sensor", "last_description"),
}


@callback
def _monitors(hass: HomeAssistant) -> dict[str, CameraMonitor]:
    return {
        subentry_id: monitor
        for entry in hass.config_entries.async_loaded_entries(DOMAIN)
        for subentry_id, monitor in entry.runtime_data.cameras.items()
    }


@callback
def _monitor(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> Any:
    monitor = _monitors(hass).get(msg["camera"])
    if monitor is None:
        connection.send_error(msg["id"], ERR_NOT_FOUND, f"No running camera {msg['camera']}")
    return monitor


def _frame_size(monitor: CameraMonitor) -> list[int] | None:
    frame = monitor.feed.main.latest()
    if frame is None:
        return None
    return [int(frame.image.width), int(frame.image.height)]


@websocket_command({vol.Required("type"): "vlm_guard/cameras"})
@require_admin
@async_response
async def ws_cameras(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """List the running cameras with their state, zones, entities and newest incident."""
    entities = er.async_get(hass)
    archive = async_get_archive(hass)
    cameras = []
    for subentry_id, monitor in _monitors(hass).items():
        newest = await archive.async_list(camera=subentry_id, limit=1) if archive else []
        arming = monitor.arming
        cameras.append(
            {
                "id": subentry_id,
                "entry_id": monitor.entry_id,
                "name": monitor.name,
                "armed": arming.armed,
                "detecting": arming.detecting,
                "snoozed_until": (
                    arming.snoozed_until.isoformat()
                    if arming.snoozed and arming.snoozed_until
                    else None
                ),
                "alert_on": monitor.alert_on,
                "stream_connected": monitor.stream_connected,
                "problem": monitor.problem,
                "zones": zones_document(monitor.zones)["zones"],
                "frame_size": _frame_size(monitor),
                "entities": {
                    name: entities.async_get_entity_id(domain, DOMAIN, f"{subentry_id}_{key}")
                    for name, (domain, key) in CAMERA_ENTITIES.items()
                },
                "last_incident": incident_dict(hass, connection, newest[0]) if newest else None,
            }
        )
    cameras.sort(key=lambda camera: str(camera["name"]).casefold())
    connection.send_result(msg["id"], {"cameras": cameras})


@websocket_command(
    {
        vol.Required("type"): "vlm_guard/frame",
        vol.Required("camera"): str,
        vol.Optional("max_width", default=FRAME_MAX_WIDTH): vol.All(int, vol.Range(min=64)),
    }
)
@require_admin
@async_response
async def ws_frame(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Return the camera's current picture as a JPEG data URL."""
    if (monitor := _monitor(hass, connection, msg)) is None:
        return
    frame = monitor.feed.main.latest()
    if frame is None:
        connection.send_error(msg["id"], ERR_NOT_FOUND, f"{monitor.name} has no picture yet")
        return
    content, width, height = await hass.async_add_executor_job(
        _picture, frame.image, msg["max_width"]
    )
    connection.send_result(
        msg["id"],
        {
            "image": "data:image/jpeg;base64," + base64.b64encode(content).decode("ascii"),
            "width": width,
            "height": height,
        },
    )


def _picture(image: Any, max_width: int) -> tuple[bytes, int, int]:
    """Return the frame as a JPEG no wider than `max_width`, and its size (blocking)."""
    picture = to_image(image)
    height, width = picture.shape[:2]
    if width <= max_width:
        return encode_jpeg(picture), width, height
    height, width = round(height * max_width / width), max_width
    smaller: Image = np.asarray(
        cv2.resize(picture, (width, height), interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    return encode_jpeg(smaller), width, height


def _zone_failure(err: ZoneError) -> dict[str, Any]:
    return {"saved": False, "error": str(err), "zone": err.index}


@websocket_command(
    {
        vol.Required("type"): "vlm_guard/zones/preview",
        vol.Required("camera"): str,
        vol.Required("zones"): vol.Any(list, dict),
    }
)
@require_admin
@async_response
async def ws_preview(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Return the motion the given zones would let through right now."""
    if (monitor := _monitor(hass, connection, msg)) is None:
        return
    try:
        zones = parse_zones(msg["zones"])
    except ZoneError as err:
        connection.send_result(msg["id"], {**_zone_failure(err), "boxes": []})
        return
    before = monitor.feed.main.latest()
    await asyncio.sleep(PREVIEW_GAP)
    after = monitor.feed.main.latest()
    if before is None or after is None:
        connection.send_error(msg["id"], ERR_NOT_FOUND, f"{monitor.name} has no picture yet")
        return

    def detect() -> tuple[list[list[int]], int, int]:
        detector = MotionDetector(monitor.settings.motion, zones)
        first, second = to_image(before.image), to_image(after.image)
        detector.detect(first)
        result = detector.detect(second)
        height, width = second.shape[:2]
        return [list(box) for box in result.boxes], width, height

    boxes, width, height = await hass.async_add_executor_job(detect)
    connection.send_result(msg["id"], {"boxes": boxes, "width": width, "height": height})


@websocket_command(
    {
        vol.Required("type"): "vlm_guard/zones/save",
        vol.Required("camera"): str,
        vol.Required("zones"): vol.Any(list, dict),
    }
)
@require_admin
@callback
def ws_save_zones(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """Check and keep a camera's zones; they apply from its next analysis."""
    if (monitor := _monitor(hass, connection, msg)) is None:
        return
    try:
        zones = parse_zones(msg["zones"])
    except ZoneError as err:
        connection.send_result(msg["id"], _zone_failure(err))
        return
    monitor.async_save_zones(zones)
    connection.send_result(msg["id"], {"saved": True, **zones_document(zones)})


@callback
def async_setup_panel_websocket(hass: HomeAssistant) -> None:
    """Register the commands once."""
    for command in (ws_cameras, ws_frame, ws_preview, ws_save_zones):
        async_register_command(hass, command)
