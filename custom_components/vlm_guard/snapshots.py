"""Alert snapshots and audio clips on disk, in a folder of each camera's own.

Files go to Home Assistant's media folder (the `local` media directory, else the
first one configured) under `vlm_guard/<camera subentry id>/`: the id survives a
rename, and the media browser reaches the files. The folder goes with the camera.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
import logging
from pathlib import Path
import re
import shutil
import time

from homeassistant.core import HomeAssistant
from homeassistant.util import slugify

from .const import MEDIA_MAX_AGE_DAYS, SNAPSHOT_DIR, SNAPSHOTS_KEPT

_LOGGER = logging.getLogger(__name__)

# Subentry ids are ULIDs: only folders named like one are ours to tidy away.
_CAMERA_FOLDER = re.compile(r"[0-9A-HJKMNP-TV-Z]{26}")


def media_root(hass: HomeAssistant) -> tuple[str, Path]:
    """Return the media directory files go under: its media-source id and its path."""
    media_dirs = hass.config.media_dirs
    if "local" in media_dirs:
        return "local", Path(media_dirs["local"])
    if media_dirs:
        source, path = next(iter(media_dirs.items()))
        return source, Path(path)
    return "local", Path(hass.config.path("media"))


def camera_folder(hass: HomeAssistant, subentry_id: str) -> Path:
    """Return the folder of one camera's files."""
    return media_root(hass)[1] / SNAPSHOT_DIR / subentry_id


def remove_camera_folder(hass: HomeAssistant, subentry_id: str) -> None:
    """Delete a removed camera's files (blocking: run it in an executor)."""
    _remove(camera_folder(hass, subentry_id))


def tidy_camera_folders(
    hass: HomeAssistant,
    cameras: dict[str, str],
    known: Collection[str],
    ours: Collection[str],
) -> None:
    """Move folders named after a camera into its own; delete those of cameras gone (blocking).

    `cameras` maps this entry's camera subentry ids to their names; `known` holds
    every camera subentry id of every VLM Guard entry, so another entry's folders
    stay; `ours` the cameras this installation kept incidents of, so the folders
    of another installation sharing the media folder stay too.
    """
    root = media_root(hass)[1] / SNAPSHOT_DIR
    if not root.is_dir():
        return
    for subentry_id, name in cameras.items():
        # Earlier versions named the folder after the camera.
        legacy, own = root / slugify(name), root / subentry_id
        if slugify(name) and legacy.is_dir() and not own.exists():
            try:
                legacy.rename(own)
            except OSError as err:
                _LOGGER.debug("Cannot move %s to %s: %s", legacy, own, err)
    for folder in root.iterdir():
        if (
            _CAMERA_FOLDER.fullmatch(folder.name)
            and folder.name in ours
            and folder.name not in known
        ):
            _remove(folder)


def _remove(folder: Path) -> None:
    if not folder.is_dir():
        return
    try:
        shutil.rmtree(folder)
    except OSError as err:
        _LOGGER.warning("Cannot delete the files of a removed camera in %s: %s", folder, err)


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
        subentry_id: str,
        keep: int = SNAPSHOTS_KEPT,
        max_age_days: float = MEDIA_MAX_AGE_DAYS,
    ) -> None:
        """Store under <media>/vlm_guard/<camera subentry id>/."""
        self.hass = hass
        source, root = media_root(hass)
        self.directory = root / SNAPSHOT_DIR / subentry_id
        self.media_prefix = f"media-source://media_source/{source}/{SNAPSHOT_DIR}/{subentry_id}"
        self.keep = keep
        self.max_age = max_age_days * 86400

    async def async_save(
        self,
        content: bytes,
        when: datetime,
        suffix: str = ".jpg",
        *,
        name: str | None = None,
        prune: bool = True,
    ) -> SavedSnapshot | None:
        """Write a file named after `when` (and `name`); a disk error never stops the alert.

        Saving under a name already used replaces that file (an incident's best picture).
        Files kept with an incident (`prune=False`) go when the archive drops the incident.
        """
        stem = when.strftime("%Y%m%d-%H%M%S-%f") if name is None else name
        name = f"{stem}{suffix}"
        try:
            path = await self.hass.async_add_executor_job(
                self._write, name, content, suffix if prune else None
            )
        except OSError as err:
            _LOGGER.error(  # noqa: TRY400 - the cause is in the message, a traceback adds nothing
                "Cannot save %s in %s: %s", name, self.directory, err
            )
            return None
        return SavedSnapshot(str(path), f"{self.media_prefix}/{name}")

    def _write(self, name: str, content: bytes, prune: str | None) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        path.write_bytes(content)
        if prune is not None:
            self._prune(prune)
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
