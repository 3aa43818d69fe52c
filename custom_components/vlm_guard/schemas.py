"""Forms of the config flows: the server, its model, its options and a camera."""

from __future__ import annotations

from typing import Final

from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
    BooleanSelector,
    EntitySelector,
    EntitySelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
    TimeSelector,
)
import voluptuous as vol

from .const import (
    CONF_BACKEND,
    CONF_FALLBACK,
    CONF_KEEP_ALIVE,
    CONF_KEEP_DAYS,
    CONF_KEEP_PER_CAMERA,
    CONF_MAX_CONCURRENT,
    CONF_MODEL,
    CONF_NUM_CTX,
    CONF_POOL_URLS,
    CONF_REVIEW,
    CONF_REVIEW_AGENT,
    CONF_REVIEW_AUTO_ACCEPT,
    CONF_REVIEW_TIME,
    CONF_TIMEOUT,
    CONF_TRANSCRIBER,
    CONF_VISION_CHECK_HOURS,
    CONF_WEATHER_ENTITY,
    CONF_WHISPER_COMPUTE_TYPE,
    CONF_WHISPER_DEVICE,
    CONF_WHISPER_MODEL,
    DEFAULT_KEEP_DAYS,
    DEFAULT_KEEP_PER_CAMERA,
    DEFAULT_OLLAMA_URL,
    DEFAULT_REVIEW_TIME,
    DEFAULT_VISION_CHECK_HOURS,
    MAX_NUM_CTX,
    MIN_NUM_CTX,
    TRANSCRIBER_WHISPER,
    WHISPER_COMPUTE_TYPES,
    WHISPER_DEVICES,
)
from .core.defaults import DEFAULT_FALLBACK_INTERVAL, MOTION_MODES, MOTION_ROBUST
from .core.settings import (
    AUDIO_DEFAULTS,
    CONF_ALERT_HOLD,
    CONF_AUDIO,
    CONF_CAMERA_ENTITY,
    CONF_CHUNK_SECONDS,
    CONF_CONTEXT,
    CONF_CROP_MARGIN_PERCENT,
    CONF_DETECT_URL,
    CONF_DILATE,
    CONF_EXTRA_LOCATIONS,
    CONF_EXTRA_LOOKALIKES,
    CONF_EXTRA_SUBJECTS,
    CONF_FALLBACK_INTERVAL,
    CONF_GATE_WINDOW,
    CONF_INTERVAL,
    CONF_MAX_AREA_PERCENT,
    CONF_MERGE_DISTANCE,
    CONF_MIN_AREA,
    CONF_MOTION,
    CONF_MOTION_MODE,
    CONF_NOISE_PHRASES,
    CONF_PASSWORD,
    CONF_PROMPT,
    CONF_REPEAT_WINDOW,
    CONF_RTSP_URL,
    CONF_SILENCE_DBFS,
    CONF_STALE_AFTER,
    CONF_THRESHOLD,
    CONF_UPDATE_EVERY,
    CONF_URGENT_WORDS,
    CONF_VLM,
    CONF_VLM_OUTAGE,
    CONF_WORK_WIDTH,
    DEFAULT_ALERT_HOLD,
    DEFAULT_INTERVAL,
    DEFAULT_REPEAT_WINDOW,
    DEFAULT_STALE_AFTER,
    DEFAULT_UPDATE_EVERY,
    MOTION_DEFAULTS,
    OUTAGE_CLOSED,
    OUTAGE_POLICIES,
)
from .core.transcribe import DEFAULT_MODEL, MODEL_NAMES
from .core.vlm import (
    BACKEND_OLLAMA,
    BACKENDS,
    DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_NUM_CTX,
    DEFAULT_TIMEOUT,
)

NO_FALLBACK: Final = "none"

_PASSWORD = TextSelector(TextSelectorConfig(type=TextSelectorType.PASSWORD))
_URL = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_TEXT = TextSelector(TextSelectorConfig(multiline=True))


def _number(minimum: float, maximum: float, step: float, unit: str | None = None) -> NumberSelector:
    config = NumberSelectorConfig(min=minimum, max=maximum, step=step, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


SERVER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_BACKEND, default=BACKEND_OLLAMA): SelectSelector(
            SelectSelectorConfig(
                options=list(BACKENDS),
                translation_key=CONF_BACKEND,
                mode=SelectSelectorMode.LIST,
            )
        ),
        vol.Required(CONF_URL, default=DEFAULT_OLLAMA_URL): _URL,
        vol.Optional(CONF_API_KEY): _PASSWORD,
    }
)

