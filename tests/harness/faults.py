"""Fault injection for stream tests: a camera that never answers, a stalling proxy, damaged video.

`BlackHoleServer` accepts TCP connections and never sends a byte (a camera whose
RTSP service hangs). `StallingProxy` sits in front of a real RTSP server and can
stop forwarding the server's bytes mid-stream, right after the handshake, or drop
every connection. `corrupt_clip` damages the H.264 slices of an MP4 file so that
it still plays while the decoder hits broken frames. Both servers run one
background thread each, which stop() joins.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
import contextlib
from itertools import accumulate
from pathlib import Path
import queue
import random
import re
import selectors
import socket
import struct
import threading
from types import TracebackType
from typing import Self

from .rtsp import RtspServer

_HOST = "127.0.0.1"
_CHUNK = 65536
# How often the service thread looks at stop requests when no socket is ready.
_POLL = 0.05
_CSEQ = re.compile(rb"^cseq:\s*(\d+)", re.IGNORECASE | re.MULTILINE)
_CONTENT_LENGTH = re.compile(rb"^content-length:\s*(\d+)", re.IGNORECASE | re.MULTILINE)
_INTERLEAVED = 0x24  # "$": an RTP/RTCP packet interleaved in the RTSP connection
# H.264 NAL unit types of coded slices (non-IDR and IDR).
_SLICE_TYPES = frozenset({1, 5})

type _Handler = Callable[[int], None]


class _TcpService:
    """A listener on 127.0.0.1 served by one selector thread."""

    def __init__(
        self, *, path: str, user: str | None, password: str | None, thread_name: str
    ) -> None:
        """Describe the service; start() binds a free port and runs the thread."""
        self.path = path
        self.user = user
        self.password = password
        self.port = 0
        self._thread_name = thread_name
        self._accepted = 0
        self._calls: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._selector: selectors.BaseSelector | None = None
        self._listener: socket.socket | None = None

    @property
    def url(self) -> str:
        """Return rtsp://[user:password@]127.0.0.1:PORT/path."""
        auth = f"{self.user}:{self.password}@" if self.user is not None else ""
        return f"rtsp://{auth}{_HOST}:{self.port}{self.path}"

    @property
    def connections(self) -> int:
        """Return how many client connections were accepted since start()."""
        return self._accepted

    def start(self) -> None:
        """Listen on a free port and serve in a background thread."""
        if self._thread is not None:
            raise RuntimeError("already started")
        self._listener = socket.create_server((_HOST, 0))
        self._listener.setblocking(False)
        self.port = int(self._listener.getsockname()[1])
        self._selector = selectors.DefaultSelector()
        self._selector.register(self._listener, selectors.EVENT_READ, self._on_accept)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Close the listener and every connection, and join the thread."""
        thread = self._thread
        if thread is None:
            return
        self._stopping.set()
        thread.join(10)
        if thread.is_alive():
            raise RuntimeError(f"{self._thread_name} did not stop")
        self._thread = None

    def __enter__(self) -> Self:
        """Start the service."""
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop the service."""
        self.stop()

    def _run_in_thread(self, call: Callable[[], None]) -> None:
        """Run a call in the service thread (sockets are used by that thread only)."""
        if self._thread is None:
            return
        done = threading.Event()

        def wrapped() -> None:
            try:
                call()
            finally:
                done.set()

        self._calls.put(wrapped)
        if not done.wait(10):
            raise RuntimeError(f"{self._thread_name} did not answer")

    def _serve(self) -> None:
        selector = self._selector
        assert selector is not None
        try:
            while not self._stopping.is_set():
                for key, mask in selector.select(_POLL):
                    handler: _Handler = key.data
                    handler(mask)
                while not self._calls.empty():
                    self._calls.get_nowait()()
        finally:
            self._close_connections()
            if self._listener is not None:
                self._listener.close()
                self._listener = None
            selector.close()
            self._selector = None
            while not self._calls.empty():
                self._calls.get_nowait()()

    def _on_accept(self, _mask: int) -> None:
        assert self._listener is not None
        try:
            client, _ = self._listener.accept()
        except BlockingIOError:
            return
        client.setblocking(False)
        self._accepted += 1
        self._accepted_connection(client)

    def _unregister(self, sock: socket.socket) -> None:
        if self._selector is not None:
            with contextlib.suppress(KeyError, ValueError):
                self._selector.unregister(sock)

    def _accepted_connection(self, client: socket.socket) -> None:
        raise NotImplementedError

    def _close_connections(self) -> None:
        raise NotImplementedError


