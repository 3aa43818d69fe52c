"""Check an RTSP URL before it is saved: reachable, authorised, carrying video."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

import av
import av.error

from .redact import mask_text
from .stream import open_stream

REASON_INVALID_URL: Final = "invalid_url"
REASON_INVALID_AUTH: Final = "invalid_auth"
REASON_NOT_FOUND: Final = "stream_not_found"
REASON_CANNOT_CONNECT: Final = "cannot_connect"
REASON_NO_VIDEO: Final = "no_video"


class ProbeError(Exception):
    """The URL cannot be used; `reason` is a config-flow error key."""

    def __init__(self, reason: str, detail: str) -> None:
        """Keep the machine-readable reason and a human detail (credentials masked)."""
        super().__init__(detail)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What the probe learned about a working stream."""

    width: int
    height: int
    codec: str
    has_audio: bool


def check_url(url: str) -> None:
    """Raise ProbeError(invalid_url) unless the URL reads as rtsp://host[:port]/path."""
    try:
        parts = urlsplit(url)
        # Reading the port rejects one that is not a number or is out of range.
        valid = (
            parts.scheme.lower() in ("rtsp", "rtsps") and bool(parts.hostname) and parts.port != 0
        )
    except ValueError as err:
        # An unclosed IPv6 bracket or a bad port, for example rtsp://[::1/stream.
        raise ProbeError(REASON_INVALID_URL, mask_text(f"the URL cannot be read: {err}")) from err
    if not valid:
        raise ProbeError(REASON_INVALID_URL, "the URL must look like rtsp://host:port/path")


def probe_stream(url: str, timeout: float = 10.0) -> StreamInfo:
    """Open the stream, decode one video frame and describe it (blocking)."""
    check_url(url)
    try:
        with open_stream(url, open_timeout=timeout, read_timeout=timeout) as container:
            if not container.streams.video:
                raise ProbeError(REASON_NO_VIDEO, "the stream carries no video track")
            video = container.streams.video[0]
            for frame in container.decode(video):
                return StreamInfo(
                    width=frame.width,
                    height=frame.height,
                    codec=video.codec_context.name,
                    has_audio=bool(container.streams.audio),
                )
    except (av.error.HTTPUnauthorizedError, av.error.HTTPForbiddenError) as err:
        raise ProbeError(REASON_INVALID_AUTH, mask_text(str(err))) from err
    except av.error.HTTPNotFoundError as err:
        raise ProbeError(REASON_NOT_FOUND, mask_text(str(err))) from err
    except (av.error.FFmpegError, OSError) as err:
        raise ProbeError(REASON_CANNOT_CONNECT, mask_text(str(err))) from err
    raise ProbeError(REASON_NO_VIDEO, "the stream ended before a video frame arrived")
