"""The question put to the VLM and the JSON shape asked of its answer."""

from __future__ import annotations

from typing import Any

DEFAULT_PROMPT = (
    "You are the judge of a home security camera. The image shows the part of "
    "the camera view that just changed. Decide whether it shows a real security "
    "event on the property: a person, a vehicle or an animal that is actually "
    "present, or fire or smoke. Shadows, reflections, moving plants, weather, "
    "lighting changes and anything on a public road or beyond the property "
    "boundary are not events. Answer with JSON only: "
    '{"verdict": "ALERT" or "CLEAR", "description": one short sentence, '
    '"subjects": list of what you see, "on_property": true or false}.'
)


def build_prompt(custom: str | None = None, context: str | None = None) -> str:
    """Return the question for one camera: its own wording or the default, plus context.

    The owner knows the scene ("the road beyond the gate is public", "the grill
    on the patio smokes"); that context goes after the question.
    """
    prompt = (custom or "").strip() or DEFAULT_PROMPT
    if context and context.strip():
        prompt += f"\nAbout this camera and property: {context.strip()}"
    return prompt


VERDICT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "verdict": {"type": "string", "enum": ["ALERT", "CLEAR"]},
        "description": {"type": "string"},
        "subjects": {"type": "array", "items": {"type": "string"}},
        "on_property": {"type": "boolean"},
    },
    "required": ["verdict", "description", "subjects", "on_property"],
}
