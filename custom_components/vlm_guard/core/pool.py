"""Several VLM servers serving the same model, asked as one.

An owner who outgrows one GPU adds a second box: each question goes to the
least busy healthy member (questions in flight against its own limit, then
the faster one), a member that cannot be reached is skipped and tried again
after a pause that grows while it stays away, and each member keeps its own
counts. The pool is a `VLMClient`, so the rest of VLM Guard does not know
whether it asks one server or several.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
import time
from typing import Any, Final

import aiohttp

from .prompt import DEFAULT_PROMPT, VERDICT_SCHEMA
from .vlm import LoadedModel, ModelInfo, VLMAnswer, VLMClient, VLMConnectionError, VLMSettings

# A member that could not be reached is tried again after this pause, doubling
# while it stays away, up to the longest.
RETRY_FIRST: Final = 5.0
RETRY_LONGEST: Final = 60.0
# Latency of a member before it has answered (seconds): an untried member is
# chosen first, so every member gets measured.
UNKNOWN_LATENCY: Final = 0.0
# A question waiting for a free member looks again this often (a pause may have ended).
RECHECK: Final = 1.0


@dataclass(slots=True)
class Member:
    """One server of the pool and how it is doing."""

    client: VLMClient
    calls: int = 0
    failures: int = 0
    latency: float | None = None
    """Moving average of answered calls (seconds)."""
    down_until: float = 0.0
    pause: float = 0.0
    last_error: str | None = None
    in_flight: int = 0
    """Questions the pool has given it and not had back."""

    def healthy(self, now: float) -> bool:
        """Return True when the member may be asked (up, or its pause is over)."""
        return now >= self.down_until

    def limit(self) -> int:
        """Return how many questions it takes at once."""
        return max(1, self.client.settings.max_concurrent)

    def speed(self) -> float:
        """Return its typical answer time, for choosing between free members."""
        return self.latency if self.latency is not None else UNKNOWN_LATENCY

    def answered(self, latency: float) -> None:
        """Count an answer; a member that answers is up again."""
        self.calls += 1
        self.latency = latency if self.latency is None else 0.8 * self.latency + 0.2 * latency
        self.down_until = 0.0
        self.pause = 0.0

    def failed(self, error: str, now: float, first_pause: float = RETRY_FIRST) -> None:
        """Count a failure to reach it and pause it, longer each time in a row."""
        self.failures += 1
        self.last_error = error
        self.pause = min(RETRY_LONGEST, self.pause * 2 if self.pause else first_pause)
        self.down_until = now + self.pause

    def stats(self, now: float) -> dict[str, Any]:
        """Return its counts as plain values."""
        return {
            "url": self.client.display_url,
            "healthy": self.healthy(now),
            "calls": self.calls,
            "failures": self.failures,
            "in_flight": self.in_flight,
            "max_concurrent": self.client.settings.max_concurrent,
            "latency": round(self.latency, 3) if self.latency is not None else None,
            "last_error": self.last_error,
        }


class VLMPool(VLMClient):
    """Ask whichever member is least busy; skip members that cannot be reached."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        members: list[VLMClient],
        *,
        retry_first: float = RETRY_FIRST,
    ) -> None:
        """Pool `members` (the first one's settings describe the pool).

        A member that cannot be reached is paused `retry_first` seconds, then longer.
        """
        super().__init__(session, members[0].settings)
        self.retry_first = retry_first
        self.members = [Member(client) for client in members]
        self._changed = asyncio.Condition()

    # ------------------------------------------------------------ routing
    async def _take(self, tried: set[int]) -> Member | None:
        """Wait for a member with a free slot and take it; None when none is left to try.

        A question waits here, not in one member's queue, so whichever member
        frees a slot first answers it: a faster server answers more.
        """
        async with self._changed:
            while True:
                now = time.monotonic()
                candidates = [m for m in self.members if id(m) not in tried]
                if not candidates:
                    return None
                healthy = [m for m in candidates if m.healthy(now)]
                if not healthy:
                    # Every one is paused: try the one whose pause ends first.
                    member = min(candidates, key=lambda m: m.down_until)
                else:
                    free = [m for m in healthy if m.in_flight < m.limit()]
                    if not free:
                        try:
                            async with asyncio.timeout(RECHECK):
                                await self._changed.wait()
                        except TimeoutError:
                            pass
                        continue
                    member = min(free, key=lambda m: (m.in_flight / m.limit(), m.speed(), m.calls))
                member.in_flight += 1
                return member

    async def _give_back(self, member: Member) -> None:
        async with self._changed:
            member.in_flight -= 1
            self._changed.notify_all()

    async def _route(self, ask: Callable[[VLMClient], Awaitable[VLMAnswer]]) -> VLMAnswer:
        """Ask the best member; on a connection failure, the next one; raise the last error."""
        self.pending += 1
        self.max_pending = max(self.max_pending, self.pending)
        tried: set[int] = set()
        error: VLMConnectionError | None = None
        try:
            while (member := await self._take(tried)) is not None:
                tried.add(id(member))
                try:
                    answer = await ask(member.client)
                except VLMConnectionError as err:
                    member.failed(str(err), time.monotonic(), self.retry_first)
                    error = err
                    continue
                finally:
                    await self._give_back(member)
                member.answered(answer.latency)
                return answer
            assert error is not None
            raise error
        finally:
            self.pending -= 1

    async def analyze(self, image_jpeg: bytes, prompt: str = DEFAULT_PROMPT) -> VLMAnswer:
        """Ask the least busy healthy member about one image."""
        return await self._route(lambda client: client.analyze(image_jpeg, prompt))

    async def complete(
        self, prompt: str, schema: dict[str, Any], *, name: str = "answer", max_tokens: int = 2000
    ) -> VLMAnswer:
        """Ask the least busy healthy member a question in words."""
        return await self._route(
            lambda client: client.complete(prompt, schema, name=name, max_tokens=max_tokens)
        )

    def set_max_concurrent(self, max_concurrent: int) -> None:
        """Let each member take `max_concurrent` questions at once."""
        super().set_max_concurrent(max_concurrent)
        for member in self.members:
            member.client.set_max_concurrent(max_concurrent)

    # ------------------------------------------------- what the pool serves
    async def list_models(self) -> list[str]:
        """Return the models of the first member that answers."""
        return await self._first(lambda client: client.list_models())

    async def model_info(self) -> ModelInfo | None:
        """Return what the first member that answers says about the model."""
        info = await self._first(lambda client: client.model_info())
        self.thinking = any(member.client.thinking for member in self.members)
        return info

    async def loaded_models(self) -> list[LoadedModel]:
        """Return the models held in memory by the first member that answers."""
        return await self._first(lambda client: client.loaded_models())

    async def _first[T](self, call: Callable[[VLMClient], Awaitable[T]]) -> T:
        error: VLMConnectionError | None = None
        now = time.monotonic()
        for member in sorted(self.members, key=lambda m: (not m.healthy(now), m.speed())):
            try:
                return await call(member.client)
            except VLMConnectionError as err:
                member.failed(str(err), time.monotonic(), self.retry_first)
                error = err
        assert error is not None
        raise error

    @property
    def display_url(self) -> str:
        """Return the members' URLs (credentials masked)."""
        return " + ".join(member.client.display_url for member in self.members)

    def stats(self) -> list[dict[str, Any]]:
        """Return each member's counts."""
        now = time.monotonic()
        return [member.stats(now) for member in self.members]

    # Requests are built as the first member builds them and sent by whichever is free.
    def chat_payload(
        self,
        image_jpeg: bytes | None,
        prompt: str,
        *,
        schema: dict[str, Any] = VERDICT_SCHEMA,
        name: str = "verdict",
        max_tokens: int = 300,
    ) -> dict[str, Any]:
        """Return the first member's request body (what each member sends)."""
        return self.members[0].client.chat_payload(
            image_jpeg, prompt, schema=schema, name=name, max_tokens=max_tokens
        )

    async def _chat(self, payload: dict[str, Any]) -> VLMAnswer:
        return await self._route(lambda client: client.ask(payload))


def pool_settings(settings: VLMSettings, urls: list[str]) -> list[VLMSettings]:
    """Return the settings of each member: the same model, key and limits, another URL."""
    return [settings, *(replace(settings, url=url) for url in urls if url != settings.url)]
