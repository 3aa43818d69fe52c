"""Clips with pre-roll: the packet buffer fed by the real reader, and MP4s written without decoding."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
import itertools
from pathlib import Path
import struct
import threading
import time
from typing import Any

import av
import numpy as np
import pytest
import pytest_socket

from custom_components.vlm_guard.core.clip_buffer import ClipBuffer, ClipPackets
from custom_components.vlm_guard.core.clip_writer import ClipError, write_clip
from custom_components.vlm_guard.core.stream import StreamReader

from . import clips
from .conftest import CAMERA_PASSWORD, CAMERA_USER, CAR_CLIP, PERSON_CLIP
from .harness.rtsp import RtspServer, footage
from .helpers import STOP_BOUND, wait_until

KEEP = 3.0
PREROLL = 2.0
RECORDING = 1.5
POSTROLL = 1.0
PERSON_GOP = 1.0
CAR_GOP = 4.8
# Stream time against arrival time: the burst of packets at connect, the last frame's length.
SLACK = 0.7


@contextmanager
def _server(file: Path, **kwargs: Any) -> Iterator[RtspServer]:
    """Serve a file for the whole module; each connection starts at its beginning."""
    # Sockets are off from each test's setup on, and a module fixture is set up
    # inside a test's setup: the port is found with them on, then they go off again.
    pytest_socket.enable_socket()
    try:
        server = RtspServer(file=file, user=CAMERA_USER, password=CAMERA_PASSWORD, **kwargs)
    finally:
        pytest_socket.disable_socket(allow_unix_socket=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def person_camera() -> Iterator[RtspServer]:
    """People walking into a room: H.264, 10 fps, a keyframe every second, no sound."""
    with _server(footage(PERSON_CLIP)) as server:
        yield server


@pytest.fixture(scope="module")
def car_camera() -> Iterator[RtspServer]:
    """A parking lot: H.264, 12.5 fps, a keyframe every 4.8 s, AAC sound."""
    with _server(footage(CAR_CLIP), audio=True) as server:
        yield server


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s of H.264 from a file: 10 fps, a keyframe every second."""
    folder = tmp_path_factory.mktemp("synthetic")
    return clips.write_clip(folder / "busy.mp4", clips.busy, 12.0)


@contextmanager
def _reading(url: str, buffer: ClipBuffer, **kwargs: Any) -> Iterator[StreamReader]:
    """Run the real reader (one frame per 5 s tick, as a camera) feeding the buffer."""
    reader = StreamReader(url, name="clips", tick_interval=5.0, clip_buffer=buffer, **kwargs)
    reader.start()
    try:
        yield reader
    finally:
        assert reader.stop(STOP_BOUND)


def _boxes(path: Path) -> list[str]:
    """Return the MP4's top-level box types, in file order."""
    data, names, at = path.read_bytes(), [], 0
    while at < len(data):
        size, kind = struct.unpack_from(">I4s", data, at)
        if size == 1:  # A 64-bit size follows.
            size = struct.unpack_from(">Q", data, at + 8)[0]
        names.append(kind.decode("latin-1"))
        at += size or len(data)
    return names


def _play(path: Path) -> tuple[list[av.VideoFrame], int]:
    """Check the clip plays from its start in a browser; decode it fully: (pictures, sound frames)."""
    boxes = _boxes(path)
    assert boxes.index("moov") < boxes.index("mdat"), boxes  # faststart
    with av.open(str(path)) as container:
        frames = list(container.decode(video=0))
    with av.open(str(path)) as container:
        sound = sum(1 for _ in container.decode(audio=0)) if container.streams.audio else 0
    assert frames[0].key_frame
    return frames, sound


def _record(
    buffer: ClipBuffer, preroll: float, recording: float, postroll: float
) -> tuple[ClipPackets, float, float]:
    """Start a recording now, let it run, finish it after the post-roll: (clip, start, until)."""
    begun = time.monotonic()
    held = buffer.start(begun, preroll)
    assert buffer.recording
    until = begun + recording + postroll
    assert wait_until(lambda: (buffer.newest or 0.0) >= until, 15)
    assert buffer.bytes <= buffer.max_bytes
    clip = buffer.finish(held, until)
    assert clip is not None
    assert not buffer.recording
    return clip, begun, until


