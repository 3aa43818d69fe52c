"""Transcript rules and audio chunking: noise dropped, urgent words, the visual-alert gate."""

from __future__ import annotations

from hypothesis import given, strategies as st
import numpy as np
import pytest

from custom_components.vlm_guard.core.audio import (
    SAMPLE_RATE,
    AudioChunk,
    AudioChunker,
    loudness_dbfs,
)
from custom_components.vlm_guard.core.speech import (
    REASON_EMPTY,
    REASON_NO_VISUAL_ALERT,
    REASON_NOISE,
    REASON_URGENT,
    REASON_VISUAL_ALERT,
    SpeechRules,
    gate_open,
    judge_transcript,
)


@pytest.mark.parametrize(
    "text",
    [
        "Thank you for watching!",
        " Thanks for watching. Please subscribe.",
        "you",
        "...",
        "[Music]",
        "(applause) ♪ la la ♪",
        "Subtitles by the Amara.org community",
        "the the the the the the the the",
        "Okay. Okay. Okay. Okay. Okay. Okay. Okay.",
        "Bye. Bye. Bye.",
    ],
)
def test_whisper_noise_never_alerts(text: str) -> None:
    """Hallucinations and annotations are dropped, even right after a visual alert."""
    decision = judge_transcript(text, heard_from=10.0, visual_alerts=[5.0])
    assert not decision.alert
    assert decision.reason in (REASON_NOISE, REASON_EMPTY)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Help! Somebody help me!", ("help",)),
        ("Call the police, there's a fire.", ("police", "fire")),
        ("STOP, get out of my house", ("get out", "stop")),
        ("help help help help help help help", ("help",)),
        ("He has a knife, call 911", ("call 911", "knife")),
    ],
)
def test_urgent_words_bypass_the_gate(text: str, expected: tuple[str, ...]) -> None:
    """An urgent sentence alerts with no visual alert at all and names its words."""
    decision = judge_transcript(text, heard_from=1000.0)
    assert decision.alert
    assert decision.urgent
    assert decision.reason == REASON_URGENT
    assert sorted(decision.urgent_words) == sorted(expected)


def test_urgent_words_match_whole_words_only() -> None:
    """'fireplace' or 'helpful' is not an urgent word."""
    decision = judge_transcript("The fireplace was helpful tonight", heard_from=0.0)
    assert not decision.alert
    assert decision.reason == REASON_NO_VISUAL_ALERT


def test_plain_speech_needs_a_recent_visual_alert() -> None:
    """Chatter alerts only within the window after a confirmed visual alert."""
    text = "Is anybody home? I have a parcel for number twelve."
    assert not judge_transcript(text, heard_from=500.0).alert
    inside = judge_transcript(text, heard_from=500.0, visual_alerts=[400.0], window=120.0)
    assert inside.alert
    assert inside.gated
    assert not inside.urgent
    assert inside.reason == REASON_VISUAL_ALERT
    outside = judge_transcript(text, heard_from=521.0, visual_alerts=[400.0], window=120.0)
    assert not outside.alert
    assert outside.reason == REASON_NO_VISUAL_ALERT


def test_the_gate_counts_from_when_speech_was_heard() -> None:
    """Speech heard during an alert passes, however late its transcription finishes."""
    text = "Is anybody home? I have a parcel for number twelve."
    # Heard from 95 s to 110 s; the visual alert came at 100 s, mid-chunk.
    during = judge_transcript(
        text, heard_from=95.0, heard_until=110.0, visual_alerts=[100.0], window=120.0
    )
    assert during.gated
    # Heard entirely before the visual alert: not news yet.
    before = judge_transcript(
        text, heard_from=80.0, heard_until=95.0, visual_alerts=[100.0], window=120.0
    )
    assert not before.alert
    # A later alert does not hide an earlier one whose window the speech falls in.
    both = judge_transcript(
        text, heard_from=130.0, heard_until=145.0, visual_alerts=[100.0, 300.0], window=60.0
    )
    assert both.gated
    assert gate_open([100.0], 220.0, 235.0, 120.0) is True
    assert gate_open([100.0], 220.5, 235.0, 120.0) is False
    assert gate_open([], 0.0, 10.0, 120.0) is False


def test_a_cameras_own_phrases() -> None:
    """Extra urgent words alert; extra noise phrases are dropped."""
    rules = SpeechRules.build(extra_urgent=["open the gate"], extra_noise=["ice cream truck"])
    assert judge_transcript("Open the gate now", heard_from=0.0, rules=rules).urgent
    noise = judge_transcript("Ice cream truck!", heard_from=1.0, visual_alerts=[0.0], rules=rules)
    assert noise.reason == REASON_NOISE


