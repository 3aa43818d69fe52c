"""Constants of the VLM Guard integration."""

from __future__ import annotations

from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "vlm_guard"

PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.CALENDAR,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.SENSOR,
    Platform.SWITCH,
]

SUBENTRY_CAMERA: Final = "camera"

# Server entry.
CONF_BACKEND: Final = "backend"
CONF_MODEL: Final = "model"
CONF_NUM_CTX: Final = "num_ctx"
CONF_KEEP_ALIVE: Final = "keep_alive"
CONF_TIMEOUT: Final = "timeout"
CONF_MAX_CONCURRENT: Final = "max_concurrent"
CONF_FALLBACK: Final = "fallback"
# More servers with the same model, asked as one pool with the entry's own.
CONF_POOL_URLS: Final = "pool_urls"
CONF_TRANSCRIBER: Final = "transcriber"
CONF_WHISPER_MODEL: Final = "whisper_model"
CONF_WHISPER_DEVICE: Final = "whisper_device"
CONF_WHISPER_COMPUTE_TYPE: Final = "whisper_compute_type"
TRANSCRIBER_WHISPER: Final = "whisper"
# The daily review, retention and the vision check: a section of the server's options.
CONF_REVIEW: Final = "review"
CONF_REVIEW_TIME: Final = "review_time"
CONF_REVIEW_AGENT: Final = "review_agent"
CONF_WEATHER_ENTITY: Final = "weather_entity"
CONF_REVIEW_AUTO_ACCEPT: Final = "review_auto_accept"
CONF_KEEP_DAYS: Final = "keep_days"
CONF_KEEP_PER_CAMERA: Final = "keep_per_camera"
CONF_VISION_CHECK_HOURS: Final = "vision_check_hours"
REVIEW_KEYS: Final = (
    CONF_REVIEW_TIME,
    CONF_REVIEW_AGENT,
    CONF_WEATHER_ENTITY,
    CONF_REVIEW_AUTO_ACCEPT,
    CONF_KEEP_DAYS,
    CONF_KEEP_PER_CAMERA,
    CONF_VISION_CHECK_HOURS,
)
DEFAULT_REVIEW_TIME: Final = "07:00:00"
DEFAULT_VISION_CHECK_HOURS: Final = 1.0
WHISPER_DEVICES: Final = ("cpu", "cuda", "auto")
WHISPER_COMPUTE_TYPES: Final = ("int8", "int8_float16", "float16", "float32", "default")

DEFAULT_OLLAMA_URL: Final = "http://127.0.0.1:11434"
MIN_NUM_CTX: Final = 512
MAX_NUM_CTX: Final = 131072

# Camera subentry: keys and defaults live with the pure settings reader.
PROBE_TIMEOUT: Final = 10.0

# Stopping a camera waits this long for its reader thread before giving up on it.
READER_STOP_TIMEOUT: Final = 4.0
SERVER_CHECK_INTERVAL: Final = 60.0
# While the server cannot be reached (or lacks the model) it is checked this often, and a
# question is let through this long after the last failure, so a recovery shows within seconds.
SERVER_RETRY_INTERVAL: Final = 5.0
# Setup waits at most this long for the server's model list; a server that does not
# answer in time counts as unreachable and setup goes on without it.
SERVER_SETUP_CHECK_TIMEOUT: Final = 5.0
# A fail-open camera waits this long for an answer to a motion question before it
# alerts unverified; the question goes on and its late answer is still recorded.
VLM_ANSWER_GRACE: Final = 5.0
WATCHDOG_INTERVAL: Final = 5.0
# Consecutive failed or unusable VLM answers before the owner is told.
VLM_FAILURES_FOR_ISSUE: Final = 3

EVENT_ALERT: Final = "vlm_guard_alert"
EVENT_HEALTH: Final = "vlm_guard_health"
EVENT_INCIDENT_ENDED: Final = "vlm_guard_incident_ended"
EVENT_DAILY_REVIEW: Final = "vlm_guard_daily_review"
# The camera event entity's event types: an incident started, was updated, ended.
EVENT_TYPE_STARTED: Final = "started"
EVENT_TYPE_UPDATED: Final = "updated"
EVENT_TYPE_ENDED: Final = "ended"
# Verdicts carried by the incident-ended event (all are counted).
EVENT_VERDICTS_MAX: Final = 10
EVENT_RAW_ANSWER_MAX: Final = 300

SNAPSHOT_DIR: Final = "vlm_guard"
# Incidents are kept in one SQLite file in the config folder, this long and this many per camera.
ARCHIVE_FILE: Final = "vlm_guard.db"
DEFAULT_KEEP_DAYS: Final = 30.0
DEFAULT_KEEP_PER_CAMERA: Final = 2000
SNAPSHOTS_KEPT: Final = 200
MEDIA_MAX_AGE_DAYS: Final = 30.0

EVENT_TRANSCRIPT: Final = "vlm_guard_transcript"
EVENT_TYPE_SPEECH: Final = "speech"
EVENT_TYPE_URGENT_SPEECH: Final = "urgent_speech"
# A model that failed to load is tried again after this long (seconds).
TRANSCRIBER_RETRY: Final = 600.0
