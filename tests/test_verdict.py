"""The verdict parser on the answers that caused real false alarms, and on garbage."""

from __future__ import annotations

import json
import string
from typing import NamedTuple

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.vlm_guard.core import verdict as verdict_module
from custom_components.vlm_guard.core.phrases import normalise
from custom_components.vlm_guard.core.verdict import (
    DEFAULT_PHRASES,
    Verdict,
    VerdictPhrases,
    parse_verdict,
)


def _json(verdict: str, description: str, *, on_property: bool = True) -> str:
    return json.dumps(
        {
            "verdict": verdict,
            "description": description,
            "subjects": [],
            "on_property": on_property,
        }
    )


ALERTS = [
    ("ALERT: A man in a dark hoodie is standing at the front door.", "alert"),
    ("ALERT - a person is climbing over the back fence into the garden.", "alert"),
    ("Verdict: alert. Someone is walking up the driveway.", "alert"),
    ("alert\nA delivery driver is leaving a package on the porch.", "alert"),
    (_json("ALERT", "A person walks into the room."), "json_alert"),
    (
        "```json\n" + _json("ALERT", "A fox is crossing the lawn.") + "\n```",
        "json_alert",
    ),
    ("Sure! Here is my answer: " + _json("alert", "A car pulls into the driveway."), "json_alert"),
    ("A woman is trying the handle of the garage door.", "subject"),
    ("ALERT: Smoke is rising from the shed.", "alert"),
    ("ALERT: A man is climbing over the garden wall.", "alert"),
    (
        "ALERT: No one was there a second ago, but now a man is standing by the car.",
        "alert",
    ),
]

CLEARS = [
    # Negation, including the 60-character look-back.
    ("No people, vehicles, or animals are visible.", "negation"),
    ("ALERT: No people, vehicles, or animals are visible in the image.", "negation"),
    ("There are no people, vehicles or animals present in this frame.", "negation"),
    ("Without any sign of movement from people or from any parked vehicles.", "negation"),
    ("Nothing unusual; the garden and the driveway are empty of any person.", "negation"),
    ("I cannot see anyone. The scene does not contain any persons or vehicles.", "negation"),
    (_json("ALERT", "No person is visible, only leaves moving."), "negation"),
    # Hedging.
    ("ALERT or CLEAR? CLEAR, probably wind.", "hedge"),
    ("ALERT/CLEAR: a person might be there.", "hedge"),
    ("The verdict is ALERT... actually CLEAR, it is a bush.", "hedge"),
    # Location.
    ("ALERT: A person is walking on the road beyond the gate.", "location"),
    ("ALERT: A car is parked on the street outside.", "location"),
    ("ALERT: Two people are walking past the gate.", "location"),
    (_json("ALERT", "A pedestrian on the sidewalk.", on_property=True), "location"),
    (_json("ALERT", "A man walks his dog.", on_property=False), "off_property"),
    ("A man is jogging along the road.", "location"),
    # Shadows and reflections.
    ("ALERT: The shadow of a person moves across the wall.", "shadow"),
    ("ALERT: A reflection of a car in the window.", "shadow"),
    ("A silhouette of a tree branch resembling a person.", "shadow"),
    # Plain clear answers.
    ("CLEAR: branches moving in the wind.", "clear"),
    (_json("CLEAR", "Rain drops on the lens."), "json_clear"),
    ("The scene is calm; only the lighting changed.", "no_subject"),
    # Unusable.
    ("", "unparseable"),
    ("   \n\t ", "unparseable"),
]


@pytest.mark.parametrize(("text", "rule"), ALERTS)
def test_alerts(text: str, rule: str) -> None:
    verdict = parse_verdict(text)
    assert verdict.alert, verdict
    assert verdict.rule == rule


@pytest.mark.parametrize(("text", "rule"), CLEARS)
def test_clears(text: str, rule: str) -> None:
    verdict = parse_verdict(text)
    assert not verdict.alert, verdict
    assert verdict.rule == rule


def test_description_is_the_human_part() -> None:
    assert parse_verdict("ALERT: A man at the door.").description == "A man at the door."
    assert parse_verdict(_json("ALERT", "A fox.")).description == "A fox."
    assert len(parse_verdict("ALERT: " + "a person " * 100).description) <= 255


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    verdict = parse_verdict(text)
    assert isinstance(verdict, Verdict)
    assert isinstance(verdict.alert, bool)
    assert len(verdict.description) <= 255


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    )
)
def test_never_raises_on_any_json(value: object) -> None:
    verdict = parse_verdict(json.dumps(value))
    assert isinstance(verdict, Verdict)


