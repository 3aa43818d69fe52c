"""Motion in bad weather: synthetic rain, snow, drops, insects, noise, compression and light.

The robust mode (the default) must let weather through on no more than 3 % of
the ticks where nothing happens, and find and locate a person walking through
it; the reference mode must stay the reference system's filter, which calls
snow motion on nearly every tick.
"""

from __future__ import annotations

from functools import cache
import math

import cv2
import numpy as np
import pytest

from custom_components.vlm_guard.core.defaults import MOTION_REFERENCE, MOTION_ROBUST, MotionConfig
from custom_components.vlm_guard.core.motion import MotionDetector, expand_box, merge_boxes
from custom_components.vlm_guard.core.settings import (
    CONF_MOTION,
    CONF_MOTION_MODE,
    CONF_RTSP_URL,
    MOTION_DEFAULTS,
    CameraSettings,
    camera_data,
    form_values,
    motion_config,
)
from custom_components.vlm_guard.core.zones import parse_zones

from .weather import COMBOS, Tick, empty_sequence, scene_sequence

WARM_UP = 5
"""Ticks the robust mode needs after a (re)connect: its backgrounds start from three frames."""
SEED = 1
"""The tests' weather; scripts/bench_motion runs others."""


@cache
def _garden(kind: str, level: str) -> tuple[Tick, ...]:
    return tuple(scene_sequence(kind, level, seed=SEED))


@cache
def _empty_room(kind: str, level: str) -> tuple[Tick, ...]:
    return tuple(empty_sequence(kind, level, seed=SEED + 1, ticks=36))


def _flagged(ticks: tuple[Tick, ...], mode: str) -> tuple[int, int]:
    """Return how many benign ticks after warm-up had motion, and how many there were."""
    detector = MotionDetector(MotionConfig(mode=mode))
    flagged = benign = 0
    for index, tick in enumerate(ticks):
        result = detector.detect(tick.frame)
        if index >= WARM_UP and tick.benign:
            benign += 1
            flagged += result.motion
    return flagged, benign


def _covered(crop: tuple[int, int, int, int] | None, truth: tuple[int, int, int, int]) -> float:
    """Return the share of the true box inside the crop."""
    if crop is None:
        return 0.0
    width = min(crop[0] + crop[2], truth[0] + truth[2]) - max(crop[0], truth[0])
    height = min(crop[1] + crop[3], truth[1] + truth[3]) - max(crop[1], truth[1])
    return max(0, width) * max(0, height) / (truth[2] * truth[3])


@pytest.mark.parametrize(("kind", "level"), COMBOS)
def test_weather_alone_is_rarely_motion(kind: str, level: str) -> None:
    """Over an empty garden and an empty room, at most 3 % of the ticks are motion."""
    garden, room = (
        _flagged(_garden(kind, level), MOTION_ROBUST),
        _flagged(_empty_room(kind, level), MOTION_ROBUST),
    )
    flagged, benign = garden[0] + room[0], garden[1] + room[1]
    assert benign >= 60
    assert flagged <= 0.03 * benign, (flagged, benign)


@pytest.mark.parametrize(
    ("kind", "level"),
    [("snow", "day"), ("rain", "day"), ("drizzle", "day"), ("compression", "night")],
)
def test_reference_mode_calls_weather_motion(kind: str, level: str) -> None:
    """The problem is real: the reference filter sees motion on most of these ticks."""
    flagged, benign = _flagged(_empty_room(kind, level), MOTION_REFERENCE)
    assert flagged >= 0.5 * benign, (flagged, benign)


@pytest.mark.parametrize(
    ("kind", "level"),
    [("rain", "day"), ("rain", "night"), ("snow", "day"), ("snow", "night"), ("noise", "night")],
)
def test_walkers_are_found_and_located(kind: str, level: str) -> None:
    """Every tick a person is in view, the crop covers at least half of them.

    One tick may go when a far person first shows against a wall of their own
    colour, cut in two small parts that look like weather: from their next tick on
    they are found.
    """
    detector = MotionDetector()
    missed = []
    in_view = 0
    for index, tick in enumerate(_garden(kind, level)):
        result = detector.detect(tick.frame)
        if index < WARM_UP or tick.person is None:
            continue
        in_view += 1
        if not result.motion or _covered(result.crop, tick.person) < 0.5:
            missed.append((index, tick.entering))
    assert in_view >= 25
    assert all(entering for _, entering in missed), missed
    assert len(missed) <= 1, missed


@pytest.mark.parametrize("level", ["day", "night"])
def test_slow_light_change_is_not_motion(level: str) -> None:
    """Dusk (or the IR light's gain) and a cloud's shadow drifting over an empty scene."""
    assert _flagged(_garden("light", level), MOTION_ROBUST)[0] == 0
    assert _flagged(_empty_room("light", level), MOTION_ROBUST)[0] == 0


def test_brightness_steps_are_not_motion() -> None:
    """The whole picture brightening 15 % a tick (exposure, clouds) moves nothing."""
    detector = MotionDetector()
    base = np.asarray(_garden("noise", "day")[0].frame, np.float32)
    for step in range(12):
        frame = np.clip(base * (0.5 + 0.15 * (step % 6)), 0, 255).astype(np.uint8)
        assert not detector.detect(frame).motion, step


