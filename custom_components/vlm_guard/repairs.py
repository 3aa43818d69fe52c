"""Repair issues: raised and cleared in one place; a fix flow where a fix exists."""

from __future__ import annotations

from typing import Any, Final

from homeassistant import data_entry_flow
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntry, ConfigEntryState
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
import voluptuous as vol

from .const import DOMAIN
from .core.redact import mask_url
from .core.settings import CONF_RTSP_URL

ISSUE_CAMERA_NOT_WATCHING: Final = "camera_not_watching"
ISSUE_VLM_FAILING: Final = "vlm_failing"
ISSUE_VLM_UNREACHABLE: Final = "vlm_unreachable"
ISSUE_MODEL_MISSING: Final = "model_missing"
ISSUE_OVERSIZED_CONTEXT: Final = "oversized_context"
ISSUE_TRANSCRIBER_FAILED: Final = "transcriber_failed"
ISSUE_STORE_DAMAGED: Final = "store_damaged"
ISSUE_MODEL_BLIND: Final = "model_blind"

ATTR_ENTRY_ID: Final = "entry_id"
ATTR_SUBENTRY_ID: Final = "subentry_id"


def issue_id_for(kind: str, owner_id: str) -> str:
    """Return the id of an issue of `kind` about one camera, server or model."""
    return f"{kind}_{owner_id}"


@callback
def async_raise_issue(
    hass: HomeAssistant,
    kind: str,
    owner_id: str,
    placeholders: dict[str, str],
    *,
    severity: ir.IssueSeverity = ir.IssueSeverity.ERROR,
    data: dict[str, str | int | float | None] | None = None,
) -> None:
    """Create (or update) an issue; it is fixable when it carries what a fix needs."""
    ir.async_create_issue(
        hass,
        DOMAIN,
        issue_id_for(kind, owner_id),
        is_fixable=kind in FIXABLE and data is not None,
        severity=severity,
        translation_key=kind,
        translation_placeholders=placeholders,
        data=data,
    )


@callback
def async_clear_issue(hass: HomeAssistant, kind: str, owner_id: str) -> bool:
    """Delete an issue; return True when there was one."""
    registry = ir.async_get(hass)
    the_id = issue_id_for(kind, owner_id)
    if registry.async_get_issue(DOMAIN, the_id) is None:
        return False
    ir.async_delete_issue(hass, DOMAIN, the_id)
    return True


@callback
def async_clear_issues_of(hass: HomeAssistant, owner_id: str) -> None:
    """Delete every issue about one camera or server (it is removed or unloaded)."""
    registry = ir.async_get(hass)
    suffix = f"_{owner_id}"
    for domain, the_id in list(registry.issues):
        if domain == DOMAIN and the_id.endswith(suffix):
            ir.async_delete_issue(hass, DOMAIN, the_id)


class CameraNotWatchingFlow(RepairsFlow):
    """Restart a camera that stopped watching, with a new RTSP URL if one is given."""

    def __init__(self, entry_id: str, subentry_id: str) -> None:
        """Fix the camera `subentry_id` of the server entry `entry_id`."""
        self._entry_id = entry_id
        self._subentry_id = subentry_id

    async def async_step_init(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Start the fix (the repairs UI sends the issue id here, not an answer)."""
        return await self.async_step_confirm()

    async def async_step_confirm(
        self, user_input: dict[str, str] | None = None
    ) -> data_entry_flow.FlowResult:
        """Ask for a new RTSP URL (empty keeps the current one) and restart the camera."""
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        subentry = entry.subentries.get(self._subentry_id) if entry else None
        if entry is None or subentry is None:
            return self.async_abort(reason="camera_removed")
        if user_input is not None:
            url = str(user_input.get(CONF_RTSP_URL) or "").strip()
            if url and url != subentry.data.get(CONF_RTSP_URL):
                # Saving the subentry restarts the camera with the new URL.
                self.hass.config_entries.async_update_subentry(
                    entry, subentry, data={**subentry.data, CONF_RTSP_URL: url}
                )
            elif (camera := _loaded_camera(entry, self._subentry_id)) is not None:
                # Same address: just this camera's stream is opened again, at once.
                await camera.health.async_retry()
            return self.async_create_entry(data={})
        issue = ir.async_get(self.hass).async_get_issue(
            DOMAIN, issue_id_for(ISSUE_CAMERA_NOT_WATCHING, self._subentry_id)
        )
        placeholders = issue.translation_placeholders if issue else None
        return self.async_show_form(
            step_id="confirm",
            data_schema=vol.Schema({vol.Optional(CONF_RTSP_URL): str}),
            description_placeholders={
                "camera": subentry.title,
                "url": mask_url(str(subentry.data.get(CONF_RTSP_URL, ""))),
                "cause": (placeholders or {}).get("cause", ""),
            },
        )


FIXABLE: Final = frozenset({ISSUE_CAMERA_NOT_WATCHING})


def _loaded_camera(entry: ConfigEntry[Any], subentry_id: str) -> Any:
    """Return the running monitor of a camera, if its entry is loaded."""
    if entry.state is not ConfigEntryState.LOADED:
        return None
    return entry.runtime_data.cameras.get(subentry_id)


async def async_create_fix_flow(
    hass: HomeAssistant, issue_id: str, data: dict[str, Any] | None
) -> RepairsFlow:
    """Return the flow that fixes an issue (only fixable issues get here)."""
    assert data is not None
    return CameraNotWatchingFlow(str(data[ATTR_ENTRY_ID]), str(data[ATTR_SUBENTRY_ID]))
