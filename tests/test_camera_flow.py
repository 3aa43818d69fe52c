"""Camera subentry flow: the stream probed before saving, every error path, reconfiguring."""

from __future__ import annotations

from collections.abc import Callable
import json
from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers import config_validation as cv
import pytest
import voluptuous as vol
import voluptuous_serialize

from custom_components.vlm_guard.const import SUBENTRY_CAMERA
from custom_components.vlm_guard.core.defaults import MOTION_REFERENCE
from custom_components.vlm_guard.core.settings import (
    AUDIO_DEFAULTS,
    CONF_ALERT_HOLD,
    CONF_AUDIO,
    CONF_CHUNK_SECONDS,
    CONF_DETECT_URL,
    CONF_FALLBACK_INTERVAL,
    CONF_HAS_AUDIO,
    CONF_INTERVAL,
    CONF_MOTION,
    CONF_MOTION_MODE,
    CONF_PASSWORD,
    CONF_RTSP_URL,
    CONF_UPDATE_EVERY,
    CONF_VLM,
    MOTION_DEFAULTS,
)

from .conftest import CAMERA_PASSWORD, CAMERA_USER
from .harness.rtsp import RtspServer, free_port
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, entity_id, start_camera_reconfigure, wait_for

CAMERA_INPUT = {
    CONF_NAME: "Gate",
    CONF_INTERVAL: 5,
    CONF_ALERT_HOLD: 30,
    CONF_FALLBACK_INTERVAL: 60,
    CONF_MOTION: {},
    CONF_VLM: {},
}


def _user_url(server: RtspServer, path: str | None = None) -> str:
    """Return the server's URL with the user name and without the password."""
    return f"rtsp://{server.user}@127.0.0.1:{server.port}{path or server.path}"


def _suggested(schema: vol.Schema) -> dict[str, Any]:
    """Return the values a form shows filled in, those of its sections included."""
    values: dict[str, Any] = {}
    for key, value in schema.schema.items():
        if isinstance(value, section):
            values[str(key)] = _suggested(value.schema)
        elif key.description and "suggested_value" in key.description:
            values[str(key)] = key.description["suggested_value"]
    return values


async def _camera_form(hass: HomeAssistant, entry_id: str, url: str, **fields: str) -> dict:
    """Open the add-camera form and submit the usual input with this URL (and fields)."""
    result = await hass.config_entries.subentries.async_init(
        (entry_id, SUBENTRY_CAMERA), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**CAMERA_INPUT, CONF_RTSP_URL: url, **fields},
    )


async def test_camera_added_after_probe(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, name="Gate", interval=5)
    subentry = entry.subentries[subentry_id]
    assert subentry.title == "Gate"
    assert subentry.data == {
        CONF_RTSP_URL: camera.url,
        CONF_INTERVAL: 5.0,
        CONF_ALERT_HOLD: 30.0,
        CONF_UPDATE_EVERY: 30.0,
        CONF_FALLBACK_INTERVAL: 60.0,
        "stale_after": 20.0,
        CONF_MOTION: MOTION_DEFAULTS,
        CONF_VLM: {"repeat_window": 30.0, "vlm_outage": "fail_closed"},
        CONF_HAS_AUDIO: False,
        CONF_AUDIO: AUDIO_DEFAULTS,
    }
    assert entry.state is ConfigEntryState.LOADED
    assert subentry_id in entry.runtime_data.cameras
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(
    ("make_url", "error"),
    [
        (lambda cam: "http://127.0.0.1/stream", "invalid_url"),
        (lambda cam: "rtsp://", "invalid_url"),
        (lambda cam: "rtsp://[::1/stream", "invalid_url"),
        (lambda cam: "rtsp://127.0.0.1:99999/stream", "invalid_url"),
        (lambda cam: cam.url_with(password="wrong"), "invalid_auth"),
        (lambda cam: cam.url_with(user="nobody", password="x"), "invalid_auth"),
        (lambda cam: cam.url_with(path="/nothing-here"), "stream_not_found"),
        (lambda cam: f"rtsp://127.0.0.1:{free_port()}/stream", "cannot_connect"),
    ],
    ids=[
        "http",
        "empty",
        "unclosed-ipv6",
        "bad-port",
        "wrong-password",
        "wrong-user",
        "wrong-path",
        "nothing-listening",
    ],
)
async def test_camera_bad_url(
    hass: HomeAssistant,
    vlm_server: StandInVLM,
    camera: RtspServer,
    make_url: Callable[[RtspServer], str],
    error: str,
) -> None:
    entry = await add_server(hass, vlm_server)
    result = await _camera_form(hass, entry.entry_id, make_url(camera))
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": error}
    assert entry.subentries == {}
    # Correcting the URL in the same form creates the camera.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**CAMERA_INPUT, CONF_RTSP_URL: camera.url},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    await hass.config_entries.async_unload(entry.entry_id)


