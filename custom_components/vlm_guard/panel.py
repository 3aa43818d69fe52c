"""The VLM Guard sidebar panel and the incidents card, served from the integration's folder.

The built JavaScript lives in `frontend/` next to this file (rebuilt from the
repository's `frontend/` sources by scripts/build_frontend); nothing is fetched
from elsewhere. Its build hash is added to the URLs, so a new version is never
hidden by a browser's cache.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Final

from homeassistant.components import panel_custom
from homeassistant.components.frontend import add_extra_js_url
from homeassistant.components.http import StaticPathConfig
from homeassistant.core import HomeAssistant

from .const import DOMAIN

_LOGGER = logging.getLogger(__name__)

FRONTEND_FOLDER: Final = Path(__file__).parent / "frontend"
STATIC_URL: Final = "/vlm_guard_static"
PANEL_URL_PATH: Final = "vlm-guard"
PANEL_ELEMENT: Final = "vlm-guard-panel"
PANEL_FILE: Final = "vlm-guard-panel.js"
CARD_FILE: Final = "vlm-guard-card.js"


def _build_version() -> str:
    """Return the build's hash (blocking), to tell browsers when the files changed."""
    try:
        build = json.loads((FRONTEND_FOLDER / "build.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "dev"
    return str(build.get("sha256", "dev"))[:12]


async def async_setup_panel(hass: HomeAssistant) -> None:
    """Serve the files and add the panel (admins only) and the card, when the UI runs."""
    if "frontend" not in hass.config.components or getattr(hass, "http", None) is None:
        # No user interface (a headless install, or tests): the API still works.
        return
    version = await hass.async_add_executor_job(_build_version)
    await hass.http.async_register_static_paths(
        [StaticPathConfig(STATIC_URL, str(FRONTEND_FOLDER), cache_headers=True)]
    )
    await panel_custom.async_register_panel(
        hass,
        frontend_url_path=PANEL_URL_PATH,
        webcomponent_name=PANEL_ELEMENT,
        sidebar_title="VLM Guard",
        sidebar_icon="mdi:cctv",
        module_url=f"{STATIC_URL}/{PANEL_FILE}?v={version}",
        require_admin=True,
        config={"domain": DOMAIN},
    )
    add_extra_js_url(hass, f"{STATIC_URL}/{CARD_FILE}?v={version}")
    _LOGGER.debug("Panel and card registered (build %s)", version)
