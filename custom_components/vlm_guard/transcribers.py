"""Speech to text for the cameras: the shared faster-whisper model, or an HA stt entity."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection, Mapping
from dataclasses import dataclass
import time
from typing import Any, Protocol

from homeassistant.components import stt
from homeassistant.core import HomeAssistant
from homeassistant.util.hass_dict import HassKey

from .const import (
    CONF_TRANSCRIBER,
    CONF_WHISPER_COMPUTE_TYPE,
    CONF_WHISPER_DEVICE,
    CONF_WHISPER_MODEL,
    DOMAIN,
    TRANSCRIBER_WHISPER,
)
from .core.audio import SAMPLE_RATE, AudioChunk
from .core.transcribe import (
    DEFAULT_MODEL,
    Transcriber,
    TranscriberError,
    Transcript,
    WhisperSettings,
)

# Only this many chunks are transcribed at once across every camera that
# shares a model: whisper on a CPU takes seconds per chunk.
MAX_TRANSCRIPTIONS = 1
STT_LANGUAGE = "en"
STT_CHUNK_BYTES = 32000


@dataclass(slots=True)
class SharedModel:
    """A faster-whisper model and the queue every camera waits in to use it."""

    transcriber: Transcriber
    turns: asyncio.Semaphore


DATA_MODELS: HassKey[dict[WhisperSettings, SharedModel]] = HassKey(f"{DOMAIN}_models")


def whisper_settings(hass: HomeAssistant, options: Mapping[str, Any]) -> WhisperSettings:
    """Return the faster-whisper settings of a server entry's options."""
    return WhisperSettings(
        model=str(options.get(CONF_WHISPER_MODEL) or DEFAULT_MODEL),
        device=str(options.get(CONF_WHISPER_DEVICE) or "cpu"),
        compute_type=str(options.get(CONF_WHISPER_COMPUTE_TYPE) or "int8"),
        download_root=hass.config.path(".vlm_guard", "whisper"),
        max_concurrent=MAX_TRANSCRIPTIONS,
    )


def shared_model(hass: HomeAssistant, settings: WhisperSettings) -> SharedModel:
    """Return the model for these settings; every camera using them shares one."""
    models = hass.data.setdefault(DATA_MODELS, {})
    if settings not in models:
        models[settings] = SharedModel(Transcriber(settings), asyncio.Semaphore(MAX_TRANSCRIPTIONS))
    return models[settings]


def release_models(hass: HomeAssistant, keep: Collection[WhisperSettings] = ()) -> None:
    """Forget the shared models no entry uses any more (all but `keep`); their memory is freed.

    A transcription under way keeps its model until it is done.
    """
    models = hass.data.get(DATA_MODELS, {})
    for settings in [settings for settings in models if settings not in keep]:
        del models[settings]


class SpeechEngine(Protocol):
    """Turns a chunk of audio into text."""

    name: str

    async def async_transcribe(self, chunk: AudioChunk) -> Transcript:
        """Return the transcript ('' when nobody speaks); raise TranscriberError."""


class WhisperEngine:
    """The built-in faster-whisper, run in an executor thread."""

    def __init__(self, hass: HomeAssistant, model: SharedModel) -> None:
        """Use a shared model."""
        self.hass = hass
        self.model = model
        self.name = model.transcriber.settings.model

    async def async_transcribe(self, chunk: AudioChunk) -> Transcript:
        """Transcribe in a worker thread, one chunk at a time per model."""
        async with self.model.turns:
            return await self.hass.async_add_executor_job(
                self.model.transcriber.transcribe, chunk.samples
            )


class SttEntityEngine:
    """A speech-to-text entity of Home Assistant (for example a Wyoming server)."""

    def __init__(self, hass: HomeAssistant, entity_id: str, vad: SharedModel) -> None:
        """Use `entity_id`; the whisper model's voice detector keeps silence away from it."""
        self.hass = hass
        self.entity_id = entity_id
        self.vad = vad
        self.name = entity_id

    async def async_transcribe(self, chunk: AudioChunk) -> Transcript:
        """Send the chunk as 16-bit PCM once voice detection finds speech in it."""
        speech, pcm = await self.hass.async_add_executor_job(_speech_and_pcm, self.vad, chunk)
        if speech <= 0.0:
            return Transcript("", STT_LANGUAGE, 0.0, chunk.duration, 0.0, 0.0)
        entity = stt.async_get_speech_to_text_entity(self.hass, self.entity_id)
        if entity is None:
            raise TranscriberError(
                "model_not_found", f"the speech-to-text entity {self.entity_id} does not exist"
            )
        metadata = stt.SpeechMetadata(
            language=STT_LANGUAGE,
            format=stt.AudioFormats.WAV,
            codec=stt.AudioCodecs.PCM,
            bit_rate=stt.AudioBitRates.BITRATE_16,
            sample_rate=stt.AudioSampleRates.SAMPLERATE_16000,
            channel=stt.AudioChannels.CHANNEL_MONO,
        )

        async def _stream() -> AsyncIterator[bytes]:
            for start in range(0, len(pcm), STT_CHUNK_BYTES):
                yield pcm[start : start + STT_CHUNK_BYTES]

        started = time.monotonic()
        result = await entity.async_process_audio_stream(metadata, _stream())
        if result.result is not stt.SpeechResultState.SUCCESS:
            raise TranscriberError(
                "load_failed", f"the speech-to-text entity {self.entity_id} returned an error"
            )
        return Transcript(
            (result.text or "").strip(),
            STT_LANGUAGE,
            1.0,
            len(chunk.samples) / SAMPLE_RATE,
            speech,
            time.monotonic() - started,
        )


def _speech_and_pcm(vad: SharedModel, chunk: AudioChunk) -> tuple[float, bytes]:
    """Find the speech in a chunk and, if any, its 16-bit PCM (blocking, in a worker)."""
    speech = vad.transcriber.speech_seconds(chunk.samples)
    if speech <= 0.0:
        return speech, b""
    return speech, (chunk.samples.clip(-1.0, 1.0) * 32767).astype("<i2").tobytes()


def create_engine(hass: HomeAssistant, options: Mapping[str, Any]) -> SpeechEngine:
    """Return the speech engine a server entry's options choose."""
    model = shared_model(hass, whisper_settings(hass, options))
    choice = str(options.get(CONF_TRANSCRIBER) or TRANSCRIBER_WHISPER)
    if choice == TRANSCRIBER_WHISPER:
        return WhisperEngine(hass, model)
    return SttEntityEngine(hass, choice, model)
