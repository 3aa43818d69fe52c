"""The RTSP reader against broken cameras: silent, stalling, dropping, damaged, password-protected."""

from __future__ import annotations

from collections.abc import Iterator
import logging
from pathlib import Path

import av
import av.error
import pytest

from custom_components.vlm_guard.core.stream import StreamReader, StreamStatus

from .conftest import CAMERA_PASSWORD, CAMERA_USER, PERSON_CLIP
from .harness.faults import BlackHoleServer, StallingProxy, corrupt_clip
from .harness.rtsp import RtspServer, footage
from .helpers import STOP_BOUND, wait_until

# Short timeouts keep every test to a few seconds; the faults do not depend on them.
OPEN_TIMEOUT = 2.0
READ_TIMEOUT = 2.0
MASKED = "rtsp://***:***@"


def _reader(url: str, statuses: list[StreamStatus]) -> StreamReader:
    return StreamReader(
        url,
        name="test",
        on_status=statuses.append,
        open_timeout=OPEN_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        reconnect_delays=(0.2,),
    )


def _sequence(reader: StreamReader) -> int:
    frame = reader.latest()
    return frame.sequence if frame is not None else 0


def _stop(reader: StreamReader) -> None:
    """Stop the reader; it must exit (a generous bound: a loaded machine is slow, not stuck)."""
    assert reader.stop(STOP_BOUND)


@pytest.fixture
def damaged_camera(socket_enabled: None, tmp_path: Path) -> Iterator[RtspServer]:
    """A camera whose H.264 slices arrive damaged (the people clip, bytes flipped)."""
    clip = corrupt_clip(footage(PERSON_CLIP), tmp_path / "damaged.mp4")
    server = RtspServer(file=clip, user=CAMERA_USER, password=CAMERA_PASSWORD)
    server.start()
    yield server
    server.stop()


def test_corrupt_clip_damages_slices_and_nothing_else(tmp_path: Path) -> None:
    """The damaged clip keeps its structure; some packets fail to decode, most decode."""
    source = footage(PERSON_CLIP)
    damaged = corrupt_clip(source, tmp_path / "damaged.mp4")
    original, changed = source.read_bytes(), damaged.read_bytes()
    assert len(changed) == len(original)
    # ftyp, moov and the mdat header (24672 bytes in this file) are untouched.
    mdat = original.index(b"mdat") + 4
    assert changed[:mdat] == original[:mdat]
    assert changed != original
    errors = decoded = packets = 0
    with av.open(str(damaged)) as container:
        video = container.streams.video[0]
        for packet in container.demux(video):
            if packet.size == 0:
                continue
            packets += 1
            try:
                decoded += len(video.codec_context.decode(packet))
            except av.error.InvalidDataError:
                errors += 1
            if packets == 300:
                break
    assert errors >= 5
    assert decoded >= 0.85 * packets


def test_black_hole_never_connects_and_stops_while_opening(socket_enabled: None) -> None:
    """A camera that accepts the connection and never answers: errors, no frames, quick stop."""
    statuses: list[StreamStatus] = []
    with BlackHoleServer() as hole:
        reader = _reader(hole.url, statuses)
        reader.start()
        try:
            assert wait_until(lambda: reader.errors >= 2, 3 * (OPEN_TIMEOUT + 1))
            assert not reader.connected
            assert reader.latest() is None
            assert statuses
            assert not any(status.connected for status in statuses)
            assert all(status.error for status in statuses)
            # Every attempt had a connection of its own and closed it (cameras allow few).
            assert hole.connections >= reader.errors
            assert hole.open_connections <= 1
            # Stop while the thread is blocked opening a fresh connection.
            accepted = hole.connections
            assert wait_until(lambda: hole.connections > accepted, 3 * (OPEN_TIMEOUT + 1))
        finally:
            accepted = hole.connections
            _stop(reader)
        assert not reader.alive
        # The blocked attempt was the last one: no new connection after the stop.
        assert hole.connections == accepted


def test_silence_after_play_times_out_and_reconnects(camera: RtspServer) -> None:
    """A camera that completes the handshake, then sends nothing: a timeout, then a new session."""
    statuses: list[StreamStatus] = []
    with StallingProxy.in_front_of(camera, stall_after_play=True) as proxy:
        reader = _reader(proxy.url, statuses)
        reader.start()
        try:
            assert wait_until(lambda: proxy.plays >= 1, 5)
            assert wait_until(lambda: reader.reconnects >= 1 and proxy.plays >= 2, 2 * 5)
            assert proxy.swallowed > 0  # the server did stream; nothing reached the reader
            assert reader.latest() is None
            assert not reader.connected
            assert statuses
            assert not any(status.connected for status in statuses)
            for status in statuses:
                assert status.error
                assert MASKED in status.error
                assert CAMERA_PASSWORD not in status.error
            # The dead session was closed before the next one was opened.
            assert proxy.open_connections <= 1
        finally:
            # Even right after the stream was probed.
            _stop(reader)


def test_stop_during_the_stream_probe_is_bounded_by_one_timeout(camera: RtspServer) -> None:
    """The module's promise: a stop never waits on a dead socket for more than one timeout."""
    with StallingProxy.in_front_of(camera, stall_after_play=True) as proxy:
        # The probe is bounded by the open timeout. A read timeout far longer than
        # the stop is allowed to take shows that no read is waited for after it.
        reader = StreamReader(
            proxy.url,
            name="test",
            open_timeout=OPEN_TIMEOUT,
            read_timeout=4 * STOP_BOUND,
            reconnect_delays=(0.2,),
        )
        reader.start()
        try:
            # Right after PLAY the reader probes the stream (PyAV's find_stream_info).
            assert wait_until(lambda: proxy.plays >= 1, 5)
            plays = proxy.plays
        finally:
            _stop(reader)
        assert not reader.alive
        assert proxy.plays == plays


