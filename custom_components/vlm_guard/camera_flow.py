"""Camera subentry flow: add or change a camera of a VLM server entry."""

from __future__ import annotations

from collections.abc import Mapping
import logging
from typing import Any

from homeassistant.components.camera import async_get_image
from homeassistant.config_entries import (
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigSubentryFlow,
    SubentryFlowResult,
)
from homeassistant.const import CONF_NAME
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import slugify

from .const import DOMAIN, PROBE_TIMEOUT
from .core.credentials import url_user, url_without_credentials
from .core.probe import ProbeError, probe_stream
from .core.redact import mask_url
from .core.settings import (
    CONF_CAMERA_ENTITY,
    CONF_DETECT_URL,
    CONF_HAS_AUDIO,
    CONF_PASSWORD,
    CONF_RTSP_URL,
    CONF_ZONES,
    camera_data,
    form_values,
    stream_urls,
)
from .schemas import camera_schema
from .sources import async_stream_url

_LOGGER = logging.getLogger(__name__)


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
        previous: Mapping[str, Any] = self._get_reconfigure_subentry().data if reconfiguring else {}
        # A camera is known to have sound once its stream was read: a new camera
        # gets the sound defaults, and its Sound section on reconfigure.
        sound = bool(previous.get(CONF_HAS_AUDIO))
        if user_input is None:
            suggested: Mapping[str, Any] = {}
            if reconfiguring:
                subentry = self._get_reconfigure_subentry()
                suggested = {CONF_NAME: subentry.title, **form_values(subentry.data)}
            return self._show_form(step_id, sound, suggested, {})

        name = str(user_input[CONF_NAME]).strip()
        source_entity = str(user_input.get(CONF_CAMERA_ENTITY) or "")
        if bool(source_entity) == bool(str(user_input.get(CONF_RTSP_URL) or "").strip()):
            return self._show_form(step_id, sound, user_input, {"base": "url_or_camera"})
        if source_entity:
            return await self._async_entity_camera(step_id, sound, user_input, previous)
        url, detect_url = stream_urls(user_input, previous)
        if user_input.get(CONF_PASSWORD) and not url_user(url):
            return self._show_form(step_id, sound, user_input, {CONF_RTSP_URL: "missing_user"})
        current = self._get_reconfigure_subentry().subentry_id if reconfiguring else None
        # The same stream is the same camera, whoever logs in to it.
        stream = url_without_credentials(url)
        for subentry in entry.subentries.values():
            other = url_without_credentials(str(subentry.data.get(CONF_RTSP_URL, "")))
            if subentry.subentry_id != current and other == stream:
                return self.async_abort(reason="already_configured")
        if self._name_taken(name, current):
            # The name names the device, its entities and its snapshot folder.
            return self._show_form(step_id, sound, user_input, {CONF_NAME: "name_exists"})
        has_audio = False
        for field, probed in ((CONF_RTSP_URL, url), (CONF_DETECT_URL, detect_url)):
            if not probed:
                continue
            try:
                info = await self.hass.async_add_executor_job(probe_stream, probed, PROBE_TIMEOUT)
            except ProbeError as err:
                _LOGGER.debug("Camera %s at %s failed the probe: %s", name, mask_url(probed), err)
                error_field = "base" if field == CONF_RTSP_URL else field
                return self._show_form(step_id, sound, user_input, {error_field: err.reason})
            if field == CONF_RTSP_URL:
                has_audio = info.has_audio
        data = camera_data(
            user_input, has_audio=has_audio, zones=previous.get(CONF_ZONES), previous=previous
        )
        if reconfiguring:
            subentry = self._get_reconfigure_subentry()
            return self.async_update_and_abort(entry, subentry, title=name, data=data)
        return self.async_create_entry(title=name, data=data)

    async def _async_entity_camera(
        self,
        step_id: str,
        sound: bool,
        user_input: dict[str, Any],
        previous: Mapping[str, Any],
    ) -> SubentryFlowResult:
        """Add or change a camera read through a camera entity of Home Assistant."""
        entry = self._get_entry()
        entity_id = str(user_input[CONF_CAMERA_ENTITY])
        name = str(user_input[CONF_NAME]).strip()
        registered = er.async_get(self.hass).async_get(entity_id)
        if registered is not None and registered.platform == DOMAIN:
            return self._show_form(step_id, sound, user_input, {CONF_CAMERA_ENTITY: "own_camera"})
        current = (
            self._get_reconfigure_subentry().subentry_id if step_id == SOURCE_RECONFIGURE else None
        )
        for subentry in entry.subentries.values():
            if (
                subentry.subentry_id != current
                and subentry.data.get(CONF_CAMERA_ENTITY) == entity_id
            ):
                return self.async_abort(reason="already_configured")
        if self._name_taken(name, current):
            return self._show_form(step_id, sound, user_input, {CONF_NAME: "name_exists"})
        has_audio = False
        if url := await async_stream_url(self.hass, entity_id):
            try:
                info = await self.hass.async_add_executor_job(probe_stream, url, PROBE_TIMEOUT)
            except ProbeError as err:
                _LOGGER.debug("Camera %s from %s failed the probe: %s", name, entity_id, err)
                return self._show_form(step_id, sound, user_input, {"base": err.reason})
            has_audio = info.has_audio
        else:
            try:
                await async_get_image(self.hass, entity_id, timeout=int(PROBE_TIMEOUT))
            except HomeAssistantError:
                return self._show_form(step_id, sound, user_input, {"base": "no_picture"})
        data = camera_data(
            {**user_input, CONF_RTSP_URL: "", CONF_DETECT_URL: ""},
            has_audio=has_audio,
            zones=previous.get(CONF_ZONES),
            previous={},
        )
        if step_id == SOURCE_RECONFIGURE:
            subentry = self._get_reconfigure_subentry()
            return self.async_update_and_abort(entry, subentry, title=name, data=data)
        return self.async_create_entry(title=name, data=data)

    def _name_taken(self, name: str, current: str | None) -> bool:
        """Return True when another camera of any VLM Guard entry has this name."""
        wanted = slugify(name)
        return any(
            slugify(subentry.title) == wanted
            for entry in self.hass.config_entries.async_entries(DOMAIN)
            for subentry in entry.subentries.values()
            if subentry.subentry_id != current
        )

    def _show_form(
        self, step_id: str, sound: bool, suggested: Mapping[str, Any], errors: dict[str, str]
    ) -> SubentryFlowResult:
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(camera_schema(sound=sound), suggested),
            errors=errors,
        )
