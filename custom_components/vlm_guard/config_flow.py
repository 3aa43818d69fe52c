"""Config flow: one entry per VLM server, one subentry per camera."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any
from urllib.parse import urlparse, urlsplit

from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    ConfigSubentryFlow,
    OptionsFlow,
)
from homeassistant.const import CONF_API_KEY, CONF_URL
from homeassistant.core import callback
from homeassistant.helpers.selector import SelectOptionDict

from . import client_from_data
from .camera_flow import CameraSubentryFlow
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
    CONF_REVIEW_AUTO_ACCEPT,
    CONF_TIMEOUT,
    CONF_TRANSCRIBER,
    CONF_VISION_CHECK_HOURS,
    CONF_WHISPER_COMPUTE_TYPE,
    CONF_WHISPER_DEVICE,
    CONF_WHISPER_MODEL,
    DOMAIN,
    REVIEW_KEYS,
    SUBENTRY_CAMERA,
    TRANSCRIBER_WHISPER,
)
from .core.redact import mask_url
from .core.vlm import VLMAuthError, VLMError
from .schemas import (
    NO_FALLBACK,
    REAUTH_SCHEMA,
    SERVER_SCHEMA,
    WHISPER_SCHEMA,
    model_schema,
    options_schema,
)

_LOGGER = logging.getLogger(__name__)


def _server_title(url: str, model: str) -> str:
    # The host and port only: a URL may carry credentials, and the title is shown everywhere.
    netloc = urlsplit(url).netloc
    return f"{model} @ {netloc.rpartition('@')[2] or mask_url(url)}"


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

    async def _async_list_models(self, data: Mapping[str, Any]) -> tuple[list[str], str | None]:
        """Return the server's models, or the form error that stopped us listing them."""
        try:
            return await client_from_data(self.hass, data).list_models(), None
        except VLMAuthError:
            return [], "invalid_auth"
        except VLMError as err:
            _LOGGER.debug("Cannot list the models of %s: %s", data[CONF_URL], err)
            return [], "cannot_connect"

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
            # One entry per server: its cameras share it, and a second entry would
            # double the load on the same GPU.
            if step_id == SOURCE_RECONFIGURE:
                current = self._get_reconfigure_entry().entry_id
                if any(
                    entry.data.get(CONF_URL) == server[CONF_URL]
                    for entry in self._async_current_entries(include_ignore=False)
                    if entry.entry_id != current
                ):
                    return self.async_abort(reason="already_configured")
            else:
                self._async_abort_entries_match({CONF_URL: server[CONF_URL]})
            models, error = await self._async_list_models(server)
            if error is None and not models:
                error = "no_models"
            if error is not None:
                errors["base"] = error
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
                title = _server_title(data[CONF_URL], model)
                if self.source == SOURCE_RECONFIGURE:
                    return self.async_update_and_abort(
                        self._get_reconfigure_entry(), title=title, data=data
                    )
                return self.async_create_entry(title=title, data=data)
        suggested: Mapping[str, Any] = user_input or (
            self._get_reconfigure_entry().data if self.source == SOURCE_RECONFIGURE else {}
        )
        return self.async_show_form(
            step_id="model",
            data_schema=self.add_suggested_values_to_schema(model_schema(self._models), suggested),
            errors=errors,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Ask for a new API key after the server refused the stored one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check the new API key against the server, then save it and reload."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            api_key = str(user_input.get(CONF_API_KEY) or "").strip()
            _, error = await self._async_list_models({**entry.data, CONF_API_KEY: api_key})
            if error is None:
                result = self.async_update_and_abort(entry, data_updates={CONF_API_KEY: api_key})
                if entry.state is not ConfigEntryState.LOADED:
                    # A loaded entry's update listener reloads it on the new key;
                    # an entry whose setup was refused has no listener to do so.
                    self.hass.config_entries.async_schedule_reload(entry.entry_id)
                return result
            errors["base"] = error
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            description_placeholders={"name": entry.title},
            errors=errors,
        )


_WHISPER_KEYS = (CONF_WHISPER_MODEL, CONF_WHISPER_DEVICE, CONF_WHISPER_COMPUTE_TYPE)


