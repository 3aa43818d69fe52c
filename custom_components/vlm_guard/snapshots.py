"""Alert snapshots and audio clips on disk, under Home Assistant's media folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import logging
from pathlib import Path
import time

from homeassistant.core import HomeAssistant

from .const import MEDIA_MAX_AGE_DAYS, SNAPSHOT_DIR, SNAPSHOTS_KEPT

_LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SavedSnapshot:
    """Where a file was written, as a file path and as a media-source id."""

    path: str
    media_id: str


class SnapshotStore:
    """Write one camera's alert files; keep the newest few of each kind, none too old."""

    def __init__(
        self,
        hass: HomeAssistant,
        folder: str,
        keep: int = SNAPSHOTS_KEPT,
        max_age_days: float = MEDIA_MAX_AGE_DAYS,
    ) -> None:
        """Store under <media>/vlm_guard/<folder>/."""
        self.hass = hass
        media_root = hass.config.media_dirs.get("local") or hass.config.path("media")
        self.directory = Path(media_root) / SNAPSHOT_DIR / folder
        self.media_prefix = f"media-source://media_source/local/{SNAPSHOT_DIR}/{folder}"
        self.keep = keep
        self.max_age = max_age_days * 86400

    async def async_save(
        self, content: bytes, when: datetime, suffix: str = ".jpg", *, name: str | None = None
    ) -> SavedSnapshot | None:
        """Write a file named after `when` (and `name`); a disk error never stops the alert.

        Saving under a name already used replaces that file (an incident's best picture).
        """
        stem = when.strftime("%Y%m%d-%H%M%S-%f") if name is None else name
        name = f"{stem}{suffix}"
        try:
            path = await self.hass.async_add_executor_job(self._write, name, content, suffix)
        except OSError as err:
            _LOGGER.error(  # noqa: TRY400 - the cause is in the message, a traceback adds nothing
                "Cannot save %s in %s: %s", name, self.directory, err
            )
            return None
        return SavedSnapshot(str(path), f"{self.media_prefix}/{name}")

    def _write(self, name: str, content: bytes, suffix: str) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        path.write_bytes(content)
        self._prune(suffix)
        return path

    def _prune(self, suffix: str) -> None:
        """Delete files of this kind beyond the newest `keep` and older than the age limit."""
        files = sorted(self.directory.glob(f"*{suffix}"))
        oldest_allowed = time.time() - self.max_age
        for index, old in enumerate(files):
            too_many = index < len(files) - self.keep
            try:
                if too_many or old.stat().st_mtime < oldest_allowed:
                    old.unlink(missing_ok=True)
            except OSError as err:
                _LOGGER.debug("Cannot remove old file %s: %s", old, err)
