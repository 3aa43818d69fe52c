"""The incident store: what the owner saved is there after a restart, found and pruned right."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
import json
from pathlib import Path
import random
import sqlite3
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.vlm_guard.core import store as store_module
from custom_components.vlm_guard.core.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    STATUS_ACKNOWLEDGED,
    STATUS_FALSE_ALARM,
    STATUS_NEW,
    STATUS_REAL,
    STATUS_SUPPRESSED,
    IncidentRecord,
    IncidentStore,
    StoreDamagedError,
)

T0 = datetime(2026, 11, 27, 7, 15, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
NEW_YORK = ZoneInfo("America/New_York")
type Opener = Callable[[], IncidentStore]


def _incident(
    incident_id: str, camera: str = "cam-a", started: datetime = T0, **changes: Any
) -> IncidentRecord:
    values: dict[str, Any] = {"camera_name": f"Camera {camera}", "alerts": 3, "verified": 2}
    values |= {"last_alert": started + MINUTE, "ended": started + 2 * MINUTE}
    values |= {"description": "A person at the door.", "details": {"verdicts": [{"alert": True}]}}
    values["files"] = {"first": f"/media/{incident_id}-1.jpg", "best": f"/media/{incident_id}.jpg"}
    return IncidentRecord(id=incident_id, camera=camera, started=started, **(values | changes))


def _files(*incident_ids: str) -> list[str]:
    return sorted(path for each in incident_ids for path in _incident(each).files.values())


def _ids(records: list[IncidentRecord]) -> list[str]:
    return [record.id for record in records]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "vlm_guard.db"


@pytest.fixture
def open_store(path: Path) -> Iterator[Opener]:
    """Open the store file, as Home Assistant does when it starts; all are closed after."""
    opened: list[IncidentStore] = []

    def open_one() -> IncidentStore:
        opened.append(IncidentStore.open(path))
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture
def store(open_store: Opener) -> IncidentStore:
    return open_store()


def _sql(path: Path, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    """Run SQL on the store file behind its back, as another program could."""
    with closing(sqlite3.connect(path)) as connection, connection:
        return connection.execute(statement, params).fetchall()


def test_an_incident_reads_back_equal_after_a_restart(open_store: Opener, path: Path) -> None:
    store = open_store()
    started = datetime(2026, 7, 1, 23, 59, 59, 123456, tzinfo=ZoneInfo("Europe/Paris"))
    record = _incident("a1", started=started, note="Postman, ça va", reviewed=T0)
    record = replace(record, status=STATUS_REAL, suppressed_by="rule-1", transcript="Hello?")
    record = replace(record, review_label="REAL", review_reason="A stranger at night")
    record.details["descriptions"] = ["Un homme à la porte", "A man"]
    store.save(record)
    store.close()
    # Closing checkpoints the write-ahead log: the file alone holds everything.
    assert not path.with_name("vlm_guard.db-wal").exists()
    reopened = open_store()
    assert reopened.get("missing") is None
    assert reopened.get("a1") == record
    again = reopened.list()[0]
    assert again.started.tzinfo is UTC
    plain = again.to_dict()
    assert json.loads(json.dumps(plain)) == plain
    assert plain["started"] == "2026-07-01T21:59:59.123456+00:00"


def test_resaving_a_growing_incident_keeps_the_owners_review(store: IncidentStore) -> None:
    store.save(_incident("a1", ended=None))
    store.review("a1", STATUS_FALSE_ALARM, "The cat again", T0 + timedelta(minutes=1))
    store.label("a1", "FALSE_POSITIVE", "A cat")
    grown = _incident("a1", alerts=9, ended=T0 + timedelta(minutes=5), description="A cat.")
    grown.files["clip"] = "/media/a1.mp4"
    store.save(grown)
    review = {"status": STATUS_FALSE_ALARM, "note": "The cat again"}
    review |= {"review_label": "FALSE_POSITIVE", "review_reason": "A cat"}
    assert store.get("a1") == replace(grown, reviewed=T0 + timedelta(minutes=1), **review)


def test_an_incident_saved_as_suppressed_says_so_and_by_which_rule(store: IncidentStore) -> None:
    store.save(_incident("a1", ended=None))
    store.save(_incident("a1", status=STATUS_SUPPRESSED, suppressed_by="rule-7"))
    suppressed = _incident("a1", status=STATUS_SUPPRESSED, suppressed_by="rule-7")
    assert store.get("a1") == suppressed
    # A later save of the same incident does not bring the alarm back.
    store.save(_incident("a1", alerts=5))
    assert store.get("a1") == replace(suppressed, alerts=5)


@pytest.fixture
def filled(store: IncidentStore) -> IncidentStore:
    """Twelve incidents, one an hour: cameras a, b, c in turn; statuses and labels vary."""
    for hour in range(12):
        record = _incident(f"i{hour:02}", f"cam-{'abc'[hour % 3]}", T0 + timedelta(hours=hour))
        store.save(record)
        if hour % 4 == 0:
            store.review(record.id, STATUS_FALSE_ALARM, None, T0)
        if hour % 5 == 0:
            store.label(record.id, "FALSE_POSITIVE" if hour else "NOISE", "why")
    return store


def test_list_finds_by_camera_time_status_and_label_newest_first(filled: IncidentStore) -> None:
    assert _ids(filled.list(camera="cam-a")) == ["i09", "i06", "i03", "i00"]
    assert _ids(filled.list(camera="cam-a", newest_first=False)) == ["i00", "i03", "i06", "i09"]
    # The window includes its start and excludes its end.
    window = {"since": T0 + timedelta(hours=2), "until": T0 + timedelta(hours=5)}
    assert _ids(filled.list(**window)) == ["i04", "i03", "i02"]
    assert _ids(filled.list(statuses=[STATUS_FALSE_ALARM])) == ["i08", "i04", "i00"]
    # A single status given as a string is that status, not its letters.
    assert _ids(filled.list(statuses=STATUS_FALSE_ALARM)) == ["i08", "i04", "i00"]
    assert _ids(filled.list(statuses=[STATUS_NEW, STATUS_FALSE_ALARM], limit=2)) == ["i11", "i10"]
    assert _ids(filled.list(labels={"FALSE_POSITIVE"})) == ["i10", "i05"]
    assert _ids(filled.list(labels=["FALSE_POSITIVE", "NOISE"], camera="cam-a")) == ["i00"]
    assert filled.list(statuses=[]) == []
    assert _ids(filled.list(limit=3, offset=2)) == ["i09", "i08", "i07"]
    assert _ids(filled.list(limit=3, offset=11)) == ["i00"]
    assert (filled.count(), filled.count(camera="cam-b"), filled.count(**window)) == (12, 4, 3)
    assert filled.count(statuses=[STATUS_FALSE_ALARM], labels=["NOISE"]) == 1
    assert filled.count(camera="nobody") == 0


def test_days_are_the_owners_local_days(store: IncidentStore) -> None:
    starts = [
        datetime(2026, 11, 27, 2, 0, tzinfo=UTC),  # 21:00 on the 26th in New York
        datetime(2026, 11, 27, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 28, 4, 59, tzinfo=UTC),  # 23:59 on the 27th
        datetime(2026, 11, 28, 5, 0, tzinfo=UTC),  # midnight: the 28th
        datetime(2026, 11, 2, 4, 30, tzinfo=UTC),  # 23:30 on Nov 1, the day clocks go back
        datetime(2026, 11, 1, 4, 0, tzinfo=UTC),  # midnight starting Nov 1 (still -4)
    ]
    for index, started in enumerate(starts):
        store.save(_incident(f"i{index}", "cam-a", started))
    store.save(_incident("other", "cam-b", starts[1]))
    days = [date(2026, 11, 28), date(2026, 11, 27), date(2026, 11, 26), date(2026, 11, 1)]
    assert store.days("cam-a", NEW_YORK) == list(zip(days, [1, 2, 1, 2], strict=True))
    days = [date(2026, 11, 28), date(2026, 11, 27), date(2026, 11, 2), date(2026, 11, 1)]
    assert store.days("cam-a", UTC) == list(zip(days, [2, 2, 1, 1], strict=True))
    assert store.days("nobody", NEW_YORK) == []


# Santiago changes its clocks at midnight, Lord Howe by half an hour.
ZONES = ["America/New_York", "America/Santiago", "Asia/Kolkata", "Australia/Lord_Howe"]


@pytest.mark.parametrize("tz", [*map(ZoneInfo, ZONES), timezone(timedelta(hours=-9.5))], ids=str)
def test_days_match_a_conversion_of_every_incident(store: IncidentStore, tz: Any) -> None:
    """Across a year of clock changes, each incident counts on its own local day."""
    rng = random.Random(7)
    starts = [T0 + timedelta(seconds=rng.uniform(-330 * 86400, 0)) for _ in range(300)]
    # Starts at and around each local midnight, where an off-by-one would show.
    for day in range(366):
        midnight = datetime.combine(date(2026, 1, 1) + timedelta(days=day), datetime.min.time(), tz)
        starts += [midnight, midnight - timedelta(microseconds=1), midnight + timedelta(hours=1.5)]
    for index, started in enumerate(starts):
        store.save(_incident(f"i{index}", started=started))
    expected = Counter(started.astimezone(tz).date() for started in starts)
    assert store.days("cam-a", tz) == sorted(expected.items(), reverse=True)


def test_cameras_are_listed_by_their_latest_name(store: IncidentStore) -> None:
    store.save(_incident("b1", "cam-b", camera_name="garden"))
    store.save(_incident("a1", "cam-a", T0, camera_name="Old name"))
    store.save(_incident("a2", "cam-a", T0 + timedelta(hours=1), camera_name="Driveway"))
    store.save(_incident("a0", "cam-a", T0 - timedelta(hours=1), camera_name="Older name"))
    assert store.cameras() == [("cam-a", "Driveway", 3), ("cam-b", "garden", 1)]


def test_prune_deletes_old_and_surplus_incidents_not_open_ones(store: IncidentStore) -> None:
    now = T0 + timedelta(days=40)
    for day in range(40):  # one incident a day for 40 days on camera a
        store.save(_incident(f"a{day:02}", "cam-a", T0 + timedelta(days=day)))
    for index in range(5):  # five recent ones on camera b
        store.save(_incident(f"b{index}", "cam-b", now - timedelta(hours=index + 1)))
    store.save(_incident("a-open", "cam-a", T0 - timedelta(days=90), ended=None))

    removed = store.prune(now=now, max_age_days=30, max_per_camera=1000)
    assert sorted(removed) == _files(*(f"a{day:02}" for day in range(10)))
    assert store.count() == 30 + 5 + 1
    assert store.get("a-open") is not None

    removed = store.prune(now=now, max_age_days=30, max_per_camera=3)
    # Camera a keeps its three newest and the open one, however old.
    assert _ids(store.list(camera="cam-a")) == ["a39", "a38", "a37", "a-open"]
    assert _ids(store.list(camera="cam-b")) == ["b0", "b1", "b2"]
    assert sorted(removed) == _files("b3", "b4", *(f"a{day}" for day in range(10, 37)))
    assert store.prune(now=now, max_age_days=30, max_per_camera=3) == []


def test_removing_a_camera_forgets_its_incidents_and_rules(store: IncidentStore) -> None:
    store.save(_incident("a1", "cam-a"))
    store.save(_incident("a2", "cam-a", ended=None))
    store.save(_incident("b1", "cam-b"))
    store.save_rule("ra", "cam-a", {"keywords": ["cat"]}, created=T0, expires=None)
    store.save_rule("rb", "cam-b", {"keywords": ["dog"]}, created=T0, expires=None)
    assert sorted(store.remove_camera("cam-a")) == _files("a1", "a2")
    assert _ids(store.list()) == ["b1"]
    assert [rule["id"] for rule in store.rules()] == ["rb"]
    assert store.remove_camera("cam-a") == []


def test_review_needs_a_known_incident_and_status(store: IncidentStore) -> None:
    store.save(_incident("a1"))
    reviewed = store.review("a1", STATUS_ACKNOWLEDGED, "Seen it", T0)
    assert reviewed == _incident("a1", status=STATUS_ACKNOWLEDGED, note="Seen it", reviewed=T0)
    # No note given keeps the note written before.
    assert store.review("a1", STATUS_REAL, None, T0).note == "Seen it"
    assert store.review("a1", STATUS_REAL, "", T0).note == ""
    with pytest.raises(KeyError, match="missing"):
        store.review("missing", STATUS_REAL, None, T0)
    with pytest.raises(ValueError, match="maybe"):
        store.review("a1", "maybe", None, T0)
    with pytest.raises(ValueError, match="MAYBE"):
        store.label("a1", "MAYBE", None)
    store.label("missing", "REAL", "ignored")
    store.label("a1", "NOISE", "Leaves")
    assert store.count(labels=["NOISE"]) == 1
    store.label("a1", None, None)
    assert store.get("a1") == _incident("a1", status=STATUS_REAL, reviewed=T0)


def test_suppression_rules_keep_their_hits_across_a_restart(open_store: Opener) -> None:
    store = open_store()
    week = T0 + timedelta(days=7)
    store.save_rule("r1", "cam-a", {"keywords": ["cat"], "hits": 99}, created=T0, expires=week)
    store.save_rule("r2", "cam-b", {"keywords": ["dog"]}, created=T0 + timedelta(1), expires=None)
    store.save_rule("r3", "cam-a", {}, created=T0 + timedelta(2), expires=None, active=False)
    store.record_hit("r1", T0 + timedelta(hours=1))
    store.record_hit("r1", T0 + timedelta(hours=2))
    store.record_hit("unknown", T0)
    # Saving a rule again changes what it says, not what it has done.
    store.save_rule("r1", "cam-a", {"keywords": ["cat", "fox"]}, created=T0, expires=None)
    assert store.set_rule_active("r2", False)
    assert not store.set_rule_active("unknown", True)
    store.close()
    store = open_store()
    r1 = {"keywords": ["cat", "fox"], "id": "r1", "camera": "cam-a", "created": T0}
    r1 |= {"expires": None, "active": True, "hits": 2, "last_hit": T0 + timedelta(hours=2)}
    r3 = {"id": "r3", "camera": "cam-a", "created": T0 + timedelta(2), "expires": None}
    r3 |= {"active": False, "hits": 0, "last_hit": None}
    assert store.rules(camera="cam-a") == [r1, r3]
    assert [rule["id"] for rule in store.rules(active=False)] == ["r2", "r3"]
    assert [rule["id"] for rule in store.rules(active=True)] == ["r1"]
    assert store.remove_rule("r1")
    assert not store.remove_rule("r1")
    assert [rule["id"] for rule in store.rules()] == ["r2", "r3"]
    store.save_rule("r4", "cam-a", {}, created=T0, expires=week)
    assert [rule["expires"] for rule in store.rules() if rule["id"] == "r4"] == [week]


def test_a_row_with_damaged_json_is_still_listed(store: IncidentStore, path: Path) -> None:
    store.save(_incident("a1"))
    store.save(_incident("a2", started=T0 + timedelta(hours=1)))
    store.save_rule("r1", "cam-a", {"keywords": ["cat"]}, created=T0, expires=None)
    _sql(path, "UPDATE incidents SET files = '{broken', details = '[1, 2]' WHERE id = 'a2'")
    _sql(path, "UPDATE rules SET data = 'null'")
    listed = store.list()
    assert _ids(listed) == ["a2", "a1"]
    assert (listed[0].files, listed[0].details) == ({}, {})
    assert store.rules()[0]["id"] == "r1"
    removed = store.prune(now=T0 + timedelta(days=9), max_age_days=1, max_per_camera=9)
    assert sorted(removed) == _files("a1")


def test_threads_share_the_store(store: IncidentStore) -> None:
    def work(thread: int) -> int:
        for index in range(40):
            store.save(_incident(f"t{thread}-{index}", f"cam-{thread}"))
            store.list(camera=f"cam-{thread}", limit=5)
        return store.count(camera=f"cam-{thread}")

    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(work, range(4))) == [40] * 4
    assert store.count() == 160


@pytest.mark.parametrize(
    "content",
    [random.Random(1).randbytes(4096), b"Hello\n" * 50, b"SQLite format 3\x00" + b"\xff" * 2000],
    ids=["random bytes", "a text file", "a bad header"],
)
def test_a_file_that_is_no_store_is_set_aside_for_a_fresh_one(
    path: Path, content: bytes, open_store: Opener
) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    with pytest.raises(StoreDamagedError, match="unreadable database"):
        IncidentStore.open(path)
    # A write-ahead log left by a crash goes with the file it belongs to.
    path.with_name("vlm_guard.db-wal").write_bytes(b"stale")
    moved = IncidentStore.set_aside(path, datetime(2026, 11, 27, 7, 15, tzinfo=UTC))
    assert moved == path.with_name("vlm_guard.db.damaged-20261127-071500")
    assert moved.read_bytes() == content
    assert moved.with_name(moved.name + "-wal").read_bytes() == b"stale"
    assert not path.exists()
    assert not path.with_name("vlm_guard.db-wal").exists()
    assert open_store().count() == 0
    # Setting aside what is not there (any more) is no error.
    gone = IncidentStore.set_aside(path.with_name("gone.db"), T0)
    assert gone.name == "gone.db.damaged-20261127-071500"


def test_a_damaged_store_is_found_out(path: Path) -> None:
    store = IncidentStore.open(path)
    for index in range(200):
        store.save(_incident(f"i{index:03}", started=T0 + timedelta(minutes=index)))
    store.close()
    page = _sql(path, "PRAGMA page_size")[0][0]
    root = _sql(path, "SELECT rootpage FROM sqlite_master WHERE name = 'incidents_started'")[0][0]
    whole = path.read_bytes()
    # Wiping an index page's cell pointers leaves a file that opens but fails its check.
    start = page * (root - 1) + 100
    path.write_bytes(whole[:start] + bytes(200) + whole[start + 200 :])
    with pytest.raises(StoreDamagedError, match=r"integrity check failed: .*page"):
        IncidentStore.open(path)
    path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(StoreDamagedError, match="malformed"):
        IncidentStore.open(path)


def test_schema_versions(store: IncidentStore, path: Path) -> None:
    """A current store reopens unchanged; one from a newer version is refused."""
    assert sorted(MIGRATIONS) == list(range(1, SCHEMA_VERSION + 1))
    store.save(_incident("a1"))
    store.close()
    schema = _sql(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    assert _sql(path, "SELECT key, value FROM meta") == [("schema_version", "1")]
    IncidentStore.open(path).close()
    assert _sql(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
    assert _sql(path, "SELECT key, value FROM meta") == [("schema_version", "1")]
    assert _sql(path, "PRAGMA journal_mode") == [("wal",)]
    _sql(path, "UPDATE meta SET value = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreDamagedError, match="newer version"):
        IncidentStore.open(path)


def test_a_migration_is_applied_once_and_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = IncidentStore.open(path)
    store.save(_incident("a1"))
    store.close()

    def add_weather(connection: sqlite3.Connection, fail: bool = False) -> None:
        connection.execute("ALTER TABLE incidents ADD COLUMN weather TEXT")
        if fail:
            raise RuntimeError("the migration fails half way")

    weather = "SELECT name FROM pragma_table_info('incidents') WHERE name = 'weather'"
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 2)
    monkeypatch.setitem(MIGRATIONS, 2, lambda connection: add_weather(connection, fail=True))
    with pytest.raises(RuntimeError):
        IncidentStore.open(path)
    assert _sql(path, weather) == []
    assert _sql(path, "SELECT value FROM meta") == [("1",)]
    monkeypatch.setitem(MIGRATIONS, 2, add_weather)
    upgraded = IncidentStore.open(path)
    assert upgraded.get("a1") == _incident("a1")
    upgraded.close()
    assert _sql(path, "SELECT value FROM meta") == [("2",)]
    assert _sql(path, weather) == [("weather",)]
