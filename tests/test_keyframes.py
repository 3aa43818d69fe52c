"""The keyframe gate: which keyframes a reader decodes, on plain timestamps."""

from __future__ import annotations

import pytest

from custom_components.vlm_guard.core.keyframes import GOP_HISTORY, TICK_WINDOW_GOPS, KeyframeGate


def _run(
    gate: KeyframeGate, keyframes: list[float], ticks: list[float], *, timestamps: bool = True
) -> list[float]:
    """Play keyframes arriving at their timestamps against a tick schedule; return those decoded.

    Each tick schedules the next one when it comes, as the camera monitor does;
    a keyframe at the very time of a tick arrives before it.
    """
    schedule = iter(ticks)
    next_tick = next(schedule)
    gate.schedule_tick(next_tick)
    decoded = []
    for at in keyframes:
        while at > next_tick:
            next_tick = next(schedule)
            gate.schedule_tick(next_tick)
        gate.keyframe(at if timestamps else None)
        if gate.wanted(at):
            gate.decoding(at)
            gate.delivered()
            decoded.append(at)
    return decoded


def test_gop_is_learned_from_keyframe_timestamps() -> None:
    gate = KeyframeGate(5.0)
    assert gate.keyframe_interval is None
    gate.keyframe(10.0)
    assert gate.keyframe_interval is None
    for at in (11.0, 12.0, 14.0, 15.0):
        gate.keyframe(at)
    # The longest recent interval counts: one long GOP is enough to be careful.
    assert gate.keyframe_interval == 2.0
    # Older intervals fall out of the history.
    for at in range(16, 16 + GOP_HISTORY):
        gate.keyframe(float(at))
    assert gate.keyframe_interval == 1.0


def test_keyframes_without_a_time_or_going_back_teach_nothing() -> None:
    gate = KeyframeGate(5.0)
    gate.keyframe(10.0)
    gate.keyframe(None)
    gate.keyframe(9.0)
    assert gate.keyframe_interval is None
    gate.keyframe(10.0)
    assert gate.keyframe_interval == 1.0


def test_a_new_connection_starts_the_gop_over() -> None:
    gate = KeyframeGate(5.0)
    gate.keyframe(0.0)
    gate.keyframe(1.0)
    gate.restart()
    assert gate.keyframe_interval is None
    # The new connection's first keyframe does not end a GOP of the old one.
    gate.keyframe(100.0)
    assert gate.keyframe_interval is None
    gate.keyframe(102.0)
    assert gate.keyframe_interval == 2.0


@pytest.mark.parametrize(
    ("gop", "interval", "suffice"),
    [(1.0, 5.0, True), (5.0, 5.0, True), (4.8, 2.0, False), (10.0, 5.0, False)],
    ids=["gop-shorter", "gop-equal", "gop-longer", "gop-twice"],
)
def test_keyframes_suffice_when_they_come_once_per_tick(
    gop: float, interval: float, suffice: bool
) -> None:
    gate = KeyframeGate(interval)
    # Before two keyframes the answer is optimistic: a decoder can only start at one anyway.
    assert gate.keyframes_suffice
    gate.keyframe(0.0)
    gate.keyframe(gop)
    assert gate.keyframes_suffice is suffice


def test_without_ticks_everything_is_decoded() -> None:
    gate = KeyframeGate(None)
    assert not gate.keyframes_suffice
    gate.keyframe(0.0)
    gate.keyframe(1.0)
    assert not gate.keyframes_suffice


def test_the_first_keyframe_is_always_decoded() -> None:
    gate = KeyframeGate(5.0)
    gate.keyframe(0.0)
    assert gate.wanted(0.0)
    gate.decoding(0.0)
    # A keyframe that gave no picture (damaged) leaves the reader without a frame.
    assert gate.wanted(1.0)
    gate.decoding(1.0)
    gate.delivered()
    # No tick has asked yet: the frame in hand will do.
    assert not gate.wanted(2.0)
    gate.restart()
    assert gate.wanted(3.0)