REAUTH_SCHEMA = vol.Schema({vol.Optional(CONF_API_KEY): _PASSWORD})


def model_schema(models: list[str]) -> vol.Schema:
    """Return the model step's schema, offering the server's models."""
    return vol.Schema(
        {
            vol.Required(CONF_MODEL): SelectSelector(
                SelectSelectorConfig(options=models, custom_value=True, sort=True)
            ),
            vol.Required(CONF_NUM_CTX, default=DEFAULT_NUM_CTX): _number(
                MIN_NUM_CTX, MAX_NUM_CTX, 1, "tokens"
            ),
            vol.Required(CONF_KEEP_ALIVE, default=DEFAULT_KEEP_ALIVE): str,
            vol.Required(CONF_TIMEOUT, default=DEFAULT_TIMEOUT): _number(1, 600, 1, "s"),
        }
    )


WHISPER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_WHISPER_MODEL, default=DEFAULT_MODEL): SelectSelector(
            SelectSelectorConfig(options=list(MODEL_NAMES), custom_value=True)
        ),
        vol.Required(CONF_WHISPER_DEVICE, default=WHISPER_DEVICES[0]): SelectSelector(
            SelectSelectorConfig(options=list(WHISPER_DEVICES))
        ),
        vol.Required(CONF_WHISPER_COMPUTE_TYPE, default=WHISPER_COMPUTE_TYPES[0]): (
            SelectSelector(SelectSelectorConfig(options=list(WHISPER_COMPUTE_TYPES)))
        ),
    }
)


def options_schema(
    servers: list[SelectOptionDict], stt: list[SelectOptionDict], *, whisper: bool
) -> vol.Schema:
    """Return the server options' schema: other servers to fall back to, speech engines.

    With `whisper` (the built-in faster-whisper is the stored choice) its own
    settings follow; with a speech-to-text entity they would not apply.
    """
    schema = vol.Schema(
        {
            vol.Required(CONF_MAX_CONCURRENT, default=DEFAULT_MAX_CONCURRENT): _number(1, 16, 1),
            vol.Required(CONF_FALLBACK, default=NO_FALLBACK): SelectSelector(
                SelectSelectorConfig(
                    options=[SelectOptionDict(value=NO_FALLBACK, label="—"), *servers],
                    mode=SelectSelectorMode.DROPDOWN,
                )
            ),
            vol.Optional(CONF_POOL_URLS): _TEXT,
            vol.Required(CONF_TRANSCRIBER, default=TRANSCRIBER_WHISPER): SelectSelector(
                SelectSelectorConfig(
                    options=[
                        SelectOptionDict(value=TRANSCRIBER_WHISPER, label="faster-whisper"),
                        *stt,
                    ],
                    mode=SelectSelectorMode.DROPDOWN,
                )
            ),
        }
    )
    schema = schema.extend(WHISPER_SCHEMA.schema) if whisper else schema
    return schema.extend({vol.Optional(CONF_REVIEW): section(REVIEW_SCHEMA, {"collapsed": True})})


REVIEW_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_REVIEW_TIME, default=DEFAULT_REVIEW_TIME): TimeSelector(),
        vol.Optional(CONF_REVIEW_AGENT): EntitySelector(EntitySelectorConfig(domain="ai_task")),
        vol.Optional(CONF_WEATHER_ENTITY): EntitySelector(EntitySelectorConfig(domain="weather")),
        vol.Required(CONF_REVIEW_AUTO_ACCEPT, default=False): BooleanSelector(),
        vol.Required(CONF_KEEP_DAYS, default=DEFAULT_KEEP_DAYS): _number(1, 3650, 1, "d"),
        vol.Required(CONF_KEEP_PER_CAMERA, default=DEFAULT_KEEP_PER_CAMERA): _number(10, 100000, 1),
        vol.Required(CONF_VISION_CHECK_HOURS, default=DEFAULT_VISION_CHECK_HOURS): _number(
            0, 168, 0.5, "h"
        ),
    }
)


