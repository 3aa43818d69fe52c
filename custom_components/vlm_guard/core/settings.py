"""A camera's settings: the form written into its config subentry, read back into typed values.

Nothing here imports OpenCV, PyAV or Home Assistant, so the config flow can
read and write settings without loading the video pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import re
from typing import Any, Final

from .credentials import complete_url, url_without_password
from .defaults import (
    DEFAULT_CHUNK_SECONDS,
    DEFAULT_FALLBACK_INTERVAL,
    DEFAULT_SILENCE_DBFS,
    MOTION_MODES,
    MOTION_ROBUST,
    MotionConfig,
)
from .prompt import DEFAULT_PROMPT, build_prompt
from .speech import DEFAULT_GATE_WINDOW, DEFAULT_RULES, SpeechRules
from .verdict import DEFAULT_PHRASES, VerdictPhrases
from .zones import Zone, parse_zones

CONF_RTSP_URL: Final = "rtsp_url"
CONF_CAMERA_ENTITY: Final = "camera_entity"
"""A camera entity of Home Assistant whose stream (or pictures) is read instead of a URL."""
CONF_DETECT_URL: Final = "detect_url"
CONF_PASSWORD: Final = "password"  # noqa: S105 - the name of a form field
"""The form's password field: never stored on its own, it goes into the stream URLs."""
CONF_INTERVAL: Final = "interval"
CONF_ALERT_HOLD: Final = "alert_hold"
CONF_UPDATE_EVERY: Final = "update_every"
CONF_FALLBACK_INTERVAL: Final = "fallback_interval"
CONF_MOTION: Final = "motion"
CONF_ZONES: Final = "zones"
CONF_VLM: Final = "vlm"
CONF_PROMPT: Final = "prompt"
CONF_CONTEXT: Final = "context"
CONF_REPEAT_WINDOW: Final = "repeat_window"
CONF_EXTRA_LOCATIONS: Final = "extra_locations"
CONF_EXTRA_SUBJECTS: Final = "extra_subjects"
CONF_EXTRA_LOOKALIKES: Final = "extra_lookalikes"
DEFAULT_REPEAT_WINDOW: Final = 30.0
CONF_STALE_AFTER: Final = "stale_after"
DEFAULT_STALE_AFTER: Final = 20.0
CONF_VLM_OUTAGE: Final = "vlm_outage"
OUTAGE_CLOSED: Final = "fail_closed"
OUTAGE_OPEN: Final = "fail_open"
OUTAGE_POLICIES: Final = (OUTAGE_CLOSED, OUTAGE_OPEN)
CONF_HAS_AUDIO: Final = "has_audio"
CONF_AUDIO: Final = "audio"
CONF_CHUNK_SECONDS: Final = "chunk_seconds"
CONF_GATE_WINDOW: Final = "gate_window"
CONF_SILENCE_DBFS: Final = "silence_dbfs"
CONF_URGENT_WORDS: Final = "urgent_words"
CONF_NOISE_PHRASES: Final = "noise_phrases"
AUDIO_DEFAULTS: Final[dict[str, float]] = {
    CONF_CHUNK_SECONDS: DEFAULT_CHUNK_SECONDS,
    CONF_GATE_WINDOW: DEFAULT_GATE_WINDOW,
    CONF_SILENCE_DBFS: DEFAULT_SILENCE_DBFS,
}


def phrase_list(text: str | None) -> list[str]:
    """Split a phrase list typed in the UI (commas or new lines) into phrases."""
    return [part.strip() for part in re.split(r"[,\n]", text or "") if part.strip()]


CONF_WORK_WIDTH: Final = "work_width"
CONF_THRESHOLD: Final = "threshold"
CONF_DILATE: Final = "dilate_iterations"
CONF_MIN_AREA: Final = "min_area"
CONF_MAX_AREA_PERCENT: Final = "max_area_percent"
CONF_MERGE_DISTANCE: Final = "merge_distance"
CONF_CROP_MARGIN_PERCENT: Final = "crop_margin_percent"
CONF_MOTION_MODE: Final = "mode"
"""The motion filter: robust (the default) or the reference system's."""

DEFAULT_INTERVAL: Final = 5.0
DEFAULT_ALERT_HOLD: Final = 60.0
"""An incident ends after this many seconds without an ALERT."""
DEFAULT_UPDATE_EVERY: Final = 30.0
"""An open incident's updates are announced at most this often (seconds)."""