class BlackHoleServer(_TcpService):
    """A TCP listener that accepts connections and never sends a byte."""

    def __init__(
        self, *, path: str = "/stream", user: str | None = None, password: str | None = None
    ) -> None:
        """Describe the listener; start() binds a free port."""
        super().__init__(path=path, user=user, password=password, thread_name="faults-black-hole")
        self._clients: set[socket.socket] = set()

    @property
    def open_connections(self) -> int:
        """Return how many client connections are open now."""
        return len(self._clients)

    def _accepted_connection(self, client: socket.socket) -> None:
        assert self._selector is not None
        self._clients.add(client)
        self._selector.register(client, selectors.EVENT_READ, lambda _mask: self._on_client(client))

    def _on_client(self, client: socket.socket) -> None:
        """Read and discard what the client sends; close when it hangs up."""
        try:
            data = client.recv(_CHUNK)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self._unregister(client)
            self._clients.discard(client)
            client.close()

    def _close_connections(self) -> None:
        for client in self._clients:
            self._unregister(client)
            client.close()
        self._clients.clear()


class _RtspScanner:
    """Find the RTSP messages in one direction of a connection, skipping interleaved data."""

    def __init__(self) -> None:
        """Start at the first byte of the connection."""
        self._buffer = bytearray()
        self._offset = 0

    def feed(self, data: bytes) -> list[tuple[bytes, int]]:
        """Return the head of every message completed by `data` and where it ends."""
        buffer = self._buffer
        buffer += data
        found: list[tuple[bytes, int]] = []
        while buffer:
            if buffer[0] == _INTERLEAVED:
                if len(buffer) < 4:
                    break
                end = 4 + int.from_bytes(buffer[2:4], "big")
            else:
                head_end = buffer.find(b"\r\n\r\n")
                if head_end < 0:
                    break
                head = bytes(buffer[:head_end])
                length = _CONTENT_LENGTH.search(head)
                end = head_end + 4 + (int(length.group(1)) if length else 0)
                if end <= len(buffer):
                    found.append((head, self._offset + end))
            if end > len(buffer):
                break
            del buffer[:end]
            self._offset += end
        return found


class _Pipe:
    """One client connection and its connection to the real server."""

    def __init__(self, client: socket.socket, upstream: socket.socket, *, scan: bool) -> None:
        """Pair the two sockets; with `scan`, watch the handshake for the reply to PLAY."""
        self.client = client
        self.upstream = upstream
        self.to_client = bytearray()
        self.to_upstream = bytearray()
        self.client_scanner = _RtspScanner() if scan else None
        self.server_scanner = _RtspScanner() if scan else None
        self.play_cseq: bytes | None = None
        self.from_server = 0
        """Bytes received from the server so far (forwarded or not)."""
        self.played = False
        """True once the reply to PLAY went through (stall_after_play)."""
        self.upstream_closed = False


