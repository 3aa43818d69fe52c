"""Speech to text with faster-whisper: one lazily loaded model shared by every camera."""

from __future__ import annotations

from dataclasses import dataclass
import os
from pathlib import Path
import threading
import time
from typing import Any, Final

from faster_whisper import WhisperModel, transcribe as faster_whisper_transcribe
from faster_whisper.utils import available_models, download_model
from faster_whisper.vad import VadOptions, get_speech_timestamps
from huggingface_hub.errors import RepositoryNotFoundError, RevisionNotFoundError
import numpy as np

from .redact import mask_text

SAMPLE_RATE: Final = 16000
MODEL_NAMES: Final = ("tiny.en", "base.en", "small.en", "medium.en")
DEFAULT_MODEL: Final = "base.en"

# faster-whisper creates a (disabled) tqdm progress bar for every transcription,
# and tqdm starts a monitor thread for it that then lives as long as the process.
# Nothing here ever shows a progress bar, so the thread is switched off.
faster_whisper_transcribe.tqdm.monitor_interval = 0

REASON_MODEL_NOT_FOUND: Final = "model_not_found"
REASON_DOWNLOAD_FAILED: Final = "download_failed"
REASON_LOAD_FAILED: Final = "load_failed"

# A beam of 5 costs ~7 % more CPU than greedy decoding on short sentences, but
# greedy heard "Help!" as "Hell" and, when unsure, falls back to random sampling
# (a different transcript on every run); the beam found the likelier words.
BEAM_SIZE: Final = 5
# The same VAD decides whether the model runs at all and, inside faster-whisper,
# which parts of the audio it hears, so the two never disagree.
_VAD: Final = VadOptions()
# Silero finds no speech in audio whose loudest 32 ms window is below about
# -65 dBFS, so audio under -75 dBFS (a muted or unplugged microphone) is
# declared silent without running it: 0.2 ms instead of ~50 ms per 15 s.
_SILENCE_RMS: Final = 10 ** (-75 / 20)
_WINDOW: Final = 512
_MAX_CAUSE: Final = 300


@dataclass(frozen=True, slots=True)
class WhisperSettings:
    """Which Whisper model to run, where, and how many transcriptions at once."""

    model: str = DEFAULT_MODEL
    device: str = "cpu"
    compute_type: str = "int8"
    download_root: str | None = None
    max_concurrent: int = 1


@dataclass(frozen=True, slots=True)
class Transcript:
    """What was said in one chunk of audio."""

    text: str
    language: str
    language_probability: float
    duration: float
    speech: float
    elapsed: float


class TranscriberError(Exception):
    """The model could not be found, downloaded or loaded."""

    def __init__(self, reason: str, message: str) -> None:
        """Keep a short machine key next to the human sentence."""
        super().__init__(message)
        self.reason = reason


class Transcriber:
    """faster-whisper, loaded lazily once and shared; thread-safe; bounded concurrency."""

    def __init__(self, settings: WhisperSettings) -> None:
        """Describe the model; nothing is loaded until it is needed."""
        self.settings = settings
        self.calls = 0
        self._model: Any = None
        self._load_lock = threading.Lock()
        self._count_lock = threading.Lock()
        # Every camera shares this model: a burst of speech on many cameras
        # queues here instead of starving the CPU that decodes the streams.
        self._slots = threading.Semaphore(max(1, settings.max_concurrent))

    @property
    def loaded(self) -> bool:
        """Return True once the model is in memory."""
        return self._model is not None

    def load(self) -> None:
        """Find, download if needed, and load the model; blocking, idempotent."""
        if self._model is not None:
            return
        with self._load_lock:
            # Another thread may have loaded it while this one waited for the lock.
            if self._model is None:
                self._model = _load(self.settings)

    def speech_seconds(self, samples: np.ndarray) -> float:
        """Return how many seconds of speech the VAD finds in 16 kHz mono float32 samples."""
        audio = _mono(samples)
        if audio.size == 0:
            return 0.0
        if _loudest_rms(audio) < _SILENCE_RMS:
            return 0.0
        spans = get_speech_timestamps(audio, _VAD, sampling_rate=SAMPLE_RATE)
        return sum(int(span["end"]) - int(span["start"]) for span in spans) / SAMPLE_RATE

    def transcribe(self, samples: np.ndarray, *, language: str | None = "en") -> Transcript:
        """Transcribe 16 kHz mono float32 samples; blocking; silence never runs the model."""
        audio = _mono(samples)
        duration = audio.size / SAMPLE_RATE
        started = time.monotonic()
        speech = self.speech_seconds(audio)
        vad_time = time.monotonic() - started
        if speech == 0.0:
            return Transcript("", language or "", 0.0, duration, 0.0, vad_time)
        # Loaded only once speech is heard, so cameras that stay silent never
        # cost the memory (or the download) of a model.
        self.load()
        model = self._model
        if language is not None and model.supported_languages == ["en"]:
            # An English-only (.en) model would log a warning and use English anyway.
            language = "en"
        with self._slots:
            began = time.monotonic()
            with self._count_lock:
                self.calls += 1
            segments, info = model.transcribe(
                audio,
                language=language,
                beam_size=BEAM_SIZE,
                vad_filter=True,
                vad_parameters=_VAD,
                # Each chunk stands alone: conditioning on earlier text is what
                # makes Whisper loop on a phrase it once hallucinated.
                condition_on_previous_text=False,
            )
            # The segments are a lazy generator: decoding happens while it is
            # consumed, so it must be consumed while holding the slot.
            text = " ".join(part for segment in segments if (part := segment.text.strip()))
            elapsed = vad_time + time.monotonic() - began
        return Transcript(
            text=text,
            language=str(info.language),
            language_probability=float(info.language_probability),
            duration=duration,
            speech=speech,
            elapsed=elapsed,
        )


