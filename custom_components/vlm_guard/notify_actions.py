"""One-tap feedback from a notification: false alarm, real, snooze, accept proposed rules.

Notifications sent by the blueprints carry action buttons. The Companion app
reports a tap as a `mobile_app_notification_action` event whose action is
`VLM_GUARD_<WHAT>_<incident id>`; Telegram reports a button as a
`telegram_callback` event with the data `/vlm_guard_<what> <incident id>`.
Either way the incident is reviewed, a false alarm proposes its suppression
rule (or adds it at once: `SUPPRESS`), a snooze quiets the incident's camera,
and `vlm_guard_feedback` says what was done.
"""

from __future__ import annotations

from datetime import timedelta
import logging
from typing import Any, Final

from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError

from . import feedback
from .data import running_camera

_LOGGER = logging.getLogger(__name__)

EVENT_MOBILE_ACTION: Final = "mobile_app_notification_action"
EVENT_TELEGRAM_CALLBACK: Final = "telegram_callback"
EVENT_FEEDBACK: Final = "vlm_guard_feedback"
MOBILE_PREFIX: Final = "VLM_GUARD_"
TELEGRAM_PREFIX: Final = "/vlm_guard_"
FALSE_ALARM: Final = "false_alarm"
SUPPRESS: Final = "suppress"
REAL: Final = "real"
SNOOZE: Final = "snooze"
ACCEPT_RULES: Final = "accept_rules"
WHATS: Final = (FALSE_ALARM, SUPPRESS, REAL, SNOOZE, ACCEPT_RULES)
SNOOZE_FOR: Final = timedelta(hours=1)


def parse_mobile(action: str) -> tuple[str, str] | None:
    """Return (what, incident id) of a Companion app action of ours, else None."""
    if not action.startswith(MOBILE_PREFIX):
        return None
    rest = action[len(MOBILE_PREFIX) :]
    for what in WHATS:
        tag = what.upper() + "_"
        if rest.startswith(tag):
            return what, rest[len(tag) :]
        if rest == what.upper():
            return what, ""
    return None


def parse_telegram(data: str) -> tuple[str, str] | None:
    """Return (what, incident id) of a Telegram button of ours, else None."""
    command, _, argument = data.strip().partition(" ")
    if not command.startswith(TELEGRAM_PREFIX):
        return None
    what = command[len(TELEGRAM_PREFIX) :]
    return (what, argument.strip()) if what in WHATS else None


async def async_handle(hass: HomeAssistant, what: str, incident_id: str) -> dict[str, Any]:
    """Do what the tapped button says; return what was done."""
    done: dict[str, Any] = {"action": what, "incident_id": incident_id or None}
    if what == ACCEPT_RULES:
        done["accepted"] = await feedback.async_accept_rules(hass, None)
        return done
    record = await feedback.async_incident(hass, incident_id)
    done["camera"] = record.camera_name
    done["subentry_id"] = record.camera
    if what == SNOOZE:
        monitor = running_camera(hass, record.camera)
        if monitor is None:
            raise HomeAssistantError(f"The camera {record.camera_name} is not running")
        monitor.arming.async_snooze(SNOOZE_FOR)
        done["snoozed_for"] = SNOOZE_FOR.total_seconds()
        return done
    status = REAL if what == REAL else FALSE_ALARM
    # One tap on "False alarm" proposes the rule: the owner accepts it where it
    # can be seen whole. "Never for this" (SUPPRESS) applies it at once.
    result = await feedback.async_review(
        hass,
        incident_id,
        status,
        None,
        suppress=what in (FALSE_ALARM, SUPPRESS),
        active=what == SUPPRESS,
    )
    done["status"] = status
    done["rule"] = result["rule"]
    return done


@callback
def async_setup_notification_actions(hass: HomeAssistant) -> None:
    """Listen for taps on our notification buttons, from the Companion app and Telegram."""

    async def _async_run(what: str, incident_id: str, source: str) -> None:
        try:
            done = await async_handle(hass, what, incident_id)
        except HomeAssistantError as err:
            _LOGGER.warning(
                "The %s button %s for %s did nothing: %s", source, what, incident_id, err
            )
            return
        _LOGGER.info("Notification feedback from %s: %s", source, done)
        hass.bus.async_fire(EVENT_FEEDBACK, {**done, "source": source})

    async def _async_mobile(event: Event[dict[str, Any]]) -> None:
        if parsed := parse_mobile(str(event.data.get("action") or "")):
            await _async_run(*parsed, "mobile_app")

    async def _async_telegram(event: Event[dict[str, Any]]) -> None:
        if parsed := parse_telegram(str(event.data.get("data") or "")):
            await _async_run(*parsed, "telegram")
            if (callback_id := event.data.get("id")) and hass.services.has_service(
                "telegram_bot", "answer_callback_query"
            ):
                await hass.services.async_call(
                    "telegram_bot",
                    "answer_callback_query",
                    {"callback_query_id": callback_id, "message": "Done"},
                    blocking=False,
                )

    hass.bus.async_listen(EVENT_MOBILE_ACTION, _async_mobile)
    hass.bus.async_listen(EVENT_TELEGRAM_CALLBACK, _async_telegram)
