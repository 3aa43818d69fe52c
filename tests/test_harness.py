"""The test harness: the stand-in VLM server and the real RTSP server's audio."""

from __future__ import annotations

from collections.abc import AsyncIterator
import json
from pathlib import Path

import aiohttp
import av
import numpy as np
import pytest

from .conftest import CAMERA_PASSWORD, CAMERA_USER
from .harness.rtsp import RtspServer
from .harness.vlm_server import DEFAULT_ANSWER, DEFAULT_MODEL, StandInVLM
from .speech import write_av_clip


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


def _remux(source: Path, target: Path) -> Path:
    """Copy a file's tracks as they are into another container."""
    with av.open(str(source)) as inp, av.open(str(target), "w") as out:
        streams = {stream.index: out.add_stream_from_template(stream) for stream in inp.streams}
        for packet in inp.demux():
            if packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    return target


def _served_audio(url: str) -> tuple[str, int, np.ndarray]:
    """Read the whole served clip; return its audio codec, rate and 16 kHz samples."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=16000)
    options = {"rtsp_transport": "tcp", "timeout": "5000000"}
    with av.open(url, options=options, timeout=10) as container:
        audio = container.streams.audio[0]
        codec, rate = audio.codec_context.name, audio.codec_context.sample_rate
        pieces = [
            out.to_ndarray().reshape(-1)
            for frame in container.decode(audio=0)
            for out in resampler.resample(frame)
        ]
    return codec, rate, np.concatenate(pieces)


@pytest.mark.parametrize(
    ("file_codec", "container", "served", "expected"),
    [
        ("aac", ".mp4", "aac", ("aac", 16000)),
        ("aac", ".mp4", "pcmu", ("pcm_mulaw", 8000)),
        ("pcm_alaw", ".mov", "pcma", ("pcm_alaw", 8000)),
        ("aac", ".mkv", "pcmu", ("pcm_mulaw", 8000)),
    ],
)
def test_rtsp_server_serves_the_audio_track(
    socket_enabled: None,
    tmp_path: Path,
    file_codec: str,
    container: str,
    served: str,
    expected: tuple[str, int],
) -> None:
    clip = write_av_clip(
        tmp_path / "clip", seconds=2.5, speech=[(0.8, "Help!")], audio_codec=file_codec
    )
    if clip.suffix != container:
        clip = _remux(clip, clip.with_suffix(container))
    server = RtspServer(
        file=clip, audio=True, audio_codec=served, user=CAMERA_USER, password=CAMERA_PASSWORD
    )
    server.start()
    try:
        codec, rate, samples = _served_audio(server.url)
    finally:
        server.stop()
    assert (codec, rate) == expected
    # The voice made it through (re-encoding included), and the silence stayed silent.
    assert len(samples) > 2 * 16000
    assert np.sqrt(np.mean(samples[:8000] ** 2)) < 0.003
    assert np.sqrt(np.mean(samples[14000:24000] ** 2)) > 0.01
