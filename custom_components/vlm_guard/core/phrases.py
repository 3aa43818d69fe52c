"""Phrase lists of the verdict rules, and the text clean-up they match against.

Each entry is a case-insensitive regex fragment matched as a whole word or
phrase. `VerdictPhrases` compiles its lists once, so a camera can add its own
("in the neighbour's garden") without touching the rules in verdict_guards.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
import re
import unicodedata

# Curly quotes would hide JSON and apostrophes; zero-width and soft hyphens hide words.
_TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\u2060": None,
        "\ufeff": None,
        "\u00ad": None,
    }
)
# A reasoning model's thinking is not its answer; an unfinished one means no answer.
_THINKING = re.compile(r"<think(?:ing)?>.*?(?:</think(?:ing)?>|\Z)", re.IGNORECASE | re.DOTALL)
_SPECIAL_TOKENS = re.compile(
    r"<\|[^<>|]{0,40}\|>|</?s>|<(?:eos|bos|pad|unk|end_of_turn|start_of_turn)>", re.IGNORECASE
)


def normalise(text: str) -> str:
    """Return the answer without thinking, special tokens and look-alike characters."""
    text = unicodedata.normalize("NFKC", text).translate(_TRANSLATE)
    text = _THINKING.sub(" ", text)
    return _SPECIAL_TOKENS.sub(" ", text).strip()


def strip_markup(text: str) -> str:
    """Return the answer without thinking and special tokens, its characters untouched.

    JSON is read from this first: a curly quote inside a description is text,
    and turning it into a straight quote would break the JSON around it.
    """
    text = _THINKING.sub(" ", text)
    return _SPECIAL_TOKENS.sub(" ", text).strip()


# Built-in phrase lists. Each entry is a regex fragment, matched case-insensitively
# as a whole word or phrase (not inside a longer word).
DEFAULT_SUBJECTS: tuple[str, ...] = (
    r"persons?",
    r"people",
    r"m[ae]n",
    r"wom[ae]n",
    r"child(?:ren)?",
    r"kids?",
    r"boys?",
    r"girls?",
    r"guys?",
    r"teenagers?",
    r"individuals?",
    r"some(?:one|body)",
    r"intruders?",
    r"burglars?",
    r"thie(?:f|ves)",
    r"strangers?",
    r"prowlers?",
    r"trespassers?",
    r"humans?",
    r"figures?",
    r"visitors?",
    r"pedestrians?",
    r"couriers?",
    r"drivers?",
    r"(?:post|mail)m[ae]n",
    r"cyclists?",
    r"joggers?",
    r"vehicles?",
    # "car park", "car port": places, not vehicles.
    r"cars?(?!\s*(?:parks?|ports?|wash))",
    r"trucks?",
    r"lorr(?:y|ies)",
    r"vans?",
    r"suvs?",
    r"pickups?",
    r"motorcycles?",
    r"motorbikes?",
    r"scooters?",
    r"bicycles?",
    r"bikes?",
    r"animals?",
    r"dogs?",
    r"cats?",
    r"fox(?:es)?",
    r"deer",
    r"bears?",
    r"coyotes?",
    r"raccoons?",
    r"wol(?:f|ves)",
    r"boars?",
    r"horses?",
    r"cows?",
    r"packages?",
    r"parcels?",
    # "fire hydrant", "smoke detector": objects, not events.
    r"fire(?!\s+(?:hydrant|pit|place|escape|extinguisher|alarm|door))",
    r"smoke(?!\s+(?:detector|alarm))",
    r"flames?",
)
DEFAULT_NEGATIONS: tuple[str, ...] = (
    r"no",
    r"not",
    r"cannot",
    r"\w+n't",
    r"without",
    r"nothing",
    r"none",
    r"neither",
    r"nor",
    r"never",
    r"nobody",
    r"zero",
    r"absen(?:ce|t)(?:\s+of)?",
    r"free\s+of",
    r"lack\s+of",
    r"devoid\s+of",
    r"empty\s+of",
    r"unable\s+to",
)
DEFAULT_LOCATIONS: tuple[str, ...] = (
    r"(?:beyond|past|outside)\s+(?:the|our|a)\s+(?:front\s+|back\s+|garden\s+|main\s+)?"
    r"(?:gate|fence|wall|hedge|property(?:\s+line)?|boundary|perimeter)",
    r"(?:on|along|in|across|down|up|crossing|onto|into)\s+(?:the|a)\s+"
    r"(?:public\s+|main\s+|nearby\s+|adjacent\s+|opposite\s+|busy\s+|quiet\s+)?"
    r"(?:road|street|sidewalk|pavement|footpath|footway|highway|lane|roadway|roadside|crosswalk)",
    r"(?:on\s+)?the\s+(?:other|far|opposite)\s+side\s+of\s+the\s+"
    r"(?:road|street|fence|gate|wall|hedge)",
    r"off\s+(?:the|our)\s+property",
    r"off-property",
    r"not\s+on\s+(?:the|our)\s+property",
    r"(?:at|by|along)\s+the\s+(?:curb|kerb)",
)
DEFAULT_SHADOWS: tuple[str, ...] = (
    # "in the shadow of the garage" is a place, not a shadow.
    r"(?<!in the )(?<!in a )shadows?\s+(?:of|cast\s+by|from)",
    r"(?:only|just|merely|simply|probably|likely)\s+(?:a\s+|the\s+)?shadows?",
    r"nothing\s+but\s+(?:a\s+)?shadows?",
    r"(?:is|was|be|it's|that's|like)\s+(?:just\s+|only\s+|merely\s+|simply\s+|probably\s+"
    r"|likely\s+)?(?:a|the)\s+shadows?",
    r"reflections?",
    r"reflect(?:ed|ing|s)",
    r"silhouettes?\s+of",
    r"mirror\s+image",
)

# Matches nothing: an empty phrase list must not turn into a pattern that matches everywhere.
_NEVER = re.compile(r"(?!)")


def _alternation(fragments: tuple[str, ...]) -> re.Pattern[str]:
    """Compile fragments into one case-insensitive whole-phrase pattern."""
    if not fragments:
        return _NEVER
    # Lookarounds, not \b: a fragment may start or end in punctuation ("n't").
    body = "|".join(f"(?:{fragment})" for fragment in fragments)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _fragments(value: Iterable[str] | str) -> tuple[str, ...]:
    """Return the non-blank fragments as a tuple (a lone string is one fragment)."""
    items = (value,) if isinstance(value, str) else tuple(value)
    # A blank fragment would match everywhere and silence every alert.
    return tuple(str(item) for item in items if str(item).strip())


def literal_phrase(phrase: str) -> str:
    """Return a regex fragment matching the plain phrase, with any spacing."""
    return r"\s+".join(re.escape(word) for word in normalise(phrase).split())


@dataclass(frozen=True, slots=True)
class CompiledPhrases:
    """The regexes built once from a `VerdictPhrases`."""

    subject: re.Pattern[str]
    negation: re.Pattern[str]
    location: re.Pattern[str]
    shadow: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class VerdictPhrases:
    """Phrase lists (case-insensitive regex fragments) the verdict rules use.

    Raises re.error on construction if a fragment is not a valid regex, so a
    bad configuration fails when it is loaded, not on every answer.
    """

    subjects: tuple[str, ...] = DEFAULT_SUBJECTS
    negations: tuple[str, ...] = DEFAULT_NEGATIONS
    locations: tuple[str, ...] = DEFAULT_LOCATIONS
    shadows: tuple[str, ...] = DEFAULT_SHADOWS
    compiled: CompiledPhrases = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Normalise the lists to tuples and compile them once for this instance."""
        subjects = _fragments(self.subjects)
        negations = _fragments(self.negations)
        locations = _fragments(self.locations)
        shadows = _fragments(self.shadows)
        # Frozen: settle the fields through object.__setattr__ (lists from a
        # config entry become tuples, so the instance stays hashable).
        object.__setattr__(self, "subjects", subjects)
        object.__setattr__(self, "negations", negations)
        object.__setattr__(self, "locations", locations)
        object.__setattr__(self, "shadows", shadows)
        object.__setattr__(
            self,
            "compiled",
            CompiledPhrases(
                subject=_alternation(subjects),
                negation=_alternation(negations),
                location=_alternation(locations),
                shadow=_alternation(shadows),
            ),
        )

    def with_extra(
        self,
        *,
        subjects: Iterable[str] = (),
        negations: Iterable[str] = (),
        locations: Iterable[str] = (),
        shadows: Iterable[str] = (),
        regex: bool = False,
    ) -> VerdictPhrases:
        """Return a copy with phrases added (plain text unless regex=True)."""

        def extend(current: tuple[str, ...], extra: Iterable[str]) -> tuple[str, ...]:
            added = _fragments(extra)
            if not regex:
                added = tuple(literal_phrase(phrase) for phrase in added)
            return current + tuple(fragment for fragment in added if fragment)

        return VerdictPhrases(
            subjects=extend(self.subjects, subjects),
            negations=extend(self.negations, negations),
            locations=extend(self.locations, locations),
            shadows=extend(self.shadows, shadows),
        )


DEFAULT_PHRASES = VerdictPhrases()
