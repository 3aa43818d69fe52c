"""The rules that turn an apparent alert into CLEAR: negation, place, shadow.

"No people are visible" names people but denies them; "on the road beyond the
gate" is not the property; "the shadow of a man" is not a man. A negation
reaches back a limited distance and stops at a turn ("No cars, but a man is at
the door"). The phrase lists these rules match come from `VerdictPhrases`.
"""

from __future__ import annotations

import re

from .phrases import VerdictPhrases
from .verdict_types import RULE_LOCATION, RULE_NEGATION, RULE_SHADOW

# How far before a subject a negation still denies it: in "No people, vehicles, or
# animals" the last subject stands far from the word that denies it.
NEGATION_LOOKBACK = 60
# A negation this close before a place or a shadow phrase negates that phrase
# only ("at the door, not on the street"); further back it belongs to something else.
PHRASE_NEGATION_LOOKBACK = 30

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
_SENTENCE_END = re.compile(r"[.!?;\n]")
_SENTENCES = re.compile(r"(?<=[.!?;])\s+|\s*\n\s*")


def guard(text: str, phrases: VerdictPhrases) -> str | None:
    """Return the rule that turns an apparent alert into CLEAR, if any."""
    compiled = phrases.compiled
    if _phrase_found(text, compiled.location) and not _intrusion(text, phrases):
        return RULE_LOCATION
    if _phrase_found(text, compiled.shadow):
        return RULE_SHADOW
    if _denies_event(text):
        return RULE_NEGATION
    if not has_subject(text, phrases) and (
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


def has_subject(text: str, phrases: VerdictPhrases) -> bool:
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
