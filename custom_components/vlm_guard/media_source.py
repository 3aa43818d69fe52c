"""The incident archive in the media browser: VLM Guard → camera → day → incidents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
import mimetypes
from pathlib import Path
from typing import Final

from aiohttp import web
from homeassistant.components.http.auth import async_sign_path
from homeassistant.components.media_player.const import (
    CONTENT_AUTH_EXPIRY_TIME,
    MediaClass,
    MediaType,
)
from homeassistant.components.media_player.errors import BrowseError
from homeassistant.components.media_source import (
    BrowseMediaSource,
    MediaSource,
    MediaSourceItem,
    PlayMedia,
    Unresolvable,
    generate_media_source_id,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.http import KEY_HASS, HomeAssistantView
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .archive import IncidentArchive, async_get_archive
from .const import DOMAIN
from .core.store import STATUS_FALSE_ALARM, STATUS_SUPPRESSED, IncidentRecord, IncidentStore

SOURCE_NAME: Final = "VLM Guard"
INCIDENT_URL: Final = "/api/vlm_guard/incidents/{incident_id}/{role}"
# A day folder lists at most this many incidents; the rest are counted as not shown.
DAY_LIMIT: Final = 500
# The best picture first: the first one only when no better one was kept.
SNAPSHOT_ROLES: Final = ("best", "first")
STATUS_SUFFIXES: Final = {STATUS_SUPPRESSED: " (suppressed)", STATUS_FALSE_ALARM: " (false alarm)"}
IMAGE_JPEG: Final = "image/jpeg"
DATA_VIEW: HassKey[IncidentFileView] = HassKey(f"{DOMAIN}_incident_view")


async def async_get_media_source(hass: HomeAssistant) -> MediaSource:
    """Return the incident media source, serving its files from an authenticated view."""
    async_register_file_view(hass)
    return IncidentMediaSource(hass)


@callback
def async_register_file_view(hass: HomeAssistant) -> None:
    """Serve incident files to signed-in users (once; the media browser and panel share it)."""
    if DATA_VIEW not in hass.data and getattr(hass, "http", None) is not None:
        view = hass.data[DATA_VIEW] = IncidentFileView()
        hass.http.register_view(view)


def incident_identifier(camera: str, started: datetime, incident_id: str) -> str:
    """Return the media-source identifier of an incident (under its camera and local day)."""
    return f"{camera}/{local_day(started).isoformat()}/{incident_id}"


def incident_media_id(camera: str, started: datetime, incident_id: str) -> str:
    """Return the media-source id that resolves to an incident's snapshot."""
    return generate_media_source_id(DOMAIN, incident_identifier(camera, started, incident_id))


def incident_url(incident_id: str, role: str) -> str:
    """Return the (unsigned) path of one of an incident's files."""
    return INCIDENT_URL.format(incident_id=incident_id, role=role)


def snapshot_role(record: IncidentRecord) -> str | None:
    """Return the role of the incident's picture to show, if it has one."""
    return next((role for role in SNAPSHOT_ROLES if role in record.files), None)


def local_day(when: datetime) -> date:
    """Return the day `when` falls on in Home Assistant's time zone."""
    return dt_util.as_local(when).date()


def day_range(day: date) -> tuple[datetime, datetime]:
    """Return the start of a local day and of the next one."""
    return dt_util.start_of_local_day(day), dt_util.start_of_local_day(day + timedelta(days=1))


def day_title(day: date, count: int) -> str:
    """Return a day folder's title, short enough for a media card: 'Fri 27 Nov (5)'.

    The year is shown only for days of another year.
    """
    year = "" if day.year == dt_util.now().year else f" {day.year}"
    return f"{day:%a} {day.day} {day:%b}{year} ({count})"


def incident_title(record: IncidentRecord) -> str:
    """Return an incident's title: its local start time, description and what it turned out to be."""
    title = f"{dt_util.as_local(record.started):%H:%M} {record.description}".rstrip()
    return title + STATUS_SUFFIXES.get(record.status, "")


