"""Checks every test runs under: no camera password anywhere, no unexpected error, no deprecation.

The `guard` fixture watches a test while Home Assistant runs (bus events, states,
diagnostics taken as each entry starts to unload, repair issues); `finish` runs
from conftest's teardown hook once every fixture is torn down, so it also sees
what Home Assistant logged and stored while stopping.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine, Iterator
from dataclasses import dataclass, field
import json
import logging
from pathlib import Path
import re
from typing import Any
import warnings

from homeassistant.config_entries import (
    SIGNAL_CONFIG_ENTRY_CHANGED,
    ConfigEntry,
    ConfigEntryChange,
    ConfigEntryState,
)
from homeassistant.const import MATCH_ALL
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import frame, issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_connect
import pytest

from custom_components.vlm_guard.const import DOMAIN
from custom_components.vlm_guard.diagnostics import async_get_config_entry_diagnostics

CAMERA_USER = "admin"
CAMERA_PASSWORD = "Sup3r-Secret-pw"
ALLOW_ERRORS = "allow_errors"
MARKERS = (
    f"{ALLOW_ERRORS}(*patterns): the test provokes errors on purpose; with patterns "
    "(regular expressions), only log messages matching one of them are allowed",
)
GUARD_KEY = pytest.StashKey["Guard"]()
WARNINGS_KEY = pytest.StashKey["RecordedWarnings"]()
OUR_LOGGER = "custom_components.vlm_guard"
OUR_CODE = re.compile(r"custom_components[/\\]vlm_guard[/\\]")
HA_CODE = re.compile(r"[/\\]homeassistant[/\\]")
# What Home Assistant says when our code uses something on its way out, or uses it wrongly.
HA_REPORT = re.compile(
    r"\bdeprecated\b|^Detected (?:that custom integration 'vlm_guard'|code that)"
    r"|^Detected blocking call .*custom integration 'vlm_guard'",
    re.IGNORECASE,
)
PHASES = ("setup", "call", "teardown")


@dataclass
class Guard:
    """What one test exposed: texts to search for the password, and problems found."""

    caplog: pytest.LogCaptureFixture
    media_dir: Path
    storage_dir: Path
    storage: dict[str, Any]
    texts: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, where: str, value: object) -> None:
        """Keep something a user or a log could see, as text."""
        text = value if isinstance(value, str) else json.dumps(value, default=repr)
        self.texts.append((where, text))


class RecordedWarnings:
    """Every warning raised from a test's setup to its teardown."""

    def __init__(self) -> None:
        """Start recording; stop() hands the warnings back to pytest."""
        self._catcher = warnings.catch_warnings(record=True)
        self.list: list[warnings.WarningMessage] = self._catcher.__enter__()
        warnings.simplefilter("always", DeprecationWarning)
        warnings.simplefilter("always", PendingDeprecationWarning)

    def stop(self) -> None:
        """Stop recording and re-raise each distinct warning for pytest's own summary."""
        self._catcher.__exit__(None, None, None)
        seen: set[tuple[Any, ...]] = set()
        for message in self.list:
            key = (message.category, str(message.message), message.filename, message.lineno)
            if key in seen:
                continue
            seen.add(key)
            warnings.warn_explicit(
                message.message, message.category, message.filename, message.lineno
            )

    def deprecations(self) -> list[str]:
        """Return the deprecation warnings raised in Home Assistant's code or ours."""
        found: dict[str, None] = {}
        for message in self.list:
            if not issubclass(message.category, DeprecationWarning | PendingDeprecationWarning):
                continue
            if OUR_CODE.search(message.filename) or HA_CODE.search(message.filename):
                found[
                    f"{message.category.__name__}: {message.message} "
                    f"({message.filename}:{message.lineno})"
                ] = None
        return list(found)


