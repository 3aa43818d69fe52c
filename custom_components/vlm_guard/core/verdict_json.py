"""Read a VLM's JSON answer, including JSON wrapped in prose, relaxed or cut off.

Models wrap the object in prose or code fences, write Python's quoting, nest
the answer one level down, or stop mid-object at the token limit. A cut-off
answer is believed only when it cannot hide a veto of its ALERT.
"""

from __future__ import annotations

from collections.abc import Mapping
import json
import re
from typing import Any

from .phrases import VerdictPhrases
from .verdict_guards import guard
from .verdict_types import (
    RULE_HEDGE,
    RULE_JSON_ALERT,
    RULE_JSON_CLEAR,
    RULE_NEGATION,
    RULE_OFF_PROPERTY,
    RULE_UNPARSEABLE,
    Verdict,
    clip,
)
from .verdict_words import (
    count_verdicts,
    is_retracted,
    is_undecided,
    is_unsure_alert,
    verdict_words,
)

# Each failed decode reads on to where the JSON breaks, so the number of tries is capped.
JSON_ATTEMPTS = 16
# Where a JSON object starts: a brace followed by a key.
JSON_START = re.compile(r"\{\s*[\"']?[A-Za-z_][\w -]{0,30}[\"']?\s*:")
# One "key": value pair of JSON or a Python dict, tolerant of single quotes,
# True/False/None and trailing commas; an unterminated string never matches.
_JSON_PAIR = re.compile(
    r"[\"']?(?P<key>[A-Za-z_][\w -]{0,30}?)[\"']?\s*:\s*"
    r"(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
    r"|true|false|True|False|null|None|-?\d+(?:\.\d+)?)"
)
# The keys a model may put its verdict under, in the order they are looked for.
_JSON_VERDICT_KEYS = ("verdict", "decision", "classification")
# How models write false when they write it as a string.
_FALSE_WORDS = frozenset({"false", "no", "0", "n", "off"})


def json_object(text: str) -> tuple[dict[str, Any], int] | None:
    """Return the first JSON object in the text and where it ends (models wrap it in prose)."""
    decoder = json.JSONDecoder()
    start = text.find("{")
    # Each failed attempt reads to where the JSON breaks: cap them, or a long run of
    # broken nested objects would cost quadratic time.
    for _ in range(JSON_ATTEMPTS):
        if start == -1:
            break
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            start = text.find("{", start + 1)
            continue
        return (value, end) if isinstance(value, dict) else None
    return None


def from_broken_json(text: str, phrases: VerdictPhrases) -> Verdict | None:
    """Read JSON that does not parse: relaxed syntax, or cut off by the token limit."""
    fields: dict[str, Any] = {}
    for pair in _JSON_PAIR.finditer(text):
        fields.setdefault(pair["key"], _json_value(pair["value"]))
    keys = {_key(key) for key in fields}
    # Complete but not quite JSON: single quotes, True/False, a trailing comma.
    if text.count("{") <= text.count("}"):
        return from_json(fields, phrases)
    description = clip(_description_of(_normalised_keys(fields)) or text)
    # Cut off after every field the prompt asks for: nothing the rules need is missing.
    if {"verdict", "description", "onproperty"} <= keys:
        return from_json(fields, phrases) or Verdict(False, description, RULE_UNPARSEABLE)
    # Cut off earlier: the description and on_property that could veto an ALERT
    # are lost, so only a complete CLEAR is believed.
    raw = _verdict_value(_normalised_keys(fields))
    if isinstance(raw, str) and verdict_words(raw) == {"CLEAR"}:
        return Verdict(False, description, RULE_JSON_CLEAR)
    return Verdict(False, description, RULE_UNPARSEABLE)


def _json_value(raw: str) -> Any:
    """Return the Python value of one relaxed JSON literal."""
    literals: dict[str, Any] = {"true": True, "false": False, "null": None, "none": None}
    if raw.lower() in literals:
        return literals[raw.lower()]
    if raw.startswith('"'):
        try:
            return json.loads(raw)
        except ValueError:
            return raw[1:-1]
    if raw.startswith("'"):
        return raw[1:-1]
    return float(raw)


def _key(key: object) -> str:
    """Return a key reduced to its letters: "On_Property", "onProperty" -> "onproperty"."""
    return re.sub(r"[^a-z]", "", str(key).lower())


def _normalised_keys(payload: Mapping[Any, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in payload.items():
        result.setdefault(_key(key), value)
    return result


def _verdict_value(fields: dict[str, Any]) -> object:
    for key in _JSON_VERDICT_KEYS:
        if key in fields:
            return fields[key]
    return None


def _description_of(fields: dict[str, Any]) -> str:
    description = fields.get("description", fields.get("reason", ""))
    if description is None:
        return ""
    return description if isinstance(description, str) else str(description)


def from_json(
    payload: Mapping[Any, Any], phrases: VerdictPhrases, after: str = ""
) -> Verdict | None:
    """Return the verdict a parsed JSON answer gives, or None when it holds no verdict."""
    fields = _normalised_keys(payload)
    raw = _verdict_value(fields)
    if raw is None:
        # Some models nest the answer one level down: {"result": {"verdict": ...}}.
        for value in payload.values():
            if isinstance(value, dict):
                nested = _normalised_keys(value)
                if _verdict_value(nested) is not None:
                    fields, raw = nested, _verdict_value(nested)
                    break
    if raw is None and isinstance(fields.get("alert"), bool):
        raw = "ALERT" if fields["alert"] else "CLEAR"
    if not isinstance(raw, str):
        return None
    description = _description_of(fields)
    words = verdict_words(raw)
    if not words:
        # The model filled the verdict in but with neither word: it did not decide.
        rule = RULE_HEDGE if is_undecided(raw) else RULE_UNPARSEABLE
        return Verdict(False, clip(description), rule)
    if len(words) > 1 or is_unsure_alert(raw):
        return Verdict(False, clip(description), RULE_HEDGE)
    if re.search(r"(?<![A-Za-z])(?:no|not|never)(?![A-Za-z])", raw, re.IGNORECASE):
        return Verdict(False, clip(description), RULE_NEGATION)
    if words == {"CLEAR"}:
        return Verdict(False, clip(description), RULE_JSON_CLEAR)
    if _is_false(fields.get("onproperty", True)):
        return Verdict(False, clip(description), RULE_OFF_PROPERTY)
    if after.strip() and (count_verdicts(after)[1] or is_retracted(after)):
        # "{...ALERT...} On second thought, CLEAR": the model took it back.
        return Verdict(False, clip(description), RULE_HEDGE)
    veto = guard(f"{description}\n{after}".strip(), phrases)
    if veto is not None:
        return Verdict(False, clip(description), veto)
    return Verdict(True, clip(description), RULE_JSON_ALERT)


def _is_false(value: object) -> bool:
    """Return True for false as models write it: false, 0, "false", "no"."""
    if isinstance(value, str):
        return value.strip().lower() in _FALSE_WORDS
    if isinstance(value, bool):
        return not value
    return isinstance(value, int | float) and value == 0
