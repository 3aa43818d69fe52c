"""Read a VLM's answer into a verdict, the careful way.

Every rule here exists because its absence once produced a real false alarm:
negated subjects ("No people are visible"), hedged answers (ALERT and CLEAR on
one line), places that are not the property ("on the road beyond the gate") and
shadows or reflections. When in doubt the answer is CLEAR: missing an event
beats waking the owner at 3 AM for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
import json
import re
from typing import Any

NEGATION_LOOKBACK = 60
DESCRIPTION_MAX = 255

RULE_ALERT = "alert"
RULE_CLEAR = "clear"
RULE_JSON_ALERT = "json_alert"
RULE_JSON_CLEAR = "json_clear"
RULE_OFF_PROPERTY = "off_property"
RULE_HEDGE = "hedge"
RULE_NEGATION = "negation"
RULE_LOCATION = "location"
RULE_SHADOW = "shadow"
RULE_SUBJECT = "subject"
RULE_NO_SUBJECT = "no_subject"
RULE_UNPARSEABLE = "unparseable"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The decision read from one VLM answer and the rule that made it."""

    alert: bool
    description: str
    rule: str


# Verdict words count when written as asked (upper case) or labelled
# ("Verdict: alert", or a line starting with it); "no need to alert" does not.
_VERDICT_WORD = re.compile(
    r"\b(ALERT|CLEAR)\b|(?:^|\b(?i:verdict|answer|decision|status|result)\s*[:=-]?)"
    r"[\s*`\"']*(?i:(alert|clear))\b",
    re.MULTILINE,
)
_UPPER_ALERT = re.compile(r"\bALERT\b")
_UPPER_CLEAR = re.compile(r"\bCLEAR\b")
_NEGATED_VERDICT = re.compile(r"\b(?:no|not|never)\W{1,3}$", re.IGNORECASE)
_SUBJECT = re.compile(
    r"\b(?:person|people|persons|man|men|woman|women|child|children|kid|kids|"
    r"individual|individuals|someone|somebody|intruder|intruders|burglar|"
    r"human|humans|figure|visitor|visitors|pedestrian|pedestrians|"
    r"vehicle|vehicles|car|cars|truck|trucks|van|vans|motorcycle|motorcycles|"
    r"bicycle|bicycles|bike|bikes|animal|animals|dog|dogs|cat|cats|fox|foxes|"
    r"deer|bear|bears|package|packages|parcel|fire|smoke|flames)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:no|not|without|nothing|none|neither|nor|never|absence of|free of|"
    r"lack of|devoid of|empty of|zero)\b|n't\b",
    re.IGNORECASE,
)
_SENTENCE_NEGATED = re.compile(
    r"^\W*(?:there\s+(?:are|is)\s+)?(?:no|not|without|nothing|none)\b.*\b"
    r"(?:visible|present|found|detected|seen|observed|apparent|in\s+view)\W*$",
    re.IGNORECASE | re.DOTALL,
)
_LOCATION = re.compile(
    r"\b(?:beyond|past|outside)\s+the\s+(?:gate|fence|wall|hedge|"
    r"property(?:\s+line)?|boundary)\b|"
    r"\b(?:on|along|in|across)\s+the\s+(?:public\s+)?(?:road|street|sidewalk|"
    r"pavement|footpath|highway)\b",
    re.IGNORECASE,
)
_SHADOW = re.compile(
    r"\b(?:shadows?|reflections?|silhouettes?)\s+of\b|\breflect(?:ed|ing|ion)\b|"
    r"\b(?:only|just)\s+(?:a\s+)?shadows?\b",
    re.IGNORECASE,
)
_SENTENCES = re.compile(r"(?<=[.!?;\n])\s+")


def parse_verdict(text: str) -> Verdict:
    """Return the verdict of a VLM answer (JSON or free text); never raises."""
    try:
        return _parse(text if isinstance(text, str) else str(text))
    except Exception:  # noqa: BLE001 - a parser bug must never become an alert
        return Verdict(False, _clip(str(text)), RULE_UNPARSEABLE)


def _parse(text: str) -> Verdict:
    stripped = text.strip()
    if not stripped:
        return Verdict(False, "", RULE_UNPARSEABLE)
    payload = _json_object(stripped)
    if payload is not None:
        verdict = _from_json(payload)
        if verdict is not None:
            return verdict
    return _from_text(stripped)


def _json_object(text: str) -> dict[str, Any] | None:
    """Return the first JSON object in the text (models wrap it in prose or fences)."""
    start = text.find("{")
    while start != -1:
        try:
            value, _ = json.JSONDecoder().raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        return value if isinstance(value, dict) else None
    return None


def _from_json(payload: dict[str, Any]) -> Verdict | None:
    lowered = {str(key).lower(): value for key, value in payload.items()}
    raw_verdict = lowered.get("verdict", lowered.get("decision"))
    if not isinstance(raw_verdict, str):
        return None
    description = lowered.get("description", "")
    description = description if isinstance(description, str) else str(description)
    decided = raw_verdict.strip().upper()
    if decided not in ("ALERT", "CLEAR"):
        return None
    if decided == "CLEAR":
        return Verdict(False, _clip(description), RULE_JSON_CLEAR)
    if lowered.get("on_property") is False:
        return Verdict(False, _clip(description), RULE_OFF_PROPERTY)
    guard = _guard(description)
    if guard is not None:
        return Verdict(False, _clip(description), guard)
    return Verdict(True, _clip(description), RULE_JSON_ALERT)


def _from_text(text: str) -> Verdict:
    description = _clip(_description(text))
    for line in text.splitlines():
        if _UPPER_ALERT.search(line) and _UPPER_CLEAR.search(line):
            return Verdict(False, description, RULE_HEDGE)
    match = _VERDICT_WORD.search(text)
    if match is not None:
        word = (match.group(1) or match.group(2)).upper()
        if word == "CLEAR":
            return Verdict(False, description, RULE_CLEAR)
        if _NEGATED_VERDICT.search(text[max(0, match.start() - 12) : match.start()]):
            return Verdict(False, description, RULE_NEGATION)
    guard = _guard(text)
    if guard is not None:
        return Verdict(False, description, guard)
    if match is not None:
        return Verdict(True, description, RULE_ALERT)
    if _has_subject(text):
        return Verdict(True, description, RULE_SUBJECT)
    return Verdict(False, description, RULE_NO_SUBJECT)


def _guard(text: str) -> str | None:
    """Return the rule that turns an apparent alert into CLEAR, if any."""
    if _LOCATION.search(text):
        return RULE_LOCATION
    if _SHADOW.search(text):
        return RULE_SHADOW
    subjects = list(_SUBJECT.finditer(text))
    if subjects and not _has_subject(text):
        return RULE_NEGATION
    return None


def _has_subject(text: str) -> bool:
    """Return True when some sentence mentions a subject that is not negated."""
    for sentence in _SENTENCES.split(text):
        if _SENTENCE_NEGATED.match(sentence.strip()):
            continue
        for subject in _SUBJECT.finditer(sentence):
            before = sentence[max(0, subject.start() - NEGATION_LOOKBACK) : subject.start()]
            if not _NEGATION.search(before):
                return True
    return False


def _description(text: str) -> str:
    """Return the human part of the answer: what follows the verdict word."""
    match = _VERDICT_WORD.search(text)
    rest = text[match.end() :] if match is not None else text
    rest = rest.strip().strip("-:*` \n")
    return " ".join(rest.split()) or " ".join(text.split())


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"
