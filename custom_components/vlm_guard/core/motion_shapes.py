"""Shapes of weather: which changed regions are flakes, drops, insects or rain, not bodies.

Everything near the lens is out of focus and adds light (or, once gone, takes
it away) without changing what is behind it: a flake or a drop is a small or
round blob that only got brighter, rain and an insect's flight are long thin
streaks of added light. A person changes the picture in both directions, is
upright and larger. These tests look at one region at a time, in the robust
mode's analysis pixels (half the work width).
"""

from __future__ import annotations

from dataclasses import dataclass
import itertools
import math
from typing import Final

import cv2
import numpy as np

from .defaults import WeatherFilter

type Image = cv2.typing.MatLike
type Box = tuple[int, int, int, int]
type Window = tuple[slice, slice]

SQUARE: Final = np.ones((3, 3), np.uint8)
"""The 3x3 neighbourhood of morphology."""
PARTICLE: Final = "particle"
STREAK: Final = "streak"

ONE_SIDED: Final = 0.85
"""Share of a region's pixels that brightened (or darkened) for light added (or taken)."""
ROUND_ASPECT: Final = 2.2
"""A region whose box sides are closer than this ratio is round."""
STREAK_OUTLINE: Final = 4.0
"""An outline this many times longer than wide is a streak."""
STREAK_MAX_AREA: Final = 4000.0
"""Regions larger than this (pixels² at the work width) are never a streak."""
PART_GAP: Final = 2
"""Weather-shaped parts this close (analysis pixels) may be one body."""
BODY_ASPECT: Final = 2.0
"""Parts that make up a body stand at least this many times taller than wide."""
UPRIGHT_TILT: Final = 25.0
"""A region leaning further than this (degrees) from upright is not someone walking."""
UPRIGHT_ELONGATION: Final = 1.5
"""... when it is at least this many times longer than wide (else it has no direction)."""
GHOST_EDGES: Final = 0.8
"""A region with less than this share of the edges it had before is where something was."""


@dataclass(frozen=True, slots=True)
class Blob:
    """One changed region: its box (analysis pixels), area (work pixels²) and outline."""

    box: Box
    area: float
    contour: Image

    @property
    def window(self) -> Window:
        """Return the slices of the region's box."""
        x, y, w, h = self.box
        return slice(y, y + h), slice(x, x + w)


def weather_shape(
    blob: Blob, now: Image, before: Image, changed: Image, tuning: WeatherFilter
) -> str | None:
    """Return PARTICLE or STREAK when a region is shaped like weather, None for a body.

    `now` is the frame, `before` the background it is compared with, `changed`
    the mask of what differs.
    """
    if blob.area <= tuning.particle_area:
        return PARTICLE
    inside = _own_pixels(blob, changed)
    sign = _sign(blob, now, before, inside)
    if sign == 0:
        # Brighter here and darker there: an object, not light added or taken away.
        return None
    _, _, width, height = blob.box
    if blob.area <= tuning.round_particle_area and max(width, height) < ROUND_ASPECT * min(
        width, height
    ):
        return PARTICLE
    if blob.area > STREAK_MAX_AREA:
        return None
    if blob.area <= 2 * tuning.round_particle_area and _tilt(inside) > UPRIGHT_TILT:
        # Long but lying or leaning: an insect's flight, not someone walking.
        return STREAK
    (_, _), (side_a, side_b), _ = cv2.minAreaRect(blob.contour)
    if max(side_a, side_b) >= STREAK_OUTLINE * max(1.0, min(side_a, side_b)):
        return STREAK
    # Blur widens a streak's rim, so its shape is taken where the change is
    # strongest; streaks side by side merge into one region: each part must be thin.
    window = blob.window
    strength = cv2.bitwise_and(cv2.absdiff(now[window], before[window]), inside)
    _, core = cv2.threshold(strength, 0.5 * float(strength.max()), 1, cv2.THRESH_BINARY)
    count, labels = cv2.connectedComponents(core)
    sizes = np.bincount(labels.ravel(), minlength=count)[1:]
    parts = np.flatnonzero(sizes >= 0.2 * sizes.max()) if sizes.size else np.empty(0, np.intp)
    if parts.size and all(
        elongation((labels == label + 1).astype(np.uint8)) >= tuning.streak_elongation
        for label in parts
    ):
        return STREAK
    return None


