"""A person walks into a real camera's view: the whole product, end to end."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
import threading
import time
from typing import Any

import cv2
from homeassistant.components.camera import async_get_image
from homeassistant.core import Event, HomeAssistant, callback
import numpy as np
import pytest

from custom_components.vlm_guard.const import EVENT_ALERT

from .conftest import CAMERA_PASSWORD, CAMERA_USER
from .harness.rtsp import RtspServer
from .harness.vlm_server import DEFAULT_ANSWER, RecordedRequest, StandInVLM
from .helpers import STOP_BOUND, add_camera, add_server, entity_id, record_analyses, wait_for

FRAME_WIDTH, FRAME_HEIGHT = 768, 432


def _image_size(jpeg: bytes) -> tuple[int, int]:
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    assert image is not None
    return image.shape[1], image.shape[0]


def scene_aware_answer(request: RecordedRequest) -> str:
    """Answer like a VLM would here: the whole empty room is CLEAR, a crop is a person."""
    (image,) = request.images()
    if _image_size(image) == (FRAME_WIDTH, FRAME_HEIGHT):
        return json.dumps(
            {
                "verdict": "CLEAR",
                "description": "An empty room.",
                "subjects": [],
                "on_property": True,
            }
        )
    return DEFAULT_ANSWER


def _reader_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("vlm_guard_reader")]


async def test_person_walks_in_raises_an_alert(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Empty room: only the first full-frame check. People walk in: crop, alert, event, snapshot."""
    vlm_server.answer = scene_aware_answer
    analyses = record_analyses(monkeypatch)
    entry = await add_server(hass, vlm_server)
    bus_events: list[Event[Any]] = []
    hass.bus.async_listen(EVENT_ALERT, callback(lambda event: bus_events.append(event)))

    subentry_id = await add_camera(hass, entry, camera.url, interval=1.0)
    alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    event_id = entity_id(hass, "event", f"{subentry_id}_alert_event")
    description_id = entity_id(hass, "sensor", f"{subentry_id}_description")
    snapshot_id = entity_id(hass, "camera", f"{subentry_id}_snapshot")
    connected_id = entity_id(hass, "binary_sensor", f"{entry.entry_id}_server_connected")
    stream_id = entity_id(hass, "binary_sensor", f"{subentry_id}_stream")
    # What the camera sees is unknown until its stream delivers.
    assert await wait_for(hass, lambda: hass.states.get(stream_id).state == "on", 15)
    assert hass.states.get(alert_id).state == "off"
    assert hass.states.get(connected_id).state == "on"

    # The room is empty for the first ~5 s of the clip. The first frame after
    # connecting is judged whole; ticks that find nothing after it ask nothing.
    assert await wait_for(
        hass,
        lambda: analyses.quiet >= 2 and hass.states.get(description_id).state == "An empty room.",
        30,
    )
    requests = list(vlm_server.chat_requests)
    assert analyses.analyses[0].finding.reason == "first"
    # Only analyses that found something (the first frame, motion) may have asked.
    assert 1 <= len(requests) <= analyses.asked
    assert _image_size(requests[0].images()[0]) == (FRAME_WIDTH, FRAME_HEIGHT)
    assert hass.states.get(description_id).attributes["reason"] == "first"

    # People walk in: the crop goes to the VLM, which says ALERT.
    assert await wait_for(hass, lambda: hass.states.get(alert_id).state == "on", timeout=30)

    requests = vlm_server.chat_requests
    assert len(requests) >= 2
    for request in requests:
        assert request.body["options"]["num_ctx"] == 4096
        assert request.body["keep_alive"] == "30m"
        assert request.body["stream"] is False
    for request in requests[1:]:
        (image,) = request.images()
        width, height = _image_size(image)
        assert width * height < FRAME_WIDTH * FRAME_HEIGHT
        assert width <= FRAME_WIDTH
        assert height <= FRAME_HEIGHT

    # The bus event and the event entity carry what a notification needs.
    assert bus_events
    payload = bus_events[0].data
    assert payload["camera"] == "Living room"
    assert payload["description"] == "A person walks into the room."
    assert payload["rule"] == "json_alert"
    assert payload["reason"] == "motion"
    assert payload["snapshot_path"].endswith(".jpg")
    assert payload["time"]
    assert CAMERA_PASSWORD not in str(payload)
    event_state = hass.states.get(event_id)
    assert event_state.attributes["event_type"] == "started"
    assert event_state.attributes["incident_id"] == payload["incident_id"]
    assert event_state.attributes["description"] == "A person walks into the room."
    assert hass.states.get(description_id).state == "A person walks into the room."
    assert hass.states.get(alert_id).attributes["description"] == "A person walks into the room."

    # The snapshot camera returns the full frame as JPEG with the boxes drawn in red.
    image = await async_get_image(hass, snapshot_id)
    assert image.content_type == "image/jpeg"
    snapshot = cv2.imdecode(np.frombuffer(image.content, np.uint8), cv2.IMREAD_COLOR)
    assert snapshot.shape[:2] == (FRAME_HEIGHT, FRAME_WIDTH)
    blue, green, red = cv2.split(snapshot.astype(np.int16))
    box_pixels = int(np.count_nonzero((red > 200) & (green < 60) & (blue < 60)))
    assert box_pixels > 200
    saved = await hass.async_add_executor_job(Path(payload["snapshot_path"]).read_bytes)
    assert saved == image.content

    # Unloading stops the reader thread: it has exited by the time the unload returns.
    assert _reader_threads()
    unload_started = time.monotonic()
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert _reader_threads() == []
    assert time.monotonic() - unload_started < STOP_BOUND


