"""Polygon zones in normalised 0..1 image coordinates, their validation and masks.

An exclusion zone removes motion inside it; with any inclusion zone, only motion
inside an inclusion zone counts. Both become one binary mask applied to the
thresholded frame difference before contours are found, so excluded motion
never forms a contour. Coordinates are fractions of the image width and height,
so the same zones fit the main stream and a low-resolution substream.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

ZONE_EXCLUDE: Final = "exclude"
ZONE_INCLUDE: Final = "include"
ZONE_TYPES: Final = (ZONE_EXCLUDE, ZONE_INCLUDE)
MAX_ZONES: Final = 64
MAX_POINTS: Final = 256


class ZoneError(ValueError):
    """A zone definition is invalid; the message names the zone and the problem."""

    def __init__(self, message: str, index: int | None = None) -> None:
        """Keep the position of the zone at fault (None when the whole document is)."""
        super().__init__(message)
        self.index = index


@dataclass(frozen=True, slots=True)
class Zone:
    """One named polygon, excluding or including motion."""

    name: str
    type: str
    points: tuple[tuple[float, float], ...]

    def as_dict(self) -> dict[str, Any]:
        """Return the zone in the zones-file format."""
        return {"name": self.name, "type": self.type, "points": [list(p) for p in self.points]}

    def pixel_points(self, width: int, height: int) -> NDArray[np.int32]:
        """Return the polygon in pixels of an image of the given size."""
        return np.array(
            [(round(x * (width - 1)), round(y * (height - 1))) for x, y in self.points],
            dtype=np.int32,
        )


def parse_zones(document: Any) -> list[Zone]:
    """Validate `{"zones": [...]}` (or the bare list) and return the zones."""
    items = document.get("zones") if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise ZoneError('zones must be a list: {"zones": [{"name", "type", "points"}, ...]}')
    if len(items) > MAX_ZONES:
        raise ZoneError(f"at most {MAX_ZONES} zones are allowed, got {len(items)}")
    zones = []
    for index, item in enumerate(items):
        try:
            zones.append(_parse_zone(index, item))
        except ZoneError as err:
            raise ZoneError(str(err), index) from None
    names = [zone.name for zone in zones]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise ZoneError(f"zone {name!r}: the name is used twice", index)
    return zones


def zones_document(zones: list[Zone]) -> dict[str, Any]:
    """Return zones in the format parse_zones reads."""
    return {"zones": [zone.as_dict() for zone in zones]}


def _parse_zone(index: int, item: Any) -> Zone:
    label = f"zone #{index + 1}"
    if not isinstance(item, dict):
        raise ZoneError(f"{label}: must be an object with name, type and points")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ZoneError(f"{label}: needs a non-empty name")
    label = f"zone {name!r}"
    zone_type = item.get("type")
    if zone_type not in ZONE_TYPES:
        raise ZoneError(f"{label}: type must be 'exclude' or 'include', not {zone_type!r}")
    raw_points = item.get("points")
    if not isinstance(raw_points, list):
        raise ZoneError(f"{label}: points must be a list of [x, y] pairs")
    if len(raw_points) < 3:
        raise ZoneError(f"{label}: a polygon needs at least 3 points, got {len(raw_points)}")
    if len(raw_points) > MAX_POINTS:
        raise ZoneError(f"{label}: at most {MAX_POINTS} points are allowed")
    points: list[tuple[float, float]] = []
    for number, point in enumerate(raw_points, start=1):
        if (
            not isinstance(point, list | tuple)
            or len(point) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in point)
        ):
            raise ZoneError(f"{label}: point {number} must be a pair of numbers [x, y]")
        x, y = float(point[0]), float(point[1])
        if not (0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise ZoneError(
                f"{label}: point {number} ({x:g}, {y:g}) is outside the image; "
                "coordinates are fractions of the width and height, from 0 to 1"
            )
        points.append((x, y))
    if crossing := _self_intersection(points):
        raise ZoneError(
            f"{label}: the outline crosses itself (edges {crossing[0]} and {crossing[1]})"
        )
    if _area(points) < 1e-6:
        raise ZoneError(f"{label}: the points do not enclose any area")
    return Zone(name.strip(), zone_type, tuple(points))


def _area(points: list[tuple[float, float]]) -> float:
    total = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        total += x0 * y1 - x1 * y0
    return abs(total) / 2


def _orientation(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> float:
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])


def _segments_cross(
    p1: tuple[float, float],
    p2: tuple[float, float],
    q1: tuple[float, float],
    q2: tuple[float, float],
) -> bool:
    """Return True when two segments intersect properly or overlap."""
    d1, d2 = _orientation(q1, q2, p1), _orientation(q1, q2, p2)
    d3, d4 = _orientation(p1, p2, q1), _orientation(p1, p2, q2)
    if ((d1 > 0) != (d2 > 0)) and ((d3 > 0) != (d4 > 0)) and 0 not in (d1, d2, d3, d4):
        return True

    def on_segment(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> bool:
        return min(a[0], b[0]) <= c[0] <= max(a[0], b[0]) and min(a[1], b[1]) <= c[1] <= max(
            a[1], b[1]
        )

    return (
        (d1 == 0 and on_segment(q1, q2, p1))
        or (d2 == 0 and on_segment(q1, q2, p2))
        or (d3 == 0 and on_segment(p1, p2, q1))
        or (d4 == 0 and on_segment(p1, p2, q2))
    )


def _self_intersection(points: list[tuple[float, float]]) -> tuple[int, int] | None:
    """Return the 1-based numbers of two non-adjacent edges that cross, if any."""
    count = len(points)
    edges = [(points[i], points[(i + 1) % count]) for i in range(count)]
    for i in range(count):
        for j in range(i + 1, count):
            if j == i + 1 or (i == 0 and j == count - 1):
                continue  # neighbours share a vertex
            if _segments_cross(*edges[i], *edges[j]):
                return i + 1, j + 1
    return None


class ZoneMask:
    """The motion mask of a set of zones, built once per image size."""

    def __init__(self, zones: list[Zone]) -> None:
        """Keep the zones; masks are built lazily."""
        self.zones = list(zones)
        self._cache: dict[tuple[int, int], NDArray[np.uint8] | None] = {}

    def mask(self, width: int, height: int) -> NDArray[np.uint8] | None:
        """Return 255 where motion counts and 0 where it does not; None means everywhere."""
        key = (width, height)
        if key not in self._cache:
            self._cache[key] = self._build(width, height)
        return self._cache[key]

    def _build(self, width: int, height: int) -> NDArray[np.uint8] | None:
        if not self.zones:
            return None
        # OpenCV is loaded only to draw masks, so reading and validating zones never needs it.
        import cv2

        includes = [z.pixel_points(width, height) for z in self.zones if z.type == ZONE_INCLUDE]
        excludes = [z.pixel_points(width, height) for z in self.zones if z.type == ZONE_EXCLUDE]
        if includes:
            mask = np.zeros((height, width), np.uint8)
            cv2.fillPoly(mask, includes, 255)
        else:
            mask = np.full((height, width), 255, np.uint8)
        if excludes:
            cv2.fillPoly(mask, excludes, 0)
        return mask