class StallingProxy(_TcpService):
    """A TCP proxy in front of a real RTSP server that stalls or drops on demand."""

    def __init__(
        self,
        target_port: int,
        *,
        stall_after_play: bool = False,
        path: str = "/stream",
        user: str | None = None,
        password: str | None = None,
    ) -> None:
        """Forward to 127.0.0.1:target_port; with `stall_after_play`, go silent after PLAY."""
        super().__init__(path=path, user=user, password=password, thread_name="faults-proxy")
        self.target_port = target_port
        self.stall_after_play = stall_after_play
        self._stalled = False
        self._pipes: list[_Pipe] = []
        self.swallowed = 0
        """Bytes from the server that were not forwarded because of a stall."""
        self.plays = 0
        """Replies to PLAY forwarded before going silent (stall_after_play)."""

    @classmethod
    def in_front_of(cls, server: RtspServer, *, stall_after_play: bool = False) -> Self:
        """Return a proxy for a harness server, with its path and credentials."""
        return cls(
            server.port,
            stall_after_play=stall_after_play,
            path=server.path,
            user=server.user,
            password=server.password,
        )

    @property
    def open_connections(self) -> int:
        """Return how many client connections are open now."""
        return len(self._pipes)

    @property
    def stalled(self) -> bool:
        """Return True while server-to-client bytes are swallowed on every connection."""
        return self._stalled

    def stall(self) -> None:
        """Stop forwarding server-to-client bytes; connections stay open."""
        self._stalled = True

    def resume(self) -> None:
        """Forward server-to-client bytes again (those swallowed meanwhile are lost)."""
        self._stalled = False

    def drop(self) -> None:
        """Close every current client connection (and its server connection)."""
        self._run_in_thread(self._close_connections)

    def _accepted_connection(self, client: socket.socket) -> None:
        assert self._selector is not None
        try:
            upstream = socket.create_connection((_HOST, self.target_port), timeout=5)
        except OSError:
            client.close()  # Like a camera whose RTSP service is down.
            return
        upstream.setblocking(False)
        pipe = _Pipe(client, upstream, scan=self.stall_after_play)
        self._pipes.append(pipe)
        self._selector.register(
            client, selectors.EVENT_READ, lambda mask: self._on_client(pipe, mask)
        )
        self._selector.register(
            upstream, selectors.EVENT_READ, lambda mask: self._on_upstream(pipe, mask)
        )

    def _on_client(self, pipe: _Pipe, mask: int) -> None:
        if mask & selectors.EVENT_WRITE and not self._send(pipe, pipe.client, pipe.to_client):
            return
        if mask & selectors.EVENT_READ:
            data = self._recv(pipe, pipe.client)
            if data is None:
                return
            if not data:
                self._close_pipe(pipe)  # The client hung up: so does the server side.
                return
            if pipe.client_scanner is not None:
                for head, _end in pipe.client_scanner.feed(data):
                    if head.startswith(b"PLAY ") and (cseq := _CSEQ.search(head)):
                        pipe.play_cseq = cseq.group(1)
                if pipe.play_cseq is not None:
                    pipe.client_scanner = None
            pipe.to_upstream += data
            self._send(pipe, pipe.upstream, pipe.to_upstream)
        self._update_interest(pipe)

    def _on_upstream(self, pipe: _Pipe, mask: int) -> None:
        if mask & selectors.EVENT_WRITE and not self._send(pipe, pipe.upstream, pipe.to_upstream):
            return
        if mask & selectors.EVENT_READ:
            data = self._recv(pipe, pipe.upstream)
            if data is None:
                return
            if not data:
                # The server hung up: deliver what it sent, then close the client.
                pipe.upstream_closed = True
                self._unregister(pipe.upstream)
                if not pipe.to_client:
                    self._close_pipe(pipe)
                else:
                    self._update_interest(pipe)
                return
            start = pipe.from_server
            pipe.from_server += len(data)
            forward = self._forwardable(pipe, data, start)
            self.swallowed += len(data) - len(forward)
            if forward:
                pipe.to_client += forward
                if not self._send(pipe, pipe.client, pipe.to_client):
                    return
        self._update_interest(pipe)

    def _forwardable(self, pipe: _Pipe, data: bytes, start: int) -> bytes:
        """Return the part of the server's bytes that reaches the client."""
        if self._stalled or pipe.played:
            return b""
        if pipe.server_scanner is None:
            return data
        for head, end in pipe.server_scanner.feed(data):
            cseq = _CSEQ.search(head)
            if (
                head.startswith(b"RTSP/")
                and pipe.play_cseq is not None
                and cseq is not None
                and cseq.group(1) == pipe.play_cseq
            ):
                # Everything up to the end of the reply to PLAY goes through;
                # the media that follows (in this chunk or later) never does.
                pipe.played = True
                pipe.server_scanner = None
                self.plays += 1
                return data[: end - start]
        return data

    def _recv(self, pipe: _Pipe, sock: socket.socket) -> bytes | None:
        """Read a chunk; None when nothing is to be read or the pipe was closed."""
        try:
            return sock.recv(_CHUNK)
        except BlockingIOError:
            return None
        except OSError:
            self._close_pipe(pipe)
            return None

    def _send(self, pipe: _Pipe, sock: socket.socket, buffer: bytearray) -> bool:
        """Send what the socket takes now; False if the pipe had to be closed."""
        if sock is pipe.upstream and pipe.upstream_closed:
            buffer.clear()
            return True
        try:
            while buffer:
                sent = sock.send(buffer)
                del buffer[:sent]
        except BlockingIOError:
            pass
        except OSError:
            self._close_pipe(pipe)
            return False
        if pipe.upstream_closed and not pipe.to_client:
            self._close_pipe(pipe)
            return False
        return True

    def _update_interest(self, pipe: _Pipe) -> None:
        if pipe not in self._pipes or self._selector is None:
            return
        client_events = selectors.EVENT_READ | (selectors.EVENT_WRITE if pipe.to_client else 0)
        self._selector.modify(pipe.client, client_events, lambda mask: self._on_client(pipe, mask))
        if not pipe.upstream_closed:
            upstream_events = selectors.EVENT_READ | (
                selectors.EVENT_WRITE if pipe.to_upstream else 0
            )
            self._selector.modify(
                pipe.upstream, upstream_events, lambda mask: self._on_upstream(pipe, mask)
            )

    def _close_pipe(self, pipe: _Pipe) -> None:
        if pipe not in self._pipes:
            return
        self._pipes.remove(pipe)
        for sock in (pipe.client, pipe.upstream):
            self._unregister(sock)
            sock.close()

    def _close_connections(self) -> None:
        for pipe in list(self._pipes):
            self._close_pipe(pipe)


