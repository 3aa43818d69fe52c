"""Suppression rules: a false alarm taught once stays quiet, and nothing else does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, strategies as st
import pytest

from custom_components.vlm_guard.core.suppression import (
    RuleError,
    SuppressionRule,
    first_match,
    keywords,
    make_rule,
    matches,
    normalise,
    region_of,
)

NOW = datetime(2026, 7, 4, 18, 30, tzinfo=UTC)
FRAME = (1920, 1080)
# The barbecue grill stands on the patio, bottom left; the front door is top right.
GRILL = (200, 700, 200, 200)
DOOR = (1500, 200, 150, 400)
PATIO = "patio-cam"
# Words whose endings fold, or must not.
WORDS = (
    "A the person persons walks walking walked running runs parked parking rises rising glasses "
    "grass shed wedding embedded bushes flies lying people leaves is visible Straße café 1990s "
    "something thing sings"
)


def _grill_rule(**kwargs: Any) -> SuppressionRule:
    values: dict[str, Any] = {
        "rule_id": "r1",
        "camera": PATIO,
        "region": region_of([GRILL], FRAME),
        "keywords": "Smoke rises from the barbecue grill.",
        "now": NOW,
        "incident_id": "inc-1",
        "note": "The grill smokes every evening",
    }
    values.update(kwargs)
    return make_rule(**values)


def _match(rule: SuppressionRule, description: str, **kwargs: Any) -> bool:
    values: dict[str, Any] = {
        "camera": PATIO,
        "description": description,
        "boxes": [(220, 720, 150, 150)],
        "frame_size": FRAME,
        "now": NOW + timedelta(days=1),
    }
    values.update(kwargs)
    return matches(rule, **values)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("A person walks to the door.", "a person walking to the door"),
        ("Persons walking near the gate", "A person walks by the gate"),
        ("Smoke rises from the barbecue grill.", "Smoke is rising from a BBQ grill"),
        ("A cat sits on the fence.", "There is a cat sitting on the fence, visible in the frame"),
        ("Two people are running", "A person runs"),
        ("Café façade", "cafe facade"),
    ],
)
def test_two_wordings_of_the_same_thing_normalise_the_same(first: str, second: str) -> None:
    assert normalise(first) == normalise(second)
    assert normalise(first)


def test_normalise_keeps_the_words_that_say_what_happened() -> None:
    assert normalise("A person walks to the door.") == "person walk door"
    assert normalise("The grass is moving in the wind") == "grass move wind"
    assert normalise("Glasses on the table") == "glass table"
    assert keywords("Smoke, smoke and more smoke") == ("smoke", "more")
    assert normalise("") == ""
    assert normalise("There is the image.") == ""


def test_a_region_is_the_boxes_grown_by_a_tenth_of_the_frame() -> None:
    region = region_of([(960, 540, 192, 108), (1152, 540, 96, 216)], FRAME)
    assert region == pytest.approx((0.4, 0.4, 0.75, 0.8))
    assert region_of([(0, 0, 1920, 1080)], FRAME) == (0.0, 0.0, 1.0, 1.0)
    assert region_of([], FRAME) is None
    assert region_of([GRILL], None) is None
    assert region_of([GRILL], (0, 0)) is None


def test_the_same_false_alarm_worded_differently_is_suppressed() -> None:
    rule = _grill_rule()
    assert rule.keywords == ("smoke", "rise", "barbecue", "grill")
    assert _match(rule, "Smoke is rising from the barbecue grill on the patio.")
    assert _match(rule, "Thick smoke rises from a BBQ grill", boxes=[(250, 750, 100, 100)])


def test_a_person_at_the_door_is_not_hidden_by_the_barbecue_rule() -> None:
    rule = _grill_rule()
    # Other words, in the grill's corner.
    assert not _match(rule, "A person walks to the front door.")
    # Same words, elsewhere in the frame.
    assert not _match(rule, "Smoke rises from the barbecue grill", boxes=[DOOR])
    # One box in the grill's corner, another at the door: something else is happening too.
    assert not _match(rule, "Smoke rises from the barbecue grill", boxes=[GRILL, DOOR])
    # A keyword rule without a region still needs every one of its words.
    words_only = _grill_rule(region=None, keywords=["barbecue", "smoke"])
    assert _match(words_only, "Smoke from the barbecue", boxes=[DOOR])
    assert not _match(words_only, "A person lights the barbecue")


def test_a_box_counts_when_most_of_it_is_inside_the_region() -> None:
    rule = _grill_rule(region=(0.0, 0.0, 0.5, 1.0), keywords=())
    assert _match(rule, "anything", boxes=[(800, 100, 200, 100)])  # 160 of 200 px inside
    assert not _match(rule, "anything", boxes=[(900, 100, 200, 100)])  # 60 of 200 px inside


def test_a_region_rule_needs_boxes_and_a_frame_size() -> None:
    rule = _grill_rule()
    description = "Smoke rises from the barbecue grill"
    assert not _match(rule, description, boxes=[])
    assert not _match(rule, description, frame_size=None)


def test_another_camera_an_expired_or_inactive_rule_never_matches() -> None:
    description = "Smoke rises from the barbecue grill"
    assert not _match(_grill_rule(), description, camera="front-door-cam")
    expiring = _grill_rule(expires=NOW + timedelta(hours=2))
    assert _match(expiring, description, now=NOW + timedelta(hours=1))
    assert not _match(expiring, description, now=NOW + timedelta(hours=2))
    assert not _match(_grill_rule(active=False), description)


def test_first_match_returns_the_rule_that_fits() -> None:
    grill = _grill_rule()
    leaves = _grill_rule(rule_id="r2", region=None, keywords="Leaves blowing in the wind")
    found = first_match(
        [grill, leaves],
        camera=PATIO,
        description="Leaves are blowing in the wind",
        boxes=[DOOR],
        frame_size=FRAME,
        now=NOW,
    )
    assert found is leaves
    assert (
        first_match(
            [grill, leaves],
            camera=PATIO,
            description="A man at the door",
            boxes=[DOOR],
            frame_size=FRAME,
            now=NOW,
        )
        is None
    )


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"region": None, "keywords": ""}, "empty_rule"),
        ({"region": None, "keywords": ["the", "is", "visible"]}, "empty_rule"),
        ({"expires": NOW}, "expiry_past"),
        ({"expires": NOW - timedelta(days=1)}, "expiry_past"),
        ({"region": (0.5, 0.2, 0.4, 0.9)}, "bad_region"),
        ({"region": (0.0, 0.0, 1.2, 0.5)}, "bad_region"),
        ({"region": (0.1, 0.2, 0.3)}, "bad_region"),
        ({"region": (0.1, 0.2, "x", 0.5)}, "bad_region"),
        ({"region": (0.1, 0.2, float("nan"), 0.5)}, "bad_region"),
    ],
)
def test_a_rule_that_cannot_be_made_says_why(kwargs: dict[str, Any], key: str) -> None:
    with pytest.raises(RuleError) as caught:
        _grill_rule(**kwargs)
    assert caught.value.key == key


def test_a_stored_rule_comes_back_the_same() -> None:
    rule = _grill_rule(expires=NOW + timedelta(days=30))
    row = {
        **rule.data(),
        "id": rule.id,
        "camera": rule.camera,
        "created": rule.created,
        "expires": rule.expires,
        "active": rule.active,
        "hits": 3,
        "last_hit": NOW + timedelta(hours=1),
    }
    restored = SuppressionRule.from_store(row)
    assert restored.data() == rule.data()
    assert restored.hits == 3
    assert restored.region == rule.region
    assert restored.keywords == rule.keywords
    shown = restored.to_dict()
    assert shown["expires"] == (NOW + timedelta(days=30)).isoformat()
    assert shown["keywords"] == ["smoke", "rise", "barbecue", "grill"]
    assert shown["incident_id"] == "inc-1"


@pytest.mark.parametrize(
    "change",
    [{"keywords": "smoke"}, {"region": [2, 0, 1, 1]}, {"created": "yesterday"}, {"hits": "many"}],
)
def test_a_damaged_stored_rule_is_refused(change: dict[str, object]) -> None:
    rule = _grill_rule()
    row = {**rule.data(), "id": "r1", "camera": PATIO, "created": NOW, **change}
    with pytest.raises(ValueError, match=r"."):
        SuppressionRule.from_store(row)
    del row["id"]
    with pytest.raises(ValueError, match=r"."):
        SuppressionRule.from_store(row)


@given(st.text(max_size=80))
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(
    st.lists(
        st.sampled_from(WORDS.split()),
        max_size=8,
    )
)
def test_normalise_is_idempotent_on_real_words(words: list[str]) -> None:
    once = normalise(" ".join(words))
    assert normalise(once) == once
