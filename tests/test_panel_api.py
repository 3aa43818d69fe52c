"""The panel's websocket commands against a real stream: cameras, pictures, zones, incidents."""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable
from typing import Any

import cv2
from homeassistant.core import HomeAssistant
import numpy as np

from custom_components.vlm_guard.const import DOMAIN, EVENT_ALERT

from .harness.rtsp import RtspServer
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for, wait_for_kept

type Client = Any
WHOLE_PICTURE = [[0, 0], [1, 0], [1, 1], [0, 1]]
BOW_TIE = [[0.1, 0.1], [0.5, 0.5], [0.5, 0.1], [0.1, 0.5]]


async def _ask(client: Client, **command: Any) -> dict[str, Any]:
    await client.send_json_auto_id(command)
    reply: dict[str, Any] = await client.receive_json()
    return reply


async def test_the_panel_sees_cameras_pictures_and_edits_zones(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    hass_ws_client: Callable[..., Awaitable[Client]],
) -> None:
    """Cameras with their entities, the live picture, a motion preview, zones saved or refused."""
    vlm_server.answer = "CLEAR: an empty room."
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, name="Hall", interval=1.0)
    monitor = entry.runtime_data.cameras[subentry_id]
    assert await wait_for(hass, lambda: monitor.feed.main.latest() is not None, 30)
    client = await hass_ws_client(hass)

    reply = await _ask(client, type="vlm_guard/cameras")
    (listed,) = reply["result"]["cameras"]
    assert listed["id"] == subentry_id
    assert listed["name"] == "Hall"
    assert listed["armed"] is True
    assert listed["frame_size"] == [768, 432]
    assert listed["entities"]["alert"] == entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    assert listed["entities"]["snapshot"] == entity_id(hass, "camera", f"{subentry_id}_snapshot")

    reply = await _ask(client, type="vlm_guard/frame", camera=subentry_id)
    picture = reply["result"]
    assert (picture["width"], picture["height"]) == (768, 432)
    head, data = picture["image"].split(",", 1)
    assert head == "data:image/jpeg;base64"
    decoded = cv2.imdecode(np.frombuffer(base64.b64decode(data), np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (432, 768, 3)

    # People walk through the room: some motion shows within a few tries, none when
    # an exclude zone covers the whole picture.
    found: list[Any] = []
    for _ in range(10):
        reply = await _ask(client, type="vlm_guard/zones/preview", camera=subentry_id, zones=[])
        found = reply["result"]["boxes"]
        if found:
            break
    assert found
    x, y, width, height = found[0]
    assert 0 <= x < x + width <= 768
    assert 0 <= y < y + height <= 432
    hidden = [{"name": "all", "type": "exclude", "points": WHOLE_PICTURE}]
    for _ in range(3):
        reply = await _ask(client, type="vlm_guard/zones/preview", camera=subentry_id, zones=hidden)
        assert reply["result"]["boxes"] == []

    # A self-crossing outline is refused with the zone it concerns; a good one is saved.
    zones = [
        {"name": "road", "type": "exclude", "points": [[0, 0], [1, 0], [1, 0.2], [0, 0.2]]},
        {"name": "tie", "type": "exclude", "points": BOW_TIE},
    ]
    reply = await _ask(client, type="vlm_guard/zones/save", camera=subentry_id, zones=zones)
    assert reply["result"]["saved"] is False
    assert reply["result"]["zone"] == 1
    assert "crosses itself" in reply["result"]["error"]
    reply = await _ask(client, type="vlm_guard/zones/save", camera=subentry_id, zones=zones[:1])
    assert reply["result"]["saved"] is True
    await hass.async_block_till_done()
    kept = await hass.services.async_call(
        DOMAIN, "get_zones", {"entity_id": listed["entities"]["snapshot"]}, blocking=True,
        return_response=True,
    )  # fmt: skip
    assert kept[listed["entities"]["snapshot"]]["zones"][0]["name"] == "road"
    assert [zone.name for zone in monitor.zones] == ["road"]

    reply = await _ask(client, type="vlm_guard/frame", camera=subentry_id, max_width=384)
    assert (reply["result"]["width"], reply["result"]["height"]) == (384, 216)
    reply = await _ask(client, type="vlm_guard/frame", camera="nope")
    assert not reply["success"]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_incidents_come_with_signed_pictures_and_rules_can_be_edited(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    hass_ws_client: Callable[..., Awaitable[Client]],
    hass_client_no_auth: Callable[..., Awaitable[Any]],
) -> None:
    """The list's picture URLs load without a token; a proposed rule is edited, then updated."""
    vlm_server.answer = "ALERT: smoke rises from the barbecue grill."
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    subentry_id = await add_camera(hass, entry, camera.url, interval=1.0, fallback_interval=2.0)
    assert await wait_for(hass, lambda: bool(alerts), 30)
    await wait_for_kept(hass, bool, 10, camera=subentry_id)
    client = await hass_ws_client(hass)

    reply = await _ask(client, type="vlm_guard/incidents/list", camera=subentry_id)
    (incident,) = reply["result"]["incidents"]
    assert set(incident["urls"]) == set(incident["files"])
    browser = await hass_client_no_auth()
    response = await browser.get(incident["urls"]["first"])
    assert response.status == 200
    assert (await response.read())[:2] == b"\xff\xd8"
    unsigned = await browser.get(incident["urls"]["first"].split("?")[0])
    assert unsigned.status == 401

    reply = await _ask(client, type="vlm_guard/incidents/propose_rule", incident_id=incident["id"])
    proposal = reply["result"]
    assert {"smoke", "barbecue", "grill"} <= set(proposal["keywords"])
    # The owner keeps only two words and the part of the picture, then reviews.
    reply = await _ask(
        client, type="vlm_guard/incidents/review", incident_id=incident["id"],
        status="false_alarm", suppress=True, keywords=["barbecue", "smoke"],
        region=proposal["region"],
    )  # fmt: skip
    rule = reply["result"]["rule"]
    assert rule["keywords"] == ["barbecue", "smoke"]
    assert rule["region"] == proposal["region"]

    # Null as the region: the whole picture.
    reply = await _ask(
        client, type="vlm_guard/incidents/review", incident_id=incident["id"],
        status="false_alarm", suppress=True, keywords=["smoke"], region=None,
    )  # fmt: skip
    assert reply["result"]["rule"]["region"] is None
    await _ask(client, type="vlm_guard/suppressions/remove", rule_id=reply["result"]["rule"]["id"])
    reply = await _ask(
        client, type="vlm_guard/suppressions/update", rule_id=rule["id"], keywords="grill",
        note="the grill only",
    )  # fmt: skip
    assert reply["success"], reply
    assert reply["result"]["rule"]["keywords"] == ["grill"]
    assert reply["result"]["rule"]["note"] == "the grill only"
    assert reply["result"]["rule"]["created"] == rule["created"]
    reply = await _ask(
        client, type="vlm_guard/suppressions/update", rule_id=rule["id"], keywords=[], region=None
    )
    assert not reply["success"]
    assert "keywords, a region" in reply["error"]["message"]
    await hass.config_entries.async_unload(entry.entry_id)
