"""Incidents in Home Assistant: one notification per happening, not one per tick."""

from __future__ import annotations

from pathlib import Path
import time
from typing import Any

from homeassistant.core import Event, EventStateChangedData, HomeAssistant, callback
from homeassistant.helpers.event import async_track_state_change_event

from custom_components.vlm_guard.const import EVENT_ALERT, EVENT_INCIDENT_ENDED

from .harness.rtsp import RtspServer
from .harness.vlm_server import RecordedRequest, StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for

ALERT_FOR = 12.0
QUIET = 5.0


async def test_someone_in_view_for_a_while_is_one_incident(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM, media_dir: Path
) -> None:
    """ALERT on every crop for a while, then CLEAR: one alert event, one ended, one 'on' spell."""
    started: list[float] = []

    def answer(_request: RecordedRequest) -> str:
        if not started:
            started.append(time.monotonic())
        if time.monotonic() - started[0] < ALERT_FOR:
            return "ALERT: a man in a grey coat walks in."
        return "CLEAR: an empty room."

    vlm_server.answer = answer
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    ended = listen(hass, EVENT_INCIDENT_ENDED)
    subentry_id = await add_camera(
        hass, entry, camera.url, interval=1.0, fallback_interval=2.0, alert_hold=QUIET,
        update_every=5.0, vlm={"repeat_window": 0},
    )  # fmt: skip
    alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    event_id = entity_id(hass, "event", f"{subentry_id}_alert_event")
    alert_states: list[str] = []
    event_types: list[str] = []

    @callback
    def _changed(event: Event[EventStateChangedData]) -> None:
        new = event.data["new_state"]
        if new is None:
            return
        if new.entity_id == alert_id:
            alert_states.append(new.state)
        elif new.entity_id == event_id and new.attributes.get("event_type"):
            event_types.append(new.attributes["event_type"])

    unsub = async_track_state_change_event(hass, [alert_id, event_id], _changed)
    assert await wait_for(hass, lambda: bool(ended), ALERT_FOR + QUIET + 30)
    unsub()

    # Many ALERT verdicts, one incident.
    answered_alert = [
        request for request in vlm_server.chat_requests if request.received - started[0] < ALERT_FOR
    ]
    assert len(answered_alert) >= 4
    assert len(alerts) == 1
    summary: dict[str, Any] = ended[0].data
    assert summary["incident_id"] == alerts[0].data["incident_id"]
    assert summary["alerts"] >= 4
    assert summary["description"] == "a man in a grey coat walks in."
    assert 1 <= len(summary["verdicts"]) <= 10
    assert summary["duration"] > 0
    assert summary["snapshot_path"]
    assert Path(summary["first_snapshot_path"]).is_file()

    # The event entity: started, then updates (throttled), then ended.
    assert event_types[0] == "started"
    assert event_types[-1] == "ended"
    assert set(event_types[1:-1]) <= {"updated"}
    assert len(event_types) - 2 <= ALERT_FOR / 5.0 + 1
    # The alert stays on for the whole incident: one 'on' spell, then off.
    spells = [
        state
        for index, state in enumerate(alert_states)
        if index == 0 or state != alert_states[index - 1]
    ]
    assert spells[-2:] == ["on", "off"]
    assert spells.count("on") == 1

    # The first and the best picture, not one per tick, and what the VLM judged for the best.
    pictures = list((media_dir / "vlm_guard").rglob("*.jpg"))
    crops = [picture for picture in pictures if picture.stem.endswith("-crop")]
    assert len(crops) == 1
    assert 1 <= len(pictures) - len(crops) <= 2
    await hass.config_entries.async_unload(entry.entry_id)
