"""Audio frames of a camera, gathered into about a second of mono samples at a time."""

from __future__ import annotations

from typing import Final

import av
import numpy as np

AUDIO_BATCH_SECONDS: Final = 1.0


class AudioBatcher:
    """Collect decoded audio frames and hand their first channel over in batches.

    Nothing is resampled here: most of a camera's day is quiet, and the silence
    check works at any rate, so only chunks worth transcribing are resampled
    (by the chunker). A camera microphone is mono (stereo tracks carry it
    twice), so the first channel is the sound. Frames are converted a second's
    worth at a time: work per packet is what a quiet camera costs.
    """

    def __init__(self) -> None:
        """Start with nothing held."""
        self._frames: list[av.AudioFrame] = []
        self._held = 0
        self._rate = 0
        self._format = ""

    def add(self, frame: av.AudioFrame) -> tuple[np.ndarray, int] | None:
        """Keep a frame; return (mono float32 samples, rate) once a batch is complete."""
        fmt = f"{frame.format.name}/{frame.layout.nb_channels}"
        if frame.sample_rate != self._rate or fmt != self._format:
            # A new stream, or the camera changed its audio settings: start over.
            self._frames, self._held = [], 0
            self._rate, self._format = frame.sample_rate, fmt
        self._frames.append(frame)
        self._held += frame.samples
        if self._held < self._rate * AUDIO_BATCH_SECONDS:
            return None
        batch = np.concatenate([_first_channel(f) for f in self._frames])
        self._frames, self._held = [], 0
        name = self._format.split("/")[0].rstrip("p")
        if name in _INT_SCALE:
            offset, scale = _INT_SCALE[name]
            batch = (batch.astype(np.float32) - offset) / scale
        return batch.astype(np.float32, copy=False), self._rate


# Integer sample formats: (offset, scale) to -1..1.
_INT_SCALE: Final = {
    "u8": (128.0, 128.0),
    "s16": (0.0, 32768.0),
    "s32": (0.0, 2147483648.0),
    "s64": (0.0, 2.0**63),
}
_DTYPES: Final = {
    "u8": np.uint8,
    "s16": np.int16,
    "s32": np.int32,
    "s64": np.int64,
    "flt": np.float32,
    "dbl": np.float64,
}


def _first_channel(frame: av.AudioFrame) -> np.ndarray:
    """Return the first channel of a frame's samples, in its own sample type (no copy)."""
    name = frame.format.name
    dtype = _DTYPES[name.rstrip("p")]
    data = np.frombuffer(frame.planes[0], dtype=dtype)
    if frame.format.is_planar:
        return data[: frame.samples]
    channels = frame.layout.nb_channels
    return data[: frame.samples * channels : channels]
