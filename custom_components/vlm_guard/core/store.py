"""Every incident of every camera, and the suppression rules, kept in one SQLite file."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta, tzinfo
import json
import math
from pathlib import Path
import sqlite3
import threading
from typing import Any, Final

SCHEMA_VERSION: Final = 1

STATUS_NEW: Final = "new"
STATUS_REAL: Final = "real"
STATUS_FALSE_ALARM: Final = "false_alarm"
STATUS_ACKNOWLEDGED: Final = "acknowledged"
STATUS_SUPPRESSED: Final = "suppressed"
STATUSES: Final = (
    STATUS_NEW, STATUS_REAL, STATUS_FALSE_ALARM, STATUS_ACKNOWLEDGED, STATUS_SUPPRESSED
)  # fmt: skip
LABELS: Final = ("REAL", "FALSE_POSITIVE", "NOISE")

_TIMES: Final = ("started", "last_alert", "ended", "reviewed")
# What the owner and the daily review set: a re-save of a growing incident keeps it.
_REVIEW: Final = ("status", "suppressed_by", "note", "reviewed", "review_label", "review_reason")
# What list() and count() filter on, in the order of their parameters.
_FILTERS: Final = ("camera =", "started >=", "started <", "status IN", "review_label IN")
_RULE_KEYS: Final = ("id", "camera", "data", "created", "expires", "active", "hits", "last_hit")

_SCHEMA_1: Final = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE incidents (
    id TEXT PRIMARY KEY, camera TEXT NOT NULL, camera_name TEXT NOT NULL DEFAULT '',
    started REAL NOT NULL, last_alert REAL NOT NULL, ended REAL,
    description TEXT NOT NULL DEFAULT '', alerts INTEGER NOT NULL DEFAULT 0,
    verified INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'new', suppressed_by TEXT,
    note TEXT NOT NULL DEFAULT '', reviewed REAL, review_label TEXT, review_reason TEXT,
    transcript TEXT, files TEXT NOT NULL DEFAULT '{}', details TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX incidents_camera_started ON incidents (camera, started);
CREATE INDEX incidents_status_started ON incidents (status, started);
CREATE INDEX incidents_started ON incidents (started);
CREATE INDEX incidents_label_started ON incidents (review_label, started);
CREATE TABLE rules (
    id TEXT PRIMARY KEY, camera TEXT NOT NULL, data TEXT NOT NULL DEFAULT '{}',
    created REAL NOT NULL, expires REAL, active INTEGER NOT NULL DEFAULT 1,
    hits INTEGER NOT NULL DEFAULT 0, last_hit REAL
);
CREATE INDEX rules_camera ON rules (camera);
"""


def _create_schema(connection: sqlite3.Connection) -> None:
    connection.executescript(_SCHEMA_1)


# MIGRATIONS[n] brings a store from schema version n - 1 to n.
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _create_schema}


class StoreDamagedError(Exception):
    """The store file cannot be used (not a database, damaged, or made by a newer version)."""


@dataclass(slots=True)
class IncidentRecord:
    """One incident as kept in the store."""

    id: str
    camera: str  # The camera's config subentry id.
    camera_name: str
    started: datetime
    last_alert: datetime
    ended: datetime | None = None
    description: str = ""
    alerts: int = 0
    verified: int = 0
    status: str = STATUS_NEW
    suppressed_by: str | None = None  # The suppression rule that silenced the incident.
    note: str = ""
    reviewed: datetime | None = None
    review_label: str | None = None  # One of LABELS, set by the daily review.
    review_reason: str | None = None
    transcript: str | None = None
    files: dict[str, str] = field(default_factory=dict)  # Paths: first, best, crop, clip, audio.
    details: dict[str, Any] = field(default_factory=dict)  # Plain JSON values.

    def to_dict(self) -> dict[str, Any]:
        """Return the incident as plain JSON values (times in ISO format)."""
        data = {name: getattr(self, name) for name in _FIELDS}
        data |= {name: None if data[name] is None else data[name].isoformat() for name in _TIMES}
        return data | {"files": dict(self.files), "details": dict(self.details)}


