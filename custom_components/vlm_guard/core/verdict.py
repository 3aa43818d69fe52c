"""Read a VLM's answer into a verdict, the careful way: the order the rules run in.

Every rule exists because its absence once produced a real false alarm. When in
doubt the answer is CLEAR: missing an event beats waking the owner at 3 AM for
nothing. JSON answers are read in verdict_json.py, verdict words and hedges in
verdict_words.py, the vetoes (negation, location, shadow) in verdict_guards.py,
and the phrase lists a camera can extend in phrases.py; `parse_verdict(text)`
uses the built-in lists.
"""

from __future__ import annotations

import re

from .phrases import (
    DEFAULT_LOCATIONS,
    DEFAULT_NEGATIONS,
    DEFAULT_PHRASES,
    DEFAULT_SHADOWS,
    DEFAULT_SUBJECTS,
    CompiledPhrases,
    VerdictPhrases,
    literal_phrase,
    normalise,
    strip_markup,
)
from .verdict_guards import guard, has_subject

# The readers keep their private names here: tests drive them directly.
from .verdict_json import (
    JSON_START as _JSON_START,
    from_broken_json as _from_broken_json,
    from_json as _from_json,
    json_object as _json_object,
)
from .verdict_types import (
    RULE_ALERT,
    RULE_CLEAR,
    RULE_HEDGE,
    RULE_JSON_ALERT,
    RULE_JSON_CLEAR,
    RULE_LOCATION,
    RULE_NEGATION,
    RULE_NO_SUBJECT,
    RULE_OFF_PROPERTY,
    RULE_SHADOW,
    RULE_SUBJECT,
    RULE_UNPARSEABLE,
    Verdict,
    clip as _clip,
)
from .verdict_words import count_verdicts, description_after_verdict, is_hedged

__all__ = [
    "DEFAULT_LOCATIONS",
    "DEFAULT_NEGATIONS",
    "DEFAULT_PHRASES",
    "DEFAULT_SHADOWS",
    "DEFAULT_SUBJECTS",
    "RULE_ALERT",
    "RULE_CLEAR",
    "RULE_HEDGE",
    "RULE_JSON_ALERT",
    "RULE_JSON_CLEAR",
    "RULE_LOCATION",
    "RULE_NEGATION",
    "RULE_NO_SUBJECT",
    "RULE_OFF_PROPERTY",
    "RULE_SHADOW",
    "RULE_SUBJECT",
    "RULE_UNPARSEABLE",
    "CompiledPhrases",
    "Verdict",
    "VerdictPhrases",
    "literal_phrase",
    "parse_verdict",
]

_OFF_PROPERTY_TEXT = re.compile(
    r"on[ _-]?property[\"'*_`]*\s*[:=][\s\"'*_`]*(?:false|no)(?!\w)", re.IGNORECASE
)
# Words nearly every English sentence has; an answer with none of them (and
# no verdict or subject) is garbage, not a description of an empty scene.
_FUNCTION_WORD = re.compile(
    r"(?<![\w'])(?:a|an|the|is|are|was|were|be|been|of|in|on|at|to|with|and|or|no|not"
    r"|nothing|there|it|its|this|that|i|see|can|only|just|some|any|all)(?![\w'])",
    re.IGNORECASE,
)


def parse_verdict(text: str, *, phrases: VerdictPhrases | None = None) -> Verdict:
    """Return the verdict of a VLM answer (JSON or free text); never raises."""
    try:
        return _parse(
            text if isinstance(text, str) else str(text),
            DEFAULT_PHRASES if phrases is None else phrases,
        )
    except Exception:  # noqa: BLE001 - a parser bug must never become an alert
        try:
            description = _clip(str(text))
        except Exception:  # noqa: BLE001 - not even the text could be shown
            description = ""
        return Verdict(False, description, RULE_UNPARSEABLE)


def _parse(text: str, phrases: VerdictPhrases) -> Verdict:
    """Return the verdict of an answer: its JSON when it has one, else its text."""
    cleaned = normalise(text)
    if not any(char.isalpha() for char in cleaned):
        return Verdict(False, _clip(cleaned), RULE_UNPARSEABLE)
    # JSON as written first (its strings may hold curly quotes), then with
    # look-alike characters made plain (a model that quotes its keys with them).
    source = strip_markup(text)
    found = _json_object(source)
    if found is None:
        source = cleaned
        found = _json_object(source)
    if found is not None:
        payload, end = found
        # Prose after the JSON ("Note: he is on the street") can still veto an ALERT.
        verdict = _from_json(payload, phrases, normalise(source[end:]))
        if verdict is not None:
            return verdict
    else:
        start = _JSON_START.search(cleaned)
        if start is not None:
            verdict = _from_broken_json(cleaned[start.start() :], phrases)
            if verdict is not None:
                return verdict
    return _from_text(cleaned, phrases)


def _from_text(text: str, phrases: VerdictPhrases) -> Verdict:
    """Return the verdict of a free-text answer; hedges and vetoes come before an ALERT."""
    description = _clip(description_after_verdict(text))
    if is_hedged(text):
        return Verdict(False, description, RULE_HEDGE)
    alerts, clears, denied = count_verdicts(text)
    if alerts and clears:
        # Different lines, different verdicts: the model changed its mind.
        return Verdict(False, description, RULE_HEDGE)
    if clears:
        return Verdict(False, description, RULE_CLEAR)
    if denied and not alerts:
        return Verdict(False, description, RULE_NEGATION)
    if _OFF_PROPERTY_TEXT.search(text):
        return Verdict(False, description, RULE_OFF_PROPERTY)
    veto = guard(text, phrases)
    if veto is not None:
        return Verdict(False, description, veto)
    if alerts:
        return Verdict(True, description, RULE_ALERT)
    if has_subject(text, phrases):
        return Verdict(True, description, RULE_SUBJECT)
    if not _FUNCTION_WORD.search(text):
        return Verdict(False, description, RULE_UNPARSEABLE)
    return Verdict(False, description, RULE_NO_SUBJECT)
