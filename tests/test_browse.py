"""Incidents in the media browser (camera, day, incident) and on each camera's calendar."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import cv2
from homeassistant.components import media_source
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import numpy as np
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator, WebSocketGenerator

from custom_components.vlm_guard.archive import async_get_archive
from custom_components.vlm_guard.const import (
    ARCHIVE_FILE,
    DOMAIN,
    EVENT_ALERT,
    EVENT_INCIDENT_ENDED,
)
from custom_components.vlm_guard.core.store import IncidentRecord

from .harness.rtsp import RtspServer
from .harness.vlm_server import RecordedRequest, StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for

ROOT = f"media-source://{DOMAIN}"
SAW = "ALERT: A person walks to the door."
QUIET = 5.0
JPEG_START = b"\xff\xd8"


def _jpeg() -> bytes:
    ok, encoded = cv2.imencode(".jpg", np.full((24, 32, 3), 128, np.uint8))
    assert ok
    return bytes(encoded.tobytes())


def _local(day: date, hour: int, minute: int) -> datetime:
    return datetime.combine(day, time(hour, minute), dt_util.get_default_time_zone())


def _day_title(day: date, count: int) -> str:
    year = "" if day.year == dt_util.now().year else f" {day.year}"
    return f"{day:%a} {day.day} {day:%b}{year} ({count})"


async def _record(
    hass: HomeAssistant,
    media_dir: Path,
    camera: str,
    name: str,
    started: datetime,
    description: str,
    *,
    status: str = "new",
    roles: tuple[str, ...] = ("first", "best"),
) -> IncidentRecord:
    """Keep an incident (with pictures on disk) in the archive, as the alert publisher does."""
    incident_id = f"{camera.lower()}{started:%Y%m%d%H%M}"
    folder = media_dir / DOMAIN / camera
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for role in roles:
        path = folder / f"{started:%Y%m%d-%H%M%S}-{incident_id[:8]}-{role}.jpg"
        path.write_bytes(_jpeg())
        files[role] = str(path)
    record = IncidentRecord(
        id=incident_id,
        camera=camera,
        camera_name=name,
        started=dt_util.as_utc(started),
        last_alert=dt_util.as_utc(started + timedelta(seconds=20)),
        ended=dt_util.as_utc(started + timedelta(seconds=50)),
        description=description,
        alerts=3,
        status=status,
        files=files,
    )
    archive = async_get_archive(hass)
    assert archive is not None
    await archive.async_save(record)
    return record


async def _browse(hass: HomeAssistant, media_id: str) -> dict[str, Any]:
    return (await media_source.async_browse_media(hass, media_id)).as_dict()


async def _fetch(client: Any, url: str) -> tuple[int, str, bytes]:
    response = await client.get(url)
    return response.status, response.headers.get("Content-Type", ""), await response.read()


async def test_a_real_incident_is_browsed_played_and_on_the_calendar(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    media_dir: Path,
    hass_client: ClientSessionGenerator,
    hass_client_no_auth: ClientSessionGenerator,
    hass_ws_client: WebSocketGenerator,
) -> None:
    """VLM Guard → Front door → today → 'HH:MM description', a JPEG for signed-in users only."""
    assert await async_setup_component(hass, "media_source", {})
    watching = [True]

    def answer(_request: RecordedRequest) -> str:
        return SAW if watching else "CLEAR: an empty porch."

    vlm_server.answer = answer
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    ended = listen(hass, EVENT_INCIDENT_ENDED)
    subentry_id = await add_camera(
        hass, entry, camera.url, name="Front door", interval=1.0, fallback_interval=2.0,
        alert_hold=QUIET, vlm={"repeat_window": 0},
    )  # fmt: skip
    calendar = entity_id(hass, "calendar", f"{subentry_id}_incidents")
    assert hass.states.get(calendar).state == "off"
    states: list[str] = []
    unsub = async_track_state_change_event(
        hass, calendar, callback(lambda event: states.append(event.data["new_state"].state))
    )
    assert await wait_for(hass, lambda: bool(alerts), 25)
    alert = alerts[0].data
    incident_id = alert["incident_id"]
    started = dt_util.as_local(dt_util.parse_datetime(alert["incident_started"]))

    # The calendar is on while the incident lasts, and shows it.
    assert await wait_for(hass, lambda: hass.states.get(calendar).state == "on", 5)
    state = hass.states.get(calendar)
    assert state.attributes["message"] == "A person walks to the door."
    assert f"media-source://{DOMAIN}/{subentry_id}/" in state.attributes["description"]
    assert state.attributes["friendly_name"] == "Front door Incidents"

    # The media browser, as the frontend asks for it: camera, day, incident.
    ws = await hass_ws_client(hass)
    await ws.send_json_auto_id({"type": "media_source/browse_media", "media_content_id": ROOT})
    root = (await ws.receive_json())["result"]
    assert root["title"] == "VLM Guard"
    (folder,) = root["children"]
    assert folder["title"] == "Front door"
    assert folder["media_content_id"] == f"{ROOT}/{subentry_id}"
    # Thumbnails are signed: an image element loads them without a token.
    status, content_type, body = await _fetch(await hass_client_no_auth(), folder["thumbnail"])
    assert (status, content_type, body[:2]) == (200, "image/jpeg", JPEG_START)

    days = await _browse(hass, folder["media_content_id"])
    (today,) = days["children"]
    assert today["title"] == _day_title(started.date(), 1)
    assert today["can_expand"]
    incidents = await _browse(hass, today["media_content_id"])
    (item,) = incidents["children"]
    assert item["title"] == f"{started:%H:%M} A person walks to the door."
    assert item["media_content_id"].endswith(f"/{incident_id}")
    assert item["can_play"]
    assert item["media_content_type"] == "image/jpeg"
    assert item["thumbnail"]

    # Played: the frontend gets a signed link; the path itself wants a signed-in user.
    await ws.send_json_auto_id(
        {"type": "media_source/resolve_media", "media_content_id": item["media_content_id"]}
    )
    resolved = (await ws.receive_json())["result"]
    assert resolved["mime_type"] == "image/jpeg"
    assert "authSig=" in resolved["url"]
    status, content_type, body = await _fetch(await hass_client_no_auth(), resolved["url"])
    assert (status, content_type, body[:2]) == (200, "image/jpeg", JPEG_START)
    played = await media_source.async_resolve_media(hass, item["media_content_id"], None)
    assert played.url.startswith(f"/api/vlm_guard/incidents/{incident_id}/")
    assert played.path is not None
    assert played.path.is_relative_to(media_dir / DOMAIN / subentry_id)
    status, content_type, body = await _fetch(await hass_client(), played.url)
    assert (status, content_type, body) == (200, "image/jpeg", played.path.read_bytes())
    assert (await _fetch(await hass_client_no_auth(), played.url))[0] == 401
    # Only files the archive lists are served.
    authorised = await hass_client()
    for url in (
        f"/api/vlm_guard/incidents/{incident_id}/clip",
        f"/api/vlm_guard/incidents/{incident_id}/..%2F..%2Fsecrets.yaml",
        "/api/vlm_guard/incidents/nothing-like-it/best",
    ):
        assert (await _fetch(authorised, url))[0] in (400, 404), url

    # An older incident of the camera, silenced by a rule, is on the calendar too.
    yesterday = started.date() - timedelta(days=1)
    await _record(
        hass, media_dir, subentry_id, "Front door", _local(yesterday, 21, 5),
        "A cat on the fence.", status="suppressed",
    )  # fmt: skip
    listed = await hass.services.async_call(
        "calendar", "get_events",
        {"entity_id": calendar, "start_date_time": _local(yesterday, 0, 0),
         "duration": {"days": 2}},
        blocking=True, return_response=True,
    )  # fmt: skip
    events = listed[calendar]["events"]
    assert [event["summary"] for event in events] == [
        "Suppressed: A cat on the fence.",
        "A person walks to the door.",
    ]
    assert "Alerts: " in events[1]["description"]
    assert dt_util.parse_datetime(events[1]["start"]) == started
    assert dt_util.parse_datetime(events[1]["end"]) > dt_util.now()

    # The incident ends: the calendar turns off and keeps it with its end.
    watching.clear()
    assert await wait_for(hass, lambda: bool(ended), QUIET + 20)
    assert await wait_for(hass, lambda: hass.states.get(calendar).state == "off", 5)
    unsub()
    # On for the whole incident, however many alerts and state writes it took.
    spells = [state for index, state in enumerate(states) if states[index - 1 : index] != [state]]
    assert spells == ["on", "off"], states
    listed = await hass.services.async_call(
        "calendar", "get_events",
        {"entity_id": calendar, "start_date_time": started, "duration": {"hours": 1}},
        blocking=True, return_response=True,
    )  # fmt: skip
    (event,) = listed[calendar]["events"]
    assert event["summary"] == "A person walks to the door."
    assert dt_util.parse_datetime(event["end"]) <= dt_util.now()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_incidents_are_filed_by_camera_and_local_day(
    hass: HomeAssistant, media_dir: Path, hass_ws_client: WebSocketGenerator
) -> None:
    """Two cameras, three days: folders with counts, newest first, statuses in the titles."""
    assert await async_setup_component(hass, DOMAIN, {})
    assert await async_setup_component(hass, "media_source", {})
    today = dt_util.now().date()
    yesterday, before = today - timedelta(days=1), today - timedelta(days=2)
    garden = "01JGARDEN00000000000000000"
    drive = "01JDRIVE000000000000000000"
    gate = await _record(
        hass, media_dir, garden, "Garden", _local(yesterday, 10, 0), "Someone at the gate."
    )
    await _record(
        hass, media_dir, garden, "Garden", _local(yesterday, 18, 30), "A cat on the fence.",
        status="suppressed", roles=("first",),
    )  # fmt: skip
    await _record(
        hass, media_dir, garden, "Garden", _local(before, 7, 5), "A fox.", status="false_alarm"
    )
    # An incident with no picture kept (the disk was full) is listed, not playable.
    await _record(hass, media_dir, drive, "Drive", _local(today, 0, 1), "A van.", roles=())

    root = await _browse(hass, ROOT)
    assert [child["title"] for child in root["children"]] == ["Drive", "Garden"]
    assert root["children"][0]["thumbnail"] is None
    assert root["children"][1]["thumbnail"].startswith("/api/vlm_guard/incidents/")

    days = await _browse(hass, f"{ROOT}/{garden}")
    assert days["title"] == "Garden"
    assert [child["title"] for child in days["children"]] == [
        _day_title(yesterday, 2),
        _day_title(before, 1),
    ]
    first_day = await _browse(hass, days["children"][0]["media_content_id"])
    assert [child["title"] for child in first_day["children"]] == [
        "18:30 A cat on the fence. (suppressed)",
        "10:00 Someone at the gate.",
    ]
    second_day = await _browse(hass, days["children"][1]["media_content_id"])
    assert [child["title"] for child in second_day["children"]] == ["07:05 A fox. (false alarm)"]
    (van,) = (await _browse(hass, f"{ROOT}/{drive}/{today.isoformat()}"))["children"]
    assert (van["title"], van["can_play"], van["thumbnail"]) == ("00:01 A van.", False, None)

    # The best picture is played, else the first.
    suppressed_id, gate_id = (child["media_content_id"] for child in first_day["children"])
    played = await media_source.async_resolve_media(hass, gate_id, None)
    assert (played.url, played.mime_type) == (
        f"/api/vlm_guard/incidents/{gate.id}/best",
        "image/jpeg",
    )
    played = await media_source.async_resolve_media(hass, suppressed_id, None)
    assert played.url.endswith("/first")

    # What is not there says so.
    ws = await hass_ws_client(hass)
    for media_id, words in (
        (f"{ROOT}/01JNOSUCHCAMERA00000000000", "no incidents of camera"),
        (f"{ROOT}/{garden}/{today.isoformat()}", f"no incidents on {today.isoformat()}"),
        (f"{ROOT}/{garden}/27-11-2026", "Not a VLM Guard folder"),
        (f"{ROOT}/{garden}/{yesterday.isoformat()}/gone", "There is no incident gone"),
    ):
        await ws.send_json_auto_id(
            {"type": "media_source/browse_media", "media_content_id": media_id}
        )
        reply = await ws.receive_json()
        assert not reply["success"], media_id
        assert reply["error"]["code"] == "browse_media_failed"
        assert words in reply["error"]["message"], reply
    resolve_errors: dict[str, str] = {
        f"{ROOT}/{garden}/{yesterday.isoformat()}/gone": "There is no incident gone",
        f"{ROOT}/{drive}/{yesterday.isoformat()}/{gate.id}": f"There is no incident {gate.id}",
        f"{ROOT}/{garden}": "Only an incident",
        f"{ROOT}/{drive}/{today.isoformat()}/{van['media_content_id'].rsplit('/', 1)[1]}": "no snapshot",
    }  # fmt: skip
    for media_id, words in resolve_errors.items():
        with pytest.raises(media_source.Unresolvable, match=words):
            await media_source.async_resolve_media(hass, media_id, None)


@pytest.mark.allow_errors("Incidents will not be kept")
async def test_with_the_archive_off_the_browser_is_empty(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> None:
    """A store that cannot be opened: an empty VLM Guard folder, and clear errors below it."""
    Path(hass.config.path(ARCHIVE_FILE)).mkdir()
    assert await async_setup_component(hass, DOMAIN, {})
    assert await async_setup_component(hass, "media_source", {})
    archive = async_get_archive(hass)
    assert archive is not None
    assert archive.store is None

    root = await _browse(hass, ROOT)
    assert (root["title"], root["children"]) == ("VLM Guard", [])
    with pytest.raises(BrowseError, match="Incidents are not being kept"):
        await _browse(hass, f"{ROOT}/01JGARDEN00000000000000000")
    with pytest.raises(media_source.Unresolvable, match="Incidents are not being kept"):
        await media_source.async_resolve_media(
            hass, f"{ROOT}/01JGARDEN00000000000000000/2026-11-27/abc", None
        )
    response = await (await hass_client()).get("/api/vlm_guard/incidents/abc/best")
    assert response.status == 404
