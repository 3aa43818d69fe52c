"""Recent decisions and alerts of every camera, kept across Home Assistant restarts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
import logging
from typing import TYPE_CHECKING, Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .core.verdict import Verdict

if TYPE_CHECKING:
    from .coordinator import CameraMonitor, Decision

_LOGGER = logging.getLogger(__name__)

STORAGE_VERSION: Final = 1
SAVE_DELAY: Final = 10.0


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """Return a decision as plain JSON values."""
    return {
        "time": decision.time.isoformat(),
        "alert": decision.verdict.alert,
        "description": decision.verdict.description,
        "rule": decision.verdict.rule,
        "raw_answer": decision.raw,
        "model": decision.model,
        "latency": round(decision.latency, 3),
        "reason": decision.reason,
        "boxes": [list(box) for box in decision.boxes],
        "crop": list(decision.crop) if decision.crop else None,
        "reused": decision.reused,
    }


def decision_from_dict(data: Mapping[str, Any], factory: Callable[..., Decision]) -> Decision:
    """Rebuild a stored decision (`factory` is the Decision class)."""
    time: datetime = dt_util.parse_datetime(str(data["time"])) or dt_util.utcnow()
    crop = data.get("crop")
    return factory(
        time=time,
        verdict=Verdict(bool(data["alert"]), str(data["description"]), str(data["rule"])),
        raw=str(data.get("raw_answer", "")),
        model=str(data.get("model", "")),
        latency=float(data.get("latency", 0.0)),
        reason=str(data.get("reason", "")),
        boxes=[(b[0], b[1], b[2], b[3]) for b in data.get("boxes") or []],
        crop=(crop[0], crop[1], crop[2], crop[3]) if crop else None,
        reused=bool(data.get("reused", False)),
    )


class History:
    """One store per server entry, holding each camera's recent decisions and alerts."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Use .storage/vlm_guard.<entry id>.history."""
        self._store: Store[dict[str, Any]] = Store(
            hass, STORAGE_VERSION, f"{DOMAIN}.{entry_id}.history"
        )
        self._cameras: dict[str, CameraMonitor] = {}

    async def async_load(self) -> dict[str, Any]:
        """Return what was stored, per camera subentry id (empty when nothing was)."""
        try:
            data = await self._store.async_load()
        except (OSError, ValueError) as err:
            _LOGGER.warning("Cannot read the stored alert history: %s", err)
            return {}
        return data or {}

    @callback
    def async_track(self, cameras: dict[str, CameraMonitor]) -> None:
        """Save these cameras' history whenever one of them changes."""
        self._cameras = cameras

    @callback
    def async_changed(self) -> None:
        """Save a little later, gathering changes that come together."""
        self._store.async_delay_save(self._data, SAVE_DELAY)

    async def async_save(self) -> None:
        """Save now (the entry is unloading or Home Assistant stops)."""
        await self._store.async_save(self._data())

    async def async_remove(self) -> None:
        """Delete the stored history (the entry is removed)."""
        await self._store.async_remove()

    def _data(self) -> dict[str, Any]:
        return {subentry_id: camera.history() for subentry_id, camera in self._cameras.items()}
