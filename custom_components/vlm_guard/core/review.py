"""The daily review: group the day's incidents, ask a text model about them, propose rules.

A camera's incidents whose descriptions normalise the same form a group. A text model, told
about the property and the weather, labels each group REAL, FALSE_POSITIVE or NOISE; false
positives and noise become suppression rules proposed to the owner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime, tzinfo
import json
import re
from typing import Any, Final

from .phrases import strip_markup
from .suppression import Box, Region, normalise, region_of
from .verdict_json import JSON_ATTEMPTS

LABELS: Final = ("REAL", "FALSE_POSITIVE", "NOISE")
REAL: Final = "REAL"
# Times listed per group in the question; a busy group's count says the rest.
TIMES_LISTED: Final = 12
# A description is cut in the question, so one long answer cannot crowd out the others.
DESCRIPTION_CHARS: Final = 160
# How much of an unusable answer the error quotes.
QUOTED_CHARS: Final = 120
# A sensor state holds at most 255 characters.
SUMMARY_CHARS: Final = 255
# Owner statuses that are no review of their own.
_UNREVIEWED: Final = frozenset({"", "new"})
# The keys models put an entry's group, label and reason under, reduced to their letters.
_KEY_NAMES: Final = {
    "group": "group", "groupid": "group", "groupnumber": "group", "id": "group", "index": "group",
    "label": "label", "classification": "label", "category": "label", "verdict": "label",
    "reason": "reason", "explanation": "reason", "why": "reason",
}  # fmt: skip
# A model that ignores the JSON instruction often still writes "Group 3: NOISE - wind".
_LABEL_LINE = re.compile(
    r"group\W{0,3}(\d{1,4})\W{1,6}(real|false[\s_-]?positive|noise)\b\W*([^\n]*)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    """One incident as the review sees it."""

    incident_id: str
    camera: str
    camera_name: str
    started: datetime
    description: str
    boxes: tuple[Box, ...] = ()
    frame_size: tuple[int, int] | None = None
    status: str = "new"
    """The owner's own review, if any ("real", "false_alarm"), told to the model as a hint."""


@dataclass(slots=True)
class ReviewGroup:
    """Incidents of one camera whose descriptions say the same thing."""

    index: int
    """1-based, as the model sees it."""
    camera: str
    camera_name: str
    key: str
    """normalise(description), shared by every incident of the group."""
    description: str
    """The most common original wording."""
    count: int
    times: list[datetime]
    incident_ids: list[str]
    region: Region | None
    """Where in the frame the group's motion was (with the rule margin), if known."""
    statuses: dict[str, int] = field(default_factory=dict)
    """How many of the group's incidents the owner reviewed, by status."""


@dataclass(frozen=True, slots=True)
class GroupLabel:
    """The model's label for one group, with its reason."""

    group: int
    label: str
    reason: str


@dataclass(frozen=True, slots=True)
class ProposedRule:
    """A suppression rule the review suggests for a group of false alarms."""

    camera: str
    camera_name: str
    region: Region | None
    keywords: tuple[str, ...]
    label: str
    reason: str
    incident_ids: tuple[str, ...]
    count: int

    def to_dict(self) -> dict[str, Any]:
        """Return the proposal as plain JSON values."""
        return {
            **asdict(self),
            "region": list(self.region) if self.region else None,
            "keywords": list(self.keywords),
            "incident_ids": list(self.incident_ids),
        }


class ReviewError(Exception):
    """The model's answer gave no usable labels (the message says why, quoting a short part of the answer)."""


def group_incidents(items: Iterable[ReviewItem]) -> list[ReviewGroup]:
    """Group incidents by camera and normalised description, numbered from 1."""
    buckets: dict[tuple[str, str], list[ReviewItem]] = {}
    for item in items:
        buckets.setdefault((item.camera, normalise(item.description)), []).append(item)
    groups = [_group(camera, key, members) for (camera, key), members in buckets.items()]
    groups.sort(key=lambda g: (g.camera_name.casefold(), g.camera, -g.count, g.times[0], g.key))
    for index, group in enumerate(groups, start=1):
        group.index = index
    return groups


def _group(camera: str, key: str, members: list[ReviewItem]) -> ReviewGroup:
    members.sort(key=lambda item: item.started)
    wordings = Counter(item.description.strip() for item in members)
    regions = [r for m in members if (r := region_of(m.boxes, m.frame_size)) is not None]
    statuses = Counter(m.status for m in members if m.status not in _UNREVIEWED)
    return ReviewGroup(
        index=0,
        camera=camera,
        camera_name=members[0].camera_name or camera,
        key=key,
        # Counter keeps first-seen order, so a tie goes to the earliest wording.
        description=wordings.most_common(1)[0][0],
        count=len(members),
        times=[item.started for item in members],
        incident_ids=[item.incident_id for item in members],
        region=_union(regions),
        statuses=dict(statuses),
    )


