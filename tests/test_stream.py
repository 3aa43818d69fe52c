"""The RTSP reader thread against the real RTSP server."""

from __future__ import annotations

from collections.abc import Callable
import time

import pytest

from custom_components.vlm_guard.core.probe import ProbeError, probe_stream
from custom_components.vlm_guard.core.stream import StreamReader, StreamStatus

from .conftest import CAMERA_PASSWORD
from .harness.rtsp import RtspServer, free_port
from .helpers import wait_until


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
        started = time.monotonic()
        assert reader.stop(5)
        assert time.monotonic() - started < 2
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


def _tick_for(reader: StreamReader, seconds: float, interval: float) -> int:
    """Take one frame per tick as the monitor does; return how many ticks got a new frame."""
    fresh = last = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        reader.schedule_tick(time.monotonic() + interval)
        time.sleep(interval)
        frame = reader.latest()
        if frame is not None and frame.sequence != last:
            fresh += 1
            last = frame.sequence
    return fresh


def test_reader_decodes_one_keyframe_per_tick(camera: RtspServer) -> None:
    """1 s keyframe interval, 2 s ticks: only the keyframe before each tick is decoded."""
    reader = StreamReader(camera.url, name="test", tick_interval=2.0)
    reader.start()
    try:
        assert wait_until(lambda: reader.latest() is not None, 10)
        fresh = _tick_for(reader, 8.0, 2.0)
        assert fresh == 4  # every tick had a new frame
        assert reader.keyframes_only
        assert reader.keyframe_interval == pytest.approx(1.0)
        # ~10 fps for ~9 s of stream read, but about one frame per tick decoded.
        assert reader.packets >= 70
        assert reader.decoded <= 7
        frame = reader.latest()
        assert time.monotonic() - frame.received < 2.5
    finally:
        assert reader.stop(5)
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
        assert wait_until(lambda: not reader.keyframes_only, 1)
        packets, decoded = reader.packets, reader.decoded
        fresh = _tick_for(reader, 4.0, 1.0)
        assert fresh == 4
        assert reader.keyframe_interval == pytest.approx(4.8)
        # Every packet read while ticking was decoded (the counters are read while
        # the thread runs: one packet may be counted and not yet decoded).
        assert abs((reader.decoded - decoded) - (reader.packets - packets)) <= 1
    finally:
        assert reader.stop(5)