@given(st.text())
def test_any_text_is_judged_without_error(text: str) -> None:
    """Whatever the model returns, a decision comes back."""
    decision = judge_transcript(text, heard_from=1.0, visual_alerts=[0.5])
    assert decision.alert in (True, False)


def _tone(seconds: float, level: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE), dtype=np.float32) / SAMPLE_RATE
    return (level * np.sin(2 * np.pi * 440 * t)).astype(np.float32)


def test_loudness() -> None:
    """A full-scale sine is about -3 dBFS; silence is -inf; a short shout counts."""
    assert loudness_dbfs(_tone(1.0, 1.0)) == pytest.approx(-3.0, abs=0.1)
    assert loudness_dbfs(np.zeros(16000, np.float32)) == float("-inf")
    quiet = np.concatenate([np.zeros(15 * SAMPLE_RATE, np.float32), _tone(0.3, 0.5)])
    assert loudness_dbfs(quiet) > -10.0


def test_chunker_passes_loud_chunks_and_counts_silent_ones() -> None:
    """Samples written in odd sizes come out as exact chunks; silent ones stop here."""
    chunks: list[AudioChunk] = []
    chunker = AudioChunker(chunks.append, chunk_seconds=2.0)
    rng = np.random.default_rng(1)
    hiss = (rng.standard_normal(5 * SAMPLE_RATE) * 0.0005).astype(np.float32)  # -66 dBFS
    signal = np.concatenate([hiss, _tone(2.0, 0.3), hiss[:SAMPLE_RATE]])
    for start in range(0, len(signal), 1021):
        chunker.write(signal[start : start + 1021], SAMPLE_RATE, 100.0 + start / SAMPLE_RATE)
    assert chunker.chunks == 4
    assert chunker.silent == 2
    assert [len(c.samples) for c in chunks] == [2 * SAMPLE_RATE] * 2
    assert chunks[0].started == pytest.approx(104.0, abs=0.1)
    assert chunks[0].duration == 2.0


def test_chunker_reset_drops_the_partial_chunk() -> None:
    """After a reconnect the next chunk starts fresh, never mixing two connections."""
    chunks: list[AudioChunk] = []
    chunker = AudioChunker(chunks.append, chunk_seconds=2.0)
    chunker.write(_tone(1.5, 0.3), SAMPLE_RATE, 10.0)
    chunker.reset()
    chunker.write(_tone(1.5, 0.3), SAMPLE_RATE, 50.0)
    assert chunks == []
    chunker.write(_tone(0.5, 0.3), SAMPLE_RATE, 50.5)
    assert len(chunks) == 1
    assert chunks[0].started == pytest.approx(48.5, abs=0.01)


def test_chunker_resamples_what_it_passes_on() -> None:
    """An 8 kHz G.711 camera's chunk reaches speech recognition at 16 kHz, same length."""
    chunks: list[AudioChunk] = []
    chunker = AudioChunker(chunks.append, chunk_seconds=2.0)
    t = np.arange(3 * 8000, dtype=np.float32) / 8000
    chunker.write((0.3 * np.sin(2 * np.pi * 300 * t)).astype(np.float32), 8000, 10.0)
    assert len(chunks) == 1
    assert chunks[0].duration == pytest.approx(2.0, abs=0.01)
    assert chunks[0].samples.dtype == np.float32
    assert loudness_dbfs(chunks[0].samples) == pytest.approx(-13.5, abs=0.5)


def test_clips_play_back_as_what_was_heard() -> None:
    """The saved clip (OGG Opus, or WAV without libopus) holds the chunk's sound."""
    import io
    import wave

    import av

    from custom_components.vlm_guard.core.clip import encode_clip, encode_wav

    tone = _tone(3.0, 0.5)
    content, suffix = encode_clip(tone)
    assert suffix == ".ogg"
    with av.open(io.BytesIO(content)) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        assert sum(frame.samples for frame in container.decode(stream)) / stream.rate == (
            pytest.approx(3.0, abs=0.05)
        )
    with wave.open(io.BytesIO(encode_wav(tone))) as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getsampwidth()) == (1, SAMPLE_RATE, 2)
        samples = np.frombuffer(wav.readframes(wav.getnframes()), "<i2")
    assert len(samples) == len(tone)
    assert np.abs(samples / 32767 - tone).max() < 1e-3
