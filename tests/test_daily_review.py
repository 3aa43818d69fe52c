"""The daily review in Home Assistant: the day's incidents labelled, rules proposed, never forced."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.util import dt as dt_util

from custom_components.vlm_guard.archive import async_get_archive
from custom_components.vlm_guard.const import DOMAIN, EVENT_DAILY_REVIEW
from custom_components.vlm_guard.core.store import IncidentRecord

from .harness.rtsp import RtspServer
from .harness.vlm_server import RecordedRequest, StandInVLM
from .helpers import add_camera, add_server, entity_id, listen

GRILL = "Smoke rises from the barbecue grill."
VISITOR = "A person walks to the door."
CONTEXT = "A barbecue grill on the patio smokes when it is used."


def _record(camera: str, description: str, minutes_ago: float, **extra: Any) -> IncidentRecord:
    started = dt_util.utcnow() - timedelta(minutes=minutes_ago)
    return IncidentRecord(
        id=f"{camera[-6:]}-{minutes_ago}",
        camera=camera,
        camera_name="Patio",
        started=started,
        last_alert=started + timedelta(seconds=20),
        ended=started + timedelta(seconds=80),
        description=description,
        alerts=3,
        verified=3,
        details={"boxes": [[500, 100, 120, 160]], "frame_size": [768, 432]},
        **extra,
    )


async def _seed(hass: HomeAssistant, camera: str) -> None:
    archive = async_get_archive(hass)
    assert archive is not None
    for minutes in (30, 90, 300):
        await archive.async_save(_record(camera, GRILL, minutes))
    await archive.async_save(_record(camera, VISITOR, 45))
    # Older than a day: not part of today's review.
    await archive.async_save(_record(camera, "A fox crosses the lawn.", 60 * 30))


def _reviewer(answer: str) -> Any:
    """Answer camera questions CLEAR and the review (a question without images) with `answer`."""

    def respond(request: RecordedRequest) -> str:
        return answer if not request.images() else "CLEAR: an empty patio."

    return respond


async def _run(hass: HomeAssistant, entry_id: str) -> dict[str, Any]:
    response: Any = await hass.services.async_call(
        DOMAIN, "run_daily_review", {"config_entry_id": entry_id}, blocking=True,
        return_response=True,
    )  # fmt: skip
    return response["reviews"][entry_id]


async def test_the_review_proposes_a_rule_the_owner_accepts(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """JSON labels: incidents labelled, one rule proposed (off), the event, the sensor, then accept."""
    vlm_server.answer = _reviewer(
        json.dumps(
            {
                "groups": [
                    {"group": 1, "label": "FALSE_POSITIVE", "reason": "It is the owner's grill."},
                    {"group": 2, "label": "REAL", "reason": "Someone came to the door."},
                ]
            }
        )
    )
    entry = await add_server(hass, vlm_server)
    patio = await add_camera(hass, entry, camera.url, name="Patio", vlm={"context": CONTEXT})
    hass.states.async_set("weather.home", "rainy", {"temperature": 7, "temperature_unit": "°C"})
    # The review's settings are a section of the server's options, applied without a reload.
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    flow = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {
            "max_concurrent": 2, "transcriber": "whisper", "whisper_model": "base.en",
            "whisper_device": "cpu", "whisper_compute_type": "int8",
            "review": {
                "review_time": "06:30:00", "weather_entity": "weather.home",
                "review_auto_accept": False, "keep_days": 30, "keep_per_camera": 2000,
                "vision_check_hours": 0,
            },
        },
    )  # fmt: skip
    assert flow["type"] is FlowResultType.CREATE_ENTRY, flow
    await hass.async_block_till_done()
    assert entry.options["review_time"] == "06:30:00"
    assert entry.options["weather_entity"] == "weather.home"
    await _seed(hass, patio)
    events = listen(hass, EVENT_DAILY_REVIEW)

    result = await _run(hass, entry.entry_id)

    # What the model was told: the groups with counts, the owner's context, the weather.
    (asked,) = [request for request in vlm_server.chat_requests if not request.images()]
    prompt = asked.body["messages"][0]["content"]
    assert CONTEXT in prompt
    assert "rainy" in prompt
    assert GRILL in prompt
    assert "\N{MULTIPLICATION SIGN}3 at" in prompt
    assert "fox" not in prompt
    assert asked.body["format"]["type"] == "object"
    # What came of it.
    assert result["error"] is None
    assert result["incidents"] == 4
    labels = {group["description"]: group["label"] for group in result["groups"]}
    assert labels == {GRILL: "FALSE_POSITIVE", VISITOR: "REAL"}
    (proposed,) = result["proposed_rules"]
    assert {"smoke", "barbecue", "grill"} <= set(proposed["keywords"])
    assert proposed["active"] is False
    assert proposed["camera"] == patio
    assert events
    assert events[0].data["proposed_rules"][0]["id"] == proposed["id"]
    sensor = hass.states.get(entity_id(hass, "sensor", f"{entry.entry_id}_daily_review"))
    assert sensor is not None
    assert "1 real" in sensor.state
    assert "1 false positive" in sensor.state
    archive = async_get_archive(hass)
    assert archive is not None
    grill_incidents = await archive.async_list(camera=patio, labels=["FALSE_POSITIVE"])
    assert len(grill_incidents) == 3
    # Proposed is not applied: nothing is suppressed without the owner.
    assert [rule.active for rule in archive.rules] == [False]

    accepted: Any = await hass.services.async_call(
        DOMAIN, "accept_suppressions", {}, blocking=True, return_response=True
    )
    assert accepted["accepted"] == [proposed["id"]]
    assert [rule.active for rule in archive.rules] == [True]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_garbage_or_missing_answer_proposes_nothing(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Prose without labels, then a failing server: a clear message each time, and no rules."""
    vlm_server.answer = _reviewer("I looked at the groups and they all seem fine to me.")
    entry = await add_server(hass, vlm_server)
    patio = await add_camera(hass, entry, camera.url, name="Patio")
    await _seed(hass, patio)

    result = await _run(hass, entry.entry_id)
    assert result["error"]
    assert "they all seem fine" in result["error"]
    assert result["proposed_rules"] == []
    assert all(group["label"] is None for group in result["groups"])
    sensor = hass.states.get(entity_id(hass, "sensor", f"{entry.entry_id}_daily_review"))
    assert sensor is not None
    assert sensor.state.startswith("The review failed")
    archive = async_get_archive(hass)
    assert archive is not None
    assert archive.rules == []

    vlm_server.fail_always("http_500")
    result = await _run(hass, entry.entry_id)
    assert "HTTP 500" in result["error"]
    assert archive.rules == []
    vlm_server.fail_always(None)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_an_owner_who_chose_so_gets_the_rules_at_once(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """With automatic acceptance, a proposed rule is on straight away."""
    vlm_server.answer = _reviewer(
        '```json\n{"groups": [{"group": 1, "label": "NOISE", "reason": "Smoke."}]}\n```'
    )
    entry = await add_server(hass, vlm_server)
    patio = await add_camera(hass, entry, camera.url, name="Patio")
    hass.config_entries.async_update_entry(
        entry, options={**entry.options, "review_auto_accept": True}
    )
    await hass.async_block_till_done()
    await _seed(hass, patio)
    result = await _run(hass, entry.entry_id)
    (proposed,) = result["proposed_rules"]
    assert proposed["label"] == "NOISE"
    archive = async_get_archive(hass)
    assert archive is not None
    assert [(rule.id, rule.active) for rule in archive.rules] == [(proposed["id"], True)]
    await hass.config_entries.async_unload(entry.entry_id)
