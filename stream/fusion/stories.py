"""Join rules and the state of open stories, as plain dicts (they live in a Faust table's changelog).

A story's state is its fusion key, its member reports (`stream.fusion.key.report_of`)
sorted by event id, and when it was last updated.  Everything published about it
(`record_of`) is derived from the member set alone, so the same reports give the
same record whatever order they came in.

An event joins a story of its key when
- its actors overlap the story's enough (half of the smaller set),
- its place does not contradict the story's (different countries, or different
  venues when a country is unknown),
- its interval overlaps the interval of at least one agreeing member (or either
  side has no date);
else it opens a story.  Of several candidates it joins the one sharing most
actors, then the oldest (smallest story id).  An event already a member changes
nothing (redelivery).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from stream.core.records import Location
from stream.core.story import Story, StoryActor, StoryConflict, StoryMember, StoryTime
from stream.fusion.intervals import agreement, overlaps, parse_interval, timex_of
from stream.fusion.key import fusion_key, report_of

#: An event joins when it shares at least this share of the smaller actor set.
MIN_ACTOR_OVERLAP = 0.5


@dataclass(slots=True)
class Fused:
    """What one event did to its key's open stories."""

    stories: list[dict[str, Any]]                                 # the key's open stories, new state
    changed: list[dict[str, Any]] = field(default_factory=list)   # records to publish
    retired: list[str] = field(default_factory=list)              # story ids no longer in use (tombstone them)
    duplicate: bool = False                                       # the event was already a member


def story_id(key: str, members: list[dict[str, Any]]) -> str:
    """A hash of the key and the smallest member event id: independent of arrival order."""
    anchor = min(m["event_id"] for m in members)
    return hashlib.sha1(f"{key}\x1f{anchor}".encode()).hexdigest()[:20]


def _codes(reports: list[dict[str, Any]]) -> set[str]:
    return {a["code"] for r in reports for a in r["actors"]}


