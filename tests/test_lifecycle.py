"""One camera changes, one camera restarts: adding, removing, reconfiguring, server options."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
import threading
from typing import Any

from homeassistant.config_entries import ConfigEntry
from homeassistant.const import EVENT_STATE_CHANGED, STATE_UNAVAILABLE
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers import device_registry as dr, entity_registry as er
import voluptuous as vol

from custom_components.vlm_guard.const import CONF_MAX_CONCURRENT, DOMAIN
from custom_components.vlm_guard.coordinator import CameraMonitor
from custom_components.vlm_guard.core.settings import CONF_INTERVAL, CONF_RTSP_URL
from custom_components.vlm_guard.core.slots import Slots
from custom_components.vlm_guard.core.stream import StreamReader

from . import clips
from .conftest import CAR_CLIP, PERSON_CLIP
from .harness.rtsp import RtspServer
from .harness.vlm_server import StandInVLM
from .helpers import (
    STOP_BOUND,
    add_camera,
    add_server,
    entity_id,
    start_camera_reconfigure,
    wait_for,
    wait_until,
)

# Entities every camera has, by platform and key.
CAMERA_ENTITIES = (
    ("binary_sensor", "alert"),
    ("binary_sensor", "stream"),
    ("camera", "snapshot"),
    ("event", "alert_event"),
    ("sensor", "description"),
)
# Entities only a camera with sound has.
SOUND_ENTITIES = (
    ("switch", "transcription"),
    ("event", "speech_event"),
    ("sensor", "transcript"),
)


@dataclass(frozen=True, slots=True)
class Running:
    """A running camera as it was at one moment: the monitor, its reader and its thread."""

    monitor: CameraMonitor
    reader: StreamReader
    thread: threading.Thread | None
    reconnects: int

    @classmethod
    def of(cls, entry: ConfigEntry, subentry_id: str) -> Running:
        """Take the camera's picture now."""
        monitor = entry.runtime_data.cameras[subentry_id]
        reader = monitor.reader
        return cls(monitor, reader, reader._thread, reader.reconnects)

    def untouched(self, entry: ConfigEntry, subentry_id: str) -> bool:
        """Return True when the camera still runs the same monitor, reader and thread."""
        monitor = entry.runtime_data.cameras[subentry_id]
        return (
            monitor is self.monitor
            and monitor.reader is self.reader
            and self.thread is not None
            and monitor.reader._thread is self.thread
            and self.thread.is_alive()
            and monitor.reader.reconnects == self.reconnects
        )


def _states_of(hass: HomeAssistant, entity: str) -> list[str | None]:
    """Record every state an entity takes from now on (None: removed)."""
    seen: list[str | None] = []

    @callback
    def _changed(event: Event[Any]) -> None:
        if event.data["entity_id"] == entity:
            new = event.data["new_state"]
            seen.append(new.state if new is not None else None)

    hass.bus.async_listen(EVENT_STATE_CHANGED, _changed)
    return seen


def _suggested(schema: vol.Schema) -> dict[str, Any]:
    """Return the values a form shows filled in, those of its sections included."""
    values: dict[str, Any] = {}
    for key, value in schema.schema.items():
        if isinstance(value, section):
            values[str(key)] = _suggested(value.schema)
        elif key.description and "suggested_value" in key.description:
            values[str(key)] = key.description["suggested_value"]
    return values


async def _reconfigure(
    hass: HomeAssistant, entry: ConfigEntry, subentry_id: str, **changes: Any
) -> None:
    """Change a camera through its reconfigure form, keeping what the form shows."""
    result = await start_camera_reconfigure(hass, entry, subentry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], _suggested(result["data_schema"]) | changes
    )
    assert result["type"] is FlowResultType.ABORT, result
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()


async def _save_options(hass: HomeAssistant, entry: ConfigEntry, **changes: Any) -> None:
    """Save the server's options form with what it shows, changed by `changes`."""
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], _suggested(result["data_schema"]) | changes
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY, result
    await hass.async_block_till_done()


def _alert_on(hass: HomeAssistant, subentry_id: str) -> Callable[[], bool]:
    alert = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    return lambda: (state := hass.states.get(alert)) is not None and state.state == "on"


