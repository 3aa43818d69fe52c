"""The daily review: the day's incidents, grouped, labelled by a language model.

At the chosen time each server entry sends its cameras' last 24 hours of
incidents, grouped by camera and normalised description, to the server's own
model (or to a Home Assistant AI Task entity), with what the owner said about
each camera's scene and the day's weather. Groups labelled FALSE_POSITIVE or
NOISE become proposed suppression rules, switched on only when the owner
accepts them (or has chosen to accept them automatically).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time as dt_time, timedelta
import json
import logging
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_track_time_change
from homeassistant.util import dt as dt_util

from .archive import async_get_archive
from .const import (
    CONF_REVIEW_AGENT,
    CONF_REVIEW_AUTO_ACCEPT,
    CONF_REVIEW_TIME,
    CONF_WEATHER_ENTITY,
    DEFAULT_REVIEW_TIME,
    DOMAIN,
    EVENT_DAILY_REVIEW,
    SUBENTRY_CAMERA,
)
from .core.review import (
    LABELS,
    GroupLabel,
    ReviewError,
    ReviewGroup,
    ReviewItem,
    build_review_prompt,
    group_incidents,
    parse_review,
    propose_rules,
    review_schema,
    summarise,
)
from .core.settings import CONF_CONTEXT, CONF_VLM
from .core.store import STATUS_SUPPRESSED, IncidentRecord
from .core.suppression import SuppressionRule, make_rule
from .core.vlm import VLMClient, VLMError
from .data import loaded_servers

_LOGGER = logging.getLogger(__name__)

REVIEW_WINDOW: Final = timedelta(hours=24)
# Incidents sent to the model at most: a day with more is summarised by its groups anyway.
REVIEW_MAX_INCIDENTS: Final = 2000
AI_TASK_TIMEOUT: Final = 300.0


def ai_task_structure(groups: list[ReviewGroup]) -> dict[str, Any]:
    """Return the AI Task structure asking one label and one reason per group."""
    structure: dict[str, Any] = {}
    for group in groups:
        structure[f"group_{group.index}_label"] = {
            "description": f"Label of group {group.index}",
            "required": True,
            "selector": {"select": {"options": list(LABELS)}},
        }
        structure[f"group_{group.index}_reason"] = {
            "description": f"Why group {group.index} has that label",
            "required": True,
            "selector": {"text": {}},
        }
    return structure


def ai_task_answer(data: Any, groups: list[ReviewGroup]) -> str:
    """Return an AI Task's structured answer as the JSON text the review reader expects."""
    if isinstance(data, str):
        return data
    if not isinstance(data, dict):
        return json.dumps(data)
    return json.dumps(
        {
            "groups": [
                {
                    "group": group.index,
                    "label": data.get(f"group_{group.index}_label"),
                    "reason": data.get(f"group_{group.index}_reason") or "",
                }
                for group in groups
                if data.get(f"group_{group.index}_label")
            ]
        }
    )


