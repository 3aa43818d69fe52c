"""The verdict parser on a corpus of realistic VLM answers, and per-camera phrases."""

from __future__ import annotations

from collections import Counter
import dataclasses
import re

import pytest

from custom_components.vlm_guard.core.verdict import (
    DEFAULT_LOCATIONS,
    DEFAULT_PHRASES,
    VerdictPhrases,
    parse_verdict,
)

from .verdict_corpus import CASES, Case, j


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_corpus(case: Case) -> None:
    verdict = parse_verdict(case.text)
    assert (verdict.alert, verdict.rule) == (case.alert, case.rule), verdict
    assert len(verdict.description) <= 255


def test_corpus_is_large_and_ids_unique() -> None:
    ids = Counter(case.id for case in CASES)
    assert len(CASES) >= 160
    assert [case_id for case_id, count in ids.items() if count > 1] == []


def test_corpus_covers_every_rule() -> None:
    rules = {case.rule for case in CASES}
    assert rules >= {
        "alert",
        "clear",
        "json_alert",
        "json_clear",
        "off_property",
        "hedge",
        "negation",
        "location",
        "shadow",
        "subject",
        "no_subject",
        "unparseable",
    }


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_corpus_same_with_default_phrases_passed(case: Case) -> None:
    assert parse_verdict(case.text, phrases=DEFAULT_PHRASES) == parse_verdict(case.text)


NEIGHBOUR = "ALERT: A man is standing in the neighbour's garden."


def test_extra_location_turns_alert_into_clear() -> None:
    assert parse_verdict(NEIGHBOUR).alert
    phrases = VerdictPhrases().with_extra(locations=["in the neighbour's garden"])
    verdict = parse_verdict(NEIGHBOUR, phrases=phrases)
    assert (verdict.alert, verdict.rule) == (False, "location")
    # Curly apostrophe and other spacing in the answer still match the plain phrase.
    verdict = parse_verdict(
        "ALERT: A man is standing in the  neighbour\u2019s\ngarden.", phrases=phrases
    )
    assert (verdict.alert, verdict.rule) == (False, "location")
    # Also in a JSON answer, and the built-in locations still apply.
    verdict = parse_verdict(j("ALERT", "A fox in the neighbour's garden."), phrases=phrases)
    assert (verdict.alert, verdict.rule) == (False, "location")
    assert parse_verdict("ALERT: A man on the street.", phrases=phrases).rule == "location"


def test_extra_location_keeps_intrusion_and_negation_rules() -> None:
    phrases = VerdictPhrases().with_extra(locations=["in the neighbour's garden"])
    climbing = "ALERT: A man in the neighbour's garden is climbing over our fence."
    assert parse_verdict(climbing, phrases=phrases).alert
    denied = "ALERT: A man is at our back door, not in the neighbour's garden."
    assert parse_verdict(denied, phrases=phrases).alert


def test_extra_subject_makes_free_text_alert() -> None:
    text = "A wheelie bin is rolling down the drive."
    assert parse_verdict(text).rule == "no_subject"
    phrases = VerdictPhrases().with_extra(subjects=["wheelie bin"])
    verdict = parse_verdict(text, phrases=phrases)
    assert (verdict.alert, verdict.rule) == (True, "subject")
    # Negation still applies to the new subject.
    verdict = parse_verdict("There is no wheelie bin in view.", phrases=phrases)
    assert (verdict.alert, verdict.rule) == (False, "negation")


def test_extra_shadow_and_negation_phrases() -> None:
    glare = "ALERT: Glare from headlights moving across the lawn."
    assert parse_verdict(glare).alert
    phrases = VerdictPhrases().with_extra(shadows=["glare from headlights"])
    assert parse_verdict(glare, phrases=phrases).rule == "shadow"
    text = "There is hardly a person around."
    assert parse_verdict(text).alert
    phrases = VerdictPhrases().with_extra(negations=[r"hardly\s+an?"], regex=True)
    assert parse_verdict(text, phrases=phrases).rule == "negation"


def test_phrases_are_compiled_once_per_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    phrases = VerdictPhrases().with_extra(locations=["by the bus stop"])
    compiled = phrases.compiled
    calls: list[object] = []
    real_compile = re.compile

    def counting_compile(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real_compile(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(re, "compile", counting_compile)
    assert parse_verdict("ALERT: A man by the bus stop.", phrases=phrases).rule == "location"
    assert parse_verdict("ALERT: A woman by the bus stop.", phrases=phrases).rule == "location"
    assert parse_verdict(j("ALERT", "A fox by the bus stop."), phrases=phrases).alert is False
    assert calls == []
    assert phrases.compiled is compiled


def test_phrases_defaults_equality_and_hash() -> None:
    assert VerdictPhrases() == DEFAULT_PHRASES
    assert hash(VerdictPhrases()) == hash(DEFAULT_PHRASES)
    assert VerdictPhrases().locations == DEFAULT_LOCATIONS
    extra = DEFAULT_PHRASES.with_extra(locations=["by the bus stop"])
    assert extra != DEFAULT_PHRASES
    assert extra.locations[: len(DEFAULT_LOCATIONS)] == DEFAULT_LOCATIONS
    # The defaults are not modified by with_extra.
    assert DEFAULT_PHRASES.locations == DEFAULT_LOCATIONS


def test_phrases_from_config_lists_and_blank_entries() -> None:
    # Lists from a config entry become tuples; blank entries never match everything.
    phrases = VerdictPhrases(locations=["in the car park", "", "   "])  # type: ignore[arg-type]
    assert phrases.locations == ("in the car park",)
    assert hash(phrases)
    assert parse_verdict("ALERT: A man at the door.", phrases=phrases).alert
    assert parse_verdict("ALERT: A man in the car park.", phrases=phrases).rule == "location"
    # A lone string is one phrase, not a tuple of characters.
    phrases = DEFAULT_PHRASES.with_extra(locations="by the bus stop")
    assert parse_verdict("ALERT: A man by the bus stop.", phrases=phrases).rule == "location"
    assert parse_verdict("ALERT: A man at the door.", phrases=phrases).alert


def test_empty_phrase_lists_match_nothing() -> None:
    bare = VerdictPhrases(subjects=(), negations=(), locations=(), shadows=())
    assert parse_verdict("ALERT: A man on the street.", phrases=bare).rule == "alert"
    assert parse_verdict("A man is at the door.", phrases=bare).rule == "no_subject"


def test_plain_extra_phrase_is_not_a_regex() -> None:
    phrases = DEFAULT_PHRASES.with_extra(locations=["at no. 12 (next door)"])
    assert parse_verdict("ALERT: A man at no. 12 (next door).", phrases=phrases).rule == (
        "location"
    )
    assert parse_verdict("ALERT: A man at no 12 next door.", phrases=phrases).alert


def test_bad_regex_fails_at_construction() -> None:
    with pytest.raises(re.error):
        VerdictPhrases(locations=("in the (garden",))


def test_phrases_replace_recompiles() -> None:
    phrases = dataclasses.replace(DEFAULT_PHRASES, locations=("by the bus stop",))
    assert parse_verdict("ALERT: A man by the bus stop.", phrases=phrases).rule == "location"
    assert parse_verdict("ALERT: A man on the street.", phrases=phrases).rule == "alert"