def _union(regions: Sequence[Region]) -> Region | None:
    if not regions:
        return None
    x0, y0, x1, y1 = zip(*regions, strict=True)
    return (min(x0), min(y0), max(x1), max(y1))


def review_schema() -> dict[str, Any]:
    """Return the JSON schema of the answer (an Ollama "format" or an OpenAI json_schema)."""
    item = {
        "type": "object",
        "properties": {
            "group": {"type": "integer"},
            "label": {"type": "string", "enum": list(LABELS)},
            "reason": {"type": "string"},
        },
        "required": ["group", "label", "reason"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"groups": {"type": "array", "items": item}},
        "required": ["groups"],
        "additionalProperties": False,
    }


def build_review_prompt(
    groups: Sequence[ReviewGroup],
    *,
    contexts: Mapping[str, str],
    weather: str | None,
    tz: tzinfo,
    day_label: str,
) -> str:
    """Return the question for the text model: the property, the weather and every group."""
    lines = [
        "You review the alerts of a home security system for " + _one_line(day_label) + ".",
        "Cameras watch the property. When a camera sees motion, a vision model looks at the "
        "image and raises an alert if it sees a person, a vehicle or an animal on the property. "
        "Vision models make mistakes, so some alerts are false. Each group below collects "
        "similar alerts of one camera, with the vision model's description of them.",
    ]
    names = {group.camera: group.camera_name for group in groups}
    told = [(name, _one_line(contexts.get(camera) or "")) for camera, name in names.items()]
    known = [(name, text) for name, text in told if text]
    if known:
        lines += ["", "What the owner says about the property:"]
        lines += [f"- {name}: {text}" for name, text in known]
    if weather and _one_line(weather):
        lines += ["", f"Weather: {_one_line(weather)}"]
    lines += ["", "Groups:"]
    lines += [_group_line(group, tz) for group in groups]
    hints = [_hint(group) for group in groups if group.statuses]
    if hints:
        lines += ["", "The owner already reviewed some alerts (take this as a strong hint):"]
        lines += hints
    lines += [
        "",
        "Label every group with exactly one of:",
        "- REAL: a real person, vehicle or animal event on the property, worth an alert.",
        "- FALSE_POSITIVE: the vision model mistook something for a subject, such as a "
        "fixture, a shadow, a reflection, or activity on the public road.",
        "- NOISE: weather, light changes, insects or spiders on the lens, or camera glitches.",
        "When unsure, answer REAL: a missed intruder is worse than a repeated false alarm.",
        "Answer with JSON only, one entry per group, the reason in one short sentence:",
        '{"groups": [{"group": 1, "label": "REAL|FALSE_POSITIVE|NOISE", "reason": "..."}]}',
    ]
    return "\n".join(lines)


def _group_line(group: ReviewGroup, tz: tzinfo) -> str:
    times = [time.astimezone(tz).strftime("%H:%M") for time in sorted(group.times)]
    listed = ", ".join(times[:TIMES_LISTED]) + (", …" if len(times) > TIMES_LISTED else "")
    description = _one_line(group.description).replace('"', "'")
    if len(description) > DESCRIPTION_CHARS:
        description = description[: DESCRIPTION_CHARS - 1] + "…"
    return (
        f'Group {group.index} — {_one_line(group.camera_name)}: "{description or "(no description)"}"'
        f" \N{MULTIPLICATION SIGN}{group.count} at {listed}"
    )


def _hint(group: ReviewGroup) -> str:
    marks = ", ".join(
        f'{count} as "{status.replace("_", " ")}"' for status, count in group.statuses.items()
    )
    return f"- Group {group.index}: the owner marked {marks}."


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_review(text: str, groups: Sequence[ReviewGroup]) -> list[GroupLabel]:
    """Return the labels the model's answer gives the groups; raises ReviewError if none."""
    known = {group.index for group in groups}
    answer = strip_markup(text)
    # Relaxed JSON, or an entry cut off by the token limit after its label, still counts;
    # entries read twice are skipped below, so the broken-JSON reading runs on every answer.
    entries = (_json_entries(answer) or []) + _fragments(answer)
    if not entries:
        entries = [
            {"group": m[1], "label": m[2], "reason": m[3]} for m in _LABEL_LINE.finditer(answer)
        ]
    labels: dict[int, GroupLabel] = {}
    outside = 0
    for entry in entries:
        number, label = _number(entry.get("group")), _label(entry.get("label"))
        if label is None:
            outside += 1
        if number is None or label is None or number not in known or number in labels:
            continue
        reason = entry.get("reason")
        labels[number] = GroupLabel(
            number, label, _one_line(reason) if isinstance(reason, str) else ""
        )
    if not labels:
        why = "labels outside REAL, FALSE_POSITIVE, NOISE" if outside else "no labelled groups"
        quoted = _one_line(text)[:QUOTED_CHARS]
        raise ReviewError(f"The review answer has {why}: {quoted!r}")
    return sorted(labels.values(), key=lambda label: label.group)


