"""Motion pre-filter on real footage and on synthetic scenes built to probe each rule."""

from __future__ import annotations

from collections.abc import Iterator

import av
import cv2
import numpy as np
import pytest

from custom_components.vlm_guard.core.motion import (
    MotionConfig,
    MotionDetector,
    expand_box,
    merge_boxes,
)
from custom_components.vlm_guard.core.pipeline import Analyzer
from custom_components.vlm_guard.core.settings import (
    CONF_CROP_MARGIN_PERCENT,
    CONF_DILATE,
    CONF_MAX_AREA_PERCENT,
    CONF_MERGE_DISTANCE,
    CONF_MIN_AREA,
    CONF_RTSP_URL,
    CONF_THRESHOLD,
    CONF_WORK_WIDTH,
    MOTION_DEFAULTS,
    CameraSettings,
    motion_config,
)

from .conftest import PERSON_CLIP
from .harness.rtsp import footage


def _ticks(path: str, every: float) -> Iterator[tuple[float, av.VideoFrame]]:
    """Yield one frame per `every` seconds of a video file."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        next_time = 0.0
        for frame in container.decode(stream):
            t = float(frame.pts * stream.time_base)
            if t + 1e-6 >= next_time:
                next_time += every
                yield t, frame


def test_real_footage_empty_room_then_people() -> None:
    analyzer = Analyzer(fallback_interval=0)
    results = {
        round(t): analyzer.tick(frame, t)
        for t, frame in _ticks(str(footage(PERSON_CLIP)), 1.0)
        if t < 30
    }
    # The room is empty for the first ~5 s and around 22 s.
    for second in (1, 2, 3, 4, 5, 22):
        assert not results[second].motion, second
    moving = [second for second in range(6, 21) if results[second].motion]
    assert len(moving) >= 13
    for second in moving:
        result = results[second]
        assert result.image_jpeg is not None
        assert result.reason == "motion"
        assert _inside(result.crop_box, (0, 0, 768, 432))
        assert result.crop_box[2] * result.crop_box[3] < 768 * 432


def _inside(inner: tuple[int, int, int, int], outer: tuple[int, int, int, int]) -> bool:
    """Return True when a box lies within another (edges may touch)."""
    x, y, w, h = inner
    ox, oy, ow, oh = outer
    return ox <= x and oy <= y and x + w <= ox + ow and y + h <= oy + oh


def _frame(width: int = 1280, height: int = 720, value: int = 90) -> np.ndarray:
    return np.full((height, width, 3), value, np.uint8)


def test_static_scene_and_sensor_noise_are_not_motion() -> None:
    rng = np.random.default_rng(1)
    detector = MotionDetector()
    base = _frame()
    assert not detector.detect(base).motion  # first frame: nothing to compare with
    for _ in range(5):
        noisy = np.clip(base.astype(np.int16) + rng.integers(-12, 13, base.shape), 0, 255)
        assert not detector.detect(noisy.astype(np.uint8)).motion


def test_slow_brightness_ramp_is_not_motion() -> None:
    detector = MotionDetector()
    for value in range(60, 160, 10):
        assert not detector.detect(_frame(value=value)).motion


def test_particles_below_min_area_are_ignored() -> None:
    detector = MotionDetector()
    detector.detect(_frame())
    frame = _frame()
    # 2x2 px specks in source pixels: after scaling and dilation still < 150 px².
    for x, y in [(100, 100), (400, 300), (900, 600)]:
        frame[y : y + 2, x : x + 2] = 255
    assert not detector.detect(frame).motion


def test_whole_frame_change_is_not_a_region() -> None:
    """A change covering more than 40 % of the frame (lights on) has no contour to judge."""
    detector = MotionDetector()
    detector.detect(_frame(value=30))
    assert not detector.detect(_frame(value=200)).motion


def test_moving_object_is_boxed_in_source_pixels() -> None:
    detector = MotionDetector()
    width, height = 3840, 2160
    frame = _frame(width, height)
    detector.detect(frame)
    moved = frame.copy()
    cv2.rectangle(moved, (1000, 800), (1400, 1500), (250, 250, 250), -1)
    result = detector.detect(moved)
    assert result.motion
    (box,) = result.boxes
    # Source-resolution box around the object (dilation adds a few pixels).
    assert _inside((1000, 800, 400, 700), box)
    assert _inside(box, (960, 760, 480, 780))
    assert _inside(box, result.crop)
    assert result.crop != box


def test_nearby_regions_merge_and_far_ones_do_not() -> None:
    detector = MotionDetector()
    frame = _frame(640, 360)
    detector.detect(frame)
    moved = frame.copy()
    cv2.rectangle(moved, (100, 100), (130, 140), (250, 250, 250), -1)
    cv2.rectangle(moved, (150, 100), (180, 140), (250, 250, 250), -1)  # 20 px away: merged
    cv2.rectangle(moved, (500, 250), (540, 300), (250, 250, 250), -1)  # far away: separate
    result = detector.detect(moved)
    assert len(result.boxes) == 2
    assert detector.detect(moved).boxes == []  # nothing changed since


def test_merge_boxes_transitively() -> None:
    boxes = [(0, 0, 10, 10), (40, 0, 10, 10), (80, 0, 10, 10), (300, 300, 5, 5)]
    assert merge_boxes(boxes, 50) == [(0, 0, 90, 10), (300, 300, 5, 5)]


@pytest.mark.parametrize(
    ("box", "expected"),
    [((10, 10, 100, 100), (0, 0, 125, 125)), ((600, 300, 40, 60), (594, 291, 46, 69))],
)
def test_crop_margin_is_clamped_to_the_frame(box: tuple, expected: tuple) -> None:
    assert expand_box(box, 0.15, 640, 360) == expected


def test_reset_forgets_the_reference_frame() -> None:
    detector = MotionDetector(MotionConfig())
    detector.detect(_frame(value=30))
    detector.reset()
    frame = _frame(value=30)
    cv2.rectangle(frame, (100, 100), (300, 300), (250, 250, 250), -1)
    assert not detector.detect(frame).motion


def test_defaults_are_the_reference_systems_numbers() -> None:
    """The reference system's tuning, written out: a change here must be deliberate."""
    config = MotionConfig()
    assert config.threshold == 25
    assert config.dilate_iterations == 3
    assert config.work_width == 640
    assert config.min_area == 150
    assert config.max_area_ratio == pytest.approx(0.40)
    assert config.merge_distance == 50
    # What a new camera's form shows and what a camera without motion settings gets.
    assert {
        CONF_THRESHOLD: 25,
        CONF_DILATE: 3,
        CONF_WORK_WIDTH: 640,
        CONF_MIN_AREA: 150,
        CONF_MAX_AREA_PERCENT: pytest.approx(40),
        CONF_MERGE_DISTANCE: 50,
        CONF_CROP_MARGIN_PERCENT: pytest.approx(15),
    } == MOTION_DEFAULTS
    assert motion_config(None) == config
    assert CameraSettings.from_data({CONF_RTSP_URL: "rtsp://127.0.0.1/s"}).motion == config
    assert MotionDetector().config == config


