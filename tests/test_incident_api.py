"""The websocket API for incidents and rules, retention, and the AI Task answer form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import pytest

from custom_components.vlm_guard.archive import IncidentArchive, async_get_archive
from custom_components.vlm_guard.const import DOMAIN
from custom_components.vlm_guard.core.review import ReviewGroup, parse_review
from custom_components.vlm_guard.core.store import IncidentRecord
from custom_components.vlm_guard.reviewing import ai_task_answer, ai_task_structure

CAMERA = "01JCAMERA0000000000000000A"
OTHER = "01JCAMERA0000000000000000B"

type Client = Any


def _record(number: int, *, camera: str = CAMERA, days_ago: float = 0, **extra: Any) -> Any:
    started = dt_util.utcnow() - timedelta(days=days_ago, minutes=number)
    return IncidentRecord(
        id=f"incident-{camera[-1]}-{number}",
        camera=camera,
        camera_name="Gate" if camera == CAMERA else "Yard",
        started=started,
        last_alert=started + timedelta(seconds=10),
        ended=started + timedelta(seconds=40),
        description=f"A person at the gate ({number})",
        alerts=2,
        details={"boxes": [[100, 100, 50, 80]], "frame_size": [640, 360]},
        **extra,
    )


@pytest.fixture
async def archive(hass: HomeAssistant) -> IncidentArchive:
    """VLM Guard set up (no server needed for the archive) with an empty store."""
    assert await async_setup_component(hass, DOMAIN, {})
    found = async_get_archive(hass)
    assert found is not None
    assert found.store is not None
    return found


async def test_the_panel_lists_reviews_and_makes_rules_over_the_websocket(
    hass: HomeAssistant,
    archive: IncidentArchive,
    hass_ws_client: Callable[..., Awaitable[Client]],
) -> None:
    """List with filters and a total, get one, review one into a rule, list/remove rules."""
    for number in range(5):
        await archive.async_save(_record(number))
    await archive.async_save(_record(9, camera=OTHER))
    client = await hass_ws_client(hass)

    await client.send_json_auto_id(
        {"type": "vlm_guard/incidents/list", "camera": CAMERA, "limit": 2}
    )
    reply = await client.receive_json()
    assert reply["success"], reply
    assert reply["result"]["total"] == 5
    assert [item["id"] for item in reply["result"]["incidents"]] == ["incident-A-0", "incident-A-1"]

    await client.send_json_auto_id(
        {"type": "vlm_guard/incidents/get", "incident_id": "incident-A-3"}
    )
    reply = await client.receive_json()
    assert reply["result"]["incident"]["description"] == "A person at the gate (3)"

    await client.send_json_auto_id(
        {
            "type": "vlm_guard/incidents/review", "incident_id": "incident-A-3",
            "status": "false_alarm", "suppress": True, "keywords": "person gate",
            "note": "the postman",
        }
    )  # fmt: skip
    reply = await client.receive_json()
    assert reply["success"], reply
    rule = reply["result"]["rule"]
    assert rule["keywords"] == ["person", "gate"]
    # The rule's region is the incident's box grown by the margin, in fractions of the frame.
    x0, y0, x1, y1 = rule["region"]
    assert x0 < 100 / 640 < 150 / 640 < x1
    assert y0 < 100 / 360 < 180 / 360 < y1

    await client.send_json_auto_id(
        {"type": "vlm_guard/incidents/list", "statuses": ["false_alarm"]}
    )
    reply = await client.receive_json()
    assert [item["id"] for item in reply["result"]["incidents"]] == ["incident-A-3"]
    assert reply["result"]["incidents"][0]["note"] == "the postman"

    await client.send_json_auto_id({"type": "vlm_guard/suppressions/list", "camera": CAMERA})
    reply = await client.receive_json()
    assert [item["id"] for item in reply["result"]["rules"]] == [rule["id"]]
    await client.send_json_auto_id(
        {"type": "vlm_guard/suppressions/add", "camera": OTHER, "keywords": ["fox"]}
    )
    reply = await client.receive_json()
    assert reply["success"], reply
    await client.send_json_auto_id({"type": "vlm_guard/suppressions/remove", "rule_id": rule["id"]})
    assert (await client.receive_json())["success"]
    assert [item.keywords for item in archive.rules] == [("fox",)]

    # Bad requests say what was wrong.
    await client.send_json_auto_id({"type": "vlm_guard/incidents/get", "incident_id": "nope"})
    reply = await client.receive_json()
    assert not reply["success"]
    assert "nope" in reply["error"]["message"]
    await client.send_json_auto_id({"type": "vlm_guard/suppressions/add", "camera": CAMERA})
    reply = await client.receive_json()
    assert not reply["success"]
    assert "keywords" in reply["error"]["message"]


async def test_only_an_administrator_may_use_it(
    hass: HomeAssistant,
    archive: IncidentArchive,
    hass_ws_client: Callable[..., Awaitable[Client]],
    hass_read_only_access_token: str,
) -> None:
    """A user who is not an administrator is refused."""
    client = await hass_ws_client(hass, hass_read_only_access_token)
    await client.send_json_auto_id({"type": "vlm_guard/incidents/list"})
    reply = await client.receive_json()
    assert not reply["success"]
    assert reply["error"]["code"] == "unauthorized"


async def test_retention_deletes_old_incidents_with_their_files(
    hass: HomeAssistant, archive: IncidentArchive, tmp_path: Path
) -> None:
    """Beyond the count per camera, and older than the age limit: rows and files go together."""
    files: dict[str, Path] = {}
    for number in range(5):
        picture = tmp_path / f"{number}.jpg"
        picture.write_bytes(b"jpeg")
        files[f"incident-A-{number}"] = picture
        await archive.async_save(_record(number, files={"best": str(picture)}))
    old = tmp_path / "old.jpg"
    old.write_bytes(b"jpeg")
    await archive.async_save(_record(1, camera=OTHER, days_ago=40, files={"best": str(old)}))
    archive.keep_per_camera = 3
    archive.keep_days = 30

    assert await archive.async_prune() == 3
    kept = {record.id for record in await archive.async_list()}
    assert kept == {"incident-A-0", "incident-A-1", "incident-A-2"}
    assert {name for name, path in files.items() if path.exists()} == kept
    assert not old.exists()


def test_an_ai_task_answer_reads_like_a_model_answer() -> None:
    """The AI Task structure asks one label and reason per group; its data reads as labels."""
    now = dt_util.utcnow()
    groups = [
        ReviewGroup(1, CAMERA, "Gate", "grill", "Smoke from the grill", 3, [now], ["a"], None),
        ReviewGroup(2, CAMERA, "Gate", "person", "A person", 1, [now], ["b"], None),
    ]
    structure = ai_task_structure(groups)
    assert structure["group_1_label"]["selector"]["select"]["options"] == [
        "REAL",
        "FALSE_POSITIVE",
        "NOISE",
    ]
    data = {
        "group_1_label": "NOISE", "group_1_reason": "smoke",
        "group_2_label": "REAL", "group_2_reason": "a visitor",
    }  # fmt: skip
    labels = parse_review(ai_task_answer(data, groups), groups)
    assert [(label.group, label.label) for label in labels] == [(1, "NOISE"), (2, "REAL")]


async def test_the_panel_and_card_are_served_from_the_integration(
    hass: HomeAssistant, hass_client: Callable[..., Awaitable[Any]]
) -> None:
    """With the user interface loaded: the admin-only panel, its file and the card's."""
    assert await async_setup_component(hass, "frontend", {})
    assert await async_setup_component(hass, DOMAIN, {})
    panels = hass.data["frontend_panels"]
    panel = panels["vlm-guard"]
    assert panel.require_admin is True
    assert panel.sidebar_title == "VLM Guard"
    module_url = panel.config["_panel_custom"]["module_url"]
    client = await hass_client()
    response = await client.get(module_url)
    assert response.status == 200
    assert "vlm-guard-panel" in await response.text()
    extra = hass.data["frontend_extra_module_url"].urls
    (card_url,) = [url for url in extra if "vlm-guard-card" in url]
    response = await client.get(card_url)
    assert response.status == 200
