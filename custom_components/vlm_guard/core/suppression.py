"""Suppression rules: what a false alarm teaches, so the same pattern never alerts again.

A rule belongs to one camera and holds the words its alerts were described
with and, optionally, the part of the frame they happened in. An ALERT whose
description has every word of the rule, and whose motion lies mostly inside
the rule's region, is suppressed. Descriptions are compared after `normalise`,
so "A person walks to the door." and "person walking to the door" are one thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
import math
import re
from typing import Any, Final
import unicodedata

type Region = tuple[float, float, float, float]
"""x0, y0, x1, y1 as fractions (0..1) of the frame's width and height."""
type Box = tuple[int, int, int, int]

# A rule's region is its incident's boxes grown by this fraction of the frame on
# each side: the next false alarm of the same fixture rarely moves exactly the same pixels.
DEFAULT_MARGIN: Final = 0.10
# How much of a box's area must lie inside a rule's region for the box to count as in it.
INSIDE_SHARE: Final = 0.5

# Words that say nothing about what happened: the VLM's phrasing varies in them.
_STOP_TEXT: Final = """
    a an the is are was were be been being am there here this that these those it its
    in on at of to and or with near by into from onto inside within for as while
    toward towards through across along around over
    visible seen image frame picture photo scene view shown show showing camera footage
    appears appear appearing seems seem can could may might likely possibly probably
    currently also just some one two three several multiple few couple
    he she they his her their them what which who
"""
STOP_WORDS: Final = frozenset(_STOP_TEXT.split())
# Plurals that no suffix rule folds, and spellings of one thing.
_IRREGULAR: Final = {
    "bbq": "barbecue",
    "barbeque": "barbecue",
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "leaves": "leaf",
    "shelves": "shelf",
    "knives": "knife",
    "wolves": "wolf",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "lying": "lie",
}
_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_WORD = re.compile(r"[a-z0-9]+")
_VOWELS = frozenset("aeiou")


class RuleError(ValueError):
    """A rule that cannot be made; `key` names the problem for a translated message."""

    def __init__(self, key: str, message: str) -> None:
        """Keep the key ("empty_rule", "expiry_past", "bad_region") next to the message."""
        super().__init__(message)
        self.key = key


def normalise(text: str) -> str:
    """Return the description's meaningful words, folded, lower case, joined by spaces."""
    folded = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ẞ", "ss"))
    ascii_text = folded.encode("ascii", "ignore").decode().lower()
    # "man's" is the man: the apostrophe goes before the text is cut into words.
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    words = []
    for word in _WORD.findall(ascii_text):
        if word in STOP_WORDS:
            continue
        stem = _fold(word)
        if stem not in STOP_WORDS:
            words.append(stem)
    return " ".join(words)


def keywords(text: str) -> tuple[str, ...]:
    """Return the distinct words of normalise(text), in order."""
    return tuple(dict.fromkeys(normalise(text).split()))


def _fold(word: str) -> str:
    """Return the word with plural and verb endings folded, until nothing more folds."""
    while (shorter := _fold_once(word)) != word:
        word = shorter
    return word


def _fold_once(word: str) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    # "something", "nothing", "clothing" are no verbs.
    if len(word) <= 3 or word.isdigit() or word.endswith("thing"):
        return word
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    for ending in ("ing", "ed"):
        stem = word[: -len(ending)]
        if word.endswith(ending) and not word.endswith("eed") and _has_vowel(stem):
            return _restore(stem) if len(stem) >= 2 else word
    return word


def _restore(stem: str) -> str:
    """Return the verb a stem without -ing/-ed came from: "runn" -> "run", "ris" -> "rise"."""
    if stem.endswith(("at", "bl", "iz")):
        return stem + "e"
    if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "lsz" and _consonant(stem, -1):
        return stem[:-1]
    if _measure(stem) == 1 and _short_end(stem):
        return stem + "e"
    return stem


def _consonant(word: str, index: int) -> bool:
    index %= len(word)
    letter = word[index]
    if letter in _VOWELS:
        return False
    if letter == "y":
        return index == 0 or not _consonant(word, index - 1)
    return True


