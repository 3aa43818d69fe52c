"""Publish a camera's incidents: snapshots on disk, events, the alert state while one lasts.

`vlm_guard_alert` fires once per incident, when it starts; the camera's event
entity fires `started`, `updated` (at most every `update_every` seconds) and
`ended`; `vlm_guard_incident_ended` carries the summary. Two snapshots are kept
per incident: its first picture and its best one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
import logging
import time
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later
from homeassistant.util import dt as dt_util

from .const import EVENT_ALERT, EVENT_INCIDENT_ENDED, EVENT_RAW_ANSWER_MAX, EVENT_VERDICTS_MAX
from .core.decision import Decision
from .core.incidents import Change, Incident, IncidentEvent, IncidentTracker, restore_incident
from .snapshots import SavedSnapshot, SnapshotStore

_LOGGER = logging.getLogger(__name__)

ROLE_FIRST = "first"
ROLE_BEST = "best"


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
    ) -> None:
        """Publish for one camera; an incident ends `quiet` s after its last alert."""
        self.hass = hass
        self.name = str(payload_base["camera"])
        self._payload_base = payload_base
        self.tracker = IncidentTracker(quiet, update_every)
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

    async def async_publish(self, decision: Decision, snapshot: bytes) -> None:
        """Add an ALERT decision to the camera's incident and announce what changed."""
        now = time.monotonic()
        if (ended := self.tracker.expire(now, dt_util.utcnow())) is not None:
            self._async_announce_end(ended)
        event = self.tracker.alert(decision, now)
        incident = event.incident
        if event.change is Change.STARTED:
            self._saved = {}
        if event.better_picture:
            role = ROLE_FIRST if event.change is Change.STARTED else ROLE_BEST
            # Named by the incident's start, so files sort (and are pruned) by time.
            saved = await self.store.async_save(
                snapshot,
                decision.time,
                name=f"{incident.started:%Y%m%d-%H%M%S}-{incident.id[:8]}-{role}",
            )
            if saved is not None:
                self._saved[role] = saved
                incident.snapshots[role] = saved.path
            self.snapshot = snapshot
        best = self._saved.get(ROLE_BEST) or self._saved.get(ROLE_FIRST)
        payload = {
            **alert_payload(self._payload_base, decision, best),
            "incident_id": incident.id,
            "incident_started": incident.started.isoformat(),
            "incident_alerts": incident.alerts,
        }
        self._schedule_end()
        if event.change is Change.STARTED:
            self.last_alert = payload
            _LOGGER.info("Camera %s: alert: %s", self.name, decision.verdict.description)
            async_dispatcher_send(self.hass, self._signal_alert, Change.STARTED.value, payload)
            self.hass.bus.async_fire(EVENT_ALERT, payload)
        elif event.announce:
            self.last_alert = payload
            async_dispatcher_send(self.hass, self._signal_alert, Change.UPDATED.value, payload)
        self._on_change()

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
        }
        self.last_incident = summary
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
