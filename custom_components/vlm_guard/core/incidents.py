"""Group a camera's alerts into incidents: one notification per happening, not per tick.

A person in view for a minute is judged ALERT a dozen times. The first ALERT
opens an incident; later ones update it; it ends after a quiet time with no
ALERT. Each incident keeps its verdicts, counts, and which decision gives the
best picture of it. Updates are announced at most every `update_every`
seconds. Time is passed in (seconds on any monotonic clock), so the grouping is
tested without waiting.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Final
import uuid

from .decision import Decision

DEFAULT_QUIET: Final = 60.0
DEFAULT_UPDATE_EVERY: Final = 30.0
# Verdicts kept per incident (all are counted; a long incident keeps the newest).
VERDICTS_KEPT: Final = 50


class Change(StrEnum):
    """What happened to the camera's incident."""

    STARTED = "started"
    UPDATED = "updated"
    ENDED = "ended"


def picture_score(decision: Decision) -> tuple[int, int]:
    """Return how good a picture of the incident a decision's image is (higher is better).

    A verdict the VLM confirmed beats a motion-only one; then the larger the
    changed region, the more of the subject the snapshot shows.
    """
    area = sum(width * height for _x, _y, width, height in decision.boxes)
    return (int(decision.verified), area)


@dataclass(slots=True)
class Incident:
    """One happening on one camera, from its first ALERT to the quiet after its last."""

    id: str
    started: datetime
    last_alert: datetime
    started_at: float
    last_alert_at: float
    verdicts: deque[Decision] = field(default_factory=lambda: deque(maxlen=VERDICTS_KEPT))
    alerts: int = 0
    verified: int = 0
    best: Decision | None = None
    ended: datetime | None = None
    last_announced_at: float = 0.0
    snapshots: dict[str, str] = field(default_factory=dict)
    """Saved files by role ("first", "best", "crop", "audio"): file paths."""
    transcripts: list[str] = field(default_factory=list)
    """What the camera heard that alerted while the incident lasted."""

    @property
    def first(self) -> Decision | None:
        """Return the decision that opened the incident (if still kept)."""
        return self.verdicts[0] if self.verdicts and self.alerts <= VERDICTS_KEPT else None

    @property
    def description(self) -> str:
        """Return the words that describe the incident best."""
        best = self.best or (self.verdicts[-1] if self.verdicts else None)
        return best.verdict.description if best else ""

    def summary(self) -> dict[str, Any]:
        """Return the incident as plain JSON values (for events and storage)."""
        descriptions = list(dict.fromkeys(d.verdict.description for d in self.verdicts))
        return {
            "incident_id": self.id,
            "started": self.started.isoformat(),
            "ended": self.ended.isoformat() if self.ended else None,
            "last_alert": self.last_alert.isoformat(),
            "duration": round(((self.ended or self.last_alert) - self.started).total_seconds(), 1),
            "alerts": self.alerts,
            "verified_alerts": self.verified,
            "description": self.description,
            "descriptions": descriptions[-10:],
            "verdicts": [decision.to_dict() for decision in self.verdicts],
            "snapshots": dict(self.snapshots),
            "transcripts": list(self.transcripts),
        }


@dataclass(frozen=True, slots=True)
class IncidentEvent:
    """A change of the camera's incident."""

    change: Change
    incident: Incident
    announce: bool = True
    """False for an update inside the quiet period between announced updates."""
    better_picture: bool = False
    """True when this ALERT gives a better picture than the incident had."""


class IncidentTracker:
    """Open, update and end one camera's incidents from its ALERT decisions."""

    def __init__(
        self, quiet: float = DEFAULT_QUIET, update_every: float = DEFAULT_UPDATE_EVERY
    ) -> None:
        """End after `quiet` s without ALERT; announce updates at most every `update_every` s."""
        self.quiet = quiet
        self.update_every = update_every
        self.current: Incident | None = None

    def alert(self, decision: Decision, now: float) -> IncidentEvent:
        """Take an ALERT decision made at `now` (seconds); return what changed.

        An incident quiet for longer than `quiet` is ended first by `expire`;
        the caller runs it on a timer, so an ALERT always finds either no
        incident or a live one.
        """
        incident = self.current
        started = incident is None
        if incident is None:
            incident = self.current = Incident(
                id=uuid.uuid4().hex,
                started=decision.time,
                last_alert=decision.time,
                started_at=now,
                last_alert_at=now,
                last_announced_at=now,
            )
        incident.verdicts.append(decision)
        incident.alerts += 1
        incident.verified += int(decision.verified)
        incident.last_alert = decision.time
        incident.last_alert_at = now
        better = incident.best is None or picture_score(decision) > picture_score(incident.best)
        if better:
            incident.best = decision
        if started:
            return IncidentEvent(Change.STARTED, incident, better_picture=True)
        announce = now - incident.last_announced_at >= self.update_every
        if announce:
            incident.last_announced_at = now
        return IncidentEvent(Change.UPDATED, incident, announce=announce, better_picture=better)

    def resume(self, incident: Incident, now: float) -> bool:
        """Carry on an incident kept across a restart, if it is not over yet."""
        if now - incident.last_alert_at >= self.quiet:
            return False
        incident.last_announced_at = now
        self.current = incident
        return True

    def ends_at(self) -> float | None:
        """Return when (same clock) the open incident ends unless another ALERT comes."""
        return None if self.current is None else self.current.last_alert_at + self.quiet

    def expire(self, now: float, when: datetime) -> IncidentEvent | None:
        """End the open incident if it has been quiet long enough; `when` is the wall time."""
        incident = self.current
        if incident is None or now - incident.last_alert_at < self.quiet:
            return None
        incident.ended = when
        self.current = None
        return IncidentEvent(Change.ENDED, incident)

    def end_now(self, when: datetime) -> IncidentEvent | None:
        """End the open incident at once (the camera stops or is disarmed)."""
        incident = self.current
        if incident is None:
            return None
        incident.ended = when
        self.current = None
        return IncidentEvent(Change.ENDED, incident)


def restore_incident(data: dict[str, Any], *, now: float, wall: datetime) -> Incident | None:
    """Rebuild an open incident from its summary; `now`/`wall` say what time it is.

    Its monotonic times are placed as far in the past as its wall times are.
    Returns None when the summary cannot be read.
    """
    try:
        started = datetime.fromisoformat(str(data["started"]))
        last_alert = datetime.fromisoformat(str(data["last_alert"]))
        incident = Incident(
            id=str(data["incident_id"]),
            started=started,
            last_alert=last_alert,
            started_at=now - (wall - started).total_seconds(),
            last_alert_at=now - (wall - last_alert).total_seconds(),
            alerts=int(data.get("alerts", 0)),
            verified=int(data.get("verified_alerts", 0)),
            snapshots={str(k): str(v) for k, v in (data.get("snapshots") or {}).items()},
            transcripts=[str(text) for text in data.get("transcripts") or []],
        )
        for item in data.get("verdicts") or []:
            incident.verdicts.append(Decision.from_dict(item))
    except (KeyError, TypeError, ValueError):
        return None
    if incident.verdicts:
        incident.best = max(incident.verdicts, key=picture_score)
    return incident
