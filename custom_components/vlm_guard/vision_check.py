"""Is the model really seeing the pictures? A check with a known answer.

A model that never receives the images (a text-only model, a broken vision
projector, images dropped by a proxy) still answers, and every verdict looks
plausible. So each server is shown, now and then, a picture with a person and
a blank grey one: a model that cannot tell them apart raises a repair issue.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
import logging
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.event import async_call_later, async_track_time_interval
from homeassistant.util import dt as dt_util

from .core.verdict import RULE_UNPARSEABLE, parse_verdict
from .core.vlm import VLMError
from .data import loaded_servers
from .repairs import ISSUE_MODEL_BLIND, async_clear_issue, async_raise_issue
from .server import ServerMonitor

_LOGGER = logging.getLogger(__name__)

CHECK_FOLDER: Final = Path(__file__).parent / "check"
# The person picture is a frame of a CC BY 4.0 sample video (see README).
PERSON_PICTURE: Final = "person.jpg"
BLANK_PICTURE: Final = "blank.jpg"
# The first check waits for the cameras' first questions; later ones come every interval.
FIRST_CHECK_DELAY: Final = 300.0
DEFAULT_CHECK_INTERVAL: Final = timedelta(hours=1)
VISION_PROMPT: Final = (
    "This picture tests whether you can see images. Look at it. If a person is visible, "
    "answer with the verdict ALERT; if no person is visible, answer with the verdict CLEAR. "
    "Describe in a few words what you see."
)


def read_pictures() -> tuple[bytes, bytes]:
    """Return the bundled person picture and the blank one (blocking)."""
    return (CHECK_FOLDER / PERSON_PICTURE).read_bytes(), (CHECK_FOLDER / BLANK_PICTURE).read_bytes()


class VisionCheck:
    """Check one server's model against two pictures whose answers are known."""

    def __init__(self, hass: HomeAssistant, server: ServerMonitor) -> None:
        """Check the model `server` asks."""
        self.hass = hass
        self.server = server
        self.last: dict[str, Any] | None = None
        """The newest check's result."""
        self._unsubs: list[Callable[[], None]] = []

    @callback
    def async_start(self, interval: timedelta | None = DEFAULT_CHECK_INTERVAL) -> None:
        """Check a little after start, then every `interval` (None: only when asked)."""
        if interval is None:
            return
        self._unsubs.append(async_call_later(self.hass, FIRST_CHECK_DELAY, self._async_scheduled))
        self._unsubs.append(async_track_time_interval(self.hass, self._async_scheduled, interval))

    @callback
    def async_stop(self) -> None:
        """Stop checking."""
        while self._unsubs:
            self._unsubs.pop()()

    async def _async_scheduled(self, _now: datetime) -> None:
        await self.async_check()

    async def async_check(self) -> dict[str, Any]:
        """Ask about both pictures; raise or clear the repair issue; return what was found."""
        client = self.server.client
        result: dict[str, Any] = {
            "model": client.settings.model,
            "server": client.display_url,
            "checked": dt_util.utcnow().isoformat(),
            "sees_images": None,
        }
        person, blank = await self.hass.async_add_executor_job(read_pictures)
        try:
            with_person = await self.server.async_analyze_here(person, VISION_PROMPT)
            without = await self.server.async_analyze_here(blank, VISION_PROMPT)
        except VLMError as err:
            # No answer says nothing about sight: the connection has its own issue.
            result["error"] = str(err)
            self.last = result
            return result
        seen, empty = parse_verdict(with_person.text), parse_verdict(without.text)
        result["person_answer"] = seen.description
        result["blank_answer"] = empty.description
        if RULE_UNPARSEABLE in (seen.rule, empty.rule):
            result["error"] = "the answers could not be read"
            self.last = result
            return result
        sees = seen.alert and not empty.alert
        result["sees_images"] = sees
        self.last = result
        owner = self.server.entry_id
        if sees:
            if async_clear_issue(self.hass, ISSUE_MODEL_BLIND, owner):
                _LOGGER.info("Model %s sees the images again", client.settings.model)
            return result
        _LOGGER.warning(
            "Model %s at %s cannot tell a picture of a person from a blank one "
            "(person: %s; blank: %s): it may not receive the images",
            client.settings.model,
            client.display_url,
            seen.description,
            empty.description,
        )
        async_raise_issue(
            self.hass,
            ISSUE_MODEL_BLIND,
            owner,
            {
                "model": client.settings.model,
                "server": client.display_url,
                "person": seen.description[:200] or ("ALERT" if seen.alert else "CLEAR"),
                "blank": empty.description[:200] or ("ALERT" if empty.alert else "CLEAR"),
            },
        )
        return result


async def async_check_vision(hass: HomeAssistant, entry_id: str | None) -> dict[str, Any]:
    """Run the check on one loaded server entry, or on all of them."""
    results = {}
    for entry in loaded_servers(hass, entry_id):
        results[entry.entry_id] = await entry.runtime_data.vision.async_check()
    return {"servers": results}
