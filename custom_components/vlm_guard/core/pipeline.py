"""One analysis tick: frame -> motion -> what the VLM should see.

Shared by the Home Assistant monitor and the replay tool, so that what a user
tunes on recorded footage is exactly what runs on the live camera.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import av
import cv2
import numpy as np

from .annotate import annotate, encode_jpeg
from .defaults import DEFAULT_FALLBACK_INTERVAL, MotionConfig
from .fingerprint import dhash
from .motion import Box, Image, MotionDetector, crop
from .zones import Zone, ZoneMask

REASON_MOTION: Final = "motion"
REASON_FALLBACK: Final = "fallback"
REASON_FIRST: Final = "first"
REASON_MANUAL: Final = "manual"
"""The owner asked for the whole picture to be judged now (Analyze now)."""
# Full frames are shrunk to this width: the VLM resizes them anyway, and a 4K
# JPEG would only cost upload time and tokens.
FULL_FRAME_MAX_WIDTH: Final = 1920
HIDDEN_GREY: Final = 128


@dataclass(frozen=True, slots=True)
class Finding:
    """What motion detection decided, before any image is cut for the VLM."""

    boxes: list[Box]
    crop: Box | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class TickResult:
    """What one tick found and, when the VLM should look, the JPEG it gets."""

    frame: Image
    boxes: list[Box]
    crop_box: Box | None
    image_jpeg: bytes | None
    reason: str | None
    """Why the VLM is asked: motion, fallback (periodic full frame), first (after connecting)."""
    fingerprint: int | None = None
    """Perceptual hash of the image the VLM gets, to recognise repeats."""

    @property
    def motion(self) -> bool:
        """Return True when something moved."""
        return bool(self.boxes)

    @property
    def ask_vlm(self) -> bool:
        """Return True when the VLM should judge `image_jpeg`."""
        return self.image_jpeg is not None


def to_image(frame: av.VideoFrame | Image) -> Image:
    """Return a decoded frame as a BGR array (blocking)."""
    if isinstance(frame, av.VideoFrame):
        return np.asarray(frame.to_ndarray(format="bgr24"), dtype=np.uint8)
    return frame


class Analyzer:
    """Turn frames into ticks for one camera; keeps the motion reference frame."""

    def __init__(
        self,
        config: MotionConfig | None = None,
        zones: list[Zone] | None = None,
        fallback_interval: float | None = DEFAULT_FALLBACK_INTERVAL,
    ) -> None:
        """Create the analyzer; a fallback interval of None or 0 disables full frames."""
        self.detector = MotionDetector(config, zones)
        self.zones = list(zones or [])
        self._hidden = ZoneMask(self.zones)
        self.fallback_interval = fallback_interval or None
        self._last_full: float | None = None
        self._first_pending = True

    def set_zones(self, zones: list[Zone]) -> None:
        """Apply new zones from the next tick on."""
        self.zones = list(zones)
        self.detector.set_zones(zones)
        self._hidden = ZoneMask(self.zones)

    def reset(self) -> None:
        """Forget the reference frame: the stream was reopened."""
        self.detector.reset()
        self._first_pending = True

    def tick(
        self,
        frame: av.VideoFrame | Image,
        t: float,
        main: av.VideoFrame | Image | None = None,
    ) -> TickResult:
        """Analyse one frame taken at `t` seconds (blocking: run it in an executor).

        With `main`, motion is found on `frame` (a substream) and the crop is cut
        from `main` (the full-resolution stream).
        """
        detect_image = to_image(frame)
        image = to_image(main) if main is not None else detect_image
        height, width = image.shape[:2]
        return self.render(self.find(detect_image, t, (width, height)), image)

    def find(
        self, frame: av.VideoFrame | Image, t: float, target_size: tuple[int, int] | None = None
    ) -> Finding:
        """Decide whether the VLM should look, and at what (blocking).

        Boxes and crop are in pixels of `target_size` (the main stream's) when given.
        """
        image = to_image(frame)
        result = self.detector.detect(image, target_size)
        if result.crop is not None:
            return Finding(result.boxes, result.crop, REASON_MOTION)
        reason = self._full_frame_reason(t)
        if reason is not None:
            self._first_pending = False
            self._last_full = t
        return Finding([], None, reason)

    def render(self, finding: Finding, frame: av.VideoFrame | Image) -> TickResult:
        """Cut what the VLM should see out of the (main stream) frame (blocking).

        Areas the zones exclude (and everything outside include zones) are
        greyed out in every image the VLM gets, crops and full frames alike:
        the public road beyond the gate must not be judged at all.
        """
        image = to_image(frame)
        if finding.reason is None:
            return TickResult(image, finding.boxes, finding.crop, None, None)
        height, width = image.shape[:2]
        mask = self._hidden.mask(width, height)
        if mask is not None and not mask.any():
            # Nothing of the picture is watched: there is nothing to ask about.
            return TickResult(image, finding.boxes, finding.crop, None, None)
        shown = image if mask is None else _grey_out(image, mask)
        judged = crop(shown, finding.crop) if finding.crop is not None else _shrink(shown)
        return TickResult(
            image, finding.boxes, finding.crop, encode_jpeg(judged), finding.reason, dhash(judged)
        )

    def _full_frame_reason(self, t: float) -> str | None:
        """Return why the full frame should be judged now, if it should.

        Full frames are judged right after (re)connecting and every fallback
        interval, to catch what appeared and then stopped moving; a fallback
        interval of 0 turns both off.
        """
        if self.fallback_interval is None:
            return None
        if self._first_pending:
            return REASON_FIRST
        if self._last_full is None or t < self._last_full:
            self._last_full = t
            return None
        if t - self._last_full >= self.fallback_interval:
            return REASON_FALLBACK
        return None

    def snapshot(self, result: TickResult) -> bytes:
        """Return the annotated JPEG of a tick (blocking)."""
        return encode_jpeg(annotate(result.frame, result.boxes, result.crop_box, self.zones))


def _grey_out(image: Image, mask: np.ndarray) -> Image:
    """Return a copy of the image with the unwatched pixels (mask 0) a flat mid grey.

    Grey rather than black: near-black areas make VLMs imagine people and cars.
    """
    shown = image.copy()
    shown[mask == 0] = HIDDEN_GREY
    return shown


def _shrink(image: Image) -> Image:
    height, width = image.shape[:2]
    if width <= FULL_FRAME_MAX_WIDTH:
        return image
    scale = FULL_FRAME_MAX_WIDTH / width
    return np.asarray(
        cv2.resize(
            image, (FULL_FRAME_MAX_WIDTH, round(height * scale)), interpolation=cv2.INTER_AREA
        ),
        dtype=np.uint8,
    )
