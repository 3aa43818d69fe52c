"""The verdict parser on the answers that caused real false alarms, and on garbage."""

from __future__ import annotations

import json

from hypothesis import given, settings, strategies as st
import pytest

from custom_components.vlm_guard.core.verdict import Verdict, VerdictPhrases, parse_verdict


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
