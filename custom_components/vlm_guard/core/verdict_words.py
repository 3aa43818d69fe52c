"""Find the verdict words (ALERT, CLEAR) in an answer, and the hedges around them.

A verdict word counts only when written as the prompt asks; one that is denied
("not an ALERT"), hedged ("ALERT/CLEAR") or taken back ("No wait, it's a coat")
does not make an alert.
"""

from __future__ import annotations

from collections.abc import Iterator
import re

# How far back "not an ALERT", "no need to raise an ALERT" may start.
VERDICT_NEGATION_LOOKBACK = 40

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


def is_hedged(text: str) -> bool:
    """Return True when the answer sits on the fence or takes its verdict back."""
    for line in text.splitlines():
        if (_UPPER_ALERT.search(line) and _UPPER_CLEAR.search(line)) or _HEDGE_PAIR.search(line):
            return True
    return is_unsure_alert(text) or is_retracted(text)


def is_unsure_alert(text: str) -> bool:
    """Return True for an ALERT the model qualifies: "possibly ALERT", "ALERT (unsure)"."""
    return _UNSURE_ALERT.search(text) is not None


def is_retracted(text: str) -> bool:
    """Return True when the model changes its mind: "no wait", "on second thought"."""
    return _RETRACTION.search(text) is not None


def is_undecided(value: str) -> bool:
    """Return True for a verdict filled in as undecided: "unsure", "unclear", "either"."""
    return _UNDECIDED.search(value) is not None


def verdict_words(value: str) -> set[str]:
    """Return the verdict words (upper case) a value holds, whatever their case."""
    return {
        word.upper() for word in re.findall(r"(?<![A-Za-z])(alert|clear)(?![A-Za-z])", value, re.I)
    }


def count_verdicts(text: str) -> tuple[int, int, int]:
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


def description_after_verdict(text: str) -> str:
    """Return the human part of the answer: what follows the verdict word."""
    match = _VERDICT_WORD.search(text)
    rest = text[match.end() :] if match is not None else text
    rest = rest.strip().strip("-:*`_#> \n\"'")
    return " ".join(rest.split()) or " ".join(text.split())
