"""VLM clients against the stand-in server: request shape and every failure."""

from __future__ import annotations

import aiohttp
import pytest

from custom_components.vlm_guard.core.prompt import VERDICT_SCHEMA
from custom_components.vlm_guard.core.vlm import (
    VLMAuthError,
    VLMConnectionError,
    VLMModelNotFoundError,
    VLMResponseError,
    VLMSettings,
    create_client,
)

from .harness.rtsp import free_port
from .harness.vlm_server import DEFAULT_MODEL, StandInVLM

JPEG = b"\xff\xd8\xff\xe0fake-jpeg-bytes\xff\xd9"


@pytest.fixture
def server(stand_in: StandInVLM) -> StandInVLM:
    return stand_in


def _settings(server: StandInVLM, **overrides: object) -> VLMSettings:
    values: dict = {"backend": "ollama", "url": server.url, "model": DEFAULT_MODEL}
    values.update(overrides)
    return VLMSettings(**values)


async def test_ollama_request_shape(session: aiohttp.ClientSession, server: StandInVLM) -> None:
    client = create_client(session, _settings(server, num_ctx=8192, keep_alive="-1"))
    answer = await client.analyze(JPEG, "Is anyone there?")
    assert "ALERT" in answer.text
    assert answer.model == DEFAULT_MODEL
    (request,) = server.chat_requests
    assert request.path == "/api/chat"
    body = request.body
    assert body["model"] == DEFAULT_MODEL
    assert body["stream"] is False
    assert body["options"]["num_ctx"] == 8192
    assert body["keep_alive"] == -1  # a bare number is seconds for Ollama
    assert body["format"] == VERDICT_SCHEMA
    assert body["messages"][0]["content"] == "Is anyone there?"
    assert request.images() == [JPEG]


async def test_ollama_duration_keep_alive(
    session: aiohttp.ClientSession, server: StandInVLM
) -> None:
    await create_client(session, _settings(server, keep_alive="30m")).analyze(JPEG)
    assert server.chat_requests[0].body["keep_alive"] == "30m"


async def test_openai_request_shape(session: aiohttp.ClientSession, server: StandInVLM) -> None:
    client = create_client(session, _settings(server, backend="openai", api_key="k"))
    assert await client.list_models() == [DEFAULT_MODEL]
    answer = await client.analyze(JPEG, "Is anyone there?")
    assert "ALERT" in answer.text
    (request,) = server.chat_requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == "Bearer k"
    content = request.body["messages"][0]["content"]
    assert content[0] == {"type": "text", "text": "Is anyone there?"}
    assert content[1]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    assert request.body["response_format"]["json_schema"]["schema"] == VERDICT_SCHEMA
    assert request.images() == [JPEG]


@pytest.mark.parametrize("backend", ["ollama", "openai"])
async def test_server_error_is_a_connection_error(
    session: aiohttp.ClientSession, server: StandInVLM, backend: str
) -> None:
    server.fail_next("http_500")
    with pytest.raises(VLMConnectionError, match="HTTP 500"):
        await create_client(session, _settings(server, backend=backend)).analyze(JPEG)


@pytest.mark.parametrize("backend", ["ollama", "openai"])
async def test_garbage_is_a_response_error(
    session: aiohttp.ClientSession, server: StandInVLM, backend: str
) -> None:
    server.fail_next("garbage")
    with pytest.raises(VLMResponseError, match="not JSON"):
        await create_client(session, _settings(server, backend=backend)).analyze(JPEG)


@pytest.mark.parametrize("backend", ["ollama", "openai"])
async def test_slow_server_times_out(
    session: aiohttp.ClientSession, server: StandInVLM, backend: str
) -> None:
    # The stand-in hangs until it is stopped: only the client's own timeout ends the call.
    server.fail_next("timeout")
    with pytest.raises(VLMConnectionError, match=r"within 0\.5 s"):
        await create_client(session, _settings(server, backend=backend, timeout=0.5)).analyze(JPEG)


@pytest.mark.parametrize("backend", ["ollama", "openai"])
async def test_unknown_model(
    session: aiohttp.ClientSession, server: StandInVLM, backend: str
) -> None:
    with pytest.raises(VLMModelNotFoundError):
        await create_client(session, _settings(server, backend=backend, model="nope")).analyze(JPEG)


async def test_refused_key(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    server = StandInVLM(api_key="right")
    await server.start()
    try:
        client = create_client(session, _settings(server, backend="openai", api_key="wrong"))
        with pytest.raises(VLMAuthError):
            await client.list_models()
    finally:
        await server.stop()


async def test_unreachable(session: aiohttp.ClientSession) -> None:
    settings = VLMSettings(backend="ollama", url=f"http://127.0.0.1:{free_port()}", model="m")
    with pytest.raises(VLMConnectionError, match="cannot reach"):
        await create_client(session, settings).list_models()


async def test_answer_without_message(session: aiohttp.ClientSession, server: StandInVLM) -> None:
    server.fail_next("empty")
    with pytest.raises(VLMResponseError):
        await create_client(session, _settings(server)).analyze(JPEG)


async def test_not_an_ollama_server(session: aiohttp.ClientSession, server: StandInVLM) -> None:
    """An OpenAI-only server's URL entered as Ollama: /api/tags is missing."""
    client = create_client(session, _settings(server, url=server.url + "/v1"))
    with pytest.raises(VLMResponseError):
        await client.list_models()
