"""Zones: validation messages, masks, real footage, and the set/get actions in HA."""

from __future__ import annotations

from typing import Any

import av
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
import numpy as np
import pytest

from custom_components.vlm_guard.const import DOMAIN
from custom_components.vlm_guard.core.pipeline import Analyzer
from custom_components.vlm_guard.core.settings import CONF_ZONES
from custom_components.vlm_guard.core.zones import ZoneError, ZoneMask, parse_zones

from .conftest import PERSON_CLIP
from .harness.rtsp import RtspServer, footage
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, entity_id, record_analyses, wait_for

# People walk in the right three quarters of the room in the test clip.
WALKWAY = [[0.2, 0.0], [1.0, 0.0], [1.0, 1.0], [0.2, 1.0]]
LEFT_STRIP = [[0.0, 0.0], [0.15, 0.0], [0.15, 1.0], [0.0, 1.0]]


def _zone(name: str, zone_type: str, points: Any) -> dict[str, Any]:
    return {"name": name, "type": zone_type, "points": points}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("road", "zones must be a list"),
        ({"zones": [42]}, "zone #1: must be an object"),
        ({"zones": [_zone("", "exclude", WALKWAY)]}, "zone #1: needs a non-empty name"),
        ({"zones": [_zone("road", "ignore", WALKWAY)]}, "zone 'road': type must be"),
        ({"zones": [_zone("road", "exclude", [[0, 0], [1, 1]])]}, "at least 3 points, got 2"),
        ({"zones": [_zone("road", "exclude", "0,0 1,1 0,1")]}, "points must be a list"),
        (
            {"zones": [_zone("road", "exclude", [[0, 0], [1.5, 0], [1, 1]])]},
            "point 2 (1.5, 0) is outside",
        ),
        (
            {"zones": [_zone("road", "exclude", [[0, 0], ["a", 0], [1, 1]])]},
            "point 2 must be a pair",
        ),
        (
            {"zones": [_zone("road", "exclude", [[0, 0], [True, 0], [1, 1]])]},
            "point 2 must be a pair",
        ),
        (
            {"zones": [_zone("line", "exclude", [[0, 0], [0.5, 0.5], [1, 1]])]},
            "do not enclose any area",
        ),
        (
            {"zones": [_zone("bowtie", "exclude", [[0, 0], [1, 1], [1, 0], [0, 1]])]},
            "zone 'bowtie': the outline crosses itself",
        ),
        (
            {"zones": [_zone("a", "exclude", WALKWAY), _zone("a", "include", LEFT_STRIP)]},
            "zone 'a': the name is used twice",
        ),
    ],
)
def test_invalid_zones_are_named_and_explained(document: Any, message: str) -> None:
    with pytest.raises(ZoneError) as caught:
        parse_zones(document)
    assert message in str(caught.value)


def test_valid_zones_round_trip() -> None:
    document = {"zones": [_zone("road", "exclude", WALKWAY), _zone("door", "include", LEFT_STRIP)]}
    zones = parse_zones(document)
    assert [zone.name for zone in zones] == ["road", "door"]
    assert parse_zones([zone.as_dict() for zone in zones]) == zones


def test_masks() -> None:
    assert ZoneMask([]).mask(64, 32) is None
    exclude = ZoneMask(parse_zones([_zone("right", "exclude", WALKWAY)]))
    mask = exclude.mask(100, 50)
    assert mask[25, 5] == 255  # left of the zone: counts
    assert mask[25, 60] == 0  # inside the exclusion: ignored
    assert exclude.mask(100, 50) is mask  # cached per size
    include = ZoneMask(
        parse_zones(
            [
                _zone("left", "include", LEFT_STRIP),
                _zone("bit", "exclude", [[0, 0], [0.1, 0], [0, 0.1]]),
            ]
        )
    )
    mask = include.mask(100, 50)
    assert mask[25, 5] == 255
    assert mask[25, 60] == 0  # outside every inclusion zone
    assert mask[1, 1] == 0  # exclusion wins inside an inclusion zone


def _motion_seconds(zones: list[dict[str, Any]]) -> list[int]:
    analyzer = Analyzer(zones=parse_zones(zones), fallback_interval=0)
    seconds = []
    with av.open(str(footage(PERSON_CLIP))) as container:
        stream = container.streams.video[0]
        next_time = 0.0
        for frame in container.decode(stream):
            t = float(frame.pts * stream.time_base)
            if t > 30:
                break
            if t + 1e-6 >= next_time:
                next_time += 1.0
                if analyzer.tick(frame, t).motion:
                    seconds.append(round(t))
    return seconds


