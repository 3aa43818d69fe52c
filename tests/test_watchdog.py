"""The watchdog's decisions on a clock the test drives: restart, escalate, recover."""

from __future__ import annotations

from custom_components.vlm_guard.core.health import (
    PROBLEM_NO_FRAMES,
    PROBLEM_NOT_ANALYSED,
    Action,
    HealthConfig,
    Watchdog,
)


def test_healthy_camera_needs_nothing() -> None:
    """Frames every tick, each analysed: no action, ever."""
    dog = Watchdog(5.0)
    dog.started(0.0)
    for second in range(1, 200):
        verdict = dog.check(float(second), last_frame=second - 0.5, last_analysed=second - 1.0)
        assert verdict.action is Action.NONE
        assert verdict.problem is None


def test_frozen_stream_restarts_three_times_then_escalates_once_then_recovers() -> None:
    """No frames: a restart per grace period, then one escalation, then recovery once back."""
    dog = Watchdog(5.0, HealthConfig(stale_frame=20.0, max_restarts=3))
    dog.started(0.0)
    assert dog.check(10.0, last_frame=9.0, last_analysed=9.0).action is Action.NONE
    actions = []
    for second in range(11, 200):
        verdict = dog.check(float(second), last_frame=9.0, last_analysed=9.0)
        if verdict.action is not Action.NONE:
            actions.append((second, verdict.action))
            assert verdict.problem == PROBLEM_NO_FRAMES
    # Stale after 20 s (t=30), then each restart gets 20 s of grace before the next.
    assert actions == [
        (30, Action.RESTART),
        (51, Action.RESTART),
        (72, Action.RESTART),
        (93, Action.ESCALATE),
    ]
    assert dog.escalated
    # Frames again: recovery is announced once, and the counters start over.
    assert dog.check(200.0, last_frame=199.5, last_analysed=199.0).action is Action.RECOVERED
    assert dog.check(201.0, last_frame=200.5, last_analysed=200.0).action is Action.NONE
    assert dog.restarts == 0
    assert not dog.escalated


def test_grace_period_after_a_restart_is_not_taken_for_recovery() -> None:
    """Right after a restart nothing is known yet: no recovery, restarts are not reset."""
    dog = Watchdog(5.0, HealthConfig(stale_frame=3.0))
    dog.started(0.0)
    assert dog.check(4.0, last_frame=None, last_analysed=None).action is Action.RESTART
    assert dog.check(5.0, last_frame=None, last_analysed=None).action is Action.NONE
    assert dog.restarts == 1
    assert dog.check(8.0, last_frame=None, last_analysed=None).action is Action.RESTART
    assert dog.restarts == 2


def test_frames_that_nobody_analyses_count_as_stuck() -> None:
    """The stream delivers but no tick looks at it for 3 intervals: restart."""
    dog = Watchdog(5.0)
    dog.started(0.0)
    assert dog.check(10.0, last_frame=9.9, last_analysed=5.0).action is Action.NONE
    verdict = dog.check(21.0, last_frame=20.9, last_analysed=5.0)
    assert verdict.action is Action.RESTART
    assert verdict.problem == PROBLEM_NOT_ANALYSED


def test_sparse_keyframes_are_not_a_stuck_analysis() -> None:
    """Packets flow all the time but a picture is decoded only every 5 s: that is fine."""
    dog = Watchdog(1.0)
    dog.started(0.0)
    for second in range(1, 60):
        picture = float(second - second % 5)
        verdict = dog.check(
            float(second), last_frame=second - 0.1, last_analysed=picture, last_decoded=picture
        )
        assert verdict.action is Action.NONE
