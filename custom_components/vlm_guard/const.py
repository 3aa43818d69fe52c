"""Constants of the VLM Guard integration."""

from __future__ import annotations

from typing import Final

from homeassistant.const import Platform

DOMAIN: Final = "vlm_guard"

PLATFORMS: Final = [
    Platform.BINARY_SENSOR,
    Platform.CAMERA,
    Platform.EVENT,
    Platform.SENSOR,
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

DEFAULT_OLLAMA_URL: Final = "http://127.0.0.1:11434"
MIN_NUM_CTX: Final = 512
MAX_NUM_CTX: Final = 131072

# Camera subentry: keys and defaults live with the pure settings reader.
PROBE_TIMEOUT: Final = 10.0

# Stopping a camera waits this long for its reader thread before giving up on it.
READER_STOP_TIMEOUT: Final = 4.0
SERVER_CHECK_INTERVAL: Final = 60.0

EVENT_ALERT: Final = "vlm_guard_alert"
EVENT_TYPE_ALERT: Final = "alert"

SNAPSHOT_DIR: Final = "vlm_guard"
SNAPSHOTS_KEPT: Final = 200
