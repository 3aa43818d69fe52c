"""Synthetic clips, encoded with PyAV, each built to probe one rule of the motion filter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import av
import numpy as np

WIDTH, HEIGHT, FPS = 640, 360, 10

type FrameMaker = Callable[[int, np.random.Generator], np.ndarray]


def write_clip(path: Path, make_frame: FrameMaker, seconds: float, *, gop: int = FPS) -> Path:
    """Encode `seconds` of frames from `make_frame(index, rng)` as H.264 in MP4."""
    rng = np.random.default_rng(7)
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=FPS)
        stream.width, stream.height, stream.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        stream.options = {"g": str(gop), "preset": "ultrafast", "crf": "18"}
        for index in range(int(seconds * FPS)):
            frame = av.VideoFrame.from_ndarray(make_frame(index, rng), format="bgr24")
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return path


def _background() -> np.ndarray:
    """A static scene with some texture (a floor, a wall, a door)."""
    image = np.full((HEIGHT, WIDTH, 3), 110, np.uint8)
    image[: HEIGHT // 2] = (150, 140, 130)
    image[60:300, 450:540] = (60, 70, 90)
    return image


BACKGROUND = _background()


def noise(_index: int, rng: np.random.Generator) -> np.ndarray:
    """Sensor noise on a still scene."""
    jitter = rng.integers(-12, 13, BACKGROUND.shape)
    return np.clip(BACKGROUND.astype(np.int16) + jitter, 0, 255).astype(np.uint8)


def brightness_ramp(index: int, _rng: np.random.Generator) -> np.ndarray:
    """Dawn: the whole scene brightens steadily, nothing moves."""
    gain = 0.3 + 1.2 * index / (30 * FPS)
    return np.clip(BACKGROUND.astype(np.float32) * gain, 0, 255).astype(np.uint8)


def particles(_index: int, rng: np.random.Generator) -> np.ndarray:
    """Rain or insects: a few 2x2 specks at random places in every frame."""
    image = BACKGROUND.copy()
    for x, y in zip(rng.integers(0, WIDTH - 2, 12), rng.integers(0, HEIGHT - 2, 12), strict=True):
        image[y : y + 2, x : x + 2] = 255
    return image


def slow_walker(index: int, _rng: np.random.Generator) -> np.ndarray:
    """A person-sized object crossing slowly (15 px/s), starting after 10 s."""
    image = BACKGROUND.copy()
    if index >= 10 * FPS:
        x = 40 + int((index - 10 * FPS) * 15 / FPS)
        image[150:300, x : x + 60] = (20, 20, 120)
    return image


def busy(index: int, _rng: np.random.Generator) -> np.ndarray:
    """A block that never stops moving: motion on every tick."""
    image = BACKGROUND.copy()
    x = (index * 23) % (WIDTH - 80)
    image[120:240, x : x + 80] = (30, 30, 200)
    return image
