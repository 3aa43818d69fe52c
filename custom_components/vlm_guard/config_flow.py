"""Config flow: one entry per VLM server, one subentry per camera."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any
from urllib.parse import urlsplit

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_API_KEY, CONF_NAME, CONF_URL
from homeassistant.core import callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.selector import (
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
)
from homeassistant.util import slugify
import voluptuous as vol

from . import client_from_data
from .const import (
    CONF_BACKEND,
    CONF_FALLBACK,
    CONF_KEEP_ALIVE,
    CONF_MAX_CONCURRENT,
    CONF_MODEL,
    CONF_NUM_CTX,
    CONF_TIMEOUT,
    CONF_TRANSCRIBER,
    CONF_WHISPER_COMPUTE_TYPE,
    CONF_WHISPER_DEVICE,
    CONF_WHISPER_MODEL,
    DEFAULT_OLLAMA_URL,
    DOMAIN,
    MAX_NUM_CTX,
    MIN_NUM_CTX,
    PROBE_TIMEOUT,
    SUBENTRY_CAMERA,
    TRANSCRIBER_WHISPER,
    WHISPER_COMPUTE_TYPES,
    WHISPER_DEVICES,
)
from .core.pipeline import DEFAULT_FALLBACK_INTERVAL
from .core.probe import ProbeError, probe_stream
from .core.redact import mask_url
from .core.settings import (
    AUDIO_DEFAULTS,
    CONF_ALERT_HOLD,
    CONF_AUDIO,
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
    CONF_HAS_AUDIO,
    CONF_INTERVAL,
    CONF_MAX_AREA_PERCENT,
    CONF_MERGE_DISTANCE,
    CONF_MIN_AREA,
    CONF_MOTION,
    CONF_NOISE_PHRASES,
    CONF_PROMPT,
    CONF_REPEAT_WINDOW,
    CONF_RTSP_URL,
    CONF_SILENCE_DBFS,
    CONF_STALE_AFTER,
    CONF_THRESHOLD,
    CONF_URGENT_WORDS,
    CONF_VLM,
    CONF_VLM_OUTAGE,
    CONF_WORK_WIDTH,
    CONF_ZONES,
    DEFAULT_ALERT_HOLD,
    DEFAULT_INTERVAL,
    DEFAULT_REPEAT_WINDOW,
    DEFAULT_STALE_AFTER,
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
    VLMAuthError,
    VLMError,
)

_LOGGER = logging.getLogger(__name__)

NO_FALLBACK = "none"

SERVER_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_BACKEND, default=BACKEND_OLLAMA): SelectSelector(
            SelectSelectorConfig(
                options=list(BACKENDS),
                translation_key=CONF_BACKEND,
                mode=SelectSelectorMode.LIST,
            )
        ),
        vol.Required(CONF_URL, default=DEFAULT_OLLAMA_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
        vol.Optional(CONF_API_KEY): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
)


def model_schema(models: list[str]) -> vol.Schema:
    """Return the model step's schema, offering the server's models."""
    return vol.Schema(
        {
            vol.Required(CONF_MODEL): SelectSelector(
                SelectSelectorConfig(options=models, custom_value=True, sort=True)
            ),
            vol.Required(CONF_NUM_CTX, default=DEFAULT_NUM_CTX): NumberSelector(
                NumberSelectorConfig(
                    min=MIN_NUM_CTX, max=MAX_NUM_CTX, step=1, mode=NumberSelectorMode.BOX
                )
            ),
            vol.Required(CONF_KEEP_ALIVE, default=DEFAULT_KEEP_ALIVE): str,
            vol.Required(CONF_TIMEOUT, default=DEFAULT_TIMEOUT): NumberSelector(
                NumberSelectorConfig(
                    min=1, max=600, step=1, mode=NumberSelectorMode.BOX, unit_of_measurement="s"
                )
            ),
        }
    )


def _number(minimum: float, maximum: float, step: float, unit: str | None = None) -> NumberSelector:
    config = NumberSelectorConfig(min=minimum, max=maximum, step=step, mode=NumberSelectorMode.BOX)
    if unit is not None:
        config["unit_of_measurement"] = unit
    return NumberSelector(config)


MOTION_SCHEMA = vol.Schema(
    {
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
        vol.Optional(CONF_PROMPT): TextSelector(TextSelectorConfig(multiline=True)),
        vol.Optional(CONF_CONTEXT): TextSelector(TextSelectorConfig(multiline=True)),
        vol.Required(CONF_REPEAT_WINDOW, default=DEFAULT_REPEAT_WINDOW): _number(0, 3600, 1, "s"),
        vol.Optional(CONF_EXTRA_LOCATIONS): TextSelector(TextSelectorConfig(multiline=True)),
        vol.Optional(CONF_EXTRA_SUBJECTS): TextSelector(TextSelectorConfig(multiline=True)),
        vol.Optional(CONF_EXTRA_LOOKALIKES): TextSelector(TextSelectorConfig(multiline=True)),
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
        vol.Optional(CONF_URGENT_WORDS): TextSelector(TextSelectorConfig(multiline=True)),
        vol.Optional(CONF_NOISE_PHRASES): TextSelector(TextSelectorConfig(multiline=True)),
    }
)


def camera_schema() -> vol.Schema:
    """Return the camera subentry's schema (motion constants in a folded section)."""
    return vol.Schema(
        {
            vol.Required(CONF_NAME): str,
            vol.Required(CONF_RTSP_URL): TextSelector(
                TextSelectorConfig(type=TextSelectorType.URL)
            ),
            vol.Optional(CONF_DETECT_URL): TextSelector(
                TextSelectorConfig(type=TextSelectorType.URL)
            ),
            vol.Required(CONF_INTERVAL, default=DEFAULT_INTERVAL): _number(1, 300, 0.5, "s"),
            vol.Required(CONF_ALERT_HOLD, default=DEFAULT_ALERT_HOLD): _number(1, 3600, 1, "s"),
            vol.Required(CONF_FALLBACK_INTERVAL, default=DEFAULT_FALLBACK_INTERVAL): _number(
                0, 3600, 1, "s"
            ),
            vol.Required(CONF_STALE_AFTER, default=DEFAULT_STALE_AFTER): _number(2, 600, 1, "s"),
            vol.Required(CONF_MOTION): section(MOTION_SCHEMA, {"collapsed": True}),
            vol.Required(CONF_VLM): section(VLM_SCHEMA, {"collapsed": True}),
            vol.Required(CONF_AUDIO): section(AUDIO_SCHEMA, {"collapsed": True}),
        }
    )


