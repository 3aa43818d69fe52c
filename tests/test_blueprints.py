"""The shipped blueprints in a real Home Assistant, fed a real incident; one-tap feedback."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
import shutil
from typing import Any

from homeassistant.const import STATE_ON
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import async_fire_time_changed, async_mock_service

from custom_components.vlm_guard.archive import async_get_archive
from custom_components.vlm_guard.const import (
    DOMAIN,
    EVENT_ALERT,
    EVENT_INCIDENT_ENDED,
    SERVER_CHECK_INTERVAL,
)

from .harness.rtsp import RtspServer
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for, wait_for_kept

BLUEPRINTS = Path(__file__).parents[1] / "blueprints" / "automation" / "vlm_guard"
NAMES = (
    "incident_notification",
    "speaker_announcement",
    "urgent_speech",
    "camera_problem",
    "daily_review",
)


def _install(hass: HomeAssistant) -> None:
    """Put the blueprints where Home Assistant looks for them, as an import would."""
    target = Path(hass.config.path("blueprints", "automation", "vlm_guard"))
    target.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        shutil.copy(BLUEPRINTS / f"{name}.yaml", target / f"{name}.yaml")


def _use(name: str, alias: str, **inputs: Any) -> dict[str, Any]:
    return {
        "id": alias,
        "alias": alias,
        "use_blueprint": {"path": f"vlm_guard/{name}.yaml", "input": inputs},
    }


def _around_now(minutes: int) -> tuple[str, str]:
    now = dt_util.now()
    return (
        (now - timedelta(minutes=minutes)).strftime("%H:%M:%S"),
        (now + timedelta(minutes=minutes)).strftime("%H:%M:%S"),
    )


async def test_a_real_incident_notifies_once_where_and_when_it_should(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Phone and Telegram once per incident; not in quiet hours, not disarmed; the speaker speaks."""
    vlm_server.answer = "ALERT: a person walks to the door."
    phone = async_mock_service(hass, "notify", "phone")
    quiet_phone = async_mock_service(hass, "notify", "quiet_phone")
    away_phone = async_mock_service(hass, "notify", "away_phone")
    photos = async_mock_service(hass, "telegram_bot", "send_photo")
    videos = async_mock_service(hass, "telegram_bot", "send_video")
    volumes = async_mock_service(hass, "media_player", "volume_set")
    spoken = async_mock_service(hass, "tts", "speak")
    hass.states.async_set("media_player.wiim", "idle", {"volume_level": 0.3})
    hass.states.async_set("tts.piper", "unknown")
    hass.states.async_set("input_boolean.away", "off")
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    ended = listen(hass, EVENT_INCIDENT_ENDED)
    subentry_id = await add_camera(
        hass, entry, camera.url, name="Front door", interval=1.0, fallback_interval=2.0,
        alert_hold=5.0, vlm={"repeat_window": 0},
    )  # fmt: skip
    _install(hass)
    quiet_from, quiet_to = _around_now(30)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                _use("incident_notification", "phone", notify_action="notify.phone",
                     telegram_target="123456"),
                _use("incident_notification", "quiet", notify_action="notify.quiet_phone",
                     quiet_hours=True, quiet_start=quiet_from, quiet_end=quiet_to),
                _use("incident_notification", "away", notify_action="notify.away_phone",
                     armed_entity="input_boolean.away"),
                _use("speaker_announcement", "speaker", speaker="media_player.wiim",
                     tts_entity="tts.piper", volume=0.7, restore_after=1,
                     window_start="00:00:00", window_end="23:59:59"),
            ]
        },
    )  # fmt: skip
    await hass.async_block_till_done()
    for alias in ("phone", "quiet", "away", "speaker"):
        state = hass.states.get(f"automation.{alias}")
        assert state is not None, alias
        assert state.state == STATE_ON, alias

    assert await wait_for(hass, lambda: bool(alerts), 30)
    assert await wait_for(hass, lambda: len(volumes) >= 2, 15)
    vlm_server.answer = "CLEAR: nobody is there."
    assert await wait_for(hass, lambda: bool(ended), 30)
    await hass.async_block_till_done()
    incident = alerts[0].data["incident_id"]
    assert alerts[0].data["device_id"]

    # Once per incident, with the picture, the words and the buttons; then its clip.
    assert len(alerts) == 1
    assert await wait_for(hass, lambda: len(phone) == 2 and len(videos) == 1, 10)
    call, follow_up = phone
    assert follow_up.data["data"]["video"] == ended[0].data["clip_url"]
    assert follow_up.data["data"]["tag"] == f"vlm_guard_{incident}"
    assert videos[0].data["file"] == ended[0].data["clip_path"]
    assert call.data["title"] == "Front door"
    assert call.data["message"] == "a person walks to the door."
    image = call.data["data"]["image"]
    assert image.startswith(f"/api/vlm_guard/incidents/{incident}/")
    assert "authSig=" in image
    assert [button["action"] for button in call.data["data"]["actions"]] == [
        f"VLM_GUARD_FALSE_ALARM_{incident}",
        f"VLM_GUARD_REAL_{incident}",
        f"VLM_GUARD_SNOOZE_{incident}",
    ]
    (photo,) = photos
    assert Path(photo.data["file"]).is_file()
    assert photo.data["target"] == [123456]
    assert photo.data["caption"] == "Front door: a person walks to the door."
    assert photo.data["inline_keyboard"][1] == f"Snooze 1 h:/vlm_guard_snooze {incident}"
    # Not during quiet hours, not while disarmed.
    assert quiet_phone == []
    assert away_phone == []
    # The speaker: louder, the words, then the volume it had.
    assert [volume.data["volume_level"] for volume in volumes] == [0.7, 0.3]
    (speech,) = spoken
    assert speech.data["message"] == "Front door: a person walks to the door."
    assert speech.data["media_player_entity_id"] == "media_player.wiim"

    # One tap on "Snooze 1 h" quiets the camera; "False alarm" proposes its rule.
    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": f"VLM_GUARD_SNOOZE_{incident}"}
    )
    detection = entity_id(hass, "switch", f"{subentry_id}_detection")
    assert await wait_for(
        hass, lambda: hass.states.get(detection).attributes.get("snoozed_until") is not None, 5
    )
    hass.bus.async_fire(
        "mobile_app_notification_action", {"action": f"VLM_GUARD_FALSE_ALARM_{incident}"}
    )
    kept = await wait_for_kept(
        hass, lambda kept: bool(kept) and kept[0].status == "false_alarm", 5, camera=subentry_id
    )
    assert kept[0].status == "false_alarm"
    archive = async_get_archive(hass)
    assert archive is not None
    assert [(rule.incident_id, rule.active) for rule in archive.rules] == [(incident, False)]
    # The daily review's "Accept the rules" button switches it on.
    hass.bus.async_fire("telegram_callback", {"data": "/vlm_guard_accept_rules", "id": "7"})
    assert await wait_for(hass, lambda: [rule.active for rule in archive.rules] == [True], 5)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_health_review_and_urgent_speech_blueprints(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    """The VLM going away and back, a daily review, urgent words: each reaches its channels."""
    phone = async_mock_service(hass, "notify", "phone")
    family = async_mock_service(hass, "notify", "family")
    messages = async_mock_service(hass, "telegram_bot", "send_message")
    voices = async_mock_service(hass, "telegram_bot", "send_voice")
    entry = await add_server(hass, vlm_server)
    _install(hass)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": [
                _use("camera_problem", "problem", notify_action="notify.phone",
                     telegram_target="42"),
                _use("daily_review", "review", notify_action="notify.phone"),
                _use("urgent_speech", "urgent", notify_actions=["notify.phone", "notify.family"],
                     telegram_target="42"),
            ]
        },
    )  # fmt: skip
    await hass.async_block_till_done()

    # The server stops answering: the health event reaches the phone and Telegram.
    await vlm_server.stop()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=SERVER_CHECK_INTERVAL + 1))
    assert await wait_for(hass, lambda: bool(messages), 30)
    assert "cannot be reached" in phone[0].data["message"]
    assert "cannot be reached" in messages[0].data["message"]
    assert messages[0].data["target"] == [42]

    # The daily review (nothing to review today) is summarised.
    phone.clear()
    await hass.services.async_call(DOMAIN, "run_daily_review", {}, blocking=True)
    assert await wait_for(hass, lambda: bool(phone), 5)
    assert phone[0].data["title"] == "VLM Guard daily review"
    assert phone[0].data["message"].startswith("No incidents to review")
    assert phone[0].data["data"]["actions"] == []

    # Urgent words go to every channel at once, with the clip to Telegram.
    phone.clear()
    clip = Path(hass.config.path("clip.wav"))
    clip.write_bytes(b"RIFF")
    hass.bus.async_fire(
        "vlm_guard_transcript",
        {
            "event_type": "urgent_speech", "camera": "Garden", "subentry_id": "x",
            "text": "Help, call the police!", "urgent_words": ["help", "police"],
            "clip_path": str(clip),
        },
    )  # fmt: skip
    assert await wait_for(hass, lambda: bool(phone) and bool(family) and bool(voices), 5), (
        phone,
        family,
        voices,
    )
    assert phone[0].data["message"] == family[0].data["message"]
    assert "Help, call the police!" in phone[0].data["message"]
    assert voices[0].data["file"] == str(clip)
    await hass.config_entries.async_unload(entry.entry_id)
