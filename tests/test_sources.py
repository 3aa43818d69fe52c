"""Cameras already in Home Assistant as sources: their stream, followed, or their pictures."""

from __future__ import annotations

from pathlib import Path
import subprocess

from homeassistant.components.camera import DATA_COMPONENT, Camera
from homeassistant.const import CONF_NAME
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.setup import async_setup_component
import pytest

from custom_components.vlm_guard.const import EVENT_ALERT, SUBENTRY_CAMERA
from custom_components.vlm_guard.core.settings import (
    CONF_CAMERA_ENTITY,
    CONF_INTERVAL,
    CONF_MOTION,
    CONF_RTSP_URL,
    CONF_VLM,
)
from custom_components.vlm_guard.core.stills import StillReader

from .conftest import CAMERA_PASSWORD, PERSON_CLIP
from .harness.rtsp import RtspServer, footage
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, start_camera_reconfigure, wait_for

ALERT = "ALERT: a man in a grey coat walks in."


class StreamingCamera(Camera):
    """A camera of another integration that knows its stream's address (and password)."""

    _attr_name = "Front door"

    def __init__(self, url: str) -> None:
        """Serve `url` as the stream source."""
        super().__init__()
        self.url = url

    async def stream_source(self) -> str | None:
        """Return the stream, credentials included, as integrations such as Reolink do."""
        return self.url


class StillCamera(Camera):
    """A camera of another integration that only gives pictures."""

    _attr_name = "Garden"

    def __init__(self, pictures: list[bytes]) -> None:
        """Hand out `pictures` in turn."""
        super().__init__()
        self.pictures = pictures
        self.asked = 0

    async def async_camera_image(
        self, width: int | None = None, height: int | None = None
    ) -> bytes | None:
        """Return the next picture (people walking in)."""
        picture = self.pictures[self.asked % len(self.pictures)]
        self.asked += 1
        return picture


@pytest.fixture(scope="session")
def walking_pictures(tmp_path_factory: pytest.TempPathFactory) -> list[bytes]:
    """Stills of the person clip, a second apart, while people walk in."""
    folder = tmp_path_factory.mktemp("stills")
    subprocess.run(
        ["ffmpeg", "-v", "error", "-ss", "6", "-i", str(footage(PERSON_CLIP)), "-vf", "fps=1",
         "-frames:v", "8", "-y", str(folder / "still-%02d.jpg")],
        check=True,
    )  # fmt: skip
    return [path.read_bytes() for path in sorted(Path(folder).glob("still-*.jpg"))]


async def test_a_camera_entity_with_a_stream_is_read_and_followed(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Its stream address comes from Home Assistant (no password typed again) and alerts."""
    vlm_server.answer = ALERT
    assert await async_setup_component(hass, "camera", {})
    source = StreamingCamera(camera.url)
    await hass.data[DATA_COMPONENT].async_add_entities([source])
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    subentry_id = await add_camera(
        hass, entry, "", name="Front door", camera_entity=source.entity_id
    )
    monitor = entry.runtime_data.cameras[subentry_id]
    assert await wait_for(hass, lambda: bool(alerts), 30)
    assert monitor.feed.url == camera.url
    assert CAMERA_PASSWORD not in repr(entry.subentries[subentry_id].data)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_a_camera_entity_without_a_stream_is_read_through_its_pictures(
    hass: HomeAssistant, vlm_server: StandInVLM, walking_pictures: list[bytes]
) -> None:
    """No stream: one picture per tick, motion between pictures, an alert."""
    vlm_server.answer = ALERT
    assert await async_setup_component(hass, "camera", {})
    source = StillCamera(walking_pictures)
    await hass.data[DATA_COMPONENT].async_add_entities([source])
    entry = await add_server(hass, vlm_server)
    alerts = listen(hass, EVENT_ALERT)
    subentry_id = await add_camera(hass, entry, "", name="Garden", camera_entity=source.entity_id)
    monitor = entry.runtime_data.cameras[subentry_id]
    assert await wait_for(hass, lambda: bool(alerts), 30)
    assert isinstance(monitor.feed.main, StillReader)
    assert source.asked >= 2
    assert monitor.stream_connected
    await hass.config_entries.async_unload(entry.entry_id)


async def test_the_form_takes_a_url_or_a_camera_never_both_nor_our_own(
    hass: HomeAssistant, camera: RtspServer, vlm_server: StandInVLM
) -> None:
    """Both or neither is refused; VLM Guard's own snapshot camera is refused as a source."""
    assert await async_setup_component(hass, "camera", {})
    source = StreamingCamera(camera.url)
    await hass.data[DATA_COMPONENT].async_add_entities([source])
    entry = await add_server(hass, vlm_server)
    own_id = await add_camera(hass, entry, camera.url, name="Porch")
    own = entity_id(hass, "camera", f"{own_id}_snapshot")
    for given, error in (
        (
            {CONF_RTSP_URL: camera.url, CONF_CAMERA_ENTITY: source.entity_id},
            ("base", "url_or_camera"),
        ),
        ({}, ("base", "url_or_camera")),
        ({CONF_CAMERA_ENTITY: own}, (CONF_CAMERA_ENTITY, "own_camera")),
    ):
        result = await hass.config_entries.subentries.async_init(
            (entry.entry_id, SUBENTRY_CAMERA), context={"source": "user"}
        )
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"],
            {CONF_NAME: "Gate", CONF_INTERVAL: 1.0, CONF_MOTION: {}, CONF_VLM: {}, **given},
        )
        assert result["type"] is FlowResultType.FORM
        assert result["errors"] == {error[0]: error[1]}
    # Reconfiguring shows the chosen camera and no URL.
    subentry_id = await add_camera(hass, entry, "", name="Front", camera_entity=source.entity_id)
    result = await start_camera_reconfigure(hass, entry, subentry_id)
    shown = {key: value for key, value in _suggested(result).items() if value}
    assert shown[CONF_CAMERA_ENTITY] == source.entity_id
    assert CONF_RTSP_URL not in shown
    await hass.config_entries.async_unload(entry.entry_id)


def _suggested(result: dict) -> dict:
    """Return the values a form was filled with."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }
