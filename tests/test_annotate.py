"""Snapshot drawing: zones named and in colours of their own, apart from motion boxes and crop."""

from __future__ import annotations

import numpy as np

from custom_components.vlm_guard.core.annotate import (
    BOX_COLOUR,
    CROP_COLOUR,
    EXCLUDE_COLOUR,
    INCLUDE_COLOUR,
    LABEL_BACKGROUND,
    annotate,
    label_text,
)
from custom_components.vlm_guard.core.zones import parse_zones

WIDTH, HEIGHT = 800, 400
ZONES = parse_zones(
    [
        {"name": "Road", "type": "exclude", "points": [[0, 0], [1, 0], [1, 0.25], [0, 0.25]]},
        {
            "name": "Driveway",
            "type": "include",
            "points": [[0.5, 0.5], [0.95, 0.5], [0.95, 0.95], [0.5, 0.95]],
        },
    ]
)


def _colours(image: np.ndarray, top: int, bottom: int, left: int, right: int) -> set[tuple]:
    return {tuple(int(v) for v in pixel) for pixel in image[top:bottom, left:right].reshape(-1, 3)}


def _blend(colour: tuple[int, int, int]) -> np.ndarray:
    """A zone outline over black: its colour at the outline's opacity."""
    return np.array(colour) * 0.6


def test_zones_boxes_and_crop_each_have_their_own_colour() -> None:
    colours = {BOX_COLOUR, CROP_COLOUR, EXCLUDE_COLOUR, INCLUDE_COLOUR}
    assert len(colours) == 4
    # Excluded zones are blue, not a red like the motion boxes.
    blue, _, red = EXCLUDE_COLOUR
    assert blue > 200 > red
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    out = annotate(frame, [(100, 200, 50, 50)], (90, 190, 70, 70), ZONES)
    assert frame.max() == 0, "the frame itself is not drawn on"
    # The bottom edge of the road zone, the right edge of the driveway, the box, the crop.
    assert np.allclose(out[int(0.25 * (HEIGHT - 1)), WIDTH // 2], _blend(EXCLUDE_COLOUR), atol=2)
    assert np.allclose(out[300, round(0.95 * (WIDTH - 1))], _blend(INCLUDE_COLOUR), atol=2)
    assert tuple(out[225, 100]) == BOX_COLOUR
    assert tuple(out[190, 125]) == CROP_COLOUR


def test_every_zone_is_labelled_with_its_name() -> None:
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    out = annotate(frame, [], None, ZONES)
    # Each name sits on a dark tag inside the zone's top corner, in the zone's colour.
    road = _colours(out, 0, 30, 0, 80)
    assert LABEL_BACKGROUND in road
    assert any(b > 200 and r < 50 for b, _, r in road)
    driveway = _colours(out, 200, 230, 400, 500)
    assert LABEL_BACKGROUND in driveway
    assert any(g > 150 and b < 120 for b, g, _ in driveway)
    renamed = parse_zones(
        [{"name": "Street", "type": "exclude", "points": [[0, 0], [1, 0], [1, 0.25], [0, 0.25]]}]
    )
    assert not np.array_equal(annotate(frame, [], None, renamed)[:30], out[:30])


def test_labels_of_names_the_font_cannot_draw() -> None:
    assert label_text("Einfahrt Straße") == "Einfahrt Strasse"
    assert label_text("Café terrace") == "Cafe terrace"
    assert label_text("门口") == "zone"
