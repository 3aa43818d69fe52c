"""Websocket commands for incidents and suppression rules (admin only).

Every command answers plain JSON; an incident comes with `urls`, its files'
addresses signed for the asking user (usable as a picture's source). Cameras are named by their config subentry
id; times are ISO 8601. A bad request gets an error whose message says what
was wrong, the same message the matching action gives.

- `vlm_guard/incidents/list`: camera, since, until, statuses, labels, limit, offset →
  `{"incidents": [...], "total": n}`, newest first.
- `vlm_guard/incidents/get`: incident_id → `{"incident": {...}}`.
- `vlm_guard/incidents/propose_rule`: incident_id → the rule a false alarm would make:
  `{"keywords": [...], "region": [x0, y0, x1, y1] | null}`.
- `vlm_guard/incidents/review`: incident_id, status, note, suppress, keywords, region,
  expires, use_region → `{"incident": {...}, "rule": {...} | null}`.
- `vlm_guard/suppressions/list`: camera → `{"rules": [...]}` with hits.
- `vlm_guard/suppressions/add`: incident_id or camera, keywords, region, expires, note →
  `{"rule": {...}}`.
- `vlm_guard/suppressions/update`: rule_id, keywords, region, expires, note → `{"rule": {...}}`.
- `vlm_guard/suppressions/remove`: rule_id → `{}`.
- `vlm_guard/suppressions/accept`: rule_ids (none: all proposed) → `{"accepted": [...]}`.
"""

from __future__ import annotations

from typing import Any, Final