def test_stall_mid_stream_freezes_frames_until_reconnected(camera: RtspServer) -> None:
    """The camera goes silent mid-stream: no new frames, disconnected within one read timeout,
    then fresh frames again."""
    statuses: list[StreamStatus] = []
    with StallingProxy.in_front_of(camera) as proxy:
        reader = _reader(proxy.url, statuses)
        reader.start()
        try:
            assert wait_until(lambda: _sequence(reader) > 5, 10)
            generation = reader.latest().generation
            frozen = _sequence(reader)
            proxy.stall()
            assert wait_until(lambda: not statuses[-1].connected, 12)
            # ~10 fps would have given ~20 frames by now; a frozen stream gives none
            # (bytes already in flight may complete a frame or two, and the last
            # buffered frame is flushed when the read times out).
            assert _sequence(reader) - frozen <= 3
            assert not reader.connected
            # Noticed by the reader's own check after one read timeout (FFmpeg
            # alone would report it only after a second one).
            assert statuses[-1].error == f"no data for {READ_TIMEOUT:g} s"
            assert proxy.swallowed > 0
            proxy.resume()
            assert wait_until(lambda: reader.latest().generation > generation, 10)
            resumed = _sequence(reader)
            assert wait_until(lambda: _sequence(reader) > resumed + 5, 5)
            assert reader.connected
            assert reader.reconnects >= 1
            # Attempts made while the camera was silent may have failed too.
            connected = [status.connected for status in statuses]
            assert connected == [True] + [False] * (len(connected) - 2) + [True]
            assert proxy.open_connections == 1
        finally:
            _stop(reader)


def test_dropped_connection_reconnects_without_waiting_for_a_timeout(
    camera: RtspServer,
) -> None:
    """The camera closes the connection (a reboot, a session limit): the reader is back at once."""
    statuses: list[StreamStatus] = []
    with StallingProxy.in_front_of(camera) as proxy:
        reader = _reader(proxy.url, statuses)
        reader.start()
        try:
            assert wait_until(lambda: _sequence(reader) > 5, 10)
            generation = reader.latest().generation
            proxy.drop()
            assert wait_until(lambda: reader.latest().generation > generation, 10)
            assert reader.connected
            assert reader.reconnects == 1
            assert proxy.connections == 2
            assert [status.connected for status in statuses] == [True, False, True]
            # The closed socket is noticed as the end of the stream, not timed out.
            assert statuses[1].error == "the stream ended"
        finally:
            _stop(reader)


def test_damaged_h264_costs_frames_not_the_connection(damaged_camera: RtspServer) -> None:
    """Damaged slices are counted and skipped; frames keep coming on the same connection."""
    statuses: list[StreamStatus] = []
    reader = _reader(damaged_camera.url, statuses)
    reader.start()
    try:
        # The damaged clip fails to decode at about packets 14, 28, 36 and 56 (10 per second).
        assert wait_until(lambda: reader.decode_errors >= 2, 10)
        damaged_at = _sequence(reader)
        assert wait_until(lambda: _sequence(reader) > damaged_at + 10, 5)
        assert reader.decoded >= 0.85 * reader.packets
        assert reader.connected
        assert reader.reconnects == 0
        assert reader.errors == 0
        assert reader.latest().generation == 1
        assert statuses == [StreamStatus(True)]
    finally:
        _stop(reader)


def test_password_never_appears_in_logs_or_statuses(
    camera: RtspServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Drops, timeouts and a wrong path put the URL in errors; the password never comes out."""
    caplog.set_level(logging.DEBUG)
    statuses: list[StreamStatus] = []
    wrong_path_statuses: list[StreamStatus] = []
    with StallingProxy.in_front_of(camera) as proxy:
        assert CAMERA_PASSWORD in proxy.url
        reader = _reader(proxy.url, statuses)
        # FFmpeg's error for a missing path names the whole URL, password included.
        wrong_path = _reader(proxy.url.replace(camera.path, "/missing"), wrong_path_statuses)
        reader.start()
        wrong_path.start()
        try:
            assert wait_until(lambda: _sequence(reader) > 5, 10)
            proxy.drop()
            assert wait_until(lambda: reader.reconnects >= 1 and reader.connected, 10)
            proxy.stall()
            assert wait_until(lambda: reader.errors >= 1, 3 * READ_TIMEOUT + 1)
            proxy.resume()
            assert wait_until(lambda: reader.reconnects >= 2 and reader.connected, 10)
            assert wrong_path.errors >= 2
        finally:
            assert all([reader.stop(STOP_BOUND), wrong_path.stop(STOP_BOUND)])
    errors = [status.error for status in statuses + wrong_path_statuses if status.error]
    assert len(errors) >= 4
    assert any(MASKED in error for error in errors)
    assert all(CAMERA_PASSWORD not in error for error in errors)
    assert CAMERA_PASSWORD not in (reader.last_error or "")
    assert CAMERA_PASSWORD not in (wrong_path.last_error or "")
    # The reader did log about the camera's URL, masked.
    assert any(MASKED in record.getMessage() for record in caplog.records)
    for record in caplog.records:
        assert CAMERA_PASSWORD not in record.getMessage()
    assert CAMERA_PASSWORD not in caplog.text