_DEFAULT_MOTION = MotionConfig()
MOTION_DEFAULTS: Final[dict[str, float]] = {
    CONF_WORK_WIDTH: _DEFAULT_MOTION.work_width,
    CONF_THRESHOLD: _DEFAULT_MOTION.threshold,
    CONF_DILATE: _DEFAULT_MOTION.dilate_iterations,
    CONF_MIN_AREA: _DEFAULT_MOTION.min_area,
    CONF_MAX_AREA_PERCENT: _DEFAULT_MOTION.max_area_ratio * 100,
    CONF_MERGE_DISTANCE: _DEFAULT_MOTION.merge_distance,
    CONF_CROP_MARGIN_PERCENT: _DEFAULT_MOTION.crop_margin * 100,
}


def motion_mode(values: Mapping[str, Any] | None) -> str:
    """Return a camera's motion filter, the default when none (or an unknown one) is set."""
    mode = str((values or {}).get(CONF_MOTION_MODE, MOTION_ROBUST))
    return mode if mode in MOTION_MODES else MOTION_ROBUST


def motion_config(values: Mapping[str, Any] | None) -> MotionConfig:
    """Return the motion constants of a camera, defaults for what is not set."""
    merged = {**MOTION_DEFAULTS, **(values or {})}
    return MotionConfig(
        mode=motion_mode(values),
        work_width=int(merged[CONF_WORK_WIDTH]),
        threshold=int(merged[CONF_THRESHOLD]),
        dilate_iterations=int(merged[CONF_DILATE]),
        min_area=float(merged[CONF_MIN_AREA]),
        max_area_ratio=float(merged[CONF_MAX_AREA_PERCENT]) / 100,
        merge_distance=float(merged[CONF_MERGE_DISTANCE]),
        crop_margin=float(merged[CONF_CROP_MARGIN_PERCENT]) / 100,
    )


@dataclass(frozen=True, slots=True)
class AudioSettings:
    """How a camera's sound is cut, filtered and gated."""

    chunk_seconds: float = DEFAULT_CHUNK_SECONDS
    gate_window: float = DEFAULT_GATE_WINDOW
    silence_dbfs: float = DEFAULT_SILENCE_DBFS
    rules: SpeechRules = DEFAULT_RULES

    @classmethod
    def from_data(cls, values: Mapping[str, Any] | None) -> AudioSettings:
        """Read the audio section of a subentry, defaults for what is not set."""
        values = values or {}
        return cls(
            chunk_seconds=float(values.get(CONF_CHUNK_SECONDS, DEFAULT_CHUNK_SECONDS)),
            gate_window=float(values.get(CONF_GATE_WINDOW, DEFAULT_GATE_WINDOW)),
            silence_dbfs=float(values.get(CONF_SILENCE_DBFS, DEFAULT_SILENCE_DBFS)),
            rules=SpeechRules.build(
                extra_noise=phrase_list(values.get(CONF_NOISE_PHRASES)),
                extra_urgent=phrase_list(values.get(CONF_URGENT_WORDS)),
            ),
        )