def test_real_footage_zones() -> None:
    assert len(_motion_seconds([])) >= 20
    # An exclusion zone over the walkway removes the people's motion.
    assert _motion_seconds([_zone("walkway", "exclude", WALKWAY)]) == []
    # An inclusion zone elsewhere ignores it too.
    assert _motion_seconds([_zone("left", "include", LEFT_STRIP)]) == []
    # An inclusion zone over the walkway keeps it.
    assert len(_motion_seconds([_zone("walkway", "include", WALKWAY)])) >= 20


async def test_set_and_get_zones_actions(
    hass: HomeAssistant,
    camera: RtspServer,
    vlm_server: StandInVLM,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url, fallback_interval=0)
    camera_id = entity_id(hass, "camera", f"{subentry_id}_snapshot")
    monitor = entry.runtime_data.cameras[subentry_id]
    reader_thread = monitor.reader._thread
    # Actions reach the camera entity once its stream is connected (it is unavailable before).
    assert await wait_for(hass, lambda: monitor.stream_connected, 15)
    await hass.async_block_till_done()

    # A bad zone is refused with its name and problem, and nothing changes.
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            "set_zones",
            {"entity_id": camera_id, "zones": [_zone("gate", "exclude", [[0, 0], [2, 0], [1, 1]])]},
            blocking=True,
        )
    assert "zone 'gate': point 2 (2, 0) is outside the image" in str(caught.value)
    assert CONF_ZONES not in entry.subentries[subentry_id].data

    # Exclude the whole walkway: saved, applied live (same reader thread), readable back.
    zones = [_zone("walkway", "exclude", WALKWAY)]
    await hass.services.async_call(
        DOMAIN, "set_zones", {"entity_id": camera_id, "zones": zones}, blocking=True
    )
    await hass.async_block_till_done()
    assert entry.subentries[subentry_id].data[CONF_ZONES] == zones
    assert entry.runtime_data.cameras[subentry_id] is monitor
    assert monitor.reader._thread is reader_thread
    assert hass.states.get(camera_id).attributes["zones"] == 1
    response = await hass.services.async_call(
        DOMAIN, "get_zones", {"entity_id": camera_id}, blocking=True, return_response=True
    )
    assert response == {camera_id: {"zones": zones}}

    # People walk in (from ~5 s) but only inside the excluded walkway. Wait until ticks
    # have analysed frames in which, without the zone, people moved: the VLM is never asked.
    analyses = record_analyses(monkeypatch, unmasked=True)
    assert await wait_for(hass, lambda: analyses.motion_without_zones >= 3, 60)
    assert vlm_server.chat_requests == []
    assert all(not analysis.finding.boxes for analysis in analyses.analyses)

    # Zones survive a reload (and a restart: they are part of the subentry).
    await hass.config_entries.async_reload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.runtime_data.cameras[subentry_id].zones == parse_zones(zones)
    await hass.config_entries.async_unload(entry.entry_id)


async def test_snapshot_shows_zone_outlines() -> None:
    analyzer = Analyzer(
        zones=parse_zones([_zone("left", "exclude", LEFT_STRIP)]), fallback_interval=0
    )
    frame = np.full((200, 400, 3), 100, np.uint8)
    analyzer.tick(frame, 0.0)
    moved = frame.copy()
    moved[80:140, 200:260] = 250
    result = analyzer.tick(moved, 1.0)
    assert result.motion
    plain = Analyzer(fallback_interval=0)
    plain.tick(frame, 0.0)
    plain_result = plain.tick(moved, 1.0)
    import cv2

    with_zones = cv2.imdecode(np.frombuffer(analyzer.snapshot(result), np.uint8), cv2.IMREAD_COLOR)
    without = cv2.imdecode(np.frombuffer(plain.snapshot(plain_result), np.uint8), cv2.IMREAD_COLOR)
    # The zone's outline changes pixels along x = 15 % of the width; nothing else differs much.
    column = int(0.15 * 399)
    assert np.abs(with_zones[:, column].astype(int) - without[:, column].astype(int)).mean() > 10
