"""VLM Guard: RTSP cameras judged by a local vision-language model."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import CONF_API_KEY, CONF_URL, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import (
    config_validation as cv,
    device_registry as dr,
    entity_registry as er,
)
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.typing import ConfigType

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
    DOMAIN,
    PLATFORMS,
    SUBENTRY_CAMERA,
    TRANSCRIBER_WHISPER,
)
from .coordinator import CameraMonitor
from .core.settings import CameraSettings
from .core.transcribe import WhisperSettings
from .core.vlm import (
    DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_CONCURRENT,
    DEFAULT_NUM_CTX,
    DEFAULT_TIMEOUT,
    VLMAuthError,
    VLMClient,
    VLMSettings,
    create_client,
)
from .data import VLMGuardConfigEntry, VLMGuardData, camera_config, signal_camera_replaced
from .entity import camera_entity_keys
from .history import History
from .repairs import async_clear_issues_of
from .server import ServerMonitor
from .services import async_setup_services
from .snapshots import remove_camera_folder, tidy_camera_folders
from .transcribers import create_engine, release_models, whisper_settings

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

# Options that apply while everything runs: the client's bound changes in place,
# and the fallback server is looked up at each failure.
LIVE_OPTIONS = frozenset({CONF_MAX_CONCURRENT, CONF_FALLBACK})
# Options of speech recognition: only the cameras with sound restart on them.
SPEECH_OPTIONS = frozenset(
    {CONF_TRANSCRIBER, CONF_WHISPER_MODEL, CONF_WHISPER_DEVICE, CONF_WHISPER_COMPUTE_TYPE}
)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the integration's actions (once, whatever the entries)."""
    async_setup_services(hass)
    return True


def client_from_data(
    hass: HomeAssistant, data: Mapping[str, Any], options: Mapping[str, Any] | None = None
) -> VLMClient:
    """Build the VLM client described by a server entry's data and options."""
    options = options or {}
    settings = VLMSettings(
        backend=str(data[CONF_BACKEND]),
        url=str(data[CONF_URL]),
        model=str(data.get(CONF_MODEL, "")),
        api_key=str(data.get(CONF_API_KEY) or ""),
        num_ctx=int(str(data.get(CONF_NUM_CTX, DEFAULT_NUM_CTX))),
        keep_alive=str(data.get(CONF_KEEP_ALIVE, DEFAULT_KEEP_ALIVE)),
        timeout=float(str(data.get(CONF_TIMEOUT, DEFAULT_TIMEOUT))),
        max_concurrent=int(options.get(CONF_MAX_CONCURRENT, DEFAULT_MAX_CONCURRENT)),
    )
    return create_client(async_get_clientsession(hass), settings)


async def async_setup_entry(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> bool:
    """Check the VLM server and start every camera of the entry, whether it answers or not."""
    client = client_from_data(hass, entry.data, entry.options)
    server = ServerMonitor(
        hass, entry.entry_id, client, fallback=lambda: _fallback_server(hass, entry)
    )
    try:
        # Only a refused key stops setup. An unreachable server or a missing model
        # is a repair issue: the cameras are watched and their outage policy applies.
        await server.async_first_check()
    except VLMAuthError as err:
        raise ConfigEntryAuthFailed(
            translation_domain=DOMAIN,
            translation_key="invalid_auth",
            translation_placeholders={"error": str(err)},
        ) from err
    data = VLMGuardData(
        client=client,
        server=server,
        speech=create_engine(hass, entry.options),
        loaded_server=dict(entry.data),
        loaded_options=dict(entry.options),
    )
    history = data.history = History(hass, entry.entry_id)
    stored = await history.async_load()
    cameras = _camera_subentries(entry)
    await hass.async_add_executor_job(
        tidy_camera_folders,
        hass,
        {subentry_id: subentry.title for subentry_id, subentry in cameras.items()},
        _all_camera_ids(hass),
    )
    for subentry_id, subentry in cameras.items():
        _async_create_camera(hass, entry, data, subentry, stored.get(subentry_id) or {})
    history.async_track(
        lambda: {subentry_id: camera.history() for subentry_id, camera in data.cameras.items()}
    )
    entry.runtime_data = data

    dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, entry.entry_id)},
        name=entry.title,
        manufacturer="Ollama" if client.settings.backend == "ollama" else "OpenAI-compatible",
        model=client.settings.model,
        entry_type=dr.DeviceEntryType.SERVICE,
    )
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)

    server.async_start()
    for camera in data.cameras.values():
        camera.async_start()

    async def _async_stop_cameras(_event: Event) -> None:
        # Reader threads must exit when Home Assistant stops, not only on unload.
        await _async_stop(data)

    # A plain listener, not a one-shot: unload removes it whether or not it fired.
    entry.async_on_unload(hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, _async_stop_cameras))
    entry.async_on_unload(entry.add_update_listener(_async_update_listener))
    return True