def _server_title(url: str, model: str) -> str:
    return f"{model} @ {urlsplit(url).netloc or url}"


def _unique_id(url: str, model: str) -> str:
    return f"{url.rstrip('/').lower()}|{model}"


class VLMGuardConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a VLM server: where it is, then which model and how to load it."""

    VERSION = 1
    MINOR_VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known about the server."""
        self._server: dict[str, Any] = {}
        self._models: list[str] = []

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """How many calls may run at once, and which server takes over when this one fails."""
        return ServerOptionsFlow()

    @classmethod
    @callback
    def async_get_supported_subentry_types(
        cls, config_entry: ConfigEntry
    ) -> dict[str, type[ConfigSubentryFlow]]:
        """Cameras are subentries of their VLM server."""
        return {SUBENTRY_CAMERA: CameraSubentryFlow}

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the server and list its models."""
        return await self._async_step_server("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the server; the model step follows."""
        return await self._async_step_server(SOURCE_RECONFIGURE, user_input)

    async def _async_step_server(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            server = {
                CONF_BACKEND: user_input[CONF_BACKEND],
                CONF_URL: user_input[CONF_URL].strip().rstrip("/"),
                CONF_API_KEY: user_input.get(CONF_API_KEY, "").strip(),
            }
            client = client_from_data(self.hass, server)
            try:
                models = await client.list_models()
            except VLMAuthError:
                errors["base"] = "invalid_auth"
            except VLMError as err:
                _LOGGER.debug("Cannot list the models of %s: %s", server[CONF_URL], err)
                errors["base"] = "cannot_connect"
            else:
                if not models:
                    errors["base"] = "no_models"
                else:
                    self._server = server
                    self._models = models
                    return await self.async_step_model()
        suggested: Mapping[str, Any] = user_input or (
            self._get_reconfigure_entry().data if step_id == SOURCE_RECONFIGURE else {}
        )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(SERVER_SCHEMA, suggested),
            errors=errors,
        )

    async def async_step_model(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose the model among those the server offers, and how it is loaded."""
        errors: dict[str, str] = {}
        if user_input is not None:
            model = str(user_input[CONF_MODEL]).strip()
            if model not in self._models:
                errors[CONF_MODEL] = "model_not_found"
            else:
                data = {
                    **self._server,
                    CONF_MODEL: model,
                    CONF_NUM_CTX: int(user_input[CONF_NUM_CTX]),
                    CONF_KEEP_ALIVE: str(user_input[CONF_KEEP_ALIVE]).strip(),
                    CONF_TIMEOUT: float(user_input[CONF_TIMEOUT]),
                }
                unique_id = _unique_id(data[CONF_URL], model)
                title = _server_title(data[CONF_URL], model)
                if self.source == SOURCE_RECONFIGURE:
                    entry = self._get_reconfigure_entry()
                    if unique_id != entry.unique_id:
                        await self.async_set_unique_id(unique_id)
                        self._abort_if_unique_id_configured()
                    return self.async_update_and_abort(
                        entry, unique_id=unique_id, title=title, data=data
                    )
                await self.async_set_unique_id(unique_id)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=title, data=data)
        suggested: Mapping[str, Any] = user_input or (
            self._get_reconfigure_entry().data if self.source == SOURCE_RECONFIGURE else {}
        )
        return self.async_show_form(
            step_id="model",
            data_schema=self.add_suggested_values_to_schema(model_schema(self._models), suggested),
            errors=errors,
        )


class ServerOptionsFlow(OptionsFlow):
    """Options of a VLM server entry."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options."""
        if user_input is not None:
            options: dict[str, Any] = {
                CONF_MAX_CONCURRENT: int(user_input[CONF_MAX_CONCURRENT]),
                CONF_TRANSCRIBER: user_input[CONF_TRANSCRIBER],
                CONF_WHISPER_MODEL: str(user_input[CONF_WHISPER_MODEL]).strip(),
                CONF_WHISPER_DEVICE: user_input[CONF_WHISPER_DEVICE],
                CONF_WHISPER_COMPUTE_TYPE: user_input[CONF_WHISPER_COMPUTE_TYPE],
            }
            if user_input.get(CONF_FALLBACK, NO_FALLBACK) != NO_FALLBACK:
                options[CONF_FALLBACK] = user_input[CONF_FALLBACK]
            return self.async_create_entry(data=options)
        others = [
            SelectOptionDict(value=entry.entry_id, label=entry.title)
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            if entry.entry_id != self.config_entry.entry_id
        ]
        schema = vol.Schema(
            {
                vol.Required(CONF_MAX_CONCURRENT, default=DEFAULT_MAX_CONCURRENT): _number(
                    1, 16, 1
                ),
                vol.Required(CONF_FALLBACK, default=NO_FALLBACK): SelectSelector(
                    SelectSelectorConfig(
                        options=[SelectOptionDict(value=NO_FALLBACK, label="—"), *others],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
                vol.Required(CONF_TRANSCRIBER, default=TRANSCRIBER_WHISPER): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=TRANSCRIBER_WHISPER, label="faster-whisper"),
                            *(
                                SelectOptionDict(value=state.entity_id, label=state.name)
                                for state in self.hass.states.async_all("stt")
                            ),
                        ],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
                vol.Required(CONF_WHISPER_MODEL, default=DEFAULT_MODEL): SelectSelector(
                    SelectSelectorConfig(options=list(MODEL_NAMES), custom_value=True)
                ),
                vol.Required(CONF_WHISPER_DEVICE, default=WHISPER_DEVICES[0]): SelectSelector(
                    SelectSelectorConfig(options=list(WHISPER_DEVICES))
                ),
                vol.Required(
                    CONF_WHISPER_COMPUTE_TYPE, default=WHISPER_COMPUTE_TYPES[0]
                ): SelectSelector(SelectSelectorConfig(options=list(WHISPER_COMPUTE_TYPES))),
            }
        )
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(schema, self.config_entry.options),
        )