def test_first_two_frames_show_a_walker() -> None:
    """The zone editor's preview: a fresh detector, two frames a second apart."""
    ticks = _garden("noise", "day")
    # The brisk walker along the driveway, a second apart.
    first, second = ticks[15], ticks[16]
    assert first.person is not None
    assert second.person is not None
    detector = MotionDetector()
    assert not detector.detect(first.frame).motion
    result = detector.detect(second.frame)
    assert result.motion
    assert _covered(result.crop, second.person) >= 0.5


def test_reset_starts_the_warm_up_again() -> None:
    detector = MotionDetector()
    ticks = _garden("snow", "night")
    for tick in ticks[:10]:
        detector.detect(tick.frame)
    detector.reset()
    assert not detector.detect(ticks[10].frame).motion


def test_zones_apply_in_the_robust_mode() -> None:
    ticks = _garden("rain", "day")
    # Exclude the whole picture: nothing can move.
    zones = parse_zones(
        [{"name": "all", "type": "exclude", "points": [[0, 0], [1, 0], [1, 1], [0, 1]]}]
    )
    detector = MotionDetector(zones=zones)
    assert not any(detector.detect(tick.frame).motion for tick in ticks[:20])


# The reference system's filter, verbatim (before the robust mode existed): the
# reference mode must give exactly its boxes and crops.


def _seed_detect(previous: np.ndarray | None, frame: np.ndarray, cfg: MotionConfig) -> tuple:
    height, width = frame.shape[:2]
    scale = cfg.work_width / width if width > cfg.work_width else 1.0
    work = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.uint8, copy=False)
    if scale != 1.0:
        work = cv2.resize(
            work, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
        ).astype(np.uint8, copy=False)
    if previous is None or previous.shape != work.shape:
        return work, [], None
    diff = cv2.absdiff(previous, work)
    _, mask = cv2.threshold(diff, cfg.threshold, 255, cv2.THRESH_BINARY)
    mask = cv2.dilate(mask, None, iterations=cfg.dilate_iterations)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    max_area = cfg.max_area_ratio * work.shape[0] * work.shape[1]
    boxes = [
        tuple(int(v) for v in cv2.boundingRect(contour))
        for contour in contours
        if cfg.min_area <= cv2.contourArea(contour) <= max_area
    ]
    merged = merge_boxes(boxes, cfg.merge_distance)
    if not merged:
        return work, [], None
    fx, fy = width / work.shape[1], height / work.shape[0]
    source = []
    for x, y, w, h in merged:
        x0, y0 = max(0, math.floor(x * fx)), max(0, math.floor(y * fy))
        x1, y1 = min(width, math.ceil((x + w) * fx)), min(height, math.ceil((y + h) * fy))
        source.append((x0, y0, x1 - x0, y1 - y0))
    largest = max(source, key=lambda box: box[2] * box[3])
    return work, source, expand_box(largest, cfg.crop_margin, width, height)


@pytest.mark.parametrize(("kind", "level"), [("snow", "day"), ("rain", "night"), ("light", "day")])
def test_reference_mode_is_the_reference_filter(kind: str, level: str) -> None:
    cfg = MotionConfig(mode=MOTION_REFERENCE)
    detector = MotionDetector(cfg)
    previous = None
    for tick in _garden(kind, level)[:30]:
        # A 4K-like frame too, so that shrinking and scaling back are compared.
        frame = cv2.resize(tick.frame, (1280, 720)) if tick.person else tick.frame
        previous, boxes, crop = _seed_detect(previous, frame, cfg)
        result = detector.detect(frame)
        assert result.boxes == boxes
        assert result.crop == crop


def test_mode_setting() -> None:
    """The filter is chosen per camera; the reference one is kept when chosen."""
    assert MotionConfig().mode == MOTION_ROBUST
    assert motion_config(None).mode == MOTION_ROBUST
    assert motion_config({CONF_MOTION_MODE: MOTION_REFERENCE}).mode == MOTION_REFERENCE
    assert motion_config({CONF_MOTION_MODE: "bogus"}).mode == MOTION_ROBUST
    form = {CONF_RTSP_URL: "rtsp://cam/s", CONF_MOTION: {CONF_MOTION_MODE: MOTION_REFERENCE}}
    stored = camera_data(form, has_audio=False)
    assert stored[CONF_MOTION] == {**MOTION_DEFAULTS, CONF_MOTION_MODE: MOTION_REFERENCE}
    assert CameraSettings.from_data(stored).motion.mode == MOTION_REFERENCE
    assert form_values(stored)[CONF_MOTION][CONF_MOTION_MODE] == MOTION_REFERENCE
    # The default is not stored: cameras that keep it follow it.
    form[CONF_MOTION] = {CONF_MOTION_MODE: MOTION_ROBUST}
    assert camera_data(form, has_audio=False)[CONF_MOTION] == MOTION_DEFAULTS