def _boxes(data: bytes | bytearray, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """Return (type, payload start, box end) of the MP4 boxes between two offsets."""
    found: list[tuple[bytes, int, int]] = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1:
            (size,) = struct.unpack_from(">Q", data, pos + 8)
            header = 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            raise ValueError(f"malformed MP4 box {kind!r} at {pos}")
        found.append((kind, pos + header, pos + size))
        pos += size
    return found


def _child(data: bytes | bytearray, parent: tuple[int, int], kind: bytes) -> tuple[int, int]:
    """Return (payload start, end) of the first child box of a type."""
    for child_kind, start, end in _boxes(data, *parent):
        if child_kind == kind:
            return start, end
    raise ValueError(f"MP4 box {kind.decode()} not found")


def _video_samples(data: bytes | bytearray) -> tuple[list[tuple[int, int]], int]:
    """Return (offset, size) of every video sample and the NAL length size."""
    moov = _child(data, (0, len(data)), b"moov")
    for kind, start, end in _boxes(data, *moov):
        if kind != b"trak":
            continue
        mdia = _child(data, (start, end), b"mdia")
        hdlr_start, _ = _child(data, mdia, b"hdlr")
        if data[hdlr_start + 8 : hdlr_start + 12] != b"vide":
            continue
        stbl = _child(data, _child(data, mdia, b"minf"), b"stbl")
        break
    else:
        raise ValueError("no video track")

    stsd_start, _ = _child(data, stbl, b"stsd")
    # stsd: version/flags, count, then the avc1 entry: 8-byte header, 78 bytes of
    # visual sample entry, then its boxes (avcC among them).
    entry_size, entry_kind = struct.unpack_from(">I4s", data, stsd_start + 8)
    if entry_kind not in (b"avc1", b"avc3"):
        raise ValueError(f"not H.264 in MP4 ({entry_kind.decode()})")
    entry = (stsd_start + 8 + 8 + 78, stsd_start + 8 + entry_size)
    avcc_start, _ = _child(data, entry, b"avcC")
    length_size = (data[avcc_start + 4] & 0x03) + 1

    stsz_start, _ = _child(data, stbl, b"stsz")
    uniform, count = struct.unpack_from(">II", data, stsz_start + 4)
    sizes = (
        [uniform] * count
        if uniform
        else list(struct.unpack_from(f">{count}I", data, stsz_start + 12))
    )
    stsc_start, _ = _child(data, stbl, b"stsc")
    (runs,) = struct.unpack_from(">I", data, stsc_start + 4)
    chunk_runs = [
        struct.unpack_from(">III", data, stsc_start + 8 + 12 * run)[:2] for run in range(runs)
    ]
    try:
        stco_start, _ = _child(data, stbl, b"stco")
        (chunk_count,) = struct.unpack_from(">I", data, stco_start + 4)
        chunks = list(struct.unpack_from(f">{chunk_count}I", data, stco_start + 8))
    except ValueError:
        co64_start, _ = _child(data, stbl, b"co64")
        (chunk_count,) = struct.unpack_from(">I", data, co64_start + 4)
        chunks = list(struct.unpack_from(f">{chunk_count}Q", data, co64_start + 8))

    samples: list[tuple[int, int]] = []
    sample = 0
    for chunk_index, chunk_offset in enumerate(chunks, start=1):
        per_chunk = next(per for first, per in reversed(chunk_runs) if first <= chunk_index)
        offset = chunk_offset
        for _ in range(per_chunk):
            if sample >= len(sizes):
                break
            samples.append((offset, sizes[sample]))
            offset += sizes[sample]
            sample += 1
    return samples, length_size


def corrupt_clip(src: Path, dst: Path, *, fraction: float = 0.02, seed: int = 1) -> Path:
    """Copy an H.264 MP4 with random bytes of its coded slices flipped; return dst.

    Only slice data inside `mdat` is touched: box headers, `moov`, the NAL length
    prefixes and NAL headers stay intact, so the file still demuxes and streams
    while the decoder meets damaged slices (some frames fail to decode, the rest
    decode with artefacts). `fraction` is the share of slice bytes flipped; the
    same seed damages the same bytes. On the people clip the default makes about
    one packet in 20 fail to decode (the first ones within 6 s of the start)
    while about 90 % of the frames still decode.
    """
    data = bytearray(src.read_bytes())
    mdat = _child(data, (0, len(data)), b"mdat")
    samples, length_size = _video_samples(data)
    # Damageable ranges: the bytes after the NAL header of every coded slice.
    ranges: list[tuple[int, int]] = []
    for offset, size in samples:
        pos, end = offset, offset + size
        if pos < mdat[0] or end > mdat[1]:
            raise ValueError("a video sample lies outside mdat")
        while pos + length_size <= end:
            length = int.from_bytes(data[pos : pos + length_size], "big")
            nal = pos + length_size
            if length == 0 or nal + length > end:
                break
            if (data[nal] & 0x1F) in _SLICE_TYPES and length > 1:
                ranges.append((nal + 1, nal + length))
            pos = nal + length
    # Where each range begins when the ranges are laid end to end.
    firsts = list(accumulate((end - start for start, end in ranges), initial=0))
    total = firsts.pop()
    if not total:
        raise ValueError("no H.264 slices found")
    rng = random.Random(seed)
    for index in rng.sample(range(total), max(1, round(total * fraction))):
        which = bisect_right(firsts, index) - 1
        data[ranges[which][0] + index - firsts[which]] ^= rng.randrange(1, 256)
    dst.write_bytes(data)
    return dst
