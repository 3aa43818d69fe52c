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
