"""Publish a camera's alerts: the snapshot on disk, the event, the held alert state."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
import logging
from typing import Any

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later

from .const import EVENT_ALERT
from .core.decision import Decision
from .snapshots import SnapshotStore

_LOGGER = logging.getLogger(__name__)


def alert_payload(
    base: dict[str, Any], decision: Decision, snapshot_path: str | None, media_id: str | None
) -> dict[str, Any]:
    """Return everything an automation needs to deliver one alert."""
    return {
        **base,
        "description": decision.verdict.description,
        "rule": decision.verdict.rule,
        "model": decision.model,
        "latency": round(decision.latency, 3),
        "raw_answer": decision.raw,
        "reason": decision.reason,
        "reused": decision.reused,
        "verified": decision.verified,
        "boxes": [list(box) for box in decision.boxes],
        "crop": list(decision.crop) if decision.crop else None,
        "snapshot_path": snapshot_path,
        "snapshot_media_id": media_id,
        "time": decision.time.isoformat(),
    }


class AlertPublisher:
    """Turn a confirmed alert into a snapshot, an event and a held alert state."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        payload_base: dict[str, Any],
        hold: float,
        store: SnapshotStore,
        signal_alert: str,
        on_change: Callable[[], None],
    ) -> None:
        """Publish for one camera; the alert state is held `hold` s after the last alert."""
        self.hass = hass
        self.name = str(payload_base["camera"])
        self._payload_base = payload_base
        self.hold = hold
        self.store = store
        self._signal_alert = signal_alert
        self._on_change = on_change
        self.alert_on = False
        self.last_alert: dict[str, Any] | None = None
        self.snapshot: bytes | None = None
        self._unsub_hold: CALLBACK_TYPE | None = None

    async def async_publish(self, decision: Decision, snapshot: bytes) -> dict[str, Any]:
        """Save the annotated snapshot, hold the alert on, fire the events."""
        saved = await self.store.async_save(snapshot, decision.time)
        self.snapshot = snapshot
        payload = alert_payload(
            self._payload_base,
            decision,
            saved.path if saved else None,
            saved.media_id if saved else None,
        )
        self.last_alert = payload
        self.alert_on = True
        if self._unsub_hold is not None:
            self._unsub_hold()
        self._unsub_hold = async_call_later(self.hass, self.hold, self._async_hold_expired)
        _LOGGER.info("Camera %s: alert: %s", self.name, decision.verdict.description)
        async_dispatcher_send(self.hass, self._signal_alert, payload)
        self._on_change()
        self.hass.bus.async_fire(EVENT_ALERT, payload)
        return payload

    @callback
    def _async_hold_expired(self, _now: datetime) -> None:
        self._unsub_hold = None
        self.alert_on = False
        self._on_change()

    @callback
    def async_stop(self) -> None:
        """Cancel the hold timer."""
        if self._unsub_hold is not None:
            self._unsub_hold()
            self._unsub_hold = None
