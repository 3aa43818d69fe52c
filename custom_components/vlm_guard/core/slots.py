"""A bound on calls at once that keeps arrival order and may change while calls wait."""

from __future__ import annotations

import asyncio
from collections import deque


class Slots:
    """At most `limit` holders at once, in arrival order; the limit may change at any time."""

    def __init__(self, limit: int) -> None:
        """Allow `limit` holders (at least one)."""
        self.limit = max(1, limit)
        self.holders = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    def set_limit(self, limit: int) -> None:
        """Change the bound: a raise lets waiters in now, a cut takes effect as holders leave."""
        self.limit = max(1, limit)
        self._wake()

    async def __aenter__(self) -> None:
        """Take a slot, waiting in line for one when all are held."""
        if self.holders < self.limit and not self._waiters:
            self.holders += 1
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                # The slot was handed over just as the wait was cancelled: pass it on.
                self.holders -= 1
                self._wake()
            raise
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)

    async def __aexit__(self, *_exc: object) -> None:
        """Give the slot back; the next in line takes it."""
        self.holders -= 1
        self._wake()

    def _wake(self) -> None:
        while self._waiters and self.holders < self.limit:
            waiter = self._waiters.popleft()
            if not waiter.done():
                self.holders += 1
                waiter.set_result(None)
