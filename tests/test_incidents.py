"""Alerts grouped into incidents, on a driven clock (no waiting)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, strategies as st

from custom_components.vlm_guard.core.decision import Decision, without_answer
from custom_components.vlm_guard.core.incidents import (
    VERDICTS_KEPT,
    Change,
    IncidentTracker,
    picture_score,
)
from custom_components.vlm_guard.core.settings import OUTAGE_OPEN
from custom_components.vlm_guard.core.verdict import Verdict

T0 = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)


def _alert(second: float, area: int = 100, description: str = "A person walks in.") -> Decision:
    return Decision(
        time=T0 + timedelta(seconds=second),
        verdict=Verdict(True, description, "json_alert"),
        raw="{}",
        model="m",
        latency=0.2,
        reason="motion",
        boxes=[(0, 0, area, 1)],
    )


def test_a_person_in_view_for_a_minute_is_one_incident() -> None:
    tracker = IncidentTracker(quiet=60, update_every=30)
    events = [tracker.alert(_alert(t), t) for t in range(0, 61, 5)]
    assert events[0].change is Change.STARTED
    assert all(event.change is Change.UPDATED for event in events[1:])
    assert len({event.incident.id for event in events}) == 1
    # Updates are announced at most every 30 s: at 30 and 60.
    assert [t for t, e in zip(range(0, 61, 5), events, strict=True) if e.announce][1:] == [30, 60]
    assert tracker.expire(60 + 59, T0) is None
    ended = tracker.expire(60 + 60, T0 + timedelta(seconds=120))
    assert ended is not None
    assert ended.change is Change.ENDED
    summary = ended.incident.summary()
    assert summary["alerts"] == 13
    assert summary["duration"] == 120.0
    assert summary["description"] == "A person walks in."
    assert tracker.current is None


def test_an_alert_after_the_quiet_time_opens_a_new_incident() -> None:
    tracker = IncidentTracker(quiet=60)
    first = tracker.alert(_alert(0), 0).incident
    assert tracker.expire(61, T0) is not None
    second = tracker.alert(_alert(61), 61)
    assert second.change is Change.STARTED
    assert second.incident.id != first.id


def test_the_best_picture_is_the_largest_confirmed_subject() -> None:
    tracker = IncidentTracker()
    assert tracker.alert(_alert(0, area=50), 0).better_picture
    assert not tracker.alert(_alert(5, area=40), 5).better_picture
    bigger = tracker.alert(_alert(10, area=500, description="A man at the door."), 10)
    assert bigger.better_picture
    assert not bigger.announce
    assert bigger.incident.best is not None
    assert bigger.incident.description == "A man at the door."
    unverified = without_answer(
        OUTAGE_OPEN, "down", reason="motion", when=T0, boxes=[(0, 0, 900, 900)]
    )
    assert unverified is not None
    # A huge region the VLM did not confirm is no better picture.
    assert not tracker.alert(unverified, 15).better_picture
    assert picture_score(unverified) < picture_score(_alert(0, area=1))


def test_end_now_closes_the_incident_at_once() -> None:
    tracker = IncidentTracker()
    assert tracker.end_now(T0) is None
    tracker.alert(_alert(0), 0)
    ended = tracker.end_now(T0 + timedelta(seconds=3))
    assert ended is not None
    assert ended.incident.ended == T0 + timedelta(seconds=3)
    assert tracker.ends_at() is None


@given(st.lists(st.floats(min_value=0, max_value=30, allow_nan=False), min_size=1, max_size=200))
def test_incidents_split_exactly_at_quiet_gaps(gaps: list[float]) -> None:
    """However alerts are spaced, a new incident starts exactly when the gap exceeds the quiet time."""
    tracker = IncidentTracker(quiet=10, update_every=5)
    now, incidents, expected = 0.0, set(), 1
    for index, gap in enumerate(gaps):
        before, now = now, now + gap
        # The gap as the clock sees it (sums of floats round): that is what counts.
        if index and now - before >= 10:
            expected += 1
        tracker.expire(now, T0)
        event = tracker.alert(_alert(now), now)
        incidents.add(event.incident.id)
        assert len(event.incident.verdicts) <= VERDICTS_KEPT
    assert len(incidents) == expected