def test_clip_holds_preroll_recording_and_postroll(
    person_camera: RtspServer, tmp_path: Path
) -> None:
    buffer = ClipBuffer(keep_seconds=KEEP)
    with _reading(person_camera.url, buffer):
        assert wait_until(lambda: buffer.seconds >= KEEP, 15)
        # Not recording: whole GOPs spanning the keep time, no more.
        assert KEEP <= buffer.seconds <= KEEP + PERSON_GOP + SLACK
        clip, begun, until = _record(buffer, PREROLL, RECORDING, POSTROLL)
        # Frames from before start(), from a keyframe at or before start - pre-roll.
        assert clip.packets[0].keyframe
        assert clip.first_keyframe == clip.started <= begun - PREROLL
        assert clip.started >= begun - PREROLL - PERSON_GOP - SLACK
        assert clip.packets[-1].arrival <= until
        # Let go, the buffer shrinks back to about the keep time.
        assert wait_until(lambda: buffer.seconds <= KEEP + PERSON_GOP + 0.2, 5)
        assert buffer.dropped == 0
        assert 0 < buffer.bytes <= buffer.max_bytes

    info = write_clip(clip, tmp_path / "person.mp4")
    span = until - begun
    assert PREROLL + span - SLACK <= info.duration <= PREROLL + PERSON_GOP + span + SLACK
    assert (info.video_codec, info.has_audio, info.started) == ("h264", False, clip.started)
    assert info.size == (tmp_path / "person.mp4").stat().st_size
    frames, sound = _play(tmp_path / "person.mp4")
    assert (frames[0].width, frames[0].height) == (768, 432)
    # The clip starts at its keyframe's decode time: shown after the decoder's delay.
    assert frames[0].time is not None
    assert 0.0 <= frames[0].time <= 0.2
    assert abs(len(frames) / 10.0 - info.duration) <= 0.2
    assert sound == 0


def test_car_clip_keeps_its_aac_sound(car_camera: RtspServer, tmp_path: Path) -> None:
    buffer = ClipBuffer(keep_seconds=1.5)
    with _reading(car_camera.url, buffer) as reader:
        assert wait_until(lambda: buffer.seconds >= 1.5, 15)
        assert buffer.streams is not None
        assert (buffer.streams.audio_codec, buffer.streams.audio_rate) == ("aac", 48000)
        clip, begun, until = _record(buffer, 1.0, 1.0, 0.5)
        # Read for the clip only: nobody listens, nothing is decoded.
        assert reader.has_audio
        assert reader.audio_seconds == 0.0
    assert clip.started <= begun - 1.0
    info = write_clip(clip, tmp_path / "car.mp4")
    assert info.has_audio
    assert 1.0 + (until - begun) - SLACK <= info.duration <= 1.0 + CAR_GOP + (until - begun) + SLACK
    with av.open(str(tmp_path / "car.mp4")) as container:
        audio = container.streams.audio[0]
        assert (audio.codec_context.name, audio.codec_context.sample_rate) == ("aac", 48000)
        assert container.streams.video[0].codec_context.name == "h264"
    _, sound = _play(tmp_path / "car.mp4")
    # 1024 samples a frame at 48 kHz: the sound lasts as long as the pictures.
    assert abs(sound * 1024 / 48000 - info.duration) <= 0.5


def test_g711_sound_is_left_out(rtsp_server: Callable[..., RtspServer], tmp_path: Path) -> None:
    """Browsers cannot play G.711 in MP4: the clip is silent, the reader reads no audio for it."""
    server = rtsp_server(CAR_CLIP, audio=True, audio_codec="pcmu")
    buffer = ClipBuffer(keep_seconds=1.0)
    with _reading(server.url, buffer) as reader:
        assert wait_until(lambda: buffer.seconds >= 1.0, 15)
        assert buffer.streams is not None
        assert buffer.streams.audio_codec is None
        assert reader.audio_codec == "pcm_mulaw"
        clip, _, _ = _record(buffer, 0.5, 0.3, 0.2)
    assert all(packet.video for packet in clip.packets)
    info = write_clip(clip, tmp_path / "g711.mp4")
    assert not info.has_audio
    with av.open(str(tmp_path / "g711.mp4")) as container:
        assert not container.streams.audio


