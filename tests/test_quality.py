"""What a Home Assistant reviewer checks: events, repairs, diagnostics, logbook, lifecycle."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from homeassistant.components.logbook.const import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.vlm_guard.const import DOMAIN, EVENT_ALERT, EVENT_HEALTH
from custom_components.vlm_guard.core.settings import CONF_RTSP_URL
from custom_components.vlm_guard.diagnostics import async_get_config_entry_diagnostics
from custom_components.vlm_guard.logbook import async_describe_events
from custom_components.vlm_guard.repairs import (
    ATTR_ENTRY_ID,
    ATTR_SUBENTRY_ID,
    ISSUE_CAMERA_NOT_WATCHING,
    async_raise_issue,
)
from custom_components.vlm_guard.transcribers import DATA_MODELS

from .conftest import CAMERA_PASSWORD
from .harness.rtsp import RtspServer
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for


async def test_event_entities_are_available_before_their_first_event(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """An alert event entity is 'unknown' (ready) once the stream is up, not 'unavailable'."""
    vlm_server.answer = "CLEAR: an empty room."
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url)
    monitor = entry.runtime_data.cameras[subentry_id]
    assert await wait_for(hass, lambda: monitor.stream_connected, 20)
    event_id = entity_id(hass, "event", f"{subentry_id}_alert_event")
    assert await wait_for(hass, lambda: hass.states.get(event_id).state != STATE_UNAVAILABLE, 10)
    assert hass.states.get(event_id).state == "unknown"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_camera_that_is_not_watching_can_be_fixed_from_repairs(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    hass_client: ClientSessionGenerator,
) -> None:
    """The repair offers a new RTSP URL; saving it restarts the camera on that URL."""
    assert await async_setup_component(hass, "repairs", {})
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url)
    async_raise_issue(
        hass,
        ISSUE_CAMERA_NOT_WATCHING,
        subentry_id,
        {"camera": "Living room", "cause": "no video for more than 20 s"},
        data={ATTR_ENTRY_ID: entry.entry_id, ATTR_SUBENTRY_ID: subentry_id},
    )
    issue_id = f"{ISSUE_CAMERA_NOT_WATCHING}_{subentry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.is_fixable

    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    assert response.status == 200
    form: dict[str, Any] = await response.json()
    assert form.get("type") == "form", form
    assert form["step_id"] == "confirm"
    placeholders = form["description_placeholders"]
    assert placeholders["cause"] == "no video for more than 20 s"
    assert CAMERA_PASSWORD not in placeholders["url"]
    assert "127.0.0.1" in placeholders["url"]

    moved = camera.url.replace("/stream", "/stream?moved=1")
    response = await client.post(
        f"/api/repairs/issues/fix/{form['flow_id']}", json={CONF_RTSP_URL: moved}
    )
    assert response.status == 200
    assert (await response.json())["type"] == "create_entry"
    await hass.async_block_till_done()
    assert entry.subentries[subentry_id].data[CONF_RTSP_URL] == moved
    monitor = entry.runtime_data.cameras[subentry_id]
    assert monitor.settings.url == moved
    # The restarted camera takes the issue away with its old readers.
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert await wait_for(hass, lambda: monitor.stream_connected, 20)

    # With the URL left empty, only this camera's stream is opened again.
    async_raise_issue(
        hass,
        ISSUE_CAMERA_NOT_WATCHING,
        subentry_id,
        {"camera": "Living room", "cause": "no video for more than 20 s"},
        data={ATTR_ENTRY_ID: entry.entry_id, ATTR_SUBENTRY_ID: subentry_id},
    )
    reader = monitor.reader
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": issue_id}
    )
    flow_id = (await response.json())["flow_id"]
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json={})
    assert (await response.json())["type"] == "create_entry"
    assert entry.runtime_data.cameras[subentry_id] is monitor
    assert monitor.reader is not reader
    assert monitor.health.restarts == 1
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert await wait_for(hass, lambda: monitor.stream_connected, 20)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_issues_go_with_their_camera_and_entry(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Removing a camera or unloading the entry leaves no repair issue about it behind."""
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url)
    data = {ATTR_ENTRY_ID: entry.entry_id, ATTR_SUBENTRY_ID: subentry_id}
    async_raise_issue(
        hass, ISSUE_CAMERA_NOT_WATCHING, subentry_id, {"camera": "x", "cause": "y"}, data=data
    )
    async_raise_issue(
        hass,
        "vlm_failing",
        entry.entry_id,
        {"server": "s", "model": "m", "count": "3", "error": "e"},
    )
    registry = ir.async_get(hass)
    assert registry.async_get_issue(DOMAIN, f"vlm_failing_{entry.entry_id}") is not None

    assert hass.config_entries.async_remove_subentry(entry, subentry_id)
    await hass.async_block_till_done()
    assert registry.async_get_issue(DOMAIN, f"{ISSUE_CAMERA_NOT_WATCHING}_{subentry_id}") is None

    await hass.config_entries.async_unload(entry.entry_id)
    assert registry.async_get_issue(DOMAIN, f"vlm_failing_{entry.entry_id}") is None
    assert not [key for key in registry.issues if key[0] == DOMAIN]