async def test_slots_follow_a_new_bound_while_calls_wait() -> None:
    """The VLM client's bound changes in place: waiters get in on a raise, a cut holds them."""
    slots = Slots(1)
    inside = 0
    most = 0
    release = asyncio.Event()

    async def call() -> None:
        nonlocal inside, most
        async with slots:
            inside += 1
            most = max(most, inside)
            await release.wait()
            inside -= 1

    tasks = [asyncio.create_task(call()) for _ in range(4)]
    await asyncio.sleep(0)
    assert inside == 1
    slots.set_limit(3)
    await asyncio.sleep(0)
    assert inside == 3
    # A waiter cancelled in line gives up its place; the bound holds for the others.
    tasks[3].cancel()
    slots.set_limit(1)
    release.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert tasks[3].cancelled()
    assert most == 3
    assert slots.holders == 0

    # Cut to one: calls queued behind three holders get in one at a time.
    most = 0
    release.clear()
    tasks = [asyncio.create_task(call()) for _ in range(3)]
    await asyncio.sleep(0)
    assert inside == 1
    release.set()
    await asyncio.gather(*tasks)
    assert most == 1


async def test_reconfiguring_one_camera_leaves_the_other_running(
    hass: HomeAssistant, rtsp_server: Callable[..., RtspServer], vlm_server: StandInVLM
) -> None:
    """The changed camera restarts with its history; the other keeps its reader and alert."""
    server = rtsp_server(PERSON_CLIP)
    entry = await add_server(hass, vlm_server)
    steady = await add_camera(hass, entry, f"{server.url}?camera=1", name="Hall", alert_hold=120)
    changed = await add_camera(hass, entry, f"{server.url}?camera=2", name="Gate", alert_hold=120)
    assert await wait_for(
        hass, lambda: _alert_on(hass, steady)() and _alert_on(hass, changed)(), 30
    )
    before = Running.of(entry, steady)
    old = Running.of(entry, changed)
    old_decisions = len(old.monitor.decisions)
    old_calls = old.monitor.stats.calls_today
    incident = old.monitor.alerts.incident
    assert incident is not None
    steady_alert = entity_id(hass, "binary_sensor", f"{steady}_alert")
    changed_alert = entity_id(hass, "binary_sensor", f"{changed}_alert")
    steady_states = _states_of(hass, steady_alert)

    await _reconfigure(hass, entry, changed, name="Front gate", **{CONF_INTERVAL: 2})

    # The other camera: same monitor, same reader thread, no reconnect, alert on throughout.
    assert before.untouched(entry, steady)
    assert set(steady_states) <= {"on"}
    # The changed camera: a new monitor on the new settings, its old reader stopped.
    monitor = entry.runtime_data.cameras[changed]
    assert monitor is not old.monitor
    assert monitor.interval == 2.0
    assert monitor.name == "Front gate"
    assert old.thread is not None
    assert await hass.async_add_executor_job(
        wait_until, lambda: not old.thread.is_alive(), STOP_BOUND
    )
    # Its history came along: decisions, counters and the open incident (the alert stays on).
    assert len(monitor.decisions) >= old_decisions
    assert monitor.stats.calls_today >= old_calls
    assert monitor.alerts.incident is not None
    assert monitor.alerts.incident.id == incident.id
    # Its entities kept their ids and follow the new monitor; the device has the new name.
    assert entity_id(hass, "binary_sensor", f"{changed}_alert") == changed_alert
    assert await wait_for(hass, _alert_on(hass, changed), 30)
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, changed)})
    assert device is not None
    assert device.name == "Front gate"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_adding_a_camera_starts_only_that_camera(
    hass: HomeAssistant, rtsp_server: Callable[..., RtspServer], vlm_server: StandInVLM
) -> None:
    """The new camera gets its device and entities; the running one is left alone."""
    server = rtsp_server(PERSON_CLIP)
    entry = await add_server(hass, vlm_server)
    first = await add_camera(hass, entry, f"{server.url}?camera=1", name="Hall", alert_hold=120)
    assert await wait_for(hass, _alert_on(hass, first), 30)
    before = Running.of(entry, first)
    first_states = _states_of(hass, entity_id(hass, "binary_sensor", f"{first}_alert"))

    added = await add_camera(hass, entry, f"{server.url}?camera=2", name="Gate")

    assert before.untouched(entry, first)
    assert set(first_states) <= {"on"}
    registry = er.async_get(hass)
    for platform, key in CAMERA_ENTITIES:
        entry_of = registry.async_get(entity_id(hass, platform, f"{added}_{key}"))
        assert entry_of is not None
        assert entry_of.config_subentry_id == added
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, added)})
    assert device is not None
    assert device.config_entries_subentries[entry.entry_id] == {added}
    assert await wait_for(hass, _alert_on(hass, added), 30)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_removing_a_camera_stops_it_and_deletes_its_files_and_history(
    hass: HomeAssistant,
    rtsp_server: Callable[..., RtspServer],
    vlm_server: StandInVLM,
    media_dir: Path,
    hass_storage: dict[str, Any],
) -> None:
    """Its reader stops, its media folder and stored history go; the other camera stays."""
    server = rtsp_server(PERSON_CLIP)
    entry = await add_server(hass, vlm_server)
    kept = await add_camera(hass, entry, f"{server.url}?camera=1", name="Hall")
    gone = await add_camera(hass, entry, f"{server.url}?camera=2", name="Gate")
    kept_folder = media_dir / "vlm_guard" / kept
    gone_folder = media_dir / "vlm_guard" / gone
    # Each camera's files are in a folder named by its subentry id, reached by the media browser.
    assert await wait_for(
        hass,
        lambda: any(kept_folder.glob("*.jpg")) and any(gone_folder.glob("*.jpg")),
        30,
    )
    media_id = entry.runtime_data.cameras[gone].last_alert["snapshot_media_id"]
    assert media_id.startswith(f"media-source://media_source/local/vlm_guard/{gone}/")
    await entry.runtime_data.history.async_save()
    stored = hass_storage[f"{DOMAIN}.{entry.entry_id}.history"]["data"]
    # Each camera's history, next to the server's newest daily review.
    assert set(stored) == {kept, gone, "daily_review"}
    before = Running.of(entry, kept)
    removed = Running.of(entry, gone)
    gone_alert = entity_id(hass, "binary_sensor", f"{gone}_alert")

    assert hass.config_entries.async_remove_subentry(entry, gone)
    await hass.async_block_till_done()

    assert gone not in entry.runtime_data.cameras
    assert removed.thread is not None
    assert await hass.async_add_executor_job(
        wait_until, lambda: not removed.thread.is_alive(), STOP_BOUND
    )
    assert not gone_folder.exists()
    assert any(kept_folder.glob("*.jpg"))
    assert set(hass_storage[f"{DOMAIN}.{entry.entry_id}.history"]["data"]) == {
        kept,
        "daily_review",
    }
    assert hass.states.get(gone_alert) is None
    assert er.async_get(hass).async_get(gone_alert) is None
    assert dr.async_get(hass).async_get_device(identifiers={(DOMAIN, gone)}) is None
    assert before.untouched(entry, kept)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_server_options_restart_no_camera(
    hass: HomeAssistant,
    rtsp_server: Callable[..., RtspServer],
    vlm_server: StandInVLM,
    tmp_path: Path,
) -> None:
    """Saving the options as they are, or with a new bound, keeps every reader; the bound applies."""
    server = rtsp_server(clips.write_clip(tmp_path / "busy.mp4", clips.busy, 60.0))
    vlm_server.delay = 1.0
    vlm_server.answer = "CLEAR: a blue box."
    entry = await add_server(hass, vlm_server)
    cameras = [
        await add_camera(
            hass,
            entry,
            f"{server.url}?camera={index}",
            name=f"Camera {index}",
            fallback_interval=0,
            vlm={"repeat_window": 0},
        )
        for index in range(3)
    ]
    # Three cameras always asking, two questions at a time at the VLM (the default bound).
    assert await wait_for(hass, lambda: vlm_server.max_in_flight == 2, 30)
    before = {subentry_id: Running.of(entry, subentry_id) for subentry_id in cameras}

    await _save_options(hass, entry)
    await _save_options(hass, entry)
    assert all(running.untouched(entry, id_) for id_, running in before.items())

    await _save_options(hass, entry, **{CONF_MAX_CONCURRENT: 1})
    assert all(running.untouched(entry, id_) for id_, running in before.items())
    client = entry.runtime_data.client
    assert client.settings.max_concurrent == 1
    # Questions already at the VLM finish; from then on one at a time, with others waiting.
    asked = len(vlm_server.chat_requests)
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) >= asked + 2, 30)
    vlm_server.max_in_flight = vlm_server.in_flight
    client.max_pending = client.pending
    asked = len(vlm_server.chat_requests)
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) >= asked + 3, 30)
    assert vlm_server.max_in_flight == 1
    assert client.max_pending >= 2
    assert all(running.untouched(entry, id_) for id_, running in before.items())
    await hass.config_entries.async_unload(entry.entry_id)


