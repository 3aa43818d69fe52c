"""Publish a camera's incidents: snapshots on disk, events, the alert state while one lasts.

`vlm_guard_alert` fires once per incident, when it starts; the camera's event
entity fires `started`, `updated` (at most every `update_every` seconds) and
`ended`; `vlm_guard_incident_ended` carries the summary. Two snapshots are kept
per incident, its first picture and its best one, with the image the VLM judged
for the best (to judge it again later). Every incident goes to the archive. An
ALERT that a suppression rule matches raises nothing: it is archived as a
`suppressed` incident of its own and counted as the rule's hit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
import logging
import time
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .archive import IncidentArchive
from .const import EVENT_ALERT, EVENT_INCIDENT_ENDED, EVENT_RAW_ANSWER_MAX, EVENT_VERDICTS_MAX
from .core.decision import Decision
from .core.incidents import Change, Incident, IncidentEvent, IncidentTracker, restore_incident
from .core.store import STATUS_SUPPRESSED, IncidentRecord
from .core.suppression import SuppressionRule
from .incident_urls import notification_urls
from .recorder import IncidentClips
from .snapshots import SavedSnapshot, SnapshotStore

_LOGGER = logging.getLogger(__name__)

ROLE_FIRST = "first"
ROLE_BEST = "best"
ROLE_CROP = "crop"
ROLE_AUDIO = "audio"
ROLE_CLIP = "clip"


def alert_payload(
    base: dict[str, Any], decision: Decision, snapshot: SavedSnapshot | None
) -> dict[str, Any]:
    """Return everything an automation needs to deliver one alert."""
    return {
        **base,
        "description": decision.verdict.description,
        "rule": decision.verdict.rule,
        "model": decision.model,
        "latency": round(decision.latency, 3),
        "raw_answer": decision.raw,
        "reason": decision.reason,
        "reused": decision.reused,
        "verified": decision.verified,
        "boxes": [list(box) for box in decision.boxes],
        "crop": list(decision.crop) if decision.crop else None,
        "snapshot_path": snapshot.path if snapshot else None,
        "snapshot_media_id": snapshot.media_id if snapshot else None,
        "time": decision.time.isoformat(),
    }


def incident_record(
    incident: Incident,
    base: dict[str, Any],
    saved: dict[str, SavedSnapshot],
    *,
    suppressed_by: SuppressionRule | None = None,
) -> IncidentRecord:
    """Return what the archive keeps of an incident as it stands."""
    summary = incident.summary()
    best = incident.best
    record = IncidentRecord(
        id=incident.id,
        camera=str(base["subentry_id"]),
        camera_name=str(base["camera"]),
        started=incident.started,
        last_alert=incident.last_alert,
        ended=incident.ended,
        description=incident.description,
        alerts=incident.alerts,
        verified=incident.verified,
        transcript="\n".join(incident.transcripts) or None,
        files={role: item.path for role, item in saved.items()},
        details={
            "verdicts": summary["verdicts"],
            "descriptions": summary["descriptions"],
            "duration": summary["duration"],
            "boxes": [list(box) for box in best.boxes] if best else [],
            "frame_size": list(best.frame_size) if best and best.frame_size else None,
            "crop": list(best.crop) if best and best.crop else None,
            "media": {role: item.media_id for role, item in saved.items()},
        },
    )
    if suppressed_by is not None:
        # A silenced incident has nothing left to wait for: it ends with its last verdict.
        record.status = STATUS_SUPPRESSED
        record.suppressed_by = suppressed_by.id
        record.ended = record.ended or incident.last_alert
    return record


class AlertPublisher:
    """Turn confirmed alerts into incidents: snapshots, events and a held alert state."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        payload_base: dict[str, Any],
        quiet: float,
        update_every: float,
        store: SnapshotStore,
        signal_alert: str,
        on_change: Callable[[], None],
        archive: IncidentArchive | None = None,
        clips: IncidentClips | None = None,
    ) -> None:
        """Publish for one camera; an incident ends `quiet` s after its last alert."""
        self.hass = hass
        self.name = str(payload_base["camera"])
        self._payload_base = payload_base
        self.camera_id = str(payload_base["subentry_id"])
        self.tracker = IncidentTracker(quiet, update_every)
        self.silenced = IncidentTracker(quiet, update_every)
        """Groups suppressed ALERTs into incidents of their own."""
        self._silenced_saved: dict[str, SavedSnapshot] = {}
        self.archive = archive
        self.clips = clips
        self._ending: set[asyncio.Task[None]] = set()
        self.store = store
        self._signal_alert = signal_alert
        self._on_change = on_change
        self.last_alert: dict[str, Any] | None = None
        """The event data of the newest alert (the incident's last announcement)."""
        self.last_incident: dict[str, Any] | None = None
        """The summary of the newest incident that ended."""
        self.snapshot: bytes | None = None
        self._saved: dict[str, SavedSnapshot] = {}
        self._unsub_end: CALLBACK_TYPE | None = None

    @property
    def alert_on(self) -> bool:
        """Return True while an incident is open."""
        return self.tracker.current is not None

    @property
    def incident(self) -> Incident | None:
        """Return the open incident, if any."""
        return self.tracker.current

    async def async_publish(self, decision: Decision, snapshot: bytes, image: bytes) -> None:
        """Add an ALERT decision to the camera's incident and announce what changed.

        `snapshot` is the annotated frame, `image` what the VLM judged.
        """
        if self.archive is not None and (
            rule := self.archive.async_match(self.camera_id, decision)
        ):
            await self._async_suppress(decision, snapshot, rule)
            return
        now = time.monotonic()
        if (ended := self.tracker.expire(now, dt_util.utcnow())) is not None:
            self._async_announce_end(ended)
        event = self.tracker.alert(decision, now)
        incident = event.incident
        if event.change is Change.STARTED:
            self._saved = {}
            if self.clips is not None:
                # The motion that led to this ALERT came before the VLM's answer.
                self.clips.async_started(incident, now - decision.latency)
        if event.better_picture:
            role = ROLE_FIRST if event.change is Change.STARTED else ROLE_BEST
            await self._async_keep(incident, self._saved, role, snapshot, decision)
            await self._async_keep(incident, self._saved, ROLE_CROP, image, decision)
            self.snapshot = snapshot
        best = self._saved.get(ROLE_BEST) or self._saved.get(ROLE_FIRST)
        payload = {
            **alert_payload(self._payload_base, decision, best),
            **self._links(incident),
            "incident_id": incident.id,
            "incident_started": incident.started.isoformat(),
            "incident_alerts": incident.alerts,
            "previous_incident_ended": (self.last_incident or {}).get("ended"),
        }
        self._schedule_end()
        if event.change is Change.STARTED or event.announce or event.better_picture:
            await self._async_archive(incident_record(incident, self._payload_base, self._saved))
        if event.change is Change.STARTED:
            self.last_alert = payload
            _LOGGER.info("Camera %s: alert: %s", self.name, decision.verdict.description)
            async_dispatcher_send(self.hass, self._signal_alert, Change.STARTED.value, payload)
            self.hass.bus.async_fire(EVENT_ALERT, payload)
        elif event.announce:
            self.last_alert = payload
            async_dispatcher_send(self.hass, self._signal_alert, Change.UPDATED.value, payload)
        self._on_change()

    @callback
    def _links(self, incident: Incident) -> dict[str, Any]:
        """Return links a notification can use to show the incident's best picture."""
        role = ROLE_BEST if ROLE_BEST in self._saved else ROLE_FIRST
        urls = notification_urls(self.hass, incident.id, role)
        return {"snapshot_url": urls["url"], "snapshot_external_url": urls["external_url"]}

    async def _async_keep(
        self,
        incident: Incident,
        saved: dict[str, SavedSnapshot],
        role: str,
        content: bytes,
        decision: Decision,
    ) -> None:
        """Save one of the incident's pictures; it stays as long as the incident is kept."""
        # Named by the incident's start, so files sort by time.
        kept = await self.store.async_save(
            content,
            decision.time,
            name=f"{incident.started:%Y%m%d-%H%M%S}-{incident.id[:8]}-{role}",
            prune=self.archive is None or self.archive.store is None,
        )
        if kept is not None:
            saved[role] = kept
            incident.snapshots[role] = kept.path

    async def _async_archive(self, record: IncidentRecord) -> None:
        if self.archive is not None:
            await self.archive.async_save(record)

    async def _async_suppress(
        self, decision: Decision, snapshot: bytes, rule: SuppressionRule
    ) -> None:
        """Archive an ALERT a rule silences, raising nothing."""
        now = time.monotonic()
        self.silenced.expire(now, dt_util.utcnow())
        event = self.silenced.alert(decision, now)
        incident = event.incident
        if event.change is Change.STARTED:
            self._silenced_saved = {}
            await self._async_keep(incident, self._silenced_saved, ROLE_FIRST, snapshot, decision)
        _LOGGER.debug(
            "Camera %s: alert silenced by rule %s: %s",
            self.name,
            rule.id,
            decision.verdict.description,
        )
        await self._async_archive(
            incident_record(incident, self._payload_base, self._silenced_saved, suppressed_by=rule)
        )
        assert self.archive is not None
        await self.archive.async_hit(rule, decision.time)

    async def async_add_speech(self, record: dict[str, Any]) -> None:
        """Keep an alerting transcript, and its clip, with the open incident (if one is)."""
        incident = self.tracker.current
        if incident is None:
            return
        incident.transcripts.append(str(record.get("text") or ""))
        if record.get("clip_path"):
            clip = SavedSnapshot(str(record["clip_path"]), str(record.get("clip_media_id") or ""))
            self._saved[ROLE_AUDIO] = clip
            incident.snapshots[ROLE_AUDIO] = clip.path
        await self._async_archive(incident_record(incident, self._payload_base, self._saved))

    def _schedule_end(self) -> None:
        if self._unsub_end is not None:
            self._unsub_end()
        ends_at = self.tracker.ends_at()
        if ends_at is None:
            return
        self._unsub_end = async_call_later(
            self.hass, max(0.0, ends_at - time.monotonic()), self._async_end_if_quiet
        )

    @callback
    def _async_end_if_quiet(self, _now: datetime) -> None:
        # The timer is set anew by every ALERT: when it fires, the camera was quiet.
        self._unsub_end = None
        if (ended := self.tracker.end_now(dt_util.utcnow())) is not None:
            self._async_announce_end(ended)
            self._on_change()

    @callback
    def _async_announce_end(self, event: IncidentEvent) -> None:
        incident = event.incident
        best = self._saved.get(ROLE_BEST) or self._saved.get(ROLE_FIRST)
        first = self._saved.get(ROLE_FIRST)
        details = incident.summary()
        # The newest verdicts only, answers shortened: an event is not an archive.
        details["verdicts"] = [
            {**verdict, "raw_answer": verdict["raw_answer"][:EVENT_RAW_ANSWER_MAX]}
            for verdict in details["verdicts"][-EVENT_VERDICTS_MAX:]
        ]
        summary = {
            **self._payload_base,
            **details,
            "snapshot_path": best.path if best else None,
            "snapshot_media_id": best.media_id if best else None,
            "first_snapshot_path": first.path if first else None,
            "first_snapshot_media_id": first.media_id if first else None,
            **self._links(incident),
        }
        self.last_incident = summary
        saved = dict(self._saved)
        # The clip (written in a moment) comes with the end's announcement.
        task = self.hass.async_create_task(
            self._async_complete_end(incident, summary, saved), eager_start=True
        )
        self._ending.add(task)
        task.add_done_callback(self._ending.discard)

    async def _async_complete_end(
        self, incident: Incident, summary: dict[str, Any], saved: dict[str, SavedSnapshot]
    ) -> None:
        """Write the clip, keep the incident, then announce its end."""
        if self.clips is not None and (clip := await self.clips.async_finish(incident)):
            kept, info = clip
            saved[ROLE_CLIP] = kept
            incident.snapshots[ROLE_CLIP] = kept.path
            urls = notification_urls(self.hass, incident.id, ROLE_CLIP)
            summary.update(
                clip_path=kept.path,
                clip_media_id=kept.media_id,
                clip_url=urls["url"],
                clip_external_url=urls["external_url"],
                clip_duration=round(info.duration, 1),
            )
        await self._async_archive(incident_record(incident, self._payload_base, saved))
        _LOGGER.debug(
            "Camera %s: incident %s ended after %d alerts", self.name, incident.id, incident.alerts
        )
        async_dispatcher_send(self.hass, self._signal_alert, Change.ENDED.value, summary)
        self.hass.bus.async_fire(EVENT_INCIDENT_ENDED, summary)

    @callback
    def async_end_now(self) -> None:
        """End the open incident at once (detection was turned off)."""
        if self._unsub_end is not None:
            self._unsub_end()
            self._unsub_end = None
        if (ended := self.tracker.end_now(dt_util.utcnow())) is not None:
            self._async_announce_end(ended)
            self._on_change()

    def dump(self) -> dict[str, Any]:
        """Return what should survive a restart: the open incident and the last ones."""
        incident = self.tracker.current
        return {
            "last_alert": self.last_alert,
            "last_incident": self.last_incident,
            "incident": incident.summary() if incident else None,
            "saved": {role: [saved.path, saved.media_id] for role, saved in self._saved.items()},
        }

    @callback
    def async_restore(self, data: dict[str, Any]) -> None:
        """Take back what dump() returned; an incident not over yet carries on."""
        self.last_alert = data.get("last_alert")
        self.last_incident = data.get("last_incident")
        stored = data.get("incident")
        if not stored:
            return
        incident = restore_incident(stored, now=time.monotonic(), wall=dt_util.utcnow())
        if incident is None or not self.tracker.resume(incident, time.monotonic()):
            return
        self._saved = {
            role: SavedSnapshot(str(value[0]), str(value[1]))
            for role, value in (data.get("saved") or {}).items()
            if isinstance(value, list) and len(value) == 2
        }
        # The alert stays on across the restart; the incident ends on its own schedule.
        self._schedule_end()

    @callback
    def async_stop(self) -> None:
        """Cancel the end timer; an open incident stays open (it is stored with the history)."""
        if self._unsub_end is not None:
            self._unsub_end()
            self._unsub_end = None
        for task in list(self._ending):
            task.cancel()
        if self.clips is not None:
            self.clips.async_cancel()
