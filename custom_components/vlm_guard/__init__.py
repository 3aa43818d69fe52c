"""VLM Guard: RTSP cameras judged by a local vision-language model."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntryState, ConfigSubentry
from homeassistant.const import (
    CONF_API_KEY,
    CONF_URL,
    EVENT_HOMEASSISTANT_CLOSE,
    EVENT_HOMEASSISTANT_STOP,
)
from homeassistant.core import Event, HomeAssistant
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .archive import async_get_archive, async_setup_archive
from .cameras import (
    STORED_REVIEW,
    all_camera_ids,
    async_create_camera,
    async_start_checks,
    async_stop,
    async_update_listener,
    camera_subentries,
)
from .const import (
    CONF_BACKEND,
    CONF_FALLBACK,
    CONF_KEEP_ALIVE,
    CONF_MAX_CONCURRENT,
    CONF_MODEL,
    CONF_NUM_CTX,
    CONF_POOL_URLS,
    CONF_TIMEOUT,
    DOMAIN,
    PLATFORMS,
)
from .core.pool import VLMPool, pool_settings
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
from .data import VLMGuardConfigEntry, VLMGuardData
from .history import History
from .notify_actions import async_setup_notification_actions
from .panel import async_setup_panel
from .reviewing import DailyReview
from .server import ServerMonitor
from .services import async_setup_services
from .snapshots import remove_camera_folder, tidy_camera_folders
from .transcribers import create_engine, release_models
from .vision_check import VisionCheck
from .websocket_api import async_setup_websocket
from .websocket_panel import async_setup_panel_websocket

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Open the incident archive and register the actions (once, whatever the entries)."""
    archive = await async_setup_archive(hass)

    async def _async_close(_event: Event) -> None:
        await archive.async_close()

    hass.bus.async_listen_once(EVENT_HOMEASSISTANT_CLOSE, _async_close)
    async_setup_services(hass)
    async_setup_websocket(hass)
    async_setup_panel_websocket(hass)
    async_setup_notification_actions(hass)
    await async_setup_panel(hass)
    return True


async def async_tidy(hass: HomeAssistant, cameras: Mapping[str, ConfigSubentry]) -> None:
    """Forget cameras removed while Home Assistant was not running: incidents and files.

    Only cameras this installation kept incidents of are touched: another
    installation sharing the media folder keeps its own.
    """
    known = all_camera_ids(hass)
    archive = async_get_archive(hass)
    ours: set[str] = set()
    if archive is not None:
        listed = await archive.async_run(lambda store: store.cameras()) or []
        ours = {camera for camera, _name, _count in listed}
    for gone in ours - known:
        assert archive is not None
        await archive.async_remove_camera(gone)
    await hass.async_add_executor_job(
        tidy_camera_folders,
        hass,
        {subentry_id: subentry.title for subentry_id, subentry in cameras.items()},
        known,
        ours,
    )


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
    session = async_get_clientsession(hass)
    urls = [str(url) for url in options.get(CONF_POOL_URLS) or []]
    if not urls:
        return create_client(session, settings)
    return VLMPool(
        session, [create_client(session, member) for member in pool_settings(settings, urls)]
    )


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
        review=DailyReview(hass, entry),
        vision=VisionCheck(hass, server),
        speech=create_engine(hass, entry.options),
        loaded_server=dict(entry.data),
        loaded_options=dict(entry.options),
    )
    history = data.history = History(hass, entry.entry_id)
    stored = await history.async_load()
    cameras = camera_subentries(entry)
    await async_tidy(hass, cameras)
    for subentry_id, subentry in cameras.items():
        async_create_camera(hass, entry, data, subentry, stored.get(subentry_id) or {})
    history.async_track(
        lambda: {
            **{subentry_id: camera.history() for subentry_id, camera in data.cameras.items()},
            STORED_REVIEW: data.review.last,
        }
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
    data.review.last = stored.get(STORED_REVIEW)
    async_start_checks(hass, entry, data)

    async def _async_stop_cameras(_event: Event) -> None:
        # Reader threads must exit when Home Assistant stops, not only on unload.
        await async_stop(data)

    # A plain listener, not a one-shot: unload removes it whether or not it fired.
    entry.async_on_unload(hass.bus.async_listen(EVENT_HOMEASSISTANT_STOP, _async_stop_cameras))
    entry.async_on_unload(entry.add_update_listener(async_update_listener))
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


async def async_remove_entry(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> None:
    """Delete the entry's stored alert history and its cameras' files with it."""
    await History(hass, entry.entry_id).async_remove()
    archive = async_get_archive(hass)
    for subentry_id in camera_subentries(entry):
        if archive is not None:
            await archive.async_remove_camera(subentry_id)
        await hass.async_add_executor_job(remove_camera_folder, hass, subentry_id)


async def async_unload_entry(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> bool:
    """Stop every camera and the server check, then unload the platforms."""
    await async_stop(entry.runtime_data)
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