MOTION_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_MOTION_MODE, default=MOTION_ROBUST): SelectSelector(
            SelectSelectorConfig(
                options=list(MOTION_MODES),
                translation_key="motion_mode",
                mode=SelectSelectorMode.LIST,
            )
        ),
        vol.Required(CONF_WORK_WIDTH, default=MOTION_DEFAULTS[CONF_WORK_WIDTH]): _number(
            160, 1920, 1, "px"
        ),
        vol.Required(CONF_THRESHOLD, default=MOTION_DEFAULTS[CONF_THRESHOLD]): _number(1, 254, 1),
        vol.Required(CONF_DILATE, default=MOTION_DEFAULTS[CONF_DILATE]): _number(0, 20, 1),
        vol.Required(CONF_MIN_AREA, default=MOTION_DEFAULTS[CONF_MIN_AREA]): _number(
            1, 100000, 1, "px²"
        ),
        vol.Required(
            CONF_MAX_AREA_PERCENT, default=MOTION_DEFAULTS[CONF_MAX_AREA_PERCENT]
        ): _number(1, 100, 1, "%"),
        vol.Required(CONF_MERGE_DISTANCE, default=MOTION_DEFAULTS[CONF_MERGE_DISTANCE]): _number(
            0, 1000, 1, "px"
        ),
        vol.Required(
            CONF_CROP_MARGIN_PERCENT, default=MOTION_DEFAULTS[CONF_CROP_MARGIN_PERCENT]
        ): _number(0, 200, 1, "%"),
    }
)

VLM_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_PROMPT): _TEXT,
        vol.Optional(CONF_CONTEXT): _TEXT,
        vol.Required(CONF_REPEAT_WINDOW, default=DEFAULT_REPEAT_WINDOW): _number(0, 3600, 1, "s"),
        vol.Optional(CONF_EXTRA_LOCATIONS): _TEXT,
        vol.Optional(CONF_EXTRA_SUBJECTS): _TEXT,
        vol.Optional(CONF_EXTRA_LOOKALIKES): _TEXT,
        vol.Required(CONF_VLM_OUTAGE, default=OUTAGE_CLOSED): SelectSelector(
            SelectSelectorConfig(
                options=list(OUTAGE_POLICIES),
                translation_key=CONF_VLM_OUTAGE,
                mode=SelectSelectorMode.LIST,
            )
        ),
    }
)

AUDIO_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_CHUNK_SECONDS, default=AUDIO_DEFAULTS[CONF_CHUNK_SECONDS]): _number(
            2, 60, 1, "s"
        ),
        vol.Required(CONF_GATE_WINDOW, default=AUDIO_DEFAULTS[CONF_GATE_WINDOW]): _number(
            0, 3600, 1, "s"
        ),
        vol.Required(CONF_SILENCE_DBFS, default=AUDIO_DEFAULTS[CONF_SILENCE_DBFS]): _number(
            -90, 0, 1, "dBFS"
        ),
        vol.Optional(CONF_URGENT_WORDS): _TEXT,
        vol.Optional(CONF_NOISE_PHRASES): _TEXT,
    }
)

_CAMERA_FIELDS: Final = {
    vol.Required(CONF_NAME): str,
    # A stream address, or a camera Home Assistant already has (one of the two).
    vol.Optional(CONF_RTSP_URL): _URL,
    vol.Optional(CONF_PASSWORD): _PASSWORD,
    vol.Optional(CONF_CAMERA_ENTITY): EntitySelector(EntitySelectorConfig(domain="camera")),
    vol.Optional(CONF_DETECT_URL): _URL,
    vol.Required(CONF_INTERVAL, default=DEFAULT_INTERVAL): _number(1, 300, 0.5, "s"),
    vol.Required(CONF_ALERT_HOLD, default=DEFAULT_ALERT_HOLD): _number(5, 3600, 1, "s"),
    vol.Required(CONF_UPDATE_EVERY, default=DEFAULT_UPDATE_EVERY): _number(5, 3600, 1, "s"),
    vol.Required(CONF_FALLBACK_INTERVAL, default=DEFAULT_FALLBACK_INTERVAL): _number(
        0, 3600, 1, "s"
    ),
    vol.Required(CONF_STALE_AFTER, default=DEFAULT_STALE_AFTER): _number(2, 600, 1, "s"),
    vol.Required(CONF_MOTION): section(MOTION_SCHEMA, {"collapsed": True}),
    vol.Required(CONF_VLM): section(VLM_SCHEMA, {"collapsed": True}),
}


def camera_schema(*, sound: bool) -> vol.Schema:
    """Return the camera form; the Sound section only for a camera known to have sound.

    Motion, VLM and sound constants sit in folded sections: most cameras keep the
    defaults. Whether a camera has a microphone is known once its stream was read,
    so a new camera gets the sound defaults and its Sound section on reconfigure.
    """
    if not sound:
        return vol.Schema(_CAMERA_FIELDS)
    return vol.Schema(
        {**_CAMERA_FIELDS, vol.Required(CONF_AUDIO): section(AUDIO_SCHEMA, {"collapsed": True})}
    )
