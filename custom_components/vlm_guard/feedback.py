"""What the owner tells VLM Guard about its incidents: reviews and suppression rules.

The actions and the websocket API both come here, so each check and each
message exists once. Errors are translated `ServiceValidationError`s that name
what was wrong (an unknown incident, an empty rule, an expiry in the past).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any
import uuid

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util

from .archive import IncidentArchive, async_get_archive
from .const import DOMAIN
from .core.store import STATUS_FALSE_ALARM, IncidentRecord
from .core.suppression import (
    DEFAULT_MARGIN,
    Region,
    RuleError,
    SuppressionRule,
    make_rule,
    region_of,
)

REVIEW_STATUSES = ("false_alarm", "real", "acknowledged")


def _error(key: str, placeholders: dict[str, str] | None = None) -> ServiceValidationError:
    return ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key=key,
        translation_placeholders=placeholders,
    )


@callback
def archive_or_raise(hass: HomeAssistant) -> IncidentArchive:
    """Return the archive in use; raise a clear error when incidents cannot be kept."""
    archive = async_get_archive(hass)
    if archive is None or archive.store is None:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="archive_unavailable",
            translation_placeholders={
                "error": (archive.error if archive else None) or "not set up"
            },
        )
    return archive


async def async_incident(hass: HomeAssistant, incident_id: str) -> IncidentRecord:
    """Return a kept incident or raise that it is unknown."""
    record = await archive_or_raise(hass).async_get(incident_id)
    if record is None:
        raise _error("unknown_incident", {"incident_id": incident_id})
    return record


@callback
def camera_of_entity(hass: HomeAssistant, entity_id: str) -> str:
    """Return the camera (subentry id) an entity of VLM Guard belongs to."""
    entry = er.async_get(hass).async_get(entity_id)
    if entry is None or entry.platform != DOMAIN or not entry.config_subentry_id:
        raise _error("not_a_camera", {"entity_id": entity_id})
    return entry.config_subentry_id


def incident_region(record: IncidentRecord, margin: float = DEFAULT_MARGIN) -> Region | None:
    """Return the part of the frame an incident happened in, grown by `margin`."""
    size = record.details.get("frame_size")
    boxes = record.details.get("boxes") or []
    if not size or not boxes:
        return None
    try:
        return region_of(
            [(int(b[0]), int(b[1]), int(b[2]), int(b[3])) for b in boxes],
            (int(size[0]), int(size[1])),
            margin,
        )
    except (IndexError, TypeError, ValueError):
        return None


async def async_review(
    hass: HomeAssistant,
    incident_id: str,
    status: str,
    note: str | None = None,
    *,
    suppress: bool = False,
    keywords: Iterable[str] | str | None = None,
    expires: datetime | None = None,
    use_region: bool = True,
    region: Region | list[float] | None = None,
    active: bool = True,
) -> dict[str, Any]:
    """Record the owner's review; a false alarm may become a suppression rule.

    The rule's region is `region` when given, else the incident's own (unless
    `use_region` is off).
    """
    archive = archive_or_raise(hass)
    record = await async_incident(hass, incident_id)
    rule = None
    if suppress:
        if status != STATUS_FALSE_ALARM:
            raise _error("suppress_needs_false_alarm")
        # The rule is made first: a bad rule leaves the incident as it was.
        rule = await async_add_rule(
            hass,
            camera=record.camera,
            keywords=record.description if keywords is None else keywords,
            region=region
            if region is not None
            else incident_region(record)
            if use_region
            else None,
            expires=expires,
            incident_id=record.id,
            note=note or "",
            active=active,
        )
    try:
        reviewed = await archive.async_review(incident_id, status, note)
    except KeyError as err:
        raise _error("unknown_incident", {"incident_id": incident_id}) from err
    return {
        "incident": (reviewed or record).to_dict(),
        "rule": rule.to_dict() if rule else None,
    }


async def async_add_rule(
    hass: HomeAssistant,
    *,
    camera: str,
    keywords: Iterable[str] | str | None,
    region: Region | list[float] | None,
    expires: datetime | None = None,
    incident_id: str | None = None,
    note: str = "",
    active: bool = True,
) -> SuppressionRule:
    """Make and keep a rule; raises a clear error for an empty one or a past expiry."""
    archive = archive_or_raise(hass)
    if expires is not None and expires.tzinfo is None:
        expires = dt_util.as_utc(expires.replace(tzinfo=dt_util.get_default_time_zone()))
    try:
        rule = make_rule(
            rule_id=uuid.uuid4().hex,
            camera=camera,
            region=region,
            keywords=keywords or (),
            now=dt_util.utcnow(),
            expires=expires,
            incident_id=incident_id,
            note=note,
            active=active,
        )
    except RuleError as err:
        raise _error(err.key, {"error": str(err)}) from err
    await archive.async_save_rule(rule)
    return rule


async def async_update_rule(
    hass: HomeAssistant, rule_id: str, changes: dict[str, Any]
) -> SuppressionRule:
    """Change a rule's keywords, region, expiry or note; its hits are kept."""
    archive = archive_or_raise(hass)
    rule = next((rule for rule in archive.rules if rule.id == rule_id), None)
    if rule is None:
        raise _error("unknown_rule", {"rule_id": rule_id})
    expires = changes.get("expires", rule.expires)
    if expires is not None and expires.tzinfo is None:
        expires = dt_util.as_utc(expires.replace(tzinfo=dt_util.get_default_time_zone()))
    try:
        updated = make_rule(
            rule_id=rule.id,
            camera=rule.camera,
            region=changes.get("region", rule.region),
            keywords=changes.get("keywords", rule.keywords),
            now=dt_util.utcnow(),
            expires=expires,
            incident_id=rule.incident_id,
            note=changes.get("note", rule.note),
            active=rule.active,
        )
    except RuleError as err:
        raise _error(err.key, {"error": str(err)}) from err
    # The rule keeps the day it was made.
    await archive.async_save_rule(replace(updated, created=rule.created))
    return next(item for item in archive.rules if item.id == rule_id)


async def async_remove_rule(hass: HomeAssistant, rule_id: str) -> None:
    """Delete a rule or raise that it is unknown."""
    if not await archive_or_raise(hass).async_remove_rule(rule_id):
        raise _error("unknown_rule", {"rule_id": rule_id})


async def async_accept_rules(hass: HomeAssistant, rule_ids: Iterable[str] | None) -> list[str]:
    """Turn proposed rules on (all proposals when no ids are given)."""
    archive = archive_or_raise(hass)
    wanted = (
        list(rule_ids)
        if rule_ids is not None
        else [rule.id for rule in archive.rules if not rule.active]
    )
    unknown = [rule_id for rule_id in wanted if all(rule.id != rule_id for rule in archive.rules)]
    if unknown:
        raise _error("unknown_rule", {"rule_id": ", ".join(unknown)})
    return await archive.async_activate_rules(wanted)


@callback
def list_rules(hass: HomeAssistant, camera: str | None = None) -> list[dict[str, Any]]:
    """Return the rules (of one camera, or all) with their hits, as plain values."""
    archive = archive_or_raise(hass)
    return [rule.to_dict() for rule in archive.rules if camera is None or rule.camera == camera]
