"""RTSP credentials are masked wherever a URL is shown."""

from __future__ import annotations

import pytest

from custom_components.vlm_guard.core.redact import mask_text, mask_url


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("rtsp://admin:pw@10.0.0.5:554/s1", "rtsp://***:***@10.0.0.5:554/s1"),
        ("rtsp://admin@10.0.0.5/s1", "rtsp://***:***@10.0.0.5/s1"),
        ("rtsp://10.0.0.5:554/s1", "rtsp://10.0.0.5:554/s1"),
        ("rtsps://u:p%40ss@[fe80::1]:322/live?x=1", "rtsps://***:***@[fe80::1]:322/live?x=1"),
        ("rtsp://u:p@cam.local:99999/x", "rtsp://***:***@cam.local/x"),
    ],
)
def test_mask_url(url: str, masked: str) -> None:
    assert mask_url(url) == masked


def test_mask_text_in_error_messages() -> None:
    text = "rtsp://admin:Sup3r@127.0.0.1:5/stream: Server returned 401 Unauthorized"
    assert mask_text(text) == "rtsp://***:***@127.0.0.1:5/stream: Server returned 401 Unauthorized"
    assert mask_text("no url here") == "no url here"
