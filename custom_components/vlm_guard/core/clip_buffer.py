"""The newest seconds of a camera's main stream as received, and recordings held from them.

Nothing here decodes: packets are kept as the camera sent them (H.264/H.265,
and AAC audio), so that a clip with pre-roll costs memory, not CPU. The reader
thread adds every packet; the buffer keeps whole GOPs (a clip must start at a
keyframe) spanning at least `keep_seconds`, and while a recording is held it
keeps everything from the recording's start. Memory is capped in bytes.

A clip never has a hole: packets are grouped in segments, and a segment ends
when the stream is reopened (its timestamps and parameters start over) or when
the byte cap made the buffer drop packets. A clip holds the packets of the
segment its recording started in.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from fractions import Fraction
import itertools
import threading
from typing import Final

import av

DEFAULT_PREROLL: Final = 5.0
DEFAULT_POSTROLL: Final = 10.0
DEFAULT_MAX_CLIP: Final = 120.0
DEFAULT_BUFFER_BYTES: Final = 64 * 1024 * 1024
# A recording not finished this long after its start was forgotten by its owner:
# let it go, or it would hold the buffer at its cap forever.
DEFAULT_MAX_HOLD: Final = 2 * (DEFAULT_PREROLL + DEFAULT_MAX_CLIP + DEFAULT_POSTROLL)
# What an MP4 clip can carry that browsers play.
CLIP_VIDEO_CODECS: Final = frozenset({"h264", "hevc"})
CLIP_AUDIO_CODECS: Final = frozenset({"aac"})


@dataclass(frozen=True, slots=True)
class ClipStreams:
    """What writing one connection's streams needs, copied off the live streams."""

    generation: int
    """Counts connections (open() calls) of the buffer."""
    video_codec: str
    width: int
    height: int
    video_time_base: Fraction
    video_extradata: bytes | None
    audio_codec: str | None = None
    audio_rate: int = 0
    audio_layout: str = ""
    audio_time_base: Fraction | None = None
    audio_extradata: bytes | None = None


@dataclass(frozen=True, slots=True)
class ClipPacket:
    """One packet as received: its bytes, stream timestamps and arrival time."""

    data: bytes
    video: bool
    keyframe: bool
    pts: int | None
    dts: int | None
    duration: int
    arrival: float
    """time.monotonic() when the reader received it."""


@dataclass(frozen=True, slots=True)
class ClipPackets:
    """A recording's packets from its first keyframe on, ready for write_clip."""

    streams: ClipStreams
    packets: tuple[ClipPacket, ...]
    started: float
    """Arrival (time.monotonic()) of the first packet."""
    first_keyframe: float
    """Arrival of the first video keyframe (the first packet, as the buffer holds them)."""

    @property
    def bytes(self) -> int:
        """Return the packets' total size."""
        return sum(len(packet.data) for packet in self.packets)

    @property
    def seconds(self) -> float:
        """Return the span of arrival times."""
        return self.packets[-1].arrival - self.started if self.packets else 0.0


@dataclass(slots=True)
class _Segment:
    """Packets from `first` (a sequence number) on share one timeline and one set of streams."""

    first: int
    streams: ClipStreams


@dataclass(slots=True)
class _Recording:
    created: float
    start: int | None
    """Sequence number of its first packet; None until a keyframe comes."""


def _streams(generation: int, video: av.VideoStream, audio: av.AudioStream | None) -> ClipStreams:
    """Copy what the writer needs: the streams die with their container."""
    codec = video.codec_context
    time_base = video.time_base or Fraction(1, 90000)
    if audio is None or audio.codec_context.name not in CLIP_AUDIO_CODECS:
        return ClipStreams(
            generation, codec.name, codec.width, codec.height, time_base, codec.extradata
        )
    sound = audio.codec_context
    return ClipStreams(
        generation,
        codec.name,
        codec.width,
        codec.height,
        time_base,
        codec.extradata,
        sound.name,
        sound.sample_rate,
        sound.layout.name,
        audio.time_base or Fraction(1, sound.sample_rate),
        sound.extradata,
    )


