"""The story record: one real-world event fused from the events of many articles.

A contract like `stream.core.records`: `stream.core.schema` derives
``schemas/story.schema.json`` from these dataclasses.  The logic that builds
stories lives in `stream.fusion`; this module only says what a story looks like.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from stream.core.records import SCHEMA_VERSION, ActorKind, EventType, Granularity, Location, doc

StoryStatus = Literal["open", "closed"]


@dataclass(frozen=True, slots=True)
class StoryActor:
    """A party to the story: the union of its members' actors, by code."""

    code: str
    name: str | None
    kind: ActorKind
    mentions: int = field(metadata=doc("How many member events name this actor."))


@dataclass(frozen=True, slots=True)
class StoryTime:
    """The days every agreeing report allows: the intersection of the members' intervals."""

    earliest: str = field(metadata=doc("First possible day, YYYY-MM-DD."))
    latest: str = field(metadata=doc("Last possible day, YYYY-MM-DD."))
    value: str | None = field(metadata=doc(
        "TIMEX3 value of the interval: the day, or the month or year both bounds share; null if none."))
    granularity: Granularity


@dataclass(frozen=True, slots=True)
class StoryMember:
    """One event of one article that reports this story."""

    event_id: str
    article_id: str
    outlet: str = field(metadata=doc(
        "Who published the article: its source, else its url's host, else the article id (counted alone)."))


@dataclass(frozen=True, slots=True)
class StoryConflict:
    """A member whose interval disagrees with the others': kept out of the intersection."""

    event_id: str
    article_id: str
    earliest: str
    latest: str


@dataclass(frozen=True, slots=True)
class Story:
    """One real-world event as every report of it tells it, its date narrowed by all of them."""

    story_id: str = field(metadata=doc(
        "Stable: a hash of the fusion key and the smallest member event_id; the key of the stories topic."))
    fusion_key: str = field(metadata=doc("Where the story was fused: the event type, which all its members share."))
    type: EventType
    cameo: str = field(metadata=doc("The CAMEO code most members carry (ties: the more specific)."))
    quad_class: int
    actors: list[StoryActor]
    location: Location | None = field(metadata=doc("The venue most members name, or null."))
    time: StoryTime | None = field(metadata=doc("Null when no member has a date."))
    members: list[StoryMember]
    articles: int = field(metadata=doc("Distinct articles among the members."))
    sources: int = field(metadata=doc("Distinct outlets among the members."))
    outlets: list[str]
    confidence: float = field(metadata=doc(
        "Noisy-or over outlets of each outlet's best member confidence: grows with independent reports."))
    conflicts: list[StoryConflict]
    status: StoryStatus = field(metadata=doc("'closed' once no report arrived for the idle time, or after seven idle periods open; final."))
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
