"""The incident archive in Home Assistant: one SQLite store, used off the event loop.

Every incident of every camera goes to `<config>/vlm_guard.db` (core/store.py).
Detection never waits on it and never stops because of it: a damaged file is
set aside with a repair issue and a fresh store is started; a store that
cannot be opened at all turns the archive off with a logged cause. Suppression
rules are kept in the store and mirrored in memory, so matching a verdict
costs no disk access on the event loop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
import logging
from pathlib import Path
import sqlite3
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from .const import ARCHIVE_FILE, DEFAULT_KEEP_DAYS, DEFAULT_KEEP_PER_CAMERA, DOMAIN
from .core.decision import Decision
from .core.store import IncidentRecord, IncidentStore, StoreDamagedError
from .core.suppression import SuppressionRule, first_match
from .repairs import ISSUE_STORE_DAMAGED, async_raise_issue

_LOGGER = logging.getLogger(__name__)

DATA_ARCHIVE: HassKey[IncidentArchive] = HassKey(f"{DOMAIN}_archive")
PRUNE_EVERY: Final = timedelta(hours=1)
STORE_OWNER: Final = "store"


class ArchiveUnavailableError(Exception):
    """The incident store could not be opened; the message says why."""


class IncidentArchive:
    """Keep incidents and suppression rules; every disk access runs in an executor."""

    def __init__(self, hass: HomeAssistant, path: Path) -> None:
        """Use the store file at `path` (opened by async_open)."""
        self.hass = hass
        self.path = path
        self.store: IncidentStore | None = None
        self.error: str | None = None
        """Why the store is not in use, when it is not."""
        self.rules: list[SuppressionRule] = []
        self.keep_days = DEFAULT_KEEP_DAYS
        self.keep_per_camera = DEFAULT_KEEP_PER_CAMERA
        self._listeners: list[Callable[[], None]] = []
        self._unsub_prune: Callable[[], None] | None = None

    # ------------------------------------------------------------ lifecycle
    async def async_open(self) -> None:
        """Open the store; a damaged one is set aside (repair issue) and a new one started."""
        try:
            self.store = await self.hass.async_add_executor_job(IncidentStore.open, self.path)
        except StoreDamagedError as err:
            moved = await self.hass.async_add_executor_job(
                IncidentStore.set_aside, self.path, dt_util.utcnow()
            )
            _LOGGER.warning(
                "The incident store %s cannot be used (%s); it was moved to %s and a new one started",
                self.path,
                err,
                moved,
            )
            async_raise_issue(
                self.hass,
                ISSUE_STORE_DAMAGED,
                STORE_OWNER,
                {"path": str(self.path), "moved": str(moved), "error": str(err)},
                severity=ir.IssueSeverity.WARNING,
            )
            try:
                self.store = await self.hass.async_add_executor_job(IncidentStore.open, self.path)
            except (StoreDamagedError, OSError, sqlite3.Error) as again:
                self._async_unavailable(again)
                return
        except (OSError, sqlite3.Error) as err:
            self._async_unavailable(err)
            return
        self.error = None
        await self.async_reload_rules()
        self._unsub_prune = async_track_time_interval(
            self.hass, self._async_prune_now, PRUNE_EVERY, cancel_on_shutdown=True
        )

    @callback
    def _async_unavailable(self, err: BaseException) -> None:
        self.store = None
        self.error = str(err)
        _LOGGER.error("Incidents will not be kept: cannot open %s: %s", self.path, err)

    async def async_close(self) -> None:
        """Close the store (Home Assistant stops)."""
        if self._unsub_prune is not None:
            self._unsub_prune()
            self._unsub_prune = None
        if (store := self.store) is not None:
            self.store = None
            await self.hass.async_add_executor_job(store.close)

    @callback
    def async_listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` whenever incidents or rules change; returns the way to stop."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    @callback
    def _async_changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -------------------------------------------------------------- access
    async def async_run[T](self, work: Callable[[IncidentStore], T]) -> T | None:
        """Run `work` on the store in an executor; None when the store is off or fails."""
        store = self.store
        if store is None:
            return None
        try:
            return await self.hass.async_add_executor_job(work, store)
        except sqlite3.Error as err:
            _LOGGER.warning("The incident store failed: %s", err)
            return None

    async def async_get(self, incident_id: str) -> IncidentRecord | None:
        """Return one incident, if kept."""
        return await self.async_run(lambda store: store.get(incident_id))

    async def async_list(self, **filters: Any) -> list[IncidentRecord]:
        """Return incidents matching IncidentStore.list's filters."""
        return await self.async_run(lambda store: store.list(**filters)) or []

    async def async_save(self, record: IncidentRecord) -> None:
        """Keep an incident (inserted or updated) off the event loop."""
        await self.async_run(lambda store: store.save(record))
        self._async_changed()

    async def async_review(
        self, incident_id: str, status: str, note: str | None
    ) -> IncidentRecord | None:
        """Record the owner's review; raises KeyError for an unknown incident."""
        record = await self.async_run(
            lambda store: store.review(incident_id, status, note, dt_util.utcnow())
        )
        self._async_changed()
        return record

    # --------------------------------------------------------------- rules
    async def async_reload_rules(self) -> None:
        """Read the rules again into memory (they changed)."""
        rows = await self.async_run(lambda store: store.rules()) or []
        rules: list[SuppressionRule] = []
        for row in rows:
            try:
                rules.append(SuppressionRule.from_store(row))
            except (KeyError, TypeError, ValueError) as err:
                _LOGGER.warning("Skipping unreadable suppression rule %s: %s", row.get("id"), err)
        self.rules = rules
        self._async_changed()

    async def async_save_rule(self, rule: SuppressionRule) -> None:
        """Keep a new or changed rule."""
        await self.async_run(
            lambda store: store.save_rule(
                rule.id,
                rule.camera,
                rule.data(),
                created=rule.created,
                expires=rule.expires,
                active=rule.active,
            )
        )
        await self.async_reload_rules()

    async def async_remove_rule(self, rule_id: str) -> bool:
        """Delete a rule; False when there was none."""
        removed = bool(await self.async_run(lambda store: store.remove_rule(rule_id)))
        await self.async_reload_rules()
        return removed

    async def async_activate_rules(self, rule_ids: Iterable[str]) -> list[str]:
        """Turn proposed rules on; return the ids that were turned on."""
        wanted = list(rule_ids)

        def activate(store: IncidentStore) -> list[str]:
            return [rule_id for rule_id in wanted if store.set_rule_active(rule_id, True)]

        done = await self.async_run(activate) or []
        await self.async_reload_rules()
        return done

    @callback
    def async_match(self, camera: str, decision: Decision) -> SuppressionRule | None:
        """Return the rule that silences this ALERT decision of `camera`, if one does."""
        return first_match(
            self.rules,
            camera=camera,
            description=decision.verdict.description,
            boxes=decision.boxes,
            frame_size=decision.frame_size,
            now=decision.time,
        )

    async def async_hit(self, rule: SuppressionRule, when: datetime) -> None:
        """Count that a rule silenced a verdict."""
        await self.async_run(lambda store: store.record_hit(rule.id, when))
        await self.async_reload_rules()

    # ----------------------------------------------------------- retention
    async def _async_prune_now(self, _now: datetime | None = None) -> None:
        await self.async_prune()

    async def async_prune(self) -> int:
        """Apply retention: delete old incidents and their files; return how many files went."""
        now = dt_util.utcnow()
        files = await self.async_run(
            lambda store: store.prune(
                now=now, max_age_days=self.keep_days, max_per_camera=self.keep_per_camera
            )
        )
        if not files:
            return 0
        await self.hass.async_add_executor_job(remove_files, files)
        self._async_changed()
        return len(files)

    async def async_remove_camera(self, camera: str) -> None:
        """Forget a removed camera's incidents and rules (its folder goes with it)."""
        await self.async_run(lambda store: store.remove_camera(camera))
        await self.async_reload_rules()


def remove_files(paths: Iterable[str]) -> None:
    """Delete files, ignoring those already gone (blocking)."""
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError as err:
            _LOGGER.debug("Cannot remove %s: %s", path, err)


async def async_setup_archive(hass: HomeAssistant) -> IncidentArchive:
    """Open the archive once for every VLM Guard entry."""
    if (archive := hass.data.get(DATA_ARCHIVE)) is not None:
        return archive
    archive = hass.data[DATA_ARCHIVE] = IncidentArchive(hass, Path(hass.config.path(ARCHIVE_FILE)))
    await archive.async_open()
    return archive


@callback
def async_get_archive(hass: HomeAssistant) -> IncidentArchive | None:
    """Return the archive, once opened."""
    return hass.data.get(DATA_ARCHIVE)
