"""Issue-level behaviour of the VLM side: bounds, thinking, memory, fallback, repeats, stats."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import timedelta
from unittest.mock import PropertyMock, patch

import aiohttp
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
import numpy as np
import pytest
from pytest_homeassistant_custom_component.common import async_fire_time_changed

from custom_components.vlm_guard.const import CONF_FALLBACK, CONF_MAX_CONCURRENT, DOMAIN
from custom_components.vlm_guard.core.fingerprint import RepeatMemory, dhash, distance
from custom_components.vlm_guard.core.prompt import DEFAULT_PROMPT, build_prompt
from custom_components.vlm_guard.core.vlm import VLMSettings, create_client

from .harness.rtsp import RtspServer
from .harness.vlm_server import DEFAULT_MODEL, StandInVLM
from .helpers import add_camera, add_server, entity_id, wait_for

JPEG = b"\xff\xd8\xff\xe0 not really a jpeg \xff\xd9"


@pytest.mark.parametrize("backend", ["ollama", "openai"])
async def test_concurrency_is_bounded(
    session: aiohttp.ClientSession, stand_in: StandInVLM, backend: str
) -> None:
    """N+3 crops at once: never more than N requests in flight, all answered."""
    stand_in.delay = 0.3
    client = create_client(
        session,
        VLMSettings(backend=backend, url=stand_in.url, model=DEFAULT_MODEL, max_concurrent=2),
    )
    answers = await asyncio.gather(*(client.analyze(JPEG) for _ in range(5)))
    assert len(answers) == 5
    assert stand_in.max_in_flight == 2
    assert len(stand_in.chat_requests) == 5


async def test_thinking_is_turned_off_only_for_thinking_models(
    session: aiohttp.ClientSession, stand_in: StandInVLM
) -> None:
    client = create_client(
        session, VLMSettings(backend="ollama", url=stand_in.url, model=DEFAULT_MODEL)
    )
    info = await client.model_info()
    assert info is not None
    assert info.context_length == 128000
    await client.analyze(JPEG)
    assert "think" not in stand_in.chat_requests[-1].body

    stand_in.capabilities = ["completion", "vision", "thinking"]
    await client.model_info()
    await client.analyze(JPEG)
    assert stand_in.chat_requests[-1].body["think"] is False


def test_fingerprint_and_repeat_memory() -> None:
    rng = np.random.default_rng(3)
    image = rng.integers(0, 255, (120, 80, 3), dtype=np.uint8)
    noisy = np.clip(image.astype(int) + rng.integers(-4, 5, image.shape), 0, 255).astype(np.uint8)
    other = rng.integers(0, 255, (120, 80, 3), dtype=np.uint8)
    assert distance(dhash(image), dhash(noisy)) <= 5
    assert distance(dhash(image), dhash(other)) > 10

    memory: RepeatMemory[str] = RepeatMemory(window=30)
    memory.remember(dhash(image), 100.0, "CLEAR: a flag")
    assert memory.recall(dhash(noisy), 110.0) == "CLEAR: a flag"
    assert memory.recall(dhash(other), 110.0) is None
    assert memory.recall(dhash(noisy), 131.0) is None  # too old
    off: RepeatMemory[str] = RepeatMemory(window=0)
    off.remember(dhash(image), 100.0, "x")
    assert off.recall(dhash(image), 100.0) is None


def test_prompt_with_context() -> None:
    assert build_prompt() == DEFAULT_PROMPT
    assert build_prompt("  ", None) == DEFAULT_PROMPT
    prompt = build_prompt("Is anyone at the door?", "The road beyond the gate is public.")
    assert prompt.startswith("Is anyone at the door?")
    assert prompt.endswith("About this camera and property: The road beyond the gate is public.")


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Enable the entities that are off by default (as Home Assistant's own tests do)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


async def test_camera_prompt_stats_and_repeats(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    entity_registry_enabled_by_default: None,
) -> None:
    """The camera's own question and context reach the VLM; stats sensors count the calls."""
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(
        hass,
        entry,
        camera.url,
        vlm={"prompt": "Is there a person? Answer JSON.", "context": "Nobody lives here."},
    )
    assert await wait_for(hass, lambda: len(vlm_server.chat_requests) >= 3, 30)
    content = vlm_server.chat_requests[0].body["messages"][0]["content"]
    assert content.startswith("Is there a person? Answer JSON.")
    assert "About this camera and property: Nobody lives here." in content

    # The third request was received; its answer is counted once the tick finishes.
    calls_id = entity_id(hass, "sensor", f"{subentry_id}_vlm_calls_today")
    server_calls_id = entity_id(hass, "sensor", f"{entry.entry_id}_vlm_calls_today")
    assert await wait_for(hass, lambda: int(hass.states.get(calls_id).state) >= 3, 10)
    assert await wait_for(hass, lambda: int(hass.states.get(server_calls_id).state) >= 3, 10)
    latency = hass.states.get(entity_id(hass, "sensor", f"{subentry_id}_vlm_latency"))
    assert float(latency.state) >= 0
    assert latency.attributes["unit_of_measurement"] == "ms"
    unparseable = hass.states.get(entity_id(hass, "sensor", f"{subentry_id}_vlm_unparseable"))
    assert unparseable.state == "0"

    vlm_server.answer = ""
    assert await wait_for(
        hass,
        lambda: int(
            hass.states.get(entity_id(hass, "sensor", f"{subentry_id}_vlm_unparseable")).state
        )
        >= 1,
        20,
    )
    await hass.config_entries.async_unload(entry.entry_id)


