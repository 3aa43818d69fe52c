"""Decide whether a transcript is noise, urgent, or worth an alert after a visual one.

Whisper invents text on noise ("thank you for watching", "you", loops of one
word) and hears street chatter that means nothing. A transcript therefore only
alerts when the same camera confirmed a visual alert shortly before, unless it
holds an urgent word (help, fire, police...), which always alerts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
import re
from typing import Final

DEFAULT_GATE_WINDOW: Final = 120.0

DEFAULT_NOISE_PHRASES: Final = (
    "thank you for watching",
    "thanks for watching",
    "thank you so much for watching",
    "please subscribe",
    "like and subscribe",
    "subscribe",
    "don't forget to subscribe",
    "see you next time",
    "see you in the next video",
    "subtitles by the amara org community",
    "subtitles by",
    "transcribed by",
    "amara org",
    "thank you",
    "thanks",
    "you",
    "bye",
    "okay",
    "oh",
    "uh",
    "um",
    "hmm",
    "so",
    "music",
    "applause",
    "laughter",
    "silence",
    "blank audio",
    "inaudible",
)

DEFAULT_URGENT_WORDS: Final = (
    "help",
    "emergency",
    "fire",
    "police",
    "stop",
    "ambulance",
    "call 911",
    "call nine one one",
    "intruder",
    "burglar",
    "thief",
    "get out",
    "let me go",
    "leave me alone",
    "gun",
    "knife",
    "don't shoot",
)

# "[Music]", "(applause)", "*laughs*", "♪ ... ♪": annotations, not speech.
_ANNOTATION = re.compile(r"\[[^\]]*\]|\([^)]*\)|\*[^*]*\*|[♪♫]+[^♪♫]*[♪♫]*")
_WORD = re.compile(r"[a-z0-9']+")
# A loop of one word (or a few) is Whisper's signature hallucination.
MIN_WORDS_FOR_LOOP: Final = 6
LOOP_SHARE: Final = 0.5

REASON_EMPTY: Final = "empty"
REASON_NOISE: Final = "noise"
REASON_URGENT: Final = "urgent"
REASON_VISUAL_ALERT: Final = "visual_alert"
REASON_NO_VISUAL_ALERT: Final = "no_visual_alert"


def words(text: str) -> list[str]:
    """Return the lower-case words of a text, annotations and punctuation removed."""
    return _WORD.findall(_ANNOTATION.sub(" ", text.lower().replace("\u2019", "'")))


def _phrase_words(phrases: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    """Normalise phrases to word tuples, longest first, dropping empty ones."""
    split = {tuple(words(phrase)) for phrase in phrases}
    return tuple(sorted((p for p in split if p), key=len, reverse=True))


def _find(sequence: list[str], phrase: tuple[str, ...]) -> int:
    """Return the index where `phrase` starts in `sequence`, or -1."""
    size = len(phrase)
    for start in range(len(sequence) - size + 1):
        if tuple(sequence[start : start + size]) == phrase:
            return start
    return -1


@dataclass(frozen=True, slots=True)
class SpeechRules:
    """The phrase lists a transcript is judged by."""

    noise: tuple[tuple[str, ...], ...]
    urgent: tuple[tuple[str, ...], ...]

    @classmethod
    def build(
        cls, *, extra_noise: Iterable[str] = (), extra_urgent: Iterable[str] = ()
    ) -> SpeechRules:
        """Return the default lists plus a camera's own phrases."""
        return cls(
            noise=_phrase_words([*DEFAULT_NOISE_PHRASES, *extra_noise]),
            urgent=_phrase_words([*DEFAULT_URGENT_WORDS, *extra_urgent]),
        )

    def urgent_words(self, sequence: list[str]) -> list[str]:
        """Return the urgent phrases the words contain."""
        return [" ".join(p) for p in self.urgent if _find(sequence, p) >= 0]

    def is_noise(self, sequence: list[str], *, urgent: bool) -> bool:
        """Return True for text made only of noise phrases, or a loop of one word."""
        rest = list(sequence)
        for phrase in self.noise:
            while (start := _find(rest, phrase)) >= 0:
                del rest[start : start + len(phrase)]
        if not rest:
            return True
        if urgent or len(sequence) < MIN_WORDS_FOR_LOOP:
            return False
        _, most = Counter(sequence).most_common(1)[0]
        return most / len(sequence) > LOOP_SHARE


DEFAULT_RULES: Final = SpeechRules.build()


@dataclass(frozen=True, slots=True)
class SpeechDecision:
    """What a transcript means for the owner."""

    alert: bool
    urgent: bool
    gated: bool
    """True when a recent visual alert let a non-urgent transcript through."""
    reason: str
    urgent_words: tuple[str, ...] = ()


def gate_open(
    visual_alerts: Iterable[float], heard_from: float, heard_until: float, window: float
) -> bool:
    """Return True when speech heard in [heard_from, heard_until] follows a visual alert.

    The gate is measured from when the words were heard, not from when their
    transcription finished: a slow model or a queue must not close it. Speech
    overlapping the `window` seconds after any confirmed visual alert passes.
    """
    return any(alert <= heard_until and heard_from - alert <= window for alert in visual_alerts)


def judge_transcript(
    text: str,
    *,
    heard_from: float,
    heard_until: float | None = None,
    visual_alerts: Iterable[float] = (),
    window: float = DEFAULT_GATE_WINDOW,
    rules: SpeechRules = DEFAULT_RULES,
) -> SpeechDecision:
    """Judge a transcript of sound heard from `heard_from` to `heard_until`.

    Times are seconds on the same clock as `visual_alerts`, the times of the
    camera's recent confirmed visual alerts.
    """
    sequence = words(text)
    if not sequence:
        return SpeechDecision(False, False, False, REASON_EMPTY)
    found = tuple(rules.urgent_words(sequence))
    if rules.is_noise(sequence, urgent=bool(found)):
        return SpeechDecision(False, False, False, REASON_NOISE)
    if found:
        return SpeechDecision(True, True, False, REASON_URGENT, found)
    until = heard_from if heard_until is None else heard_until
    if gate_open(visual_alerts, heard_from, until, window):
        return SpeechDecision(True, False, True, REASON_VISUAL_ALERT)
    return SpeechDecision(False, False, False, REASON_NO_VISUAL_ALERT)
