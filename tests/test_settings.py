"""A camera's settings: the form written into stored data and read back, without OpenCV or PyAV."""

from __future__ import annotations

import json
from pathlib import Path
import subprocess
import sys
from typing import Any

import pytest

from custom_components.vlm_guard.core.phrases import literal_phrase
from custom_components.vlm_guard.core.settings import (
    AUDIO_DEFAULTS,
    CONF_ALERT_HOLD,
    CONF_AUDIO,
    CONF_CHUNK_SECONDS,
    CONF_CONTEXT,
    CONF_DETECT_URL,
    CONF_EXTRA_LOCATIONS,
    CONF_FALLBACK_INTERVAL,
    CONF_HAS_AUDIO,
    CONF_INTERVAL,
    CONF_MOTION,
    CONF_NOISE_PHRASES,
    CONF_PASSWORD,
    CONF_PROMPT,
    CONF_REPEAT_WINDOW,
    CONF_RTSP_URL,
    CONF_STALE_AFTER,
    CONF_THRESHOLD,
    CONF_URGENT_WORDS,
    CONF_VLM,
    CONF_VLM_OUTAGE,
    CONF_ZONES,
    MOTION_DEFAULTS,
    OUTAGE_CLOSED,
    OUTAGE_OPEN,
    CameraSettings,
    camera_data,
    form_values,
    stream_urls,
)

ROOT = Path(__file__).resolve().parents[1]
ZONES = {
    "zones": [
        {"name": "Road", "type": "exclude", "points": [[0, 0], [1, 0], [1, 0.2], [0, 0.2]]},
    ]
}
# The integration's own __init__ imports Home Assistant and the camera monitor; an
# empty stand-in for that package lets the core load alone, as it must be able to.
IMPORT_SETTINGS_ALONE = f"""
import json, sys, types
package = types.ModuleType("custom_components.vlm_guard")
package.__path__ = [{str(ROOT / "custom_components" / "vlm_guard")!r}]
sys.modules["custom_components.vlm_guard"] = package
from custom_components.vlm_guard.core.settings import CameraSettings
from custom_components.vlm_guard.core.zones import zones_document
settings = CameraSettings.from_data({{"rtsp_url": "rtsp://cam/stream", "zones": {ZONES!r}}})
assert zones_document(settings.zones)["zones"][0]["name"] == "Road"
print(json.dumps(sorted(name for name in ("av", "cv2", "homeassistant") if name in sys.modules)))
"""


def test_settings_and_zones_load_without_opencv_pyav_or_home_assistant() -> None:
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_SETTINGS_ALONE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == []


def _full_form() -> dict[str, Any]:
    """A camera form as Home Assistant hands it over: numbers as the selectors send them."""
    return {
        CONF_RTSP_URL: " rtsp://admin:pw@10.0.0.5:554/main ",
        CONF_DETECT_URL: "rtsp://admin:pw@10.0.0.5:554/sub",
        CONF_INTERVAL: 2,
        CONF_ALERT_HOLD: 45,
        CONF_FALLBACK_INTERVAL: 0,
        CONF_STALE_AFTER: 30,
        CONF_MOTION: {**MOTION_DEFAULTS, CONF_THRESHOLD: 40},
        CONF_VLM: {
            CONF_PROMPT: "Is anyone at the door?",
            CONF_CONTEXT: "  ",
            CONF_REPEAT_WINDOW: 10,
            CONF_EXTRA_LOCATIONS: "past the hedge",
            CONF_VLM_OUTAGE: OUTAGE_OPEN,
        },
        CONF_AUDIO: {
            **AUDIO_DEFAULTS,
            CONF_CHUNK_SECONDS: 10,
            CONF_URGENT_WORDS: "open the gate\nintruder",
            CONF_NOISE_PHRASES: "",
        },
    }


def test_form_becomes_stored_data_the_camera_reads() -> None:
    data = camera_data(_full_form(), has_audio=True, zones=ZONES)
    assert data[CONF_RTSP_URL] == "rtsp://admin:pw@10.0.0.5:554/main"
    # Blank free texts are not stored, so the built-in defaults stay in force.
    assert CONF_CONTEXT not in data[CONF_VLM]
    assert CONF_NOISE_PHRASES not in data[CONF_AUDIO]
    json.dumps(data)  # Subentry data is saved as JSON.

    settings = CameraSettings.from_data(data)
    assert settings.url == "rtsp://admin:pw@10.0.0.5:554/main"
    assert settings.detect_url == "rtsp://admin:pw@10.0.0.5:554/sub"
    assert (settings.interval, settings.alert_hold) == (2.0, 45.0)
    assert (settings.fallback_interval, settings.stale_after) == (0.0, 30.0)
    assert settings.motion.threshold == 40
    assert settings.motion.max_area_ratio == 0.4
    assert [zone.name for zone in settings.zones] == ["Road"]
    assert "Is anyone at the door?" in settings.prompt
    assert settings.repeat_window == 10.0
    assert settings.vlm_outage == OUTAGE_OPEN
    assert literal_phrase("past the hedge") in settings.phrases.locations
    assert settings.has_audio is True
    assert settings.audio.chunk_seconds == 10.0
    assert settings.audio.rules.urgent_words(["please", "open", "the", "gate"]) == ["open the gate"]