def bodies(parts: list[Blob], now: Image, before: Image, changed: Image) -> list[Blob]:
    """Return the groups of weather-shaped parts that together are a body.

    A person against a dark hedge and a light lawn changes as a brighter top
    touching a darker bottom, each part small or round; flakes, drops and
    insects add light (or, gone, take it) all of one sign. Touching parts of
    both signs that together stand upright are one body.
    """
    if len(parts) < 2:
        return []
    groups = list(range(len(parts)))

    def root(index: int) -> int:
        while groups[index] != index:
            index = groups[index]
        return index

    signs: dict[int, int] = {}
    for i, j in itertools.combinations(range(len(parts)), 2):
        if gap(parts[i].box, parts[j].box) > PART_GAP:
            continue
        for k in (i, j):
            if k not in signs:
                signs[k] = _sign(parts[k], now, before, _own_pixels(parts[k], changed))
        groups[root(j)] = root(i)
    members: dict[int, list[int]] = {}
    for index in signs:
        members.setdefault(root(index), []).append(index)
    found: list[Blob] = []
    for group in members.values():
        if not {1, -1} <= {signs[k] for k in group}:
            continue
        box = parts[group[0]].box
        for k in group[1:]:
            box = union(box, parts[k].box)
        if box[3] >= BODY_ASPECT * box[2]:
            contour = np.concatenate([parts[k].contour for k in group])
            found.append(Blob(box, sum(parts[k].area for k in group), contour))
    return found


def looks_left(now: Image, previous: Image, window: Window) -> bool:
    """Return True when a region has fewer edges now than before: where something was."""
    edges_now = cv2.morphologyEx(now[window], cv2.MORPH_GRADIENT, SQUARE)
    edges_before = cv2.morphologyEx(previous[window], cv2.MORPH_GRADIENT, SQUARE)
    return bool(cv2.sumElems(edges_now)[0] < GHOST_EDGES * cv2.sumElems(edges_before)[0])


def elongation(mask: Image) -> float:
    """Return the length of a blob over its width, from its second moments."""
    m = cv2.moments(mask, binaryImage=True)
    if m["m00"] < 2:
        return 1.0
    a, b, c = m["mu20"] / m["m00"], m["mu02"] / m["m00"], m["mu11"] / m["m00"]
    spread = float(np.sqrt(4 * c * c + (a - b) ** 2))
    major, minor = (a + b + spread) / 2, (a + b - spread) / 2
    return float(np.sqrt(major / max(minor, 1e-3)))


def _tilt(mask: Image) -> float:
    """Return how far (degrees) a blob's long axis leans from upright; 0 for a round one."""
    m = cv2.moments(mask, binaryImage=True)
    if m["m00"] < 2 or elongation(mask) < UPRIGHT_ELONGATION:
        return 0.0
    angle = 0.5 * math.degrees(math.atan2(2 * m["mu11"], m["mu20"] - m["mu02"]))
    return 90.0 - abs(angle)


def gap(a: Box, b: Box) -> int:
    """Return how far apart two boxes are along the farther axis (0 when they touch)."""
    dx = max(a[0], b[0]) - min(a[0] + a[2], b[0] + b[2])
    dy = max(a[1], b[1]) - min(a[1] + a[3], b[1] + b[3])
    return max(0, dx, dy)


def union(a: Box, b: Box) -> Box:
    """Return the smallest box holding both boxes."""
    x0, y0 = min(a[0], b[0]), min(a[1], b[1])
    x1 = max(a[0] + a[2], b[0] + b[2])
    y1 = max(a[1] + a[3], b[1] + b[3])
    return x0, y0, x1 - x0, y1 - y0


def _own_pixels(blob: Blob, changed: Image) -> Image:
    """Return the changed pixels of this region only: its box may hold parts of others."""
    window = blob.window
    own = np.zeros(changed[window].shape, np.uint8)
    cv2.drawContours(own, [blob.contour], -1, 255, -1, offset=(-blob.box[0], -blob.box[1]))
    return cv2.bitwise_and(changed[window], own)


def _sign(blob: Blob, now: Image, before: Image, inside: Image) -> int:
    """Return 1 when a region got brighter, -1 darker, 0 both."""
    pixels = cv2.countNonZero(inside)
    if not pixels:
        return 1
    window = blob.window
    brighter = cv2.countNonZero(
        cv2.bitwise_and(cv2.compare(now[window], before[window], cv2.CMP_GT), inside)
    )
    if brighter >= ONE_SIDED * pixels:
        return 1
    if brighter <= (1 - ONE_SIDED) * pixels:
        return -1
    return 0
