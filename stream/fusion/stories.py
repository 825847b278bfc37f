"""Join rules and the state of open stories, as plain dicts (the worker keeps them in a Faust table).

A story's state is its fusion key, its id, its member reports
(`stream.fusion.key.report_of`) sorted by event id, when it was opened and last
updated (`is_idle` closes it), and the profile the join rules read (`profile_of`).  Everything published about it (`record_of`) is derived from the member
set alone, so the same reports give the same record whatever order they came in.

Dates.  A report whose event has its own time words is *strong*: its interval
narrows the story, and one that contradicts the others is a conflict.  A report
without time words, or with words naming no period ("désormais"), only carries
the document date's interval: for an asserted event that says "on or before
publication", for a planned one "on or after", so it is *weak*: it never narrows a
story that has a strong member, never conflicts, and for joining its interval is stretched by `HORIZON_DAYS` into the
past (asserted, reported, negated) or the future (planned, conditional).

An event joins an open story of its key when
- its actors overlap the story's principal actors (those at least half its members name)
  enough: more than half of the smaller set of codes;
- its place does not contradict the story's (different countries, or different
  venues when a country is unknown);
- its dates are compatible with at least one member the story's interval rests on (two
  strong dates may be `SLACK_DAYS` apart), and a strong date outside the story's interval
  is taken (as a conflict) only from a report naming the story's venue or a day off;
else it opens a story.  Of several candidates it takes the best fit (`joins`),
then the smallest id, and merges in the other candidates that could be one story
with it (`_coherent`).  An event already a member changes nothing (redelivery).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from stream.core.records import Location
from stream.core.story import Story, StoryActor, StoryConflict, StoryMember, StoryTime
from stream.fusion.intervals import agreement, overlaps, parse_interval, timex_of
from stream.fusion.key import fusion_key, report_of

#: An event joins when it shares more than this share of the smaller actor set: 'Trump meets Kim' and
#: 'Trump meets Putin' share half, and are not one story.
MIN_ACTOR_OVERLAP = 0.5
#: How far a weak (header-only) interval may reach beyond the document date's month, for joining.
HORIZON_DAYS = 62
#: Two dated reports a day apart may be one event: a day resolved across midnight or a time zone
#: ('hier' in a text written late and published after midnight, a summit in Asia dated in Paris).
SLACK_DAYS = 1
_FORWARD = {"planned", "conditional"}
#: However busy, a story closes after this many idle periods (a week with the default of one day): a
#: summit's coverage lasts days, and open state must stay bounded.
MAX_OPEN_PERIODS = 7

Interval = tuple[date, date]


@dataclass(slots=True)
class Fused:
    """What one event did to the open stories of its key."""

    state: dict[str, Any] | None = None                          # the story it joined or opened (new state)
    record: dict[str, Any] | None = None                         # that story's record, to publish
    retired: list[str] = field(default_factory=list)             # story ids no longer in use (tombstone them)
    duplicate: dict[str, Any] | None = None                      # the story already holding this event


def story_id(key: str, members: list[dict[str, Any]]) -> str:
    """A hash of the key and the smallest member event id: independent of arrival order."""
    anchor = min(m["event_id"] for m in members)
    return hashlib.sha1(f"{key}\x1f{anchor}".encode()).hexdigest()[:20]


def _interval(report: dict[str, Any]) -> Interval | None:
    return parse_interval(report.get("earliest"), report.get("latest"))


def _reach(report: dict[str, Any]) -> Interval | None:
    """The interval used for joining: a weak one stretched the way its modality points."""
    interval = _interval(report)
    if interval is None or not report.get("weak"):
        return interval
    if report.get("modality") in _FORWARD:
        return interval[0], interval[1] + timedelta(days=HORIZON_DAYS)
    return interval[0] - timedelta(days=HORIZON_DAYS), interval[1]


def _compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two reports can be one event as far as dates go.

    Two weak ones: their own intervals must meet; two strong ones may be `SLACK_DAYS` apart.
    """
    ia, ib = (_interval(a), _interval(b)) if a.get("weak") and b.get("weak") else (_reach(a), _reach(b))
    slack = 0 if a.get("weak") or b.get("weak") else SLACK_DAYS
    return ia is None or ib is None or overlaps(ia, ib, slack)


