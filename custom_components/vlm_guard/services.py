"""Actions of VLM Guard: zones and snoozing per camera; reviews, rules and checks of incidents."""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.camera.const import DOMAIN as CAMERA_DOMAIN
from homeassistant.core import HomeAssistant, ServiceCall, SupportsResponse, callback
from homeassistant.helpers import config_validation as cv, service
import voluptuous as vol

from . import feedback
from .const import DOMAIN
from .rejudge import async_rejudge
from .reviewing import async_run_reviews
from .vision_check import async_check_vision

SERVICE_SET_ZONES: Final = "set_zones"
SERVICE_GET_ZONES: Final = "get_zones"
SERVICE_SNOOZE: Final = "snooze"
SERVICE_REVIEW_INCIDENT: Final = "review_incident"
SERVICE_ADD_SUPPRESSION: Final = "add_suppression"
SERVICE_REMOVE_SUPPRESSION: Final = "remove_suppression"
SERVICE_LIST_SUPPRESSIONS: Final = "list_suppressions"
SERVICE_ACCEPT_SUPPRESSIONS: Final = "accept_suppressions"
SERVICE_REJUDGE: Final = "rejudge"
SERVICE_DAILY_REVIEW: Final = "run_daily_review"
SERVICE_CHECK_VISION: Final = "check_vision"
ATTR_ZONES: Final = "zones"
ATTR_DURATION: Final = "duration"
ATTR_INCIDENT_ID: Final = "incident_id"
ATTR_INCIDENT_IDS: Final = "incident_ids"
ATTR_STATUS: Final = "status"
ATTR_NOTE: Final = "note"
ATTR_SUPPRESS: Final = "suppress"
ATTR_KEYWORDS: Final = "keywords"
ATTR_EXPIRES: Final = "expires"
ATTR_USE_REGION: Final = "use_region"
ATTR_REGION: Final = "region"
ATTR_CAMERA: Final = "camera"
ATTR_RULE_ID: Final = "rule_id"
ATTR_RULE_IDS: Final = "rule_ids"
ATTR_SINCE: Final = "since"
ATTR_LIMIT: Final = "limit"
ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"

_KEYWORDS = vol.Any(cv.string, [cv.string])
_REGION = vol.All([vol.Coerce(float)], vol.Length(min=4, max=4))

REVIEW_SCHEMA = vol.Schema(
    {
        vol.Required(ATTR_INCIDENT_ID): cv.string,
        vol.Required(ATTR_STATUS): vol.In(feedback.REVIEW_STATUSES),
        vol.Optional(ATTR_NOTE): cv.string,
        vol.Optional(ATTR_SUPPRESS, default=False): cv.boolean,
        vol.Optional(ATTR_KEYWORDS): _KEYWORDS,
        vol.Optional(ATTR_EXPIRES): cv.datetime,
        vol.Optional(ATTR_USE_REGION, default=True): cv.boolean,
    }
)
ADD_SCHEMA = vol.Schema(
    vol.All(
        {
            vol.Exclusive(ATTR_INCIDENT_ID, "source"): cv.string,
            vol.Exclusive(ATTR_CAMERA, "source"): cv.entity_id,
            vol.Optional(ATTR_KEYWORDS): _KEYWORDS,
            vol.Optional(ATTR_REGION): _REGION,
            vol.Optional(ATTR_EXPIRES): cv.datetime,
            vol.Optional(ATTR_NOTE, default=""): cv.string,
        },
        cv.has_at_least_one_key(ATTR_INCIDENT_ID, ATTR_CAMERA),
    )
)


async def _async_review(call: ServiceCall) -> dict[str, Any]:
    data = call.data
    return await feedback.async_review(
        call.hass,
        data[ATTR_INCIDENT_ID],
        data[ATTR_STATUS],
        data.get(ATTR_NOTE),
        suppress=data[ATTR_SUPPRESS],
        keywords=data.get(ATTR_KEYWORDS),
        expires=data.get(ATTR_EXPIRES),
        use_region=data[ATTR_USE_REGION],
    )