@dataclass(frozen=True, slots=True)
class CameraSettings:
    """Everything the pipeline of one camera needs to know."""

    url: str
    """The RTSP URL; empty for a camera read through a Home Assistant camera entity."""
    detect_url: str | None = None
    source_entity: str | None = None
    interval: float = DEFAULT_INTERVAL
    alert_hold: float = DEFAULT_ALERT_HOLD
    """Seconds without an ALERT after which the camera's incident ends."""
    update_every: float = DEFAULT_UPDATE_EVERY
    fallback_interval: float = DEFAULT_FALLBACK_INTERVAL
    motion: MotionConfig = field(default_factory=MotionConfig)
    zones: list[Zone] = field(default_factory=list)
    prompt: str = DEFAULT_PROMPT
    repeat_window: float = DEFAULT_REPEAT_WINDOW
    phrases: VerdictPhrases = DEFAULT_PHRASES
    stale_after: float = DEFAULT_STALE_AFTER
    """Seconds without video before the watchdog restarts the stream."""
    vlm_outage: str = OUTAGE_CLOSED
    """What motion does while the VLM gives no usable answer: nothing, or alert unverified."""
    has_audio: bool = False
    audio: AudioSettings = field(default_factory=AudioSettings)

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CameraSettings:
        """Read a subentry's data (zones were validated when they were saved)."""
        vlm: Mapping[str, Any] = data.get(CONF_VLM) or {}
        return cls(
            url=str(data.get(CONF_RTSP_URL) or ""),
            source_entity=str(data[CONF_CAMERA_ENTITY]) if data.get(CONF_CAMERA_ENTITY) else None,
            detect_url=str(data[CONF_DETECT_URL]) if data.get(CONF_DETECT_URL) else None,
            interval=float(data.get(CONF_INTERVAL, DEFAULT_INTERVAL)),
            alert_hold=float(data.get(CONF_ALERT_HOLD, DEFAULT_ALERT_HOLD)),
            update_every=float(data.get(CONF_UPDATE_EVERY, DEFAULT_UPDATE_EVERY)),
            fallback_interval=float(data.get(CONF_FALLBACK_INTERVAL, DEFAULT_FALLBACK_INTERVAL)),
            motion=motion_config(data.get(CONF_MOTION)),
            zones=parse_zones(data.get(CONF_ZONES) or []),
            prompt=build_prompt(vlm.get(CONF_PROMPT), vlm.get(CONF_CONTEXT)),
            repeat_window=float(vlm.get(CONF_REPEAT_WINDOW, DEFAULT_REPEAT_WINDOW)),
            phrases=DEFAULT_PHRASES.with_extra(
                locations=phrase_list(vlm.get(CONF_EXTRA_LOCATIONS)),
                subjects=phrase_list(vlm.get(CONF_EXTRA_SUBJECTS)),
                shadows=phrase_list(vlm.get(CONF_EXTRA_LOOKALIKES)),
            ),
            stale_after=float(data.get(CONF_STALE_AFTER, DEFAULT_STALE_AFTER)),
            vlm_outage=str(vlm.get(CONF_VLM_OUTAGE, OUTAGE_CLOSED)),
            has_audio=bool(data.get(CONF_HAS_AUDIO, False)),
            audio=AudioSettings.from_data(data.get(CONF_AUDIO)),
        )


_VLM_TEXTS: Final = (
    CONF_PROMPT,
    CONF_CONTEXT,
    CONF_EXTRA_LOCATIONS,
    CONF_EXTRA_SUBJECTS,
    CONF_EXTRA_LOOKALIKES,
)
_AUDIO_TEXTS: Final = (CONF_URGENT_WORDS, CONF_NOISE_PHRASES)


def _texts(values: Mapping[str, Any], keys: tuple[str, ...]) -> dict[str, str]:
    """Return the non-blank free texts among `keys`, stripped; blank ones are not stored."""
    return {key: str(values[key]).strip() for key in keys if str(values.get(key) or "").strip()}


