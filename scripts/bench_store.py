"""The incident store at a realistic size: 20,000 incidents of 8 cameras over 30 days.

Incidents are saved one by one as they happen (each save its own transaction),
with about five verdicts and three files each. At full size, each query the
panel, the media browser, the services and the daily housekeeping make is
timed over repeated calls on the same open store, as Home Assistant keeps it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
import random
import tempfile
import time
import uuid
from zoneinfo import ZoneInfo

from custom_components.vlm_guard.core.store import (
    LABELS,
    STATUS_ACKNOWLEDGED,
    STATUS_FALSE_ALARM,
    STATUS_NEW,
    STATUS_REAL,
    STATUS_SUPPRESSED,
    IncidentRecord,
    IncidentStore,
)

START = datetime(2026, 10, 28, tzinfo=UTC)
DESCRIPTIONS = (
    "A person in a dark jacket walks up the driveway towards the front door.",
    "A delivery driver leaves a parcel on the porch and walks back to the van.",
    "A cat crosses the lawn from left to right.",
    "Headlights sweep across the garage door as a car turns in the street.",
    "Two people stand by the gate and look towards the house.",
)
STATUS_WEIGHTS = {
    STATUS_NEW: 60,
    STATUS_FALSE_ALARM: 20,
    STATUS_REAL: 10,
    STATUS_ACKNOWLEDGED: 5,
    STATUS_SUPPRESSED: 5,
}


def _verdict(rng: random.Random, when: datetime) -> dict[str, object]:
    """One verdict as a camera stores it (Decision.to_dict)."""
    description = rng.choice(DESCRIPTIONS)
    box = [rng.randrange(700), rng.randrange(400), rng.randrange(40, 300), rng.randrange(40, 300)]
    return {
        "time": when.isoformat(),
        "alert": True,
        "description": description,
        "rule": "json_alert",
        "raw_answer": f'{{"alert": true, "description": "{description}", "confidence": 0.9}}',
        "model": "qwen2.5vl:7b",
        "latency": round(rng.uniform(0.4, 2.5), 3),
        "reason": "motion",
        "boxes": [box],
        "crop": [max(box[0] - 40, 0), max(box[1] - 40, 0), box[2] + 80, box[3] + 80],
        "reused": False,
    }


def _incident(rng: random.Random, camera: int, started: datetime) -> IncidentRecord:
    incident_id = uuid.UUID(int=rng.getrandbits(128)).hex
    verdicts = [_verdict(rng, started + timedelta(seconds=5 * n)) for n in range(rng.randint(3, 7))]
    ended = started + timedelta(seconds=5 * len(verdicts) + 60)
    folder = f"/media/vlm_guard/cam{camera}/{started:%Y-%m-%d}"
    old = started < START + timedelta(days=20)
    return IncidentRecord(
        id=incident_id,
        camera=f"subentry{camera:02}",
        camera_name=f"Camera {camera}",
        started=started,
        last_alert=ended - timedelta(seconds=60),
        ended=ended,
        description=str(verdicts[0]["description"]),
        alerts=len(verdicts),
        verified=len(verdicts),
        status=rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0],
        review_label=rng.choice(LABELS) if old and rng.random() < 0.7 else None,
        files={
            "first": f"{folder}/{incident_id}-first.jpg",
            "best": f"{folder}/{incident_id}-best.jpg",
            "clip": f"{folder}/{incident_id}.mp4",
        },
        details={
            "verdicts": verdicts,
            "descriptions": list(dict.fromkeys(str(v["description"]) for v in verdicts)),
            "frame_size": [768, 432],
            "media": {"best": f"media-source://media_source/local/{incident_id}-best.jpg"},
        },
    )


def _timed(label: str, calls: int, work: Callable[[int], object]) -> None:
    started = time.perf_counter()
    for index in range(calls):
        work(index)
    print(f"  {label:<44} {(time.perf_counter() - started) / calls * 1000:8.3f} ms")


def main() -> None:
    """Fill a store in a temporary folder, then time each query at full size."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--incidents", type=int, default=20000)
    parser.add_argument("--cameras", type=int, default=8)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(1)
    span = args.days * 86400
    starts = sorted(START + timedelta(seconds=rng.uniform(0, span)) for _ in range(args.incidents))
    records = [_incident(rng, rng.randrange(args.cameras), when) for when in starts]
    end = START + timedelta(days=args.days)
    cameras = sorted({record.camera for record in records})

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "vlm_guard.db"
        store = IncidentStore.open(path)
        started = time.perf_counter()
        for record in records:
            store.save(record)
        insert = (time.perf_counter() - started) / len(records) * 1000
        print(f"{len(records)} incidents, {len(cameras)} cameras, {args.days} days")
        print(f"  {'save a new incident (insert)':<44} {insert:8.3f} ms")
        ids = [record.id for record in records]
        _timed("save a grown incident again (update)", 1000, lambda i: store.save(records[-1 - i]))
        repeat = args.repeat
        print(f"at {store.count()} incidents, ms per call over {repeat} calls:")
        _timed(
            "list newest 50 of one camera",
            repeat,
            lambda i: store.list(camera=cameras[i % len(cameras)], limit=50),
        )
        _timed(
            "list one camera's one day",
            repeat,
            lambda i: store.list(
                camera=cameras[i % len(cameras)],
                since=START + timedelta(days=i % args.days),
                until=START + timedelta(days=i % args.days + 1),
                limit=1000,
            ),
        )
        _timed(
            "list status new, newest 50",
            repeat,
            lambda i: store.list(statuses=[STATUS_NEW], limit=50),
        )
        _timed(
            "list statuses new or real, newest 50",
            repeat,
            lambda i: store.list(statuses=[STATUS_NEW, STATUS_REAL], limit=50),
        )
        _timed(
            "list label FALSE_POSITIVE, newest 50",
            repeat,
            lambda i: store.list(labels=["FALSE_POSITIVE"], limit=50),
        )
        statuses = list(STATUS_WEIGHTS)
        _timed("count by status", repeat, lambda i: store.count(statuses=[statuses[i % 5]]))
        berlin = ZoneInfo("Europe/Berlin")
        _timed(
            "days() of one camera", repeat, lambda i: store.days(cameras[i % len(cameras)], berlin)
        )
        _timed("cameras()", repeat, lambda i: store.cameras())
        _timed("get by id", repeat * 10, lambda i: store.get(ids[rng.randrange(len(ids))]))
        _timed(
            "review one",
            repeat,
            lambda i: store.review(ids[rng.randrange(len(ids))], STATUS_FALSE_ALARM, "A cat", end),
        )
        _timed(
            "prune (nothing to prune)",
            repeat,
            lambda i: store.prune(now=end, max_age_days=60, max_per_camera=10000),
        )
        wal = path.with_name(path.name + "-wal")
        print(f"file: {path.stat().st_size / 1e6:.1f} MB (+ {wal.stat().st_size / 1e6:.1f} MB log)")
        store.close()
        print(
            f"file after closing: {path.stat().st_size / 1e6:.1f} MB, "
            f"{path.stat().st_size / len(records) / 1000:.2f} kB per incident"
        )
        _timed("open (with its integrity check)", 5, lambda i: IncidentStore.open(path).close())
        store = IncidentStore.open(path)
        started = time.perf_counter()
        files = store.prune(now=end, max_age_days=20, max_per_camera=1500)
        took = (time.perf_counter() - started) * 1000
        print(f"  {'prune to 20 days and 1,500 per camera':<44} {took:8.3f} ms")
        print(f"    ({len(files)} files of deleted incidents, {store.count()} incidents left)")
        store.close()


if __name__ == "__main__":
    main()
