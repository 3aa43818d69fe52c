"""The stand-in VLM server answers the way the real APIs do (streamed and plain)."""

from __future__ import annotations

from collections.abc import AsyncIterator
import json

import aiohttp
import pytest

from .harness.vlm_server import DEFAULT_ANSWER, DEFAULT_MODEL, StandInVLM


@pytest.fixture
async def server(socket_enabled: None) -> AsyncIterator[StandInVLM]:
    stand_in = StandInVLM()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


async def test_ollama_streamed_chat_is_ndjson(server: StandInVLM) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{server.url}/api/chat",
            json={"model": DEFAULT_MODEL, "messages": [], "options": {"num_ctx": 2048}},
        ) as response,
    ):
        lines = [json.loads(line) for line in (await response.text()).splitlines()]
    assert "".join(line["message"]["content"] for line in lines) == DEFAULT_ANSWER
    assert [line["done"] for line in lines][-2:] == [False, True]
    assert lines[-1]["done_reason"] == "stop"


async def test_ollama_show_and_ps(server: StandInVLM) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.post(
            f"{server.url}/api/show", json={"model": DEFAULT_MODEL}
        ) as response:
            show = await response.json()
        async with session.post(f"{server.url}/api/show", json={"model": "nope"}) as response:
            assert response.status == 404
        async with session.get(f"{server.url}/api/ps") as response:
            assert (await response.json())["models"] == []
        async with session.post(
            f"{server.url}/api/chat",
            json={
                "model": DEFAULT_MODEL,
                "messages": [],
                "stream": False,
                "options": {"num_ctx": 4096},
            },
        ) as response:
            assert (await response.json())["message"]["content"] == DEFAULT_ANSWER
        async with session.get(f"{server.url}/api/ps") as response:
            (loaded,) = (await response.json())["models"]
    assert show["model_info"]["qwen25vl.context_length"] == 128000
    assert "vision" in show["capabilities"]
    assert loaded["context_length"] == 4096


async def test_openai_streamed_chat_is_sse(server: StandInVLM) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{server.url}/v1/chat/completions",
            json={"model": DEFAULT_MODEL, "messages": [], "stream": True},
        ) as response,
    ):
        events = [
            line.removeprefix("data: ")
            for line in (await response.text()).splitlines()
            if line.startswith("data: ")
        ]
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    text = "".join(chunk["choices"][0]["delta"].get("content", "") for chunk in chunks)
    assert text == DEFAULT_ANSWER
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


async def test_scripted_answers_and_failures(server: StandInVLM) -> None:
    server.answer = lambda request: f"CLEAR: {len(request.images())} images"
    server.fail_next("http_500")
    payload = {
        "model": DEFAULT_MODEL,
        "messages": [{"role": "user", "content": "x", "images": []}],
        "stream": False,
    }
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{server.url}/api/chat", json=payload) as response:
            assert response.status == 500
        async with session.post(f"{server.url}/api/chat", json=payload) as response:
            assert (await response.json())["message"]["content"] == "CLEAR: 0 images"
    assert len(server.chat_requests) == 2
