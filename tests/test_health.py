"""Faults injected against real parts: dead and silent cameras, damaged video, a failing VLM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
import subprocess
import threading
import time

from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest

from custom_components.vlm_guard.const import DOMAIN, EVENT_ALERT, EVENT_HEALTH
from custom_components.vlm_guard.coordinator import CameraMonitor
from custom_components.vlm_guard.core.stream import StreamReader
from custom_components.vlm_guard.diagnostics import async_get_config_entry_diagnostics

from . import clips
from .conftest import CAMERA_PASSWORD, CAMERA_USER
from .harness.faults import StallingProxy, corrupt_clip
from .harness.rtsp import RtspServer, footage
from .harness.vlm_server import StandInVLM
from .helpers import STOP_BOUND, add_camera, add_server, entity_id, listen, wait_for


def _issue(hass: HomeAssistant, issue_id: str) -> ir.IssueEntry | None:
    return ir.async_get(hass).async_get_issue(DOMAIN, issue_id)


async def _readers_gone(hass: HomeAssistant, timeout: float = STOP_BOUND) -> bool:
    """Wait for abandoned reader threads to finish their blocked read on their own."""

    def alive() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name.startswith("vlm_guard_reader")]

    return await wait_for(hass, lambda: not alive(), timeout)


async def test_camera_server_killed_and_restarted(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """The camera is unavailable while its server is down and available again after."""
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url)
    alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
    stream_id = entity_id(hass, "binary_sensor", f"{subentry_id}_stream")
    problem_id = entity_id(hass, "binary_sensor", f"{subentry_id}_problem")
    assert await wait_for(hass, lambda: hass.states.get(stream_id).state == "on", 15)
    assert hass.states.get(alert_id).state == "off"

    await hass.async_add_executor_job(camera.stop)
    assert await wait_for(hass, lambda: hass.states.get(alert_id).state == "unavailable", 20)
    assert hass.states.get(stream_id).state == "off"
    # Health entities stay available: they are what the owner looks at now.
    assert hass.states.get(problem_id).state in ("off", "on")

    await hass.async_add_executor_job(camera.start)
    assert await wait_for(hass, lambda: hass.states.get(alert_id).state in ("on", "off"), 40)
    assert hass.states.get(stream_id).state == "on"
    assert hass.states.get(problem_id).attributes["reconnects"] >= 1
    await hass.config_entries.async_unload(entry.entry_id)


async def test_silent_camera_escalates_then_recovers(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """A camera that stops sending: restarts, then a repair issue and an event; then recovery."""
    health = listen(hass, EVENT_HEALTH)
    entry = await add_server(hass, vlm_server)
    with StallingProxy.in_front_of(camera) as proxy:
        subentry_id = await add_camera(hass, entry, proxy.url, stale_after=3)
        monitor = entry.runtime_data.cameras[subentry_id]
        problem_id = entity_id(hass, "binary_sensor", f"{subentry_id}_problem")
        assert await wait_for(hass, lambda: monitor.stream_connected, 15)

        # Every connection, old and new, is accepted and then never answered.
        proxy.stall()
        proxy.drop()
        issue_id = f"camera_not_watching_{subentry_id}"
        assert await wait_for(hass, lambda: _issue(hass, issue_id) is not None, 60)
        assert monitor.restarts == 3
        problem = hass.states.get(problem_id)
        assert problem.state == "on"
        assert "no video" in problem.attributes["cause"]
        report = await async_get_config_entry_diagnostics(hass, entry)
        assert report["cameras"][subentry_id]["health"]["last_frame_age"] >= 3
        issue = _issue(hass, issue_id)
        assert issue.translation_placeholders["camera"] == "Living room"
        assert [event.data["type"] for event in health] == ["problem"]
        assert health[0].data["camera"] == "Living room"
        assert CAMERA_PASSWORD not in str(health[0].data)
        assert CAMERA_PASSWORD not in str(issue.translation_placeholders)

        proxy.resume()
        assert await wait_for(hass, lambda: _issue(hass, issue_id) is None, 60)
        assert [event.data["type"] for event in health] == ["problem", "recovered"]
        assert hass.states.get(problem_id).state == "off"
        assert monitor.stream_connected
        await hass.config_entries.async_unload(entry.entry_id)
    assert await _readers_gone(hass)


async def test_unload_is_bounded_while_readers_hang(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Readers blocked on a camera that never answers cannot hold up an unload."""
    entry = await add_server(hass, vlm_server)
    with StallingProxy.in_front_of(camera) as proxy:
        subentry_id = await add_camera(hass, entry, proxy.url, stale_after=2)
        monitor = entry.runtime_data.cameras[subentry_id]
        assert await wait_for(hass, lambda: monitor.stream_connected, 15)
        proxy.stall()
        proxy.drop()
        # Let the watchdog replace the readers at least once: both hang in a read.
        assert await wait_for(hass, lambda: monitor.restarts >= 1, 30)
        # Catch the camera's current reader just as it opens a connection that is
        # never answered: it stays blocked for a whole open timeout (10 s).
        reader = await _reader_opening(hass, monitor, proxy)
        started = time.monotonic()
        await hass.config_entries.async_unload(entry.entry_id)
        # The reader still hangs in its read: the unload did not wait for it.
        assert reader.alive
        assert time.monotonic() - started < STOP_BOUND
    assert await _readers_gone(hass)


