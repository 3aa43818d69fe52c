"""Calendars: each camera's incidents as events, on while one lasts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta
import time
from typing import Final

from homeassistant.components.calendar import (
    CalendarEntity,
    CalendarEntityDescription,
    CalendarEvent,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.util import dt as dt_util

from .archive import async_get_archive
from .const import DOMAIN
from .coordinator import CameraMonitor
from .core.incidents import Incident
from .core.store import STATUS_FALSE_ALARM, STATUS_NEW, STATUS_SUPPRESSED, IncidentRecord
from .data import VLMGuardConfigEntry
from .entity import CameraEntityDescription, VLMGuardCameraEntity, async_add_camera_entities
from .media_source import incident_media_id, snapshot_role

PARALLEL_UPDATES = 0

# One range of the calendar lists at most this many incidents, oldest first.
EVENTS_LIMIT: Final = 2000
MIN_DURATION: Final = timedelta(seconds=1)
SUMMARY_PREFIXES: Final = {STATUS_SUPPRESSED: "Suppressed: ", STATUS_FALSE_ALARM: "False alarm: "}


@dataclass(frozen=True, kw_only=True)
class CameraCalendarDescription(CalendarEntityDescription, CameraEntityDescription):
    """A camera calendar."""


INCIDENTS = CameraCalendarDescription(key="incidents", translation_key="incidents")


async def async_setup_entry(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add an incident calendar to every camera."""
    async_add_camera_entities(entry, async_add_entities, [INCIDENTS], IncidentCalendar)


def incident_event(
    *,
    camera: str,
    camera_name: str,
    incident_id: str,
    started: datetime,
    end: datetime,
    description: str,
    alerts: int,
    status: str,
    has_snapshot: bool,
) -> CalendarEvent:
    """Return an incident as a calendar event lasting at least a second."""
    lines = [description, "", f"Alerts: {alerts}"]
    if has_snapshot:
        lines.append(f"Snapshot: {incident_media_id(camera, started, incident_id)}")
    return CalendarEvent(
        start=started,
        end=max(end, started + MIN_DURATION),
        summary=SUMMARY_PREFIXES.get(status, "") + (description or camera_name),
        description="\n".join(lines).strip(),
        uid=incident_id,
    )


def record_event(record: IncidentRecord) -> CalendarEvent:
    """Return an archived incident as a calendar event, until it ended (or its last alert)."""
    return incident_event(
        camera=record.camera,
        camera_name=record.camera_name,
        incident_id=record.id,
        started=record.started,
        end=record.ended or record.last_alert,
        description=record.description,
        alerts=record.alerts,
        status=record.status,
        has_snapshot=snapshot_role(record) is not None,
    )


class IncidentCalendar(VLMGuardCameraEntity, CalendarEntity):
    """A camera's incidents; the event is the one going on, else the newest."""

    entity_description: CameraCalendarDescription
    # Past incidents are worth looking at while the stream is down.
    _follows_stream = False

    def __init__(self, monitor: CameraMonitor, description: CameraCalendarDescription) -> None:
        """Start with no incident known; the archive is read once the entity is added."""
        super().__init__(monitor, description)
        self._newest: IncidentRecord | None = None
        self._event: CalendarEvent | None = None
        self._refresh: asyncio.Task[None] | None = None
        self._refresh_again = False

    async def async_added_to_hass(self) -> None:
        """Follow the archive as well as the monitor."""
        await super().async_added_to_hass()
        if (archive := async_get_archive(self.hass)) is not None:
            self.async_on_remove(archive.async_listen(self._async_archive_changed))
        self._async_archive_changed()

    async def async_will_remove_from_hass(self) -> None:
        """Stop reading the archive, then drop the calendar's alarms."""
        if self._refresh is not None:
            self._refresh.cancel()
        await super().async_will_remove_from_hass()

    @property
    def event(self) -> CalendarEvent | None:
        """Return the incident going on, else the newest one (no disk access)."""
        return self._event

    @callback
    def async_write_ha_state(self) -> None:
        """Settle which incident is shown, then write the state (the calendar sets alarms)."""
        live = self._live_event()
        self._event = live or (None if self._newest is None else record_event(self._newest))
        super().async_write_ha_state()

    async def async_get_events(
        self, hass: HomeAssistant, start_date: datetime, end_date: datetime
    ) -> list[CalendarEvent]:
        """Return the camera's incidents that started in [start_date, end_date)."""
        archive = async_get_archive(hass)
        records = (
            []
            if archive is None
            else await archive.async_list(
                camera=self.monitor.subentry_id,
                since=start_date,
                until=end_date,
                limit=EVENTS_LIMIT,
                newest_first=False,
            )
        )
        events = {record.id: record_event(record) for record in records}
        # The incident going on is newer in memory than in the archive, which it may not reach
        # before its first picture is saved.
        if (live := self._live_event()) is not None and start_date <= live.start < end_date:
            events[live.uid or ""] = live
        return sorted(events.values(), key=lambda event: event.start_datetime_local)

    @callback
    def _live_event(self) -> CalendarEvent | None:
        """Return the open incident, lasting until it ends unless another alert comes."""
        alerts = self.monitor.alerts
        incident: Incident | None = alerts.incident
        ends_at = alerts.tracker.ends_at()
        if incident is None or ends_at is None:
            return None
        # The end is counted on the clock the incident ends by, rounded up to a
        # whole second so that each state write does not move it a little.
        end = dt_util.utcnow() + timedelta(seconds=max(0.0, ends_at - time.monotonic()))
        end = end.replace(microsecond=0) + timedelta(seconds=1)
        newest = self._newest
        return incident_event(
            camera=self.monitor.subentry_id,
            camera_name=self.monitor.name,
            incident_id=incident.id,
            started=incident.started,
            end=end,
            description=incident.description,
            alerts=incident.alerts,
            status=newest.status if newest is not None and newest.id == incident.id else STATUS_NEW,
            has_snapshot=bool(incident.snapshots),
        )

    @callback
    def _async_archive_changed(self) -> None:
        """Read the newest incident again, one read at a time (changes come in bursts)."""
        if self._refresh is not None and not self._refresh.done():
            self._refresh_again = True
            return
        self._refresh = self.monitor.entry.async_create_background_task(
            self.hass, self._async_refresh(), f"{DOMAIN} calendar {self.monitor.name}"
        )

    async def _async_refresh(self) -> None:
        archive = async_get_archive(self.hass)
        if archive is None:
            return
        camera = self.monitor.subentry_id
        found: list[IncidentRecord] | None = None
        self._refresh_again = True
        while self._refresh_again:
            self._refresh_again = False
            found = await archive.async_run(lambda store: store.list(camera=camera, limit=1))
        # A failed read keeps what was known.
        if found is not None:
            self._newest = found[0] if found else None
        self.async_write_ha_state()