class CameraSubentryFlow(ConfigSubentryFlow):
    """Add or change a camera; its stream is probed before anything is saved."""

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> SubentryFlowResult:
        """Add a camera."""
        return await self._async_step_camera("user", user_input)

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Change a camera."""
        return await self._async_step_camera(SOURCE_RECONFIGURE, user_input)

    async def _async_step_camera(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> SubentryFlowResult:
        entry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="entry_not_loaded")
        reconfiguring = step_id == SOURCE_RECONFIGURE
        errors: dict[str, str] = {}
        if user_input is not None:
            url = str(user_input[CONF_RTSP_URL]).strip()
            detect_url = str(user_input.get(CONF_DETECT_URL) or "").strip()
            name = str(user_input[CONF_NAME]).strip()
            current = self._get_reconfigure_subentry().subentry_id if reconfiguring else None
            for subentry in entry.subentries.values():
                if subentry.subentry_id != current and subentry.data.get(CONF_RTSP_URL) == url:
                    return self.async_abort(reason="already_configured")
            if self._name_taken(name, current):
                # The name names the device, its entities and its snapshot folder.
                errors[CONF_NAME] = "name_exists"
                return self._show_camera_form(step_id, user_input, errors)
            has_audio = False
            for field, probed in ((CONF_RTSP_URL, url), (CONF_DETECT_URL, detect_url)):
                if not probed:
                    continue
                try:
                    info = await self.hass.async_add_executor_job(
                        probe_stream, probed, PROBE_TIMEOUT
                    )
                except ProbeError as err:
                    _LOGGER.debug(
                        "Camera %s at %s failed the probe: %s", name, mask_url(probed), err
                    )
                    errors["base" if field == CONF_RTSP_URL else field] = err.reason
                    break
                if field == CONF_RTSP_URL:
                    has_audio = info.has_audio
            if not errors:
                data: dict[str, Any] = {
                    CONF_RTSP_URL: url,
                    CONF_INTERVAL: float(user_input[CONF_INTERVAL]),
                    CONF_ALERT_HOLD: float(user_input[CONF_ALERT_HOLD]),
                    CONF_FALLBACK_INTERVAL: float(user_input[CONF_FALLBACK_INTERVAL]),
                    CONF_STALE_AFTER: float(user_input.get(CONF_STALE_AFTER, DEFAULT_STALE_AFTER)),
                    CONF_MOTION: {
                        key: float(value) for key, value in user_input[CONF_MOTION].items()
                    },
                }
                if detect_url:
                    data[CONF_DETECT_URL] = detect_url
                # Sound is taken from the main stream; cameras without it get no audio entities.
                data[CONF_HAS_AUDIO] = has_audio
                audio = {**AUDIO_DEFAULTS, **(user_input.get(CONF_AUDIO) or {})}
                data[CONF_AUDIO] = {
                    **{key: float(audio[key]) for key in AUDIO_DEFAULTS},
                    **{
                        key: str(audio[key]).strip()
                        for key in (CONF_URGENT_WORDS, CONF_NOISE_PHRASES)
                        if str(audio.get(key) or "").strip()
                    },
                }
                vlm = user_input.get(CONF_VLM) or {}
                data[CONF_VLM] = {
                    CONF_REPEAT_WINDOW: float(vlm.get(CONF_REPEAT_WINDOW, DEFAULT_REPEAT_WINDOW)),
                    CONF_VLM_OUTAGE: str(vlm.get(CONF_VLM_OUTAGE, OUTAGE_CLOSED)),
                    **{
                        key: str(vlm[key]).strip()
                        for key in (
                            CONF_PROMPT,
                            CONF_CONTEXT,
                            CONF_EXTRA_LOCATIONS,
                            CONF_EXTRA_SUBJECTS,
                            CONF_EXTRA_LOOKALIKES,
                        )
                        if str(vlm.get(key) or "").strip()
                    },
                }
                if reconfiguring:
                    subentry = self._get_reconfigure_subentry()
                    if CONF_ZONES in subentry.data:
                        data[CONF_ZONES] = subentry.data[CONF_ZONES]
                    return self.async_update_and_abort(entry, subentry, title=name, data=data)
                return self.async_create_entry(title=name, data=data)
        return self._show_camera_form(step_id, user_input, errors)

    def _name_taken(self, name: str, current: str | None) -> bool:
        """Return True when another camera of any VLM Guard entry has this name."""
        wanted = slugify(name)
        return any(
            slugify(subentry.title) == wanted
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            for subentry in entry.subentries.values()
            if subentry.subentry_id != current
        )

    def _show_camera_form(
        self, step_id: str, user_input: dict[str, Any] | None, errors: dict[str, str]
    ) -> SubentryFlowResult:
        suggested: Mapping[str, Any] = user_input or {}
        if user_input is None and step_id == SOURCE_RECONFIGURE:
            subentry = self._get_reconfigure_subentry()
            suggested = {
                CONF_NAME: subentry.title,
                **{key: value for key, value in subentry.data.items() if key != CONF_ZONES},
                CONF_MOTION: {**MOTION_DEFAULTS, **subentry.data.get(CONF_MOTION, {})},
                CONF_VLM: {
                    CONF_REPEAT_WINDOW: DEFAULT_REPEAT_WINDOW,
                    CONF_VLM_OUTAGE: OUTAGE_CLOSED,
                    **subentry.data.get(CONF_VLM, {}),
                },
                CONF_AUDIO: {**AUDIO_DEFAULTS, **subentry.data.get(CONF_AUDIO, {})},
            }
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(camera_schema(), suggested),
            errors=errors,
        )
