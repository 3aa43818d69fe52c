"""Motion pre-filter: frame difference, zone mask, contours, merged boxes, crop."""

from __future__ import annotations

from dataclasses import dataclass, field
import math

import cv2
import numpy as np
from numpy.typing import NDArray

from .defaults import MOTION_REFERENCE, MotionConfig
from .motion_robust import ROBUST_SHRINK, RobustChange
from .zones import Zone, ZoneMask

type Image = NDArray[np.uint8]
type Box = tuple[int, int, int, int]
"""A rectangle as (x, y, width, height) in pixels."""


@dataclass(frozen=True, slots=True)
class MotionResult:
    """What changed since the previous analysed frame, in source pixels."""

    boxes: list[Box] = field(default_factory=list)
    crop: Box | None = None

    @property
    def motion(self) -> bool:
        """Return True when at least one region changed."""
        return bool(self.boxes)


class MotionDetector:
    """Find what moved in each analysed frame; not thread-safe.

    The reference mode compares each frame with the previous one only, as the
    reference system did; the robust mode (the default) also keeps background
    models and filters out weather (motion_robust.py, motion_shapes.py).
    """

    def __init__(self, config: MotionConfig | None = None, zones: list[Zone] | None = None) -> None:
        """Start with no reference frame."""
        self.config = config or MotionConfig()
        self.zones = ZoneMask(zones or [])
        self._previous: Image | None = None
        self._robust = RobustChange(self.config) if self.config.mode != MOTION_REFERENCE else None

    def set_zones(self, zones: list[Zone]) -> None:
        """Use new zones from the next frame on."""
        self.zones = ZoneMask(zones)

    def reset(self) -> None:
        """Forget the reference frame and background (after a reconnect, for example)."""
        self._previous = None
        if self._robust is not None:
            self._robust.reset()

    def detect(self, frame: Image, target_size: tuple[int, int] | None = None) -> MotionResult:
        """Return the merged changed regions of a BGR frame and the crop to judge.

        Boxes and crop are in pixels of `target_size` (width, height) when given,
        for example the main stream while motion is found on a substream.
        """
        cfg = self.config
        height, width = frame.shape[:2]
        out_size = target_size or (width, height)
        if self._robust is not None:
            small = _grey(frame, max(1, cfg.work_width // ROBUST_SHRINK))
            regions = self._robust.regions(small, self._zone_mask(small))
            fresh = [region.box for region in regions if not region.ghost]
            return _result(
                [region.box for region in regions],
                fresh,
                small.shape,
                out_size,
                cfg.merge_distance / ROBUST_SHRINK,
                cfg.crop_margin,
            )
        work = _grey(frame, cfg.work_width)
        previous, self._previous = self._previous, work
        if previous is None or previous.shape != work.shape:
            return MotionResult()

        diff = cv2.absdiff(previous, work)
        _, mask = cv2.threshold(diff, cfg.threshold, 255, cv2.THRESH_BINARY)
        mask = cv2.dilate(mask, None, iterations=cfg.dilate_iterations)  # type: ignore[call-overload]
        if (zone_mask := self._zone_mask(work)) is not None:
            # Excluded motion is removed before contours exist, so it never forms one.
            mask = cv2.bitwise_and(mask, zone_mask)
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        max_area = cfg.max_area_ratio * work.shape[0] * work.shape[1]
        boxes: list[Box] = [
            _box(cv2.boundingRect(contour))
            for contour in contours
            if cfg.min_area <= cv2.contourArea(contour) <= max_area
        ]
        return _result(boxes, boxes, work.shape, out_size, cfg.merge_distance, cfg.crop_margin)

    def _zone_mask(self, work: Image) -> Image | None:
        return self.zones.mask(work.shape[1], work.shape[0])


def _grey(frame: Image, max_width: int) -> Image:
    """Return a frame in grey levels, shrunk to `max_width` when it is wider."""
    height, width = frame.shape[:2]
    grey: Image = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY).astype(np.uint8, copy=False)
    if width <= max_width:
        return grey
    scale = max_width / width
    return cv2.resize(
        grey, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
    ).astype(np.uint8, copy=False)


def _result(
    boxes: list[Box],
    fresh: list[Box],
    work_shape: tuple[int, ...],
    out_size: tuple[int, int],
    merge_distance: float,
    crop_margin: float,
) -> MotionResult:
    """Merge boxes, scale them to the output size and pick the crop.

    The crop is the largest merged region holding a `fresh` box (where
    something is now, rather than where it was), or the largest one.
    """
    merged = merge_boxes(boxes, merge_distance)
    if not merged:
        return MotionResult()
    out_width, out_height = out_size
    factors = (out_width / work_shape[1], out_height / work_shape[0])
    source_boxes = [_scale_box(box, factors, out_width, out_height) for box in merged]
    now = [
        source
        for box, source in zip(merged, source_boxes, strict=True)
        if any(_gap(box, inner) == 0 for inner in fresh)
    ]
    largest = max(now or source_boxes, key=lambda box: box[2] * box[3])
    return MotionResult(
        boxes=source_boxes,
        crop=expand_box(largest, crop_margin, out_width, out_height),
    )


def _box(rect: cv2.typing.Rect) -> Box:
    x, y, w, h = rect
    return int(x), int(y), int(w), int(h)


def _gap(a: Box, b: Box) -> float:
    """Return the shortest distance between two rectangles (0 when they touch)."""
    dx = max(0, max(a[0], b[0]) - min(a[0] + a[2], b[0] + b[2]))
    dy = max(0, max(a[1], b[1]) - min(a[1] + a[3], b[1] + b[3]))
    return math.hypot(dx, dy)


def _union(a: Box, b: Box) -> Box:
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1 = max(a[0] + a[2], b[0] + b[2])
    y1 = max(a[1] + a[3], b[1] + b[3])
    return x0, y0, x1 - x0, y1 - y0


def merge_boxes(boxes: list[Box], distance: float) -> list[Box]:
    """Merge boxes closer than `distance` until no two are that close."""
    merged = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                if _gap(merged[i], merged[j]) < distance:
                    merged[i] = _union(merged[i], merged.pop(j))
                    changed = True
                    break
            if changed:
                break
    return sorted(merged, key=lambda box: box[2] * box[3], reverse=True)


def _scale_box(box: Box, factors: tuple[float, float], width: int, height: int) -> Box:
    fx, fy = factors
    x0 = max(0, math.floor(box[0] * fx))
    y0 = max(0, math.floor(box[1] * fy))
    x1 = min(width, math.ceil((box[0] + box[2]) * fx))
    y1 = min(height, math.ceil((box[1] + box[3]) * fy))
    return x0, y0, x1 - x0, y1 - y0


def expand_box(box: Box, margin: float, width: int, height: int) -> Box:
    """Grow a box by a fraction of its size on every side, clamped to the frame."""
    x, y, w, h = box
    dx, dy = round(w * margin), round(h * margin)
    x0, y0 = max(0, x - dx), max(0, y - dy)
    x1, y1 = min(width, x + w + dx), min(height, y + h + dy)
    return x0, y0, x1 - x0, y1 - y0


def crop(frame: Image, box: Box) -> Image:
    """Return the part of a frame inside a box."""
    x, y, w, h = box
    return frame[y : y + h, x : x + w]
