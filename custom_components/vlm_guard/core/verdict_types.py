"""The verdict read from a VLM answer, and the names of the rules that decide it."""

from __future__ import annotations

from dataclasses import dataclass

# The description is shown as a sensor state, which Home Assistant caps at 255 characters.
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


def clip(text: str) -> str:
    """Return the text on one line, cut to at most DESCRIPTION_MAX characters."""
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1] + "…"
