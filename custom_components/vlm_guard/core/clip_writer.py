"""Remux a recording's packets into an MP4 clip, without re-encoding (blocking).

The video goes in as the camera sent it (H.264/H.265; H.265 tagged hvc1, which
Safari requires), AAC audio likewise; the moov atom goes first
(`movflags=+faststart`) so that a browser starts playing before the whole file
has arrived. The clip starts at 0 at its first keyframe's decode time.

PyAV adds an output stream only from an encoder or from a template stream, and
opening an encoder would replace the camera's codec parameters with its own.
So the template is a stream of an empty raw H.264/H.265 input (or of one tiny
AAC frame), whose decoder context takes the camera's parameters: a decoder
opens in microseconds and leaves them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
import functools
import io
import itertools
from pathlib import Path
import statistics
from typing import Final

import av
import av.error
import numpy as np

from .clip_buffer import CLIP_AUDIO_CODECS, CLIP_VIDEO_CODECS, ClipPacket, ClipPackets, ClipStreams

# A stream's clock that moves back more than this, or forward by this much more
# than the time that passed, has jumped (a camera resynchronising its clock).
JUMP_BACK: Final = 1.0
JUMP_AHEAD: Final = 5.0
# Safari plays H.265 in MP4 only with this tag (parameter sets in the header).
HEVC_TAG: Final = "hvc1"


class ClipError(Exception):
    """A clip could not be written."""


@dataclass(frozen=True, slots=True)
class ClipInfo:
    """A clip written to disk."""

    path: str
    duration: float
    size: int
    has_audio: bool
    video_codec: str
    started: float
    """time.monotonic() when its first packet arrived."""


@dataclass(frozen=True, slots=True)
class _Timed:
    """A packet with its timestamps in the clip's timeline (its stream's time base)."""

    order: int
    """Its place in the recording: packets are muxed in the order they came."""
    packet: ClipPacket
    pts: int
    dts: int


def _step(before: ClipPacket, after: ClipPacket, time_base: float) -> float:
    """Return how far apart two neighbours are: the first one's duration, else the arrival gap."""
    return before.duration * time_base if before.duration > 0 else after.arrival - before.arrival


def _stream_times(packets: list[ClipPacket], time_base: float) -> list[tuple[float, float]]:
    """Return each packet's (decode, presentation) time on its stream's clock, in seconds, mended.

    RTSP gives some packets no timestamp (typically the first ones of a
    session, before FFmpeg knows the stream's frame reordering). Dropping a
    video packet would break every frame that references it up to the next
    keyframe, so such a packet takes its neighbour's decode time moved by a
    frame duration (or, without one, by the gap in arrival time); with frames
    reordered, a presentation time cannot stand in for a decode time. A stream
    without any decode time is taken as not reordered; without any timestamp
    at all, arrival times make the timeline.
    """
    stamps = [p.dts for p in packets]
    if all(stamp is None for stamp in stamps):
        stamps = [p.pts for p in packets]
    known = next((i for i, stamp in enumerate(stamps) if stamp is not None), None)
    decode = [0.0] * len(packets)
    shifts = [0.0] * len(packets)
    first = stamps[known] if known is not None else None
    known = known or 0
    decode[known] = first * time_base if first is not None else 0.0
    for i in range(known - 1, -1, -1):
        decode[i] = decode[i + 1] - _step(packets[i], packets[i + 1], time_base)
    shift = 0.0
    for i in range(known + 1, len(packets)):
        step = _step(packets[i - 1], packets[i], time_base)
        stamp = stamps[i]
        if stamp is None:
            value = decode[i - 1] + step
        else:
            value = stamp * time_base + shift
            moved = value - decode[i - 1]
            if (
                moved < -JUMP_BACK
                or moved > packets[i].arrival - packets[i - 1].arrival + JUMP_AHEAD
            ):
                # The clock jumped: the rest of the stream is moved back in line.
                shift += decode[i - 1] + step - value
                value = decode[i - 1] + step
        decode[i], shifts[i] = value, shift
    return [
        (dts, dts if p.pts is None else p.pts * time_base + shifted)
        for p, dts, shifted in zip(packets, decode, shifts, strict=True)
    ]


def _timeline(
    packets: list[tuple[int, ClipPacket]], time_base: Fraction, origin: float, *, video: bool
) -> list[_Timed]:
    """Return the packets with clip timestamps (0 at `origin`), strictly increasing decode times."""
    tb = float(time_base)
    timed: list[_Timed] = []
    last = -1
    times = _stream_times([packet for _, packet in packets], tb)
    for (order, packet), (decode, shown) in zip(packets, times, strict=True):
        dts = round((decode - origin) / tb)
        pts = round((shown - origin) / tb)
        if pts < 0 and not (video and packet.keyframe):
            # Audio from before the first keyframe, or an open GOP's leading
            # pictures, which need the GOP before it.
            continue
        dts = max(dts, last + 1)
        timed.append(_Timed(order, packet, max(pts, dts), dts))
        last = dts
    return timed


def _without_frozen_end(video: list[_Timed]) -> list[_Timed]:
    """Drop the last pictures when frames shown before them are not in the clip.

    With B-frames, the last packets in decode order can be pictures shown after
    frames that came later (and were cut off with the end of the recording):
    kept, they would end the clip on a frozen gap.
    """
    shown = sorted(timed.pts for timed in video)
    steps = [b - a for a, b in itertools.pairwise(shown) if b > a]
    if not steps:
        return video
    step = statistics.median(steps)
    end = len(shown) - 1
    while end > 0 and shown[end] - shown[end - 1] > 1.5 * step:
        end -= 1
    return [timed for timed in video if timed.pts <= shown[end]]


