"""Default constants of the pipeline, importable without OpenCV or PyAV.

The settings reader and the config flow need these values to fill forms and
read stored data; keeping them apart from the modules that decode video and
sound means reading a setting never loads a codec or an image library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

# Sound is transcribed in chunks of this many seconds.
DEFAULT_CHUNK_SECONDS: Final = 15.0
# Camera microphones hiss at about -60 dBFS in a quiet room; speech a few
# metres away peaks well above -40 dBFS.
DEFAULT_SILENCE_DBFS: Final = -50.0
# A full frame goes to the VLM this often (seconds) to catch what stopped moving.
DEFAULT_FALLBACK_INTERVAL: Final = 60.0

MOTION_ROBUST: Final = "robust"
"""Motion against a background model, with weather filtered out (the default)."""
MOTION_REFERENCE: Final = "reference"
"""The reference system's filter, exactly: each frame against the previous one."""
MOTION_MODES: Final = (MOTION_ROBUST, MOTION_REFERENCE)


@dataclass(frozen=True, slots=True, kw_only=True)
class WeatherFilter:
    """Constants of the robust mode; areas in pixels² at the motion work width."""

    noise_sigmas: float = 4.0
    """A change must also exceed this many times the grain of the tick's picture."""
    dark_floor: float = 0.6
    """In a dark picture the threshold shrinks with its light, down to this share."""
    background_rate: float = 0.5
    """Share of a still pixel's new value the background takes on each tick."""
    scene_rate: float = 0.05
    """The same for the slow background: the scene as it was a while ago."""
    particle_area: float = 600.0
    """Regions this small are weather-sized: a flake, a drop, an insect, a streak."""
    round_particle_area: float = 1200.0
    """Round regions that only brightened (or only darkened) up to this size are too."""
    streak_elongation: float = 5.0
    """Regions that only brightened, made of parts this many times longer than wide, are rain."""
    follow_ticks: int = 2
    """A weather-sized region still counts this many ticks after a body was found by it."""
    quiet_ticks: int = 10
    """Something that barely moves is followed for this many ticks at most."""


@dataclass(frozen=True, slots=True, kw_only=True)
class MotionConfig:
    """Constants of the motion pre-filter (defaults from the reference system).

    Both modes use the reference system's threshold, dilation, areas, merge
    distance and margin; the robust mode adds `weather`.
    """

    work_width: int = 640
    threshold: int = 25
    dilate_iterations: int = 3
    min_area: float = 150.0
    max_area_ratio: float = 0.4
    merge_distance: float = 50.0
    crop_margin: float = 0.15
    mode: str = MOTION_ROBUST
    weather: WeatherFilter = field(default_factory=WeatherFilter)