@dataclass(frozen=True, slots=True)
class IncidentPath:
    """Where an identifier points: the root, a camera, one of its days, or an incident."""

    camera: str | None = None
    day: date | None = None
    incident: str | None = None

    @classmethod
    def parse(cls, identifier: str) -> IncidentPath:
        """Read `camera[/YYYY-MM-DD[/incident]]`; raise ValueError for anything else."""
        if not identifier:
            return cls()
        parts = identifier.split("/")
        if len(parts) > 3 or not all(parts):
            raise ValueError(identifier)
        day = date.fromisoformat(parts[1]) if len(parts) > 1 else None
        return cls(parts[0], day, parts[2] if len(parts) > 2 else None)


class IncidentMediaSource(MediaSource):
    """Every camera's incidents by local day, newest first, each with its snapshot."""

    name = SOURCE_NAME

    def __init__(self, hass: HomeAssistant) -> None:
        """Browse the archive of this Home Assistant."""
        super().__init__(DOMAIN)
        self.hass = hass

    async def async_resolve_media(self, item: MediaSourceItem) -> PlayMedia:
        """Return the incident's best (else first) snapshot, served by the incident view.

        The path is left unsigned: the media browser and media players sign it
        themselves, for the user asking and as long as they need.
        """
        try:
            path = IncidentPath.parse(item.identifier)
        except ValueError as err:
            raise Unresolvable(f"Not a VLM Guard incident: {item.identifier!r}") from err
        if path.camera is None or path.incident is None:
            raise Unresolvable(f"Only an incident can be shown, not {item.identifier!r}")
        archive = _archive(self.hass, Unresolvable)
        record = await archive.async_get(path.incident)
        if record is None or record.camera != path.camera:
            raise Unresolvable(
                translation_domain=DOMAIN,
                translation_key="unknown_incident",
                translation_placeholders={"incident_id": path.incident},
            )
        role = snapshot_role(record)
        file = Path(record.files[role]) if role else None
        if role is None or file is None or not await self.hass.async_add_executor_job(file.is_file):
            raise Unresolvable(f"Incident {record.id} has no snapshot (any longer)")
        mime_type = mimetypes.guess_type(file.name)[0] or IMAGE_JPEG
        return PlayMedia(incident_url(record.id, role), mime_type, path=file)

    async def async_browse_media(self, item: MediaSourceItem) -> BrowseMediaSource:
        """Return the cameras, a camera's days, a day's incidents, or one incident."""
        try:
            path = IncidentPath.parse(item.identifier)
        except ValueError as err:
            raise BrowseError(f"Not a VLM Guard folder or incident: {item.identifier!r}") from err
        if path.camera is None:
            return await self._async_browse_root()
        archive = _archive(self.hass, BrowseError)
        if path.day is None:
            return await self._async_browse_camera(archive, path.camera)
        if path.incident is None:
            return await self._async_browse_day(archive, path.camera, path.day)
        record = await archive.async_get(path.incident)
        if record is None or record.camera != path.camera:
            raise BrowseError(
                translation_domain=DOMAIN,
                translation_key="unknown_incident",
                translation_placeholders={"incident_id": path.incident},
            )
        return self._incident_item(record)

    async def _async_browse_root(self) -> BrowseMediaSource:
        root = _folder("", SOURCE_NAME)
        root.children_media_class = MediaClass.DIRECTORY
        archive = async_get_archive(self.hass)
        if archive is None:
            return root

        def newest_by_camera(store: IncidentStore) -> list[tuple[str, str, IncidentRecord]]:
            return [
                (camera, name, newest[0])
                for camera, name, _count in store.cameras()
                if (newest := store.list(camera=camera, limit=1))
            ]

        # An archive that is off lists nothing: there is nothing to browse.
        found = await archive.async_run(newest_by_camera) or []
        root.children = [
            self._camera_folder(camera, name, newest) for camera, name, newest in found
        ]
        return root

    @callback
    def _camera_folder(self, camera: str, name: str, newest: IncidentRecord) -> BrowseMediaSource:
        folder = _folder(camera, name or camera)
        folder.thumbnail = self._thumbnail(newest)
        folder.children_media_class = MediaClass.DIRECTORY
        return folder

    async def _async_browse_camera(
        self, archive: IncidentArchive, camera: str
    ) -> BrowseMediaSource:
        tz = dt_util.get_default_time_zone()

        def days(store: IncidentStore) -> tuple[list[tuple[date, int]], list[IncidentRecord]]:
            return store.days(camera, tz), store.list(camera=camera, limit=1)

        found = await archive.async_run(days)
        if found is None or not found[1]:
            raise BrowseError(f"There are no incidents of camera {camera!r}")
        counts, (newest,) = found
        folder = self._camera_folder(camera, newest.camera_name, newest)
        folder.children = [
            _folder(f"{camera}/{day.isoformat()}", day_title(day, count)) for day, count in counts
        ]
        return folder

    async def _async_browse_day(
        self, archive: IncidentArchive, camera: str, day: date
    ) -> BrowseMediaSource:
        since, until = day_range(day)

        def incidents(store: IncidentStore) -> tuple[list[IncidentRecord], int]:
            records = store.list(camera=camera, since=since, until=until, limit=DAY_LIMIT)
            return records, store.count(camera=camera, since=since, until=until)

        found = await archive.async_run(incidents)
        if found is None or not found[0]:
            raise BrowseError(f"The camera {camera!r} has no incidents on {day.isoformat()}")
        records, count = found
        folder = _folder(f"{camera}/{day.isoformat()}", day_title(day, count))
        folder.children_media_class = MediaClass.IMAGE
        folder.children = [self._incident_item(record) for record in records]
        folder.not_shown = count - len(records)
        return folder

    @callback
    def _incident_item(self, record: IncidentRecord) -> BrowseMediaSource:
        return BrowseMediaSource(
            domain=DOMAIN,
            identifier=incident_identifier(record.camera, record.started, record.id),
            media_class=MediaClass.IMAGE,
            media_content_type=IMAGE_JPEG,
            title=incident_title(record),
            can_play=snapshot_role(record) is not None,
            can_expand=False,
            thumbnail=self._thumbnail(record),
        )

    @callback
    def _thumbnail(self, record: IncidentRecord) -> str | None:
        """Return a signed link to the incident's picture, which any image element can load."""
        if (role := snapshot_role(record)) is None:
            return None
        return async_sign_path(
            self.hass,
            incident_url(record.id, role),
            timedelta(seconds=CONTENT_AUTH_EXPIRY_TIME),
        )