@settings(max_examples=100, deadline=None)
@given(st.text(), st.lists(st.text(), max_size=3))
def test_never_raises_with_extra_plain_phrases(text: str, extra: list[str]) -> None:
    phrases = VerdictPhrases().with_extra(subjects=extra, locations=extra, shadows=extra)
    verdict = parse_verdict(text, phrases=phrases)
    assert isinstance(verdict, Verdict)
    assert len(verdict.description) <= 255


# The inner readers, called directly: parse_verdict turns any exception into an
# "unparseable" CLEAR, so a crash in them would otherwise pass for caution.
_ANSWER_PIECES = st.sampled_from(
    [
        "ALERT", "CLEAR", "alert", "clear", "Verdict:", "verdict", " ", "\n", ".", ",", ":",
        "{", "}", "[", "]", '"', "'", '"verdict": ', '"description": ', '"on_property": ',
        "true", "false", "null", "None", "no", "not", "No people", "a person", "a car",
        "is visible", "on the road", "beyond the gate", "shadow of", "reflection",
        "but", "no wait", "possibly", "```json", "```", "<think>", "</think>", "\u201c",
        "\u2019", "-", "\u2014", "climbing over the fence", "nothing", "0", "1.5",
    ]
)  # fmt: skip
ANSWER_LIKE = st.lists(_ANSWER_PIECES, max_size=40).map("".join) | st.text()
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def _check(verdict: Verdict | None) -> None:
    assert verdict is None or isinstance(verdict, Verdict)
    if verdict is not None:
        assert isinstance(verdict.alert, bool)
        assert isinstance(verdict.description, str)
        assert len(verdict.description) <= 255


@settings(max_examples=400, deadline=None)
@given(ANSWER_LIKE)
def test_inner_parser_never_raises(text: str) -> None:
    _check(verdict_module._parse(text, DEFAULT_PHRASES))
    cleaned = normalise(text)
    _check(verdict_module._from_text(cleaned, DEFAULT_PHRASES))
    found = verdict_module._json_object(cleaned)
    assert found is None or (isinstance(found[0], dict) and 0 < found[1] <= len(cleaned))
    start = verdict_module._JSON_START.search(cleaned)
    if start is not None:
        _check(verdict_module._from_broken_json(cleaned[start.start() :], DEFAULT_PHRASES))


_KEYS = st.sampled_from(
    ["verdict", "Decision", "classification", "description", "reason", "on_property", "alert",
     "result", "subjects"]
) | st.text(max_size=12)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(_KEYS, JSON_VALUES | st.dictionaries(_KEYS, JSON_VALUES), max_size=6),
    ANSWER_LIKE,
)
def test_json_reader_never_raises_on_any_object(payload: dict, after: str) -> None:
    """Any object a model might send, with or without prose after it."""
    _check(verdict_module._from_json(payload, DEFAULT_PHRASES, after))
    _check(verdict_module._parse(json.dumps(payload) + after, DEFAULT_PHRASES))


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.integers(min_value=1, max_value=400))
def test_truncated_json_reader_never_raises(value: object, cut: int) -> None:
    """JSON cut off by the token limit anywhere, or written with Python's quoting."""
    answer = {"verdict": "ALERT", "description": "A man.", "extra": value}
    for text in (json.dumps(answer)[:cut], repr(answer)[:cut]):
        _check(verdict_module._from_broken_json(text, DEFAULT_PHRASES))
        _check(verdict_module._parse(text, DEFAULT_PHRASES))


_VERDICT_KEYS = st.sampled_from(["verdict", "Verdict", "VERDICT", "decision", "classification"])
_DESCRIPTION_KEYS = st.sampled_from(["description", "Description", "reason"])
_ON_PROPERTY_KEYS = st.sampled_from(["on_property", "onProperty", "On_Property", "on-property"])
_SPELLINGS = {
    "ALERT": ["ALERT", "alert", "Alert"],
    "CLEAR": ["CLEAR", "clear", "Clear"],
}


class Answer(NamedTuple):
    """A generated JSON answer and what it says."""

    text: str
    verdict: str
    on_property: bool
    description: str


