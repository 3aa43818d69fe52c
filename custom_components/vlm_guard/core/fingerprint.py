"""Recognise a crop the VLM has just judged: perceptual hash and a short memory.

Motion keeps firing while a parked car's headlights flicker or a flag waves;
the crop looks the same each time and so would the verdict. A difference hash
(dHash, 64 bits) is robust to JPEG noise and small shifts, so a nearly identical
crop within a short window reuses the earlier verdict instead of a new call.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final

import cv2
import numpy as np

from .motion import Image

DEFAULT_MAX_DISTANCE: Final = 5
CACHE_SIZE: Final = 32


def dhash(image: Image) -> int:
    """Return the 64-bit difference hash of a BGR image."""
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    small = cv2.resize(gray, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value


def distance(a: int, b: int) -> int:
    """Return the number of differing bits of two hashes."""
    return (a ^ b).bit_count()


@dataclass(frozen=True, slots=True)
class _Entry[T]:
    fingerprint: int
    time: float
    value: T


class RepeatMemory[T]:
    """Remember recent verdicts by image fingerprint for `window` seconds."""

    def __init__(self, window: float, max_distance: int = DEFAULT_MAX_DISTANCE) -> None:
        """Remember for `window` seconds; a window of 0 remembers nothing."""
        self.window = window
        self.max_distance = max_distance
        self._entries: deque[_Entry[T]] = deque(maxlen=CACHE_SIZE)

    def remember(self, fingerprint: int, now: float, value: T) -> None:
        """Keep a judged image's verdict."""
        if self.window > 0:
            self._entries.append(_Entry(fingerprint, now, value))

    def recall(self, fingerprint: int, now: float) -> T | None:
        """Return the verdict of a nearly identical image judged within the window."""
        for entry in reversed(self._entries):
            if now - entry.time > self.window:
                break
            if distance(entry.fingerprint, fingerprint) <= self.max_distance:
                return entry.value
        return None
