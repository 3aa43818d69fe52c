"""Never blind because of the VLM: cameras are watched whether or not the server answers."""

from __future__ import annotations

import threading
import time
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.vlm_guard.const import DOMAIN, EVENT_ALERT, EVENT_HEALTH, VLM_ANSWER_GRACE
from custom_components.vlm_guard.core.breaker import BreakerState, CircuitBreaker

from .harness.rtsp import RtspServer
from .harness.vlm_server import DEFAULT_MODEL, StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for

FAIL_OPEN = {"vlm_outage": "fail_open", "repeat_window": 0}


def _issue(hass: HomeAssistant, kind: str, owner_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, f"{kind}_{owner_id}")


def _reader_threads(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"vlm_guard_reader[{name}]"]


def _states_of(hass: HomeAssistant, entity: str) -> list[str]:
    """Record every state the entity takes from now on."""
    seen: list[str] = []

    @callback
    def changed(event: Event[Any]) -> None:
        if event.data["entity_id"] == entity and event.data["new_state"] is not None:
            seen.append(event.data["new_state"].state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    return seen


# ------------------------------------------------------------------ the breaker
def test_breaker_opens_on_failure_and_refuses_until_the_retry_delay() -> None:
    breaker = CircuitBreaker(retry_after=10)
    assert breaker.closed
    assert breaker.allow(0)
    assert breaker.failed(100, "refused") is True
    assert breaker.state is BreakerState.OPEN
    assert breaker.error == "refused"
    assert not breaker.allow(105)
    assert breaker.retry_in(105) == 5
    # A second failure while open is no new outage, and restarts the delay.
    assert breaker.failed(106, "timed out") is False
    assert breaker.error == "timed out"
    assert not breaker.allow(115)
    # After the delay exactly one question (the trial) goes.
    assert breaker.allow(116)
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.trial_out
    assert not breaker.allow(116)
    assert breaker.succeeded() is True
    assert breaker.closed
    assert breaker.error is None
    assert breaker.succeeded() is False


def test_breaker_trial_failure_reopens_and_release_frees_the_trial() -> None:
    breaker = CircuitBreaker(retry_after=10)
    breaker.failed(0, "refused")
    assert breaker.allow(10)
    breaker.failed(12, "HTTP 500")
    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow(21)
    assert breaker.allow(22)
    # A trial cancelled on the way gives no outcome: the next question may try.
    breaker.released()
    assert breaker.allow(22)
    assert not breaker.closed


def test_breaker_model_list_answering_never_closes_it() -> None:
    breaker = CircuitBreaker(retry_after=10)
    breaker.failed(0, "HTTP 500")
    breaker.reachable()
    # The next question is tried at once, long before the delay...
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow(1)
    # ...but only its answer would close the breaker.
    assert not breaker.closed
    breaker.failed(2, "HTTP 500")
    breaker.reachable()
    breaker.reachable()
    assert not breaker.closed
    # reachable() on a closed breaker changes nothing.
    breaker.succeeded()
    breaker.reachable()
    assert breaker.closed


# ------------------------------------------------------- in Home Assistant
@pytest.mark.parametrize("down", ["stopped", "hanging"])
async def test_vlm_down_at_start_up_still_watches_and_recovers_without_reload(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM, down: str
) -> None:
    """The server is away when the entry starts: motion alerts (fail-open), then verdicts.

    Stopped: nothing listens on its port. Hanging: it takes every request and
    never answers (a stuck GPU box), so each request ends at the timeout.
    """
    vlm_server.answer = "ALERT: a person walks into the room."
    entry = await add_server(hass, vlm_server, timeout=4.0)
    subentry_id = await add_camera(hass, entry, camera.url, name="Hall", vlm=FAIL_OPEN)
    port = vlm_server.port
    if down == "stopped":
        await vlm_server.stop()
    else:
        vlm_server.fail_always("timeout")
    alerts = listen(hass, EVENT_ALERT)
    health = listen(hass, EVENT_HEALTH)

    # Home Assistant starts (the entry is set up) while the server is away.
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    monitor = entry.runtime_data.cameras[subentry_id]
    connected_id = entity_id(hass, "binary_sensor", f"{entry.entry_id}_server_connected")
    assert hass.states.get(connected_id).state == "off"
    issue = _issue(hass, "vlm_unreachable", entry.entry_id)
    assert issue is not None
    assert f"127.0.0.1:{port}" in issue.translation_placeholders["server"]
    assert issue.translation_placeholders["error"]
    (went,) = [e for e in health if e.data["type"] == "vlm_unavailable"]
    assert f"127.0.0.1:{port}" in went.data["server"]
    assert went.data["error"]
    assert went.data["config_entry_id"] == entry.entry_id

    assert await wait_for(hass, lambda: monitor.stream_connected, 20)
    assert await wait_for(hass, lambda: bool(alerts), 30)
    assert alerts[0].data["verified"] is False
    assert alerts[0].data["reason"] == "motion"
    (reader,) = _reader_threads("Hall")

    # The server comes back: verdicts resume within seconds, with no reload.
    if down == "stopped":
        await vlm_server.start(port=port)
    else:
        vlm_server.fail_always(None)
    back = time.monotonic()
    description_id = entity_id(hass, "sensor", f"{subentry_id}_description")

    def verdict_with_model() -> bool:
        state = hass.states.get(description_id)
        return state.attributes.get("model") == DEFAULT_MODEL and state.attributes.get(
            "rule"
        ) not in (None, "unverified")

    assert await wait_for(hass, verdict_with_model, 10), time.monotonic() - back
    assert hass.states.get(connected_id).state == "on"
    assert entry.runtime_data.cameras[subentry_id] is monitor
    assert _reader_threads("Hall") == [reader]
    assert monitor.reader.reconnects == 0
    assert _issue(hass, "vlm_unreachable", entry.entry_id) is None
    assert [e.data["type"] for e in health if e.data.get("server")] == [
        "vlm_unavailable",
        "vlm_available",
    ]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_model_list_answering_while_questions_fail_does_not_flap(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """/api/tags answers, /api/chat fails: the connectivity sensor stays off until chat works."""
    vlm_server.answer = "CLEAR: an empty room."
    entry = await add_server(hass, vlm_server)
    await add_camera(hass, entry, camera.url, vlm={"repeat_window": 0})
    connected_id = entity_id(hass, "binary_sensor", f"{entry.entry_id}_server_connected")
    assert await wait_for(hass, lambda: bool(vlm_server.chat_requests), 30)
    assert hass.states.get(connected_id).state == "on"

    vlm_server.fail_chat("http_500")
    assert await wait_for(hass, lambda: hass.states.get(connected_id).state == "off", 30)
    states = _states_of(hass, connected_id)
    failed_at = time.monotonic()
    # Two model-list checks answer while questions keep failing.
    assert await wait_for(
        hass,
        lambda: sum(
            1 for r in vlm_server.requests if r.path == "/api/tags" and r.received > failed_at
        )
        >= 2,
        30,
    )
    chats_after = [r for r in vlm_server.chat_requests if r.received > failed_at]
    assert chats_after, "the breaker let a trial question through"
    assert states == []
    assert hass.states.get(connected_id).state == "off"
    issue = _issue(hass, "vlm_unreachable", entry.entry_id)
    assert issue is not None
    assert "HTTP 500" in issue.translation_placeholders["error"]

    vlm_server.fail_chat(None)
    assert await wait_for(hass, lambda: hass.states.get(connected_id).state == "on", 15)
    assert states == ["on"]
    assert _issue(hass, "vlm_unreachable", entry.entry_id) is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_issue_quotes_the_latest_failure_and_recovery_needs_no_camera(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    """The unreachable issue follows the newest error; a server back is noticed without motion."""
    entry = await add_server(hass, vlm_server)
    port = vlm_server.port
    await vlm_server.stop()
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    issue = _issue(hass, "vlm_unreachable", entry.entry_id)
    assert issue is not None
    assert "cannot reach" in issue.translation_placeholders["error"]

    vlm_server.fail_always("http_500")
    await vlm_server.start(port=port)

    def quotes_500() -> bool:
        found = _issue(hass, "vlm_unreachable", entry.entry_id)
        return found is not None and "HTTP 500" in found.translation_placeholders["error"]

    assert await wait_for(hass, quotes_500, 15)
    connected_id = entity_id(hass, "binary_sensor", f"{entry.entry_id}_server_connected")
    assert "HTTP 500" in hass.states.get(connected_id).attributes["last_error"]

    vlm_server.fail_always(None)
    assert await wait_for(hass, lambda: hass.states.get(connected_id).state == "on", 15)
    assert _issue(hass, "vlm_unreachable", entry.entry_id) is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_missing_model_is_a_repair_issue_not_a_dead_entry(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    entry = await add_server(hass, vlm_server)
    vlm_server.models = ["llava:7b"]
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    issue = _issue(hass, "model_missing", entry.entry_id)
    assert issue is not None
    assert issue.translation_placeholders["model"] == DEFAULT_MODEL
    assert "127.0.0.1" in issue.translation_placeholders["server"]
    # The server itself answers: it is connected, only the model is missing.
    connected_id = entity_id(hass, "binary_sensor", f"{entry.entry_id}_server_connected")
    assert hass.states.get(connected_id).state == "on"

    vlm_server.models = ["llava:7b", DEFAULT_MODEL]
    assert await wait_for(hass, lambda: _issue(hass, "model_missing", entry.entry_id) is None, 15)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_hanging_server_alerts_fail_open_within_the_grace(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """A server that takes the question and never answers: the alert does not wait for it."""
    timeout = 30.0
    vlm_server.answer = "CLEAR: an empty room."
    entry = await add_server(hass, vlm_server, timeout=timeout)
    subentry_id = await add_camera(hass, entry, camera.url, vlm=FAIL_OPEN)
    monitor = entry.runtime_data.cameras[subentry_id]
    assert await wait_for(hass, lambda: bool(vlm_server.chat_requests), 30)

    alerts: list[tuple[float, int, Event[Any]]] = []

    @callback
    def alerted(event: Event[Any]) -> None:
        alerts.append((time.monotonic(), vlm_server.in_flight, event))

    hass.bus.async_listen(EVENT_ALERT, alerted)
    hanging_from = time.monotonic()
    vlm_server.fail_always("timeout")
    assert await wait_for(hass, lambda: bool(alerts), timeout)
    arrived, in_flight, event = alerts[0]
    assert event.data["verified"] is False
    # The question it did not wait for is still open on the server...
    assert in_flight >= 1
    hung = [r for r in vlm_server.chat_requests if r.received >= hanging_from]
    assert hung
    # ...and the alert came about a grace after it was asked, far from the timeout.
    assert arrived - hung[0].received < timeout / 2
    assert arrived - hung[0].received >= VLM_ANSWER_GRACE * 0.8
    assert monitor.judge.late_pending
    await hass.config_entries.async_unload(entry.entry_id)
