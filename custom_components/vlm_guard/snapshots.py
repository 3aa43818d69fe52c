"""Alert snapshots on disk, under Home Assistant's media folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import logging
from pathlib import Path

from homeassistant.core import HomeAssistant

from .const import SNAPSHOT_DIR, SNAPSHOTS_KEPT

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SavedSnapshot:
    """Where a snapshot was written, as a file path and as a media-source id."""

    path: str
    media_id: str


class SnapshotStore:
    """Write one camera's annotated alert snapshots and keep the newest few."""

    def __init__(self, hass: HomeAssistant, folder: str, keep: int = SNAPSHOTS_KEPT) -> None:
        """Store under <media>/vlm_guard/<folder>/."""
        self.hass = hass
        media_root = hass.config.media_dirs.get("local") or hass.config.path("media")
        self.directory = Path(media_root) / SNAPSHOT_DIR / folder
        self.media_prefix = f"media-source://media_source/local/{SNAPSHOT_DIR}/{folder}"
        self.keep = keep

    async def async_save(self, jpeg: bytes, when: datetime) -> SavedSnapshot | None:
        """Write a snapshot; a disk error is logged and never stops the alert."""
        name = when.strftime("%Y%m%d-%H%M%S-%f") + ".jpg"
        try:
            path = await self.hass.async_add_executor_job(self._write, name, jpeg)
        except OSError as err:
            _LOGGER.error(  # noqa: TRY400 - the cause is in the message, a traceback adds nothing
                "Cannot save the alert snapshot in %s: %s", self.directory, err
            )
            return None
        return SavedSnapshot(str(path), f"{self.media_prefix}/{name}")

    def _write(self, name: str, jpeg: bytes) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        path.write_bytes(jpeg)
        for old in sorted(self.directory.glob("*.jpg"))[: -self.keep]:
            old.unlink(missing_ok=True)
        return path
