"""A circuit breaker for the VLM server: stop asking a server that cannot be reached.

Closed: questions are sent. A connection failure (refused, timeout, 5xx) opens
it: questions are not sent, so each camera's outage policy decides at once
instead of waiting for a request timeout. After `retry_after` seconds, or as
soon as the server's model list answers again, it is half-open: exactly one
real question (the trial) is let through. An answer closes it; a failure opens
it again. Only an answered question closes it, so a server whose model list
answers while its chat requests fail stays open instead of flapping.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

DEFAULT_RETRY_AFTER: Final = 10.0


class BreakerState(StrEnum):
    """Where the breaker stands."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Decide whether a question may be sent, from the outcomes of earlier ones."""

    def __init__(self, retry_after: float = DEFAULT_RETRY_AFTER) -> None:
        """Start closed; try again `retry_after` seconds after the last failure."""
        self.retry_after = retry_after
        self.state = BreakerState.CLOSED
        self.error: str | None = None
        """The newest failure, while not closed."""
        self.failed_at: float | None = None
        self._trial = False

    @property
    def closed(self) -> bool:
        """Return True while questions are sent freely (the server counts as connected)."""
        return self.state is BreakerState.CLOSED

    @property
    def trial_out(self) -> bool:
        """Return True while the half-open trial question is in flight."""
        return self._trial

    def allow(self, now: float) -> bool:
        """Return True when a question may be sent now.

        While half-open the first caller takes the one trial; the others are
        refused until the trial succeeds, fails or is released.
        """
        if self.state is BreakerState.CLOSED:
            return True
        if self.state is BreakerState.OPEN:
            if self.failed_at is not None and now - self.failed_at < self.retry_after:
                return False
            self.state = BreakerState.HALF_OPEN
        if self._trial:
            return False
        self._trial = True
        return True

    def retry_in(self, now: float) -> float:
        """Return the seconds until a trial is allowed (0 when one is allowed now)."""
        if self.state is not BreakerState.OPEN or self.failed_at is None:
            return 0.0
        return max(0.0, self.retry_after - (now - self.failed_at))

    def succeeded(self) -> bool:
        """Record an answered question; return True when this closes the breaker."""
        opened = self.state is not BreakerState.CLOSED
        self.state = BreakerState.CLOSED
        self.error = None
        self.failed_at = None
        self._trial = False
        return opened

    def failed(self, now: float, error: str) -> bool:
        """Record a connection failure; return True when this opens a closed breaker."""
        was_closed = self.state is BreakerState.CLOSED
        self.state = BreakerState.OPEN
        self.error = error
        self.failed_at = now
        self._trial = False
        return was_closed

    def released(self) -> None:
        """Forget a trial that ended without an outcome (cancelled): the next may try."""
        self._trial = False

    def reachable(self) -> None:
        """Record that the server's model list answered: let the next question try at once.

        This never closes the breaker: only an answered question shows that
        questions are answered.
        """
        if self.state is BreakerState.OPEN:
            self.state = BreakerState.HALF_OPEN