def test_decode_window_opens_before_the_tick() -> None:
    gate = KeyframeGate(5.0)
    for at in (0.0, 1.0):
        gate.keyframe(at)
    gate.decoding(1.0)
    gate.delivered()
    gate.schedule_tick(10.0)
    assert gate.window_start == 10.0 - TICK_WINDOW_GOPS * 1.0
    assert not gate.wanted(8.4)
    assert gate.wanted(8.5)
    gate.decoding(8.5)
    gate.delivered()
    # One keyframe per tick: the next one in the window is not decoded.
    assert not gate.wanted(9.5)
    gate.schedule_tick(15.0)
    # A tick comes late or a keyframe early: nothing before the window.
    assert not gate.wanted(13.0)
    assert gate.wanted(13.6)


def test_one_keyframe_per_tick_the_last_before_it() -> None:
    """1 s GOP, 5 s ticks: the keyframe a second before each tick, and no other."""
    keyframes = [float(at) for at in range(31)]
    decoded = _run(KeyframeGate(5.0), keyframes, [float(t) for t in range(0, 40, 5)])
    assert decoded == [0.0, 4.0, 9.0, 14.0, 19.0, 24.0, 29.0]


def test_every_tick_gets_a_keyframe_when_gop_and_tick_are_equal() -> None:
    """2 s GOP, 2 s ticks, keyframes half-way between ticks: each one serves a tick."""
    keyframes = [at + 1.5 for at in range(0, 20, 2)]
    decoded = _run(KeyframeGate(2.0), keyframes, [float(t) for t in range(0, 30, 2)])
    assert decoded == keyframes


def test_a_frame_from_before_the_window_does_not_serve_the_tick() -> None:
    """Connected 2.7 s before a tick whose window opens 1.5 s before it: one more keyframe."""
    keyframes = [0.3, 1.3, 2.3, 3.3]
    assert _run(KeyframeGate(5.0), keyframes, [3.0, 6.0]) == [0.3, 2.3]
    # Connected inside the window: the first frame is fresh enough for that tick.
    assert _run(KeyframeGate(5.0), [1.6, 2.6], [3.0, 6.0]) == [1.6]


def test_keyframes_out_of_phase_with_the_ticks() -> None:
    """1 s GOP at a 0.3 s phase, 3 s ticks: the first keyframe in each window is decoded."""
    keyframes = [at + 0.3 for at in range(12)]
    decoded = _run(KeyframeGate(3.0), keyframes, [0.0, 3.0, 6.0, 9.0, 12.0])
    # Windows open 1.5 s before each tick: at 1.5, 4.5, 7.5 and 10.5.
    assert decoded == pytest.approx([0.3, 2.3, 5.3, 8.3, 11.3])


def test_on_demand_decodes_only_what_is_asked() -> None:
    gate = KeyframeGate(5.0, on_demand=True)
    gate.keyframe(0.0)
    assert gate.wanted(0.0)  # The first frame, to know the picture size.
    gate.decoding(0.0)
    gate.delivered()
    gate.schedule_tick(5.0)
    for at in (1.0, 2.0, 3.0, 4.0):
        gate.keyframe(at)
        assert not gate.wanted(at)
    gate.request()
    gate.keyframe(5.0)
    assert gate.wanted(5.0)
    gate.decoding(5.0)
    gate.delivered()
    # The request is answered: the next keyframe waits for another one.
    gate.keyframe(6.0)
    assert not gate.wanted(6.0)


def test_a_request_made_while_decoding_is_kept() -> None:
    gate = KeyframeGate(5.0, on_demand=True)
    gate.decoding(0.0)
    gate.request()
    gate.delivered()
    assert gate.wanted(1.0)


def test_keyframes_without_timestamps_still_serve_the_ticks() -> None:
    """A camera that sends keyframes every 2 s with no timestamps yet, ticks every 1 s.

    The GOP cannot be learned, yet every keyframe arriving shortly before a tick
    is decoded: the ticks keep getting fresh frames instead of the first one only.
    """
    gate = KeyframeGate(1.0)
    decoded = _run(
        gate, [2.0 * n for n in range(6)], [0.3 + n for n in range(12)], timestamps=False
    )
    assert gate.keyframe_interval is None
    assert decoded == [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]
