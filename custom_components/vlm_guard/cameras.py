"""Cameras of a server entry: built, started, restarted and removed as the entry changes.

A change to a camera restarts that camera only; its zones apply live; a new
server (URL, model, key) reloads the entry.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from homeassistant.config_entries import ConfigSubentry
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.helpers.dispatcher import async_dispatcher_send

from .archive import async_get_archive
from .const import (
    CONF_FALLBACK,
    CONF_KEEP_DAYS,
    CONF_KEEP_PER_CAMERA,
    CONF_MAX_CONCURRENT,
    CONF_TRANSCRIBER,
    CONF_VISION_CHECK_HOURS,
    CONF_WHISPER_COMPUTE_TYPE,
    CONF_WHISPER_DEVICE,
    CONF_WHISPER_MODEL,
    DEFAULT_KEEP_DAYS,
    DEFAULT_KEEP_PER_CAMERA,
    DEFAULT_VISION_CHECK_HOURS,
    DOMAIN,
    REVIEW_KEYS,
    SUBENTRY_CAMERA,
    TRANSCRIBER_WHISPER,
)
from .coordinator import CameraMonitor
from .core.settings import CameraSettings
from .core.transcribe import WhisperSettings
from .core.vlm import DEFAULT_MAX_CONCURRENT
from .data import VLMGuardConfigEntry, VLMGuardData, camera_config, signal_camera_replaced
from .entity import camera_entity_keys
from .repairs import async_clear_issues_of
from .snapshots import remove_camera_folder
from .transcribers import create_engine, release_models, whisper_settings

# Options that apply while everything runs: the client's bound changes in place,
# and the fallback server is looked up at each failure.
LIVE_OPTIONS = frozenset({CONF_MAX_CONCURRENT, CONF_FALLBACK})
# The daily review's options (its schedule, retention, the vision check) apply live too.
REVIEW_OPTIONS = frozenset(REVIEW_KEYS)
# Where the newest daily review is kept in the entry's stored history.
STORED_REVIEW = "daily_review"
# Options of speech recognition: only the cameras with sound restart on them.
SPEECH_OPTIONS = frozenset(
    {CONF_TRANSCRIBER, CONF_WHISPER_MODEL, CONF_WHISPER_DEVICE, CONF_WHISPER_COMPUTE_TYPE}
)


def camera_subentries(entry: VLMGuardConfigEntry) -> dict[str, ConfigSubentry]:
    """Return the entry's camera subentries by id."""
    return {
        subentry_id: subentry
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_CAMERA
    }


def all_camera_ids(hass: HomeAssistant) -> set[str]:
    """Return the subentry id of every camera of every VLM Guard entry, loaded or not."""
    return {
        subentry_id
        for entry in hass.config_entries.async_entries(DOMAIN)
        for subentry_id in camera_subentries(entry)
    }


@callback
def async_start_checks(hass: HomeAssistant, entry: VLMGuardConfigEntry, data: VLMGuardData) -> None:
    """Start the daily review and the vision check; apply the entry's retention to the archive."""
    options = entry.options
    data.review.async_start()
    hours = float(options.get(CONF_VISION_CHECK_HOURS, DEFAULT_VISION_CHECK_HOURS))
    data.vision.async_start(timedelta(hours=hours) if hours > 0 else None)
    if (archive := async_get_archive(hass)) is not None:
        archive.keep_days = float(options.get(CONF_KEEP_DAYS, DEFAULT_KEEP_DAYS))
        archive.keep_per_camera = int(options.get(CONF_KEEP_PER_CAMERA, DEFAULT_KEEP_PER_CAMERA))


