"""Read a VLM's answer into a verdict, the careful way.

Every rule here exists because its absence once produced a real false alarm:
negated subjects ("No people are visible"), hedged answers (ALERT and CLEAR on
one line), places that are not the property ("on the road beyond the gate"),
shadows or reflections, and answers cut off by the token limit. When in doubt
the answer is CLEAR: missing an event beats waking the owner at 3 AM for
nothing.

The phrase lists the rules use (subjects, negations, locations, shadows) live
in `VerdictPhrases` (phrases.py), so a camera can add its own ("in the
neighbour's garden") without touching the rules; `parse_verdict(text)` uses
the built-in lists.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
import json
import re
from typing import Any

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
)

__all__ = [
    "DEFAULT_LOCATIONS",
    "DEFAULT_NEGATIONS",
    "DEFAULT_PHRASES",
    "DEFAULT_SHADOWS",
    "DEFAULT_SUBJECTS",
    "CompiledPhrases",
    "Verdict",
    "VerdictPhrases",
    "literal_phrase",
    "parse_verdict",
]

NEGATION_LOOKBACK = 60
DESCRIPTION_MAX = 255
JSON_ATTEMPTS = 16
# A negation this close before a place or a shadow phrase negates that phrase
# only ("at the door, not on the street"); further back it belongs to something else.
PHRASE_NEGATION_LOOKBACK = 30
# How far back "not an ALERT", "no need to raise an ALERT" may start.
VERDICT_NEGATION_LOOKBACK = 40

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


# Fixed patterns: the grammar of an answer, not phrases a camera would tune.


# Verdict words count when written as asked (upper case), labelled ("Verdict:
# alert"), or alone at the start of a line ("alert\n", "Clear."); "the dog is
# alert" and "clear skies" do not.
_VERDICT_WORD = re.compile(
    r"(?<![A-Za-z])(?P<upper>ALERT|CLEAR)(?![A-Za-z])"
    r"|(?i:(?<![A-Za-z])(?:verdict|answer|decision|status|result|assessment|classification"
    r"|conclusion|rating|label)[\s*_`\"']*(?:is|would\s+be|[:=>\u2013\u2014-])?[\s*_`\"'\[(]*"
    r"(?:is\s+)?(?:an?\s+)?[\s*_`\"'\[(]*(?P<labelled>alert|clear)(?![A-Za-z]))"
    r"|(?i:^[ \t*_`\"'#>-]*(?P<leading>alert|clear)[ \t*_`\"']*(?=$|[:.!,;\u2013\u2014-]))",
    re.MULTILINE,
)
# "not an ALERT", "no need to raise an ALERT", "I don't think this is an ALERT".
_NEGATED_VERDICT = re.compile(
    r"(?:(?<![A-Za-z])(?:no|not|never|without|nothing)|n't)"
    r"(?:[^\w.!?;\n]+\w+){0,4}[^\w.!?;\n]*$",
    re.IGNORECASE,
)
# Both verdicts side by side with only hedging words between: "ALERT/CLEAR",
# "CLEAR (possibly ALERT)", "alert or clear", "clear, no, alert".
_HEDGE_PAIR = re.compile(
    r"(?<![A-Za-z])(alert|clear)(?![A-Za-z])"
    r"(?:[^A-Za-z\n]{0,6}(?:or|possibly|maybe|perhaps|probably|likely|but|actually|no|not"
    r"|rather|than|leaning|towards?|bordering|on|and|between|either|could|be|might|i'd|say"
    r"|wait|well|borderline|hmm|then|again|more|like)(?![A-Za-z]))*"
    r"[^A-Za-z\n]{0,6}(?!\1)(alert|clear)(?![A-Za-z])",
    re.IGNORECASE,
)
_UNSURE_ALERT = re.compile(
    r"(?<![A-Za-z])(?:possibly|maybe|perhaps|potentially|borderline|tentative(?:ly)?)"
    r"[\s:,*_`\"'-]{1,4}alert(?![A-Za-z])"
    r"|(?<![A-Za-z])alert[\s*_`\"']*\(\s*(?:possibly|maybe|perhaps|uncertain|unsure|not\s+sure"
    r"|low\s+confidence|\?)",
    re.IGNORECASE,
)
_UNDECIDED = re.compile(
    r"(?<![A-Za-z])(?:unsure|uncertain|unknown|unclear|maybe|possibly|undecided|inconclusive"
    r"|ambiguous|either)(?![A-Za-z])",
    re.IGNORECASE,
)
# The model changed its mind mid-answer: "ALERT: a person. No wait, it's a coat."
_RETRACTION = re.compile(
    r"(?<![A-Za-z])(?:no\W{0,3}wait|wait\W{0,3}no|on\s+second\s+thought|scratch\s+that"
    r"|correction\s*:|i\s+was\s+wrong|i\s+take\s+that\s+back|my\s+mistake)(?![A-Za-z])",
    re.IGNORECASE,
)
_UPPER_ALERT = re.compile(r"(?<![A-Za-z])ALERT(?![A-Za-z])")
_UPPER_CLEAR = re.compile(r"(?<![A-Za-z])CLEAR(?![A-Za-z])")

# "but", "except", a dash, a colon... end the reach of a negation: "No cars, but a man
# is at the door", "Nothing moved apart from a fox", "Not a shadow: a man is hiding".
_CLAUSE_BREAK = re.compile(
    r"(?<!\w)(?:but|however|although|though|yet|whereas|while|except|instead|besides"
    r"|apart\s+from|aside\s+from|other\s+than)(?!\w)|\s-+\s|[\u2013\u2014]|:\s",
    re.IGNORECASE,
)
_TURN = re.compile(
    r"(?<!\w)(?:but|however|although|though|yet|whereas|except|besides)(?!\w)", re.IGNORECASE
)
_SENTENCE_NEGATED = re.compile(
    r"^\W*(?:[A-Za-z][A-Za-z ]{0,19}:\W*)?"
    r"(?:there\s+(?:are|is|was|were)\s+|i\s+(?:can\s+)?see\s+)?"
    r"(?P<negation>no|not|without|nothing|none|neither|nobody)\b.*\b"
    r"(?:visible|present|found|detected|seen|observed|apparent"
    r"|in\s+(?:the\s+)?(?:view|frame|image|scene|picture|shot))\W*$",
    re.IGNORECASE | re.DOTALL,
)
# A subject negated after it: "A person is not visible", "People: none", "Vehicles - 0",
# "A person never appears".
_POST_NEGATION = re.compile(
    r"(?:[ \t]+[\w']+){0,3}?[ \t]+"
    r"(?:(?:is|are|was|were)(?:n't|[ \t]+not|[ \t]+no[ \t]+longer)"
    r"|can(?:not|'t)[ \t]+be|could(?:n't|[ \t]+not)[ \t]+be)"
    r"[ \t]+(?:\w+[ \t]+){0,2}?(?:visible|present|seen|detected|found|there|here|around"
    r"|in[ \t]+(?:the[ \t]+)?\w+)(?!\w)"
    r"|(?:\((?:e?s)\))?(?:[ \t]*(?:/|,|&|and|or)[ \t]*[\w()]+)*"
    r"(?:[ \t]+(?:detected|visible|present|seen|found|count))?[ \t]*[:=\u2013\u2014-][ \t]*"
    r"(?:none|no|0|zero|nil|n/?a|absent|not[ \t]+(?:visible|present|detected|seen))(?![\w/])"
    r"|[ \t]+(?:is|are|was|were)[ \t]+(?:absent|nowhere)(?!\w)"
    r"|(?:[ \t]+[\w']+){0,2}?[ \t]+(?:never|nowhere)(?!\w)",
    re.IGNORECASE,
)
# A statement that nothing is there, without naming a subject: "ALERT: No one is at the door."
_NOTHING_THERE = re.compile(
    r"(?<!\w)(?:nobody|no[ -]?one|nothing\s+(?:unusual|suspicious|of\s+note|to\s+report"
    r"|out\s+of\s+the\s+ordinary|significant|concerning|is\s+(?:there|happening|moving)))(?!\w)",
    re.IGNORECASE,
)
# The model says in words that there is no event: "This does not appear to be a security
# event; it's just a cat", "False alarm: the person is the postman", "Security event: no".
_NOT_AN_EVENT = re.compile(
    r"(?:(?:(?<![A-Za-z])(?:not|never)|n't)(?!\s+rul(?:e|ing)\s+out)\s+(?:\w+\s+){0,3}?"
    r"(?:an?\s+|any\s+)?"
    r"|(?<![A-Za-z])no\s+)(?:real\s+|genuine\s+|actual\s+|true\s+|significant\s+|immediate\s+"
    r"|apparent\s+|obvious\s+)?(?:security\s+)?(?:event|threat|concern|risk|incident"
    r"|emergency|danger)s?(?![A-Za-z])"
    r"|(?<![A-Za-z])no\s+cause\s+for\s+(?:concern|alarm)(?![A-Za-z])"
    r"|(?<!not a )(?<!no )(?<![A-Za-z])false\s+(?:alarm|positive)(?![A-Za-z])"
    r"|(?<![A-Za-z])(?:security\s+)?event\W{0,4}(?:no|false|none)(?![A-Za-z])",
    re.IGNORECASE,
)
# Climbing the fence is an intrusion, wherever the climber stands.
_INTRUSION = re.compile(
    r"(?<!\w)(?:(?:climb|clamber|jump|hop|vault|scal|crawl|squeez)\w*\s+"
    r"(?:over|across|through|under|onto|into)(?!\w)"
    r"|(?:climb|jump|hop|vault|scal)\w*\s+(?:the|a|our)\s+(?:\w+\s+)?"
    r"(?:wall|fence|gate|hedge|railings?)(?!\w)"
    r"|break(?:s|ing)?\s+in|broke\s+in|forc(?:e|es|ing|ed)\s+(?:open\s+)?the\s+"
    r"(?:gate|door|window|lock)(?!\w))",
    re.IGNORECASE,
)
# "isn't on the road", "not just a shadow", "no cars on the street": the phrase right
# after is denied, or places something that is not there.
_PHRASE_NEGATED = re.compile(
    r"(?<!\w)(?:(?:not|never|\w+n't)(?:\s+[\w']+){0,2}|(?:no|nobody|nothing)(?:\s+[\w']+)?)\s*$",
    re.IGNORECASE,
)
_OFF_PROPERTY_TEXT = re.compile(
    r"on[ _-]?property[\"'*_`]*\s*[:=][\s\"'*_`]*(?:false|no)(?!\w)", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?;\n]")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*")
_JSON_START = re.compile(r"\{\s*[\"']?[A-Za-z_][\w -]{0,30}[\"']?\s*:")
# One "key": value pair of JSON or a Python dict, tolerant of single quotes,
# True/False/None and trailing commas; an unterminated string never matches.
_JSON_PAIR = re.compile(
    r"[\"']?(?P<key>[A-Za-z_][\w -]{0,30}?)[\"']?\s*:\s*"
    r"(?P<value>\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
    r"|true|false|True|False|null|None|-?\d+(?:\.\d+)?)"
)
_JSON_VERDICT_KEYS = ("verdict", "decision", "classification")
_FALSE_WORDS = frozenset({"false", "no", "0", "n", "off"})
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
    cleaned = normalise(text)
    if not any(char.isalpha() for char in cleaned):
        return Verdict(False, _clip(cleaned), RULE_UNPARSEABLE)
    found = _json_object(cleaned)
    if found is not None:
        payload, end = found
        # Prose after the JSON ("Note: he is on the street") can still veto an ALERT.
        verdict = _from_json(payload, phrases, cleaned[end:])
        if verdict is not None:
            return verdict
    else:
        start = _JSON_START.search(cleaned)
        if start is not None:
            verdict = _from_broken_json(cleaned[start.start() :], phrases)
            if verdict is not None:
                return verdict
    return _from_text(cleaned, phrases)


def _json_object(text: str) -> tuple[dict[str, Any], int] | None:
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


def _from_broken_json(text: str, phrases: VerdictPhrases) -> Verdict | None:
    """Read JSON that does not parse: relaxed syntax, or cut off by the token limit."""
    fields: dict[str, Any] = {}
    for pair in _JSON_PAIR.finditer(text):
        fields.setdefault(pair["key"], _json_value(pair["value"]))
    keys = {_key(key) for key in fields}
    # Complete but not quite JSON: single quotes, True/False, a trailing comma.
    if text.count("{") <= text.count("}"):
        return _from_json(fields, phrases)
    description = _clip(_description_of(_normalised_keys(fields)) or text)
    # Cut off after every field the prompt asks for: nothing the rules need is missing.
    if {"verdict", "description", "onproperty"} <= keys:
        return _from_json(fields, phrases) or Verdict(False, description, RULE_UNPARSEABLE)
    # Cut off earlier: the description and on_property that could veto an ALERT
    # are lost, so only a complete CLEAR is believed.
    raw = _verdict_value(_normalised_keys(fields))
    if isinstance(raw, str) and _verdict_words(raw) == {"CLEAR"}:
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


def _verdict_words(value: str) -> set[str]:
    return {
        word.upper() for word in re.findall(r"(?<![A-Za-z])(alert|clear)(?![A-Za-z])", value, re.I)
    }


def _from_json(
    payload: Mapping[Any, Any], phrases: VerdictPhrases, after: str = ""
) -> Verdict | None:
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
    words = _verdict_words(raw)
    if not words:
        # The model filled the verdict in but with neither word: it did not decide.
        rule = RULE_HEDGE if _UNDECIDED.search(raw) else RULE_UNPARSEABLE
        return Verdict(False, _clip(description), rule)
    if len(words) > 1 or _UNSURE_ALERT.search(raw):
        return Verdict(False, _clip(description), RULE_HEDGE)
    if re.search(r"(?<![A-Za-z])(?:no|not|never)(?![A-Za-z])", raw, re.IGNORECASE):
        return Verdict(False, _clip(description), RULE_NEGATION)
    if words == {"CLEAR"}:
        return Verdict(False, _clip(description), RULE_JSON_CLEAR)
    if _is_false(fields.get("onproperty", True)):
        return Verdict(False, _clip(description), RULE_OFF_PROPERTY)
    if after.strip() and (_count_verdicts(after)[1] or _RETRACTION.search(after)):
        # "{...ALERT...} On second thought, CLEAR": the model took it back.
        return Verdict(False, _clip(description), RULE_HEDGE)
    guard = _guard(f"{description}\n{after}".strip(), phrases)
    if guard is not None:
        return Verdict(False, _clip(description), guard)
    return Verdict(True, _clip(description), RULE_JSON_ALERT)


def _is_false(value: object) -> bool:
    """Return True for false as models write it: false, 0, "false", "no"."""
    if isinstance(value, str):
        return value.strip().lower() in _FALSE_WORDS
    if isinstance(value, bool):
        return not value
    return isinstance(value, int | float) and value == 0


def _from_text(text: str, phrases: VerdictPhrases) -> Verdict:
    description = _clip(_description(text))
    for line in text.splitlines():
        if (_UPPER_ALERT.search(line) and _UPPER_CLEAR.search(line)) or _HEDGE_PAIR.search(line):
            return Verdict(False, description, RULE_HEDGE)
    if _UNSURE_ALERT.search(text) or _RETRACTION.search(text):
        return Verdict(False, description, RULE_HEDGE)
    alerts, clears, denied = _count_verdicts(text)
    if alerts and clears:
        # Different lines, different verdicts: the model changed its mind.
        return Verdict(False, description, RULE_HEDGE)
    if clears:
        return Verdict(False, description, RULE_CLEAR)
    if denied and not alerts:
        return Verdict(False, description, RULE_NEGATION)
    if _OFF_PROPERTY_TEXT.search(text):
        return Verdict(False, description, RULE_OFF_PROPERTY)
    guard = _guard(text, phrases)
    if guard is not None:
        return Verdict(False, description, guard)
    if alerts:
        return Verdict(True, description, RULE_ALERT)
    if _has_subject(text, phrases):
        return Verdict(True, description, RULE_SUBJECT)
    if not _FUNCTION_WORD.search(text):
        return Verdict(False, description, RULE_UNPARSEABLE)
    return Verdict(False, description, RULE_NO_SUBJECT)


def _count_verdicts(text: str) -> tuple[int, int, int]:
    """Return how many ALERT, CLEAR and denied ALERT ("not an ALERT") the text has."""
    alerts = clears = denied = 0
    for word, start in _verdict_word_matches(text):
        negated = _NEGATED_VERDICT.search(text, max(0, start - VERDICT_NEGATION_LOOKBACK), start)
        if word == "ALERT":
            denied += bool(negated)
            alerts += not negated
        elif not negated:
            # "not CLEAR" says nothing either way; leave it to the rest of the answer.
            clears += 1
    return alerts, clears, denied


def _verdict_word_matches(text: str) -> Iterator[tuple[str, int]]:
    """Yield each verdict word (upper case) and where it starts."""
    for match in _VERDICT_WORD.finditer(text):
        group = match.lastgroup or "upper"
        yield match[group].upper(), match.start(group)


def _guard(text: str, phrases: VerdictPhrases) -> str | None:
    """Return the rule that turns an apparent alert into CLEAR, if any."""
    compiled = phrases.compiled
    if _phrase_found(text, compiled.location) and not _intrusion(text, phrases):
        return RULE_LOCATION
    if _phrase_found(text, compiled.shadow):
        return RULE_SHADOW
    if _denies_event(text):
        return RULE_NEGATION
    if not _has_subject(text, phrases) and (
        compiled.subject.search(text)
        or _NOTHING_THERE.search(text)
        or any(_sentence_negated(sentence) for sentence in _sentences(text))
    ):
        return RULE_NEGATION
    return None


def _denies_event(text: str) -> bool:
    """Return True when the answer says there is no event, and does not turn it around."""
    for match in _NOT_AN_EVENT.finditer(text):
        end = _SENTENCE_END.search(text, match.end())
        # "No obvious threat, but a man is lingering by the car" is not a denial; a colon
        # is no turn here ("False alarm: the person is the postman").
        if not _TURN.search(text, match.end(), end.start() if end else len(text)):
            return True
    return False


def _phrase_found(text: str, pattern: re.Pattern[str]) -> bool:
    """Return True when the pattern occurs and is not denied right before it."""
    for match in pattern.finditer(text):
        lookback = max(0, match.start() - PHRASE_NEGATION_LOOKBACK)
        if not _PHRASE_NEGATED.search(text, lookback, match.start()):
            return True
    return False


def _intrusion(text: str, phrases: VerdictPhrases) -> bool:
    """Return True when some sentence describes climbing in, not negated."""
    for sentence in _sentences(text):
        for match in _INTRUSION.finditer(sentence):
            if not _negated_before(sentence, match.start(), phrases):
                return True
    return False


def _has_subject(text: str, phrases: VerdictPhrases) -> bool:
    """Return True when some sentence mentions a subject that is not negated."""
    for sentence in _sentences(text):
        if _sentence_negated(sentence):
            continue
        for subject in phrases.compiled.subject.finditer(sentence):
            if _negated_before(sentence, subject.start(), phrases):
                continue
            if _POST_NEGATION.match(sentence, subject.end()):
                continue
            return True
    return False


def _sentences(text: str) -> list[str]:
    return [sentence.strip() for sentence in _SENTENCES.split(text) if sentence.strip()]


def _sentence_negated(sentence: str) -> bool:
    """Return True for "No people or cars are visible": negated as a whole.

    Not when a clause turns it around: "No people, but a dog is visible".
    """
    match = _SENTENCE_NEGATED.match(sentence)
    return match is not None and not _CLAUSE_BREAK.search(sentence, match.end("negation"))


def _negated_before(sentence: str, start: int, phrases: VerdictPhrases) -> bool:
    """Return True when a negation precedes `start` within the look-back and clause."""
    lookback = max(0, start - NEGATION_LOOKBACK)
    for brk in _CLAUSE_BREAK.finditer(sentence, lookback, start):
        lookback = brk.end()
    return phrases.compiled.negation.search(sentence, lookback, start) is not None


def _description(text: str) -> str:
    """Return the human part of the answer: what follows the verdict word."""
    match = _VERDICT_WORD.search(text)
    rest = text[match.end() :] if match is not None else text
    rest = rest.strip().strip("-:*`_#> \n\"'")
    return " ".join(rest.split()) or " ".join(text.split())


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"
