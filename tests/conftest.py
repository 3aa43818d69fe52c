"""Fixtures shared by the whole suite: real RTSP servers and the stand-in VLM."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
import logging
from pathlib import Path
import subprocess
from typing import Any

import aiohttp
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
import pytest

from custom_components.vlm_guard.const import DOMAIN
from custom_components.vlm_guard.diagnostics import async_get_config_entry_diagnostics

from .harness.rtsp import RtspServer, footage
from .harness.vlm_server import StandInVLM

PERSON_CLIP = "one-by-one-person-detection.mp4"
CAR_CLIP = "car-detection.mp4"
CAMERA_USER = "admin"
CAMERA_PASSWORD = "Sup3r-Secret-pw"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/vlm_guard."""


@pytest.fixture(autouse=True)
def media_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Keep alert snapshots in the test's own folder."""
    folder = tmp_path / "media"
    hass.config.media_dirs = {"local": str(folder)}
    return folder


@pytest.fixture(autouse=True)
async def no_password_anywhere(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[None]:
    """Fail any test after which a camera password shows in a log line, event, state or diagnostics."""
    seen: list[str] = []

    @callback
    def _record(event: Event[Any]) -> None:
        seen.append(f"{event.event_type} {event.data!r}")

    unsub = hass.bus.async_listen(MATCH_ALL, _record)
    yield
    unsub()
    texts = list(seen)
    formatter = logging.Formatter()
    for when in ("setup", "call"):
        for record in caplog.get_records(when):
            texts.append(record.getMessage())
            if record.exc_info:
                texts.append(formatter.formatException(record.exc_info))
    texts += [f"{state.state} {state.attributes!r}" for state in hass.states.async_all()]
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            texts.append(repr(await async_get_config_entry_diagnostics(hass, entry)))
    leaks = [text[:300] for text in texts if CAMERA_PASSWORD in text]
    assert not leaks, f"the camera password leaked: {leaks}"


@pytest.fixture
def rtsp_server(socket_enabled: None) -> Iterator[Callable[..., RtspServer]]:
    """Start real RTSP servers on demand; every one is stopped after the test."""
    servers: list[RtspServer] = []

    def start(clip: str | None = PERSON_CLIP, **kwargs: Any) -> RtspServer:
        server = RtspServer(file=footage(clip) if clip else None, **kwargs)
        server.start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def camera(rtsp_server: Callable[..., RtspServer]) -> RtspServer:
    """A password-protected camera streaming people walking into a room."""
    return rtsp_server(PERSON_CLIP, user=CAMERA_USER, password=CAMERA_PASSWORD)


@pytest.fixture
async def session(socket_enabled: None) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session for testing the core clients without Home Assistant."""
    async with aiohttp.ClientSession() as client_session:
        yield client_session


@pytest.fixture
async def stand_in(socket_enabled: None) -> AsyncIterator[StandInVLM]:
    """The stand-in VLM server without Home Assistant."""
    server = StandInVLM()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def vlm_server(hass: HomeAssistant, socket_enabled: None) -> AsyncIterator[StandInVLM]:
    """The stand-in VLM server, on the test's event loop."""
    server = StandInVLM()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="session")
def person_substream_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The person clip at half resolution, as a camera's low-resolution substream."""
    path = tmp_path_factory.mktemp("substream") / "person-384x216.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(footage(PERSON_CLIP)), "-vf", "scale=384:216",
         "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-an", "-y", str(path)],
        check=True,
    )  # fmt: skip
    return path
