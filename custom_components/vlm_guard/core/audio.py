"""Cut a camera's audio into fixed-length chunks and drop the silent ones cheaply.

The reader thread writes mono samples at the camera's own rate as they are
decoded; every full chunk is measured (the loudest 100 ms window, in dBFS) and
only chunks louder than the silence threshold are resampled to 16 kHz and
handed on. A quiet camera therefore costs a few array operations per chunk and
never wakes the speech model. At most one partial chunk is held: memory stays
bounded however long the stream runs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import threading
from typing import Final

import av
import av.audio.resampler
import numpy as np

from .defaults import DEFAULT_CHUNK_SECONDS, DEFAULT_SILENCE_DBFS

SAMPLE_RATE: Final = 16000
MIN_CHUNK_SECONDS: Final = 2.0
MAX_CHUNK_SECONDS: Final = 60.0
WINDOW_SECONDS: Final = 0.1


@dataclass(frozen=True, slots=True)
class AudioChunk:
    """A chunk of audio worth listening to."""

    samples: np.ndarray
    """float32, mono, SAMPLE_RATE."""
    started: float
    """time.time() of the first sample."""
    loudness: float
    """The loudest 100 ms window, in dBFS."""

    @property
    def duration(self) -> float:
        """Return the length in seconds."""
        return len(self.samples) / SAMPLE_RATE


def resample(samples: np.ndarray, rate: int) -> np.ndarray:
    """Return mono float32 samples at `rate` resampled to SAMPLE_RATE."""
    if rate == SAMPLE_RATE:
        return samples
    frame = av.AudioFrame.from_ndarray(
        np.ascontiguousarray(samples, dtype=np.float32).reshape(1, -1), format="flt", layout="mono"
    )
    frame.sample_rate = rate
    resampler = av.audio.resampler.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)
    out = [*resampler.resample(frame), *resampler.resample(None)]
    return np.concatenate([part.to_ndarray().reshape(-1) for part in out])


def loudness_dbfs(samples: np.ndarray, rate: int = SAMPLE_RATE) -> float:
    """Return the RMS level of the loudest 100 ms window, in dBFS (-inf for silence)."""
    window = int(rate * WINDOW_SECONDS)
    usable = len(samples) - len(samples) % window
    if usable == 0:
        usable, window = len(samples), max(len(samples), 1)
    if usable == 0:
        return float("-inf")
    squares = np.square(samples[:usable], dtype=np.float32).reshape(-1, window)
    peak = float(squares.mean(axis=1).max())
    return 10.0 * float(np.log10(peak)) if peak > 0 else float("-inf")


class AudioChunker:
    """Collect samples into chunks; pass on the ones that are not silent (thread-safe)."""

    def __init__(
        self,
        on_chunk: Callable[[AudioChunk], None],
        *,
        chunk_seconds: float = DEFAULT_CHUNK_SECONDS,
        silence_dbfs: float = DEFAULT_SILENCE_DBFS,
    ) -> None:
        """Call `on_chunk` (from the writing thread) for every loud enough chunk."""
        self._on_chunk = on_chunk
        self._seconds = chunk_seconds
        self._rate = SAMPLE_RATE
        self._silence = silence_dbfs
        self._lock = threading.Lock()
        self._parts: list[np.ndarray] = []
        self._held = 0
        self._started: float | None = None
        self.chunks = 0
        self.silent = 0

    def reset(self) -> None:
        """Drop the partial chunk (the stream was reopened: its audio is not continuous)."""
        with self._lock:
            self._parts.clear()
            self._held = 0
            self._started = None

    def write(self, samples: np.ndarray, rate: int, at: float) -> None:
        """Add mono samples at `rate` that arrived at `at` (time.time())."""
        ready: list[tuple[np.ndarray, int, float]] = []
        with self._lock:
            if rate != self._rate:
                self._parts, self._held, self._started = [], 0, None
                self._rate = rate
            if self._started is None:
                self._started = at - len(samples) / rate
            self._parts.append(samples)
            self._held += len(samples)
            size = int(self._seconds * rate)
            while self._held >= size:
                joined = np.concatenate(self._parts)
                chunk, rest = joined[:size], joined[size:]
                ready.append((chunk, rate, self._started))
                self._started += size / rate
                self._parts = [rest] if len(rest) else []
                self._held = len(rest)
        for chunk, chunk_rate, started in ready:
            self._judge(chunk, chunk_rate, started)

    def _judge(self, samples: np.ndarray, rate: int, started: float) -> None:
        """Count the chunk and pass it on, at 16 kHz, unless it is silent."""
        self.chunks += 1
        level = loudness_dbfs(samples, rate)
        if level < self._silence:
            self.silent += 1
            return
        self._on_chunk(AudioChunk(resample(samples, rate), started, level))
