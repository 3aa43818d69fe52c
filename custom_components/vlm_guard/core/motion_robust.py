"""Robust motion: change that holds against background models and is not shaped like weather.

Per tick, on a grey picture half the motion work width (its noise averaged
away, each step a quarter of the cost):

1. The whole picture's brightness change (dusk, exposure) is measured and the
   history is scaled to it, so only local change is left.
2. A pixel changed when it differs from the last frame by more than the
   threshold: the configured one (25), smaller in a dark picture, never below
   a few times this tick's grain.
3. Regions are where the frame differs from a background that learns what
   holds still (not what moves, nor what is followed), that moved since the
   last tick, and that do not look like the slow background, the scene as it
   was a while ago (where they do, something left: a drop ran off the lens).
   Thin specks are opened away.
4. Each region must be big enough (more so when many specks show weather),
   changed substantially since the last tick (something already followed may
   barely move, for a while), and not be shaped like weather (motion_shapes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np

from .defaults import MotionConfig
from .motion_shapes import PARTICLE, SQUARE, STREAK, Blob, bodies, gap, looks_left, weather_shape

type Image = cv2.typing.MatLike
type Box = tuple[int, int, int, int]

ROBUST_SHRINK: Final = 2
"""The robust mode works at the motion work width divided by this."""
FIRST_FRAMES: Final = 3
"""The first background is the middle value of this many frames."""
GAIN_STEP: Final = 0.02
"""A whole-picture brightness change smaller than this share is not corrected."""
DARK_MEAN: Final = 100.0
"""Pictures darker than this mean grey level get a smaller threshold."""
SCENE_DRIFT: Final = 0.01
"""How fast the slow background takes on what does not agree with it."""
MIN_MOVING: Final = 3
"""Pixels of a region that must have changed since the last tick."""
NEW_SHARE: Final = 0.1
"""Share of a new region that must have changed since the last tick."""
CLUTTER_BLOBS: Final = 20
"""This many separate changes at once is weather: small regions count for nothing."""
BUSY_BLOBS: Final = 12
"""With more separate changes than this, specks are dropped before outlines are traced."""
FOLLOW_SHARE: Final = 0.4
"""A weather-sized region kept near a body must be at least this share of its size."""
FOLLOW_REACH: Final = 0.75
"""... and no further from it than this share of its length, per tick since."""


@dataclass(frozen=True, slots=True)
class Region:
    """A changed region in analysis pixels."""

    box: Box
    ghost: bool
    """It looks like where something was rather than where something is."""
    area: float
    confirmed: bool
    """Shaped like a body on its own, not only kept because a body was found near it."""
    quiet: int
    """Ticks in a row it was followed while barely moving."""


class RobustChange:
    """Find what really changed from tick to tick; keeps the backgrounds of one camera."""

    def __init__(self, config: MotionConfig) -> None:
        """Start without history."""
        self.config = config
        self._previous: Image | None = None
        self._background = np.zeros((0, 0), np.float32)
        self._scene = np.zeros((0, 0), np.float32)
        self._first: list[Image] = []
        self._followed: list[tuple[Box, int]] = []
        self._bodies: list[tuple[Box, float, int]] = []

    def reset(self) -> None:
        """Forget the history (after a reconnect, for example)."""
        self._previous = None
        self._first = []
        self._followed = []
        self._bodies = []

    def regions(self, small: Image, zone_mask: Image | None) -> list[Region]:
        """Return the regions that really changed in `small` (analysis pixels, unmerged)."""
        smooth: Image = cv2.blur(small, (3, 3))
        previous, self._previous = self._previous, smooth
        if previous is None or previous.shape != smooth.shape:
            self._background = smooth.astype(np.float32)
            self._scene = smooth.astype(np.float32)
            self._first = [smooth]
            return []
        if len(self._first) < FIRST_FRAMES:
            self._first.append(smooth)
            if len(self._first) == FIRST_FRAMES:
                # Whatever passed through one of the first frames (a flake, a
                # streak, someone walking) is not in their middle value.
                a, b, c = self._first
                middle = cv2.max(cv2.min(a, b), cv2.min(cv2.max(a, b), c))
                self._background = middle.astype(np.float32)
                self._scene = middle.astype(np.float32)
        gain, brightness = _gain(previous, smooth)
        if gain != 1.0:
            # The whole picture brightened or darkened (dusk, the camera's exposure):
            # the history follows, so that only what changed locally remains.
            previous = cv2.convertScaleAbs(previous, alpha=gain)
            self._background *= gain
            self._scene *= gain
        tuning = self.config.weather
        # Dark pictures have small contrasts: the threshold shrinks with the light,
        # but never below a few times the grain of this picture.
        threshold = max(
            self.config.threshold * min(1.0, max(tuning.dark_floor, brightness / DARK_MEAN)),
            tuning.noise_sigmas * _noise_sigma(smooth, previous),
        )
        _, moved_all = cv2.threshold(
            cv2.absdiff(smooth, previous), threshold, 255, cv2.THRESH_BINARY
        )
        moved = moved_all if zone_mask is None else cv2.bitwise_and(moved_all, zone_mask)
        # Where the picture differs from the scene as it was a while ago.
        _, unlike_scene = cv2.threshold(
            cv2.absdiff(smooth, cv2.convertScaleAbs(self._scene)),
            threshold,
            255,
            cv2.THRESH_BINARY,
        )
        found: list[Region] = []
        if cv2.countNonZero(moved):
            found = self._find(smooth, previous, moved, unlike_scene, zone_mask, threshold)
        self._remember(found)
        # The backgrounds learn what holds still; what moves (weather, people) and
        # what is followed stay out of them.
        keep_out = moved_all
        if self._followed:
            keep_out = moved_all.copy()
            for (x, y, w, h), _ in self._followed:
                keep_out[y : y + h, x : x + w] = 255
        learn = cv2.bitwise_not(keep_out)
        cv2.accumulateWeighted(smooth, self._background, tuning.background_rate, learn)
        # The scene learns what agrees with it and drifts only slowly towards what
        # does not: someone standing still for minutes does not become the scene.
        unlike = cv2.bitwise_and(learn, unlike_scene)
        cv2.accumulateWeighted(
            smooth, self._scene, tuning.scene_rate, cv2.bitwise_xor(learn, unlike)
        )
        cv2.accumulateWeighted(smooth, self._scene, SCENE_DRIFT, unlike)
        return found

    def _remember(self, found: list[Region]) -> None:
        """Keep what is there now (not where something was), to follow it next tick."""
        self._followed = [(region.box, region.quiet) for region in found if not region.ghost]
        # Bodies found on their own merits are remembered for a few ticks.
        self._bodies = [
            (region.box, region.area, 1)
            for region in found
            if region.confirmed and not region.ghost
        ] + [
            (box, area, age + 1)
            for box, area, age in self._bodies
            if age < self.config.weather.follow_ticks
        ]

    def _find(
        self,
        smooth: Image,
        previous: Image,
        moved: Image,
        unlike_scene: Image,
        zone_mask: Image | None,
        threshold: float,
    ) -> list[Region]:
        cfg = self.config
        background = cv2.convertScaleAbs(self._background)
        _, changed = cv2.threshold(
            cv2.absdiff(smooth, background), threshold, 255, cv2.THRESH_BINARY
        )
        # Opening removes what is thinner than 3 px here (6 px at the work width):
        # grain, thin rain, small flakes, compression edges. Where the picture looks
        # like the scene a while ago, something left: nothing is there now.
        changed = cv2.morphologyEx(changed, cv2.MORPH_OPEN, SQUARE)
        changed = cv2.bitwise_and(changed, cv2.dilate(unlike_scene, SQUARE, iterations=2))
        if zone_mask is not None:
            changed = cv2.bitwise_and(changed, zone_mask)
        grown = cv2.dilate(changed, SQUARE)
        count, labels = cv2.connectedComponents(grown)
        scale = 1 / ROBUST_SHRINK**2
        min_area = cfg.min_area * scale
        if count - 1 >= CLUTTER_BLOBS:
            min_area = max(min_area, cfg.weather.particle_area * scale)
        if count - 1 > BUSY_BLOBS:
            # Specks are dropped by their pixel count before their outlines are traced.
            big = np.bincount(labels.ravel(), minlength=count) >= 0.8 * min_area
            big[0] = False
            grown = np.where(big[labels], np.uint8(255), np.uint8(0))
        contours, _ = cv2.findContours(grown, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        max_area = cfg.max_area_ratio * smooth.shape[0] * smooth.shape[1]
        found: list[Region] = []
        parts: list[Blob] = []
        for contour in contours:
            x, y, w, h = (int(v) for v in cv2.boundingRect(contour))
            area = cv2.contourArea(contour)
            if w * h < min_area or not min_area <= area <= max_area:
                continue
            blob = Blob((x, y, w, h), area / scale, contour)
            moving = cv2.countNonZero(moved[blob.window])
            quiet = self._quiet(blob, moving, area)
            if quiet is None:
                continue
            shape = weather_shape(blob, smooth, background, changed, cfg.weather)
            if shape == STREAK:
                continue
            if shape == PARTICLE and not self._near_body(blob):
                # Small or round enough to be weather: kept aside, in case it is
                # part of a body (see motion_shapes.bodies).
                parts.append(blob)
                continue
            ghost = looks_left(smooth, previous, blob.window)
            found.append(Region(blob.box, ghost, blob.area, shape is None, quiet))
        for body in bodies(parts, smooth, background, changed):
            ghost = looks_left(smooth, previous, body.window)
            found.append(Region(body.box, ghost, body.area, confirmed=True, quiet=0))
        return found

    def _quiet(self, blob: Blob, moving: int, area: float) -> int | None:
        """Return for how many ticks a region barely moved, or None when it does not count.

        New motion must be substantial; something already followed may barely
        move (a person standing and talking), for a while.
        """
        if moving < MIN_MOVING:
            return None
        if moving >= NEW_SHARE * area:
            return 0
        followed = [quiet for box, quiet in self._followed if gap(blob.box, box) == 0]
        if not followed or min(followed) >= self.config.weather.quiet_ticks:
            return None
        return min(followed) + 1

    def _near_body(self, blob: Blob) -> bool:
        """Return True when a body was found by this region in the last ticks."""
        return any(
            gap(blob.box, box) <= FOLLOW_REACH * age * max(box[2], box[3])
            and blob.area >= FOLLOW_SHARE * area
            for box, area, age in self._bodies
        )


def _noise_sigma(current: Image, previous: Image) -> float:
    """Return the grain of the difference between two frames.

    Light that changes over a whole area (dusk, a cloud's shadow) is smooth,
    so it is taken out first; what is left is measured robustly (most pixels
    did not change), on every other pixel.
    """
    now = np.ascontiguousarray(current[::2, ::2])
    before = np.ascontiguousarray(previous[::2, ::2])
    signed = cv2.subtract(now, before, dtype=cv2.CV_16S)
    grain = np.abs(cv2.subtract(signed, cv2.blur(signed, (5, 5)))).ravel()
    middle = grain.size // 2
    return float(np.partition(grain, middle)[middle]) * 1.4826


def _gain(reference: Image, current: Image) -> tuple[float, float]:
    """Return how much brighter the whole current frame is, and its mean brightness.

    Medians are compared, so that someone walking in does not count.
    """
    ref_mean, cur_mean = cv2.mean(reference)[0], cv2.mean(current)[0]
    if abs(cur_mean - ref_mean) < max(GAIN_STEP * ref_mean, 1.0):
        return 1.0, cur_mean
    ref = np.ascontiguousarray(reference[::4, ::4]).ravel()
    cur = np.ascontiguousarray(current[::4, ::4]).ravel()
    middle = ref.size // 2
    ref_median = float(np.partition(ref, middle)[middle])
    cur_median = float(np.partition(cur, middle)[middle])
    if ref_median < 4:
        return 1.0, cur_mean
    return cur_median / ref_median, cur_mean