def _has_vowel(word: str) -> bool:
    return any(not _consonant(word, index) for index in range(len(word)))


def _measure(word: str) -> int:
    """Return how many vowel-consonant runs the word has (Porter's m)."""
    pattern = "".join("c" if _consonant(word, index) else "v" for index in range(len(word)))
    return len(re.findall(r"v+c+", pattern))


def _short_end(word: str) -> bool:
    """Return True when the word ends consonant-vowel-consonant, the last not w, x or y."""
    return (
        len(word) >= 3
        and _consonant(word, -3)
        and not _consonant(word, -2)
        and _consonant(word, -1)
        and word[-1] not in "wxy"
    )


def region_of(
    boxes: Iterable[Box], frame_size: tuple[int, int] | None, margin: float = DEFAULT_MARGIN
) -> Region | None:
    """Return the boxes' union as a region grown by `margin`; None without boxes or size."""
    boxes = list(boxes)
    if not boxes or not frame_size or frame_size[0] <= 0 or frame_size[1] <= 0:
        return None
    width, height = frame_size
    x0 = min(x for x, _y, _w, _h in boxes) / width - margin
    y0 = min(y for _x, y, _w, _h in boxes) / height - margin
    x1 = max(x + w for x, _y, w, _h in boxes) / width + margin
    y1 = max(y + h for _x, y, _w, h in boxes) / height + margin
    return (_clamp(x0), _clamp(y0), _clamp(x1), _clamp(y1))


def _clamp(value: float) -> float:
    return round(min(1.0, max(0.0, value)), 4)


def check_region(region: Region | Sequence[float] | None) -> Region | None:
    """Return the region as four floats, or raise RuleError("bad_region")."""
    if region is None:
        return None
    try:
        values = list(region)
    except TypeError:
        values = []
    if len(values) != 4 or not all(
        isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        for value in values
    ):
        raise RuleError("bad_region", f"A region is four numbers x0, y0, x1, y1: {region!r}")
    x0, y0, x1, y1 = (float(value) for value in values)
    if not (0.0 <= x0 < x1 <= 1.0 and 0.0 <= y0 < y1 <= 1.0):
        raise RuleError("bad_region", f"A region lies in 0..1 with x0 < x1 and y0 < y1: {region!r}")
    return (x0, y0, x1, y1)


@dataclass(frozen=True, slots=True)
class SuppressionRule:
    """One camera's pattern of false alarms that no longer alerts."""

    id: str
    camera: str
    """The config subentry id of the camera."""
    region: Region | None
    keywords: tuple[str, ...]
    """Normalised words that must all be in the verdict's description."""
    created: datetime
    expires: datetime | None = None
    incident_id: str | None = None
    """The false alarm the rule was made from."""
    note: str = ""
    active: bool = True
    """False while proposed by the daily review and not accepted yet."""
    hits: int = 0
    last_hit: datetime | None = None

    def data(self) -> dict[str, Any]:
        """Return the rule's own content as JSON values to store."""
        return {
            "region": list(self.region) if self.region else None,
            "keywords": list(self.keywords),
            "incident_id": self.incident_id,
            "note": self.note,
        }

    @classmethod
    def from_store(cls, row: Mapping[str, Any]) -> SuppressionRule:
        """Rebuild a stored rule from data() and its bookkeeping; bad data raises ValueError."""
        try:
            words = row["keywords"]
            if isinstance(words, str) or not all(isinstance(word, str) for word in words):
                raise ValueError(f"Keywords are a list of words: {words!r}")
            return cls(
                id=str(row["id"]),
                camera=str(row["camera"]),
                region=check_region(row.get("region")),
                keywords=tuple(words),
                created=_datetime(row["created"]),
                expires=_optional_datetime(row.get("expires")),
                incident_id=None if row.get("incident_id") is None else str(row["incident_id"]),
                note=str(row.get("note") or ""),
                active=bool(row.get("active", True)),
                hits=int(row.get("hits") or 0),
                last_hit=_optional_datetime(row.get("last_hit")),
            )
        except (KeyError, TypeError) as err:
            raise ValueError(f"Not a stored suppression rule: {err}") from err

    def to_dict(self) -> dict[str, Any]:
        """Return the rule as plain JSON values (services, websocket, events)."""
        return {
            "id": self.id,
            "camera": self.camera,
            **self.data(),
            "created": self.created.isoformat(),
            "expires": self.expires.isoformat() if self.expires else None,
            "active": self.active,
            "hits": self.hits,
            "last_hit": self.last_hit.isoformat() if self.last_hit else None,
        }

    def expired(self, now: datetime) -> bool:
        """Return True once the rule's expiry time has come."""
        return self.expires is not None and now >= self.expires


