"""Incidents kept in Home Assistant: stored, reviewed, suppressed, judged again, never in the way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.vlm_guard.archive import async_get_archive
from custom_components.vlm_guard.const import ARCHIVE_FILE, DOMAIN, EVENT_ALERT
from custom_components.vlm_guard.core.store import IncidentRecord, IncidentStore
from custom_components.vlm_guard.vision_check import FIRST_CHECK_DELAY

from .harness.rtsp import RtspServer
from .harness.vlm_server import RecordedRequest, StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for, wait_for_kept

HOUR = timedelta(hours=1)
GRILL = "ALERT: smoke rises from the barbecue grill."


async def _call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=service != "remove_suppression"
    )


async def test_an_incident_is_kept_with_its_pictures_and_judged_again(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """A real incident lands in the store file; rejudging it with a new answer says it changed."""
    vlm_server.answer = "ALERT: a man in a grey coat walks in."
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    subentry_id = await add_camera(
        hass, entry, camera.url, interval=1.0, fallback_interval=2.0, alert_hold=5.0
    )
    archive = async_get_archive(hass)
    assert archive is not None
    assert await wait_for(hass, lambda: bool(alerts), 30)
    incident_id = alerts[0].data["incident_id"]
    vlm_server.answer = "CLEAR: an empty room."
    # The incident ends after the quiet time and is kept with its end.
    records = await wait_for_kept(
        hass, lambda kept: bool(kept) and kept[0].ended is not None, 30, camera=subentry_id
    )
    record = records[0]
    assert record.id == incident_id
    assert record.camera_name == "Living room"
    assert record.description == "a man in a grey coat walks in."
    assert record.status == "new"
    assert record.alerts >= 1
    assert {"first", "crop"} <= set(record.files)
    assert all(Path(path).is_file() for path in record.files.values())
    assert record.details["verdicts"][0]["raw_answer"] == "ALERT: a man in a grey coat walks in."
    assert record.details["frame_size"] == [768, 432]

    # Judged again by today's model (which now answers CLEAR): the verdict would change.
    asked_before = len(vlm_server.chat_requests)
    result = await _call(hass, "rejudge", incident_ids=[incident_id])
    assert result["checked"] == 1
    assert result["changed"] == 1
    (item,) = result["incidents"]
    assert item["alert"] is False
    assert item["description"] == "an empty room."
    assert item["was_description"] == "a man in a grey coat walks in."
    # The stored crop (what the VLM judged) was sent, not a fresh frame.
    sent = vlm_server.chat_requests[asked_before].images()[0]
    assert sent == Path(record.files["crop"]).read_bytes()

    # Kept on disk: the file alone, read after Home Assistant let go of it, has the incident.
    await hass.config_entries.async_unload(entry.entry_id)
    await archive.async_close()
    path = Path(hass.config.path(ARCHIVE_FILE))
    store = await hass.async_add_executor_job(IncidentStore.open, path)
    try:
        again = await hass.async_add_executor_job(store.get, incident_id)
    finally:
        await hass.async_add_executor_job(store.close)
    assert again is not None
    assert again.description == record.description
    assert again.files == record.files


async def test_a_false_alarm_rule_silences_its_camera_only(
    hass: HomeAssistant,
    camera: RtspServer,
    rtsp_server: Callable[..., RtspServer],
    vlm_server: StandInVLM,
) -> None:
    """Marked a false alarm with a rule: the same verdict is kept as suppressed and fires nothing."""
    vlm_server.answer = GRILL
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    patio = await add_camera(
        hass, entry, camera.url, name="Patio", interval=1.0, fallback_interval=2.0,
        alert_hold=5.0, vlm={"repeat_window": 0},
    )  # fmt: skip
    assert await wait_for(hass, lambda: bool(alerts), 30)
    first = alerts[0].data["incident_id"]
    archive = async_get_archive(hass)
    assert archive is not None

    result = await _call(
        hass, "review_incident", incident_id=first, status="false_alarm", suppress=True,
        use_region=False, note="it is our barbecue",
    )  # fmt: skip
    rule = result["rule"]
    assert result["incident"]["status"] == "false_alarm"
    assert result["incident"]["note"] == "it is our barbecue"
    assert {"smoke", "barbecue", "grill"} <= set(rule["keywords"])
    assert rule["camera"] == patio
    assert rule["active"] is True

    # The same verdicts go on: they are kept as a suppressed incident and counted.
    suppressed = await wait_for_kept(hass, bool, 30, camera=patio, statuses=["suppressed"])
    assert suppressed[0].suppressed_by == rule["id"]
    assert suppressed[0].files.get("first")
    listed = await _call(hass, "list_suppressions")
    assert listed["rules"][0]["hits"] >= 1
    # The owner's review survives the incident being saved again as it ended.
    reviewed = await archive.async_get(first)
    assert reviewed is not None
    assert reviewed.status == "false_alarm"

    # The patio raised one alert only; another camera with the same verdict still alerts.
    alert_binary = hass.states.get(entity_id(hass, "binary_sensor", f"{patio}_alert"))
    assert alert_binary is not None
    front = await add_camera(
        hass, entry, rtsp_server().url, name="Front", interval=1.0, fallback_interval=2.0,
        alert_hold=5.0, vlm={"repeat_window": 0},
    )  # fmt: skip
    assert await wait_for(
        hass, lambda: any(event.data["subentry_id"] == front for event in alerts), 30
    )
    assert [event.data["subentry_id"] for event in alerts].count(patio) == 1

    # Removing the rule lets the patio alert again.
    await _call(hass, "remove_suppression", rule_id=rule["id"])
    assert (await _call(hass, "list_suppressions"))["rules"] == []
    assert await wait_for(
        hass, lambda: [event.data["subentry_id"] for event in alerts].count(patio) >= 2, 30
    )
    await hass.config_entries.async_unload(entry.entry_id)


async def test_bad_reviews_and_rules_get_clear_errors(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Unknown incident, empty rule, expiry in the past, unknown rule: each says what is wrong."""
    vlm_server.answer = "CLEAR: an empty room."
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, interval=1.0)
    snapshot = entity_id(hass, "camera", f"{subentry_id}_snapshot")

    with pytest.raises(ServiceValidationError, match="no incident nope"):
        await _call(hass, "review_incident", incident_id="nope", status="real")
    with pytest.raises(ServiceValidationError, match="keywords, a region"):
        await _call(hass, "add_suppression", camera=snapshot)
    with pytest.raises(ServiceValidationError, match="already past"):
        await _call(
            hass, "add_suppression", camera=snapshot, keywords="cat",
            expires=(dt_util.now().replace(microsecond=0) - HOUR).isoformat(),
        )  # fmt: skip
    with pytest.raises(ServiceValidationError, match="x0 < x1"):
        await _call(hass, "add_suppression", camera=snapshot, region=[0.5, 0.5, 0.2, 0.9])
    with pytest.raises(ServiceValidationError, match="no suppression rule gone"):
        await _call(hass, "remove_suppression", rule_id="gone")
    with pytest.raises(ServiceValidationError, match="not an entity of a VLM Guard camera"):
        await _call(hass, "add_suppression", camera="sun.sun", keywords="cat")

    # A good rule for the camera, with an expiry, is kept and listed with no hits yet.
    made = await _call(
        hass, "add_suppression", camera=snapshot, keywords="A cat on the fence",
        expires=(dt_util.now() + HOUR).isoformat(), note="our cat",
    )  # fmt: skip
    assert made["rule"]["keywords"] == ["cat", "fence"]
    listed = await _call(hass, "list_suppressions", camera=snapshot)
    assert [rule["id"] for rule in listed["rules"]] == [made["rule"]["id"]]
    assert listed["rules"][0]["hits"] == 0
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.allow_errors("Cannot|incident store")
async def test_a_damaged_store_is_set_aside_and_detection_goes_on(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """A store file that is not a database: moved away, a repair issue, a new store, alerts as ever."""
    path = Path(hass.config.path(ARCHIVE_FILE))
    path.write_bytes(b"this is not a database, it was damaged by a power cut\x00\x01" * 100)
    vlm_server.answer = "ALERT: a man in a grey coat walks in."
    entry = await add_server(hass, vlm_server)
    issue = ir.async_get(hass).async_get_issue(DOMAIN, "store_damaged_store")
    assert issue is not None
    moved = Path(issue.translation_placeholders["moved"])
    assert moved.is_file()
    assert moved.read_bytes().startswith(b"this is not a database")

    alerts = listen(hass, EVENT_ALERT)
    subentry_id = await add_camera(hass, entry, camera.url, interval=1.0, fallback_interval=2.0)
    assert await wait_for(hass, lambda: bool(alerts), 30)
    assert await wait_for_kept(hass, bool, 20, camera=subentry_id)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_check_tells_a_blind_model_from_a_seeing_one(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    """Same answer for a person and a blank picture: repair issue; a model that sees clears it."""
    entry = await add_server(hass, vlm_server)
    issues = ir.async_get(hass)
    # The stand-in's default answer is ALERT whatever it is shown, like a model without sight.
    # The first check comes on its own a few minutes after start.
    assert not vlm_server.chat_requests
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=FIRST_CHECK_DELAY + 1))
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) == 2, 10)
    await hass.async_block_till_done()
    assert issues.async_get_issue(DOMAIN, f"model_blind_{entry.entry_id}") is not None
    result = await _call(hass, "check_vision")
    assert result["servers"][entry.entry_id]["sees_images"] is False
    issue = issues.async_get_issue(DOMAIN, f"model_blind_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders["model"] == "qwen2.5vl:7b"
    # Both pictures reached the server, as images.
    person, blank = (request.images() for request in vlm_server.chat_requests[-2:])
    assert len(person) == len(blank) == 1
    assert person != blank

    blank_bytes = blank[0]

    def sees(request: RecordedRequest) -> str:
        images = request.images()
        if images and images[0] == blank_bytes:
            return '{"verdict": "CLEAR", "description": "A plain grey picture."}'
        return '{"verdict": "ALERT", "description": "A man stands in a room."}'

    vlm_server.answer = sees
    result = await _call(hass, "check_vision", config_entry_id=entry.entry_id)
    assert result["servers"][entry.entry_id]["sees_images"] is True
    assert result["servers"][entry.entry_id]["person_answer"] == "A man stands in a room."
    assert issues.async_get_issue(DOMAIN, f"model_blind_{entry.entry_id}") is None

    # No answer says nothing about sight: the issue is not raised for an unreachable server.
    vlm_server.fail_always("http_500")
    result = await _call(hass, "check_vision")
    assert result["servers"][entry.entry_id]["sees_images"] is None
    assert "error" in result["servers"][entry.entry_id]
    assert issues.async_get_issue(DOMAIN, f"model_blind_{entry.entry_id}") is None
    vlm_server.fail_always(None)
    with pytest.raises(ServiceValidationError, match="no loaded VLM Guard server"):
        await _call(hass, "check_vision", config_entry_id="nope")
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_camera_removed_while_home_assistant_was_off_is_tidied(
    hass: HomeAssistant, vlm_server: StandInVLM, media_dir: Path
) -> None:
    """Its incidents and folder go at the next start; another installation's folder stays."""
    gone, stranger = "01JGAAAAAAAAAAAAAAAAAAAAAA", "01JGBBBBBBBBBBBBBBBBBBBBBB"
    assert await async_setup_component(hass, DOMAIN, {})
    archive = async_get_archive(hass)
    assert archive is not None
    for camera in (gone, stranger):
        folder = media_dir / "vlm_guard" / camera
        folder.mkdir(parents=True)
        (folder / "picture.jpg").write_bytes(b"jpeg")
    now = dt_util.utcnow()
    await archive.async_save(
        IncidentRecord(id="old", camera=gone, camera_name="Shed", started=now, last_alert=now)
    )

    entry = await add_server(hass, vlm_server)

    assert not (media_dir / "vlm_guard" / gone).exists()
    assert await archive.async_get("old") is None
    assert (media_dir / "vlm_guard" / stranger / "picture.jpg").is_file()
    await hass.config_entries.async_unload(entry.entry_id)
