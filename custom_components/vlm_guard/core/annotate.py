"""Draw what was seen on a frame and encode it as JPEG."""

from __future__ import annotations

import cv2

from .motion import Box, Image

BOX_COLOUR = (0, 0, 255)
CROP_COLOUR = (0, 255, 255)
JPEG_QUALITY = 85


def annotate(frame: Image, boxes: list[Box], crop: Box | None) -> Image:
    """Return a copy of the frame with the motion boxes and the judged crop drawn."""
    out = frame.copy()
    thickness = max(2, frame.shape[1] // 400)
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