def _basis(members: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(members the story's interval rests on, strong members that contradict them)."""
    dated = [m for m in members if _interval(m) is not None]
    strong = [m for m in dated if not m.get("weak")]
    pool = strong or dated
    found = agreement([_interval(m) for m in pool])
    if found is None:
        return [], []
    agreeing = [m for i, m in enumerate(pool) if i in found]
    conflicts = [m for i, m in enumerate(pool) if i not in found] if strong else []
    return agreeing, conflicts


def _codes(reports: list[dict[str, Any]]) -> set[str]:
    return {a["code"] for r in reports for a in r["actors"]}


def _principal(reports: list[dict[str, Any]]) -> set[str]:
    """The codes at least half the members name: who the story is about, without one report's extras.

    A host country or a party one outlet adds in passing would otherwise widen the
    story's actor set, and every new report would be measured against that union.
    Only members naming two parties or more vote (when there are any): a report naming
    Trump alone says nothing of whom he met, and would otherwise shrink the story to
    'Trump', which every report naming him then fits.
    """
    sides = [codes for r in reports if len(codes := {a["code"] for a in r["actors"]}) >= 2] or \
        [{a["code"] for a in r["actors"]} for r in reports]
    named = Counter(code for codes in sides for code in codes)
    return {code for code, n in named.items() if 2 * n >= len(sides)}


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


def _within(report: dict[str, Any], agreeing: list[dict[str, Any]], slack: int = 0) -> bool:
    """The report's interval (stretched if weak) meets the story's (or comes within `slack` days of it),
    when strong members set the story's."""
    strong = [m for m in agreeing if not m.get("weak")]
    mine = _reach(report)
    if not strong or mine is None:
        return False
    time = _time(strong)
    assert time is not None
    return overlaps(mine, (date.fromisoformat(time.earliest), date.fromisoformat(time.latest)), slack)


def _same_place(place: dict[str, Any] | None, other: dict[str, Any] | None) -> bool:
    return bool(place and other and place["name"] == other["name"])


def joins(story: dict[str, Any], report: dict[str, Any]) -> tuple[bool, bool, float, int, float] | None:
    """How well the report fits the story, or None if a rule keeps it out.

    The fit, best first: the report's interval meets the one the story's strong members set; the
    same venue; the actor overlap; the story's articles (reports gather on the event everybody
    covers); the actors' Jaccard.  An article's own events may share a story: the extractor
    sometimes splits one event of an article into several (preferring stories without the
    article's events scored no better on the development clusters).
    """
    profile = story.get("profile") or profile_of(story["members"])
    mine, theirs = _codes([report]), set(profile["codes"])
    overlap = _actor_overlap(theirs, mine)
    if overlap <= MIN_ACTOR_OVERLAP:
        return None
    if _contradicts(profile["place"], report.get("location")):
        return None
    agreeing = profile["agreeing"]
    if agreeing and not any(_compatible(report, m) for m in agreeing):
        return None
    within = _within(report, agreeing)
    same_place = _same_place(profile["place"], report.get("location"))
    strong_story = any(not m["weak"] for m in agreeing)
    if strong_story and not report.get("weak") and _interval(report) and not within and not same_place \
            and not _within(report, agreeing, SLACK_DAYS):
        return None  # a strong date against the story's: a conflict is taken only from the same venue or a day off
    jaccard = len(mine & theirs) / len(mine | theirs) if mine | theirs else 1.0
    return within, same_place, overlap, profile["articles"], jaccard


def profile_of(members: list[dict[str, Any]]) -> dict[str, Any]:
    """What `joins` reads of a story, computed once per change (not once per candidate and event)."""
    agreeing, _ = _basis(members)
    dates = sorted({(m["earliest"][:10], m["latest"][:10], bool(m.get("weak")), m.get("modality") or "")
                    for m in agreeing})
    return {"codes": sorted(_principal(members)), "place": _place(members),
            "articles": len({m["article_id"] for m in members}),
            "agreeing": [{"earliest": e, "latest": l, "weak": w, "modality": mod} for e, l, w, mod in dates]}


def _strong_time(agreeing: list[dict[str, Any]]) -> Interval | None:
    """The interval the strong members of an agreeing set allow, or None when they are all weak."""
    time = _time([m for m in agreeing if not m.get("weak")])
    return None if time is None else (date.fromisoformat(time.earliest), date.fromisoformat(time.latest))


def _coherent(one: dict[str, Any], other: dict[str, Any]) -> bool:
    """Two stories can be one: their actors overlap, their places agree, their dates meet."""
    a, b = one.get("profile") or profile_of(one["members"]), other.get("profile") or profile_of(other["members"])
    if _actor_overlap(set(a["codes"]), set(b["codes"])) <= MIN_ACTOR_OVERLAP:
        return False
    if _contradicts(a["place"], b["place"]):
        return False
    ta, tb = _strong_time(a["agreeing"]), _strong_time(b["agreeing"])
    if ta is not None and tb is not None:
        return overlaps(ta, tb)
    return not a["agreeing"] or not b["agreeing"] or any(
        _compatible(x, y) for x in a["agreeing"] for y in b["agreeing"])


def _opened(state: dict[str, Any]) -> float:
    return float(state.get("opened_at", state["updated_at"]))  # states written before opened_at was kept


def _state(key: str, members: list[dict[str, Any]], now: float, opened_at: float) -> dict[str, Any]:
    members = sorted(members, key=lambda m: m["event_id"])
    return {"key": key, "story_id": story_id(key, members), "members": members, "updated_at": now,
            "opened_at": opened_at, "profile": profile_of(members)}


def fuse(stories: list[dict[str, Any]], event: dict[str, Any], outlet: str, now: float) -> Fused:
    """Add one event to the open stories of its key (nothing is modified in place).

    The event joins its best fit.  Another story it also fits is merged in when the two
    stories, as wholes, could be one (`_coherent`): a report that bridges two stories opened
    apart (because their first reports did not meet) makes them one, as it would have had it
    come first, so the result depends less on arrival order.
    """
    key = fusion_key(event)
    held = next((s for s in stories if any(m["event_id"] == event["event_id"] for m in s["members"])), None)
    if held is not None:
        return Fused(duplicate=held)
    report = report_of(event, outlet)
    scored = sorted(((fit, s) for s in stories if (fit := joins(s, report)) is not None),
                    key=lambda fs: (tuple(-float(x) for x in fs[0]), fs[1]["story_id"]))
    if not scored:
        state = _state(key, [report], now, now)
        return Fused(state, record_of(state), [])
    target = scored[0][1]
    state, merged = _state(key, [*target["members"], report], now, _opened(target)), [target["story_id"]]
    for _, other in scored[1:]:
        if _coherent(state, other):
            state = _state(key, [*state["members"], *other["members"]], now, min(_opened(state), _opened(other)))
            merged.append(other["story_id"])
    return Fused(state, record_of(state), [sid for sid in merged if sid != state["story_id"]])


def is_idle(state: dict[str, Any], now: float, idle_seconds: float) -> bool:
    """Time to close the story: no report for `idle_seconds`, or open for `MAX_OPEN_PERIODS` of them.

    Without the second bound a story reported at least once per idle period would never
    close, and its state and record would grow without end; a report after it closed
    opens a new story.
    """
    return now - state["updated_at"] >= idle_seconds or now - _opened(state) >= MAX_OPEN_PERIODS * idle_seconds


def _actors(members: list[dict[str, Any]]) -> list[StoryActor]:
    mentions = Counter(code for m in members for code in {a["code"] for a in m["actors"]})
    first: dict[str, dict[str, Any]] = {}
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


def _time(agreeing: list[dict[str, Any]]) -> StoryTime | None:
    if not agreeing:
        return None
    lo = max(_interval(m)[0] for m in agreeing)  # type: ignore[index]
    hi = min(_interval(m)[1] for m in agreeing)  # type: ignore[index]
    value, granularity = timex_of(lo, hi)
    return StoryTime(lo.isoformat(), hi.isoformat(), value, granularity)  # type: ignore[arg-type]


def record_of(state: dict[str, Any], status: str = "open") -> dict[str, Any]:
    """The story as published: a pure function of its members."""
    members: list[dict[str, Any]] = state["members"]
    agreeing, conflicting = _basis(members)
    cameo = min(Counter(m["cameo"] for m in members).items(), key=lambda kv: (-kv[1], -len(kv[0]), kv[0]))[0]
    typed = next(m for m in members if m["cameo"] == cameo)
    outlets = sorted({m["outlet"] for m in members})
    return Story(
        story_id=state["story_id"], fusion_key=state["key"], type=typed["type"], cameo=cameo,
        quad_class=typed["quad_class"], actors=_actors(members), location=_location(_place(members)),
        time=_time(agreeing),
        members=[StoryMember(m["event_id"], m["article_id"], m["outlet"]) for m in members],
        articles=len({m["article_id"] for m in members}), sources=len(outlets), outlets=outlets,
        confidence=_confidence(members),
        conflicts=[StoryConflict(m["event_id"], m["article_id"], m["earliest"][:10], m["latest"][:10])
                   for m in conflicting],
        status=status,  # type: ignore[arg-type]
    ).to_dict()


class Fuser:
    """Open stories of every key in memory: the offline commands' fusion state (no closing)."""

    def __init__(self) -> None:
        self.open: dict[str, dict[str, dict[str, Any]]] = {}   # key -> story id -> state

    def add(self, event: dict[str, Any], outlet: str, now: float = 0.0) -> Fused:
        stories = self.open.setdefault(fusion_key(event), {})
        fused = fuse(list(stories.values()), event, outlet, now)
        for old in fused.retired:
            del stories[old]
        if fused.state is not None:
            stories[fused.state["story_id"]] = fused.state
        return fused

    def records(self) -> list[dict[str, Any]]:
        """Every open story, most reported first."""
        records = [record_of(s) for stories in self.open.values() for s in stories.values()]
        return sorted(records, key=lambda r: (-r["sources"], -r["articles"], r["story_id"]))