def test_a_reconnect_starts_a_fresh_generation(
    rtsp_server: Callable[..., RtspServer], tmp_path: Path
) -> None:
    server = rtsp_server(PERSON_CLIP)
    buffer = ClipBuffer(keep_seconds=2.0)
    with _reading(server.url, buffer, read_timeout=3.0, reconnect_delays=(0.3,)):
        assert wait_until(lambda: buffer.seconds >= 2.0, 15)
        first = buffer.generation
        old = buffer.start(time.monotonic(), 1.0)
        server.restart()
        restarted = time.monotonic()
        assert wait_until(
            lambda: buffer.generation > first and (buffer.newest or 0.0) >= restarted + 1.0, 20
        )
        now = time.monotonic()
        before = buffer.finish(old, now)
        after_id = buffer.start(now, 30.0)
        after = buffer.finish(after_id, now)
    assert before is not None
    assert after is not None
    # The recording held over the reconnect keeps its own connection's packets only.
    assert before.streams.generation == first
    assert all(packet.arrival < restarted for packet in before.packets)
    # One started after it takes the new connection's, from its first keyframe.
    assert after.streams.generation > first
    assert all(packet.arrival > restarted for packet in after.packets)
    assert after.packets[0].keyframe
    for name, clip in (("before", before), ("after", after)):
        assert write_clip(clip, tmp_path / f"{name}.mp4").duration > 0.5
        _play(tmp_path / f"{name}.mp4")


def test_memory_stays_under_the_cap_and_a_recording_keeps_its_start(
    person_camera: RtspServer, tmp_path: Path
) -> None:
    """At the cap the newest packets go: the clip keeps the pre-roll and ends early."""
    cap = 60_000
    buffer = ClipBuffer(keep_seconds=60.0, max_bytes=cap)
    peaks: list[int] = []
    with _reading(person_camera.url, buffer):
        assert wait_until(lambda: peaks.append(buffer.bytes) or buffer.dropped > 0, 15)
        assert buffer.seconds < 60.0
        begun = time.monotonic()
        held = buffer.start(begun, 1.0)
        dropped = buffer.dropped
        assert wait_until(lambda: peaks.append(buffer.bytes) or buffer.dropped > dropped + 10, 10)
        clip = buffer.finish(held, time.monotonic())
    assert max(peaks) <= cap
    assert clip is not None
    assert clip.bytes <= cap
    assert clip.started <= begun - 1.0
    _play(Path(write_clip(clip, tmp_path / "capped.mp4").path))


# Synthetic packets: the buffer's rules on a known timeline, in no time.


def _feed(
    buffer: ClipBuffer,
    path: Path,
    t0: float,
    until: float | None = None,
    *,
    reopen: bool = True,
    peaks: list[int] | None = None,
) -> None:
    """Add the file's packets as if each arrived at t0 + its decode time (a new connection)."""
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        if reopen:
            buffer.open(video, None)
        for packet in container.demux(video):
            stamp = packet.dts if packet.dts is not None else packet.pts
            if packet.size == 0 or stamp is None:
                continue
            arrival = t0 + float(stamp * video.time_base)
            if until is not None and arrival > until:
                break
            buffer.add(packet, arrival)
            if peaks is not None:
                peaks.append(buffer.bytes)