async def _reader_opening(
    hass: HomeAssistant, monitor: CameraMonitor, proxy: StallingProxy
) -> StreamReader:
    """Return the camera's reader right after it connected to the silent proxy."""

    def connected_or_replaced(reader: StreamReader, accepted: int) -> Callable[[], bool]:
        return lambda: proxy.connections > accepted or monitor.reader is not reader

    for _ in range(10):
        reader = monitor.reader
        # Only the current reader connects: replaced readers were told to stop.
        assert await wait_for(hass, connected_or_replaced(reader, proxy.connections), 30)
        if monitor.reader is reader and reader.alive:
            return reader
    raise AssertionError("the camera's reader never settled on one connection")


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """The person clip with flipped bytes in its H.264 slices."""
    # Keyframes 5 s apart, longer than the tick: every frame is decoded, as for
    # many cameras, so damaged P-frames reach the decoder.
    long_gop = tmp_path / "long-gop.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(footage("one-by-one-person-detection.mp4")),
         "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-an", "-y",
         str(long_gop)],
        check=True,
    )  # fmt: skip
    return corrupt_clip(long_gop, tmp_path / "damaged.mp4")


async def test_damaged_video_is_counted_and_still_analysed(
    hass: HomeAssistant, vlm_server: StandInVLM, damaged: Path
) -> None:
    """Flipped bytes in the H.264: decode errors are counted; people are still seen."""
    vlm_server.answer = "ALERT: a person walks into the room."

    server = RtspServer(file=damaged, user=CAMERA_USER, password=CAMERA_PASSWORD)
    server.start()
    try:
        alerts = listen(hass, EVENT_ALERT)
        entry = await add_server(hass, vlm_server)
        subentry_id = await add_camera(hass, entry, server.url, vlm={"repeat_window": 0})
        monitor = entry.runtime_data.cameras[subentry_id]
        assert await wait_for(hass, lambda: monitor.reader.decode_errors > 0, 60)
        assert await wait_for(hass, lambda: bool(alerts), 40)
        problem_id = entity_id(hass, "binary_sensor", f"{subentry_id}_problem")
        # The health entities are refreshed by the watchdog's next pass.
        assert await wait_for(
            hass, lambda: hass.states.get(problem_id).attributes["decode_errors"] > 0, 10
        )
        assert hass.states.get(problem_id).state == "off"
        assert monitor.reader.reconnects == 0
        assert monitor.problem is None
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        server.stop()


@pytest.mark.parametrize("failure", ["http_500", "garbage", "timeout", "down"])
async def test_vlm_outage_stays_quiet_and_tells_the_owner(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM, failure: str
) -> None:
    """Fail-closed (the default): no alerts while the VLM fails, a repair issue, then recovery.

    A server that cannot be reached (down, 5xx, timeout) is one issue at once;
    one that answers with something unusable is another after a few answers.
    """
    vlm_server.answer = "ALERT: a person walks into the room."
    alerts = listen(hass, EVENT_ALERT)
    entry = await add_server(hass, vlm_server, timeout=2.0)
    port = vlm_server.port
    await add_camera(hass, entry, camera.url, vlm={"repeat_window": 0})
    if failure == "down":
        await vlm_server.stop()
    else:
        vlm_server.fail_always(failure)
    kind = "vlm_failing" if failure == "garbage" else "vlm_unreachable"
    issue_id = f"{kind}_{entry.entry_id}"
    assert await wait_for(hass, lambda: _issue(hass, issue_id) is not None, 60)
    assert alerts == []
    issue = _issue(hass, issue_id)
    if kind == "vlm_failing":
        assert int(issue.translation_placeholders["count"]) >= 3
    else:
        assert "127.0.0.1" in issue.translation_placeholders["server"]
    assert issue.translation_placeholders["error"]

    if failure == "down":
        await vlm_server.start(port=port)
    else:
        vlm_server.fail_always(None)
    assert await wait_for(hass, lambda: _issue(hass, issue_id) is None, 60)
    assert await wait_for(hass, lambda: bool(alerts), 60)
    assert alerts[0].data["verified"] is True
    await hass.config_entries.async_unload(entry.entry_id)