async def test_camera_without_video(
    hass: HomeAssistant, vlm_server: StandInVLM, rtsp_server: Callable[..., RtspServer]
) -> None:
    """A stream that carries only audio is not a camera."""
    audio_only = rtsp_server(
        None, launch="( audiotestsrc is-live=true ! mulawenc ! rtppcmupay name=pay0 )"
    )
    entry = await add_server(hass, vlm_server)
    result = await _camera_form(hass, entry.entry_id, audio_only.url)
    assert result["errors"] == {"base": "no_video"}
    assert entry.subentries == {}


async def test_camera_password_never_in_flow_logs(
    hass: HomeAssistant,
    vlm_server: StandInVLM,
    camera: RtspServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    entry = await add_server(hass, vlm_server)
    await _camera_form(hass, entry.entry_id, camera.url_with(path="/nothing-here"))
    assert "nothing-here" in caplog.text
    assert CAMERA_PASSWORD not in caplog.text


async def test_same_camera_only_once(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    entry = await add_server(hass, vlm_server)
    await add_camera(hass, entry, camera.url)
    result = await _camera_form(hass, entry.entry_id, camera.url)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_camera_names_are_unique(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    entry = await add_server(hass, vlm_server)
    await add_camera(hass, entry, camera.url, name="Gate")
    result = await _camera_form(hass, entry.entry_id, camera.url_with(path="/other"))
    assert result["errors"] == {CONF_NAME: "name_exists"}
    assert len(entry.subentries) == 1
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_camera(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, name="Gate")
    result = await start_camera_reconfigure(hass, entry, subentry_id)
    assert result["step_id"] == "reconfigure"
    # The form shows what is stored, the folded sections included.
    shown = _suggested(result["data_schema"])
    assert shown[CONF_NAME] == "Gate"
    assert shown[CONF_RTSP_URL] == _user_url(camera)
    assert shown[CONF_INTERVAL] == 1.0
    assert shown[CONF_MOTION] == MOTION_DEFAULTS
    # A wrong password is refused and the camera keeps its working URL.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            **CAMERA_INPUT,
            CONF_NAME: "Front gate",
            CONF_RTSP_URL: camera.url_with(password="wrong"),
            CONF_INTERVAL: 2,
            CONF_ALERT_HOLD: 60,
        },
    )
    assert result["errors"] == {"base": "invalid_auth"}
    assert entry.subentries[subentry_id].data[CONF_RTSP_URL] == camera.url
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            **CAMERA_INPUT,
            CONF_NAME: "Front gate",
            CONF_RTSP_URL: shown[CONF_RTSP_URL],
            CONF_INTERVAL: 2,
            CONF_ALERT_HOLD: 60,
            CONF_FALLBACK_INTERVAL: 0,
            CONF_MOTION: {"threshold": 40, "min_area": 400, CONF_MOTION_MODE: MOTION_REFERENCE},
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    subentry = entry.subentries[subentry_id]
    assert subentry.title == "Front gate"
    # The password was not typed again: the stored one stands.
    assert subentry.data[CONF_RTSP_URL] == camera.url
    assert subentry.data[CONF_INTERVAL] == 2.0
    assert subentry.data[CONF_ALERT_HOLD] == 60.0
    assert subentry.data[CONF_MOTION]["threshold"] == 40.0
    assert subentry.data[CONF_MOTION]["merge_distance"] == 50.0
    camera_monitor = entry.runtime_data.cameras[subentry_id]
    assert camera_monitor.interval == 2.0
    assert camera_monitor.settings.fallback_interval == 0.0
    assert camera_monitor.settings.motion.threshold == 40
    assert camera_monitor.settings.motion.min_area == 400.0
    # The reference system's filter, chosen in the form, is what runs.
    assert subentry.data[CONF_MOTION][CONF_MOTION_MODE] == MOTION_REFERENCE
    assert camera_monitor.analyzer.detector.config.mode == MOTION_REFERENCE
    result = await start_camera_reconfigure(hass, entry, subentry_id)
    assert _suggested(result["data_schema"])[CONF_MOTION][CONF_MOTION_MODE] == MOTION_REFERENCE
    await hass.config_entries.async_unload(entry.entry_id)


async def test_camera_with_a_broken_substream(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    entry = await add_server(hass, vlm_server)
    result = await _camera_form(
        hass, entry.entry_id, camera.url, **{CONF_DETECT_URL: camera.url_with(path="/sub")}
    )
    assert result["errors"] == {CONF_DETECT_URL: "stream_not_found"}
    assert entry.subentries == {}


async def test_camera_needs_a_loaded_server(hass: HomeAssistant, vlm_server: StandInVLM) -> None:
    entry = await add_server(hass, vlm_server)
    await hass.config_entries.async_unload(entry.entry_id)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "entry_not_loaded"


def _form_json(result: dict) -> str:
    """Return the form as the browser receives it."""
    return json.dumps(
        voluptuous_serialize.convert(result["data_schema"], custom_serializer=cv.custom_serializer)
    )


async def _stream_on(hass: HomeAssistant, subentry_id: str) -> bool:
    """Wait until the camera's stream delivers video."""
    stream_id = entity_id(hass, "binary_sensor", f"{subentry_id}_stream")
    return await wait_for(hass, lambda: hass.states.get(stream_id).state == "on", 20)


async def test_camera_added_with_its_password_in_a_field(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    """The URL names the user; the password typed in its field is what the stream gets."""
    entry = await add_server(hass, vlm_server)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": "user"}
    )
    assert CONF_PASSWORD in result["data_schema"].schema
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**CAMERA_INPUT, CONF_RTSP_URL: _user_url(camera), CONF_PASSWORD: CAMERA_PASSWORD},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    (subentry,) = entry.subentries.values()
    assert subentry.data[CONF_RTSP_URL] == camera.url
    assert CONF_PASSWORD not in subentry.data
    assert await _stream_on(hass, subentry.subentry_id)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_password_needs_a_user_name(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    entry = await add_server(hass, vlm_server)
    result = await _camera_form(
        hass,
        entry.entry_id,
        f"rtsp://127.0.0.1:{camera.port}/stream",
        **{CONF_PASSWORD: CAMERA_PASSWORD},
    )
    assert result["errors"] == {CONF_RTSP_URL: "missing_user"}
    assert entry.subentries == {}


async def test_reconfigure_never_shows_the_password_and_keeps_it(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    """The form shows the URLs without the password; left empty, the stored one stands."""
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, name="Gate", detect_url=camera.url)
    result = await start_camera_reconfigure(hass, entry, subentry_id)
    assert CAMERA_PASSWORD not in _form_json(result)
    shown = _suggested(result["data_schema"])
    assert shown[CONF_RTSP_URL] == shown[CONF_DETECT_URL] == _user_url(camera)
    assert CONF_PASSWORD not in shown
    assert CONF_PASSWORD in result["data_schema"].schema

    # Saved as shown: the password field left empty keeps the stored password.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**shown, CONF_INTERVAL: 2}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    data = entry.subentries[subentry_id].data
    assert data[CONF_RTSP_URL] == data[CONF_DETECT_URL] == camera.url
    assert data[CONF_INTERVAL] == 2.0
    assert await _stream_on(hass, subentry_id)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_reconfigure_with_a_new_password(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    """The owner changed the camera's password: typed once, it is stored and never shown."""
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, name="Gate")
    new_password = "N3w/pa ss@word"
    await hass.async_add_executor_job(camera.stop)
    camera.password = new_password
    await hass.async_add_executor_job(camera.start)

    result = await start_camera_reconfigure(hass, entry, subentry_id)
    shown = _suggested(result["data_schema"])
    # Left empty, the old password is refused by the camera, and nothing changes.
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], shown)
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**shown, CONF_PASSWORD: new_password}
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    stored = entry.subentries[subentry_id].data[CONF_RTSP_URL]
    # Characters a URL cannot carry as they are go in percent-encoded.
    assert stored == f"rtsp://{CAMERA_USER}:N3w%2Fpa%20ss%40word@127.0.0.1:{camera.port}/stream"
    assert await _stream_on(hass, subentry_id)
    result = await start_camera_reconfigure(hass, entry, subentry_id)
    assert "N3w" not in _form_json(result)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_sound_section_only_for_a_camera_with_sound(
    hass: HomeAssistant,
    vlm_server: StandInVLM,
    camera: RtspServer,
    rtsp_server: Callable[..., RtspServer],
) -> None:
    """A new camera's sound is unknown: Sound appears on reconfigure, for cameras with sound."""
    entry = await add_server(hass, vlm_server)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": "user"}
    )
    assert CONF_AUDIO not in result["data_schema"].schema
    hass.config_entries.subentries.async_abort(result["flow_id"])

    silent_id = await add_camera(hass, entry, camera.url, name="Room")
    result = await start_camera_reconfigure(hass, entry, silent_id)
    assert CONF_AUDIO not in result["data_schema"].schema
    hass.config_entries.subentries.async_abort(result["flow_id"])

    with_sound = rtsp_server("car-detection.mp4", audio=True)
    sound_id = await add_camera(
        hass, entry, with_sound.url, name="Yard", audio={CONF_CHUNK_SECONDS: 8}
    )
    assert entry.subentries[sound_id].data[CONF_HAS_AUDIO] is True
    result = await start_camera_reconfigure(hass, entry, sound_id)
    assert isinstance(result["data_schema"].schema[CONF_AUDIO], section)
    shown = _suggested(result["data_schema"])
    assert shown[CONF_AUDIO][CONF_CHUNK_SECONDS] == 8.0
    hass.config_entries.subentries.async_abort(result["flow_id"])
    await hass.config_entries.async_unload(entry.entry_id)