def test_start_takes_the_keyframe_at_or_before_the_preroll(synthetic: Path, tmp_path: Path) -> None:
    buffer = ClipBuffer(keep_seconds=5.0)
    _feed(buffer, synthetic, 100.0, until=108.0)
    # Whole GOPs spanning the keep time; what open() kept is plain data.
    assert 5.0 <= buffer.seconds < 6.0
    assert (buffer.recording, buffer.dropped) == (False, 0)
    streams = buffer.streams
    assert streams is not None
    assert (streams.video_codec, streams.width, streams.height) == ("h264", 640, 360)
    clip = buffer.finish(buffer.start(108.05, 2.5), 108.0)
    assert clip is not None
    # Keyframes every second: the one at 105.0 is the last at or before 105.55.
    assert [clip.started, clip.packets[-1].arrival] == pytest.approx([105.0, 108.0])
    info = write_clip(clip, tmp_path / "preroll.mp4")
    assert info.duration == pytest.approx(3.1, abs=0.01)


def test_cancelled_unknown_and_forgotten_recordings_give_nothing(synthetic: Path) -> None:
    buffer = ClipBuffer(keep_seconds=1.0, max_hold=5.0)
    forgotten = buffer.start(100.0, 0.0)
    _feed(buffer, synthetic, 100.0, until=103.0)
    cancelled = buffer.start(103.0)
    buffer.cancel(cancelled)
    buffer.cancel(12345)
    assert buffer.finish(cancelled, 103.0) is None
    assert buffer.finish(12345, 103.0) is None
    _feed(buffer, synthetic, 103.1, reopen=False)
    # Not finished 5 s after its start: let go, the buffer shrinks back.
    assert not buffer.recording
    assert buffer.finish(forgotten, 112.0) is None
    assert buffer.seconds < 2.0


def test_the_cap_drops_old_gops_then_the_newest_packets_while_held(
    synthetic: Path, tmp_path: Path
) -> None:
    """Not recording, the oldest GOPs go; held, the newest packets: a clip keeps its start, no hole."""
    cap = 15_000
    buffer = ClipBuffer(keep_seconds=60.0, max_bytes=cap)
    peaks: list[int] = []
    _feed(buffer, synthetic, 0.0, peaks=peaks)
    assert buffer.dropped > 0
    assert buffer.packets < 120
    held = buffer.start(12.0, 1.0)
    dropped = buffer.dropped
    _feed(buffer, synthetic, 12.0, reopen=False, peaks=peaks)
    assert max(peaks) <= cap
    assert buffer.dropped > dropped
    clip = buffer.finish(held, 100.0)
    assert clip is not None
    assert clip.started == pytest.approx(11.0)
    assert clip.bytes <= cap
    seconds = [packet.arrival for packet in clip.packets]
    assert max(b - a for a, b in itertools.pairwise(seconds)) <= 0.11
    write_clip(clip, tmp_path / "capped.mp4")
    # Let go, the buffer takes packets again from the next keyframe on.
    _feed(buffer, synthetic, 30.0, until=31.0, reopen=False)
    assert buffer.newest == pytest.approx(31.0)


def test_a_recording_waits_for_a_keyframe_and_keeps_its_connection(
    synthetic: Path, tmp_path: Path
) -> None:
    buffer = ClipBuffer(keep_seconds=2.0)
    held = buffer.start(50.0)
    assert buffer.recording
    _feed(buffer, synthetic, 100.0, until=104.0)
    # The camera reconnects: its timestamps start over.
    _feed(buffer, synthetic, 110.0)
    before = buffer.finish(held, 200.0)
    after = buffer.finish(buffer.start(122.0, 30.0), 200.0)
    assert before is not None
    assert after is not None
    assert before.streams.generation == 1
    # From the first keyframe that came (the very first packet) to the reconnect.
    assert [before.started, before.packets[-1].arrival] == pytest.approx([100.0, 104.0])
    assert after.streams.generation == 2
    assert after.started >= 110.0
    write_clip(before, tmp_path / "before.mp4")
    write_clip(after, tmp_path / "after.mp4")
    # Nothing held: a reopen lets the old connection's packets go at once.
    _feed(buffer, synthetic, 130.0, until=130.5)
    assert buffer.seconds == pytest.approx(0.5)