def _datetime(value: object) -> datetime:
    if not isinstance(value, datetime):
        raise TypeError(f"Not a time: {value!r}")
    return value


def _optional_datetime(value: object) -> datetime | None:
    return None if value is None else _datetime(value)


def make_rule(
    *,
    rule_id: str,
    camera: str,
    region: Region | Sequence[float] | None,
    keywords: Iterable[str] | str,
    now: datetime,
    expires: datetime | None = None,
    incident_id: str | None = None,
    note: str = "",
    active: bool = True,
) -> SuppressionRule:
    """Return a new rule; keywords (words or a description) are normalised; raises RuleError."""
    checked = check_region(region)
    text = keywords if isinstance(keywords, str) else " ".join(keywords)
    words = tuple(dict.fromkeys(normalise(text).split()))
    if checked is None and not words:
        raise RuleError(
            "empty_rule", "A rule needs a region or keywords, or it would hide everything"
        )
    if expires is not None and expires <= now:
        raise RuleError("expiry_past", f"The rule would expire in the past: {expires.isoformat()}")
    return SuppressionRule(
        id=rule_id,
        camera=camera,
        region=checked,
        keywords=words,
        created=now,
        expires=expires,
        incident_id=incident_id,
        note=note.strip(),
        active=active,
    )


def matches(
    rule: SuppressionRule,
    *,
    camera: str,
    description: str,
    boxes: Sequence[Box],
    frame_size: tuple[int, int] | None,
    now: datetime,
) -> bool:
    """Return True when the rule suppresses this camera's ALERT."""
    return _matches(rule, camera, set(keywords(description)), boxes, frame_size, now)


def first_match(
    rules: Iterable[SuppressionRule],
    *,
    camera: str,
    description: str,
    boxes: Sequence[Box],
    frame_size: tuple[int, int] | None,
    now: datetime,
) -> SuppressionRule | None:
    """Return the first rule that suppresses this camera's ALERT, or None."""
    words = set(keywords(description))
    for rule in rules:
        if _matches(rule, camera, words, boxes, frame_size, now):
            return rule
    return None


def _matches(
    rule: SuppressionRule,
    camera: str,
    words: set[str],
    boxes: Sequence[Box],
    frame_size: tuple[int, int] | None,
    now: datetime,
) -> bool:
    if not rule.active or rule.camera != camera or rule.expired(now):
        return False
    if not words.issuperset(rule.keywords):
        return False
    if rule.region is None:
        return True
    # Motion elsewhere in the frame is another happening: a region rule needs every box inside.
    if not boxes or not frame_size or frame_size[0] <= 0 or frame_size[1] <= 0:
        return False
    return all(_inside(rule.region, box, frame_size) for box in boxes)


def _inside(region: Region, box: Box, frame_size: tuple[int, int]) -> bool:
    """Return True when at least INSIDE_SHARE of the box's area lies inside the region."""
    width, height = frame_size
    x, y, w, h = box
    bx0, by0, bx1, by1 = x / width, y / height, (x + w) / width, (y + h) / height
    rx0, ry0, rx1, ry1 = region
    area = (bx1 - bx0) * (by1 - by0)
    if area <= 0:
        centre_x, centre_y = (bx0 + bx1) / 2, (by0 + by1) / 2
        return rx0 <= centre_x <= rx1 and ry0 <= centre_y <= ry1
    overlap_w = max(0.0, min(bx1, rx1) - max(bx0, rx0))
    overlap_h = max(0.0, min(by1, ry1) - max(by0, ry0))
    return overlap_w * overlap_h >= INSIDE_SHARE * area
