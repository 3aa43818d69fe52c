"""Smoke test of the browser harness: log in, find VLM Guard's server entry in the settings."""

from __future__ import annotations

from playwright.async_api import Page, expect

from tests.guards import CAMERA_PASSWORD

from .conftest import Screenshot
from .home_assistant import HomeAssistantProcess

SERVER_TITLE = "qwen2.5vl:7b (stand-in)"


async def test_settings_show_the_server_entry(
    page: Page, home_assistant: HomeAssistantProcess, screenshot: Screenshot
) -> None:
    """The owner logs in, opens Settings, Devices & services, VLM Guard: the entry is there."""
    sidebar = page.locator("ha-sidebar")
    await expect(sidebar.locator("ha-md-list-item", has_text="Overview")).to_be_visible()
    await expect(sidebar.locator("ha-md-list-item", has_text="VLM Guard")).to_be_visible()
    await screenshot("1-logged-in", page)

    await sidebar.locator("ha-md-list-item", has_text="Settings").click()
    await page.wait_for_url("**/config/dashboard")
    await page.get_by_text("Devices & services", exact=True).click()
    await page.wait_for_url("**/config/integrations/dashboard")
    card = page.locator("ha-integration-card", has_text="VLM Guard")
    await expect(card).to_be_visible()
    await screenshot("2-devices-and-services", page)

    await card.click()
    await page.wait_for_url("**/config/integrations/integration/vlm_guard")
    entry = page.locator("ha-config-entry-row", has_text=SERVER_TITLE)
    await expect(entry).to_be_visible()
    await expect(page.locator("ha-config-sub-entry-row", has_text="Demo room")).to_be_visible()
    await screenshot("3-vlm-guard", page)

    # The camera's own form: the motion filter is a choice, the robust one by default.
    camera = page.locator("ha-config-sub-entry-row", has_text="Demo room")
    await camera.get_by_role("button", name="Reconfigure camera").click()
    dialog = page.locator("dialog-data-entry-flow")
    await dialog.get_by_text("Motion detection", exact=True).click()
    robust = dialog.get_by_role("radio", name="Robust: ignore weather")
    await robust.hover()
    await page.mouse.wheel(0, 250)
    await expect(robust).to_be_checked()
    await expect(
        dialog.get_by_role("radio", name="Reference: the original filter")
    ).not_to_be_checked()
    await screenshot("4-camera-form-motion-filter", page)
    await page.keyboard.press("Escape")

    assert home_assistant.errors() == []
    assert CAMERA_PASSWORD not in home_assistant.log_text()
