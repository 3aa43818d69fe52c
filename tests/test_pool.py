"""More than one GPU: two stand-in servers of different speeds asked as one pool."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import time

import aiohttp
from homeassistant.core import HomeAssistant
import pytest

from custom_components.vlm_guard.const import CONF_POOL_URLS, EVENT_ALERT
from custom_components.vlm_guard.core.pool import VLMPool, pool_settings
from custom_components.vlm_guard.core.vlm import VLMConnectionError, VLMSettings, create_client

from .harness.rtsp import RtspServer
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, listen, wait_for

IMAGE = b"\xff\xd8 a picture \xff\xd9"


@pytest.fixture
async def fast_and_slow(socket_enabled: None) -> AsyncIterator[tuple[StandInVLM, StandInVLM]]:
    """A fast server (50 ms an answer) and a slow one (400 ms)."""
    fast, slow = StandInVLM(), StandInVLM()
    fast.delay, slow.delay = 0.05, 0.4
    await fast.start()
    await slow.start()
    yield fast, slow
    await fast.stop()
    await slow.stop()


def _pool(
    session: aiohttp.ClientSession, *urls: str, limit: int = 2, retry_first: float = 5.0
) -> VLMPool:
    settings = VLMSettings(
        backend="ollama", url=urls[0], model="qwen2.5vl:7b", timeout=5.0, max_concurrent=limit
    )
    return VLMPool(
        session,
        [create_client(session, member) for member in pool_settings(settings, list(urls[1:]))],
    )


async def test_two_servers_share_the_work_by_speed(
    session: aiohttp.ClientSession, fast_and_slow: tuple[StandInVLM, StandInVLM]
) -> None:
    """Both work at once (more in flight than one allows); the slow one gets fewer questions."""
    fast, slow = fast_and_slow
    pool = _pool(session, fast.url, slow.url)
    answers = await asyncio.gather(*(pool.analyze(IMAGE) for _ in range(40)))
    assert len(answers) == 40
    assert fast.chat_requests
    assert slow.chat_requests
    assert len(slow.chat_requests) < len(fast.chat_requests)
    # Each keeps its own limit: together four questions were out at once.
    assert fast.max_in_flight == 2
    assert slow.max_in_flight == 2
    fast_stats, slow_stats = pool.stats()
    assert fast_stats["calls"] == len(fast.chat_requests)
    assert slow_stats["calls"] == len(slow.chat_requests)
    assert slow_stats["latency"] > fast_stats["latency"]


async def test_one_server_away_the_other_takes_all_then_they_share_again(
    session: aiohttp.ClientSession,
    fast_and_slow: tuple[StandInVLM, StandInVLM],
) -> None:
    """Stopped: skipped without losing a question. Back: asked again after its pause."""
    fast, slow = fast_and_slow
    slow.delay = 0.05
    pool = _pool(session, fast.url, slow.url, retry_first=0.5)
    port = slow.port
    await slow.stop()
    before = len(fast.chat_requests)
    answers = await asyncio.gather(*(pool.analyze(IMAGE) for _ in range(10)))
    assert len(answers) == 10
    assert len(fast.chat_requests) - before == 10
    (away,) = [item for item in pool.stats() if not item["healthy"]]
    assert "cannot reach" in away["last_error"]

    await slow.start(port)
    await asyncio.sleep(0.6)
    deadline = time.monotonic() + 10
    while not slow.chat_requests:
        assert time.monotonic() < deadline
        await asyncio.gather(*(pool.analyze(IMAGE) for _ in range(4)))
    assert all(item["healthy"] for item in pool.stats())

    # Both away: the question fails with the reason, as one server's would.
    await fast.stop()
    await slow.stop()
    with pytest.raises(VLMConnectionError, match="cannot reach"):
        await pool.analyze(IMAGE)


async def test_a_camera_is_judged_by_the_pool(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    fast_and_slow: tuple[StandInVLM, StandInVLM],
) -> None:
    """A server entry with another server in its options asks both."""
    _fast, other = fast_and_slow
    other.delay = 0.0
    vlm_server.delay = 0.3
    entry = await add_server(hass, vlm_server)
    flow = await hass.config_entries.options.async_init(entry.entry_id)
    flow = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {"max_concurrent": 1, "pool_urls": "not a url", "transcriber": "whisper",
         "whisper_model": "base.en", "whisper_device": "cpu", "whisper_compute_type": "int8"},
    )  # fmt: skip
    assert flow["errors"] == {CONF_POOL_URLS: "invalid_pool_url"}
    flow = await hass.config_entries.options.async_configure(
        flow["flow_id"],
        {"max_concurrent": 1, "pool_urls": f"{other.url}\n", "transcriber": "whisper",
         "whisper_model": "base.en", "whisper_device": "cpu", "whisper_compute_type": "int8"},
    )  # fmt: skip
    await hass.async_block_till_done()
    assert entry.options[CONF_POOL_URLS] == [other.url]
    assert isinstance(entry.runtime_data.client, VLMPool)
    alerts = listen(hass, EVENT_ALERT)
    await add_camera(hass, entry, camera.url, interval=1.0, fallback_interval=2.0)
    assert await wait_for(
        hass, lambda: bool(vlm_server.chat_requests) and bool(other.chat_requests), 60
    )
    assert alerts
    await hass.config_entries.async_unload(entry.entry_id)
