"""What the owner sees when the VLM says CLEAR, fails, or an alert expires."""

from __future__ import annotations

from datetime import timedelta
import json
import threading
from typing import Any

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.vlm_guard.const import EVENT_ALERT

from .conftest import CAMERA_PASSWORD
from .harness.rtsp import RtspServer
from .harness.vlm_server import DEFAULT_ANSWER, StandInVLM
from .helpers import add_camera, add_server, entity_id, wait_for

CLEAR_ANSWER = json.dumps(
    {"verdict": "CLEAR", "description": "Curtains moving.", "subjects": [], "on_property": True}
)


async def test_clear_answer_updates_description_without_alert(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    vlm_server.answer = CLEAR_ANSWER
    events: list[Event[Any]] = []
    hass.bus.async_listen(EVENT_ALERT, callback(lambda event: events.append(event)))
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url)
    description_id = entity_id(hass, "sensor", f"{subentry_id}_description")

    assert await wait_for(
        hass, lambda: hass.states.get(description_id).state == "Curtains moving.", 30
    )
    state = hass.states.get(description_id)
    assert state.attributes["verdict"] == "CLEAR"
    assert state.attributes["rule"] == "json_clear"
    assert state.attributes["raw_answer"] == CLEAR_ANSWER
    assert hass.states.get(entity_id(hass, "binary_sensor", f"{subentry_id}_alert")).state == "off"
    assert events == []
    await hass.config_entries.async_unload(entry.entry_id)


async def test_unusable_answer_never_alerts(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    vlm_server.answer = ""
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url)
    description_id = entity_id(hass, "sensor", f"{subentry_id}_description")
    assert await wait_for(
        hass, lambda: hass.states.get(description_id).attributes.get("rule") == "unparseable", 30
    )
    assert hass.states.get(entity_id(hass, "binary_sensor", f"{subentry_id}_alert")).state == "off"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_vlm_outage_is_shown_and_recovers(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await add_server(hass, vlm_server)
    connected_id = entity_id(hass, "binary_sensor", f"{entry.entry_id}_server_connected")
    subentry_id = await add_camera(hass, entry, camera.url)
    alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    vlm_server.fail_always("http_500")

    assert await wait_for(hass, lambda: hass.states.get(connected_id).state == "off", 30)
    assert "HTTP 500" in hass.states.get(connected_id).attributes["last_error"]
    assert hass.states.get(alert_id).state == "off"

    # While the server fails it is checked every few seconds; after two more
    # failed checks it is still one warning, not one per failure.
    def checks() -> int:
        return sum(request.path == "/api/tags" for request in vlm_server.requests)

    checked = checks()
    assert await wait_for(hass, lambda: checks() >= checked + 2, 40)
    assert caplog.text.count(f"VLM server {vlm_server.url} is unavailable") == 1

    vlm_server.fail_always(None)
    assert await wait_for(hass, lambda: hass.states.get(connected_id).state == "on", 30)
    assert await wait_for(hass, lambda: hass.states.get(alert_id).state == "on", 30)
    assert "VLM server" in caplog.text
    assert "is reachable again" in caplog.text
    await hass.config_entries.async_unload(entry.entry_id)


async def test_alert_turns_off_after_hold_time(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    entry = await add_server(hass, vlm_server)
    # Every crop is asked about: no ALERT is reused for a crop like an earlier one.
    subentry_id = await add_camera(
        hass, entry, camera.url, alert_hold=120, vlm={"repeat_window": 0}
    )
    alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    description_id = entity_id(hass, "sensor", f"{subentry_id}_description")
    assert await wait_for(hass, lambda: hass.states.get(alert_id).state == "on", 30)

    vlm_server.answer = CLEAR_ANSWER
    # Questions are asked one at a time: once a CLEAR answer has landed, any ALERT
    # that was still in flight landed before it, and no other ALERT will come.
    assert await wait_for(
        hass, lambda: hass.states.get(description_id).state == "Curtains moving.", 30
    )
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=60))
    await hass.async_block_till_done()
    assert hass.states.get(alert_id).state == "on"
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=125))
    await hass.async_block_till_done()
    assert hass.states.get(alert_id).state == "off"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_new_alert_extends_the_incident(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    events: list[Event[Any]] = []
    hass.bus.async_listen(EVENT_ALERT, callback(lambda event: events.append(event)))
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, alert_hold=5)
    alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    monitor = entry.runtime_data.cameras[subentry_id]
    assert await wait_for(
        hass, lambda: (incident := monitor.alerts.incident) is not None and incident.alerts >= 3, 30
    )
    # Alerts keep coming every tick (1 s) while people move: the 5 s quiet time
    # never lapses, so it is one incident and one notification.
    assert hass.states.get(alert_id).state == "on"
    incident_id = monitor.alerts.incident.id
    assert [event.data["incident_id"] for event in events].count(incident_id) == 1
    assert vlm_server.answer == DEFAULT_ANSWER
    await hass.config_entries.async_unload(entry.entry_id)


async def test_home_assistant_stop_ends_reader_threads(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    entry = await add_server(hass, vlm_server)
    await add_camera(hass, entry, camera.url)

    def readers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name.startswith("vlm_guard_reader")]

    assert readers()
    await hass.async_stop()
    assert readers() == []


async def test_stream_restart_is_logged_once_and_rechecked(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The camera's server dies and comes back: one warning, one info, a fresh full-frame check."""
    entry = await add_server(hass, vlm_server)
    # Repeat suppression off: the reopened stream's first frame is the same empty room.
    await add_camera(hass, entry, camera.url, vlm={"repeat_window": 0})

    def full_frames() -> int:
        return sum(
            1
            for request in vlm_server.chat_requests
            if len(request.images()[0]) > 0 and _is_full_frame(request.images()[0])
        )

    assert await wait_for(hass, lambda: full_frames() == 1, 15)
    await hass.async_add_executor_job(camera.restart)
    assert await wait_for(hass, lambda: "Living room main stream is back" in caplog.text, 30)
    assert caplog.text.count("Living room main stream is unavailable") == 1
    assert CAMERA_PASSWORD not in caplog.text
    # The reopened stream is not compared with the old one: its first frame is judged whole.
    assert await wait_for(hass, lambda: full_frames() == 2, 15)
    reader = entry.runtime_data.cameras[next(iter(entry.runtime_data.cameras))].reader
    assert reader.reconnects >= 1
    await hass.config_entries.async_unload(entry.entry_id)
    assert not reader.alive


def _is_full_frame(jpeg: bytes) -> bool:
    import cv2
    import numpy as np

    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    return image is not None and image.shape[:2] == (432, 768)
