"""Realistic VLM answers and the verdict each must get, for tests/test_verdict_corpus.py.

The answers imitate how the local models actually reply: terse JSON (Qwen2.5-VL),
chatty prose (LLaVA), markdown (Gemma), "Verdict: ..." lines (MiniCPM), JSON in
fences or after a preamble, reasoning blocks, token-limit truncation and plain
garbage. Each trap of the parser (negation, hedge, location, shadow,
on_property, unparseable) appears in several forms.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple


class Case(NamedTuple):
    """One answer and the expected verdict and rule."""

    id: str
    text: str
    alert: bool
    rule: str


def j(
    verdict: str,
    description: str,
    subjects: list[str] | None = None,
    *,
    on_property: Any = True,
    indent: int | None = None,
) -> str:
    """Return the JSON answer the prompt asks for."""
    return json.dumps(
        {
            "verdict": verdict,
            "description": description,
            "subjects": subjects or [],
            "on_property": on_property,
        },
        indent=indent,
        ensure_ascii=False,
    )


def fenced(body: str, lang: str = "json") -> str:
    """Return the body in a markdown code fence."""
    return f"```{lang}\n{body}\n```"


_LONG_SCENE = (
    "The image is a night-time infrared view of a suburban back garden. "
    "In the foreground there is a paved patio with a table and four chairs. "
    "Beyond the patio the lawn stretches towards a wooden shed with a dark window. "
    "A washing line crosses the garden from the house to a metal pole. "
    "Several potted plants stand along the left edge, and their leaves are moving slightly. "
    "The lighting is even and the image is reasonably sharp despite some sensor noise. "
)

CASES: list[Case] = [
    # --- Qwen2.5-VL: terse JSON, as asked ---------------------------------------------
    Case(
        "qwen-json-person-at-door",
        j("ALERT", "A person is standing at the front door.", ["person"]),
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-car-in-driveway",
        j("ALERT", "An unfamiliar car has stopped in the driveway.", ["car"]),
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-fox-on-lawn",
        j("ALERT", "A fox is crossing the lawn.", ["fox"]),
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-smoke-from-shed",
        j("ALERT", "Smoke is coming out of the shed window.", ["smoke"]),
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-clear-branches",
        j("CLEAR", "Tree branches moving in the wind."),
        False,
        "json_clear",
    ),
    Case("qwen-json-clear-rain", j("CLEAR", "Raindrops on the lens."), False, "json_clear"),
    Case(
        "qwen-json-clear-mentions-person",
        j("CLEAR", "A person walks past on the public road.", ["person"], on_property=False),
        False,
        "json_clear",
    ),
    Case(
        "qwen-json-compact-no-spaces",
        '{"verdict":"ALERT","description":"Two men at the garage door.",'
        '"subjects":["person","person"],"on_property":true}',
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-lowercase-verdict",
        j("alert", "A man is trying the car door handle.", ["person", "car"]),
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-titlecase-clear",
        j("Clear", "Insects flying in front of the infrared light."),
        False,
        "json_clear",
    ),
    Case(
        "qwen-json-uppercase-keys",
        '{"VERDICT": "ALERT", "DESCRIPTION": "A dog is digging in the flower bed.", '
        '"SUBJECTS": ["dog"], "ON_PROPERTY": true}',
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-camelcase-onproperty-false",
        '{"Verdict": "Alert", "Description": "A man walks his dog.", "onProperty": false}',
        False,
        "off_property",
    ),
    Case(
        "qwen-json-verdict-with-exclamation",
        j("ALERT!", "Someone is climbing through the kitchen window."),
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-verdict-in-bold",
        j("**ALERT**", "A delivery driver is leaving a parcel on the porch."),
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-empty-description",
        j("ALERT", "", ["person"]),
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-missing-on-property",
        '{"verdict": "ALERT", "description": "A cat is sitting on the doorstep."}',
        True,
        "json_alert",
    ),
    Case(
        "qwen-json-pretty-printed",
        j("ALERT", "A van is reversing up to the garage.", ["van"], indent=2),
        True,
        "json_alert",
    ),
    # --- on_property: false in every spelling ---------------------------------------
    Case(
        "onprop-json-false",
        j("ALERT", "A pedestrian with an umbrella.", ["person"], on_property=False),
        False,
        "off_property",
    ),
    Case(
        "onprop-json-string-false",
        j("ALERT", "A man is walking a dog.", ["person", "dog"], on_property="false"),
        False,
        "off_property",
    ),
    Case(
        "onprop-json-string-no",
        j("ALERT", "A cyclist rides by.", ["person", "bicycle"], on_property="no"),
        False,
        "off_property",
    ),
    Case(
        "onprop-json-zero",
        j("ALERT", "A car drives by slowly.", ["car"], on_property=0),
        False,
        "off_property",
    ),
    Case(
        "onprop-minicpm-line",
        "Verdict: ALERT\nDescription: A woman with a pram.\nOn_property: false",
        False,
        "off_property",
    ),
    Case(
        "onprop-gemma-bold-no",
        "**Verdict:** ALERT\n**Description:** A man walking a dog.\n**On property:** no",
        False,
        "off_property",
    ),
    # --- other JSON shapes models produce --------------------------------------------
    Case(
        "json-nested-result",
        '{"result": {"verdict": "ALERT", "description": "A man is at the back door."}}',
        True,
        "json_alert",
    ),
    Case(
        "json-alert-boolean-key",
        '{"alert": true, "description": "A person is standing by the shed."}',
        True,
        "json_alert",
    ),
    Case(
        "json-alert-boolean-false",
        '{"alert": false, "description": "A person is standing by the shed."}',
        False,
        "json_clear",
    ),
    Case(
        "json-python-dict-single-quotes",
        "{'verdict': 'ALERT', 'description': 'A man at the back door.', "
        "'subjects': ['person'], 'on_property': True}",
        True,
        "json_alert",
    ),
    Case(
        "json-python-dict-off-property",
        "{'verdict': 'ALERT', 'description': 'A man walks by.', 'on_property': False}",
        False,
        "off_property",
    ),
    Case(
        "json-trailing-comma",
        '{\n  "verdict": "ALERT",\n  "description": "A teenager is trying the shed door.",\n'
        '  "on_property": true,\n}',
        True,
        "json_alert",
    ),
    Case(
        "json-curly-quotes",
        "{\u201cverdict\u201d: \u201cALERT\u201d, \u201cdescription\u201d: "
        "\u201cA man is standing by the garage.\u201d, \u201con_property\u201d: true}",
        True,
        "json_alert",
    ),
    Case(
        "json-verdict-both-words",
        j("ALERT or CLEAR", "Hard to tell, maybe a person."),
        False,
        "hedge",
    ),
    Case("json-verdict-unsure", j("UNSURE", "A person might be at the door."), False, "hedge"),
    Case(
        "json-verdict-garbage-value",
        j("person", "A person is at the door."),
        False,
        "unparseable",
    ),
    Case("json-verdict-not-alert", j("NOT ALERT", "Just a cat."), False, "negation"),
    Case(
        "json-verdict-possibly-alert",
        j("possibly ALERT", "A dark shape near the fence."),
        False,
        "hedge",
    ),
    # --- JSON in fences, after preambles, followed by prose --------------------------
    Case(
        "fence-json-alert",
        fenced(j("ALERT", "A person in a hoodie is at the side gate.", ["person"])),
        True,
        "json_alert",
    ),
    Case(
        "fence-json-clear",
        fenced(j("CLEAR", "A moth fluttering in front of the lens.")),
        False,
        "json_clear",
    ),
    Case(
        "fence-no-language",
        fenced(j("ALERT", "A dog is running across the patio.", ["dog"]), lang=""),
        True,
        "json_alert",
    ),
    Case(
        "fence-json-pretty",
        fenced(j("CLEAR", "Headlights sweeping over the hedge.", indent=4)),
        False,
        "json_clear",
    ),
    Case(
        "preamble-sure-fenced-json",
        "Sure! Here is the analysis:\n\n"
        + fenced(j("ALERT", "A man is standing by the garage.", ["person"])),
        True,
        "json_alert",
    ),
    Case(
        "preamble-prose-then-json",
        "Based on the image, here is my assessment: "
        + j("ALERT", "A car is pulling into the driveway.", ["car"]),
        True,
        "json_alert",
    ),
    Case(
        "preamble-echoes-both-words-then-json",
        "Here is my ALERT or CLEAR decision:\n"
        + fenced(j("ALERT", "A man is at the front door.", ["person"])),
        True,
        "json_alert",
    ),
    Case(
        "json-followed-by-explanation",
        j("CLEAR", "A cat walking along the top of the wall.", ["cat"])
        + "\n\nExplanation: the motion was caused by the neighbour's cat.",
        False,
        "json_clear",
    ),
    Case(
        "fence-json-location-sidewalk",
        fenced(j("ALERT", "A man is walking along the sidewalk in front of the house.")),
        False,
        "location",
    ),
    Case(
        "fence-json-shadow",
        fenced(j("ALERT", "The shadow of a tree moves across the driveway.")),
        False,
        "shadow",
    ),
    Case(
        "fence-json-negated-description",
        fenced(j("ALERT", "No people or vehicles are visible; only leaves moving.")),
        False,
        "negation",
    ),
    Case(
        "json-alert-multi-sentence-affirm",
        j("ALERT", "There are no cars. A man is climbing the side gate.", ["person"]),
        True,
        "json_alert",
    ),
    Case(
        "json-then-changed-mind",
        j("ALERT", "A person by the shed.", ["person"])
        + "\n\nOn second thought, this is CLEAR - it is a coat on a hook.",
        False,
        "hedge",
    ),
    Case(
        "json-then-clear-line",
        fenced(j("ALERT", "A person by the shed.", ["person"])) + "\nVerdict: CLEAR",
        False,
        "hedge",
    ),
    # --- LLaVA: chatty prose ----------------------------------------------------------
    Case(
        "llava-alert-person-at-door",
        "In this image, I can see a driveway at night. There is a person standing near the "
        "front door, which could indicate a potential security concern. Therefore, I would "
        "classify this as an ALERT.",
        True,
        "alert",
    ),
    Case(
        "llava-clear-empty-garden",
        "The image shows an empty backyard at night. There are no people, animals or "
        "vehicles visible. Based on this, the verdict is CLEAR.",
        False,
        "clear",
    ),
    Case(
        "llava-no-verdict-man-to-garage",
        "The image shows a man wearing a dark jacket walking towards the garage.",
        True,
        "subject",
    ),
    Case(
        "llava-no-verdict-quiet-garden",
        "The image shows a quiet garden with a wooden bench and some potted plants.",
        False,
        "no_subject",
    ),
    Case(
        "llava-denied-alert-off-property",
        "I can see a man walking on the sidewalk across the street. Since he is not on the "
        "property, this is not an ALERT.",
        False,
        "negation",
    ),
    Case(
        "llava-location-no-verdict",
        "The image depicts a car driving down the street in front of the house.",
        False,
        "location",
    ),
    Case(
        "llava-negate-then-affirm-however",
        "There are no vehicles in the driveway. However, a person is crouching next to the "
        "side window.",
        True,
        "subject",
    ),
    Case(
        "llava-dog-on-lawn",
        "A large dog is running across the lawn toward the house.",
        True,
        "subject",
    ),
    Case(
        "llava-hedge-whether",
        "It is hard to say whether this is ALERT or CLEAR; the figure is blurry.",
        False,
        "hedge",
    ),
    Case(
        "llava-i-dont-see-anything",
        "I don't see any people or vehicles in this image. It looks like the wind moved a branch.",
        False,
        "negation",
    ),
    Case(
        "llava-cannot-make-out-person",
        "I cannot make out any person in this frame; the movement appears to be rain.",
        False,
        "negation",
    ),
    Case(
        "llava-refusal",
        "I'm sorry, but I can't help with identifying people in images.",
        False,
        "negation",
    ),
    Case(
        "llava-long-winded-clear",
        "Thank you for the image. Let me describe what I observe. The scene is a front yard "
        "with a lawn, a path and a letterbox. The porch light is on. I carefully checked "
        "every part of the frame, and there is no sign of any person, vehicle or animal. "
        "The change in the image is most likely caused by the porch light flickering.",
        False,
        "negation",
    ),
    Case(
        "llava-looks-like-person-but-coat",
        "At first glance it looks like a person, but it is actually a coat hanging on the "
        "washing line. The verdict is CLEAR.",
        False,
        "clear",
    ),
    # --- Gemma: markdown --------------------------------------------------------------
    Case(
        "gemma-bold-labels",
        "**Verdict:** ALERT\n\n**Description:** A person in a hooded jacket is approaching "
        "the back door.\n\n**Subjects:** person\n**On property:** yes",
        True,
        "alert",
    ),
    Case(
        "gemma-heading-and-bullets-clear",
        "## Analysis\n\n* **Verdict**: CLEAR\n* **Reason**: Only moving foliage; nothing "
        "else changed.",
        False,
        "clear",
    ),
    Case(
        "gemma-verdict-value-bold",
        "Verdict: **ALERT**\nA man is trying the car door handles in the driveway.",
        True,
        "alert",
    ),
    Case(
        "gemma-verdict-value-italic-underscores",
        "Verdict: _ALERT_ - a delivery van has stopped in the driveway.",
        True,
        "alert",
    ),
    Case(
        "gemma-bullets-all-negated",
        "**Verdict:** ALERT\n\n* No people detected\n* No vehicles detected\n* Movement "
        "caused by a swaying branch",
        False,
        "negation",
    ),
    Case(
        "gemma-lowercase-bold-label",
        "**verdict**: alert\n\nsomeone is standing by the shed.",
        True,
        "alert",
    ),
    Case(
        "gemma-markdown-table-clear",
        "| Field | Value |\n|---|---|\n| Verdict | CLEAR |\n| Description | Leaves blowing "
        "across the patio |",
        False,
        "clear",
    ),
    Case(
        "gemma-emoji-alert-climbing-wall",
        "\U0001f6a8 **ALERT** \U0001f6a8\nA person is climbing over the garden wall.",
        True,
        "alert",
    ),
    Case(
        "gemma-silhouette-on-garage",
        "**Verdict:** ALERT\n**Description:** The silhouette of a person appears on the "
        "garage door.",
        False,
        "shadow",
    ),
    Case(
        "gemma-reflective-vest-is-not-reflection",
        "**Verdict:** ALERT\n**Description:** A man in a reflective vest is opening the side gate.",
        True,
        "alert",
    ),
    Case(
        "gemma-lurking-in-the-shadows",
        "**Verdict:** ALERT\n**Description:** A figure is lurking in the shadows beside the "
        "garage.",
        True,
        "alert",
    ),
    Case(
        "gemma-bold-clear-only",
        "**CLEAR**\n\nThe movement is a plastic bag blowing across the drive.",
        False,
        "clear",
    ),
    # --- MiniCPM: "Verdict: ..." lines --------------------------------------------------
    Case(
        "minicpm-alert-lines",
        "Verdict: ALERT\nDescription: A man is walking up the driveway.\nSubjects: person\n"
        "On property: true",
        True,
        "alert",
    ),
    Case(
        "minicpm-clear-lines",
        "Verdict: CLEAR\nDescription: A cat sitting on the fence post.",
        False,
        "clear",
    ),
    Case(
        "minicpm-lowercase-alert",
        "Verdict: alert\nDescription: two people at the side gate",
        True,
        "alert",
    ),
    Case(
        "minicpm-lowercase-clear",
        "verdict: clear\ndescription: spider web in front of the camera",
        False,
        "clear",
    ),
    Case(
        "minicpm-subject-lists-none",
        "Verdict: ALERT\nPeople: none\nVehicles: none\nAnimals: none\nDescription: Motion "
        "from swaying trees.",
        False,
        "negation",
    ),
    Case(
        "minicpm-people-slash-vehicles-none",
        "People/vehicles: none\nScene: quiet porch at night",
        False,
        "negation",
    ),
    Case(
        "minicpm-counts-zero",
        "People count: 0. Vehicles: 0. The frame shows an empty car port.",
        False,
        "negation",
    ),
    Case(
        "minicpm-answer-label-clear",
        "Answer: CLEAR - only a moth on the lens.",
        False,
        "clear",
    ),
    Case(
        "minicpm-decision-dash-alert",
        "Decision - ALERT: a teenager is trying the handle of the shed.",
        True,
        "alert",
    ),
    Case(
        "minicpm-final-verdict-last-line",
        "Description: A man is standing beside the car in the driveway.\nSubjects: person, "
        "car\nFinal verdict: ALERT",
        True,
        "alert",
    ),
    Case(
        "minicpm-verdict-is-lowercase",
        "The verdict is alert because a stranger is at the door.",
        True,
        "alert",
    ),
    Case(
        "minicpm-status-clear",
        "Status: clear\nNothing moving except rain.",
        False,
        "clear",
    ),
    # --- preambles ----------------------------------------------------------------------
    Case(
        "preamble-sure-verdict-line",
        "Sure! Here is the analysis:\n\nVerdict: ALERT\nA man is standing next to the garage.",
        True,
        "alert",
    ),
    Case(
        "preamble-certainly-clear",
        "Certainly. After reviewing the image carefully, my answer is CLEAR: the motion "
        "comes from rain on the lens.",
        False,
        "clear",
    ),
    Case(
        "preamble-of-course-bicycle-clear",
        "Of course! Let me look at this image.\n\nThe frame shows a child's bicycle lying on "
        "the lawn. No one is nearby.\n\nVerdict: CLEAR",
        False,
        "clear",
    ),
    Case(
        "preamble-heres-my-assessment-alert",
        "Here's my assessment of the camera image:\nALERT - a person wearing a balaclava is "
        "at the back window.",
        True,
        "alert",
    ),
    Case(
        "preamble-okay-clear",
        "Okay, analysing the crop now... CLEAR.",
        False,
        "clear",
    ),
    Case(
        "preamble-echoes-prompt-words",
        "You asked me to answer ALERT or CLEAR. I see a man at the door.",
        False,
        "hedge",
    ),
    # --- reasoning blocks ---------------------------------------------------------------
    Case(
        "think-hedging-then-json-clear",
        "<think>Could be ALERT or CLEAR, the figure is dark... it is a coat.</think>\n"
        + j("CLEAR", "A coat hanging on the door."),
        False,
        "json_clear",
    ),
    Case(
        "think-then-alert-line",
        "<think>A person at the door. Not a shadow.</think>\nALERT: A person is at the front door.",
        True,
        "alert",
    ),
    Case(
        "think-unfinished",
        "<think>The user wants ALERT or CLEAR. I can see what might be a man near the",
        False,
        "unparseable",
    ),
    # --- negation -----------------------------------------------------------------------
    Case(
        "neg-no-people-vehicles-animals-visible",
        "No people, vehicles, or animals are visible.",
        False,
        "negation",
    ),
    Case(
        "neg-alert-prefix-no-people",
        "ALERT: No people, vehicles, or animals are visible in the image.",
        False,
        "negation",
    ),
    Case(
        "neg-there-are-no-present",
        "There are no people, vehicles or animals present in this frame.",
        False,
        "negation",
    ),
    Case(
        "neg-nothing-unusual",
        "Nothing unusual is happening in the frame.",
        False,
        "negation",
    ),
    Case(
        "neg-without",
        "The driveway is without any vehicles or people at the moment.",
        False,
        "negation",
    ),
    Case(
        "neg-none-of",
        "None of the usual subjects (person, vehicle, animal) can be seen.",
        False,
        "negation",
    ),
    Case(
        "neg-neither-nor",
        "Neither a person nor a vehicle is in the frame.",
        False,
        "negation",
    ),
    Case(
        "neg-never",
        "A person never appears in this crop; it is a swaying plant.",
        False,
        "negation",
    ),
    Case(
        "neg-isnt",
        "There isn't a person or a car anywhere in the image.",
        False,
        "negation",
    ),
    Case(
        "neg-doesnt-show",
        "The image doesn't show any intruders.",
        False,
        "negation",
    ),
    Case(
        "neg-absence-of",
        "Complete absence of people or animals; the patio is empty.",
        False,
        "negation",
    ),
    Case("neg-free-of", "The garden is free of people and animals.", False, "negation"),
    Case("neg-empty-of", "The parking area is empty of vehicles.", False, "negation"),
    Case(
        "neg-lack-of",
        "Given the lack of any person in view, this looks like a lighting change.",
        False,
        "negation",
    ),
    Case("neg-zero", "Zero people and zero vehicles detected.", False, "negation"),
    Case(
        "neg-unable-to",
        "I am unable to identify any person in this blurry image.",
        False,
        "negation",
    ),
    Case("neg-cannot-see", "I cannot see any vehicles.", False, "negation"),
    Case("neg-nor-list", "I see no dog, nor any cat, nor a fox.", False, "negation"),
    Case(
        "neg-curly-apostrophe",
        "There isn\u2019t anyone on the porch and no person is near the door.",
        False,
        "negation",
    ),
    Case(
        "neg-alert-nobody",
        "ALERT: Nobody is at the door.",
        False,
        "negation",
    ),
    Case(
        "neg-alert-no-one-plastic-bag",
        "ALERT - no one is there, the motion was a plastic bag.",
        False,
        "negation",
    ),
    Case(
        "neg-alert-nothing-visible",
        "ALERT: Nothing is visible in the frame.",
        False,
        "negation",
    ),
    Case(
        "neg-after-subject-not-visible",
        "A person is not visible anywhere in the frame.",
        False,
        "negation",
    ),
    Case(
        "neg-after-subject-isnt-present",
        "The intruder seen earlier isn't present any more.",
        False,
        "negation",
    ),
    Case(
        "neg-after-subject-no-longer",
        "The car is no longer in the driveway.",
        False,
        "negation",
    ),
    Case(
        "neg-lookback-59-chars",
        "I could not make out anything moving by the garden shed, such as a person.",
        False,
        "negation",
    ),
    Case(
        "neg-lookback-60-chars",
        "I could not make out anything moving in the corner by a bin, like a person.",
        False,
        "negation",
    ),
    Case(
        # A negation of something else within 60 characters still silences the subject:
        # a missed event, the accepted direction of error.
        "neg-lookback-56-chars-unrelated-negation",
        "There is no rain on the lens and the picture is sharp, showing a man by the shed.",
        False,
        "negation",
    ),
    Case(
        "neg-lookback-61-chars-out-of-reach",
        "There is no rain on the lens and the picture is very sharp, showing a man by the shed.",
        True,
        "subject",
    ),
    Case(
        "neg-lookback-70-chars-alert",
        "ALERT: There is no rain on the lens tonight and the picture is sharp enough to show "
        "a man by the shed.",
        True,
        "alert",
    ),
    Case(
        "neg-then-affirm-two-sentences",
        "No vehicles are present. A woman is standing at the back door.",
        True,
        "subject",
    ),
    Case(
        "neg-then-affirm-but-same-sentence",
        "No cars are present, but a man is standing by the back door.",
        True,
        "subject",
    ),
    Case(
        "neg-whole-sentence-turned-by-but",
        "No people are present, but a dog is visible near the shed.",
        True,
        "subject",
    ),
    Case(
        "neg-except-delivery-driver",
        "Nothing moved in the garden except a delivery driver carrying a box.",
        True,
        "subject",
    ),
    Case(
        "neg-no-full-stop-then-man",
        "No. A man is standing at the gate.",
        True,
        "subject",
    ),
    Case(
        "neg-alert-earlier-now-man",
        "ALERT: No one was there a second ago, but now a man is standing by the car.",
        True,
        "alert",
    ),
    # --- denied verdict words -----------------------------------------------------------
    Case(
        "denied-not-an-alert",
        "This is not an ALERT: the cat belongs to the house.",
        False,
        "negation",
    ),
    Case(
        "denied-no-need-to-raise",
        "No need to raise an ALERT; the movement is rain.",
        False,
        "negation",
    ),
    Case(
        "denied-dont-think-warrants",
        "I don't think this warrants an ALERT.",
        False,
        "negation",
    ),
    Case(
        "denied-not-an-alert-dash",
        "Not an ALERT - the motion is rain on the lens.",
        False,
        "negation",
    ),
    # --- hedges -------------------------------------------------------------------------
    Case("hedge-slash", "ALERT/CLEAR: a person might be there.", False, "hedge"),
    Case(
        "hedge-clear-possibly-alert",
        "CLEAR (possibly ALERT): something moved near the fence.",
        False,
        "hedge",
    ),
    Case("hedge-or-question", "ALERT or CLEAR? CLEAR, probably wind.", False, "hedge"),
    Case(
        "hedge-lowercase-slash",
        "alert/clear - hard to tell, the image is dark.",
        False,
        "hedge",
    ),
    Case(
        "hedge-lowercase-or-labelled",
        "Verdict: alert or clear, I can't tell if that's a person.",
        False,
        "hedge",
    ),
    Case("hedge-actually-no", "ALERT... actually, no. CLEAR.", False, "hedge"),
    Case(
        "hedge-changed-mind-across-lines",
        "Verdict: ALERT\n\nOn second thought, the figure is a coat on a hook.\nVerdict: CLEAR",
        False,
        "hedge",
    ),
    Case("hedge-either", "This could be either ALERT or CLEAR.", False, "hedge"),
    Case(
        "hedge-possibly-alert",
        "Possibly ALERT: there may be a person behind the car.",
        False,
        "hedge",
    ),
    Case(
        "hedge-maybe-alert-lowercase",
        "maybe alert? a shape near the bins",
        False,
        "hedge",
    ),
    Case("hedge-alert-question-mark", "ALERT (?) - a figure near the shed", False, "hedge"),
    Case(
        "hedge-alert-low-confidence",
        "ALERT (low confidence): a person-like shape near the hedge.",
        False,
        "hedge",
    ),
    Case("hedge-leaning", "Leaning CLEAR, bordering on ALERT.", False, "hedge"),
    Case(
        "hedge-borderline",
        "Borderline ALERT: a person may be standing in the dark.",
        False,
        "hedge",
    ),
    # --- location -----------------------------------------------------------------------
    Case(
        "loc-road-beyond-gate",
        "ALERT: A person is walking on the road beyond the gate.",
        False,
        "location",
    ),
    Case("loc-past-the-hedge", "ALERT: Two people are walking past the hedge.", False, "location"),
    Case("loc-outside-the-fence", "ALERT: A car is idling outside the fence.", False, "location"),
    Case(
        "loc-beyond-property-line",
        "ALERT: A man standing just beyond the property line.",
        False,
        "location",
    ),
    Case("loc-on-the-sidewalk", "ALERT - a jogger on the sidewalk.", False, "location"),
    Case(
        "loc-along-the-pavement",
        "ALERT: A woman pushing a pram along the pavement.",
        False,
        "location",
    ),
    Case("loc-across-the-street", "ALERT: A van parked across the street.", False, "location"),
    Case(
        "loc-other-side-of-road",
        "ALERT: A dog is sniffing around on the other side of the road.",
        False,
        "location",
    ),
    Case("loc-in-the-street", "ALERT: Kids are playing in the street.", False, "location"),
    Case(
        "loc-public-footpath",
        "ALERT: A cyclist on the public footpath.",
        False,
        "location",
    ),
    Case("loc-at-the-kerb", "ALERT: A lorry stopped at the kerb.", False, "location"),
    Case("loc-crossing-the-road", "ALERT: A deer crossing the road.", False, "location"),
    Case(
        "loc-off-the-property",
        "ALERT: A person off the property, near the letterbox.",
        False,
        "location",
    ),
    Case(
        "loc-not-on-property",
        "ALERT: A delivery van, not on the property, parked on the lane.",
        False,
        "location",
    ),
    Case(
        "loc-json-street-on-property-true",
        j("ALERT", "A man walks along the street.", ["person"]),
        False,
        "location",
    ),
    Case("loc-free-text-jogging", "A man is jogging along the road.", False, "location"),
    Case(
        "loc-climbing-over-wall-from-street",
        "ALERT: A man is climbing over the wall from the street.",
        True,
        "alert",
    ),
    Case(
        "loc-climbing-from-outside-fence",
        "ALERT: Someone outside the fence is climbing over it.",
        True,
        "alert",
    ),
    Case(
        "loc-jumped-fence-from-footpath",
        "ALERT: A teenager jumped the back fence from the footpath.",
        True,
        "alert",
    ),
    Case(
        "loc-json-scaling-wall-from-road",
        j("ALERT", "A person is scaling the garden wall from the road.", ["person"]),
        True,
        "json_alert",
    ),
    Case(
        "loc-negated-not-on-street",
        "ALERT: A man is at the front door, not on the street.",
        True,
        "alert",
    ),
    Case(
        "loc-intrusion-negated",
        "No one is climbing over the fence; a car passes on the road.",
        False,
        "location",
    ),
    Case(
        "loc-from-street-into-driveway",
        "ALERT: A car is pulling into the driveway from the street.",
        True,
        "alert",
    ),
    Case(
        "loc-streetlight-is-not-street",
        "ALERT: A man is standing under the streetlight by our front door.",
        True,
        "alert",
    ),
    Case(
        "loc-no-cars-on-street-man-at-door",
        "A man is standing at the front door. There are no cars on the street.",
        True,
        "subject",
    ),
    Case(
        "loc-nobody-on-road-woman-at-gate",
        "ALERT: Nobody on the road; a woman is at the back gate.",
        True,
        "alert",
    ),
    Case(
        "loc-man-with-no-coat-walking-on-street",
        "ALERT: A man with no coat walking on the street.",
        False,
        "location",
    ),
    # --- shadows and reflections --------------------------------------------------------
    Case(
        "shadow-of-person",
        "ALERT: The shadow of a person moves across the wall.",
        False,
        "shadow",
    ),
    Case(
        "shadow-cast-by-car",
        "ALERT: A shadow cast by a passing car sweeps the driveway.",
        False,
        "shadow",
    ),
    Case(
        "shadow-just-a-shadow",
        "Looks like a person but it is just a shadow.",
        False,
        "shadow",
    ),
    Case(
        "shadow-reflection-in-window",
        "ALERT: Reflection of a man in the window glass.",
        False,
        "shadow",
    ),
    Case(
        "shadow-headlights-reflected",
        "ALERT: A car's headlights reflected on the garage door.",
        False,
        "shadow",
    ),
    Case(
        "shadow-silhouette-on-curtain",
        "ALERT: The silhouette of a figure on the curtain.",
        False,
        "shadow",
    ),
    Case(
        "shadow-mirror-image",
        "A mirror image of a person is visible in the glass door.",
        False,
        "shadow",
    ),
    Case(
        "shadow-json-branches",
        j("ALERT", "Shadows of tree branches resembling a person.", ["person"]),
        False,
        "shadow",
    ),
    Case(
        "shadow-nothing-but",
        "Nothing but a shadow moving on the lawn.",
        False,
        "shadow",
    ),
    Case(
        "shadow-llava-reflection-of-camera",
        "I can see a reflection of a person in the glass door, likely the camera's own "
        "infrared light bouncing back.",
        False,
        "shadow",
    ),
    Case(
        "shadow-denied-not-just-a-shadow",
        "ALERT: This is not just a shadow - a man is hiding behind the bins.",
        True,
        "alert",
    ),
    Case(
        "shadow-in-the-shadow-of-garage",
        "ALERT: A man is hiding in the shadow of the garage.",
        True,
        "alert",
    ),
    Case(
        "shadow-could-be-a-shadow",
        "Verdict: ALERT\nDescription: A dark figure near the hedge, could be a shadow.",
        False,
        "shadow",
    ),
    Case(
        "shadow-colon-not-a-shadow-real-person",
        "ALERT: Not a shadow: a real person stands by the gate.",
        True,
        "alert",
    ),
    # --- the model changes its mind -------------------------------------------------------
    Case(
        "retraction-no-wait",
        "ALERT: A person. No wait, it's a coat on a hanger.",
        False,
        "hedge",
    ),
    Case(
        "retraction-scratch-that",
        "ALERT - someone at the gate. Scratch that, it is the gate post.",
        False,
        "hedge",
    ),
    Case(
        "retraction-i-was-wrong",
        "Verdict: ALERT\nA man by the car. I was wrong, the car is empty and nobody is there.",
        False,
        "hedge",
    ),
    # --- more mixed answers ---------------------------------------------------------------
    Case(
        "mixed-not-clear-colon-man",
        "ALERT\nThe driveway is not CLEAR: a man is standing by the car.",
        True,
        "alert",
    ),
    Case(
        "mixed-no-persons-however-vehicle",
        "ALERT: No persons detected; however, a vehicle has entered the driveway.",
        True,
        "alert",
    ),
    Case(
        "mixed-json-then-note-on-street",
        fenced(j("ALERT", "A man.", ["person"])) + "\nNote: the man might be on the street.",
        False,
        "location",
    ),
    Case(
        "mixed-json-on-property-yes",
        j("ALERT", "A man is standing in the doorway.", ["person"], on_property="yes"),
        True,
        "json_alert",
    ),
    Case(
        "mixed-german-then-alert",
        "Ich sehe eine Person an der T\u00fcr. ALERT",
        True,
        "alert",
    ),
    Case(
        "mixed-negated-description-then-verdict",
        "Description: No people are visible.\nVerdict: ALERT",
        False,
        "negation",
    ),
    Case(
        "mixed-homeowner-clear-last",
        "I do not believe this is a threat; the person is the homeowner. CLEAR",
        False,
        "clear",
    ),
    Case(
        "mixed-alert-without-subject-word",
        "ALERT: Suspicious activity near the back door.",
        True,
        "alert",
    ),
    Case(
        "mixed-without-a-mask-is-not-negation",
        "ALERT: A person without a mask is entering the garage.",
        True,
        "alert",
    ),
    Case(
        "mixed-with-no-shoes-is-not-negation",
        "ALERT: A man with no shoes is standing on the porch.",
        True,
        "alert",
    ),
    Case(
        "mixed-reasoning-then-verdict",
        "Reasoning: The figure has two legs and arms and is moving toward the house.\n"
        "Verdict: ALERT",
        True,
        "alert",
    ),
    Case(
        "mixed-subjects-label-line",
        "ALERT. Subjects: person. Description: A man is crouching behind the car.",
        True,
        "alert",
    ),
    Case("mixed-spider-on-lens", "A spider is crawling across the lens.", False, "no_subject"),
    Case(
        "mixed-fire-flames",
        "ALERT: Fire! Flames are visible from the garage window.",
        True,
        "alert",
    ),
    Case(
        "loc-walking-road-not-climbing",
        "ALERT: A man is walking on the road, not climbing over the fence.",
        False,
        "location",
    ),
    Case(
        "loc-jumped-over-fence-from-road",
        "ALERT: A person jumped over the fence into our garden from the road.",
        True,
        "alert",
    ),
    # --- the answer says in words that nothing is an event -------------------------------
    Case(
        "event-not-a-security-event-just-a-cat",
        "This does not appear to be a security event; it's just a cat walking across the lawn.",
        False,
        "negation",
    ),
    Case(
        "event-security-event-no",
        "Security event: no. A cat walks along the wall.",
        False,
        "negation",
    ),
    Case(
        "event-false-alarm-postman",
        "False alarm: the person is the postman.",
        False,
        "negation",
    ),
    Case(
        "event-poses-no-threat",
        "The man poses no threat; he is delivering a parcel.",
        False,
        "negation",
    ),
    Case(
        "event-alert-doesnt-seem-a-threat",
        "ALERT: The person doesn't seem to be a threat.",
        False,
        "negation",
    ),
    Case(
        "event-no-obvious-threat-but-man",
        "ALERT: No obvious threat, but a man is lingering by the car.",
        True,
        "alert",
    ),
    Case(
        "event-cant-rule-out-threat-colon",
        "I can't rule out a threat: a man is at the door.",
        True,
        "subject",
    ),
    # --- lower case, bold, misc verdict spellings ------------------------------------
    Case(
        "lower-alert-alone-on-line",
        "alert\nA delivery driver left a parcel at the door.",
        True,
        "alert",
    ),
    Case("lower-clear-alone-on-line", "clear.\nJust rain.", False, "clear"),
    Case("lower-alert-colon", "alert: someone is in the garden", True, "alert"),
    Case(
        "lower-alert-adjective-is-not-verdict",
        "The dog is alert and watching the house.",
        True,
        "subject",
    ),
    Case(
        "lower-clear-skies-is-not-verdict",
        "Clear skies; a man is walking up the driveway.",
        True,
        "subject",
    ),
    Case("square-brackets-lowercase", "Verdict: [alert] A man at the door.", True, "alert"),
    Case(
        "assistant-role-prefix",
        "ASSISTANT: ALERT. A person is at the side gate.",
        True,
        "alert",
    ),
    Case("backticks-alert", "`ALERT` - person at the gate", True, "alert"),
    Case("all-caps-shouting", "ALERT! A MAN IS BREAKING INTO THE CAR!", True, "alert"),
    Case("red-alert", "RED ALERT: smoke coming from the garage roof.", True, "alert"),
    Case(
        "unclear-is-not-clear",
        "The picture is a bit unclear, but a man is clearly visible at the gate.",
        True,
        "subject",
    ),
    Case("all-clear", "ALL CLEAR. The garden is quiet.", False, "clear"),
    Case(
        "fire-hydrant-is-not-fire",
        "The frame shows a fire hydrant and a bin next to the hedge.",
        False,
        "no_subject",
    ),
    # --- unicode ------------------------------------------------------------------------
    Case(
        "unicode-fullwidth-alert",
        "\uff21\uff2c\uff25\uff32\uff34: \uff41 \uff4d\uff41\uff4e \uff41\uff54 "
        "\uff54\uff48\uff45 \uff44\uff4f\uff4f\uff52",
        True,
        "alert",
    ),
    Case(
        "unicode-zero-width-inside-word",
        "AL\u200bERT: A person is at the gate.",
        True,
        "alert",
    ),
    Case(
        "unicode-french-description",
        "ALERT: Une personne est devant la porte d\u2019entr\u00e9e.",
        True,
        "alert",
    ),
    Case(
        "unicode-emoji-clear",
        "\u2705 CLEAR - just the neighbour\u2019s cat \U0001f408 on the wall.",
        False,
        "clear",
    ),
    Case(
        "unicode-cjk-clear-fullwidth-colon",
        "CLEAR\uff1a\u753b\u9762\u4e2d\u6ca1\u6709\u4eba\u3002",
        False,
        "clear",
    ),
    Case(
        "unicode-nbsp",
        "Verdict:\u00a0ALERT\u00a0- a man at the gate",
        True,
        "alert",
    ),
    Case(
        "unicode-cjk-only",
        "\u753b\u9762\u306b\u4eba\u306f\u3044\u307e\u305b\u3093\u3002",
        False,
        "unparseable",
    ),
    Case(
        "unicode-json-non-ascii",
        j("ALERT", "Ein Mann steht vor der T\u00fcr \u2013 a man at the door.", ["person"]),
        True,
        "json_alert",
    ),
    # --- very long answers --------------------------------------------------------------
    Case(
        "long-prose-final-verdict-alert",
        _LONG_SCENE
        * 4
        + "Near the shed a person in dark clothing is crouching beside the door.\n\n"
        "Final verdict: ALERT",
        True,
        "alert",
    ),
    Case(
        "long-prose-all-negated",
        _LONG_SCENE * 4 + "There is no person, vehicle or animal anywhere in the frame.",
        False,
        "negation",
    ),
    Case(
        "long-json-description",
        j("ALERT", "A man is forcing the shed door. " + _LONG_SCENE * 3, ["person"]),
        True,
        "json_alert",
    ),
    Case(
        "long-prose-no-subject",
        _LONG_SCENE * 6,
        False,
        "no_subject",
    ),
    # --- truncated ----------------------------------------------------------------------
    Case("trunc-verdict-value", '{"verdict": "ALE', False, "unparseable"),
    Case("trunc-verdict-key", '{"verd', False, "unparseable"),
    Case(
        "trunc-after-alert",
        '{"verdict": "ALERT", "description": "A man is standing at the fr',
        False,
        "unparseable",
    ),
    Case(
        "trunc-after-clear",
        '{"verdict": "CLEAR", "description": "Branches mov',
        False,
        "json_clear",
    ),
    Case(
        "trunc-fenced-pretty",
        '```json\n{\n  "verdict": "ALERT",\n  "descr',
        False,
        "unparseable",
    ),
    Case(
        "trunc-description-first",
        '{"description": "A man is at the door", "verd',
        False,
        "unparseable",
    ),
    Case(
        "trunc-after-preamble",
        'Sure! Here is the JSON:\n{"verdict": "AL',
        False,
        "unparseable",
    ),
    Case(
        "trunc-only-closing-brace-missing",
        '{"verdict": "ALERT", "description": "A man at the back door.", '
        '"subjects": ["person"], "on_property": true',
        True,
        "json_alert",
    ),
    Case(
        "trunc-only-closing-brace-missing-off-property",
        '{"verdict": "ALERT", "description": "A man walking by.", '
        '"subjects": ["person"], "on_property": false',
        False,
        "off_property",
    ),
    Case(
        "trunc-before-on-property",
        '{"verdict": "ALERT", "description": "A man on the lawn.", "subjects": ["person"], '
        '"on_prop',
        False,
        "unparseable",
    ),
    # --- empty and garbage --------------------------------------------------------------
    Case("empty", "", False, "unparseable"),
    Case("whitespace", "   \n\t  \r\n", False, "unparseable"),
    Case("punctuation", "!!!???...---", False, "unparseable"),
    Case("braces-only", "{}", False, "unparseable"),
    Case("number-only", "42", False, "unparseable"),
    Case("null-literal", "null", False, "unparseable"),
    Case("random-words", "banana keyboard purple elephant", False, "unparseable"),
    Case(
        "lorem-ipsum",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
        False,
        "unparseable",
    ),
    Case("special-tokens-only", "<|im_end|>", False, "unparseable"),
    Case("unk-tokens", "<unk><unk><unk></s>", False, "unparseable"),
    Case("empty-code-fence", "```json\n```", False, "unparseable"),
    Case("json-without-verdict", '{"foo": "bar"}', False, "unparseable"),
    Case("control-characters", "\x00\x01\x02\x1b[0m", False, "unparseable"),
]
