"""Config flow of the VLM server and the camera subentries, every error path."""

from __future__ import annotations

from collections.abc import Callable

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest

from custom_components.vlm_guard.const import (
    CONF_BACKEND,
    CONF_KEEP_ALIVE,
    CONF_MODEL,
    CONF_NUM_CTX,
    CONF_TIMEOUT,
    DOMAIN,
    SUBENTRY_CAMERA,
)
from custom_components.vlm_guard.core.settings import (
    AUDIO_DEFAULTS,
    CONF_ALERT_HOLD,
    CONF_AUDIO,
    CONF_DETECT_URL,
    CONF_FALLBACK_INTERVAL,
    CONF_HAS_AUDIO,
    CONF_INTERVAL,
    CONF_MOTION,
    CONF_RTSP_URL,
    CONF_VLM,
    MOTION_DEFAULTS,
)

from .conftest import CAMERA_PASSWORD
from .harness.rtsp import RtspServer, free_port
from .harness.vlm_server import DEFAULT_MODEL, StandInVLM
from .helpers import add_camera, add_server, start_camera_reconfigure, start_reconfigure

MODEL_INPUT = {CONF_NUM_CTX: 4096, CONF_KEEP_ALIVE: "30m", CONF_TIMEOUT: 10}
CAMERA_INPUT = {
    CONF_NAME: "Gate",
    CONF_INTERVAL: 5,
    CONF_ALERT_HOLD: 30,
    CONF_FALLBACK_INTERVAL: 60,
    CONF_MOTION: {},
    CONF_VLM: {},
    CONF_AUDIO: {},
}


async def _server_form(hass: HomeAssistant, backend: str, url: str, **extra: str) -> dict:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": "user"})
    return await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: backend, CONF_URL: url, **extra}
    )


async def test_server_flow_creates_entry_with_every_setting(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    vlm_server.models = ["llava:7b", DEFAULT_MODEL]
    result = await _server_form(hass, "ollama", vlm_server.url + "/")
    assert result["step_id"] == "model"
    # The model selector offers what the server has.
    selector = result["data_schema"].schema[CONF_MODEL].config
    assert sorted(selector["options"]) == ["llava:7b", DEFAULT_MODEL]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODEL: DEFAULT_MODEL, **MODEL_INPUT, CONF_NUM_CTX: 8192}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == f"{DEFAULT_MODEL} @ 127.0.0.1:{vlm_server.port}"
    assert result["data"] == {
        CONF_BACKEND: "ollama",
        CONF_URL: vlm_server.url,
        CONF_API_KEY: "",
        CONF_MODEL: DEFAULT_MODEL,
        CONF_NUM_CTX: 8192,
        CONF_KEEP_ALIVE: "30m",
        CONF_TIMEOUT: 10.0,
    }
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED


async def test_server_unreachable(hass: HomeAssistant, socket_enabled: None) -> None:
    result = await _server_form(hass, "ollama", f"http://127.0.0.1:{free_port()}")
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


@pytest.mark.parametrize("failure", ["http_500", "garbage", "empty"])
async def test_server_failing_or_not_a_vlm(
    hass: HomeAssistant, vlm_server: StandInVLM, failure: str
) -> None:
    vlm_server.fail_next(failure)
    result = await _server_form(hass, "ollama", vlm_server.url)
    assert result["errors"] == {"base": "cannot_connect"}
    # The user retries once the server is fixed: nothing was lost.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "ollama", CONF_URL: vlm_server.url}
    )
    assert result["step_id"] == "model"


async def test_server_wrong_api_speaks_other_protocol(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    """An Ollama URL entered as OpenAI-compatible still works (Ollama serves /v1)."""
    result = await _server_form(hass, "openai", vlm_server.url)
    assert result["step_id"] == "model"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODEL: DEFAULT_MODEL, **MODEL_INPUT}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED
    assert any(r.path == "/v1/models" for r in vlm_server.requests)


async def test_server_api_key(hass: HomeAssistant, socket_enabled: None) -> None:
    server = StandInVLM(api_key="let-me-in")
    await server.start()
    try:
        result = await _server_form(hass, "openai", server.url + "/v1", api_key="wrong")
        assert result["errors"] == {"base": "invalid_auth"}
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"],
            {CONF_BACKEND: "openai", CONF_URL: server.url + "/v1", CONF_API_KEY: "let-me-in"},
        )
        assert result["step_id"] == "model"
        assert server.requests[-1].headers["Authorization"] == "Bearer let-me-in"
    finally:
        await server.stop()


async def test_server_without_models(hass: HomeAssistant, socket_enabled: None) -> None:
    server = StandInVLM(models=[])
    await server.start()
    try:
        result = await _server_form(hass, "ollama", server.url)
        assert result["errors"] == {"base": "no_models"}
    finally:
        await server.stop()


