"""Keep RTSP credentials out of anything a person can read."""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

# scheme://user:password@host or scheme://user@host anywhere in a text, as
# FFmpeg and PyAV put the full URL into their error messages.
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)[^\s/@]+@")


def mask_url(url: str) -> str:
    """Return the URL with its user and password replaced by a mask."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_text(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{MASK}:{MASK}@{host}" + (f":{port}" if port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def mask_text(text: str) -> str:
    """Mask the credentials of every URL that appears in a free text."""
    return _URL_CREDENTIALS.sub(rf"\g<scheme>{MASK}:{MASK}@", text)