def stream_urls(
    form: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> tuple[str, str | None]:
    """Return the main and substream URLs to connect to, passwords included.

    The form shows URLs without their password. A password typed in its field goes
    into every URL that names a user; otherwise a URL keeps a password typed into
    it, or gets that user's password from the other URL or from the stored ones,
    so reconfiguring a camera never asks for its password again.
    """
    previous = previous or {}
    typed = str(form.get(CONF_PASSWORD) or "")
    url = str(form.get(CONF_RTSP_URL) or "").strip()
    detect = str(form.get(CONF_DETECT_URL) or "").strip()
    old_url = str(previous.get(CONF_RTSP_URL) or "")
    old_detect = str(previous.get(CONF_DETECT_URL) or "")
    return (
        complete_url(url, typed, [old_url, detect, old_detect]),
        complete_url(detect, typed, [old_detect, url, old_url]) or None,
    )


def camera_data(
    form: Mapping[str, Any],
    *,
    has_audio: bool,
    zones: Any = None,
    previous: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Return the subentry data to store for a submitted camera form (its name is the title).

    `previous` is the camera's stored data when it is reconfigured: its passwords
    stand when none is typed, and its sound settings when the form has no Sound section.
    """
    url, detect_url = stream_urls(form, previous)
    data: dict[str, Any] = {
        CONF_RTSP_URL: url,
        **({CONF_CAMERA_ENTITY: form[CONF_CAMERA_ENTITY]} if form.get(CONF_CAMERA_ENTITY) else {}),
        CONF_INTERVAL: float(form.get(CONF_INTERVAL, DEFAULT_INTERVAL)),
        CONF_ALERT_HOLD: float(form.get(CONF_ALERT_HOLD, DEFAULT_ALERT_HOLD)),
        CONF_UPDATE_EVERY: float(form.get(CONF_UPDATE_EVERY, DEFAULT_UPDATE_EVERY)),
        CONF_FALLBACK_INTERVAL: float(form.get(CONF_FALLBACK_INTERVAL, DEFAULT_FALLBACK_INTERVAL)),
        CONF_STALE_AFTER: float(form.get(CONF_STALE_AFTER, DEFAULT_STALE_AFTER)),
    }
    motion = {**MOTION_DEFAULTS, **(form.get(CONF_MOTION) or {})}
    data[CONF_MOTION] = {key: float(motion[key]) for key in MOTION_DEFAULTS}
    if (mode := motion_mode(motion)) != MOTION_ROBUST:
        # Only a departure from the default filter is stored: cameras that keep
        # the default follow it.
        data[CONF_MOTION][CONF_MOTION_MODE] = mode
    if detect_url:
        data[CONF_DETECT_URL] = detect_url
    # Sound is taken from the main stream; cameras without it get no audio entities.
    data[CONF_HAS_AUDIO] = has_audio
    # The Sound section is shown only for cameras with sound: without it, what was set stays.
    sound = form[CONF_AUDIO] if CONF_AUDIO in form else (previous or {}).get(CONF_AUDIO)
    audio = {**AUDIO_DEFAULTS, **(sound or {})}
    data[CONF_AUDIO] = {
        **{key: float(audio[key]) for key in AUDIO_DEFAULTS},
        **_texts(audio, _AUDIO_TEXTS),
    }
    vlm: Mapping[str, Any] = form.get(CONF_VLM) or {}
    data[CONF_VLM] = {
        CONF_REPEAT_WINDOW: float(vlm.get(CONF_REPEAT_WINDOW, DEFAULT_REPEAT_WINDOW)),
        CONF_VLM_OUTAGE: str(vlm.get(CONF_VLM_OUTAGE, OUTAGE_CLOSED)),
        **_texts(vlm, _VLM_TEXTS),
    }
    # Zones are drawn on the camera entity, not in the form: they are carried over as stored.
    if zones is not None:
        data[CONF_ZONES] = zones
    return data


def form_values(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return the camera form filled from stored subentry data, defaults for what is not set.

    The URLs are shown without their password: the form never shows one.
    """
    values: dict[str, Any] = {
        CONF_RTSP_URL: url_without_password(str(data.get(CONF_RTSP_URL) or "")),
        CONF_INTERVAL: data.get(CONF_INTERVAL, DEFAULT_INTERVAL),
        CONF_ALERT_HOLD: data.get(CONF_ALERT_HOLD, DEFAULT_ALERT_HOLD),
        CONF_UPDATE_EVERY: data.get(CONF_UPDATE_EVERY, DEFAULT_UPDATE_EVERY),
        CONF_FALLBACK_INTERVAL: data.get(CONF_FALLBACK_INTERVAL, DEFAULT_FALLBACK_INTERVAL),
        CONF_STALE_AFTER: data.get(CONF_STALE_AFTER, DEFAULT_STALE_AFTER),
        CONF_MOTION: {**MOTION_DEFAULTS, **(data.get(CONF_MOTION) or {})},
        CONF_VLM: {
            CONF_REPEAT_WINDOW: DEFAULT_REPEAT_WINDOW,
            CONF_VLM_OUTAGE: OUTAGE_CLOSED,
            **(data.get(CONF_VLM) or {}),
        },
        CONF_AUDIO: {**AUDIO_DEFAULTS, **(data.get(CONF_AUDIO) or {})},
    }
    if data.get(CONF_DETECT_URL):
        values[CONF_DETECT_URL] = url_without_password(str(data[CONF_DETECT_URL]))
    if data.get(CONF_CAMERA_ENTITY):
        values[CONF_CAMERA_ENTITY] = data[CONF_CAMERA_ENTITY]
        del values[CONF_RTSP_URL]
    return values