async def test_oversized_context_raises_and_clears_a_repair_issue(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> None:
    vlm_server.loaded = {DEFAULT_MODEL: 131072}
    entry = await add_server(hass, vlm_server)
    issue_id = f"oversized_context_{entry.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["loaded"] == "131072"
    assert issue.translation_placeholders["num_ctx"] == "4096"
    vram = hass.states.get(entity_id(hass, "sensor", f"{entry.entry_id}_vram"))
    assert float(vram.state) > 6  # GB
    assert vram.attributes["context_length"] == 131072

    # The model is reloaded with our context: the next check clears the issue.
    vlm_server.loaded = {DEFAULT_MODEL: 4096}
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=61))
    await hass.async_block_till_done(wait_background_tasks=True)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None
    assert (
        hass.states.get(entity_id(hass, "sensor", f"{entry.entry_id}_vram")).attributes[
            "context_length"
        ]
        == 4096
    )


async def test_fallback_server_takes_over(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    backup = StandInVLM(models=["llava:7b"])
    await backup.start()
    try:
        primary = await add_server(hass, vlm_server)
        secondary = await add_server(hass, backup, model="llava:7b")
        result = await hass.config_entries.options.async_init(primary.entry_id)
        assert result["type"] is FlowResultType.FORM
        result = await hass.config_entries.options.async_configure(
            result["flow_id"], {CONF_MAX_CONCURRENT: 3, CONF_FALLBACK: secondary.entry_id}
        )
        assert result["type"] is FlowResultType.CREATE_ENTRY
        await hass.async_block_till_done()
        assert primary.runtime_data.client.settings.max_concurrent == 3

        subentry_id = await add_camera(hass, primary, camera.url)
        alert_id = entity_id(hass, "binary_sensor", f"{subentry_id}_alert")
        vlm_server.fail_always("http_500")
        assert await wait_for(hass, lambda: hass.states.get(alert_id).state == "on", 30)
        assert backup.chat_requests
        assert all(r.body["model"] == "llava:7b" for r in backup.chat_requests)
        connected = entity_id(hass, "binary_sensor", f"{primary.entry_id}_server_connected")
        assert hass.states.get(connected).state == "off"
        await hass.config_entries.async_unload(primary.entry_id)
        await hass.config_entries.async_unload(secondary.entry_id)
    finally:
        await backup.stop()


async def test_options_without_fallback(hass: HomeAssistant, vlm_server: StandInVLM) -> None:
    entry = await add_server(hass, vlm_server)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_MAX_CONCURRENT: 1, CONF_FALLBACK: "none"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert entry.options[CONF_MAX_CONCURRENT] == 1
    assert CONF_FALLBACK not in entry.options
    # Speech recognition defaults to the built-in faster-whisper with base.en on the CPU.
    assert entry.options["transcriber"] == "whisper"
    assert entry.options["whisper_model"] == "base.en"


async def test_camera_phrases_turn_an_answer_clear(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """The owner's own 'not our property' phrase decides like the built-in ones."""
    vlm_server.answer = "ALERT: A man is standing in the neighbour's garden."
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(
        hass,
        entry,
        camera.url,
        vlm={"extra_locations": "in the neighbour's garden,\nat the bus stop", "repeat_window": 0},
    )
    description = entity_id(hass, "sensor", f"{subentry_id}_description")
    assert await wait_for(hass, lambda: hass.states.get(description).state != "unknown", 30)
    await wait_for(hass, lambda: len(vlm_server.chat_requests) >= 3, 20)
    state = hass.states.get(description)
    assert state.attributes["verdict"] == "CLEAR"
    assert state.attributes["rule"] == "location"
    assert hass.states.get(entity_id(hass, "binary_sensor", f"{subentry_id}_alert")).state == "off"
    await hass.config_entries.async_unload(entry.entry_id)
