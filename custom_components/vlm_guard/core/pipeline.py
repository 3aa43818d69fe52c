"""One analysis tick: frame -> motion -> crop to judge, shared by HA and the replay tool."""

from __future__ import annotations

from dataclasses import dataclass

import av
import numpy as np

from .annotate import annotate, encode_jpeg
from .motion import Box, Image, MotionConfig, MotionDetector, crop


@dataclass(frozen=True, slots=True)
class TickResult:
    """What one tick found and, when something moved, the JPEG crop for the VLM."""

    frame: Image
    boxes: list[Box]
    crop_box: Box | None
    crop_jpeg: bytes | None

    @property
    def motion(self) -> bool:
        """Return True when the VLM should look at the crop."""
        return self.crop_jpeg is not None


class Analyzer:
    """Turn frames into ticks; holds the motion reference frame (one per camera)."""

    def __init__(self, config: MotionConfig | None = None) -> None:
        """Create the analyzer with its motion detector."""
        self.detector = MotionDetector(config)

    def tick(self, image: av.VideoFrame | Image) -> TickResult:
        """Analyse one frame (blocking: run it in an executor)."""
        frame: Image = (
            np.asarray(image.to_ndarray(format="bgr24"), dtype=np.uint8)
            if isinstance(image, av.VideoFrame)
            else image
        )
        result = self.detector.detect(frame)
        if result.crop is None:
            return TickResult(frame, result.boxes, None, None)
        return TickResult(frame, result.boxes, result.crop, encode_jpeg(crop(frame, result.crop)))

    @staticmethod
    def snapshot(result: TickResult) -> bytes:
        """Return the annotated JPEG of a tick (blocking)."""
        return encode_jpeg(annotate(result.frame, result.boxes, result.crop_box))
