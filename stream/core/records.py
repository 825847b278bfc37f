"""Typed records that flow out of the core.

These dataclasses are the single source of truth for the message contract:
`stream.core.schema` derives the JSON Schemas in `schemas/` from them, and a
test checks that the committed files match.  Field docs live in
``metadata={"doc": ...}`` so they reach the schema's descriptions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

SCHEMA_VERSION = "1.0.0"

EventType = Literal[
    "MEETING", "PROPOSAL", "WARNING", "DEMAND", "APPEAL", "ACCUSATION",
    "REJECTION", "AGREEMENT", "SANCTION", "STATEMENT",
]
Modality = Literal["asserted", "planned", "conditional", "negated", "reported"]
ActorKind = Literal["state", "organisation", "person", "group", "bloc", "other"]
TimexType = Literal["DATE", "TIME", "DURATION", "SET"]
Granularity = Literal[
    "century", "decade", "year", "quarter", "season", "month", "week", "day",
    "part_of_day", "time", "none",
]


def doc(text: str) -> dict[str, Any]:
    """Field metadata carrying a description into the JSON Schema."""
    return {"doc": text}


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A piece of the article's text; offsets index the text with the header removed."""

    text: str
    start: int = field(metadata=doc("Character offset of the first character."))
    end: int = field(metadata=doc("Character offset just past the last character."))


@dataclass(frozen=True, slots=True)
class Actor:
    """Who acts, speaks or is acted upon, normalised to a code."""

    text: str = field(metadata=doc("The mention as written."))
    code: str | None = field(metadata=doc(
        "ISO 3166 alpha-3 for states, English acronym for organisations (NATO, EU, UN), "
        "EUR for the Europeans, short upper-case name for groups."))
    name: str | None = field(metadata=doc("Canonical name (English), e.g. 'Russia', 'Jens Stoltenberg'."))
    kind: ActorKind
    affiliation: str | None = field(metadata=doc("Code of the state or organisation a person belongs to."))


@dataclass(frozen=True, slots=True)
class Location:
    """Where an event takes place."""

    text: str = field(metadata=doc("The venue as written."))
    name: str = field(metadata=doc("Canonical venue, e.g. 'NATO headquarters, Brussels'."))
    country: str | None = field(metadata=doc("ISO 3166 alpha-3 of the venue's country, when known."))


@dataclass(frozen=True, slots=True)
class TimeInfo:
    """When an event happens: a TIMEX3 value plus the honest interval of possible days."""

    text: str | None = field(metadata=doc("The time words as written, null when inherited."))
    value: str | None = field(metadata=doc("TIMEX3 value (ISO-TimeML), the best single guess."))
    earliest: str | None = field(metadata=doc("First possible day, YYYY-MM-DD."))
    latest: str | None = field(metadata=doc("Last possible day, YYYY-MM-DD."))
    granularity: Granularity
    anchor: str = field(metadata=doc("How the value was reached, e.g. 'dct:month+tense:past'."))


@dataclass(frozen=True, slots=True)
class Timex:
    """A temporal expression found in the text, with its TIMEX3 normalisation."""

    start: int
    end: int
    text: str
    type: TimexType
    value: str | None = field(metadata=doc("TIMEX3 value, e.g. 2022-01-12, P2Y, XXXX-WXX-1, PRESENT_REF."))
    earliest: str | None = field(metadata=doc("First possible day for DATE/TIME, YYYY-MM-DD."))
    latest: str | None = field(metadata=doc("Last possible day for DATE/TIME, YYYY-MM-DD."))
    granularity: Granularity
    anchor: str = field(metadata=doc("What the value was resolved against and how."))
    mod: str | None = field(default=None, metadata=doc("TIMEX3 mod: START, MID, END, APPROX, LESS_THAN, MORE_THAN..."))

    def as_time(self) -> TimeInfo:
        return TimeInfo(self.text, self.value, self.earliest, self.latest, self.granularity, self.anchor)


@dataclass(frozen=True, slots=True)
class ExtractorInfo:
    """Which code and model produced a record, for reproducibility."""

    version: str
    model: str


@dataclass(frozen=True, slots=True)
class Event:
    """One real-world diplomatic event, with every mention of it as evidence."""

    event_id: str = field(metadata=doc("Stable id: same article and same event give the same id."))
    article_id: str
    type: EventType
    cameo: str = field(metadata=doc("Most specific CAMEO code the text supports, e.g. '036'."))
    quad_class: int = field(metadata=doc(
        "GDELT QuadClass: 1 verbal cooperation, 2 material cooperation, "
        "3 verbal conflict, 4 material conflict."))
    trigger: TextSpan
    source: Actor | None
    targets: list[Actor]
    participants: list[Actor]
    location: Location | None
    time: TimeInfo | None
    modality: Modality
    speaker: Actor | None
    evidence: list[TextSpan] = field(metadata=doc("Every sentence that mentions this event."))
    confidence: float
    extractor: ExtractorInfo
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


DeadLetterReason = Literal[
    "empty_message", "invalid_utf8", "invalid_json", "invalid_shape", "missing_text",
    "empty_text", "bad_date", "too_large", "unsupported_language", "extraction_failed", "extraction_timeout",
]


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """An input that left the pipeline at the edge, with everything needed to replay it."""

    reason: DeadLetterReason
    message: str = field(metadata=doc("A human-readable explanation."))
    original_base64: str = field(metadata=doc("The original message value, base64-encoded (empty for null)."))
    original_key_base64: str | None
    topic: str
    partition: int
    offset: int
    article_id: str | None = field(metadata=doc(
        "The article's id if it was read, else the one its key gives as for articles (the key; a hash of the"
        " original bytes when the key is over 256 characters or not UTF-8); null for a keyless message."))
    failed_at: str = field(metadata=doc("UTC time of the failure, ISO 8601."))
    extractor: ExtractorInfo
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class ReplayMark:
    """One dead-lettered input replayed to the articles topic (compacted <dead-letter topic>-replayed, keyed by source)."""

    #: The input replayed, "topic/partition/offset" of the original message.
    source: str
    #: The dead letter's reason code.
    reason: str
    #: Where the replay landed, "topic/partition/offset" on the articles topic.
    to: str
    #: When it was replayed, ISO 8601 UTC.
    replayed_at: str

