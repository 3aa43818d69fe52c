"""Tick phases: cameras started together tick at different moments of their interval."""

from __future__ import annotations

import pytest

from custom_components.vlm_guard.core.pacing import TickPhases


@pytest.mark.parametrize("cameras", [2, 3, 8, 32, 100])
def test_phases_spread_any_number_of_cameras(cameras: int) -> None:
    """However many cameras come, no two tick close together and no gap is much wider than fair."""
    phases = TickPhases()
    offsets = sorted(phases.next_offset(5.0) for _ in range(cameras))
    assert offsets[0] == 0.0
    assert all(0.0 <= offset < 5.0 for offset in offsets)
    gaps = [b - a for a, b in zip(offsets, [*offsets[1:], offsets[0] + 5.0], strict=True)]
    fair = 5.0 / cameras
    assert min(gaps) > 0.45 * fair
    assert max(gaps) < 1.8 * fair


def test_phases_follow_each_cameras_interval() -> None:
    """An offset is a share of the camera's own interval."""
    phases = TickPhases()
    assert phases.next_offset(5.0) == 0.0
    second = phases.next_offset(10.0)
    assert second == pytest.approx(6.18, abs=0.01)