def _take_now[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends to its end, from a callback."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("it waited for something")


def _diagnostics(guard: Guard, hass: HomeAssistant, entry: ConfigEntry, when: str) -> None:
    try:
        guard.add(f"diagnostics {when}", _take_now(async_get_config_entry_diagnostics(hass, entry)))
    except Exception as err:  # noqa: BLE001 - any failure is reported with the test
        guard.problems.append(f"diagnostics of {entry.title!r} {when} failed: {err!r}")


@pytest.fixture
async def guard(
    request: pytest.FixtureRequest,
    hass: HomeAssistant,
    caplog: pytest.LogCaptureFixture,
    media_dir: Path,
    hass_storage: dict[str, Any],
) -> AsyncIterator[Guard]:
    """Watch a test: bus events, states, diagnostics and repair issues go to the final check."""
    watched = Guard(
        caplog=caplog,
        media_dir=media_dir,
        storage_dir=Path(hass.config.path(".storage")),
        storage=hass_storage,
    )
    request.node.stash[GUARD_KEY] = watched
    # Home Assistant reports each deprecated use once per process: report it in every test.
    frame._REPORTED_INTEGRATIONS.clear()

    @callback
    def _event(event: Event[Any]) -> None:
        watched.add(f"event {event.event_type}", f"{event.event_type} {event.data!r}")
        if (
            event.event_type == ir.EVENT_REPAIRS_ISSUE_REGISTRY_UPDATED
            and event.data.get("domain") == DOMAIN
            and (issue := ir.async_get(hass).async_get_issue(DOMAIN, event.data["issue_id"]))
        ):
            # Issues come and go within a test: read each one as it is raised.
            watched.add(f"repair issue {issue.issue_id}", repr(issue))

    @callback
    def _entry_changed(change: ConfigEntryChange, entry: ConfigEntry) -> None:
        # Diagnostics are what a user downloads while the entry runs: take them as
        # it starts to unload, before the cameras stop.
        if entry.domain == DOMAIN and entry.state is ConfigEntryState.UNLOAD_IN_PROGRESS:
            _diagnostics(watched, hass, entry, "before unloading")

    # Both stay connected through Home Assistant's own shutdown.
    hass.bus.async_listen(MATCH_ALL, _event)
    async_dispatcher_connect(hass, SIGNAL_CONFIG_ENTRY_CHANGED, _entry_changed)
    yield watched
    for entry in hass.config_entries.async_entries(DOMAIN):
        if entry.state is ConfigEntryState.LOADED:
            _diagnostics(watched, hass, entry, "after the test")
    for state in hass.states.async_all():
        watched.add(f"state {state.entity_id}", f"{state.state} {state.attributes!r}")
    for (domain, issue_id), issue in ir.async_get(hass).issues.items():
        if domain == DOMAIN:
            watched.add(f"repair issue {issue_id}", repr(issue))


def _record_text(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    return text


def _ours(record: logging.LogRecord) -> bool:
    """Return True for a record our code logged, or one reporting an exception in it."""
    if record.name == OUR_LOGGER or record.name.startswith(OUR_LOGGER + "."):
        return True
    if record.exc_info and OUR_CODE.search(_record_text(record)):
        return True
    return "vlm_guard" in record.getMessage()


def _reported_by_home_assistant(record: logging.LogRecord, text: str) -> bool:
    """Return True for Home Assistant's report of a deprecated or wrong use by our code."""
    return (
        record.levelno >= logging.WARNING
        and record.name.startswith("homeassistant")
        and HA_REPORT.search(record.getMessage()) is not None
        and ("vlm_guard" in text or "Detected code that" in text)
    )


def _allowed(item: pytest.Item, record: logging.LogRecord) -> bool:
    marker = item.get_closest_marker(ALLOW_ERRORS)
    if marker is None:
        return False
    return not marker.args or any(re.search(p, record.getMessage()) for p in marker.args)


def _where(record: logging.LogRecord) -> str:
    return f"{record.name} ({record.pathname}:{record.lineno})"


def _files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        yield from folder.rglob("*")


def finish(item: pytest.Item) -> None:
    """Run the final checks once the test and all its fixtures are done; raise on a finding."""
    recorded = item.stash.get(WARNINGS_KEY, None)
    if recorded is not None:
        recorded.stop()
    watched = item.stash.get(GUARD_KEY, None)
    if watched is None:
        return
    problems = list(watched.problems)
    texts = list(watched.texts)
    for when in PHASES:
        for record in watched.caplog.get_records(when):
            text = _record_text(record)
            texts.append((f"log {when} {record.name}", text))
            if record.levelno >= logging.ERROR and _ours(record) and not _allowed(item, record):
                problems.append(f"error logged in {when} by {_where(record)}: {text[:2000]}")
            elif _reported_by_home_assistant(record, text):
                problems.append(f"Home Assistant reported in {when}: {text[:2000]}")
    for key, data in watched.storage.items():
        if key.startswith(DOMAIN):
            texts.append((f"stored {key}", json.dumps(data, default=repr)))
    texts += [
        (f"stored file {path.name}", path.read_text(errors="replace"))
        for path in _files(watched.storage_dir)
        if path.name.startswith(DOMAIN) and path.is_file()
    ]
    texts += [
        ("media file name", str(path.relative_to(watched.media_dir)))
        for path in _files(watched.media_dir)
    ]
    if recorded is not None:
        problems += [f"deprecation warning: {text}" for text in recorded.deprecations()]
    problems += [
        f"the camera password leaked in {where}: {text[:300]}"
        for where, text in texts
        if CAMERA_PASSWORD in text
    ]
    if problems:
        raise AssertionError("\n".join(["guard found:", *problems]))