def test_packets_from_another_thread_are_ignored(synthetic: Path) -> None:
    """A replaced reader still in a read must not add its old connection's packets."""
    buffer = ClipBuffer()
    thread = threading.Thread(target=_feed, args=(buffer, synthetic, 0.0, 2.0))
    thread.start()
    thread.join(10)
    count = buffer.packets
    assert count > 0
    _feed(buffer, synthetic, 50.0, reopen=False)
    assert buffer.packets == count


def test_missing_and_jumping_timestamps_are_mended(synthetic: Path, tmp_path: Path) -> None:
    buffer = ClipBuffer(keep_seconds=10.0)
    _feed(buffer, synthetic, 0.0, until=6.0)
    clip = buffer.finish(buffer.start(6.0, 5.0), 6.0)
    assert clip is not None
    packets = list(clip.packets)
    # RTSP: the first packets without timestamps, one later on too, and the
    # camera's clock jumping an hour ahead in the middle.
    for index in (0, 1, 2, 25):
        packets[index] = replace(packets[index], pts=None, dts=None)
    hour = round(3600 / float(clip.streams.video_time_base))
    for index, packet in enumerate(packets[30:], 30):
        assert packet.pts is not None
        packets[index] = replace(packet, pts=packet.pts + hour, dts=(packet.dts or 0) + hour)
    info = write_clip(replace(clip, packets=tuple(packets)), tmp_path / "mended.mp4")
    assert info.duration == pytest.approx(clip.seconds + 0.1, abs=0.05)
    with av.open(str(tmp_path / "mended.mp4")) as container:
        stamps = [p.dts or 0 for p in container.demux(video=0) if p.size]
    assert all(a < b for a, b in itertools.pairwise(stamps))
    frames, _ = _play(tmp_path / "mended.mp4")
    assert len(frames) == len(packets)


def test_h265_is_tagged_for_safari(tmp_path: Path) -> None:
    source = tmp_path / "h265.mp4"
    with av.open(str(source), "w") as container:
        stream = container.add_stream("libx265", rate=10)
        stream.width, stream.height, stream.pix_fmt = 320, 180, "yuv420p"
        stream.options = {"preset": "ultrafast", "x265-params": "keyint=10:log-level=error"}
        for index in range(20):
            image = np.full((180, 320, 3), index * 10, np.uint8)
            container.mux(stream.encode(av.VideoFrame.from_ndarray(image, format="rgb24")))
        container.mux(stream.encode(None))
    buffer = ClipBuffer()
    _feed(buffer, source, 0.0)
    clip = buffer.finish(buffer.start(2.0, 5.0), 2.0)
    assert clip is not None
    assert write_clip(clip, tmp_path / "clip.mp4").video_codec == "hevc"
    with av.open(str(tmp_path / "clip.mp4")) as container:
        assert container.streams.video[0].codec_context.codec_tag == "hvc1"
    frames, _ = _play(tmp_path / "clip.mp4")
    assert len(frames) == 20


def test_empty_or_garbage_packets_raise(synthetic: Path, tmp_path: Path) -> None:
    buffer = ClipBuffer()
    _feed(buffer, synthetic, 0.0, until=2.0)
    clip = buffer.finish(buffer.start(2.0, 5.0), 2.0)
    assert clip is not None
    rng = np.random.default_rng(3)
    garbage = tuple(replace(packet, data=rng.bytes(len(packet.data))) for packet in clip.packets)
    no_key = tuple(replace(packet, keyframe=False) for packet in clip.packets)
    for bad in (
        replace(clip, packets=()),
        replace(clip, packets=garbage),
        replace(clip, packets=no_key),
        replace(clip, streams=replace(clip.streams, video_codec="mjpeg")),
        replace(clip, streams=replace(clip.streams, video_extradata=b"\x00" * 16)),
    ):
        with pytest.raises(ClipError):
            write_clip(bad, tmp_path / "bad.mp4")
    assert not list(tmp_path.glob("*.mp4*"))
    # A folder that is not there: the error is a ClipError too.
    with pytest.raises(ClipError):
        write_clip(clip, tmp_path / "missing" / "clip.mp4")
