"""An incident's clip in Home Assistant: pre-roll, the incident, post-roll, as received."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
import time
from typing import Any

import av
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from custom_components.vlm_guard.const import EVENT_ALERT, EVENT_INCIDENT_ENDED
from custom_components.vlm_guard.core.clip_buffer import DEFAULT_PREROLL

from .harness.rtsp import RtspServer
from .harness.vlm_server import RecordedRequest, StandInVLM
from .helpers import add_camera, add_server, listen, wait_for, wait_for_kept

ALERT_FOR = 8.0
QUIET = 5.0
QUIET_FIRST = DEFAULT_PREROLL + 3.0


async def test_a_real_incident_comes_with_its_clip(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    hass_client_no_auth: Callable[..., Awaitable[Any]],
) -> None:
    """The clip starts on a keyframe before the first ALERT and lasts about the whole incident."""
    assert await async_setup_component(hass, "http", {})
    browser = await hass_client_no_auth()
    started: list[float] = []

    def answer(_request: RecordedRequest) -> str:
        # Quiet at first, so the camera has run a while when the incident starts.
        if not started:
            started.append(time.monotonic())
        if QUIET_FIRST <= time.monotonic() - started[0] < QUIET_FIRST + ALERT_FOR:
            return "ALERT: a man in a grey coat walks in."
        return "CLEAR: an empty room."

    vlm_server.answer = answer
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    ended = listen(hass, EVENT_INCIDENT_ENDED)
    subentry_id = await add_camera(
        hass, entry, camera.url, interval=1.0, fallback_interval=2.0, alert_hold=QUIET,
        vlm={"repeat_window": 0},
    )  # fmt: skip
    assert await wait_for(hass, lambda: bool(ended), QUIET_FIRST + ALERT_FOR + QUIET + 40)
    summary = ended[0].data
    clip = Path(summary["clip_path"])
    assert clip.is_file()
    assert clip.suffix == ".mp4"
    assert summary["clip_media_id"].endswith(clip.name)

    first_alert = alerts[0].data
    span = (
        dt_util.parse_datetime(summary["last_alert"]) - dt_util.parse_datetime(summary["started"])
    ).total_seconds()
    with av.open(str(clip)) as container:
        video = container.streams.video[0]
        packets = [packet for packet in container.demux(video) if packet.size]
        assert packets[0].is_keyframe
    with av.open(str(clip)) as container:
        video = container.streams.video[0]
        frames = list(container.decode(video=0))
    assert frames
    duration = float(frames[-1].pts * video.time_base) - float(frames[0].pts * video.time_base)
    # Pre-roll before the first ALERT (from the keyframe before it), the ALERTs, the
    # post-roll after the last one (as long as the quiet time here).
    assert duration >= DEFAULT_PREROLL + span + QUIET - 1.5
    assert duration <= DEFAULT_PREROLL + span + QUIET + 4.0
    assert first_alert["incident_id"] == summary["incident_id"]

    # The notification's link plays without a login; the incident keeps its clip.
    response = await browser.get(summary["clip_url"])
    assert response.status == 200
    assert await response.read() == clip.read_bytes()
    (kept,) = await wait_for_kept(
        hass, lambda kept: bool(kept) and "clip" in kept[0].files, 5, camera=subentry_id
    )
    assert kept.files["clip"] == str(clip)
    await hass.config_entries.async_unload(entry.entry_id)