def _actor_overlap(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 1.0 if not a and not b else 0.0
    return len(a & b) / min(len(a), len(b))


def _place(reports: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The venue most members name (ties: the first name in alphabetical order)."""
    places = Counter((loc["name"], loc.get("country")) for r in reports if (loc := r.get("location")))
    if not places:
        return None
    (name, _), _n = min(places.items(), key=lambda kv: (-kv[1], kv[0][0]))
    return next(r["location"] for r in sorted(reports, key=lambda r: r["event_id"])
                if r.get("location") and r["location"]["name"] == name)


def _contradicts(place: dict[str, Any] | None, other: dict[str, Any] | None) -> bool:
    if not place or not other:
        return False
    if place.get("country") and other.get("country"):
        return place["country"] != other["country"]
    return place["name"] != other["name"]


def _interval(report: dict[str, Any]) -> Any:
    return parse_interval(report.get("earliest"), report.get("latest"))


def _agreeing_intervals(members: list[dict[str, Any]]) -> list[Any]:
    intervals = [_interval(m) for m in members]
    found = agreement(intervals)
    return [] if found is None else [intervals[i] for i in sorted(found.agreeing)]


def joins(story: dict[str, Any], report: dict[str, Any]) -> float | None:
    """How well the report fits the story (its actor overlap), or None if a rule keeps it out."""
    members = story["members"]
    overlap = _actor_overlap(_codes(members), _codes([report]))
    if overlap < MIN_ACTOR_OVERLAP:
        return None
    if _contradicts(_place(members), report.get("location")):
        return None
    mine = _interval(report)
    theirs = _agreeing_intervals(members)
    if mine is not None and theirs and not any(overlaps(mine, iv) for iv in theirs):
        return None
    return overlap


def fuse(stories: list[dict[str, Any]], event: dict[str, Any], outlet: str, now: float) -> Fused:
    """Add one event to its key's open stories (`stories` is not modified)."""
    key = fusion_key(event)
    if any(m["event_id"] == event["event_id"] for s in stories for m in s["members"]):
        return Fused(stories, duplicate=True)
    report = report_of(event, outlet)
    scored = [(fit, s) for s in stories if (fit := joins(s, report)) is not None]
    out = list(stories)
    retired: list[str] = []
    if scored:
        _, target = min(scored, key=lambda fs: (-fs[0], fs[1]["story_id"]))
        members = sorted([*target["members"], report], key=lambda m: m["event_id"])
        updated = {"key": key, "story_id": story_id(key, members), "members": members, "updated_at": now}
        if updated["story_id"] != target["story_id"]:
            retired.append(target["story_id"])
        out[out.index(target)] = updated
    else:
        updated = {"key": key, "story_id": story_id(key, [report]), "members": [report], "updated_at": now}
        out.append(updated)
    out.sort(key=lambda s: s["story_id"])
    return Fused(out, [record_of(updated)], retired)


def close_idle(stories: list[dict[str, Any]], now: float, idle_seconds: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split the key's stories into those still open and the records of those closed now."""
    kept = [s for s in stories if now - s["updated_at"] < idle_seconds]
    closed = [record_of(s, status="closed") for s in stories if now - s["updated_at"] >= idle_seconds]
    return kept, closed


def _actors(members: list[dict[str, Any]]) -> list[StoryActor]:
    mentions = Counter(a["code"] for m in members for a in {a["code"]: a for a in m["actors"]}.values())
    first = {}
    for m in members:
        for a in m["actors"]:
            known = first.get(a["code"])
            if known is None or (known["name"] is None and a.get("name")) or known["kind"] == "person" != a["kind"]:
                first[a["code"]] = a   # prefer a named, non-person form of the code (the state over its envoy)
    return [StoryActor(code, first[code]["name"], first[code]["kind"], n)
            for code, n in sorted(mentions.items(), key=lambda kv: (-kv[1], kv[0]))]


def _location(place: dict[str, Any] | None) -> Location | None:
    return Location(place["text"], place["name"], place.get("country")) if place else None


def _confidence(members: list[dict[str, Any]]) -> float:
    best: dict[str, float] = {}
    for m in members:
        best[m["outlet"]] = max(best.get(m["outlet"], 0.0), m["confidence"])
    doubt = 1.0
    for c in best.values():
        doubt *= 1.0 - min(max(c, 0.0), 1.0)
    return round(1.0 - doubt, 4)


def record_of(state: dict[str, Any], status: str = "open") -> dict[str, Any]:
    """The story as published: a pure function of its members."""
    members: list[dict[str, Any]] = state["members"]
    intervals = [_interval(m) for m in members]
    found = agreement(intervals)
    time = None
    conflicts: list[StoryConflict] = []
    if found is not None:
        value, granularity = timex_of(found.earliest, found.latest)
        time = StoryTime(found.earliest.isoformat(), found.latest.isoformat(), value, granularity)  # type: ignore[arg-type]
        conflicts = [StoryConflict(m["event_id"], m["article_id"], m["earliest"][:10], m["latest"][:10])
                     for i, m in enumerate(members) if intervals[i] is not None and i not in found.agreeing]
    cameo = min(Counter(m["cameo"] for m in members).items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]
    typed = next(m for m in members if m["cameo"] == cameo)
    outlets = sorted({m["outlet"] for m in members})
    return Story(
        story_id=state["story_id"], fusion_key=state["key"], type=typed["type"], cameo=cameo,
        quad_class=typed["quad_class"], actors=_actors(members), location=_location(_place(members)), time=time,
        members=[StoryMember(m["event_id"], m["article_id"], m["outlet"]) for m in members],
        articles=len({m["article_id"] for m in members}), sources=len(outlets), outlets=outlets,
        confidence=_confidence(members), conflicts=conflicts, status=status,  # type: ignore[arg-type]
    ).to_dict()


class Fuser:
    """Open stories of every key in memory: the offline commands' (and the benchmark's) fusion state."""

    def __init__(self) -> None:
        self.open: dict[str, list[dict[str, Any]]] = {}

    def add(self, event: dict[str, Any], outlet: str, now: float = 0.0) -> Fused:
        key = fusion_key(event)
        fused = fuse(self.open.get(key, []), event, outlet, now)
        self.open[key] = fused.stories
        return fused

    def records(self) -> list[dict[str, Any]]:
        """Every open story, most reported first."""
        records = [record_of(s) for stories in self.open.values() for s in stories]
        return sorted(records, key=lambda r: (-r["sources"], -r["articles"], r["story_id"]))