def _json_entries(text: str) -> list[dict[str, Any]] | None:
    """Return the label entries of the JSON in the text, or None when it holds none.

    An answer cut off by the token limit does not decode as a whole; its
    complete entries still do, one object at a time, and are all kept.
    """
    decoder = json.JSONDecoder()
    singles: list[dict[str, Any]] = []
    start, failures = _next_start(text, 0), 0
    # Each failed decode reads on to where the JSON breaks, so failures are capped.
    while start != -1 and failures < JSON_ATTEMPTS:
        try:
            value, end = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            failures += 1
            start = _next_start(text, start + 1)
            continue
        if isinstance(value, dict) and "label" in (fields := _keys(value)):
            singles.append(fields)
        elif (entries := _entries(value)) and not singles:
            return entries
        start = _next_start(text, end)
    return singles or None


def _next_start(text: str, position: int) -> int:
    found = [i for i in (text.find("{", position), text.find("[", position)) if i != -1]
    return min(found, default=-1)


def _entries(value: Any) -> list[dict[str, Any]] | None:
    """Return the entries of a list, or of the first list of entries inside an object."""
    if isinstance(value, list):
        return [_keys(row) for row in value if isinstance(row, dict)] or None
    if isinstance(value, dict):
        return next(
            filter(None, (_entries(v) for v in value.values() if isinstance(v, list))), None
        )
    return None


def _keys(row: Mapping[Any, Any]) -> dict[str, Any]:
    """Return the row with the keys models use for group, label and reason named so."""
    fields: dict[str, Any] = {}
    for key, value in row.items():
        name = _KEY_NAMES.get(re.sub(r"[^a-z]", "", str(key).lower()))
        if name is not None:
            fields.setdefault(name, value)
    return fields


def _fragments(text: str) -> list[dict[str, Any]]:
    """Return the entries of relaxed JSON (single quotes, Python literals), one per object."""
    rows: list[dict[str, Any]] = []
    for part in text.split("{")[1:]:
        group = re.search(r"group\w*[\"']?\s*[:=]\s*[\"']?(\d+)", part, re.IGNORECASE)
        label = re.search(r"label[\"']?\s*[:=]\s*[\"']([A-Za-z _-]+)[\"']", part, re.IGNORECASE)
        reason = re.search(r"reason[\"']?\s*[:=]\s*[\"']([^\"'}]*)", part, re.IGNORECASE)
        if group and label:
            rows.append({"group": group[1], "label": label[1], "reason": reason and reason[1]})
    return rows


def _number(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and (
        found := re.fullmatch(r"\s*(?:group\s*)?#?(\d{1,6})\s*", value, re.IGNORECASE)
    ):
        return int(found[1])
    return None


def _label(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    letters = re.sub(r"[^A-Z]", "", value.upper())
    return {"REAL": "REAL", "FALSEPOSITIVE": "FALSE_POSITIVE", "NOISE": "NOISE"}.get(letters)


def propose_rules(
    groups: Sequence[ReviewGroup], labels: Sequence[GroupLabel]
) -> list[ProposedRule]:
    """Return one proposed rule per group labelled FALSE_POSITIVE or NOISE that has keywords."""
    by_index = {group.index: group for group in groups}
    proposals = []
    for label in labels:
        group = by_index.get(label.group)
        if group is None or label.label == REAL:
            continue
        words = tuple(dict.fromkeys(group.key.split()))
        if not words:
            continue
        proposals.append(
            ProposedRule(group.camera, group.camera_name, group.region, words, label.label,
                         label.reason, tuple(group.incident_ids), group.count)
        )  # fmt: skip
    return proposals


def summarise(groups: Sequence[ReviewGroup], labels: Sequence[GroupLabel]) -> str:
    """Return one short line for a sensor state: incidents, groups and what they were."""
    if not groups:
        return "No incidents"
    incidents = sum(group.count for group in groups)
    known = {group.index for group in groups}
    counts = Counter(label.label for label in labels if label.group in known)
    names = {"REAL": ("real", "real"), "FALSE_POSITIVE": ("false positive", "false positives")}
    parts = [
        _plural(counts[label], *names.get(label, ("noise", "noise")))
        for label in LABELS
        if counts[label]
    ]
    unlabelled = len(known - {label.group for label in labels})
    if unlabelled:
        parts.append(f"{unlabelled} not labelled")
    head = f"{_plural(incidents, 'incident', 'incidents')} in {_plural(len(groups), 'group', 'groups')}"
    return (f"{head}: {', '.join(parts)}" if parts else head)[:SUMMARY_CHARS]


def _plural(count: int, singular: str, plural: str) -> str:
    return f"{count} {singular if count == 1 else plural}"
