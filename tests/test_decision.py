"""The monitor's decisions, as pure code: answers, reuse, the outage policy, the record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
import subprocess
import sys

from hypothesis import given, strategies as st

from custom_components.vlm_guard.core.decision import (
    RULE_UNVERIFIED,
    Decision,
    DecisionLog,
    answered,
    reused,
    without_answer,
)
from custom_components.vlm_guard.core.settings import OUTAGE_CLOSED, OUTAGE_OPEN
from custom_components.vlm_guard.core.verdict import RULE_UNPARSEABLE, Verdict

WHEN = datetime(2026, 11, 27, 3, 14, 15, tzinfo=UTC)
BOXES = [(10, 20, 30, 40), (100, 120, 50, 60)]


def test_an_alert_answer_becomes_an_alert_decision() -> None:
    decision = answered(
        "ALERT: a man climbs over the fence.",
        model="qwen2.5vl:7b",
        latency=0.21,
        reason="motion",
        when=WHEN,
        boxes=BOXES,
        crop=(0, 0, 200, 200),
    )
    assert decision.alert
    assert decision.verified
    assert not decision.unparseable
    assert "climbs over the fence" in decision.verdict.description
    assert decision.boxes == BOXES
    assert decision.raw == "ALERT: a man climbs over the fence."


def test_negation_and_garbage_do_not_alert() -> None:
    clear = answered(
        "No people, vehicles, or animals are visible.",
        model="m",
        latency=0.1,
        reason="fallback",
        when=WHEN,
    )
    assert not clear.alert
    garbage = answered("}{ \x00", model="m", latency=0.1, reason="motion", when=WHEN)
    assert not garbage.alert
    assert garbage.unparseable
    assert garbage.verdict.rule == RULE_UNPARSEABLE


def test_a_reused_verdict_keeps_the_words_and_takes_the_new_place() -> None:
    earlier = answered(
        "ALERT: a car parks in the drive.", model="m", latency=0.3, reason="motion", when=WHEN
    )
    later = reused(
        earlier, when=WHEN + timedelta(seconds=5), reason="motion", boxes=BOXES, crop=(1, 2, 3, 4)
    )
    assert later.reused
    assert later.verdict == earlier.verdict
    assert later.time == WHEN + timedelta(seconds=5)
    assert later.boxes == BOXES
    assert later.crop == (1, 2, 3, 4)
    assert not earlier.reused


def test_outage_policy_stays_quiet_by_default() -> None:
    assert without_answer(OUTAGE_CLOSED, "timeout", reason="motion", when=WHEN) is None


def test_outage_policy_fail_open_alerts_unverified_on_motion_only() -> None:
    error = "cannot reach rtsp://admin:Sup3r-Secret-pw@10.0.0.2/stream: refused"
    decision = without_answer(OUTAGE_OPEN, error, reason="motion", when=WHEN, boxes=BOXES)
    assert decision is not None
    assert decision.alert
    assert not decision.verified
    assert decision.verdict.rule == RULE_UNVERIFIED
    assert decision.boxes == BOXES
    assert "Sup3r-Secret-pw" not in decision.raw
    # A periodic full-frame check is no motion: nothing to alert on.
    assert without_answer(OUTAGE_OPEN, error, reason="fallback", when=WHEN) is None
    assert without_answer(OUTAGE_OPEN, error, reason="first", when=WHEN) is None


_boxes = st.lists(
    st.tuples(*(st.integers(min_value=0, max_value=5000) for _ in range(4))), max_size=4
)


@given(
    alert=st.booleans(),
    description=st.text(max_size=80),
    rule=st.sampled_from(["alert", "clear", "negation", RULE_UNVERIFIED]),
    raw=st.text(max_size=200),
    latency=st.floats(min_value=0, max_value=120, allow_nan=False),
    boxes=_boxes,
    crop=st.none() | st.tuples(*(st.integers(min_value=0, max_value=5000) for _ in range(4))),
    is_reused=st.booleans(),
)
def test_a_decision_survives_storage(
    alert: bool,
    description: str,
    rule: str,
    raw: str,
    latency: float,
    boxes: list[tuple[int, int, int, int]],
    crop: tuple[int, int, int, int] | None,
    is_reused: bool,
) -> None:
    decision = Decision(
        time=WHEN,
        verdict=Verdict(alert, description, rule),
        raw=raw,
        model="qwen2.5vl:7b",
        latency=round(latency, 3),
        reason="motion",
        boxes=boxes,
        crop=crop,
        reused=is_reused,
    )
    assert Decision.from_dict(decision.to_dict()) == decision


def test_the_log_keeps_the_newest_and_skips_what_it_cannot_read() -> None:
    log = DecisionLog(size=3)
    assert log.last is None
    for second in range(5):
        log.add(
            answered(
                f"CLEAR: quiet {second}",
                model="m",
                latency=0.1,
                reason="motion",
                when=WHEN + timedelta(seconds=second),
            )
        )
    assert len(log) == 3
    assert log.last is not None
    assert log.last.time == WHEN + timedelta(seconds=4)
    stored = log.dump()
    restored = DecisionLog(size=10)
    skipped = restored.restore(
        [{"time": "yesterday"}, {"alert": True}, *stored, {"time": WHEN.isoformat()}]
    )
    assert skipped == 3
    assert [d.time for d in restored] == [d.time for d in log]
    naive = DecisionLog()
    naive.restore([{**stored[0], "time": "2026-11-27T03:14:16"}])
    assert naive.last is not None
    assert naive.last.time.tzinfo is not None


def test_decisions_and_settings_need_no_home_assistant_and_no_decoder() -> None:
    """The decision record and the camera settings import without HA, OpenCV or PyAV."""
    # The core package is imported on its own: the integration's __init__ would
    # bring Home Assistant in.
    code = (
        "import sys\n"
        "import core.decision, core.settings\n"
        "bad = [m for m in ('homeassistant', 'cv2', 'av') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    found = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[1] / "custom_components" / "vlm_guard",
    ).stdout.strip()
    assert found == ""
