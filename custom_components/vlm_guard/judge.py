"""Ask the VLM about one image of a camera, or reuse a verdict, and count how it went."""

from __future__ import annotations

import logging
import time
from typing import Any

from homeassistant.util import dt as dt_util

from .core import decision as decide
from .core.decision import Decision
from .core.fingerprint import RepeatMemory
from .core.pipeline import TickResult
from .core.settings import CameraSettings
from .core.stats import VLMStats
from .core.vlm import VLMError
from .server import ServerMonitor

_LOGGER = logging.getLogger(__name__)


class CameraJudge:
    """Turn a tick's image into a decision: reused, answered, or the outage policy's."""

    def __init__(self, name: str, settings: CameraSettings, server: ServerMonitor) -> None:
        """Judge for the camera `name` through `server`."""
        self.name = name
        self.settings = settings
        self.server = server
        self.stats = VLMStats()
        self.repeats: RepeatMemory[Decision] = RepeatMemory(settings.repeat_window)

    async def async_judge(self, result: TickResult, image: bytes, reason: str) -> Decision | None:
        """Return the decision on `image`; None when the VLM gave none and the policy is quiet."""
        now = time.monotonic()
        where: dict[str, Any] = {
            "reason": reason,
            "when": dt_util.utcnow(),
            "boxes": result.boxes,
            "crop": result.crop_box,
        }
        fingerprint = result.fingerprint
        earlier = self.repeats.recall(fingerprint, now) if fingerprint is not None else None
        if earlier is not None:
            # Nearly the same image was judged moments ago: same verdict, no call.
            self.stats.record_reuse()
            return decide.reused(earlier, **where)
        try:
            answer, server = await self.server.async_analyze(image, self.settings.prompt)
        except VLMError as err:
            _LOGGER.debug("Camera %s: VLM call failed: %s", self.name, err)
            self.stats.record_failure()
            self.server.async_count_failure(str(err))
            return decide.without_answer(self.settings.vlm_outage, str(err), **where)
        decision = decide.answered(
            answer.text,
            model=answer.model,
            latency=answer.latency,
            phrases=self.settings.phrases,
            **where,
        )
        if decision.unparseable:
            self.server.async_count_failure("the answer could not be read")
        else:
            self.server.async_count_success()
            if fingerprint is not None:
                self.repeats.remember(fingerprint, now, decision)
        self.stats.record_call(
            decision.latency, unparseable=decision.unparseable, today=dt_util.now().date()
        )
        server.async_record(decision.latency, unparseable=decision.unparseable)
        return decision