def _mono(samples: np.ndarray) -> np.ndarray:
    """Return the samples as a 1-D float32 array, refusing anything else."""
    audio = np.asarray(samples)
    if audio.ndim != 1:
        raise ValueError(f"expected mono samples (1-D), got shape {audio.shape}")
    # Integer PCM must be scaled to -1..1 by the caller: converted as it is,
    # it would look 90 dB too loud to the VAD and the model.
    if not np.issubdtype(audio.dtype, np.floating):
        raise ValueError(f"expected float samples in -1..1, got {audio.dtype}")
    return audio.astype(np.float32, copy=False)


def _loudest_rms(audio: np.ndarray) -> float:
    """Return the RMS of the loudest VAD-sized window."""
    usable = audio.size - audio.size % _WINDOW
    windows = audio[:usable].reshape(-1, _WINDOW) if usable else audio.reshape(1, -1)
    return float(np.sqrt(np.mean(np.square(windows), axis=1)).max())


def _cause(err: BaseException) -> str:
    """Return an exception's message on one line, short, with any credentials masked."""
    # Masked before it is shortened: a cut could leave half a URL the mask misses.
    text = mask_text(" ".join(str(err).split())) or type(err).__name__
    if len(text) > _MAX_CAUSE:
        text = text[: _MAX_CAUSE - 3] + "..."
    return text


def _load(settings: WhisperSettings) -> Any:
    """Resolve the model to a local directory and load it, mapping every failure."""
    path = _model_directory(settings)
    workers = max(1, settings.max_concurrent)
    # CTranslate2 uses 4 threads per call by default: on a 2-core machine that
    # only adds contention with the stream decoders.
    threads = max(1, min(4, (os.cpu_count() or 1) // workers))
    try:
        return WhisperModel(
            path,
            device=settings.device,
            compute_type=settings.compute_type,
            cpu_threads=threads,
            num_workers=workers,
        )
    except Exception as err:
        raise TranscriberError(
            REASON_LOAD_FAILED,
            f"Whisper model {mask_text(settings.model)} could not be loaded: {_cause(err)}",
        ) from err


def _model_directory(settings: WhisperSettings) -> str:
    """Return the local directory of the model, downloading it when it is a known name."""
    name = settings.model.strip()
    label = mask_text(name)
    local = Path(name).expanduser()
    if local.is_dir():
        return str(local)
    if local.is_absolute() or name.startswith((".", "~")):
        raise TranscriberError(
            REASON_MODEL_NOT_FOUND, f"Whisper model directory {label} does not exist"
        )
    # A bare name must be one faster-whisper knows; "owner/name" is a Hugging Face repository.
    if "/" not in name and name not in available_models():
        raise TranscriberError(
            REASON_MODEL_NOT_FOUND,
            f"Whisper model {label} is neither a known model name "
            f"({', '.join(MODEL_NAMES)}, ...) nor a model directory",
        )
    try:
        # A model downloaded before is used without asking the network, so an
        # offline or slow connection does not delay every start.
        return str(download_model(name, local_files_only=True, cache_dir=settings.download_root))
    except (OSError, ValueError):
        pass  # Not downloaded yet (the hub's LocalEntryNotFoundError), or not a repository.
    try:
        return str(download_model(name, cache_dir=settings.download_root))
    except (RepositoryNotFoundError, RevisionNotFoundError, ValueError) as err:
        # ValueError: the hub's HFValidationError, a name that cannot be a repository.
        raise TranscriberError(
            REASON_MODEL_NOT_FOUND, f"Whisper model {label} does not exist on Hugging Face"
        ) from err
    except Exception as err:
        raise _download_failed(label, err) from err


def _download_failed(label: str, err: BaseException) -> TranscriberError:
    """Return the error for a download that could not complete (network, disk)."""
    # The hub wraps the network error in a long generic paragraph; the error it
    # wraps ("ConnectError: Name or service not known") says what went wrong.
    root = err
    while root.__cause__ is not None:
        root = root.__cause__
    cause = _cause(err) if root is err else f"{type(root).__name__}: {_cause(root)}"
    return TranscriberError(
        REASON_DOWNLOAD_FAILED,
        f"Whisper model {label} could not be downloaded from Hugging Face: {cause}",
    )
