"""Fixtures shared by the whole suite: real RTSP servers and the stand-in VLM."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Generator, Iterator
from pathlib import Path
import subprocess
from typing import Any

import aiohttp
from homeassistant.core import HomeAssistant
from hypothesis import settings
import pytest

from .guards import (
    CAMERA_PASSWORD,
    CAMERA_USER,
    MARKERS,
    WARNINGS_KEY,
    Guard,
    RecordedWarnings,
    finish as finish_guard,
    guard,
)
from .harness.rtsp import RtspServer, footage
from .harness.vlm_server import StandInVLM

# Property tests draw the same examples on every run and machine, and have no
# time limit per example: a loaded CI machine must not turn them red. New
# examples come when the tests change, not at random on someone's submission.
settings.register_profile("vlm_guard", derandomize=True, deadline=None, database=None)
settings.load_profile("vlm_guard")

__all__ = ["CAMERA_PASSWORD", "CAMERA_USER", "guard"]

PERSON_CLIP = "one-by-one-person-detection.mp4"
CAR_CLIP = "car-detection.mp4"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/vlm_guard."""


@pytest.fixture(autouse=True)
def media_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """Keep alert snapshots, and the incident store, in the test's own folders."""
    folder = tmp_path / "media"
    hass.config.media_dirs = {"local": str(folder)}
    config = tmp_path / "config"
    config.mkdir(exist_ok=True)
    hass.config.config_dir = str(config)
    return folder


@pytest.fixture(autouse=True)
def no_password_anywhere(guard: Guard) -> Guard:
    """Fail any test that shows a camera password, logs an error or uses a deprecated API.

    The checks themselves run from pytest_runtest_teardown below, once every
    fixture (Home Assistant itself included) is torn down.
    """
    return guard


def pytest_configure(config: pytest.Config) -> None:
    """Register the markers the guards understand."""
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None]:
    """Record warnings from the first fixture on."""
    item.stash[WARNINGS_KEY] = RecordedWarnings()
    return (yield)


@pytest.hookimpl(wrapper=True, trylast=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None]:
    """Run the guards' final checks after every fixture is torn down.

    trylast keeps this inside pytest's log capture, so the records logged while
    fixtures were torn down are still there to check.
    """
    try:
        result = yield
    finally:
        finish_guard(item)
    return result


@pytest.fixture
def rtsp_server(socket_enabled: None) -> Iterator[Callable[..., RtspServer]]:
    """Start real RTSP servers on demand; every one is stopped after the test.

    Like a real camera each asks for the camera credentials, unless the test
    passes its own (`user=None` for a server without any).
    """
    servers: list[RtspServer] = []

    def start(clip: str | Path | None = PERSON_CLIP, **kwargs: Any) -> RtspServer:
        kwargs.setdefault("user", CAMERA_USER)
        kwargs.setdefault("password", CAMERA_PASSWORD)
        file = clip if isinstance(clip, Path) else footage(clip) if clip else None
        server = RtspServer(file=file, **kwargs)
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