def _fallback_server(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> ServerMonitor | None:
    """Return the loaded server entry chosen as this one's fallback, if any."""
    fallback_id = entry.options.get(CONF_FALLBACK)
    if not fallback_id or fallback_id == entry.entry_id:
        return None
    fallback: VLMGuardConfigEntry | None = hass.config_entries.async_get_entry(fallback_id)
    if fallback is None or fallback.state is not ConfigEntryState.LOADED:
        return None
    return fallback.runtime_data.server


def _camera_subentries(entry: VLMGuardConfigEntry) -> dict[str, ConfigSubentry]:
    return {
        subentry_id: subentry
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_CAMERA
    }


def _all_camera_ids(hass: HomeAssistant) -> set[str]:
    """Return the subentry id of every camera of every VLM Guard entry, loaded or not."""
    return {
        subentry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        for subentry_id in _camera_subentries(entry)
    }


@callback
def _async_create_camera(
    hass: HomeAssistant,
    entry: VLMGuardConfigEntry,
    data: VLMGuardData,
    subentry: ConfigSubentry,
    stored: dict[str, Any],
    previous: CameraMonitor | None = None,
) -> CameraMonitor:
    """Build a camera's monitor with what it had before; it starts on async_start()."""
    assert data.history is not None
    camera = CameraMonitor(
        hass, entry, subentry, data.server, data.speech, data.history.async_changed
    )
    if previous is not None:
        # The switches restore their choice only when added: carry it over.
        camera.arming.async_set_armed(previous.arming.armed)
        if previous.audio is not None and camera.audio is not None:
            camera.audio.async_set_enabled(previous.audio.enabled)
    camera.async_restore(stored)
    data.cameras[subentry.subentry_id] = camera
    data.loaded_cameras[subentry.subentry_id] = camera_config(subentry)
    return camera


async def _async_stop(data: VLMGuardData) -> None:
    async with data.lock:
        if data.stopped:
            return
        data.stopped = True
        data.server.async_stop()
        async_clear_issues_of(data.server.hass, data.server.entry_id)
        # Stop the cameras together: each waits a bounded time for its reader thread.
        await asyncio.gather(*(camera.async_stop() for camera in data.cameras.values()))
        if data.history is not None:
            await data.history.async_save()


async def _async_update_listener(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> None:
    """Apply a change to what it touches; another server (URL, model, key) reloads the entry."""
    data = entry.runtime_data
    options = {*entry.options, *data.loaded_options}
    changed = {key for key in options if entry.options.get(key) != data.loaded_options.get(key)}
    if dict(entry.data) != data.loaded_server or changed - LIVE_OPTIONS - SPEECH_OPTIONS:
        await hass.config_entries.async_reload(entry.entry_id)
        return
    # Changes come one listener call each, possibly close together: apply them in turn.
    async with data.lock:
        if data.stopped:
            return
        await _async_apply_options(hass, entry, data)
        await _async_apply_cameras(hass, entry, data)


async def _async_apply_options(
    hass: HomeAssistant, entry: VLMGuardConfigEntry, data: VLMGuardData
) -> None:
    """Apply new server options; only cameras with sound restart, on new speech settings."""
    old, new = data.loaded_options, dict(entry.options)
    if new == old:
        return
    data.loaded_options = new
    max_concurrent = int(new.get(CONF_MAX_CONCURRENT, DEFAULT_MAX_CONCURRENT))
    if max_concurrent != data.client.settings.max_concurrent:
        data.client.set_max_concurrent(max_concurrent)
    if _speech_choice(hass, old) == _speech_choice(hass, new):
        return
    data.speech = create_engine(hass, new)
    release_models(
        hass,
        keep={
            whisper_settings(hass, loaded.options)
            for loaded in hass.config_entries.async_loaded_entries(DOMAIN)
        },
    )
    await asyncio.gather(
        *(
            _async_replace_camera(hass, entry, data, entry.subentries[subentry_id])
            for subentry_id, camera in list(data.cameras.items())
            if camera.settings.has_audio and subentry_id in entry.subentries
        )
    )


def _speech_choice(hass: HomeAssistant, options: Mapping[str, Any]) -> tuple[str, WhisperSettings]:
    """Return the recogniser the options choose, defaults filled in."""
    transcriber = str(options.get(CONF_TRANSCRIBER) or TRANSCRIBER_WHISPER)
    return transcriber, whisper_settings(hass, options)


async def _async_apply_cameras(
    hass: HomeAssistant, entry: VLMGuardConfigEntry, data: VLMGuardData
) -> None:
    """Start added cameras, stop removed ones, restart changed ones; zones apply live."""
    wanted = _camera_subentries(entry)
    await asyncio.gather(
        *(
            _async_remove_camera(hass, data, subentry_id)
            for subentry_id in list(data.cameras)
            if subentry_id not in wanted
        ),
        *(
            _async_replace_camera(hass, entry, data, subentry)
            for subentry_id, subentry in wanted.items()
            if subentry_id in data.cameras
            and camera_config(subentry) != data.loaded_cameras.get(subentry_id)
        ),
    )
    for subentry_id, subentry in wanted.items():
        if subentry_id not in data.cameras:
            camera = _async_create_camera(hass, entry, data, subentry, {})
            for platform in data.platforms:
                platform.async_add(camera)
            camera.async_start()
    for subentry_id, camera in data.cameras.items():
        zones = CameraSettings.from_data(wanted[subentry_id].data).zones
        if zones != camera.analyzer.zones:
            camera.async_set_zones(zones)


async def _async_replace_camera(
    hass: HomeAssistant, entry: VLMGuardConfigEntry, data: VLMGuardData, subentry: ConfigSubentry
) -> None:
    """Restart one camera on its new settings; its entities follow the new monitor."""
    subentry_id = subentry.subentry_id
    old = data.cameras[subentry_id]
    await old.async_stop()
    # Decisions, the open incident and the counters carry over: the alert stays on.
    camera = _async_create_camera(hass, entry, data, subentry, old.history(), old)
    devices = dr.async_get(hass)
    device = next(
        (
            device
            for device in dr.async_entries_for_config_entry(devices, entry.entry_id)
            if (DOMAIN, subentry_id) in device.identifiers
        ),
        None,
    )
    if device is not None and device.name != camera.name:
        devices.async_update_device(device.id, name=camera.name)
    before, after = camera_entity_keys(entry, old), camera_entity_keys(entry, camera)
    entities = er.async_get(hass)
    for domain, key in before - after:
        if entity_id := entities.async_get_entity_id(domain, DOMAIN, f"{subentry_id}_{key}"):
            entities.async_remove(entity_id)
    async_dispatcher_send(hass, signal_camera_replaced(subentry_id), camera)
    for platform in data.platforms:
        platform.async_add(camera, only=after - before)
    camera.async_start()


async def _async_remove_camera(hass: HomeAssistant, data: VLMGuardData, subentry_id: str) -> None:
    """Stop a removed camera and delete what it leaves: issues, files, stored history.

    Home Assistant removes the camera's device and entities with its subentry.
    """
    camera = data.cameras.pop(subentry_id)
    data.loaded_cameras.pop(subentry_id, None)
    await camera.async_stop()
    async_clear_issues_of(hass, subentry_id)
    await hass.async_add_executor_job(remove_camera_folder, hass, subentry_id)
    if data.history is not None:
        await data.history.async_save()


async def async_remove_entry(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> None:
    """Delete the entry's stored alert history and its cameras' files with it."""
    await History(hass, entry.entry_id).async_remove()
    for subentry_id in _camera_subentries(entry):
        await hass.async_add_executor_job(remove_camera_folder, hass, subentry_id)


async def async_unload_entry(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> bool:
    """Stop every camera and the server check, then unload the platforms."""
    await _async_stop(entry.runtime_data)
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    if not any(
        other.state is ConfigEntryState.LOADED
        for other in hass.config_entries.async_entries(DOMAIN)
        if other.entry_id != entry.entry_id
    ):
        # The last server entry is gone: free the shared speech model's memory.
        release_models(hass)
    return unloaded


async def async_remove_config_entry_device(
    hass: HomeAssistant, entry: VLMGuardConfigEntry, device: dr.DeviceEntry
) -> bool:
    """Let the owner delete a camera's device only once its camera is gone."""
    return not any(
        identifier[0] == DOMAIN
        and (identifier[1] == entry.entry_id or identifier[1] in entry.subentries)
        for identifier in device.identifiers
    )
