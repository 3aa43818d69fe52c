"""Config flow of the VLM server: every error path, reconfiguring, reauthentication."""

from __future__ import annotations

from homeassistant.components.demo.stt import DemoProviderEntity
from homeassistant.components.stt import DATA_COMPONENT as STT_COMPONENT
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntry, ConfigEntryState
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
import pytest

from custom_components.vlm_guard.const import (
    CONF_BACKEND,
    CONF_KEEP_ALIVE,
    CONF_MODEL,
    CONF_NUM_CTX,
    CONF_TIMEOUT,
    CONF_TRANSCRIBER,
    CONF_WHISPER_COMPUTE_TYPE,
    CONF_WHISPER_DEVICE,
    CONF_WHISPER_MODEL,
    DOMAIN,
)

from .harness.rtsp import free_port
from .harness.vlm_server import DEFAULT_MODEL, StandInVLM
from .helpers import add_server, start_reconfigure

MODEL_INPUT = {CONF_NUM_CTX: 4096, CONF_KEEP_ALIVE: "30m", CONF_TIMEOUT: 10}


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


async def test_same_server_only_once(hass: HomeAssistant, vlm_server: StandInVLM) -> None:
    entry = await add_server(hass, vlm_server)
    # The entry is told apart by its id, never by an id made of its URL.
    assert entry.unique_id is None
    asked = len(vlm_server.requests)
    result = await _server_form(hass, "openai", vlm_server.url + "/")
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    # The same server is recognised before it is asked anything.
    assert len(vlm_server.requests) == asked
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1


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
    other = StandInVLM(models=["llava:7b"])
    await other.start()
    try:
        first = await add_server(hass, vlm_server)
        second = await add_server(hass, other, model="llava:7b")
        result = await start_reconfigure(hass, second)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], {CONF_BACKEND: "ollama", CONF_URL: vlm_server.url}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "already_configured"
        assert second.data[CONF_URL] == other.url
        assert first.data[CONF_URL] == vlm_server.url
        await hass.config_entries.async_unload(second.entry_id)
    finally:
        await other.stop()


async def _openai_entry(hass: HomeAssistant, server: StandInVLM, api_key: str) -> ConfigEntry:
    result = await _server_form(hass, "openai", server.url + "/v1", api_key=api_key)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_MODEL: DEFAULT_MODEL, **MODEL_INPUT}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    return result["result"]


async def test_reauth_saves_a_new_api_key(hass: HomeAssistant, socket_enabled: None) -> None:
    server = StandInVLM(api_key="first-key")
    await server.start()
    try:
        entry = await _openai_entry(hass, server, "first-key")
        assert entry.state is ConfigEntryState.LOADED
        # The key is changed on the server: the stored one is refused from now on.
        server.api_key = "second-key"
        await hass.config_entries.async_reload(entry.entry_id)
        # The refusal itself asks the user for the new key.
        assert entry.state is ConfigEntryState.SETUP_ERROR
        (flow,) = entry.async_get_active_flows(hass, {SOURCE_REAUTH})
        assert flow["step_id"] == "reauth_confirm"

        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_API_KEY: "first-key"}
        )
        assert result["errors"] == {"base": "invalid_auth"}
        server.fail_next("http_500")
        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_API_KEY: "second-key"}
        )
        assert result["errors"] == {"base": "cannot_connect"}
        assert entry.data[CONF_API_KEY] == "first-key"

        result = await hass.config_entries.flow.async_configure(
            flow["flow_id"], {CONF_API_KEY: " second-key "}
        )
        assert result["type"] is FlowResultType.ABORT
        assert result["reason"] == "reauth_successful"
        await hass.async_block_till_done()
        assert entry.data[CONF_API_KEY] == "second-key"
        assert entry.state is ConfigEntryState.LOADED
        assert entry.runtime_data.client.settings.api_key == "second-key"
        await hass.config_entries.async_unload(entry.entry_id)
    finally:
        await server.stop()


async def test_setup_goes_on_while_server_is_down(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    """An unreachable server is a repair issue, not an entry waiting to be retried."""
    entry = await add_server(hass, vlm_server)
    vlm_server.fail_always("http_500")
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"vlm_unreachable_{entry.entry_id}")
    assert issue is not None
    assert "HTTP 500" in issue.translation_placeholders["error"]
    await hass.config_entries.async_unload(entry.entry_id)


async def test_setup_goes_on_when_model_was_removed(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    """A model missing on the server is a repair issue naming it, not a dead entry."""
    entry = await add_server(hass, vlm_server)
    vlm_server.models = ["llava:7b"]
    await hass.config_entries.async_reload(entry.entry_id)
    assert entry.state is ConfigEntryState.LOADED
    issue = ir.async_get(hass).async_get_issue(DOMAIN, f"model_missing_{entry.entry_id}")
    assert issue is not None
    assert issue.translation_placeholders["model"] == DEFAULT_MODEL
    await hass.config_entries.async_unload(entry.entry_id)


async def test_whisper_settings_only_with_whisper(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    """faster-whisper's model, device and compute type are asked only when it is the choice."""
    assert await async_setup_component(hass, "stt", {})
    await hass.data[STT_COMPONENT].async_add_entities([DemoProviderEntity()])
    whisper_keys = {CONF_WHISPER_MODEL, CONF_WHISPER_DEVICE, CONF_WHISPER_COMPUTE_TYPE}
    entry = await add_server(hass, vlm_server)

    # faster-whisper is the default: its settings are on the form.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert whisper_keys <= set(result["data_schema"].schema)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {CONF_TRANSCRIBER: "stt.demo_stt", CONF_WHISPER_MODEL: "small.en"},
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_TRANSCRIBER] == "stt.demo_stt"

    # With a speech-to-text entity chosen they do not apply, and are not shown.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert not whisper_keys & set(result["data_schema"].schema)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_TRANSCRIBER: "stt.demo_stt"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_WHISPER_MODEL] == "small.en"

    # Switching back to faster-whisper asks for its settings next, as they were.
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_TRANSCRIBER: "whisper"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "whisper"
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description
    }
    assert suggested[CONF_WHISPER_MODEL] == "small.en"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_WHISPER_MODEL: "tiny.en",
            CONF_WHISPER_DEVICE: "cpu",
            CONF_WHISPER_COMPUTE_TYPE: "int8",
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert entry.options[CONF_TRANSCRIBER] == "whisper"
    assert entry.options[CONF_WHISPER_MODEL] == "tiny.en"
    await hass.config_entries.async_unload(entry.entry_id)