class DailyReview:
    """Review one server entry's cameras once a day and keep the newest result."""

    def __init__(self, hass: HomeAssistant, entry: Any) -> None:
        """Review the cameras of `entry` with its server's model or the chosen AI Task."""
        self.hass = hass
        self.entry = entry
        self.last: dict[str, Any] | None = None
        self.signal_update = f"{DOMAIN}_{entry.entry_id}_review"
        self._unsub: Callable[[], None] | None = None

    @callback
    def async_start(self) -> None:
        """Run every day at the configured time."""
        at = _review_time(self.entry.options.get(CONF_REVIEW_TIME))
        self._unsub = async_track_time_change(
            self.hass, self._async_scheduled, hour=at.hour, minute=at.minute, second=at.second
        )

    @callback
    def async_stop(self) -> None:
        """Stop the daily run."""
        if self._unsub is not None:
            self._unsub()
            self._unsub = None

    async def _async_scheduled(self, _now: datetime) -> None:
        await self.async_run()

    def _cameras(self) -> dict[str, Any]:
        return {
            subentry_id: subentry
            for subentry_id, subentry in self.entry.subentries.items()
            if subentry.subentry_type == SUBENTRY_CAMERA
        }

    async def async_run(self) -> dict[str, Any]:
        """Review the last day now; fire the event and return the result."""
        now = dt_util.utcnow()
        cameras = self._cameras()
        result: dict[str, Any] = {
            "config_entry_id": self.entry.entry_id,
            "reviewed": now.isoformat(),
            "since": (now - REVIEW_WINDOW).isoformat(),
            "incidents": 0,
            "groups": [],
            "proposed_rules": [],
            "summary": "",
            "error": None,
        }
        archive = async_get_archive(self.hass)
        records: list[IncidentRecord] = []
        if archive is not None:
            for camera in cameras:
                records.extend(
                    await archive.async_list(
                        camera=camera, since=now - REVIEW_WINDOW, limit=REVIEW_MAX_INCIDENTS
                    )
                )
        records = [record for record in records if record.status != STATUS_SUPPRESSED]
        groups = group_incidents(_item(record) for record in records)
        result["incidents"] = len(records)
        if not groups:
            result["summary"] = "No incidents to review"
            return self._async_publish(result)
        try:
            text = await self._async_ask(groups, cameras)
            labels = parse_review(text, groups)
        except (ReviewError, VLMError, HomeAssistantError, TimeoutError) as err:
            result["error"] = str(err) or type(err).__name__
            result["summary"] = f"The review failed: {result['error']}"[:255]
            result["groups"] = [_group(group, None) for group in groups]
            _LOGGER.warning("The daily review gave no labels: %s", result["error"])
            return self._async_publish(result)
        by_group = {label.group: label for label in labels}
        result["groups"] = [_group(group, by_group.get(group.index)) for group in groups]
        result["summary"] = summarise(groups, labels)
        if archive is not None:
            await archive.async_run(lambda store: _label_all(store, groups, by_group))
            result["proposed_rules"] = await self._async_propose(groups, labels, now)
        return self._async_publish(result)

    async def _async_ask(self, groups: list[ReviewGroup], cameras: dict[str, Any]) -> str:
        contexts = {
            subentry_id: str((subentry.data.get(CONF_VLM) or {}).get(CONF_CONTEXT) or "")
            for subentry_id, subentry in cameras.items()
        }
        prompt = build_review_prompt(
            groups,
            contexts={camera: text for camera, text in contexts.items() if text},
            weather=self._weather(),
            tz=dt_util.get_default_time_zone(),
            day_label=f"the 24 hours before {dt_util.now():%A %d %B %Y %H:%M}",
        )
        agent = self.entry.options.get(CONF_REVIEW_AGENT)
        if agent:
            response = await self.hass.services.async_call(
                "ai_task",
                "generate_data",
                {
                    "entity_id": agent,
                    "task_name": "VLM Guard daily review",
                    "instructions": prompt,
                    "structure": ai_task_structure(groups),
                },
                blocking=True,
                return_response=True,
            )
            return ai_task_answer((response or {}).get("data"), groups)
        client: VLMClient = self.entry.runtime_data.server.client
        answer = await client.complete(prompt, review_schema(), name="review")
        return answer.text

    def _weather(self) -> str | None:
        entity_id = self.entry.options.get(CONF_WEATHER_ENTITY)
        if not entity_id or (state := self.hass.states.get(entity_id)) is None:
            return None
        attributes = state.attributes
        parts = [state.state.replace("-", " ")]
        if (temperature := attributes.get("temperature")) is not None:
            parts.append(f"{temperature} {attributes.get('temperature_unit', '')}".strip())
        if (wind := attributes.get("wind_speed")) is not None:
            parts.append(f"wind {wind} {attributes.get('wind_speed_unit', '')}".strip())
        return ", ".join(parts)

    async def _async_propose(
        self, groups: list[ReviewGroup], labels: list[GroupLabel], now: datetime
    ) -> list[dict[str, Any]]:
        """Keep the proposed rules (replacing the earlier unaccepted ones of these cameras)."""
        archive = async_get_archive(self.hass)
        assert archive is not None
        cameras = self._cameras()
        for stale in [rule for rule in archive.rules if not rule.active and rule.camera in cameras]:
            await archive.async_remove_rule(stale.id)
        accept = bool(self.entry.options.get(CONF_REVIEW_AUTO_ACCEPT, False))
        proposed: list[dict[str, Any]] = []
        for index, proposal in enumerate(propose_rules(groups, labels)):
            rule: SuppressionRule = make_rule(
                rule_id=f"review-{now:%Y%m%d%H%M%S}-{index}",
                camera=proposal.camera,
                region=proposal.region,
                keywords=proposal.keywords,
                now=now,
                incident_id=proposal.incident_ids[0] if proposal.incident_ids else None,
                note=f"{proposal.label}: {proposal.reason}",
                active=accept,
            )
            await archive.async_save_rule(rule)
            proposed.append({**rule.to_dict(), **proposal.to_dict()})
        return proposed

    @callback
    def _async_publish(self, result: dict[str, Any]) -> dict[str, Any]:
        self.last = result
        self.hass.bus.async_fire(EVENT_DAILY_REVIEW, result)
        async_dispatcher_send(self.hass, self.signal_update)
        return result


def _label_all(store: Any, groups: list[ReviewGroup], labels: dict[int, GroupLabel]) -> None:
    for group in groups:
        if (label := labels.get(group.index)) is not None:
            for incident_id in group.incident_ids:
                store.label(incident_id, label.label, label.reason)


def _item(record: IncidentRecord) -> ReviewItem:
    details = record.details
    size = details.get("frame_size")
    return ReviewItem(
        incident_id=record.id,
        camera=record.camera,
        camera_name=record.camera_name,
        started=record.started,
        description=record.description,
        boxes=tuple(
            (int(b[0]), int(b[1]), int(b[2]), int(b[3])) for b in details.get("boxes") or []
        ),
        frame_size=(int(size[0]), int(size[1])) if size else None,
        status=record.status,
    )


def _group(group: ReviewGroup, label: GroupLabel | None) -> dict[str, Any]:
    return {
        "group": group.index,
        "camera": group.camera_name,
        "description": group.description,
        "count": group.count,
        "times": [when.isoformat() for when in group.times[:20]],
        "incident_ids": group.incident_ids[:50],
        "label": label.label if label else None,
        "reason": label.reason if label else None,
    }


def _review_time(value: Any) -> dt_time:
    try:
        return dt_time.fromisoformat(str(value or DEFAULT_REVIEW_TIME))
    except ValueError:
        return dt_time.fromisoformat(DEFAULT_REVIEW_TIME)


async def async_run_reviews(hass: HomeAssistant, entry_id: str | None) -> dict[str, Any]:
    """Run the review of one loaded server entry, or of all of them, now."""
    entries = loaded_servers(hass, entry_id)
    return {
        "reviews": {
            entry.entry_id: await entry.runtime_data.review.async_run() for entry in entries
        }
    }
