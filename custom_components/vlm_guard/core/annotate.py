"""Draw what was seen on a frame and encode it as JPEG."""

from __future__ import annotations

import unicodedata

import cv2
import numpy as np

from .motion import Box, Image
from .zones import ZONE_EXCLUDE, Zone

# Colours are BGR. Red marks what moved and yellow what the VLM was shown; zones
# keep apart from both: blue for areas left out, green for the only areas watched.
BOX_COLOUR = (0, 0, 255)
CROP_COLOUR = (0, 255, 255)
EXCLUDE_COLOUR = (255, 160, 0)
INCLUDE_COLOUR = (80, 220, 80)
LABEL_BACKGROUND = (30, 30, 30)
ZONE_ALPHA = 0.6
JPEG_QUALITY = 85
_FONT = cv2.FONT_HERSHEY_SIMPLEX


def annotate(
    frame: Image, boxes: list[Box], crop: Box | None, zones: list[Zone] | None = None
) -> Image:
    """Return a copy of the frame with named zone outlines, motion boxes and the judged crop."""
    height, width = frame.shape[:2]
    thickness = max(2, width // 400)
    out = frame.copy()
    if zones:
        # The outlines are see-through, so what is under them stays visible.
        outlines = frame.copy()
        for zone in zones:
            cv2.polylines(
                outlines, [zone.pixel_points(width, height)], True, _colour(zone), thickness
            )
        out = np.asarray(cv2.addWeighted(outlines, ZONE_ALPHA, out, 1 - ZONE_ALPHA, 0), np.uint8)
        for zone in zones:
            _label(out, zone)
    for x, y, w, h in boxes:
        cv2.rectangle(out, (x, y), (x + w, y + h), BOX_COLOUR, thickness)
    if crop is not None:
        x, y, w, h = crop
        cv2.rectangle(out, (x, y), (x + w, y + h), CROP_COLOUR, max(1, thickness // 2))
    return out


def _colour(zone: Zone) -> tuple[int, int, int]:
    return EXCLUDE_COLOUR if zone.type == ZONE_EXCLUDE else INCLUDE_COLOUR


def label_text(name: str) -> str:
    """Return a zone name as the built-in font can draw it (plain ASCII letters)."""
    folded = unicodedata.normalize("NFKD", name.replace("ß", "ss"))
    return folded.encode("ascii", "ignore").decode().strip() or "zone"


def _label(image: Image, zone: Zone) -> None:
    """Write the zone's name, in its colour on a dark tag, just inside its topmost corner."""
    height, width = image.shape[:2]
    scale = max(0.4, width / 1600)
    weight = max(1, round(scale * 2))
    pad = max(2, round(4 * scale))
    text = label_text(zone.name)
    (text_w, text_h), baseline = cv2.getTextSize(text, _FONT, scale, weight)
    points = zone.pixel_points(width, height)
    top_x, top_y = min(((int(x), int(y)) for x, y in points), key=lambda p: (p[1], p[0]))
    left = min(max(top_x + pad, 0), max(width - text_w - 2 * pad, 0))
    top = min(max(top_y + pad, 0), max(height - text_h - baseline - 2 * pad, 0))
    bottom = top + text_h + baseline + 2 * pad
    cv2.rectangle(image, (left, top), (left + text_w + 2 * pad, bottom), LABEL_BACKGROUND, -1)
    origin = (left + pad, top + pad + text_h)
    cv2.putText(image, text, origin, _FONT, scale, _colour(zone), weight, cv2.LINE_AA)


def encode_jpeg(image: Image, quality: int = JPEG_QUALITY) -> bytes:
    """Encode a BGR image as JPEG bytes."""
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(data.tobytes())