class ServerOptionsFlow(OptionsFlow):
    """Options of a VLM server entry; faster-whisper's own only when it is the recogniser."""

    def __init__(self) -> None:
        """Start with nothing chosen."""
        self._options: dict[str, Any] = {}

    def _stored_whisper(self) -> bool:
        """Return True when the built-in faster-whisper is the stored recogniser."""
        choice = self.config_entry.options.get(CONF_TRANSCRIBER, TRANSCRIBER_WHISPER)
        return bool(choice == TRANSCRIBER_WHISPER)

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show and save the options; switching to faster-whisper asks for its settings next."""
        whisper_shown = self._stored_whisper()
        errors: dict[str, str] = {}
        pool = _pool_urls(user_input.get(CONF_POOL_URLS)) if user_input is not None else []
        if pool is None:
            errors[CONF_POOL_URLS] = "invalid_pool_url"
        if user_input is not None and not errors:
            stored = self.config_entry.options
            options: dict[str, Any] = {
                CONF_MAX_CONCURRENT: int(user_input[CONF_MAX_CONCURRENT]),
                CONF_TRANSCRIBER: user_input[CONF_TRANSCRIBER],
                # Settings of a recogniser not in use are kept for when it is chosen again.
                **{key: stored[key] for key in _WHISPER_KEYS if key in stored},
            }
            if whisper_shown:
                options.update(_whisper_options(user_input))
            review = user_input.get(CONF_REVIEW)
            options.update(
                {key: stored[key] for key in REVIEW_KEYS if key in stored}
                if review is None
                else _review_options(review)
            )
            if pool:
                options[CONF_POOL_URLS] = pool
            if user_input.get(CONF_FALLBACK, NO_FALLBACK) != NO_FALLBACK:
                options[CONF_FALLBACK] = user_input[CONF_FALLBACK]
            if options[CONF_TRANSCRIBER] == TRANSCRIBER_WHISPER and not whisper_shown:
                self._options = options
                return await self.async_step_whisper()
            return self.async_create_entry(data=options)
        servers = [
            SelectOptionDict(value=entry.entry_id, label=entry.title)
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            if entry.entry_id != self.config_entry.entry_id
        ]
        stt = [
            SelectOptionDict(value=state.entity_id, label=state.name)
            for state in self.hass.states.async_all("stt")
        ]
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(
                options_schema(servers, stt, whisper=whisper_shown),
                {
                    **self.config_entry.options,
                    CONF_POOL_URLS: "\n".join(self.config_entry.options.get(CONF_POOL_URLS) or []),
                    CONF_REVIEW: {
                        key: self.config_entry.options[key]
                        for key in REVIEW_KEYS
                        if key in self.config_entry.options
                    },
                },
            ),
            errors=errors,
        )

    async def async_step_whisper(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask which faster-whisper model runs where, after switching to it."""
        if user_input is not None:
            return self.async_create_entry(data={**self._options, **_whisper_options(user_input)})
        return self.async_show_form(
            step_id="whisper",
            data_schema=self.add_suggested_values_to_schema(WHISPER_SCHEMA, self._options),
        )


def _pool_urls(text: Any) -> list[str] | None:
    """Return the pool's other server URLs, one per line; None when one is not a URL."""
    urls = [line.strip().rstrip("/") for line in str(text or "").splitlines() if line.strip()]
    for url in urls:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            return None
    return list(dict.fromkeys(urls))


def _review_options(section_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return the daily review's settings of a submitted form (empty entity fields left out)."""
    options = {key: section_input[key] for key in REVIEW_KEYS if section_input.get(key)}
    options[CONF_REVIEW_AUTO_ACCEPT] = bool(section_input.get(CONF_REVIEW_AUTO_ACCEPT, False))
    for key in (CONF_KEEP_DAYS, CONF_VISION_CHECK_HOURS):
        if key in section_input:
            options[key] = float(section_input[key])
    if CONF_KEEP_PER_CAMERA in section_input:
        options[CONF_KEEP_PER_CAMERA] = int(section_input[CONF_KEEP_PER_CAMERA])
    return options


def _whisper_options(user_input: Mapping[str, Any]) -> dict[str, Any]:
    """Return the faster-whisper settings of a submitted form."""
    return {
        CONF_WHISPER_MODEL: str(user_input[CONF_WHISPER_MODEL]).strip(),
        CONF_WHISPER_DEVICE: user_input[CONF_WHISPER_DEVICE],
        CONF_WHISPER_COMPUTE_TYPE: user_input[CONF_WHISPER_COMPUTE_TYPE],
    }