async def test_unknown_model(hass: HomeAssistant, vlm_server: StandInVLM) -> None:
    result = await _server_form(hass, "ollama", vlm_server.url)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODEL: "llava:34b", **MODEL_INPUT}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_MODEL: "model_not_found"}
    assert hass.config_entries.async_entries(DOMAIN) == []


async def test_same_server_and_model_only_once(hass: HomeAssistant, vlm_server: StandInVLM) -> None:
    await add_server(hass, vlm_server)
    result = await _server_form(hass, "ollama", vlm_server.url)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODEL: DEFAULT_MODEL, **MODEL_INPUT}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reconfigure_server_to_another_model(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    vlm_server.models = [DEFAULT_MODEL, "llava:7b"]
    entry = await add_server(hass, vlm_server)
    result = await start_reconfigure(hass, entry)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "ollama", CONF_URL: vlm_server.url}
    )
    assert result["step_id"] == "model"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODEL: "llava:7b", **MODEL_INPUT, CONF_KEEP_ALIVE: "-1"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert entry.data[CONF_MODEL] == "llava:7b"
    assert entry.data[CONF_KEEP_ALIVE] == "-1"
    assert entry.title == f"llava:7b @ 127.0.0.1:{vlm_server.port}"
    assert entry.state is ConfigEntryState.LOADED
    assert entry.runtime_data.client.settings.model == "llava:7b"


async def test_reconfigure_server_unreachable_keeps_old_settings(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    entry = await add_server(hass, vlm_server)
    result = await start_reconfigure(hass, entry)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "ollama", CONF_URL: f"http://127.0.0.1:{free_port()}"}
    )
    assert result["errors"] == {"base": "cannot_connect"}
    assert entry.data[CONF_URL] == vlm_server.url


async def test_reconfigure_onto_another_entry_aborts(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    vlm_server.models = [DEFAULT_MODEL, "llava:7b"]
    first = await add_server(hass, vlm_server)
    second = await add_server(hass, vlm_server, model="llava:7b")
    result = await start_reconfigure(hass, second)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_BACKEND: "ollama", CONF_URL: vlm_server.url}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODEL: DEFAULT_MODEL, **MODEL_INPUT}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert second.data[CONF_MODEL] == "llava:7b"
    assert first.data[CONF_MODEL] == DEFAULT_MODEL


async def test_setup_retries_while_server_is_down(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    entry = await add_server(hass, vlm_server)
    vlm_server.fail_always("http_500")
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY
    assert "HTTP 500" in entry.reason


async def test_setup_fails_when_model_was_removed(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    entry = await add_server(hass, vlm_server)
    vlm_server.models = ["llava:7b"]
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert DEFAULT_MODEL in entry.reason


# ------------------------------------------------------------------- cameras
async def _camera_form(hass: HomeAssistant, entry_id: str, url: str) -> dict:
    result = await hass.config_entries.subentries.async_init(
        (entry_id, SUBENTRY_CAMERA), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    return await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**CAMERA_INPUT, CONF_RTSP_URL: url},
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
        (lambda cam: cam.url_with(password="wrong"), "invalid_auth"),
        (lambda cam: cam.url_with(user="nobody", password="x"), "invalid_auth"),
        (lambda cam: cam.url_with(path="/nothing-here"), "stream_not_found"),
        (lambda cam: f"rtsp://127.0.0.1:{free_port()}/stream", "cannot_connect"),
    ],
    ids=["http", "empty", "wrong-password", "wrong-user", "wrong-path", "nothing-listening"],
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
            CONF_RTSP_URL: camera.url,
            CONF_INTERVAL: 2,
            CONF_ALERT_HOLD: 60,
            CONF_FALLBACK_INTERVAL: 0,
            CONF_MOTION: {"threshold": 40, "min_area": 400},
        },
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    subentry = entry.subentries[subentry_id]
    assert subentry.title == "Front gate"
    assert subentry.data[CONF_INTERVAL] == 2.0
    assert subentry.data[CONF_ALERT_HOLD] == 60.0
    assert subentry.data[CONF_MOTION]["threshold"] == 40.0
    assert subentry.data[CONF_MOTION]["merge_distance"] == 50.0
    camera_monitor = entry.runtime_data.cameras[subentry_id]
    assert camera_monitor.interval == 2.0
    assert camera_monitor.settings.fallback_interval == 0.0
    assert camera_monitor.settings.motion.threshold == 40
    assert camera_monitor.settings.motion.min_area == 400.0
    await hass.config_entries.async_unload(entry.entry_id)


async def test_camera_with_a_broken_substream(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    entry = await add_server(hass, vlm_server)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_CAMERA), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            **CAMERA_INPUT,
            CONF_RTSP_URL: camera.url,
            CONF_DETECT_URL: camera.url_with(path="/sub"),
        },
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