async def test_untouched_camera_with_an_open_incident_stays_on_through_every_change(
    hass: HomeAssistant, rtsp_server: Callable[..., RtspServer], vlm_server: StandInVLM
) -> None:
    """Another camera added, reconfigured and removed, options saved: the alert never blinks."""
    server = rtsp_server(PERSON_CLIP)
    entry = await add_server(hass, vlm_server)
    steady = await add_camera(hass, entry, f"{server.url}?camera=1", name="Hall", alert_hold=120)
    assert await wait_for(hass, _alert_on(hass, steady), 30)
    before = Running.of(entry, steady)
    incident = before.monitor.alerts.incident
    assert incident is not None
    states = _states_of(hass, entity_id(hass, "binary_sensor", f"{steady}_alert"))

    other = await add_camera(hass, entry, f"{server.url}?camera=2", name="Gate")
    await _reconfigure(hass, entry, other, **{CONF_INTERVAL: 3})
    await _save_options(hass, entry, **{CONF_MAX_CONCURRENT: 3})
    assert hass.config_entries.async_remove_subentry(entry, other)
    await hass.async_block_till_done()

    assert before.untouched(entry, steady)
    assert set(states) <= {"on"}
    assert _alert_on(hass, steady)()
    assert before.monitor.alerts.incident is not None
    assert before.monitor.alerts.incident.id == incident.id
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_camera_that_gains_sound_gains_its_sound_entities(
    hass: HomeAssistant, rtsp_server: Callable[..., RtspServer], vlm_server: StandInVLM
) -> None:
    """A new URL with sound adds the sound entities, and taking it back removes them;
    new speech settings restart only the camera with sound."""
    silent = rtsp_server(PERSON_CLIP)
    with_sound = rtsp_server(CAR_CLIP, audio=True)
    entry = await add_server(hass, vlm_server)
    quiet = await add_camera(hass, entry, f"{silent.url}?camera=1", name="Hall")
    changing = await add_camera(hass, entry, f"{silent.url}?camera=2", name="Yard")
    registry = er.async_get(hass)

    def sound_entities() -> list[str | None]:
        return [
            registry.async_get_entity_id(platform, DOMAIN, f"{changing}_{key}")
            for platform, key in SOUND_ENTITIES
        ]

    assert sound_entities() == [None] * len(SOUND_ENTITIES)
    alert = entity_id(hass, "binary_sensor", f"{changing}_alert")
    before = Running.of(entry, quiet)

    await _reconfigure(hass, entry, changing, **{CONF_RTSP_URL: with_sound.url})
    assert entry.runtime_data.cameras[changing].audio is not None
    added = sound_entities()
    assert None not in added
    assert all(hass.states.get(str(entity)) is not None for entity in added)
    assert entity_id(hass, "binary_sensor", f"{changing}_alert") == alert

    # Speech settings restart the camera with sound, and only it.
    sounding = Running.of(entry, changing)
    await _save_options(hass, entry, whisper_model="tiny.en")
    assert entry.runtime_data.cameras[changing] is not sounding.monitor
    assert before.untouched(entry, quiet)

    await _reconfigure(hass, entry, changing, **{CONF_RTSP_URL: f"{silent.url}?camera=2"})
    assert entry.runtime_data.cameras[changing].audio is None
    assert sound_entities() == [None] * len(SOUND_ENTITIES)
    assert all(hass.states.get(str(entity)) is None for entity in added)
    assert hass.states.get(alert) is not None
    assert before.untouched(entry, quiet)
    assert await wait_for(hass, lambda: hass.states.get(alert).state != STATE_UNAVAILABLE, 30)
    await hass.config_entries.async_unload(entry.entry_id)