# The incident columns are the record's fields; SQL is built from fixed names only (S608).
_FIELDS: Final = tuple(item.name for item in fields(IncidentRecord))
_COLUMNS: Final = ", ".join(_FIELDS)
_GROWN: Final = ", ".join(f"{name} = excluded.{name}" for name in _FIELDS if name not in _REVIEW)
_UPSERT: Final = (
    f"INSERT INTO incidents ({_COLUMNS}) VALUES ({', '.join(':' + name for name in _FIELDS)})"  # noqa: S608
    f" ON CONFLICT (id) DO UPDATE SET {_GROWN}, status = iif(excluded.status = :suppressed,"
    " excluded.status, status), suppressed_by = iif(excluded.status = :suppressed,"
    " excluded.suppressed_by, suppressed_by)"
)


class IncidentStore:
    """The incidents and rules of every camera; blocking methods, safe from any thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        """Use an open, checked connection (IncidentStore.open makes one)."""
        self._connection = connection
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> IncidentStore:
        """Open (creating or upgrading) the store at `path`; raise StoreDamagedError if unusable."""
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, check_same_thread=False, autocommit=True)
        try:
            _prepare(connection)
        except BaseException as err:
            connection.close()
            # An OperationalError (busy, read-only, disk full) is no damage: the file stays.
            damaged = isinstance(err, sqlite3.DatabaseError | ValueError)
            if not damaged or isinstance(err, sqlite3.OperationalError):
                raise
            raise StoreDamagedError(f"unreadable database: {err}") from err
        return cls(connection)

    @staticmethod
    def set_aside(path: Path, when: datetime) -> Path:
        """Rename a damaged store (and its companion files) out of the way; return its new path."""
        target = path.with_name(f"{path.name}.damaged-{when:%Y%m%d-%H%M%S}")
        # SQLite's companion files go too: a stale one must not meet a new store.
        for suffix in ("", "-wal", "-shm", "-journal"):
            with suppress(FileNotFoundError):
                path.with_name(path.name + suffix).rename(target.with_name(target.name + suffix))
        return target

    def close(self) -> None:
        """Close the file; the store cannot be used afterwards."""
        with self._lock:
            self._connection.close()

    def save(self, record: IncidentRecord) -> None:
        """Insert or update an incident; an update keeps the review, unless it says suppressed."""
        values = {name: getattr(record, name) for name in _FIELDS}
        values |= {name: _stamp(values[name]) for name in _TIMES}
        values |= {"files": _dumps(record.files), "details": _dumps(record.details)}
        self._run(_UPSERT, values | {"suppressed": STATUS_SUPPRESSED})

    def get(self, incident_id: str) -> IncidentRecord | None:
        """Return one incident, or None when it is not (or no longer) stored."""
        rows = self._run(f"SELECT {_COLUMNS} FROM incidents WHERE id = ?", (incident_id,))  # noqa: S608
        return _record(rows[0]) if rows else None

    def list(
        self,
        *,
        camera: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        statuses: Collection[str] | None = None,
        labels: Collection[str] | None = None,
        limit: int = 100,
        offset: int = 0,
        newest_first: bool = True,
    ) -> builtins.list[IncidentRecord]:
        """Return the incidents that started in [since, until) and match the filters."""
        values = (camera, _stamp(since), _stamp(until), statuses, labels)
        where, params = _where(*zip(_FILTERS, values, strict=True))
        order = "DESC" if newest_first else "ASC"
        query = f"SELECT {_COLUMNS} FROM incidents{where} ORDER BY started {order}, rowid {order}"  # noqa: S608
        rows = self._run(f"{query} LIMIT ? OFFSET ?", [*params, limit, offset])
        return [_record(row) for row in rows]

    def count(
        self,
        *,
        camera: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        statuses: Collection[str] | None = None,
        labels: Collection[str] | None = None,
    ) -> int:
        """Return how many incidents list() would find without a limit."""
        values = (camera, _stamp(since), _stamp(until), statuses, labels)
        where, params = _where(*zip(_FILTERS, values, strict=True))
        return int(self._run(f"SELECT COUNT(*) FROM incidents{where}", params)[0][0])  # noqa: S608

    def days(self, camera: str, tz: tzinfo) -> builtins.list[tuple[date, int]]:
        """Return the local days (in `tz`) with incidents of `camera`, newest first, with counts."""
        query = "SELECT started FROM incidents WHERE camera = ? ORDER BY started DESC"
        counts: dict[date, int] = {}
        day, midnight = date.min, math.inf
        for (started,) in self._run(query, (camera,)):
            # Newest first, a day runs back to its midnight: one conversion a day, unless
            # the clocks changed that day, when each start is converted.
            if started < midnight:
                local = datetime.fromtimestamp(started, tz)
                day, start = local.date(), datetime.combine(local.date(), time(), tz)
                midnight = start.timestamp() if start.utcoffset() == local.utcoffset() else started
            counts[day] = counts.get(day, 0) + 1
        return list(counts.items())

    def cameras(self) -> builtins.list[tuple[str, str, int]]:
        """Return each camera with incidents: its id, latest name and incident count."""
        return self._run(
            "SELECT camera, (SELECT camera_name FROM incidents AS i WHERE i.camera = c.camera"
            " ORDER BY started DESC LIMIT 1) AS name, COUNT(*) FROM incidents AS c"
            " GROUP BY camera ORDER BY name COLLATE NOCASE, camera"
        )

    def review(
        self, incident_id: str, status: str, note: str | None, when: datetime
    ) -> IncidentRecord:
        """Record the owner's review of an incident (note None keeps the note); return it."""
        if status not in STATUSES:
            raise ValueError(f"Unknown incident status: {status!r}")
        rows = self._run(
            "UPDATE incidents SET status = ?, note = COALESCE(?, note), reviewed = ?"  # noqa: S608
            f" WHERE id = ? RETURNING {_COLUMNS}",
            (status, note, _stamp(when), incident_id),
        )
        if not rows:
            raise KeyError(incident_id)
        return _record(rows[0])

    def label(self, incident_id: str, label: str | None, reason: str | None) -> None:
        """Record the daily review's label of an incident (an unknown incident is ignored)."""
        if label is not None and label not in LABELS:
            raise ValueError(f"Unknown review label: {label!r}")
        query = "UPDATE incidents SET review_label = ?, review_reason = ? WHERE id = ?"
        self._run(query, (label, reason, incident_id))

    def prune(
        self, *, now: datetime, max_age_days: float, max_per_camera: int
    ) -> builtins.list[str]:
        """Delete ended incidents too old or beyond each camera's newest; return their files."""
        cutoff = _stamp(now - timedelta(days=max_age_days))
        with self._lock, _transaction(self._connection) as connection:
            old = "DELETE FROM incidents WHERE started < ? AND ended IS NOT NULL RETURNING files"
            deleted = connection.execute(old, (cutoff,)).fetchall()
            # Only cameras over the limit are ranked, in the (camera, started) index alone.
            deleted += connection.execute(
                "DELETE FROM incidents WHERE ended IS NOT NULL AND rowid IN (SELECT rowid FROM"
                " (SELECT rowid, row_number() OVER (PARTITION BY camera ORDER BY started DESC,"
                " rowid DESC) AS rank FROM incidents WHERE camera IN (SELECT camera FROM"
                " incidents GROUP BY camera HAVING COUNT(*) > :keep)) WHERE rank > :keep)"
                " RETURNING files",
                {"keep": max_per_camera},
            ).fetchall()
        return _paths(deleted)

    def remove_camera(self, camera: str) -> builtins.list[str]:
        """Delete a removed camera's incidents and rules; return the incidents' file paths."""
        with self._lock, _transaction(self._connection) as connection:
            query = "DELETE FROM incidents WHERE camera = ? RETURNING files"
            deleted = connection.execute(query, (camera,)).fetchall()
            connection.execute("DELETE FROM rules WHERE camera = ?", (camera,))
        return _paths(deleted)

    def save_rule(
        self,
        rule_id: str,
        camera: str,
        data: dict[str, Any],
        *,
        created: datetime,
        expires: datetime | None,
        active: bool = True,
    ) -> None:
        """Insert a suppression rule, or replace its data, expiry and state (keeping its hits)."""
        self._run(
            "INSERT INTO rules (id, camera, data, created, expires, active)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data,"
            " expires = excluded.expires, active = excluded.active",
            (rule_id, camera, _dumps(data), _stamp(created), _stamp(expires), active),
        )

    def remove_rule(self, rule_id: str) -> bool:
        """Delete a suppression rule; return False when it is unknown."""
        return bool(self._run("DELETE FROM rules WHERE id = ? RETURNING id", (rule_id,)))

    def set_rule_active(self, rule_id: str, active: bool) -> bool:
        """Turn a suppression rule on or off; return False when it is unknown."""
        query = "UPDATE rules SET active = ? WHERE id = ? RETURNING id"
        return bool(self._run(query, (active, rule_id)))

    def rules(
        self, *, camera: str | None = None, active: bool | None = None
    ) -> builtins.list[dict[str, Any]]:
        """Return the suppression rules, their data with their bookkeeping, oldest first."""
        where, params = _where(("camera =", camera), ("active =", active))
        query = f"SELECT {', '.join(_RULE_KEYS)} FROM rules{where} ORDER BY created, id"  # noqa: S608
        return [_rule(row) for row in self._run(query, params)]

    def record_hit(self, rule_id: str, when: datetime) -> None:
        """Count one incident silenced by a suppression rule."""
        query = "UPDATE rules SET hits = hits + 1, last_hit = ? WHERE id = ?"
        self._run(query, (_stamp(when), rule_id))

    def _run(self, statement: str, params: Any = ()) -> builtins.list[Any]:
        # Rows are fetched under the lock: a cursor steps on in the shared connection.
        with self._lock:
            return self._connection.execute(statement, params).fetchall()


