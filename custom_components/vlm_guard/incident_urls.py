"""An incident as the panel and the card get it: its record with signed URLs of its files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.network import NoURLAvailableError, get_url

from .core.store import IncidentRecord
from .media_source import async_register_file_view, incident_url

# Long enough for a page left open a while; a reload signs them again.
URL_LIFETIME: Final = timedelta(hours=12)


@callback
def incident_dict(
    hass: HomeAssistant, connection: ActiveConnection, record: IncidentRecord
) -> dict[str, Any]:
    """Return the incident as plain values, with URLs of its files signed for this user."""
    async_register_file_view(hass)
    return {
        **record.to_dict(),
        "urls": {
            role: async_sign_path(
                hass,
                incident_url(record.id, role),
                URL_LIFETIME,
                refresh_token_id=connection.refresh_token_id,
            )
            for role in record.files
        },
    }


# A notification may be opened days later; the link works that long, then no more.
NOTIFICATION_URL_LIFETIME: Final = timedelta(days=7)


@callback
def notification_urls(hass: HomeAssistant, incident_id: str, role: str) -> dict[str, str | None]:
    """Return a signed link to an incident's file, and the same from outside when one is set.

    The link needs no login but expires and names one file, so no endpoint is
    opened without authentication. None where Home Assistant serves no HTTP.
    """
    if getattr(hass, "http", None) is None:
        return {"url": None, "external_url": None}
    async_register_file_view(hass)
    try:
        path = async_sign_path(
            hass, incident_url(incident_id, role), NOTIFICATION_URL_LIFETIME, use_content_user=True
        )
    except KeyError:
        # Authentication is not set up (a Home Assistant without its HTTP server).
        return {"url": None, "external_url": None}
    try:
        external = get_url(hass, allow_internal=False, allow_ip=True) + path
    except NoURLAvailableError:
        external = None
    return {"url": path, "external_url": external}
