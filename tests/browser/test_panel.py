"""The VLM Guard panel and card in a real browser, against a real Home Assistant process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import time
from typing import Any

import aiohttp
from playwright.async_api import Browser, Page, expect
import pytest

from .conftest import Screenshot, log_in
from .home_assistant import HomeAssistantProcess

GRILL = "ALERT: smoke rises from the barbecue grill."
# Corners of the zones drawn, as fractions of the picture.
TOP_BAND = [(0.05, 0.05), (0.6, 0.05), (0.6, 0.3), (0.05, 0.3)]
BOW_TIE = [(0.1, 0.5), (0.4, 0.8), (0.4, 0.5), (0.1, 0.8)]


async def _answer(home_assistant: HomeAssistantProcess, **choice: Any) -> None:
    """Choose what the stand-in VLM answers from now on."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{home_assistant.vlm_url}/_stand_in/answer", json=choice) as response,
    ):
        assert response.status == 200


async def _camera(home_assistant: HomeAssistantProcess) -> dict[str, Any]:
    cameras = (await home_assistant.ws({"type": "vlm_guard/cameras"}))["cameras"]
    (camera,) = [camera for camera in cameras if camera["name"] == "Demo room"]
    return camera


async def _wait(condition: Any, timeout: float, step: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        if result := await condition():
            return result
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(step)


@pytest.fixture
async def clean(home_assistant: HomeAssistantProcess) -> AsyncIterator[dict[str, Any]]:
    """The demo camera without zones or rules, and the stand-in back on its demo after."""
    camera = await _camera(home_assistant)
    await home_assistant.ws({"type": "vlm_guard/zones/save", "camera": camera["id"], "zones": []})
    yield camera
    await home_assistant.ws({"type": "vlm_guard/zones/save", "camera": camera["id"], "zones": []})
    for rule in (await home_assistant.ws({"type": "vlm_guard/suppressions/list"}))["rules"]:
        await home_assistant.ws({"type": "vlm_guard/suppressions/remove", "rule_id": rule["id"]})
    await _answer(home_assistant, demo=True)


async def _click_corners(page: Page, corners: list[tuple[float, float]]) -> None:
    picture = page.get_by_test_id("zone-picture")
    box = await picture.bounding_box()
    assert box is not None
    for x, y in corners:
        await page.mouse.click(box["x"] + x * box["width"], box["y"] + y * box["height"])


async def _open_zone_editor(page: Page, home_assistant: HomeAssistantProcess) -> None:
    await page.goto(f"{home_assistant.url}/vlm-guard")
    await expect(page.get_by_test_id("camera-card")).to_be_visible()
    await page.get_by_test_id("open-zones").click()
    await expect(page.get_by_test_id("zone-picture")).to_be_visible()
    # The picture is drawn once the camera's frame has loaded.
    await expect(page.locator("vlm-guard-panel img").first).to_be_visible()


async def test_drawing_zones_with_the_mouse(
    page: Page,
    home_assistant: HomeAssistantProcess,
    screenshot: Screenshot,
    clean: dict[str, Any],
) -> None:
    """An exclude zone drawn by clicks is saved; a self-crossing one is refused at the zone."""
    await _open_zone_editor(page, home_assistant)
    await screenshot("1-zone-editor", page)

    await page.get_by_test_id("zone-new").click()
    await _click_corners(page, TOP_BAND)
    await page.get_by_test_id("zone-name").fill("shelf")
    await page.get_by_test_id("zone-type").select_option("exclude")
    await page.get_by_test_id("zone-preview").click()
    await screenshot("2-zone-drawn-with-preview", page)
    await page.get_by_test_id("zone-save").click()
    await expect(page.get_by_test_id("zone-saved")).to_be_visible()
    await screenshot("3-saved", page)

    response = await home_assistant.call_service(
        "vlm_guard", "get_zones", {"entity_id": clean["entities"]["snapshot"]},
        return_response=True,
    )  # fmt: skip
    (zone,) = response["service_response"][clean["entities"]["snapshot"]]["zones"]
    assert zone["name"] == "shelf"
    assert zone["type"] == "exclude"
    assert len(zone["points"]) == 4
    for (x, y), (want_x, want_y) in zip(zone["points"], TOP_BAND, strict=True):
        assert abs(x - want_x) < 0.02
        assert abs(y - want_y) < 0.02

    # A bow tie: its outline crosses itself. The error names it, at the zone.
    await page.get_by_test_id("zone-new").click()
    await _click_corners(page, BOW_TIE)
    await page.get_by_test_id("zone-name").fill("tie")
    await page.get_by_test_id("zone-save").click()
    error = page.get_by_test_id("zone-error")
    await expect(error).to_be_visible()
    await expect(error).to_contain_text("crosses itself")
    assert await error.get_attribute("data-zone-index") == "1"
    await screenshot("4-self-crossing-refused", page)
    # Nothing of the refused save was kept.
    camera = await _camera(home_assistant)
    assert [zone["name"] for zone in camera["zones"]] == ["shelf"]
    assert home_assistant.errors() == []


async def test_marking_a_false_alarm_suppresses_the_next_one(
    page: Page,
    home_assistant: HomeAssistantProcess,
    screenshot: Screenshot,
    clean: dict[str, Any],
) -> None:
    """Review page: False alarm with its rule; the same verdict afterwards is suppressed."""
    await _answer(home_assistant, answer=GRILL)

    async def grill_incident() -> Any:
        listed = await home_assistant.ws(
            {"type": "vlm_guard/incidents/list", "camera": clean["id"], "statuses": ["new"]}
        )
        found = [item for item in listed["incidents"] if "barbecue" in item["description"]]
        return found[0] if found else None

    incident = await _wait(grill_incident, 60)
    await page.goto(f"{home_assistant.url}/vlm-guard")
    await page.get_by_test_id("tab-review").click()
    row = page.locator(f'[data-testid="incident-row"][data-incident-id="{incident["id"]}"]')
    await expect(row).to_be_visible()
    await screenshot("1-needs-review", page)
    await row.click()
    await expect(page.get_by_test_id("btn-false-alarm")).to_be_visible()
    await screenshot("2-incident", page, full_page=True)
    await page.get_by_test_id("btn-false-alarm").click()
    keywords = page.get_by_test_id("rule-keywords")
    await expect(keywords).to_be_visible()
    assert "barbecue" in await keywords.input_value()
    # The owner keeps the rule to the words, anywhere in the picture.
    await keywords.fill("smoke barbecue grill")
    if await page.get_by_test_id("rule-use-region").is_checked():
        await page.get_by_test_id("rule-use-region").uncheck()
    await page.get_by_test_id("rule-note").fill("our barbecue")
    await screenshot("3-false-alarm-rule", page)
    await page.get_by_test_id("rule-submit").click()

    async def the_rule() -> Any:
        rules = (await home_assistant.ws({"type": "vlm_guard/suppressions/list"}))["rules"]
        return rules[0] if rules else None

    rule = await _wait(the_rule, 10)
    assert rule["keywords"] == ["smoke", "barbecue", "grill"]
    assert rule["region"] is None
    assert rule["active"] is True
    reviewed = await home_assistant.ws(
        {"type": "vlm_guard/incidents/get", "incident_id": incident["id"]}
    )
    assert reviewed["incident"]["status"] == "false_alarm"

    # The next identical verdict raises nothing: it is kept as suppressed by that rule.
    async def suppressed() -> Any:
        listed = await home_assistant.ws(
            {"type": "vlm_guard/incidents/list", "camera": clean["id"], "statuses": ["suppressed"]}
        )
        return listed["incidents"]

    (silenced, *_) = await _wait(suppressed, 60)
    assert silenced["suppressed_by"] == rule["id"]
    await page.get_by_test_id("review-tab-suppressed").click()
    await expect(page.locator(f'[data-incident-id="{silenced["id"]}"]')).to_be_visible()
    await screenshot("4-suppressed", page)
    await page.get_by_test_id("tab-rules").click()
    await expect(
        page.locator(f'[data-testid="rule-row"][data-rule-id="{rule["id"]}"]')
    ).to_be_visible()
    await screenshot("5-rules", page)
    assert home_assistant.errors() == []


async def test_the_incidents_card_on_a_dashboard(
    page: Page,
    home_assistant: HomeAssistantProcess,
    screenshot: Screenshot,
    clean: dict[str, Any],
) -> None:
    """A dashboard with the card shows the camera's latest incidents with their pictures."""
    await _answer(home_assistant, answer="ALERT: a person walks into the room.")

    async def any_incident() -> Any:
        listed = await home_assistant.ws(
            {"type": "vlm_guard/incidents/list", "camera": clean["id"]}
        )
        return listed["incidents"]

    await _wait(any_incident, 60)
    dashboards = await home_assistant.ws({"type": "lovelace/dashboards/list"})
    if not any(board["url_path"] == "vlm-guard-card" for board in dashboards):
        await home_assistant.ws(
            {"type": "lovelace/dashboards/create", "url_path": "vlm-guard-card", "title": "Cameras",
             "mode": "storage", "show_in_sidebar": True, "require_admin": False}
        )  # fmt: skip
    await home_assistant.ws(
        {
            "type": "lovelace/config/save",
            "url_path": "vlm-guard-card",
            "config": {
                "views": [
                    {
                        "title": "Cameras",
                        "cards": [
                            {
                                "type": "custom:vlm-guard-incidents-card",
                                "camera": clean["entities"]["snapshot"],
                                "count": 3,
                            }
                        ],
                    }
                ]
            },
        }
    )
    await page.goto(f"{home_assistant.url}/vlm-guard-card/0")
    card = page.get_by_test_id("incidents-card")
    await expect(card).to_be_visible()
    await expect(card.get_by_test_id("card-incident").first).to_be_visible()
    assert await card.get_by_test_id("card-incident").count() <= 3
    # The thumbnail is a real picture, loaded with its signed link.
    picture = card.locator("img").first
    await expect(picture).to_be_visible()
    await page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=await picture.element_handle()
    )
    await screenshot("1-card", page)
    assert home_assistant.errors() == []


