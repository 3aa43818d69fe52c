"""Ask the VLM about one image of a camera, or reuse a verdict, and count how it went.

A fail-open camera does not wait a whole request timeout on a hanging server:
when a motion question has no answer within VLM_ANSWER_GRACE, the outage policy
decides at once (an unverified alert) while the question goes on; its late
answer still moves the server's state and is handed on as a decision.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import logging
import time
from typing import Any

from homeassistant.core import callback
from homeassistant.util import dt as dt_util

from .const import DOMAIN, VLM_ANSWER_GRACE
from .core import decision as decide
from .core.decision import REASON_MOTION, Decision
from .core.fingerprint import RepeatMemory
from .core.pipeline import TickResult
from .core.settings import OUTAGE_OPEN, CameraSettings
from .core.stats import VLMStats
from .core.vlm import VLMAnswer, VLMAuthError, VLMConnectionError, VLMError, VLMModelNotFoundError
from .server import ServerMonitor

_LOGGER = logging.getLogger(__name__)

type Asked = tuple[VLMAnswer, ServerMonitor]


class CameraJudge:
    """Turn a tick's image into a decision: reused, answered, or the outage policy's."""

    def __init__(self, name: str, settings: CameraSettings, server: ServerMonitor) -> None:
        """Judge for the camera `name` through `server`."""
        self.name = name
        self.settings = settings
        self.server = server
        self.stats = VLMStats()
        self.repeats: RepeatMemory[Decision] = RepeatMemory(settings.repeat_window)
        self.on_late: Callable[[Decision], None] | None = None
        """Receives the decision of an answer that came after the grace (fail-open)."""
        self._late: asyncio.Task[Asked] | None = None
        self._late_since = 0.0

    @property
    def late_pending(self) -> bool:
        """Return True while a question past its grace is still unanswered."""
        return self._late is not None and not self._late.done()

    async def async_judge(self, result: TickResult, image: bytes, reason: str) -> Decision | None:
        """Return the decision on `image`; None when the VLM gave none and the policy is quiet."""
        now = time.monotonic()
        where: dict[str, Any] = {
            "reason": reason,
            "when": dt_util.utcnow(),
            "boxes": result.boxes,
            "crop": result.crop_box,
            "frame_size": (int(result.frame.shape[1]), int(result.frame.shape[0])),
        }
        fingerprint = result.fingerprint
        earlier = self.repeats.recall(fingerprint, now) if fingerprint is not None else None
        if earlier is not None:
            # Nearly the same image was judged moments ago: same verdict, no call.
            self.stats.record_reuse()
            return decide.reused(earlier, **where)
        if self.late_pending:
            # A server this slow gets no second question from this camera while
            # the first is out: the outage policy decides now.
            self.stats.record_failure()
            waited = now - self._late_since
            return self._policy(
                f"{self.server.client.display_url} has not answered the previous question "
                f"in {waited:.0f} s",
                where,
            )
        try:
            if self.settings.vlm_outage == OUTAGE_OPEN and reason == REASON_MOTION:
                asked = await self._async_ask_with_grace(image, fingerprint, now, where)
                if asked is None:
                    return self._policy(
                        f"no answer from {self.server.client.display_url} "
                        f"within {VLM_ANSWER_GRACE:g} s",
                        where,
                    )
            else:
                asked = await self.server.async_analyze(image, self.settings.prompt)
        except VLMError as err:
            self._count_no_answer(err)
            return self._policy(str(err), where)
        return self._answered(asked, fingerprint, now, where)

    async def _async_ask_with_grace(
        self, image: bytes, fingerprint: int | None, now: float, where: dict[str, Any]
    ) -> Asked | None:
        """Return the answer if it comes within the grace; None when it is late."""
        task = self.server.async_start_question(
            image, self.settings.prompt, f"{DOMAIN} question {self.name}"
        )
        try:
            async with asyncio.timeout(VLM_ANSWER_GRACE):
                return await asyncio.shield(task)
        except TimeoutError:
            pass
        except asyncio.CancelledError:
            # The camera stops: its question goes with it.
            task.cancel()
            raise
        _LOGGER.debug("Camera %s: no answer within %g s; deciding now", self.name, VLM_ANSWER_GRACE)
        self._late = task
        self._late_since = now
        task.add_done_callback(lambda done: self._async_late_answer(done, fingerprint, now, where))
        return None

    @callback
    def _async_late_answer(
        self,
        task: asyncio.Task[Asked],
        fingerprint: int | None,
        now: float,
        where: dict[str, Any],
    ) -> None:
        """Count the late answer and hand its decision on."""
        if task.cancelled():
            return
        if (err := task.exception()) is not None:
            if not isinstance(err, VLMError):
                _LOGGER.error("Camera %s: a late VLM question failed", self.name, exc_info=err)
                return
            _LOGGER.debug("Camera %s: the late question failed: %s", self.name, err)
            self._count_no_answer(err)
            return
        decision = self._answered(task.result(), fingerprint, now, where)
        _LOGGER.debug(
            "Camera %s: late answer after %.1f s: %s",
            self.name,
            decision.latency,
            decision.verdict.description,
        )
        if self.on_late is not None:
            self.on_late(decision)

    def _policy(self, error: str, where: dict[str, Any]) -> Decision | None:
        """Return the outage policy's decision when the VLM gave no usable answer."""
        return decide.without_answer(self.settings.vlm_outage, error, **where)

    def _count_no_answer(self, err: VLMError) -> None:
        _LOGGER.debug("Camera %s: VLM call failed: %s", self.name, err)
        self.stats.record_failure()
        if not isinstance(err, VLMConnectionError | VLMAuthError | VLMModelNotFoundError):
            # It answered, but nothing usable. Unreachable servers, refused keys
            # and missing models have their own repair issues.
            self.server.reports.async_count_failure(str(err))

    def _answered(
        self, asked: Asked, fingerprint: int | None, now: float, where: dict[str, Any]
    ) -> Decision:
        """Read an answer into a decision and count it."""
        answer, server = asked
        decision = decide.answered(
            answer.text,
            model=answer.model,
            latency=answer.latency,
            phrases=self.settings.phrases,
            **where,
        )
        if decision.unparseable:
            self.server.reports.async_count_failure("the answer could not be read")
        else:
            self.server.reports.async_count_success()
            if fingerprint is not None:
                self.repeats.remember(fingerprint, now, decision)
        self.stats.record_call(
            decision.latency, unparseable=decision.unparseable, today=dt_util.now().date()
        )
        server.async_record(decision.latency, unparseable=decision.unparseable)
        return decision
