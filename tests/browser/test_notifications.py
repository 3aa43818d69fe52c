"""A blueprint imported into a real Home Assistant sends a real incident's notification."""

from __future__ import annotations

import asyncio
from pathlib import Path
import shutil
import time
from typing import Any

import aiohttp
from playwright.async_api import Page, expect

from .conftest import Screenshot
from .home_assistant import HomeAssistantProcess

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "vlm_guard"
WORDS = "A person walks to the front door."


async def _post(home_assistant: HomeAssistantProcess, url: str, body: dict[str, Any]) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=home_assistant.headers()) as response,
    ):
        assert response.status < 400, await response.text()
        return await response.json()


async def test_the_incident_blueprint_notifies(
    page: Page, home_assistant: HomeAssistantProcess, screenshot: Screenshot
) -> None:
    """Imported, made an automation in the UI's way, it notifies once with the description."""
    target = home_assistant.config_dir / "blueprints" / "automation" / "vlm_guard"
    target.mkdir(parents=True, exist_ok=True)
    for blueprint in BLUEPRINTS.glob("*.yaml"):
        shutil.copy(blueprint, target / blueprint.name)
    await _post(
        home_assistant,
        f"{home_assistant.url}/api/config/automation/config/vlm_guard_notify",
        {
            "alias": "Camera incidents to the notifications",
            "use_blueprint": {
                "path": "vlm_guard/incident_notification.yaml",
                "input": {"notify_action": "notify.persistent_notification"},
            },
        },
    )
    await _post(
        home_assistant, f"{home_assistant.vlm_url}/_stand_in/answer", {"answer": f"ALERT: {WORDS}"}
    )
    try:
        deadline = time.monotonic() + 60
        found: list[dict[str, Any]] = []
        while not found:
            assert time.monotonic() < deadline, "no notification"
            await asyncio.sleep(1)
            listed = await home_assistant.ws({"type": "persistent_notification/get"})
            found = [item for item in listed if item.get("message") == WORDS]
        assert found[0]["title"] == "Demo room"
        await page.goto(f"{home_assistant.url}/config/automation/dashboard")
        await expect(page.get_by_text("Camera incidents to the notifications")).to_be_visible()
        await screenshot("1-automation-from-the-blueprint", page)
        await page.locator("ha-sidebar ha-md-list-item", has_text="Notifications").click()
        drawer = page.locator("notification-drawer")
        await expect(drawer.get_by_text(WORDS)).to_be_visible()
        await screenshot("2-the-notification", page)
    finally:
        await _post(home_assistant, f"{home_assistant.vlm_url}/_stand_in/answer", {"demo": True})
        async with (
            aiohttp.ClientSession() as session,
            session.delete(
                f"{home_assistant.url}/api/config/automation/config/vlm_guard_notify",
                headers=home_assistant.headers(),
            ) as response,
        ):
            assert response.status < 400
    assert home_assistant.errors() == []