from homeassistant.components.websocket_api import async_register_command
from homeassistant.components.websocket_api.connection import ActiveConnection
from homeassistant.components.websocket_api.const import ERR_INVALID_FORMAT, ERR_NOT_FOUND
from homeassistant.components.websocket_api.decorators import (
    async_response,
    require_admin,
    websocket_command,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from . import feedback
from .core.store import LABELS, STATUSES
from .core.suppression import keywords as description_keywords
from .incident_urls import incident_dict

MAX_LIST: Final = 500
_KEYWORDS = vol.Any(str, [str])
_REGION = vol.All([vol.Coerce(float)], vol.Length(min=4, max=4))


def _filters(msg: dict[str, Any]) -> dict[str, Any]:
    return {
        "camera": msg.get("camera"),
        "since": msg.get("since"),
        "until": msg.get("until"),
        "statuses": msg.get("statuses"),
        "labels": msg.get("labels"),
    }


@websocket_command(
    {
        vol.Required("type"): "vlm_guard/incidents/list",
        vol.Optional("camera"): str,
        vol.Optional("since"): cv.datetime,
        vol.Optional("until"): cv.datetime,
        vol.Optional("statuses"): [vol.In(STATUSES)],
        vol.Optional("labels"): [vol.In(LABELS)],
        vol.Optional("limit", default=50): vol.All(int, vol.Range(min=1, max=MAX_LIST)),
        vol.Optional("offset", default=0): vol.All(int, vol.Range(min=0)),
    }
)
@require_admin
@async_response
async def ws_list_incidents(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """List kept incidents, newest first, with the total that match."""
    try:
        archive = feedback.archive_or_raise(hass)
    except HomeAssistantError as err:
        connection.send_error(msg["id"], "unavailable", str(err))
        return
    filters = _filters(msg)
    records = await archive.async_list(**filters, limit=msg["limit"], offset=msg["offset"])
    total = await archive.async_run(lambda store: store.count(**filters))
    connection.send_result(
        msg["id"],
        {
            "incidents": [incident_dict(hass, connection, record) for record in records],
            "total": total or 0,
        },
    )


@websocket_command(
    {vol.Required("type"): "vlm_guard/incidents/get", vol.Required("incident_id"): str}
)
@require_admin
@async_response
async def ws_get_incident(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Return one incident with everything kept about it."""
    try:
        record = await feedback.async_incident(hass, msg["incident_id"])
    except HomeAssistantError as err:
        connection.send_error(msg["id"], ERR_NOT_FOUND, str(err))
        return
    connection.send_result(msg["id"], {"incident": incident_dict(hass, connection, record)})


@websocket_command(
    {vol.Required("type"): "vlm_guard/incidents/propose_rule", vol.Required("incident_id"): str}
)
@require_admin
@async_response
async def ws_propose_rule(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Return the rule marking this incident a false alarm would make, to edit first."""
    try:
        record = await feedback.async_incident(hass, msg["incident_id"])
    except HomeAssistantError as err:
        connection.send_error(msg["id"], ERR_NOT_FOUND, str(err))
        return
    region = feedback.incident_region(record)
    connection.send_result(
        msg["id"],
        {
            "keywords": list(description_keywords(record.description)),
            "region": list(region) if region else None,
        },
    )


@websocket_command(
    {
        vol.Required("type"): "vlm_guard/incidents/review",
        vol.Required("incident_id"): str,
        vol.Required("status"): vol.In(feedback.REVIEW_STATUSES),
        vol.Optional("note"): str,
        vol.Optional("suppress", default=False): bool,
        vol.Optional("keywords"): _KEYWORDS,
        vol.Optional("region"): vol.Any(None, _REGION),
        vol.Optional("expires"): cv.datetime,
        vol.Optional("use_region", default=True): bool,
    }
)
@require_admin
@async_response
async def ws_review_incident(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Record the owner's review of an incident; a false alarm may become a rule."""
    try:
        result = await feedback.async_review(
            hass,
            msg["incident_id"],
            msg["status"],
            msg.get("note"),
            suppress=msg["suppress"],
            keywords=msg.get("keywords"),
            expires=msg.get("expires"),
            # A region given as null means the whole picture.
            use_region=msg["use_region"] and ("region" not in msg or msg["region"] is not None),
            region=msg.get("region"),
        )
    except HomeAssistantError as err:
        connection.send_error(msg["id"], ERR_INVALID_FORMAT, str(err))
        return
    connection.send_result(msg["id"], result)


@websocket_command(
    {vol.Required("type"): "vlm_guard/suppressions/list", vol.Optional("camera"): str}
)
@require_admin
@callback
def ws_list_rules(hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]) -> None:
    """List the suppression rules with their hits."""
    try:
        rules = feedback.list_rules(hass, msg.get("camera"))
    except HomeAssistantError as err:
        connection.send_error(msg["id"], "unavailable", str(err))
        return
    connection.send_result(msg["id"], {"rules": rules})


@websocket_command(
    {
        vol.Required("type"): "vlm_guard/suppressions/add",
        vol.Exclusive("incident_id", "source"): str,
        vol.Exclusive("camera", "source"): str,
        vol.Optional("keywords"): _KEYWORDS,
        vol.Optional("region"): vol.Any(None, _REGION),
        vol.Optional("expires"): cv.datetime,
        vol.Optional("note", default=""): str,
    }
)
@require_admin
@async_response
async def ws_add_rule(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Add a suppression rule, from an incident or for a camera."""
    try:
        if incident_id := msg.get("incident_id"):
            record = await feedback.async_incident(hass, incident_id)
            camera = record.camera
            region = msg["region"] if "region" in msg else feedback.incident_region(record)
            keywords = msg.get("keywords", record.description)
        elif msg.get("camera"):
            camera, region, keywords = msg["camera"], msg.get("region"), msg.get("keywords")
        else:
            connection.send_error(msg["id"], ERR_INVALID_FORMAT, "Give an incident_id or a camera")
            return
        rule = await feedback.async_add_rule(
            hass,
            camera=camera,
            keywords=keywords,
            region=region,
            expires=msg.get("expires"),
            incident_id=incident_id,
            note=msg["note"],
        )
    except HomeAssistantError as err:
        connection.send_error(msg["id"], ERR_INVALID_FORMAT, str(err))
        return
    connection.send_result(msg["id"], {"rule": rule.to_dict()})


@websocket_command(
    {
        vol.Required("type"): "vlm_guard/suppressions/update",
        vol.Required("rule_id"): str,
        vol.Optional("keywords"): _KEYWORDS,
        vol.Optional("region"): vol.Any(None, _REGION),
        vol.Optional("expires"): vol.Any(None, cv.datetime),
        vol.Optional("note"): str,
    }
)
@require_admin
@async_response
async def ws_update_rule(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Change a rule's keywords, region, expiry or note; its hits stay."""
    changes = {key: msg[key] for key in ("keywords", "region", "expires", "note") if key in msg}
    try:
        rule = await feedback.async_update_rule(hass, msg["rule_id"], changes)
    except HomeAssistantError as err:
        connection.send_error(msg["id"], ERR_INVALID_FORMAT, str(err))
        return
    connection.send_result(msg["id"], {"rule": rule.to_dict()})


@websocket_command(
    {vol.Required("type"): "vlm_guard/suppressions/remove", vol.Required("rule_id"): str}
)
@require_admin
@async_response
async def ws_remove_rule(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Delete a suppression rule."""
    try:
        await feedback.async_remove_rule(hass, msg["rule_id"])
    except HomeAssistantError as err:
        connection.send_error(msg["id"], ERR_NOT_FOUND, str(err))
        return
    connection.send_result(msg["id"], {})


@websocket_command(
    {vol.Required("type"): "vlm_guard/suppressions/accept", vol.Optional("rule_ids"): [str]}
)
@require_admin
@async_response
async def ws_accept_rules(
    hass: HomeAssistant, connection: ActiveConnection, msg: dict[str, Any]
) -> None:
    """Switch on rules the daily review proposed."""
    try:
        accepted = await feedback.async_accept_rules(hass, msg.get("rule_ids"))
    except HomeAssistantError as err:
        connection.send_error(msg["id"], ERR_NOT_FOUND, str(err))
        return
    connection.send_result(msg["id"], {"accepted": accepted})


@callback
def async_setup_websocket(hass: HomeAssistant) -> None:
    """Register the commands once."""
    for command in (
        ws_list_incidents,
        ws_get_incident,
        ws_propose_rule,
        ws_review_incident,
        ws_list_rules,
        ws_add_rule,
        ws_update_rule,
        ws_remove_rule,
        ws_accept_rules,
    ):
        async_register_command(hass, command)