@st.composite
def well_formed_answers(
    draw: st.DrawFn, descriptions: st.SearchStrategy[str] | None = None
) -> Answer:
    """A JSON answer in one of the shapes the parser reads, as a model would wrap it."""
    verdict = draw(st.sampled_from(["ALERT", "CLEAR"]))
    on_property = draw(st.booleans())
    description = draw(st.text(max_size=300) if descriptions is None else descriptions)
    fields: dict[str, object] = {
        draw(_VERDICT_KEYS): draw(st.sampled_from(_SPELLINGS[verdict])),
        draw(_DESCRIPTION_KEYS): description,
    }
    if draw(st.booleans()):
        fields["subjects"] = draw(st.lists(st.text(max_size=20), max_size=3))
    if draw(st.booleans()):
        fields[draw(_ON_PROPERTY_KEYS)] = on_property
    else:
        on_property = True
    if draw(st.booleans()):
        # Some models nest the answer one level down.
        fields = {draw(st.sampled_from(["result", "analysis", "answer"])): fields}
    body = json.dumps(
        fields,
        indent=draw(st.sampled_from([None, 2])),
        # Local models write non-ASCII characters as they are, not as \u escapes.
        ensure_ascii=draw(st.booleans()),
    )
    wrapper = draw(
        st.sampled_from(["{}", "```json\n{}\n```", "Here is my answer:\n{}", "{}\n", " {} "])
    )
    return Answer(wrapper.replace("{}", body), verdict, on_property, description)


@settings(max_examples=500, deadline=None)
@given(well_formed_answers())
def test_well_formed_json_is_never_unparseable(answer: Answer) -> None:
    """Whatever the description says, a well-formed JSON answer is read, never given up on."""
    verdict = verdict_module._parse(answer.text, DEFAULT_PHRASES)
    assert verdict.rule != "unparseable", verdict
    assert parse_verdict(answer.text) == verdict
    if answer.verdict == "CLEAR":
        assert (verdict.alert, verdict.rule) == (False, "json_clear")
    elif not answer.on_property:
        assert (verdict.alert, verdict.rule) == (False, "off_property")
    else:
        # An ALERT stands unless its own description takes it back.
        assert verdict.rule in {"json_alert", "negation", "location", "shadow"}, verdict
        assert verdict.alert is (verdict.rule == "json_alert")


# What descriptions are written with: words, punctuation, quotes of both kinds.
DESCRIPTION_TEXT = st.text(
    alphabet=string.ascii_letters
    + string.digits
    + " \n.,;:!?'-()/\"\u201c\u201d\u2018\u2019\u00e9",
    max_size=300,
)


@settings(max_examples=300, deadline=None)
@given(well_formed_answers(DESCRIPTION_TEXT))
def test_well_formed_json_keeps_its_description(answer: Answer) -> None:
    """The description in a notification is the model's, whole: quotes inside it included."""
    verdict = verdict_module._parse(answer.text, DEFAULT_PHRASES)
    assert normalise(verdict.description) == normalise(verdict_module._clip(answer.description))


# A sentence that starts with a negation and ends with visible/present/found denies
# everything in it, however far the subjects are from the negation.
WHOLE_SENTENCE_NEGATIONS = [
    "No people, vehicles, or animals are visible.",
    "Not a single person is present in the frame.",
    "Without any vehicles or people found.",
    # The subject is more than 60 characters after the negation: only the
    # whole-sentence rule keeps these CLEAR.
    "No movement near the front door, along the side path or around the garden shed "
    "that could be a person is visible.",
    "No sign of movement around the front porch, the driveway or the garden shed from "
    "any person is visible.",
    "ALERT: No sign of movement around the front porch, the driveway or the garden shed "
    "from any person is visible.",
    "No activity at the front door, on the driveway, along the hedge or around the parked "
    "bicycles involving a person is found.",
    "No unusual shapes in the dark corners of the garden, near the shed or beside the "
    "parked car that look like people are visible.",
    "Not a trace of anything unusual near the garage door, the bins or the side gate, such "
    "as a person or a vehicle, is present.",
    "Not anywhere in the garden, on the patio, near the shed or by the back fence is a "
    "person or an animal visible.",
    "Not one thing in this dim view of the patio, the lawn, the bins and the back fence "
    "looks like a person or a car that is present.",
    "Without any doubt, nothing near the parked car, the garage door or the garden wall "
    "that looks like a person is found.",
    "There is no sign, anywhere in the driveway, the front garden or near the garage door, "
    "of a person or a vehicle visible.",
]


@pytest.mark.parametrize("text", WHOLE_SENTENCE_NEGATIONS)
def test_sentence_negated_as_a_whole_is_clear(text: str) -> None:
    verdict = parse_verdict(text)
    assert (verdict.alert, verdict.rule) == (False, "negation"), verdict
