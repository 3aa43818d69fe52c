"""Arming in Home Assistant: Detection switches, snooze, Analyze now, zones in whole pictures."""

from __future__ import annotations

from collections.abc import Callable
import io

from homeassistant.core import HomeAssistant
import numpy as np
from PIL import Image
import pytest

from custom_components.vlm_guard.const import DOMAIN, EVENT_ALERT, EVENT_INCIDENT_ENDED
from custom_components.vlm_guard.coordinator import CameraMonitor

from .harness.rtsp import RtspServer
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for

ALERT = "ALERT: a man in a grey coat walks in."


async def _ticks_pass(hass: HomeAssistant, monitor: CameraMonitor, count: int = 3) -> None:
    """Wait until the camera has analysed `count` more ticks (so it had its chances)."""
    seen: list[float] = []

    def advanced() -> bool:
        last = monitor.ticker.last_analysed
        if last is not None and (not seen or last > seen[-1]):
            seen.append(last)
        return len(seen) > count

    assert await wait_for(hass, advanced, 30)


async def test_detection_off_asks_nothing_and_ends_the_incident(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Off: the stream is still read and analysed, no VLM question, no alert; on again: back."""
    vlm_server.answer = ALERT
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    ended = listen(hass, EVENT_INCIDENT_ENDED)
    subentry_id = await add_camera(hass, entry, camera.url, fallback_interval=2.0)
    monitor = entry.runtime_data.cameras[subentry_id]
    switch_id = entity_id(hass, "switch", f"{subentry_id}_detection")
    alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    assert await wait_for(hass, lambda: bool(alerts), 30)

    await hass.services.async_call("switch", "turn_off", {"entity_id": switch_id}, blocking=True)
    assert hass.states.get(switch_id).state == "off"
    assert hass.states.get(alert_id).state == "off"
    # The end is announced once the incident's clip is written.
    assert await wait_for(hass, lambda: bool(ended), 10), "detection off ends the open incident"
    # Let an answer already on its way land before counting.
    asked = len(vlm_server.chat_requests)
    await _ticks_pass(hass, monitor)
    assert len(vlm_server.chat_requests) <= asked + 1
    asked = len(vlm_server.chat_requests)
    await _ticks_pass(hass, monitor)
    assert len(vlm_server.chat_requests) == asked
    assert len(alerts) == 1
    assert monitor.stream_connected

    await hass.services.async_call("switch", "turn_on", {"entity_id": switch_id}, blocking=True)
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) > asked, 30)
    assert await wait_for(hass, lambda: len(alerts) == 2, 30)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_server_switch_disarms_every_camera(
    hass: HomeAssistant, rtsp_server: Callable[..., RtspServer], vlm_server: StandInVLM
) -> None:
    """The server's Detection switch stops all its cameras asking; each camera's own stays on."""
    vlm_server.answer = ALERT
    entry = await add_server(hass, vlm_server)
    first = await add_camera(hass, entry, rtsp_server().url, name="Porch", fallback_interval=2.0)
    second = await add_camera(hass, entry, rtsp_server().url, name="Garden", fallback_interval=2.0)
    server_switch = entity_id(hass, "switch", f"{entry.entry_id}_detection")
    monitors = [entry.runtime_data.cameras[first], entry.runtime_data.cameras[second]]
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) >= 2, 30)

    await hass.services.async_call(
        "switch", "turn_off", {"entity_id": server_switch}, blocking=True
    )
    assert all(not monitor.arming.detecting for monitor in monitors)
    assert all(monitor.arming.armed for monitor in monitors)
    await _ticks_pass(hass, monitors[0])
    asked = len(vlm_server.chat_requests)
    await _ticks_pass(hass, monitors[1])
    assert len(vlm_server.chat_requests) == asked
    await hass.services.async_call("switch", "turn_on", {"entity_id": server_switch}, blocking=True)
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) > asked, 30)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_snooze_is_shown_kept_across_a_restart_and_can_be_ended(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """vlm_guard.snooze: no questions until the time is up; the camera shows until when."""
    vlm_server.answer = ALERT
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, fallback_interval=2.0)
    camera_id = entity_id(hass, "camera", f"{subentry_id}_snapshot")
    switch_id = entity_id(hass, "switch", f"{subentry_id}_detection")
    monitor = entry.runtime_data.cameras[subentry_id]
    assert await wait_for(hass, lambda: monitor.stream_connected, 20)
    await hass.services.async_call(
        DOMAIN, "snooze", {"entity_id": camera_id, "duration": {"hours": 1}}, blocking=True
    )
    until = hass.states.get(camera_id).attributes["snoozed_until"]
    assert until is not None
    assert hass.states.get(switch_id).attributes["snoozed_until"] == until
    assert hass.states.get(switch_id).attributes["detecting"] is False
    asked = len(vlm_server.chat_requests)
    await _ticks_pass(hass, monitor)
    assert len(vlm_server.chat_requests) <= asked + 1

    await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    restored = entry.runtime_data.cameras[subentry_id]
    assert restored.arming.snoozed
    assert await wait_for(hass, lambda: restored.stream_connected, 20)
    assert hass.states.get(camera_id).attributes["snoozed_until"] == until

    await hass.services.async_call(
        DOMAIN, "snooze", {"entity_id": camera_id, "duration": {"seconds": 0}}, blocking=True
    )
    assert hass.states.get(camera_id).attributes["snoozed_until"] is None
    asked = len(vlm_server.chat_requests)
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) > asked, 30)
    await hass.config_entries.async_unload(entry.entry_id)


def _grey_share(jpeg: bytes, box: tuple[float, float, float, float]) -> float:
    """Return the share of near-mid-grey pixels inside a box given in fractions."""
    image = np.asarray(Image.open(io.BytesIO(jpeg)).convert("L"), dtype=np.int16)
    height, width = image.shape
    x0, y0, x1, y1 = box
    part = image[int(y0 * height) : int(y1 * height), int(x0 * width) : int(x1 * width)]
    return float(np.mean(np.abs(part - 128) <= 6))


@pytest.mark.parametrize("covered", ["left half", "everything"])
async def test_analyze_now_and_full_frames_hide_excluded_areas(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM, covered: str
) -> None:
    """Whole pictures sent to the VLM are grey where zones exclude; all excluded: nothing sent."""
    vlm_server.answer = "CLEAR: an empty room."
    right = 0.5 if covered == "left half" else 1.0
    zones = [
        {"name": "road", "type": "exclude", "points": [[0, 0], [right, 0], [right, 1], [0, 1]]}
    ]
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, fallback_interval=0)
    camera_id = entity_id(hass, "camera", f"{subentry_id}_snapshot")
    monitor = entry.runtime_data.cameras[subentry_id]
    # Actions skip unavailable entities: the camera entity is available once its stream is up.
    assert await wait_for(hass, lambda: monitor.stream_connected, 20)
    await hass.services.async_call(
        DOMAIN, "set_zones", {"entity_id": camera_id, "zones": zones}, blocking=True
    )
    assert await wait_for(hass, lambda: len(monitor.analyzer.zones) == 1, 10)
    # Whole pictures only: crops of motion on the watched half may come and go.
    size = (monitor.feed.main.latest().image.width, monitor.feed.main.latest().image.height)

    def whole_pictures() -> list[bytes]:
        return [
            image
            for request in vlm_server.chat_requests
            for image in request.images()
            if Image.open(io.BytesIO(image)).size == size
        ]

    asked = len(whole_pictures())
    button_id = entity_id(hass, "button", f"{subentry_id}_analyze_now")
    await hass.services.async_call("button", "press", {"entity_id": button_id}, blocking=True)
    if covered == "everything":
        # Nothing of the picture is watched: nothing to ask about.
        assert len(whole_pictures()) == asked
        await hass.config_entries.async_unload(entry.entry_id)
        return
    assert len(whole_pictures()) == asked + 1
    image = whole_pictures()[-1]
    assert _grey_share(image, (0.02, 0.02, 0.48, 0.98)) > 0.95
    assert _grey_share(image, (0.52, 0.02, 0.98, 0.98)) < 0.5
    description = hass.states.get(entity_id(hass, "sensor", f"{subentry_id}_description"))
    assert description.state == "an empty room."
    assert description.attributes["reason"] == "manual"
    await hass.config_entries.async_unload(entry.entry_id)
