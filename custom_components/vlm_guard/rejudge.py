"""Judge past incidents again with today's model and question, and say what would change.

Before trusting a new prompt or model, the owner runs it over last week's real
footage: each chosen incident's stored image (what the VLM judged, else its
snapshot) goes to the camera's current server with the camera's current
question, and the new verdict is set against the one that raised the alert.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError

from .const import DOMAIN
from .core.decision import answered
from .core.store import STATUS_SUPPRESSED, IncidentRecord
from .core.vlm import VLMError
from .data import running_camera
from .feedback import archive_or_raise

IMAGE_ROLES = ("crop", "best", "first")


def _read_image(record: IncidentRecord) -> bytes | None:
    """Return the incident's stored image the VLM judged, else a snapshot (blocking)."""
    for role in IMAGE_ROLES:
        if path := record.files.get(role):
            try:
                return Path(path).read_bytes()
            except OSError:
                continue
    return None


async def async_rejudge(
    hass: HomeAssistant,
    *,
    incident_ids: list[str] | None,
    camera: str | None,
    since: datetime | None,
    limit: int,
) -> dict[str, Any]:
    """Judge the chosen incidents again; return each old and new verdict and what changed."""
    archive = archive_or_raise(hass)
    if incident_ids:
        records = []
        for incident_id in incident_ids[:limit]:
            record = await archive.async_get(incident_id)
            if record is None:
                raise ServiceValidationError(
                    translation_domain=DOMAIN,
                    translation_key="unknown_incident",
                    translation_placeholders={"incident_id": incident_id},
                )
            records.append(record)
    else:
        records = await archive.async_list(camera=camera, since=since, limit=limit)
    # One at a time: the check must not crowd out the cameras' own questions.
    results = [await _async_rejudge_one(hass, record) for record in records]
    changed = sum(1 for item in results if item.get("changed"))
    return {"checked": len(results), "changed": changed, "incidents": results}


async def _async_rejudge_one(hass: HomeAssistant, record: IncidentRecord) -> dict[str, Any]:
    item: dict[str, Any] = {
        "incident_id": record.id,
        "camera": record.camera_name,
        "started": record.started.isoformat(),
        "was_alert": True,
        "was_suppressed": record.status == STATUS_SUPPRESSED,
        "was_description": record.description,
        "status": record.status,
    }
    monitor = running_camera(hass, record.camera)
    if monitor is None:
        item["error"] = "the camera is not running"
        return item
    image = await hass.async_add_executor_job(_read_image, record)
    if image is None:
        item["error"] = "no stored image"
        return item
    try:
        answer, _server = await monitor.server.async_analyze(image, monitor.settings.prompt)
    except VLMError as err:
        item["error"] = str(err)
        return item
    decision = answered(
        answer.text,
        model=answer.model,
        latency=answer.latency,
        reason="rejudge",
        when=record.started,
        phrases=monitor.settings.phrases,
    )
    item.update(
        {
            "alert": decision.alert,
            "description": decision.verdict.description,
            "rule": decision.verdict.rule,
            "raw_answer": decision.raw[:500],
            "model": decision.model,
            "changed": not decision.alert,
        }
    )
    return item