async def test_diagnostics_mask_the_server_url(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """A VLM server URL with credentials shows in diagnostics with them masked."""
    secret = "srv-Secret-9"
    host = vlm_server.url.split("://", 1)[1]
    with_credentials = cast("StandInVLM", SimpleNamespace(url=f"http://vlmuser:{secret}@{host}"))
    entry = await add_server(hass, with_credentials)
    await add_camera(hass, entry, camera.url)
    report = await async_get_config_entry_diagnostics(hass, entry)
    assert secret not in repr(report)
    assert host in report["entry"]["data"]["url"]
    assert host in report["server"]["url"]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_logbook_tells_what_was_seen(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """The logbook line of an alert carries the VLM's description, on the alert's entity."""
    vlm_server.answer = "ALERT: a man in a grey coat walks in."
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    subentry_id = await add_camera(hass, entry, camera.url)
    assert await wait_for(hass, lambda: bool(alerts), 30)
    describers: dict[str, Any] = {}
    async_describe_events(
        hass, lambda domain, event_type, describe: describers.__setitem__(event_type, describe)
    )
    line = describers[EVENT_ALERT](alerts[0])
    assert line[LOGBOOK_ENTRY_NAME] == "Living room"
    assert "grey coat" in line[LOGBOOK_ENTRY_MESSAGE]
    assert line[LOGBOOK_ENTRY_ENTITY_ID] == entity_id(hass, "event", f"{subentry_id}_alert_event")
    unverified = Event(EVENT_ALERT, {**alerts[0].data, "verified": False})
    assert "not verified" in describers[EVENT_ALERT](unverified)[LOGBOOK_ENTRY_MESSAGE]
    away = Event(
        EVENT_HEALTH, {"type": "vlm_unavailable", "server": "http://gpu:11434", "error": "refused"}
    )
    line = describers[EVENT_HEALTH](away)
    assert line[LOGBOOK_ENTRY_NAME] == "VLM server http://gpu:11434"
    assert line[LOGBOOK_ENTRY_MESSAGE] == "cannot be reached: refused"
    back = describers[EVENT_HEALTH](Event(EVENT_HEALTH, {"type": "vlm_available", "server": "s"}))
    assert back[LOGBOOK_ENTRY_MESSAGE] == "is reachable again"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_shared_speech_model_goes_with_the_last_entry(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    """Unloading the last server entry frees the speech model every camera shared."""
    entry = await add_server(hass, vlm_server)
    assert hass.data.get(DATA_MODELS)
    await hass.config_entries.async_unload(entry.entry_id)
    assert not hass.data.get(DATA_MODELS)
