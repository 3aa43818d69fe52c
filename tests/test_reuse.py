"""A still scene judged again and again: the earlier verdict is reused, not asked anew."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
import subprocess
from typing import Any

from homeassistant.core import HomeAssistant, callback
import pytest

from custom_components.vlm_guard.const import EVENT_ALERT

from .conftest import PERSON_CLIP
from .harness.rtsp import RtspServer, footage
from .harness.vlm_server import RecordedRequest, StandInVLM
from .helpers import add_camera, add_server, entity_id, wait_for

# A check every 7 s, alerts that end 5 s after the last one, verdicts reused for 12 s:
# each check raises an alert of its own, the second one on the first one's verdict.
REPEAT_WINDOW = 12.0
FALLBACK_INTERVAL = 7.0
ALERT_HOLD = 5.0
STANDING_STILL = json.dumps(
    {
        "verdict": "ALERT",
        "description": "A person is standing still by the door.",
        "subjects": ["person"],
        "on_property": True,
    }
)


@pytest.fixture(scope="session")
def still_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One frame of the empty room, held for a minute: nothing ever moves."""
    folder = tmp_path_factory.mktemp("still")
    frame = folder / "room.png"
    clip = folder / "room-still.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", "1", "-i", str(footage(PERSON_CLIP)),
         "-frames:v", "1", "-y", str(frame)],
        check=True,
    )  # fmt: skip
    # Ten frames a second and a keyframe every second, as in the real footage.
    subprocess.run(
        ["ffmpeg", "-v", "error", "-loop", "1", "-framerate", "10", "-i", str(frame),
         "-t", "60", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "stillimage",
         "-g", "10", "-pix_fmt", "yuv420p", "-an", "-y", str(clip)],
        check=True,
    )  # fmt: skip
    return clip


async def test_same_image_reuses_the_verdict_until_the_window_ends(
    hass: HomeAssistant,
    rtsp_server: Callable[..., RtspServer],
    still_clip: Path,
    vlm_server: StandInVLM,
) -> None:
    """Full-frame checks of an unchanged scene: one VLM call per repeat window, not per check."""
    asked: list[float] = []

    def answer(request: RecordedRequest) -> str:
        asked.append(request.received)
        return STANDING_STILL

    vlm_server.answer = answer
    camera = rtsp_server(still_clip)
    # Each alert, with how many questions the VLM had been asked when it was raised.
    alerts: list[tuple[dict[str, Any], int]] = []
    hass.bus.async_listen(
        EVENT_ALERT,
        callback(lambda event: alerts.append((event.data, len(vlm_server.chat_requests)))),
    )
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(
        hass,
        entry,
        camera.url,
        interval=1.0,
        alert_hold=ALERT_HOLD,
        fallback_interval=FALLBACK_INTERVAL,
        vlm={"repeat_window": REPEAT_WINDOW},
    )
    description_id = entity_id(hass, "sensor", f"{subentry_id}_description")
    calls_id = entity_id(hass, "sensor", f"{subentry_id}_vlm_calls_today")

    # The first check after connecting asks the VLM; the next check of the same
    # image, inside the window, reuses its verdict and raises the alert again.
    assert await wait_for(hass, lambda: len(alerts) >= 2, 40), alerts
    (first, asked_first), (second, asked_second) = alerts[:2]
    assert (first["reused"], first["reason"], asked_first) == (False, "first", 1)
    assert (second["reused"], second["reason"], asked_second) == (True, "fallback", 1)
    assert (
        second["description"] == first["description"] == "A person is standing still by the door."
    )
    assert second["rule"] == first["rule"] == "json_alert"
    assert second["raw_answer"] == first["raw_answer"]
    assert hass.states.get(description_id).attributes["reused"] is True
    assert await wait_for(hass, lambda: hass.states.get(calls_id).state == "1", 5)

    # Once the window has passed the same image is asked about again, and that
    # alert says so.
    assert await wait_for(hass, lambda: len(alerts) >= 3, 30), alerts
    third, asked_third = alerts[2]
    assert (third["reused"], third["reason"], asked_third) == (False, "fallback", 2)
    assert len(asked) == 2
    assert asked[1] - asked[0] >= REPEAT_WINDOW - 0.5
    # Calls count the questions asked, not the checks made.
    assert await wait_for(hass, lambda: hass.states.get(calls_id).state == "2", 5)
    await hass.config_entries.async_unload(entry.entry_id)
