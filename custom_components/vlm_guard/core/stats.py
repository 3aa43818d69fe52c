"""Counters that explain the VLM's work: calls today, latency, unusable answers."""

from __future__ import annotations

from collections import deque
from datetime import date
from typing import Any, Final

LATENCY_WINDOW: Final = 50


class VLMStats:
    """Running figures of VLM calls for one camera or one server (not thread-safe)."""

    def __init__(self) -> None:
        """Start with nothing counted."""
        self.calls_today = 0
        self.unparseable = 0
        self.failures = 0
        self.reused = 0
        self.last_latency: float | None = None
        self._latencies: deque[float] = deque(maxlen=LATENCY_WINDOW)
        self._day: date | None = None

    def _roll(self, today: date) -> None:
        if today != self._day:
            self._day = today
            self.calls_today = 0

    def record_call(self, latency: float, *, unparseable: bool, today: date) -> None:
        """Count one answered call."""
        self._roll(today)
        self.calls_today += 1
        self.last_latency = latency
        self._latencies.append(latency)
        if unparseable:
            self.unparseable += 1

    def record_failure(self) -> None:
        """Count one call that got no usable answer (timeout, HTTP error, garbage)."""
        self.failures += 1

    def record_reuse(self) -> None:
        """Count one verdict reused for a repeated image instead of a call."""
        self.reused += 1

    def calls_on(self, today: date) -> int:
        """Return the calls made on `today` (0 after midnight until the next call)."""
        return self.calls_today if today == self._day else 0

    @property
    def average_latency(self) -> float | None:
        """Return the mean latency of the recent calls, in seconds."""
        return sum(self._latencies) / len(self._latencies) if self._latencies else None

    def dump(self) -> dict[str, Any]:
        """Return the counters as plain JSON values (kept across restarts)."""
        return {
            "day": self._day.isoformat() if self._day else None,
            "calls_today": self.calls_today,
            "unparseable": self.unparseable,
            "failures": self.failures,
            "reused": self.reused,
            "latencies": list(self._latencies),
        }

    def restore(self, data: dict[str, Any]) -> None:
        """Take back what dump() returned; unreadable values are left at zero."""
        try:
            day = date.fromisoformat(data["day"]) if data.get("day") else None
            counts = [
                int(data.get(key, 0))
                for key in ("calls_today", "unparseable", "failures", "reused")
            ]
            latencies = [float(value) for value in data.get("latencies") or []]
        except (TypeError, ValueError):
            return
        self._day = day
        self.calls_today, self.unparseable, self.failures, self.reused = counts
        self._latencies.extend(latencies)
        self.last_latency = latencies[-1] if latencies else None