def _textured_background(width: int = 1280, height: int = 720) -> np.ndarray:
    """A dim wall with a gradient and fine grain, as a camera sees it."""
    rng = np.random.default_rng(7)
    ramp = np.linspace(70, 110, width, dtype=np.float32)[None, :].repeat(height, axis=0)
    grain = rng.normal(0, 2.0, (height, width)).astype(np.float32)
    gray = np.clip(ramp + grain, 0, 255).astype(np.uint8)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def _with_mover(background: np.ndarray, box: tuple[int, int, int, int], delta: int) -> np.ndarray:
    """Return the background with a person-sized patch `delta` grey levels off it."""
    x, y, w, h = box
    frame = background.copy()
    patch = frame[y : y + h, x : x + w].astype(np.int16) + delta
    frame[y : y + h, x : x + w] = np.clip(patch, 0, 255).astype(np.uint8)
    return frame


def _overlaps(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


@pytest.mark.parametrize("delta", [30, -35, 40, -50])
def test_low_contrast_mover_is_found_where_it_is(delta: int) -> None:
    """A dark coat against a dim wall differs by only 30-50 grey levels: still motion."""
    background = _textured_background()
    detector = MotionDetector()
    start = (200, 300, 70, 170)
    detector.detect(_with_mover(background, start, delta))
    moved = (520, 310, 70, 170)
    result = detector.detect(_with_mover(background, moved, delta))
    assert result.motion, delta
    assert any(_overlaps(box, moved) for box in result.boxes), result.boxes
    assert result.crop is not None
    assert _overlaps(result.crop, moved)
    # The boxes stay around the two positions of the mover, not the whole frame.
    for box in result.boxes:
        assert box[2] * box[3] < 0.1 * 1280 * 720


@pytest.mark.parametrize(("delta", "motion"), [(25, False), (26, True)])
def test_threshold_is_exactly_25_grey_levels(delta: int, motion: bool) -> None:
    """A pixel counts as changed only when it differs by more than 25 levels."""
    detector = MotionDetector()
    frame = _frame(640, 360, value=100)
    detector.detect(frame)
    changed = frame.copy()
    changed[100:160, 200:240] = 100 + delta
    assert detector.detect(changed).motion is motion