async def test_substream_finds_motion_main_stream_gives_the_crop(
    hass: HomeAssistant,
    camera: RtspServer,
    rtsp_server: Callable[..., RtspServer],
    person_substream_clip: Path,
    vlm_server: StandInVLM,
) -> None:
    """Motion is found on a half-resolution substream; crops come from the main stream."""
    substream = RtspServer(file=person_substream_clip, user=CAMERA_USER, password=CAMERA_PASSWORD)
    substream.start()
    try:
        entry = await add_server(hass, vlm_server)
        subentry_id = await add_camera(
            hass, entry, camera.url, interval=1.0, fallback_interval=0, detect_url=substream.url
        )
        alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
        snapshot_id = entity_id(hass, "camera", f"{subentry_id}_snapshot")
        assert await wait_for(hass, lambda: hass.states.get(alert_id).state == "on", timeout=30)
        assert await wait_for(hass, lambda: len(vlm_server.chat_requests) >= 4, timeout=20)

        image = await async_get_image(hass, snapshot_id)
        assert _image_size(image.content) == (FRAME_WIDTH, FRAME_HEIGHT)
        crops = [_image_size(request.images()[0]) for request in vlm_server.chat_requests]
        # A person is tall: a crop cut from the 432-px main stream is taller than
        # the whole 216-px substream.
        assert max(height for _, height in crops) > 216
        monitor = entry.runtime_data.cameras[subentry_id]
        assert monitor.detect_reader is not None
        # The main stream is decoded only for a finding the VLM is to look at (and
        # once at start, and perhaps one being decoded now): each finding was asked,
        # answered by a reused verdict, or skipped while the camera's question was open.
        handed_over = len(vlm_server.chat_requests) + monitor.stats.reused + monitor.busy_skips
        assert monitor.reader.decoded <= handed_over + 2
        assert monitor.detect_reader.decoded >= len(crops)
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        substream.stop()


async def test_diagnostics_explain_without_secrets(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    from custom_components.vlm_guard.diagnostics import async_get_config_entry_diagnostics

    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url)
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) >= 3, 30)
    diagnostics = await async_get_config_entry_diagnostics(hass, entry)
    camera_part = diagnostics["cameras"][subentry_id]
    assert camera_part["settings"]["rtsp_url"].startswith("rtsp://***:***@127.0.0.1:")
    assert camera_part["streams"][0]["connected"] is True
    assert camera_part["recent_decisions"]
    assert camera_part["recent_decisions"][-1]["raw_answer"]
    assert diagnostics["server"]["connected"] is True
    assert CAMERA_PASSWORD not in json.dumps(diagnostics, default=str)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_substream_outage_is_reported_as_the_detection_stream(
    hass: HomeAssistant,
    camera: RtspServer,
    person_substream_clip: Path,
    vlm_server: StandInVLM,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A substream that drops is named as such; the main stream is not blamed."""
    substream = RtspServer(file=person_substream_clip, user=CAMERA_USER, password=CAMERA_PASSWORD)
    substream.start()
    try:
        entry = await add_server(hass, vlm_server)
        subentry_id = await add_camera(hass, entry, camera.url, detect_url=substream.url)
        monitor = entry.runtime_data.cameras[subentry_id]
        assert await wait_for(hass, lambda: monitor.stream_connected, 15)
        await hass.async_add_executor_job(substream.restart)
        assert await wait_for(
            hass, lambda: "Living room detection stream is back" in caplog.text, 30
        )
        assert caplog.text.count("Living room detection stream is unavailable") == 1
        assert "Living room main stream is unavailable" not in caplog.text
        assert monitor.stream_connected
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        substream.stop()