async def test_zones_by_touch_on_a_phone(
    browser: Browser,
    home_assistant: HomeAssistantProcess,
    screenshot: Screenshot,
    clean: dict[str, Any],
) -> None:
    """On a phone-size screen, corners tapped with a finger make a zone that is saved."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, has_touch=True, locale="en-US"
    )
    context.set_default_timeout(15_000)
    page = await context.new_page()
    try:
        await log_in(page, home_assistant)
        await page.set_viewport_size({"width": 375, "height": 667})
        await _open_zone_editor(page, home_assistant)
        await page.get_by_test_id("zone-new").tap()
        picture = page.get_by_test_id("zone-picture")
        box = await picture.bounding_box()
        assert box is not None
        assert box["width"] <= 375
        for x, y in TOP_BAND:
            await page.touchscreen.tap(box["x"] + x * box["width"], box["y"] + y * box["height"])
        await page.get_by_test_id("zone-name").fill("ceiling")
        await screenshot("1-phone-zone-tapped", page)
        await page.get_by_test_id("zone-save").tap()
        await expect(page.get_by_test_id("zone-saved")).to_be_visible()
        await screenshot("2-phone-saved", page)
        (zone,) = (await _camera(home_assistant))["zones"]
        assert zone["name"] == "ceiling"
        assert abs(zone["points"][1][0] - TOP_BAND[1][0]) < 0.03
    finally:
        await context.close()