def _plan(clip: ClipPackets) -> tuple[list[_Timed], list[_Timed]]:
    """Check the packets and put them on the clip's timeline: (video, audio)."""
    streams = clip.streams
    if streams.video_codec not in CLIP_VIDEO_CODECS:
        raise ClipError(f"{streams.video_codec} video cannot go in an MP4 clip")
    first = next((i for i, p in enumerate(clip.packets) if p.video and p.keyframe), None)
    if first is None:
        raise ClipError("the recording holds no video keyframe")
    packets = list(enumerate(clip.packets))[first:]
    video = [(i, p) for i, p in packets if p.video]
    vtb = float(streams.video_time_base)
    origin = _stream_times([p for _, p in video], vtb)[0][0]
    video_timed = _timeline(video, streams.video_time_base, origin, video=True)
    video_timed = _without_frozen_end(video_timed)
    audio = [(i, p) for i, p in packets if not p.video]
    if not audio or streams.audio_codec not in CLIP_AUDIO_CODECS or not streams.audio_time_base:
        return video_timed, []
    atb = streams.audio_time_base
    start = _stream_times([p for _, p in audio], float(atb))[0][0]
    # Both streams run on the camera's clock; when the audio's does not match
    # its arrival, it is aligned by arrival instead.
    expected = audio[0][1].arrival - video[0][1].arrival
    audio_origin = origin if abs(start - origin - expected) <= JUMP_AHEAD else start - expected
    return video_timed, _timeline(audio, atb, audio_origin, video=False)


def _first_picture_size(streams: ClipStreams, keyframe: ClipPacket) -> tuple[int, int]:
    """Decode the first keyframe alone: a clip whose first picture does not decode is no clip."""
    try:
        codec = av.CodecContext.create(streams.video_codec, "r")
        assert isinstance(codec, av.VideoCodecContext)
        if streams.video_extradata:
            codec.extradata = streams.video_extradata
        frames = [*codec.decode(av.Packet(keyframe.data)), *codec.decode(None)]
    except (av.error.FFmpegError, ValueError) as err:
        raise ClipError(f"the first keyframe does not decode: {err}") from err
    if not frames:
        raise ClipError("the first keyframe does not decode")
    frame = frames[0]
    assert isinstance(frame, av.VideoFrame)
    return frame.width, frame.height


@functools.cache
def _aac_template() -> bytes:
    """Return one frame of silence as ADTS AAC: something to open an AAC template stream from."""
    output = io.BytesIO()
    with av.open(output, "w", format="adts") as container:
        stream = container.add_stream("aac", rate=8000, layout="mono")
        frame = av.AudioFrame.from_ndarray(
            np.zeros((1, 1024), np.float32), format="fltp", layout="mono"
        )
        frame.sample_rate, frame.pts = 8000, 0
        container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return output.getvalue()


def _mux(
    path: Path,
    streams: ClipStreams,
    video: list[_Timed],
    audio: list[_Timed],
    size: tuple[int, int],
) -> None:
    """Write the MP4 (faststart) from the timed packets."""
    with av.open(str(path), "w", format="mp4", options={"movflags": "+faststart"}) as output:
        with av.open(io.BytesIO(b""), format=streams.video_codec) as template:
            out_video = output.add_stream_from_template(template.streams.video[0], opaque=True)
        codec = out_video.codec_context
        codec.width, codec.height = size
        codec.extradata = streams.video_extradata
        if streams.video_codec == "hevc":
            out_video.codec_tag = HEVC_TAG
        out_video.time_base = streams.video_time_base
        targets: list[tuple[list[_Timed], av.stream.Stream, Fraction]] = [
            (video, out_video, streams.video_time_base)
        ]
        if audio and streams.audio_time_base is not None:
            with av.open(io.BytesIO(_aac_template()), format="aac") as template:
                out_audio = output.add_stream_from_template(template.streams.audio[0], opaque=True)
            sound = out_audio.codec_context
            sound.sample_rate = streams.audio_rate
            sound.layout = streams.audio_layout
            sound.extradata = streams.audio_extradata
            out_audio.time_base = streams.audio_time_base
            targets.append((audio, out_audio, streams.audio_time_base))
        order = sorted(
            ((timed, stream, tb) for items, stream, tb in targets for timed in items),
            key=lambda entry: entry[0].order,
        )
        for timed, stream, time_base in order:
            packet = av.Packet(timed.packet.data)
            packet.stream = stream
            packet.time_base = time_base
            packet.pts, packet.dts = timed.pts, timed.dts
            packet.duration = timed.packet.duration
            packet.is_keyframe = timed.packet.keyframe
            output.mux(packet)


def _duration(video: list[_Timed], time_base: Fraction) -> float:
    """Return how long the pictures last, from the first shown to the end of the last, in seconds."""
    last = max(video, key=lambda timed: timed.pts)
    length = last.packet.duration or (video[-1].dts - video[-2].dts if len(video) > 1 else 0)
    first = min(timed.pts for timed in video)
    return float((last.pts + length - first) * time_base)


def write_clip(packets: ClipPackets, path: Path) -> ClipInfo:
    """Write the packets as an MP4 at `path` (a temporary name first, then renamed; blocking)."""
    video, audio = _plan(packets)
    size = _first_picture_size(packets.streams, video[0].packet)
    partial = path.with_name(f".{path.name}.part")
    try:
        _mux(partial, packets.streams, video, audio, size)
        partial.replace(path)
        written = path.stat().st_size
    except (av.error.FFmpegError, OSError, ValueError, TypeError) as err:
        partial.unlink(missing_ok=True)
        raise ClipError(f"cannot write {path.name}: {err}") from err
    return ClipInfo(
        str(path),
        _duration(video, packets.streams.video_time_base),
        written,
        bool(audio),
        packets.streams.video_codec,
        packets.started,
    )
