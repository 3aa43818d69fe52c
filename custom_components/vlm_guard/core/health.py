"""Is a camera really watching? Frames must keep arriving and keep being analysed.

The watchdog is fed the time of the newest frame and of the newest analysed
frame; it answers what to do: nothing, restart the reader, tell the owner
(after a few restarts did not help), or announce the recovery.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

DEFAULT_STALE_FRAME: Final = 20.0
DEFAULT_STALE_TICKS: Final = 3
DEFAULT_MAX_RESTARTS: Final = 3

PROBLEM_NO_FRAMES: Final = "no_frames"
PROBLEM_NOT_ANALYSED: Final = "not_analysed"


class Action(StrEnum):
    """What the watchdog wants done."""

    NONE = "none"
    RESTART = "restart"
    ESCALATE = "escalate"
    RECOVERED = "recovered"


@dataclass(frozen=True, slots=True)
class HealthConfig:
    """When a camera counts as stuck and how often a restart is tried."""

    stale_frame: float = DEFAULT_STALE_FRAME
    stale_ticks: int = DEFAULT_STALE_TICKS
    max_restarts: int = DEFAULT_MAX_RESTARTS


@dataclass(frozen=True, slots=True)
class Verdict:
    """The watchdog's answer for one check."""

    action: Action
    problem: str | None
    """PROBLEM_NO_FRAMES, PROBLEM_NOT_ANALYSED, or None when healthy."""


class Watchdog:
    """Decide from frame and analysis times whether a camera needs help (pure, no clock)."""

    def __init__(self, interval: float, config: HealthConfig | None = None) -> None:
        """Watch a camera analysed every `interval` seconds."""
        self.config = config or HealthConfig()
        self.interval = interval
        self.restarts = 0
        self.escalated = False
        self.problem: str | None = None
        self._since: float | None = None

    def started(self, now: float) -> None:
        """Note that the reader (re)started: give it the full grace period."""
        self._since = now

    def check(
        self,
        now: float,
        *,
        last_frame: float | None,
        last_analysed: float | None,
        last_decoded: float | None = None,
    ) -> Verdict:
        """Return what to do now; times are seconds on the caller's monotonic clock.

        `last_frame` is when the stream last delivered anything, `last_decoded`
        when a picture was last decoded for analysis (defaults to `last_frame`),
        `last_analysed` when a picture was last analysed.
        """
        if self._since is None:
            self._since = now
        since = self._since
        flowing = last_frame is not None and last_frame > since
        frame_age = now - last_frame if flowing and last_frame is not None else now - since
        # How long pictures kept coming after the last one was analysed.
        decoded = last_decoded if last_decoded is not None else last_frame
        unanalysed = (decoded or since) - max(last_analysed or since, since)
        if frame_age > self.config.stale_frame:
            problem: str | None = PROBLEM_NO_FRAMES
        elif not flowing:
            # Just (re)started, within the grace period: nothing is known yet.
            return Verdict(Action.NONE, self.problem)
        elif unanalysed > self.config.stale_ticks * self.interval:
            # The stream delivers but nothing looks at it: the analysis is stuck.
            problem = PROBLEM_NOT_ANALYSED
        else:
            problem = None
        if problem is None:
            was_failing = self.problem is not None
            self.problem = None
            self.restarts = 0
            if was_failing:
                self.escalated = False
                return Verdict(Action.RECOVERED, None)
            return Verdict(Action.NONE, None)
        self.problem = problem
        if self.restarts < self.config.max_restarts:
            self.restarts += 1
            self._since = now
            return Verdict(Action.RESTART, problem)
        if not self.escalated:
            self.escalated = True
            return Verdict(Action.ESCALATE, problem)
        return Verdict(Action.NONE, problem)
