"""Actions of VLM Guard: read and replace a camera's zones, snooze a camera."""

from __future__ import annotations

from typing import Final

from homeassistant.components.camera.const import DOMAIN as CAMERA_DOMAIN
from homeassistant.core import HomeAssistant, SupportsResponse, callback
from homeassistant.helpers import config_validation as cv, service
import voluptuous as vol

from .const import DOMAIN

SERVICE_SET_ZONES: Final = "set_zones"
SERVICE_GET_ZONES: Final = "get_zones"
SERVICE_SNOOZE: Final = "snooze"
ATTR_ZONES: Final = "zones"
ATTR_DURATION: Final = "duration"


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions; they target the cameras' snapshot entities."""
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_SET_ZONES,
        entity_domain=CAMERA_DOMAIN,
        schema={vol.Required(ATTR_ZONES): vol.Any(list, dict)},
        func="async_set_zones",
    )
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_GET_ZONES,
        entity_domain=CAMERA_DOMAIN,
        schema=None,
        func="async_get_zones",
        supports_response=SupportsResponse.ONLY,
    )
    service.async_register_platform_entity_service(
        hass,
        DOMAIN,
        SERVICE_SNOOZE,
        entity_domain=CAMERA_DOMAIN,
        schema={vol.Required(ATTR_DURATION): cv.positive_time_period},
        func="async_snooze",
    )