def test_stored_data_survives_the_form_unchanged() -> None:
    stored = camera_data(_full_form(), has_audio=True, zones=ZONES)
    form = form_values(stored)
    assert CONF_ZONES not in form
    assert CONF_HAS_AUDIO not in form
    assert camera_data(form, has_audio=True, zones=ZONES, previous=stored) == stored


def test_form_never_shows_a_password() -> None:
    stored = camera_data(_full_form(), has_audio=True)
    form = form_values(stored)
    assert form[CONF_RTSP_URL] == "rtsp://admin@10.0.0.5:554/main"
    assert form[CONF_DETECT_URL] == "rtsp://admin@10.0.0.5:554/sub"
    assert CONF_PASSWORD not in form
    assert ":pw@" not in json.dumps(form)


STORED = {
    CONF_RTSP_URL: "rtsp://admin:old%40pw@10.0.0.5:554/main",
    CONF_DETECT_URL: "rtsp://viewer:sub-pw@10.0.0.5:554/sub",
}


@pytest.mark.parametrize(
    ("form", "previous", "expected"),
    [
        (
            {CONF_RTSP_URL: "rtsp://admin:pw@cam/main"},
            None,
            ("rtsp://admin:pw@cam/main", None),
        ),
        (
            {CONF_RTSP_URL: "rtsp://admin@cam/main", CONF_PASSWORD: "p@ss/w:rd %"},
            None,
            ("rtsp://admin:p%40ss%2Fw%3Ard%20%25@cam/main", None),
        ),
        (
            {
                CONF_RTSP_URL: "rtsp://admin:pasted@cam/main",
                CONF_DETECT_URL: "rtsp://admin@cam/sub",
                CONF_PASSWORD: "typed",
            },
            None,
            ("rtsp://admin:typed@cam/main", "rtsp://admin:typed@cam/sub"),
        ),
        (
            {CONF_RTSP_URL: "rtsp://admin:pw@cam/main", CONF_DETECT_URL: "rtsp://admin@cam/sub"},
            None,
            ("rtsp://admin:pw@cam/main", "rtsp://admin:pw@cam/sub"),
        ),
        (
            {CONF_RTSP_URL: "rtsp://cam/main", CONF_DETECT_URL: ""},
            None,
            ("rtsp://cam/main", None),
        ),
        (
            {
                CONF_RTSP_URL: "rtsp://admin@10.0.0.5:554/main",
                CONF_DETECT_URL: "rtsp://viewer@10.0.0.5:554/sub",
            },
            STORED,
            (STORED[CONF_RTSP_URL], STORED[CONF_DETECT_URL]),
        ),
        (
            {CONF_RTSP_URL: "rtsp://admin@10.0.0.9:554/main", CONF_PASSWORD: ""},
            STORED,
            ("rtsp://admin:old%40pw@10.0.0.9:554/main", None),
        ),
        (
            {CONF_RTSP_URL: "rtsp://viewer@10.0.0.5:554/main"},
            STORED,
            ("rtsp://viewer:sub-pw@10.0.0.5:554/main", None),
        ),
        (
            {CONF_RTSP_URL: "rtsp://guest@10.0.0.5:554/main"},
            STORED,
            ("rtsp://guest@10.0.0.5:554/main", None),
        ),
        (
            {CONF_RTSP_URL: "rtsp://10.0.0.5:554/main"},
            STORED,
            ("rtsp://10.0.0.5:554/main", None),
        ),
        (
            {CONF_RTSP_URL: "rtsp://admin@10.0.0.5:554/main", CONF_PASSWORD: "new"},
            STORED,
            ("rtsp://admin:new@10.0.0.5:554/main", None),
        ),
    ],
    ids=[
        "pasted-in-url",
        "typed-any-character",
        "typed-wins-over-pasted",
        "substream-same-user",
        "no-credentials",
        "kept-when-empty",
        "kept-on-new-address",
        "other-stored-user",
        "unknown-user-gets-none",
        "user-removed",
        "typed-replaces-stored",
    ],
)
def test_stream_urls_get_their_password(
    form: dict[str, Any], previous: dict[str, Any] | None, expected: tuple[str, str | None]
) -> None:
    assert stream_urls(form, previous) == expected


def test_form_without_sound_keeps_the_stored_sound_settings() -> None:
    stored = camera_data(_full_form(), has_audio=True)
    form = form_values(stored)
    del form[CONF_AUDIO]
    assert camera_data(form, has_audio=True, previous=stored)[CONF_AUDIO] == stored[CONF_AUDIO]
    assert camera_data(form, has_audio=True)[CONF_AUDIO] == AUDIO_DEFAULTS


def test_old_data_gets_the_defaults_in_the_form() -> None:
    """Data saved before a setting existed shows that setting's default."""
    form = form_values({CONF_RTSP_URL: "rtsp://cam/stream"})
    assert form[CONF_MOTION] == MOTION_DEFAULTS
    assert form[CONF_AUDIO] == AUDIO_DEFAULTS
    assert form[CONF_VLM] == {CONF_REPEAT_WINDOW: 30.0, CONF_VLM_OUTAGE: OUTAGE_CLOSED}
    assert CONF_DETECT_URL not in form
    data = camera_data(form, has_audio=False)
    assert CameraSettings.from_data(data) == CameraSettings.from_data(
        {CONF_RTSP_URL: "rtsp://cam/stream"}
    )
    assert CONF_ZONES not in data