class ClipBuffer:
    """The newest seconds of one camera's stream as received, and recordings held from it (thread-safe)."""

    def __init__(
        self,
        keep_seconds: float = DEFAULT_PREROLL + 5.0,
        max_bytes: int = DEFAULT_BUFFER_BYTES,
        *,
        max_hold: float = DEFAULT_MAX_HOLD,
    ) -> None:
        """Keep at least `keep_seconds` of whole GOPs, and never more than `max_bytes` of packets."""
        self.keep_seconds = keep_seconds
        self.max_bytes = max_bytes
        self.max_hold = max_hold
        self._lock = threading.Lock()
        self._packets: deque[ClipPacket] = deque()
        self._head = 0
        """Sequence number of the oldest packet kept."""
        self._keys: deque[int] = deque()
        """Sequence numbers of the video keyframes kept, oldest first."""
        self._segments: deque[_Segment] = deque()
        self._bytes = 0
        self._streams: ClipStreams | None = None
        self._video_index = -1
        self._audio_index = -1
        self._reader: int | None = None
        self._waiting = True
        """True until the current segment's first keyframe: nothing is kept before it."""
        self._skipping = False
        """True from a packet dropped at the cap to the next keyframe kept."""
        self._recordings: dict[int, _Recording] = {}
        self._ids = itertools.count(1)
        self.generation = 0
        """Counts connections (open() calls)."""
        self.dropped = 0
        """Counts packets the byte cap cost (refused, or let go before `keep_seconds`)."""

    @property
    def bytes(self) -> int:
        """Return the size of the packets kept."""
        return self._bytes

    @property
    def packets(self) -> int:
        """Return how many packets are kept."""
        return len(self._packets)

    @property
    def seconds(self) -> float:
        """Return the span (arrival times) of the packets kept."""
        with self._lock:
            packets = self._packets
            return packets[-1].arrival - packets[0].arrival if packets else 0.0

    @property
    def newest(self) -> float | None:
        """Return the arrival time of the newest packet kept."""
        with self._lock:
            return self._packets[-1].arrival if self._packets else None

    @property
    def recording(self) -> bool:
        """Return True while a recording is held."""
        return bool(self._recordings)

    @property
    def streams(self) -> ClipStreams | None:
        """Return what the current connection sends (None before one, or if no clip can hold it)."""
        return self._streams

    def open(self, video: av.VideoStream, audio: av.AudioStream | None) -> None:
        """Start a new connection's segment (called by the reader thread on every connect)."""
        with self._lock:
            self.generation += 1
            streams = _streams(self.generation, video, audio)
            supported = streams.video_codec in CLIP_VIDEO_CODECS
            self._streams = streams if supported else None
            self._video_index = video.index
            self._audio_index = (
                audio.index if audio is not None and streams.audio_codec is not None else -1
            )
            # Only this thread's packets count from now on: a replaced reader still
            # blocked in a read must not slip an old connection's packet in.
            self._reader = threading.get_ident()
            self._waiting = True
            self._skipping = False
            if self._held_from() is None:
                self._clear()

    def add(self, packet: av.Packet, now: float) -> None:
        """Keep a packet (reader thread); `now` is time.monotonic() when it arrived."""
        streams = self._streams
        if streams is None or threading.get_ident() != self._reader:
            return
        index = packet.stream_index
        video = index == self._video_index
        if not video and index != self._audio_index:
            return
        keyframe = video and packet.is_keyframe
        if self._waiting and not keyframe:
            # Nothing before a segment's first keyframe can start a clip.
            if self._skipping:
                self.dropped += 1
            return
        item = ClipPacket(
            bytes(packet), video, keyframe, packet.pts, packet.dts, packet.duration or 0, now
        )
        with self._lock:
            if self._recordings:
                self._expire(now)
            if not self._make_room(len(item.data), keyframe):
                self.dropped += 1
                # The packets that follow would reference the one dropped: the
                # next keyframe starts a segment of its own.
                self._waiting = self._skipping = True
                return
            seq = self._head + len(self._packets)
            if self._waiting:
                self._waiting = self._skipping = False
                self._segments.append(_Segment(seq, streams))
            self._packets.append(item)
            self._bytes += len(item.data)
            if keyframe:
                self._keys.append(seq)
                for held in self._recordings.values():
                    if held.start is None:
                        held.start = seq
            self._trim(now - self.keep_seconds)

    def start(self, now: float, preroll: float = DEFAULT_PREROLL) -> int:
        """Hold packets from the keyframe at or before `now - preroll`; return the recording's id.

        Only the current connection's packets count: when its first keyframe
        came after `now - preroll`, the clip starts there; before it came, at
        the next keyframe.
        """
        with self._lock:
            recording = next(self._ids)
            start: int | None = None
            if not self._waiting and self._segments:
                first = self._segments[-1].first
                for seq in reversed(self._keys):
                    if seq < first:
                        break
                    start = seq
                    if self._packets[seq - self._head].arrival <= now - preroll:
                        break
            self._recordings[recording] = _Recording(now, start)
            return recording

    def finish(self, recording: int, until: float) -> ClipPackets | None:
        """Stop holding; return the packets from the held start to `until` (None if nothing held)."""
        with self._lock:
            held = self._recordings.pop(recording, None)
            if held is None or held.start is None or held.start < self._head:
                return None
            segment = self._segment_of(held.start)
            end = self._segment_end(segment)
            picked = tuple(
                itertools.takewhile(
                    lambda packet: packet.arrival <= until,
                    itertools.islice(self._packets, held.start - self._head, end - self._head),
                )
            )
        if not picked:
            return None
        return ClipPackets(segment.streams, picked, picked[0].arrival, picked[0].arrival)

    def cancel(self, recording: int) -> None:
        """Stop holding without a clip."""
        with self._lock:
            self._recordings.pop(recording, None)

    def _held_from(self) -> int | None:
        """Return the first sequence number a recording holds, if any does."""
        starts = [held.start for held in self._recordings.values() if held.start is not None]
        return min(starts) if starts else None

    def _segment_of(self, seq: int) -> _Segment:
        return next(segment for segment in reversed(self._segments) if segment.first <= seq)

    def _segment_end(self, segment: _Segment) -> int:
        """Return the sequence number after the segment's last packet."""
        later = [other.first for other in self._segments if other.first > segment.first]
        return later[0] if later else self._head + len(self._packets)

    def _clear(self) -> int:
        """Drop every packet kept; return how many."""
        count = len(self._packets)
        self._head += count
        self._packets.clear()
        self._keys.clear()
        self._segments.clear()
        self._bytes = 0
        return count

    def _drop_gop(self) -> int:
        """Drop the packets before the second keyframe kept (the head is always a keyframe)."""
        self._keys.popleft()
        count = self._keys[0] - self._head
        packets = self._packets
        for _ in range(count):
            self._bytes -= len(packets.popleft().data)
        self._head += count
        while len(self._segments) > 1 and self._segments[1].first <= self._head:
            self._segments.popleft()
        return count

    def _droppable(self) -> bool:
        """Return True when the oldest GOP is not needed by any recording."""
        if len(self._keys) < 2:
            return False
        held = self._held_from()
        return held is None or self._keys[1] <= held

    def _trim(self, cutoff: float) -> None:
        """Drop old GOPs as long as the keyframe after them arrived at or before `cutoff`."""
        while self._droppable() and self._packets[self._keys[1] - self._head].arrival <= cutoff:
            self._drop_gop()

    def _make_room(self, size: int, keyframe: bool) -> bool:
        """Free old GOPs until `size` more bytes fit; False when the packet must be dropped.

        What a recording holds is never dropped: the start of an incident (and
        its pre-roll) is what its clip is for, so at the cap the newest packets
        go, and the recordings' clips end there.
        """
        # Packets let go before their `keep_seconds` were up count as dropped too.
        while self._bytes + size > self.max_bytes and self._droppable():
            self.dropped += self._drop_gop()
        if self._bytes + size <= self.max_bytes:
            return True
        if keyframe and self._held_from() is None and size <= self.max_bytes:
            # One GOP bigger than the cap: start over from this keyframe.
            self.dropped += self._clear()
            self._waiting = True
            return True
        return False

    def _expire(self, now: float) -> None:
        for recording, held in list(self._recordings.items()):
            if now - held.created > self.max_hold:
                del self._recordings[recording]