class IncidentFileView(HomeAssistantView):
    """Serve an incident's files to signed-in users; only files the archive lists."""

    url = INCIDENT_URL
    name = "api:vlm_guard:incident"
    requires_auth = True

    async def get(self, request: web.Request, incident_id: str, role: str) -> web.StreamResponse:
        """Return the file kept for the incident under `role` (first, best, crop...)."""
        hass = request.app[KEY_HASS]
        archive = async_get_archive(hass)
        record = None if archive is None else await archive.async_get(incident_id)
        # The path comes from the archive, never from the request.
        if record is None or role not in record.files:
            raise web.HTTPNotFound
        file = Path(record.files[role])
        if not await hass.async_add_executor_job(file.is_file):
            raise web.HTTPNotFound
        # The best picture of an incident still going on is replaced under the same name.
        return web.FileResponse(file, headers={"Cache-Control": "no-cache"})


def _archive(hass: HomeAssistant, error: type[BrowseError] | type[Unresolvable]) -> IncidentArchive:
    archive = async_get_archive(hass)
    if archive is None or archive.store is None:
        reason = archive.error if archive is not None and archive.error else "not set up"
        raise error(
            translation_domain=DOMAIN,
            translation_key="archive_unavailable",
            translation_placeholders={"error": reason},
        )
    return archive


def _folder(identifier: str, title: str) -> BrowseMediaSource:
    return BrowseMediaSource(
        domain=DOMAIN,
        identifier=identifier,
        media_class=MediaClass.DIRECTORY,
        media_content_type=MediaType.IMAGE,
        title=title,
        can_play=False,
        can_expand=True,
        children=[],
    )
