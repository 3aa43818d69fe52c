"""Draw what was seen on a frame and encode it as JPEG."""

from __future__ import annotations

import cv2
import numpy as np

from .motion import Box, Image
from .zones import ZONE_EXCLUDE, Zone

BOX_COLOUR = (0, 0, 255)
CROP_COLOUR = (0, 255, 255)
EXCLUDE_COLOUR = (60, 60, 255)
INCLUDE_COLOUR = (80, 220, 80)
ZONE_ALPHA = 0.35
JPEG_QUALITY = 85


def annotate(
    frame: Image, boxes: list[Box], crop: Box | None, zones: list[Zone] | None = None
) -> Image:
    """Return a copy of the frame with faint zone outlines, motion boxes and the judged crop."""
    height, width = frame.shape[:2]
    thickness = max(2, width // 400)
    out = frame.copy()
    if zones:
        outlines = frame.copy()
        for zone in zones:
            colour = EXCLUDE_COLOUR if zone.type == ZONE_EXCLUDE else INCLUDE_COLOUR
            cv2.polylines(outlines, [zone.pixel_points(width, height)], True, colour, thickness)
        out = np.asarray(cv2.addWeighted(outlines, ZONE_ALPHA, out, 1 - ZONE_ALPHA, 0), np.uint8)
    for x, y, w, h in boxes:
        cv2.rectangle(out, (x, y), (x + w, y + h), BOX_COLOUR, thickness)
    if crop is not None:
        x, y, w, h = crop
        cv2.rectangle(out, (x, y), (x + w, y + h), CROP_COLOUR, max(1, thickness // 2))
    return out


def encode_jpeg(image: Image, quality: int = JPEG_QUALITY) -> bytes:
    """Encode a BGR image as JPEG bytes."""
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(data.tobytes())