async def test_vlm_outage_fail_open_alerts_unverified(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Fail-open: motion alone alerts while the VLM is down, marked as not verified."""
    alerts = listen(hass, EVENT_ALERT)
    entry = await add_server(hass, vlm_server)
    await add_camera(hass, entry, camera.url, vlm={"vlm_outage": "fail_open"})
    vlm_server.fail_always("http_500")
    assert await wait_for(hass, lambda: bool(alerts), 60)
    payload = alerts[0].data
    assert payload["verified"] is False
    assert payload["rule"] == "unverified"
    assert payload["reason"] == "motion"
    assert payload["boxes"]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_flood_of_cameras_against_a_slow_vlm_stays_bounded(
    hass: HomeAssistant, vlm_server: StandInVLM, tmp_path: Path
) -> None:
    """Ten cameras with constant motion, a VLM taking 2 s per answer: nothing piles up."""
    cameras = 10
    clip = clips.write_clip(tmp_path / "busy.mp4", clips.busy, 60.0)
    server = RtspServer(file=clip, user=CAMERA_USER, password=CAMERA_PASSWORD)
    server.start()
    try:
        vlm_server.delay = 2.0
        vlm_server.answer = "CLEAR: a blue box."
        entry = await add_server(hass, vlm_server)
        for index in range(cameras):
            await add_camera(
                hass,
                entry,
                f"{server.url}?camera={index}",
                name=f"Camera {index}",
                fallback_interval=0,
                vlm={"repeat_window": 0},
            )
        client = entry.runtime_data.client
        monitors = list(entry.runtime_data.cameras.values())
        assert await wait_for(hass, lambda: all(m.stream_connected for m in monitors), 30)

        def rss() -> int:
            return int(Path("/proc/self/statm").read_text().split()[1]) * 4096

        def skips() -> int:
            return sum(m.busy_skips for m in monitors)

        # Every camera has found motion while its question was still open.
        assert await wait_for(hass, lambda: all(m.busy_skips for m in monitors), 60)
        early, early_skips, answered = rss(), skips(), len(vlm_server.chat_requests)
        # Keep the pressure on: ten more questions reach the VLM, five more skips per camera.
        assert await wait_for(
            hass,
            lambda: len(vlm_server.chat_requests) >= answered + 10
            and skips() >= early_skips + 5 * cameras,
            120,
        )
        # At most one open question per camera, at most two at the GPU.
        assert client.max_pending <= cameras
        assert vlm_server.max_in_flight <= 2
        assert rss() - early < 64 * 1024 * 1024
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        server.stop()


async def test_restart_keeps_zones_settings_and_alert_history(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Unload and set up again from storage: zones, options and recent alerts are all back."""
    vlm_server.answer = "ALERT: a man in a grey coat walks in."
    alerts = listen(hass, EVENT_ALERT)
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(
        hass, entry, camera.url, alert_hold=120, vlm={"vlm_outage": "fail_open"}
    )
    monitor = entry.runtime_data.cameras[subentry_id]
    camera_id = entity_id(hass, "camera", f"{subentry_id}_snapshot")
    description_id = entity_id(hass, "sensor", f"{subentry_id}_description")
    assert await wait_for(hass, lambda: monitor.stream_connected, 15)
    await hass.async_block_till_done()
    zones = [{"name": "street", "type": "exclude", "points": [[0, 0], [0.3, 0], [0.3, 0.2]]}]
    await hass.services.async_call(
        DOMAIN, "set_zones", {"entity_id": camera_id, "zones": zones}, blocking=True
    )
    assert await wait_for(hass, lambda: sum(d.alert for d in monitor.decisions) >= 2, 60)
    before = [decision.time for decision in monitor.decisions]
    last_alert = monitor.last_alert
    assert last_alert is not None
    assert len(alerts) == 1
    incident = monitor.alerts.incident
    assert incident is not None
    calls = monitor.stats.calls_today

    await hass.config_entries.async_unload(entry.entry_id)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    restored = entry.runtime_data.cameras[subentry_id]
    assert restored is not monitor
    assert [decision.time for decision in restored.decisions][: len(before)] == before
    assert restored.last_alert == last_alert
    # The incident carries on across the reload: still on, same id, no second alert event.
    assert restored.alerts.incident is not None
    assert restored.alerts.incident.id == incident.id
    assert restored.alert_on
    assert len(alerts) == 1
    assert restored.stats.calls_today >= calls
    assert restored.settings.vlm_outage == "fail_open"
    assert restored.settings.alert_hold == 120
    report = await async_get_config_entry_diagnostics(hass, entry)
    camera_report = report["cameras"][subentry_id]
    assert len(camera_report["recent_decisions"]) >= len(before)
    assert camera_report["health"]["restarts"] == 0
    assert "***" in camera_report["settings"]["rtsp_url"]
    assert await wait_for(hass, lambda: restored.stream_connected, 15)
    await hass.async_block_till_done()
    response = await hass.services.async_call(
        DOMAIN, "get_zones", {"entity_id": camera_id}, blocking=True, return_response=True
    )
    assert response[camera_id]["zones"] == zones
    assert hass.states.get(description_id).state == "a man in a grey coat walks in."
    await hass.config_entries.async_unload(entry.entry_id)