def _prepare(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = NORMAL")
    found = "\n".join(str(row[0]) for row in connection.execute("PRAGMA quick_check(3)"))
    if found != "ok":
        raise StoreDamagedError(f"integrity check failed: {'; '.join(found.splitlines())}")
    version = 0
    if connection.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row else 0
    if version > SCHEMA_VERSION:
        raise StoreDamagedError(f"made by a newer version (schema version {version})")
    for step in range(version + 1, SCHEMA_VERSION + 1):
        with _transaction(connection):
            MIGRATIONS[step](connection)
            connection.execute("REPLACE INTO meta VALUES ('schema_version', ?)", (str(step),))


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    # The connection is in autocommit mode: changes are made as one only in here.
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        # Some errors (a full disk) end the transaction themselves.
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _where(*conditions: tuple[str, Any]) -> tuple[str, list[Any]]:
    # Conditions are "column op" with a value, which None skips; "IN" takes a collection.
    clauses: list[str] = []
    params: list[Any] = []
    for condition, value in conditions:
        if condition.endswith(" IN") and value is not None:
            # A string is a collection too: it is taken as one value, not as its letters.
            items = [value] if isinstance(value, str) else list(value)
            clauses.append(f"{condition} ({', '.join('?' * len(items))})")
            params.extend(items)
        elif value is not None:
            clauses.append(f"{condition} ?")
            params.append(value)
    return (f" WHERE {' AND '.join(clauses)}" if clauses else ""), params


def _record(row: Sequence[Any]) -> IncidentRecord:
    values = dict(zip(_FIELDS, row, strict=True))
    values |= {name: _time(values[name]) for name in _TIMES}
    values["files"] = {str(role): str(path) for role, path in _loads(values["files"]).items()}
    values["details"] = _loads(values["details"])
    return IncidentRecord(**values)


def _rule(row: Sequence[Any]) -> dict[str, Any]:
    rule = dict(zip(_RULE_KEYS, row, strict=True))
    rule |= {name: _time(rule[name]) for name in ("created", "expires", "last_hit")}
    return _loads(rule.pop("data")) | rule | {"active": bool(rule["active"])}


def _paths(rows: Sequence[Sequence[Any]]) -> list[str]:
    return [str(path) for (files,) in rows for path in _loads(files).values()]


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _loads(text: str | None) -> dict[str, Any]:
    # Damaged JSON reads as empty: one bad row must not hide every incident.
    with suppress(TypeError, ValueError):
        if isinstance(value := json.loads(text or "{}"), dict):
            return value
    return {}


def _stamp(when: datetime | None) -> float | None:
    # A time without a zone is taken as UTC, as everywhere in the store.
    return None if when is None else when.replace(tzinfo=when.tzinfo or UTC).timestamp()


def _time(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)
