"""An incident as the panel and the card get it: its record with signed URLs of its files."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.core import HomeAssistant, callback

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
