"""A stream URL's credentials: shown without the password, completed from what was typed or kept.

Cameras take their user name and password in the RTSP URL. Forms show the URL
without the password and ask for it in a field of its own, so a stored password
is never shown again; these functions take URLs apart and put them back together.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# scheme://authority/rest; the user information is what comes before the authority's last @.
_URL = re.compile(
    r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<authority>[^/?#]*)(?P<rest>.*)$", re.S
)


def _split_url(url: str) -> tuple[str, str | None, str | None, str] | None:
    """Return (scheme://, user, password, host and the rest) of a URL, None if not one."""
    if (match := _URL.match(url)) is None:
        return None
    userinfo, at, host = match["authority"].rpartition("@")
    if not at:
        return match["scheme"], None, None, match["authority"] + match["rest"]
    user, colon, password = userinfo.partition(":")
    return match["scheme"], user, password if colon else None, host + match["rest"]


def url_user(url: str) -> str | None:
    """Return the user name a URL carries, None when it names none."""
    parts = _split_url(url)
    return (parts[1] or None) if parts else None


def url_without_password(url: str) -> str:
    """Return the URL with its password left out; the user name stays."""
    parts = _split_url(url)
    if parts is None or parts[2] is None:
        return url
    scheme, user, _, rest = parts
    return f"{scheme}{user}@{rest}"


def url_without_credentials(url: str) -> str:
    """Return the URL without user or password: the same stream whoever logs in."""
    parts = _split_url(url)
    return url if parts is None else parts[0] + parts[3]


def _with_password(url: str, encoded: str) -> str:
    """Return the URL with its user's password set to `encoded` (already percent-encoded)."""
    parts = _split_url(url)
    if parts is None or not parts[1]:
        return url
    scheme, user, _, rest = parts
    return f"{scheme}{user}:{encoded}@{rest}"


def complete_url(url: str, typed: str, known: list[str]) -> str:
    """Give a URL naming a user its password: typed, its own, or the same user's in `known`."""
    parts = _split_url(url)
    if parts is None or not parts[1]:
        return url
    if typed:
        # FFmpeg decodes percent-escapes in credentials, so any character may be typed.
        return _with_password(url, quote(typed, safe=""))
    if parts[2] is not None:
        return url
    for source in known:
        other = _split_url(source)
        if other is not None and other[1] == parts[1] and other[2]:
            return _with_password(url, other[2])
    return url
