"""False motion in bad weather, people caught and located, CPU per tick: reference vs robust.

Both motion modes run tick by tick over the same synthetic weather
(tests/weather.py: rain, snow, drizzle on the lens, insects under IR, sensor
noise, compression flicker, slow light changes; at day and night levels),
laid over a rendered garden that people walk through (their true boxes
known), over the empty room of the shared real clip, and over that whole clip
(its empty spans are benign; its people's boxes come from the clean clip, and
they often stand still). One tick is one second of footage.

- benign: ticks with no person now or on the tick before; "false motion" when
  the detector reports any motion on one;
- walker / room: ticks with a person in view; "caught" when motion is reported,
  "located" when the crop (what the VLM is shown) covers at least half of the
  person's true box;
- CPU: process time of MotionDetector.detect per tick, both modes on the same
  frames, one right after the other.

The first ticks of every sequence are warm-up (the robust mode learns its
backgrounds) and are not counted.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass, fields
import time

from custom_components.vlm_guard.core.defaults import MOTION_REFERENCE, MOTION_ROBUST, MotionConfig
from custom_components.vlm_guard.core.motion import MotionDetector
from tests.weather import COMBOS, Tick, empty_sequence, room_sequence, scene_sequence

MODES = (MOTION_REFERENCE, MOTION_ROBUST)
WARM_UP = 5
"""Ticks at the start of each sequence that are not counted."""


@dataclass
class Score:
    """Counts of one mode over some ticks."""

    benign: int = 0
    flagged: int = 0
    walkers: int = 0
    walkers_caught: int = 0
    walkers_located: int = 0
    people: int = 0
    caught: int = 0
    located: int = 0
    ticks: int = 0
    cpu: float = 0.0

    def add(self, other: Score) -> None:
        """Add another score's counts to this one."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def covered(crop: tuple[int, int, int, int] | None, truth: tuple[int, int, int, int]) -> float:
    """Return the share of the true box that the crop covers."""
    if crop is None:
        return 0.0
    x0, y0 = max(crop[0], truth[0]), max(crop[1], truth[1])
    x1 = min(crop[0] + crop[2], truth[0] + truth[2])
    y1 = min(crop[1] + crop[3], truth[1] + truth[3])
    return max(0, x1 - x0) * max(0, y1 - y0) / max(1, truth[2] * truth[3])


def run(ticks: list[Tick], *, walkers: bool) -> dict[str, Score]:
    """Run a fresh detector of each mode over one sequence and score them.

    With `walkers`, the people are the rendered walkers; otherwise the room's.
    """
    detectors = {mode: MotionDetector(MotionConfig(mode=mode)) for mode in MODES}
    scores = {mode: Score() for mode in MODES}
    clock = time.process_time
    for index, tick in enumerate(ticks):
        for mode, detector in detectors.items():
            score = scores[mode]
            started = clock()
            result = detector.detect(tick.frame)
            score.cpu += clock() - started
            score.ticks += 1
            if index < WARM_UP:
                continue
            if tick.benign:
                score.benign += 1
                score.flagged += result.motion
            if tick.person is None:
                continue
            located = covered(result.crop, tick.person) >= 0.5
            if walkers:
                score.walkers += 1
                score.walkers_caught += result.motion
                score.walkers_located += located
            else:
                score.people += 1
                score.caught += result.motion
                score.located += located
    return scores


def sequences(
    kind: str, level: str, seed: int, room_seconds: float
) -> Iterator[tuple[bool, list[Tick]]]:
    """Yield the sequences of one weather, one at a time (with walkers or not)."""
    yield True, scene_sequence(kind, level, seed=seed)
    yield False, empty_sequence(kind, level, seed=seed + 1)
    if room_seconds > 0:
        yield False, room_sequence(kind, level, seed=seed + 2, until=room_seconds)


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "—"


HEADER = (
    f"{'':<20}{'benign':>7} {'false motion %':>15} | {'walker':>6} {'caught %':>13}"
    f" {'located %':>13} | {'room':>5} {'caught %':>13} {'located %':>13}\n"
    f"{'weather':<20}{'ticks':>7} {'ref':>7} {'robust':>7} | {'ticks':>6} {'ref':>6}"
    f" {'robust':>6} {'ref':>6} {'robust':>6} | {'ticks':>5} {'ref':>6} {'robust':>6}"
    f" {'ref':>6} {'robust':>6}"
)


def row(name: str, ref: Score, new: Score) -> str:
    """Return one line of the table."""
    return (
        f"{name:<20}{new.benign:>7} {_pct(ref.flagged, ref.benign):>7}"
        f" {_pct(new.flagged, new.benign):>7} | {new.walkers:>6}"
        f" {_pct(ref.walkers_caught, ref.walkers):>6} {_pct(new.walkers_caught, new.walkers):>6}"
        f" {_pct(ref.walkers_located, ref.walkers):>6}"
        f" {_pct(new.walkers_located, new.walkers):>6} | {new.people:>5}"
        f" {_pct(ref.caught, ref.people):>6} {_pct(new.caught, new.people):>6}"
        f" {_pct(ref.located, ref.people):>6} {_pct(new.located, new.people):>6}"
    )


def main() -> None:
    """Make each weather once, run both modes over it, print the comparison."""
    parser = argparse.ArgumentParser(
        prog="scripts/bench_motion",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--room-seconds",
        type=float,
        default=139.0,
        help="seconds of the real room clip per weather, 0 for none (139: all of it)",
    )
    parser.add_argument(
        "--seed", type=int, default=11, help="weather seed (11; the tests use others)"
    )
    parser.add_argument("--only", help="only the weather kinds whose name contains this")
    args = parser.parse_args()

    started = time.monotonic()
    totals = {mode: Score() for mode in MODES}
    print(HEADER, flush=True)
    for kind, level in COMBOS:
        if args.only and args.only not in kind:
            continue
        scores = {mode: Score() for mode in MODES}
        for walkers, ticks in sequences(kind, level, args.seed, args.room_seconds):
            for mode, score in run(ticks, walkers=walkers).items():
                scores[mode].add(score)
        print(row(f"{kind} / {level}", scores[MOTION_REFERENCE], scores[MOTION_ROBUST]), flush=True)
        for mode in MODES:
            totals[mode].add(scores[mode])
    ref, new = totals[MOTION_REFERENCE], totals[MOTION_ROBUST]
    print(row("all", ref, new))
    ref_us, new_us = ref.cpu / ref.ticks * 1e6, new.cpu / new.ticks * 1e6
    print(
        f"CPU per tick (640x360 frames): reference {ref_us:.0f} µs, robust {new_us:.0f} µs,"
        f" robust/reference = {new_us / ref_us:.2f}"
        f" ({ref.ticks} ticks each, {time.monotonic() - started:.0f} s wall)"
    )


if __name__ == "__main__":
    main()
