"""A camera's settings as stored in its config subentry, read into typed values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import re
from typing import Any, Final

from .motion import MotionConfig
from .pipeline import DEFAULT_FALLBACK_INTERVAL
from .prompt import DEFAULT_PROMPT, build_prompt
from .verdict import DEFAULT_PHRASES, VerdictPhrases
from .zones import Zone, parse_zones

CONF_RTSP_URL: Final = "rtsp_url"
CONF_DETECT_URL: Final = "detect_url"
CONF_INTERVAL: Final = "interval"
CONF_ALERT_HOLD: Final = "alert_hold"
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

DEFAULT_INTERVAL: Final = 5.0
DEFAULT_ALERT_HOLD: Final = 30.0

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


def motion_config(values: Mapping[str, Any] | None) -> MotionConfig:
    """Return the motion constants of a camera, defaults for what is not set."""
    merged = {**MOTION_DEFAULTS, **(values or {})}
    return MotionConfig(
        work_width=int(merged[CONF_WORK_WIDTH]),
        threshold=int(merged[CONF_THRESHOLD]),
        dilate_iterations=int(merged[CONF_DILATE]),
        min_area=float(merged[CONF_MIN_AREA]),
        max_area_ratio=float(merged[CONF_MAX_AREA_PERCENT]) / 100,
        merge_distance=float(merged[CONF_MERGE_DISTANCE]),
        crop_margin=float(merged[CONF_CROP_MARGIN_PERCENT]) / 100,
    )


@dataclass(frozen=True, slots=True)
class CameraSettings:
    """Everything the pipeline of one camera needs to know."""

    url: str
    detect_url: str | None = None
    interval: float = DEFAULT_INTERVAL
    alert_hold: float = DEFAULT_ALERT_HOLD
    fallback_interval: float = DEFAULT_FALLBACK_INTERVAL
    motion: MotionConfig = field(default_factory=MotionConfig)
    zones: list[Zone] = field(default_factory=list)
    prompt: str = DEFAULT_PROMPT
    repeat_window: float = DEFAULT_REPEAT_WINDOW
    phrases: VerdictPhrases = DEFAULT_PHRASES

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> CameraSettings:
        """Read a subentry's data (zones were validated when they were saved)."""
        vlm: Mapping[str, Any] = data.get(CONF_VLM) or {}
        return cls(
            url=str(data[CONF_RTSP_URL]),
            detect_url=str(data[CONF_DETECT_URL]) if data.get(CONF_DETECT_URL) else None,
            interval=float(data.get(CONF_INTERVAL, DEFAULT_INTERVAL)),
            alert_hold=float(data.get(CONF_ALERT_HOLD, DEFAULT_ALERT_HOLD)),
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
        )
