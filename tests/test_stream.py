"""The RTSP reader thread against the real RTSP server."""

from __future__ import annotations

from collections.abc import Callable
import time

import pytest

from custom_components.vlm_guard.core.probe import ProbeError, probe_stream
from custom_components.vlm_guard.core.stream import (
    TICK_WINDOW_GOPS,
    Frame,
    StreamReader,
    StreamStatus,
)

from .conftest import CAMERA_PASSWORD
from .harness.rtsp import RtspServer, free_port
from .helpers import STOP_BOUND, wait_until


def test_probe_describes_the_stream(camera: RtspServer) -> None:
    info = probe_stream(camera.url)
    assert (info.width, info.height, info.codec, info.has_audio) == (768, 432, "h264", False)


def test_probe_error_hides_the_password(camera: RtspServer) -> None:
    with pytest.raises(ProbeError) as caught:
        probe_stream(camera.url_with(path="/missing"))
    assert caught.value.reason == "stream_not_found"
    assert CAMERA_PASSWORD not in str(caught.value)


def test_reader_delivers_fresh_frames_and_stops(camera: RtspServer) -> None:
    statuses: list[StreamStatus] = []
    reader = StreamReader(camera.url, name="test", on_status=statuses.append)
    reader.start()
    try:
        assert wait_until(lambda: reader.latest() is not None, 10)
        first = reader.latest()
        assert first.image.width == 768
        assert wait_until(lambda: reader.latest().sequence > first.sequence + 5, 5)
        assert reader.connected
        assert statuses == [StreamStatus(True)]
    finally:
        assert reader.stop(STOP_BOUND)
    assert not reader.alive


def test_reader_reconnects_after_server_restart(camera: RtspServer) -> None:
    statuses: list[StreamStatus] = []
    reader = StreamReader(
        camera.url, name="test", on_status=statuses.append, read_timeout=3, reconnect_delays=(0.5,)
    )
    reader.start()
    try:
        assert wait_until(lambda: reader.latest() is not None, 10)
        generation = reader.latest().generation
        camera.restart()
        assert wait_until(lambda: reader.latest().generation > generation, 20)
        assert reader.reconnects >= 1
        assert reader.connected
        assert [status.connected for status in statuses][:3] == [True, False, True]
        assert all(CAMERA_PASSWORD not in (status.error or "") for status in statuses)
    finally:
        assert reader.stop(5)
    assert not reader.alive


def test_reader_against_nothing_keeps_trying_and_stops_quickly(socket_enabled: None) -> None:
    reader = StreamReader(
        f"rtsp://admin:{CAMERA_PASSWORD}@127.0.0.1:{free_port()}/x",
        name="test",
        reconnect_delays=(0.2,),
    )
    reader.start()
    try:
        assert wait_until(lambda: reader.errors >= 2, 10)
        assert reader.latest() is None
        assert not reader.connected
        assert CAMERA_PASSWORD not in (reader.last_error or "")
    finally:
        assert reader.stop(5)


def _tick(reader: StreamReader, interval: float) -> Frame:
    """Announce a tick `interval` s ahead, as the monitor does; return the frame decoded for it."""
    before = reader.latest()
    assert before is not None
    at = time.monotonic() + interval
    reader.schedule_tick(at)
    assert wait_until(lambda: reader.latest().sequence != before.sequence, STOP_BOUND)
    frame = reader.latest()
    # Decoded for this tick, within its window: not a frame left over from before.
    assert frame.received >= at - TICK_WINDOW_GOPS * (reader.keyframe_interval or 0.0)
    return frame


def test_reader_decodes_one_keyframe_per_tick(camera: RtspServer) -> None:
    """1 s keyframe interval, 2 s ticks: only the keyframe before each tick is decoded."""
    reader = StreamReader(camera.url, name="test", tick_interval=2.0)
    reader.start()
    try:
        assert wait_until(lambda: reader.latest() is not None, 10)
        # The first frame is decoded at once; after it, only what a tick asks for.
        assert wait_until(lambda: reader.keyframe_interval is not None, 10)
        assert reader.keyframes_only
        assert reader.keyframe_interval == pytest.approx(1.0)
        packets, decoded = reader.packets, reader.decoded
        for _ in range(4):
            frame = _tick(reader, 2.0)
            assert frame.image.key_frame
        # Exactly one frame decoded per tick, while every packet was read: the
        # keyframes decoded are at least a GOP (10 packets) apart.
        assert reader.decoded - decoded == 4
        assert reader.packets - packets >= 3 * 10
    finally:
        assert reader.stop(STOP_BOUND)
    assert not reader.alive


def test_reader_decodes_everything_when_keyframes_are_rare(
    rtsp_server: Callable[..., RtspServer],
) -> None:
    """4.8 s keyframe interval, 2 s ticks: keyframes alone would be stale, so all is decoded."""
    server = rtsp_server("car-detection.mp4")
    reader = StreamReader(server.url, name="test", tick_interval=2.0)
    reader.start()
    try:
        assert wait_until(lambda: reader.keyframe_interval is not None, 20)
        assert wait_until(lambda: not reader.keyframes_only, STOP_BOUND)
        assert reader.keyframe_interval == pytest.approx(4.8)
        packets, decoded = reader.packets, reader.decoded
        for _ in range(4):
            _tick(reader, 1.0)
        assert wait_until(lambda: reader.packets - packets >= 20, STOP_BOUND)
        # Every packet read while ticking was decoded (the counters are read while
        # the thread runs: one packet may be counted and not yet decoded).
        assert abs((reader.decoded - decoded) - (reader.packets - packets)) <= 1
    finally:
        assert reader.stop(STOP_BOUND)
