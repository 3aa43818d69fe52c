"""Whether a camera is detecting: its Detection switch, the server's, and a snooze."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.util import dt as dt_util


class CameraArming:
    """A camera's arming: on or off, snoozed until a time, and its server's switch."""

    def __init__(
        self,
        hass: HomeAssistant,
        server_armed: Callable[[], bool],
        on_change: Callable[[bool], None],
    ) -> None:
        """Call `on_change(detecting)` whenever detection turns on or off."""
        self.hass = hass
        self._server_armed = server_armed
        self._on_change = on_change
        self.armed = True
        self.snoozed_until: datetime | None = None
        self._unsub_wake: CALLBACK_TYPE | None = None

    @property
    def snoozed(self) -> bool:
        """Return True while a snooze lasts."""
        return self.snoozed_until is not None and dt_util.utcnow() < self.snoozed_until

    @property
    def detecting(self) -> bool:
        """Return True when motion may be judged and alerts raised."""
        return self.armed and self._server_armed() and not self.snoozed

    @callback
    def async_set_armed(self, armed: bool) -> None:
        """Turn the camera's detection on or off (its Detection switch)."""
        before = self.detecting
        self.armed = armed
        self._changed(before)

    @callback
    def async_server_changed(self, before: bool) -> None:
        """Tell the camera its server's switch changed (`before` is what it detected)."""
        self._changed(before)

    @callback
    def async_snooze(self, duration: timedelta) -> None:
        """Stop detecting for `duration` (0 ends a snooze)."""
        before = self.detecting
        self._set_snooze(dt_util.utcnow() + duration if duration > timedelta(0) else None)
        self._changed(before)

    def _set_snooze(self, until: datetime | None) -> None:
        if self._unsub_wake is not None:
            self._unsub_wake()
            self._unsub_wake = None
        self.snoozed_until = until
        if until is not None:
            self._unsub_wake = async_track_point_in_utc_time(self.hass, self._async_wake, until)

    @callback
    def _async_wake(self, _now: datetime) -> None:
        self._unsub_wake = None
        before = self.detecting if self.snoozed_until is None else False
        self.snoozed_until = None
        self._changed(before)

    def _changed(self, before: bool) -> None:
        self._on_change(before != self.detecting)

    def dump(self) -> dict[str, Any]:
        """Return the snooze as plain JSON values (the switch restores on/off itself)."""
        return {"snoozed_until": self.snoozed_until.isoformat() if self.snoozed_until else None}

    @callback
    def async_restore(self, data: dict[str, Any]) -> None:
        """Take back a snooze that has not run out."""
        until = dt_util.parse_datetime(str(data.get("snoozed_until") or ""))
        if until is not None and until > dt_util.utcnow():
            self._set_snooze(until)

    @callback
    def async_stop(self) -> None:
        """Cancel the end-of-snooze timer."""
        if self._unsub_wake is not None:
            self._unsub_wake()
            self._unsub_wake = None
