"""Encode an audio chunk as a file a notification can carry (OGG Opus, else WAV)."""

from __future__ import annotations

import io
from typing import Final

import av
import av.error
import numpy as np

from .audio import SAMPLE_RATE

OPUS_BITRATE: Final = 24000


def encode_ogg_opus(samples: np.ndarray) -> bytes:
    """Return 16 kHz mono float32 samples as OGG Opus (what voice messages use)."""
    buffer = io.BytesIO()
    with av.open(buffer, "w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=SAMPLE_RATE, layout="mono")
        stream.bit_rate = OPUS_BITRATE
        frame = av.AudioFrame.from_ndarray(
            samples.astype(np.float32).reshape(1, -1), format="flt", layout="mono"
        )
        frame.sample_rate = SAMPLE_RATE
        frame.pts = 0
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return buffer.getvalue()


def encode_wav(samples: np.ndarray) -> bytes:
    """Return 16 kHz mono float32 samples as 16-bit PCM WAV."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    header = b"".join(
        (
            b"RIFF",
            (36 + len(pcm)).to_bytes(4, "little"),
            b"WAVEfmt ",
            (16).to_bytes(4, "little"),
            (1).to_bytes(2, "little"),
            (1).to_bytes(2, "little"),
            SAMPLE_RATE.to_bytes(4, "little"),
            (SAMPLE_RATE * 2).to_bytes(4, "little"),
            (2).to_bytes(2, "little"),
            (16).to_bytes(2, "little"),
            b"data",
            len(pcm).to_bytes(4, "little"),
        )
    )
    return header + pcm


def encode_clip(samples: np.ndarray) -> tuple[bytes, str]:
    """Return the clip and its file suffix: OGG Opus when PyAV has libopus, else WAV."""
    try:
        return encode_ogg_opus(samples), ".ogg"
    except (av.error.FFmpegError, ValueError):
        return encode_wav(samples), ".wav"
