"""A still scene judged again and again: the earlier verdict is reused, not asked anew."""

from __future__ import annotations

from collections.abc import Callable
import json
from pathlib import Path
import subprocess

from homeassistant.core import HomeAssistant
import pytest

from custom_components.vlm_guard.const import EVENT_ALERT

from .conftest import PERSON_CLIP
from .harness.rtsp import RtspServer, footage
from .harness.vlm_server import RecordedRequest, StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for

REPEAT_WINDOW = 6.0
FALLBACK_INTERVAL = 2.0
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
    alerts = listen(hass, EVENT_ALERT)
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(
        hass,
        entry,
        camera.url,
        interval=1.0,
        fallback_interval=FALLBACK_INTERVAL,
        vlm={"repeat_window": REPEAT_WINDOW},
    )
    description_id = entity_id(hass, "sensor", f"{subentry_id}_description")
    calls_id = entity_id(hass, "sensor", f"{subentry_id}_vlm_calls_today")

    # The first check after connecting asks the VLM; the next checks of the same
    # image inside the window reuse its verdict and raise the alert again.
    assert await wait_for(hass, lambda: len(alerts) >= 2, 30), [e.data for e in alerts]
    first, second = alerts[0].data, alerts[1].data
    assert len(vlm_server.chat_requests) == 1
    assert first["reused"] is False
    assert first["reason"] == "first"
    assert second["reused"] is True
    assert second["reason"] == "fallback"
    assert (
        second["description"] == first["description"] == "A person is standing still by the door."
    )
    assert second["rule"] == first["rule"] == "json_alert"
    assert second["raw_answer"] == first["raw_answer"]
    assert second["snapshot_path"] != first["snapshot_path"]
    assert await wait_for(hass, lambda: hass.states.get(calls_id).state == "1", 5)
    state = hass.states.get(description_id)
    assert state.attributes["reused"] is True

    # Once the window has passed the same image is asked about again, and that
    # alert says so.
    assert await wait_for(
        hass, lambda: sum(not event.data["reused"] for event in alerts) >= 2, 30
    ), [event.data for event in alerts]
    assert len(asked) == 2
    assert asked[1] - asked[0] >= REPEAT_WINDOW - 0.5
    # Calls count the questions asked, not the checks made.
    assert await wait_for(hass, lambda: hass.states.get(calls_id).state == "2", 5)
    await hass.config_entries.async_unload(entry.entry_id)