async def _async_add(call: ServiceCall) -> dict[str, Any]:
    data = call.data
    hass = call.hass
    region = data.get(ATTR_REGION)
    keywords = data.get(ATTR_KEYWORDS)
    incident_id = data.get(ATTR_INCIDENT_ID)
    if incident_id is not None:
        record = await feedback.async_incident(hass, incident_id)
        camera = record.camera
        region = region if region is not None else feedback.incident_region(record)
        keywords = keywords if keywords is not None else record.description
    else:
        camera = feedback.camera_of_entity(hass, data[ATTR_CAMERA])
    rule = await feedback.async_add_rule(
        hass,
        camera=camera,
        keywords=keywords,
        region=region,
        expires=data.get(ATTR_EXPIRES),
        incident_id=incident_id,
        note=data[ATTR_NOTE],
    )
    return {"rule": rule.to_dict()}


async def _async_remove(call: ServiceCall) -> None:
    await feedback.async_remove_rule(call.hass, call.data[ATTR_RULE_ID])


async def _async_list(call: ServiceCall) -> dict[str, Any]:
    camera = call.data.get(ATTR_CAMERA)
    hass = call.hass
    return {
        "rules": feedback.list_rules(
            hass, feedback.camera_of_entity(hass, camera) if camera else None
        )
    }


async def _async_accept(call: ServiceCall) -> dict[str, Any]:
    return {"accepted": await feedback.async_accept_rules(call.hass, call.data.get(ATTR_RULE_IDS))}


async def _async_rejudge(call: ServiceCall) -> dict[str, Any]:
    data = call.data
    hass = call.hass
    camera = data.get(ATTR_CAMERA)
    return await async_rejudge(
        hass,
        incident_ids=data.get(ATTR_INCIDENT_IDS),
        camera=feedback.camera_of_entity(hass, camera) if camera else None,
        since=data.get(ATTR_SINCE),
        limit=data[ATTR_LIMIT],
    )


async def _async_daily_review(call: ServiceCall) -> dict[str, Any]:
    return await async_run_reviews(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))


async def _async_check_vision(call: ServiceCall) -> dict[str, Any]:
    return await async_check_vision(call.hass, call.data.get(ATTR_CONFIG_ENTRY_ID))


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions; zones and snoozing target the cameras' snapshot entities."""
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
    register = hass.services.async_register
    register(
        DOMAIN, SERVICE_REVIEW_INCIDENT, _async_review, REVIEW_SCHEMA, SupportsResponse.OPTIONAL
    )
    register(DOMAIN, SERVICE_ADD_SUPPRESSION, _async_add, ADD_SCHEMA, SupportsResponse.OPTIONAL)
    register(
        DOMAIN,
        SERVICE_REMOVE_SUPPRESSION,
        _async_remove,
        vol.Schema({vol.Required(ATTR_RULE_ID): cv.string}),
    )
    register(
        DOMAIN,
        SERVICE_LIST_SUPPRESSIONS,
        _async_list,
        vol.Schema({vol.Optional(ATTR_CAMERA): cv.entity_id}),
        SupportsResponse.ONLY,
    )
    register(
        DOMAIN,
        SERVICE_ACCEPT_SUPPRESSIONS,
        _async_accept,
        vol.Schema({vol.Optional(ATTR_RULE_IDS): vol.All(cv.ensure_list, [cv.string])}),
        SupportsResponse.OPTIONAL,
    )
    register(
        DOMAIN,
        SERVICE_REJUDGE,
        _async_rejudge,
        vol.Schema(
            {
                vol.Optional(ATTR_INCIDENT_IDS): vol.All(cv.ensure_list, [cv.string]),
                vol.Optional(ATTR_CAMERA): cv.entity_id,
                vol.Optional(ATTR_SINCE): cv.datetime,
                vol.Optional(ATTR_LIMIT, default=20): vol.All(int, vol.Range(min=1, max=200)),
            }
        ),
        SupportsResponse.ONLY,
    )
    register(
        DOMAIN,
        SERVICE_DAILY_REVIEW,
        _async_daily_review,
        vol.Schema({vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}),
        SupportsResponse.OPTIONAL,
    )
    register(
        DOMAIN,
        SERVICE_CHECK_VISION,
        _async_check_vision,
        vol.Schema({vol.Optional(ATTR_CONFIG_ENTRY_ID): cv.string}),
        SupportsResponse.OPTIONAL,
    )
