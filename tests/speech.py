"""Real speech for tests and benchmarks: espeak-ng voices, and clips with a voice in them."""

from __future__ import annotations

from fractions import Fraction
import hashlib
from pathlib import Path
import shutil
import subprocess
import tempfile

import av
import numpy as np

SAMPLE_RATE = 16000
WIDTH, HEIGHT, FPS = 320, 180, 10
# About -80 dBFS: a real microphone is never perfectly silent, yet no VAD hears speech in it.
NOISE_FLOOR = 1e-4

_CACHE = Path(tempfile.gettempdir()) / "vlm_guard_speech"
# The container for each audio codec: neither MP4 nor (for PyAV's muxer) Matroska
# takes G.711, QuickTime does, and GStreamer's qtdemux reads both.
_CONTAINERS = {"aac": ".mp4", "pcm_mulaw": ".mov", "pcm_alaw": ".mov"}


def speech_samples(text: str, *, voice: str = "en-us", speed: int = 150) -> np.ndarray:
    """Return espeak-ng saying `text` as float32 16 kHz mono samples."""
    espeak = shutil.which("espeak-ng")
    if espeak is None:
        raise RuntimeError("espeak-ng is not installed (scripts/setup installs it)")
    key = hashlib.sha256(f"{voice}|{speed}|{text}".encode()).hexdigest()[:16]
    cached = _CACHE / f"{key}.npy"
    if cached.is_file():
        return np.load(cached)
    _CACHE.mkdir(parents=True, exist_ok=True)
    wav = _CACHE / f"{key}.wav"
    subprocess.run(
        [espeak, "-v", voice, "-s", str(speed), "-w", str(wav), text],
        check=True,
        capture_output=True,
    )
    samples = _decode_mono(wav, SAMPLE_RATE)
    wav.unlink()
    # Written under a temporary name and renamed, so parallel workers never read half a file.
    partial = cached.with_suffix(f".{np.random.default_rng().integers(1 << 30)}.npy")
    np.save(partial, samples)
    partial.replace(cached)
    return samples


def _decode_mono(path: Path, rate: int) -> np.ndarray:
    """Decode any audio file to float32 mono samples at `rate` with PyAV's resampler."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
    chunks: list[np.ndarray] = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(frame))
    chunks.extend(out.to_ndarray().reshape(-1) for out in resampler.resample(None))
    return np.concatenate(chunks).astype(np.float32)


def soundtrack(seconds: float, speech: list[tuple[float, str]] = []) -> np.ndarray:  # noqa: B006
    """Return `seconds` of a quiet noise floor with each sentence spoken at its offset."""
    rng = np.random.default_rng(11)
    track = rng.normal(0.0, NOISE_FLOOR, int(seconds * SAMPLE_RATE)).astype(np.float32)
    for offset, text in speech:
        voice = speech_samples(text)
        start = int(offset * SAMPLE_RATE)
        end = min(len(track), start + len(voice))
        track[start:end] += voice[: end - start]
    return track


def _picture() -> np.ndarray:
    """A still scene with some texture: a wall, a floor and a door."""
    image = np.full((HEIGHT, WIDTH, 3), 110, np.uint8)
    image[: HEIGHT // 2] = (150, 140, 130)
    image[30:150, 225:270] = (60, 70, 90)
    return image


def write_av_clip(
    path: Path,
    *,
    seconds: float,
    speech: list[tuple[float, str]] = [],  # noqa: B006
    audio_codec: str = "aac",
    sample_rate: int | None = None,
) -> Path:
    """Encode a still H.264 picture with an audio track of silence and spoken sentences.

    AAC goes into an MP4 (16 kHz by default), G.711 (pcm_mulaw, pcm_alaw) into a
    QuickTime .mov (8 kHz by default); `path`'s suffix is replaced to match.
    """
    if audio_codec not in _CONTAINERS:
        raise ValueError(f"unsupported audio codec {audio_codec!r}")
    rate = sample_rate or (SAMPLE_RATE if audio_codec == "aac" else 8000)
    path = path.with_suffix(_CONTAINERS[audio_codec])
    track = soundtrack(seconds, speech)
    picture = av.VideoFrame.from_ndarray(_picture(), format="bgr24")
    with av.open(str(path), "w") as container:
        video = container.add_stream("libx264", rate=FPS)
        video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        # A keyframe every second, like a camera: a reader can start anywhere.
        video.options = {"g": str(FPS), "keyint_min": str(FPS), "preset": "ultrafast"}
        audio = container.add_stream(audio_codec, rate=rate, layout="mono")
        if audio_codec == "aac":
            audio.bit_rate = 32000
        resampler = av.AudioResampler(
            format=audio.codec_context.format.name, layout="mono", rate=rate
        )
        step = SAMPLE_RATE // FPS
        # Audio and video are encoded in time order, a tenth of a second at a time,
        # so the file is interleaved as a camera's recording would be.
        for index in range(int(seconds * FPS)):
            picture.pts = index
            picture.time_base = Fraction(1, FPS)
            container.mux(video.encode(picture))
            piece = track[index * step : (index + 1) * step]
            frame = av.AudioFrame.from_ndarray(piece.reshape(1, -1), format="flt", layout="mono")
            frame.sample_rate = SAMPLE_RATE
            frame.pts = index * step
            frame.time_base = Fraction(1, SAMPLE_RATE)
            for resampled in resampler.resample(frame):
                container.mux(audio.encode(resampled))
        for resampled in resampler.resample(None):
            container.mux(audio.encode(resampled))
        container.mux(video.encode(None))
        container.mux(audio.encode(None))
    return path
