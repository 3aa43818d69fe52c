"""The daily review: the day's incidents grouped, the question asked, the answer read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
import json
from zoneinfo import ZoneInfo

from hypothesis import given, strategies as st
import pytest

from custom_components.vlm_guard.core.review import (
    LABELS,
    GroupLabel,
    ReviewError,
    ReviewGroup,
    ReviewItem,
    build_review_prompt,
    group_incidents,
    parse_review,
    propose_rules,
    review_schema,
    summarise,
)
from custom_components.vlm_guard.core.suppression import make_rule, matches

BERLIN = ZoneInfo("Europe/Berlin")
DAY = datetime(2026, 7, 4, tzinfo=UTC)
FRAME = (1920, 1080)
GRILL = (200, 700, 200, 200)
TIMES = "\N{MULTIPLICATION SIGN}"


def _item(
    number: int,
    camera: str,
    description: str,
    hour: int,
    minute: int = 0,
    boxes: tuple[tuple[int, int, int, int], ...] = (),
    status: str = "new",
) -> ReviewItem:
    names = {"patio": "Patio", "door": "Front door"}
    return ReviewItem(
        incident_id=f"inc-{number}",
        camera=camera,
        camera_name=names[camera],
        started=DAY + timedelta(hours=hour, minutes=minute),
        description=description,
        boxes=boxes,
        frame_size=FRAME if boxes else None,
        status=status,
    )


def _day() -> list[ReviewItem]:
    """A day on two cameras: visitors at the door, the grill smoking, a spider at night."""
    return [
        _item(1, "door", "A person walks to the door.", 5, 14),
        _item(2, "door", "a person walking to the door", 6, 2, status="real"),
        _item(3, "door", "A person walks to the door.", 10, 30),
        _item(4, "patio", "Smoke rises from the barbecue grill.", 16, 5, (GRILL,)),
        _item(5, "patio", "Smoke is rising from the BBQ grill", 17, 40, ((250, 750, 100, 100),)),
        _item(6, "patio", "Smoke rises from the barbecue grill.", 18, 0, (GRILL,), "false_alarm"),
        _item(7, "patio", "A spider crawls across the lens", 22, 45),
        _item(8, "door", "A spider crawls across the lens", 23, 10),
    ]


def test_grouping_merges_wordings_and_keeps_cameras_apart() -> None:
    groups = group_incidents(_day())
    summary = [(g.index, g.camera_name, g.key, g.count) for g in groups]
    assert summary == [
        (1, "Front door", "person walk door", 3),
        (2, "Front door", "spider crawl len", 1),
        (3, "Patio", "smoke rise barbecue grill", 3),
        (4, "Patio", "spider crawl len", 1),
    ]
    door, _, grill, _ = groups
    assert door.description == "A person walks to the door."
    assert door.incident_ids == ["inc-1", "inc-2", "inc-3"]
    assert door.statuses == {"real": 1}
    assert door.region is None
    assert grill.region == pytest.approx((0.0042, 0.5481, 0.3083, 0.9333), abs=1e-3)
    assert grill.statuses == {"false_alarm": 1}
    assert group_incidents([]) == []


def test_the_question_tells_the_model_the_property_weather_and_local_times() -> None:
    groups = group_incidents(_day())
    prompt = build_review_prompt(
        groups,
        contexts={
            "patio": "There is a barbecue grill on the patio that smokes.",
            "garage": "A camera without alerts today.",
            "door": "  ",
        },
        weather="Dry, light wind, 24 °C",
        tz=BERLIN,
        day_label="Saturday 4 July 2026",
    )
    assert "Saturday 4 July 2026" in prompt
    assert "- Patio: There is a barbecue grill on the patio that smokes." in prompt
    assert "A camera without alerts today" not in prompt
    assert "- Front door:" not in prompt
    assert "Weather: Dry, light wind, 24 °C" in prompt
    # Berlin is two hours ahead of UTC in July.
    times = {1: "07:14, 08:02, 12:30", 3: "18:05, 19:40, 20:00"}
    assert f'Group 1 — Front door: "A person walks to the door." {TIMES}3 at {times[1]}' in prompt
    assert f'Group 3 — Patio: "Smoke rises from the barbecue grill." {TIMES}3 at {times[3]}' in (
        prompt
    )
    assert '- Group 1: the owner marked 1 as "real".' in prompt
    assert '- Group 3: the owner marked 1 as "false alarm".' in prompt
    for label in LABELS:
        assert label in prompt
    assert "Label every group" in prompt


def test_a_busy_group_lists_a_dozen_times_and_no_weather_means_no_weather_line() -> None:
    items = [_item(n, "door", "A person walks to the door.", 0, n) for n in range(20)]
    prompt = build_review_prompt(
        group_incidents(items), contexts={}, weather=None, tz=BERLIN, day_label="today"
    )
    assert f"{TIMES}20 at 02:00, 02:01," in prompt
    assert "02:11, …" in prompt
    assert "02:12" not in prompt
    assert "Weather" not in prompt
    assert "What the owner says" not in prompt


def test_the_schema_asks_for_one_label_of_three_per_group() -> None:
    schema = review_schema()
    item = schema["properties"]["groups"]["items"]
    assert item["properties"]["label"]["enum"] == ["REAL", "FALSE_POSITIVE", "NOISE"]
    assert set(item["required"]) == {"group", "label", "reason"}
    json.dumps(schema)


ANSWER = {
    "groups": [
        {"group": 1, "label": "REAL", "reason": "People come to the door."},
        {"group": 2, "label": "NOISE", "reason": "A spider on the lens."},
        {"group": 3, "label": "FALSE_POSITIVE", "reason": "The grill smokes."},
        {"group": 4, "label": "NOISE", "reason": "A spider on the lens."},
    ]
}


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(ANSWER),
        "```json\n" + json.dumps(ANSWER, indent=2) + "\n```",
        "Here is my review of the day.\n" + json.dumps(ANSWER) + "\nLet me know if you need more.",
        "<think>Group 1 {is} REAL...</think>" + json.dumps(ANSWER),
        json.dumps(ANSWER["groups"]),
        json.dumps(ANSWER)
        .replace('"NOISE"', '"noise"')
        .replace('"FALSE_POSITIVE"', '"false positive"'),
        json.dumps(ANSWER).replace('"FALSE_POSITIVE"', '"False-Positive"'),
        # Cut off by the token limit after the fourth entry.
        json.dumps(ANSWER)[:-3],
        "{'groups': [{'group': 1, 'label': 'REAL', 'reason': 'People come to the door.'}, "
        "{'group': 2, 'label': 'NOISE', 'reason': 'A spider on the lens.'}, "
        "{'group': 3, 'label': 'FALSE_POSITIVE', 'reason': 'The grill smokes.'}, "
        "{'group': 4, 'label': 'NOISE', 'reason': 'A spider on the lens.'},]}",
        "Group 1: REAL - People come to the door.\nGroup 2: NOISE - A spider on the lens.\n"
        "Group 3: FALSE POSITIVE - The grill smokes.\nGroup 4: NOISE - A spider on the lens.",
    ],
)
def test_the_answer_is_read_however_the_model_writes_it(text: str) -> None:
    labels = parse_review(text, group_incidents(_day()))
    assert [(label.group, label.label) for label in labels] == [
        (1, "REAL"),
        (2, "NOISE"),
        (3, "FALSE_POSITIVE"),
        (4, "NOISE"),
    ]
    assert labels[2].reason == "The grill smokes."


def test_unknown_and_repeated_groups_are_skipped() -> None:
    answer = {
        "groups": [
            {"group": 3, "label": "NOISE", "reason": "first"},
            {"group": 3, "label": "REAL", "reason": "second"},
            {"group": 9, "label": "REAL", "reason": "no such group"},
            {"group": "2", "label": "MAYBE", "reason": "not a label"},
        ]
    }
    labels = parse_review(json.dumps(answer), group_incidents(_day()))
    assert labels == [GroupLabel(3, "NOISE", "first")]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I cannot review these alerts.",
        '{"groups": []}',
        "[]",
        '{"groups": [{"group": 1, "label": "MAYBE", "reason": "?"}]}',
        '{"groups": [{"group": 1, "label": "REAL|FALSE_POSITIVE|NOISE", "reason": "..."}]}',
        '{"groups": [{"group": 42, "label": "REAL", "reason": "no such group"}]}',
    ],
)
def test_an_answer_without_usable_labels_is_an_error(text: str) -> None:
    with pytest.raises(ReviewError):
        parse_review(text, group_incidents(_day()))


def test_the_error_says_why_and_quotes_the_answer() -> None:
    with pytest.raises(ReviewError, match=r"outside REAL.*MAYBE"):
        parse_review('[{"group": 1, "label": "MAYBE"}]', group_incidents(_day()))


def test_rules_are_proposed_for_false_positives_and_noise_only() -> None:
    groups = group_incidents(_day())
    labels = parse_review(json.dumps(ANSWER), groups)
    proposals = propose_rules(groups, labels)
    assert [(p.camera, p.label, p.keywords) for p in proposals] == [
        ("door", "NOISE", ("spider", "crawl", "len")),
        ("patio", "FALSE_POSITIVE", ("smoke", "rise", "barbecue", "grill")),
        ("patio", "NOISE", ("spider", "crawl", "len")),
    ]
    grill = proposals[1].to_dict()
    assert grill["incident_ids"] == ["inc-4", "inc-5", "inc-6"]
    assert grill["count"] == 3
    assert grill["reason"] == "The grill smokes."
    assert len(grill["region"]) == 4
    json.dumps(grill)


def test_an_accepted_proposal_silences_the_grill_but_not_a_visitor() -> None:
    groups = group_incidents(_day())
    grill = propose_rules(groups, [GroupLabel(3, "FALSE_POSITIVE", "The grill smokes.")])[0]
    rule = make_rule(
        rule_id="r1", camera=grill.camera, region=grill.region, keywords=grill.keywords, now=DAY
    )
    later = DAY + timedelta(days=1)
    seen = {"camera": "patio", "frame_size": FRAME, "now": later}
    assert matches(rule, description="Smoke rising from a barbecue grill", boxes=[GRILL], **seen)
    assert not matches(rule, description="A person walks across the patio", boxes=[GRILL], **seen)


def test_nothing_is_proposed_for_real_groups_or_groups_without_words() -> None:
    groups = group_incidents([_item(1, "door", "There is something visible in the image", 3)])
    assert groups[0].key == "something"
    empty = ReviewGroup(2, "door", "Front door", "", "", 1, [DAY], ["inc-2"], None)
    labels = [GroupLabel(1, "REAL", "x"), GroupLabel(2, "NOISE", "y")]
    assert propose_rules([*groups, empty], labels) == []


def test_the_summary_fits_a_sensor_state() -> None:
    groups = group_incidents(_day())
    labels = parse_review(json.dumps(ANSWER), groups)
    assert summarise(groups, labels) == "8 incidents in 4 groups: 1 real, 1 false positive, 2 noise"
    assert summarise(groups, labels[:1]) == "8 incidents in 4 groups: 1 real, 3 not labelled"
    assert summarise([], []) == "No incidents"
    many = [_item(n, "door", f"Visitor number {n} at the door", 1, n % 60) for n in range(300)]
    assert len(summarise(group_incidents(many), [])) <= 255


@given(st.text(max_size=200))
def test_any_answer_gives_labels_or_a_review_error(text: str) -> None:
    groups = group_incidents(_day())
    try:
        labels = parse_review(text, groups)
    except ReviewError:
        return
    assert labels
    assert all(label.label in LABELS and 1 <= label.group <= len(groups) for label in labels)


@given(
    st.lists(
        st.fixed_dictionaries(
            {
                "group": st.one_of(st.integers(-2, 6), st.text(max_size=4), st.none()),
                "label": st.one_of(st.sampled_from([*LABELS, "noise", "x"]), st.integers()),
                "reason": st.one_of(st.text(max_size=10), st.none(), st.integers()),
            }
        ),
        max_size=6,
    )
)
def test_any_json_answer_gives_labels_or_a_review_error(entries: list[dict[str, object]]) -> None:
    groups = group_incidents(_day())
    try:
        labels = parse_review(json.dumps({"groups": entries}), groups)
    except ReviewError:
        return
    assert len({label.group for label in labels}) == len(labels)