@callback
def async_create_camera(
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


async def async_stop(data: VLMGuardData) -> None:
    """Stop the server check and every camera of the entry, once."""
    async with data.lock:
        if data.stopped:
            return
        data.stopped = True
        data.server.async_stop()
        data.review.async_stop()
        data.vision.async_stop()
        async_clear_issues_of(data.server.hass, data.server.entry_id)
        # Stop the cameras together: each waits a bounded time for its reader thread.
        await asyncio.gather(*(camera.async_stop() for camera in data.cameras.values()))
        if data.history is not None:
            await data.history.async_save()


async def async_update_listener(hass: HomeAssistant, entry: VLMGuardConfigEntry) -> None:
    """Apply a change to what it touches; another server (URL, model, key) reloads the entry."""
    data = entry.runtime_data
    options = {*entry.options, *data.loaded_options}
    changed = {key for key in options if entry.options.get(key) != data.loaded_options.get(key)}
    if (
        dict(entry.data) != data.loaded_server
        or changed - LIVE_OPTIONS - SPEECH_OPTIONS - REVIEW_OPTIONS
    ):
        await hass.config_entries.async_reload(entry.entry_id)
        return
    # Changes come one listener call each, possibly close together: apply them in turn.
    async with data.lock:
        if data.stopped:
            return
        await async_apply_options(hass, entry, data)
        await async_apply_cameras(hass, entry, data)


async def async_apply_options(
    hass: HomeAssistant, entry: VLMGuardConfigEntry, data: VLMGuardData
) -> None:
    """Apply new server options; only cameras with sound restart, on new speech settings."""
    old, new = data.loaded_options, dict(entry.options)
    if new == old:
        return
    data.loaded_options = new
    if any(old.get(key) != new.get(key) for key in REVIEW_OPTIONS):
        data.review.async_stop()
        data.vision.async_stop()
        async_start_checks(hass, entry, data)
    max_concurrent = int(new.get(CONF_MAX_CONCURRENT, DEFAULT_MAX_CONCURRENT))
    if max_concurrent != data.client.settings.max_concurrent:
        data.client.set_max_concurrent(max_concurrent)
    if speech_choice(hass, old) == speech_choice(hass, new):
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
            async_replace_camera(hass, entry, data, entry.subentries[subentry_id])
            for subentry_id, camera in list(data.cameras.items())
            if camera.settings.has_audio and subentry_id in entry.subentries
        )
    )


def speech_choice(hass: HomeAssistant, options: Mapping[str, Any]) -> tuple[str, WhisperSettings]:
    """Return the recogniser the options choose, defaults filled in."""
    transcriber = str(options.get(CONF_TRANSCRIBER) or TRANSCRIBER_WHISPER)
    return transcriber, whisper_settings(hass, options)


async def async_apply_cameras(
    hass: HomeAssistant, entry: VLMGuardConfigEntry, data: VLMGuardData
) -> None:
    """Start added cameras, stop removed ones, restart changed ones; zones apply live."""
    wanted = camera_subentries(entry)
    await asyncio.gather(
        *(
            async_remove_camera(hass, data, subentry_id)
            for subentry_id in list(data.cameras)
            if subentry_id not in wanted
        ),
        *(
            async_replace_camera(hass, entry, data, subentry)
            for subentry_id, subentry in wanted.items()
            if subentry_id in data.cameras
            and camera_config(subentry) != data.loaded_cameras.get(subentry_id)
        ),
    )
    for subentry_id, subentry in wanted.items():
        if subentry_id not in data.cameras:
            camera = async_create_camera(hass, entry, data, subentry, {})
            for platform in data.platforms:
                platform.async_add(camera)
            camera.async_start()
    for subentry_id, camera in data.cameras.items():
        zones = CameraSettings.from_data(wanted[subentry_id].data).zones
        if zones != camera.analyzer.zones:
            camera.async_set_zones(zones)


async def async_replace_camera(
    hass: HomeAssistant, entry: VLMGuardConfigEntry, data: VLMGuardData, subentry: ConfigSubentry
) -> None:
    """Restart one camera on its new settings; its entities follow the new monitor."""
    subentry_id = subentry.subentry_id
    old = data.cameras[subentry_id]
    await old.async_stop()
    # Decisions, the open incident and the counters carry over: the alert stays on.
    camera = async_create_camera(hass, entry, data, subentry, old.history(), old)
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


async def async_remove_camera(hass: HomeAssistant, data: VLMGuardData, subentry_id: str) -> None:
    """Stop a removed camera and delete what it leaves: issues, files, stored history.

    Home Assistant removes the camera's device and entities with its subentry.
    """
    camera = data.cameras.pop(subentry_id)
    data.loaded_cameras.pop(subentry_id, None)
    await camera.async_stop()
    async_clear_issues_of(hass, subentry_id)
    if (archive := async_get_archive(hass)) is not None:
        await archive.async_remove_camera(subentry_id)
    await hass.async_add_executor_job(remove_camera_folder, hass, subentry_id)
    if data.history is not None:
        await data.history.async_save()
