"""Default constants of the pipeline, importable without OpenCV or PyAV.

The settings reader and the config flow need these values to fill forms and
read stored data; keeping them apart from the modules that decode video and
sound means reading a setting never loads a codec or an image library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Sound is transcribed in chunks of this many seconds.
DEFAULT_CHUNK_SECONDS: Final = 15.0
# Camera microphones hiss at about -60 dBFS in a quiet room; speech a few
# metres away peaks well above -40 dBFS.
DEFAULT_SILENCE_DBFS: Final = -50.0
# A full frame goes to the VLM this often (seconds) to catch what stopped moving.
DEFAULT_FALLBACK_INTERVAL: Final = 60.0


@dataclass(frozen=True, slots=True, kw_only=True)
class MotionConfig:
    """Constants of the motion pre-filter (defaults from the reference system)."""

    work_width: int = 640
    threshold: int = 25
    dilate_iterations: int = 3
    min_area: float = 150.0
    max_area_ratio: float = 0.4
    merge_distance: float = 50.0
    crop_margin: float = 0.15
