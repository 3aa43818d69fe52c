"""What a camera decided about one image, why, and how that is kept.

A decision is made in one of three ways: the VLM answered (its text read by the
verdict parser), a nearly identical image was judged moments ago (that verdict
is reused, no call), or the VLM gave no usable answer and the camera's outage
policy decided. All three are pure functions of their inputs, so the monitor in
Home Assistant only wires them to the stream, the VLM client and the entities.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Final

from .redact import mask_text
from .settings import OUTAGE_OPEN
from .verdict import RULE_UNPARSEABLE, Verdict, VerdictPhrases, parse_verdict

RULE_UNVERIFIED: Final = "unverified"
UNVERIFIED_DESCRIPTION: Final = "Motion (not verified: the VLM is unavailable)"
REASON_MOTION: Final = "motion"
# Decisions kept in memory to explain what the VLM decided (diagnostics, history).
RECENT_DECISIONS: Final = 50

type Box = tuple[int, int, int, int]
type Size = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Decision:
    """One verdict on one image, with what is needed to explain it."""

    time: datetime
    verdict: Verdict
    raw: str
    model: str
    latency: float
    """Seconds the VLM took to answer (0 when no call was made)."""
    reason: str
    """Why the VLM was asked: motion, fallback or first (after connecting)."""
    boxes: list[Box] = field(default_factory=list)
    crop: Box | None = None
    reused: bool = False
    """True when a nearly identical image's recent verdict was reused (no call)."""
    frame_size: Size | None = None
    """Width and height of the frame the boxes are measured in."""

    @property
    def alert(self) -> bool:
        """Return True when the decision raises an alert."""
        return self.verdict.alert

    @property
    def verified(self) -> bool:
        """Return False for a motion-only alert the VLM did not confirm."""
        return self.verdict.rule != RULE_UNVERIFIED

    @property
    def unparseable(self) -> bool:
        """Return True when the VLM answered but its answer could not be read."""
        return self.verdict.rule == RULE_UNPARSEABLE

    def to_dict(self) -> dict[str, Any]:
        """Return the decision as plain JSON values."""
        return {
            "time": self.time.isoformat(),
            "alert": self.verdict.alert,
            "description": self.verdict.description,
            "rule": self.verdict.rule,
            "raw_answer": self.raw,
            "model": self.model,
            "latency": round(self.latency, 3),
            "reason": self.reason,
            "boxes": [list(box) for box in self.boxes],
            "crop": list(self.crop) if self.crop else None,
            "reused": self.reused,
            "frame_size": list(self.frame_size) if self.frame_size else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Decision:
        """Rebuild a decision stored by to_dict (raises KeyError/ValueError/TypeError)."""
        when = datetime.fromisoformat(str(data["time"]))
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        crop = data.get("crop")
        size = data.get("frame_size")
        return cls(
            time=when,
            verdict=Verdict(bool(data["alert"]), str(data["description"]), str(data["rule"])),
            raw=str(data.get("raw_answer", "")),
            model=str(data.get("model", "")),
            latency=float(data.get("latency", 0.0)),
            reason=str(data.get("reason", "")),
            boxes=[_box(box) for box in data.get("boxes") or []],
            crop=_box(crop) if crop else None,
            reused=bool(data.get("reused", False)),
            frame_size=(int(size[0]), int(size[1])) if size else None,
        )


def _box(values: Iterable[Any]) -> Box:
    x, y, w, h = (int(value) for value in values)
    return (x, y, w, h)


def answered(
    text: str,
    *,
    model: str,
    latency: float,
    reason: str,
    when: datetime,
    boxes: Iterable[Box] = (),
    crop: Box | None = None,
    frame_size: Size | None = None,
    phrases: VerdictPhrases | None = None,
) -> Decision:
    """Return the decision for the VLM's answer `text` (read by the verdict parser)."""
    return Decision(
        time=when,
        verdict=parse_verdict(text, phrases=phrases),
        raw=text,
        model=model,
        latency=latency,
        reason=reason,
        boxes=list(boxes),
        crop=crop,
        frame_size=frame_size,
    )


def reused(
    earlier: Decision,
    *,
    when: datetime,
    reason: str,
    boxes: Iterable[Box] = (),
    crop: Box | None = None,
    frame_size: Size | None = None,
) -> Decision:
    """Return an earlier decision on a nearly identical image, taken again without a call."""
    return replace(
        earlier,
        time=when,
        reason=reason,
        boxes=list(boxes),
        crop=crop,
        reused=True,
        frame_size=frame_size,
    )


def without_answer(
    policy: str,
    error: str,
    *,
    reason: str,
    when: datetime,
    boxes: Iterable[Box] = (),
    crop: Box | None = None,
    frame_size: Size | None = None,
) -> Decision | None:
    """Apply the camera's outage policy when the VLM gave no usable answer.

    Fail-closed (the default) decides nothing. Fail-open turns motion, and only
    motion (not a periodic full-frame check), into an alert marked unverified.
    """
    if policy != OUTAGE_OPEN or reason != REASON_MOTION:
        return None
    return Decision(
        time=when,
        verdict=Verdict(True, UNVERIFIED_DESCRIPTION, RULE_UNVERIFIED),
        raw=mask_text(error),
        model="",
        latency=0.0,
        reason=reason,
        boxes=list(boxes),
        crop=crop,
        frame_size=frame_size,
    )


class DecisionLog:
    """The camera's most recent decisions, newest last."""

    def __init__(self, size: int = RECENT_DECISIONS) -> None:
        """Keep at most `size` decisions."""
        self._items: deque[Decision] = deque(maxlen=size)

    def __iter__(self) -> Iterator[Decision]:
        """Iterate oldest first."""
        return iter(self._items)

    def __len__(self) -> int:
        """Return how many decisions are kept."""
        return len(self._items)

    @property
    def last(self) -> Decision | None:
        """Return the newest decision."""
        return self._items[-1] if self._items else None

    def add(self, decision: Decision) -> None:
        """Keep a new decision (the oldest goes when full)."""
        self._items.append(decision)

    def dump(self) -> list[dict[str, Any]]:
        """Return the decisions as plain JSON values, oldest first."""
        return [decision.to_dict() for decision in self._items]

    def restore(self, stored: Iterable[Any]) -> int:
        """Take back dumped decisions; return how many could not be read (skipped)."""
        skipped = 0
        for item in stored:
            try:
                self._items.append(Decision.from_dict(item))
            except (KeyError, TypeError, ValueError, IndexError):
                skipped += 1
        return skipped
