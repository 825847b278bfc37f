"""One event per real event: merge candidate mentions, then give each a stable id.

A candidate joins an earlier event when
1. its trigger and the words around it repeat an earlier mention (news reprints itself);
2. it has the same type, frame, time sense and actors (source equal or missing,
   targets equal or missing, same meeting participants);
3. it is a nominal, undated meeting mention ("le premier conseil Otan-Russie")
   whose participants are among those of a meeting in the previous two sentences,
   or two mentions of the same type and source share a sentence;
4. it is a headline's nominal meeting ("Reprise des discussions à Vienne") and a
   later meeting has its participants and venue: the headline announces it.
Ids hash the article id and the event's identity, never the order of discovery.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from spacy.tokens import Span

from stream.core.records import Actor, Event, ExtractorInfo, Location, TextSpan, TimeInfo

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans({"’": "'", "«": '"', "»": '"', "“": '"', "”": '"'})


@dataclass
class Candidate:
    """One mention of an event, before merging."""

    type: str
    cameo: str
    frame: str
    trigger: Span
    sentence: Span
    source: Actor | None
    targets: list[Actor]
    participants: list[Actor]
    location: Location | None
    time: TimeInfo | None
    modality: str
    speaker: Actor | None
    nominal: bool = False
    #: A noun after "ce/cet/cette/ces": a mention of an event already told.
    demonstrative: bool = False
    #: The sentence's number in the doc, so that distances between mentions cost nothing.
    sent_no: int = 0

    @property
    def tense(self) -> str:
        return "planned" if self.modality in {"planned", "conditional"} else "other"

    def context(self) -> str:
        doc = self.trigger.doc
        window = doc[max(self.sentence.start, self.trigger.start - 4):min(self.sentence.end, self.trigger.end + 4)]
        return _SPACES.sub(" ", window.text.lower().translate(_QUOTES)).strip()


@dataclass
class Cluster:
    members: list[Candidate] = field(default_factory=list)

    @property
    def first(self) -> Candidate:
        return self.members[0]

    def codes(self, attr: str) -> set[str]:
        return {a.code for c in self.members for a in getattr(c, attr) if a.code}


def _codes(actors: list[Actor]) -> frozenset[str]:
    return frozenset(a.code for a in actors if a.code)


def _compatible(c: Candidate, k: Cluster) -> bool:
    return any(_same_identity(c, m) for m in k.members)


def _same_identity(c: Candidate, f: Candidate) -> bool:
    # A call, a visit and talks between the same parties at the same time are one meeting.
    if (c.type, c.tense) != (f.type, f.tense) or (c.type != "MEETING" and c.frame != f.frame):
        return False
    if _dated_apart(c, f):
        return False  # "se sont rencontrés lundi" and "une nouvelle réunion le 3 juin" are two meetings
    if c.type == "MEETING":
        return _codes(c.participants) == _codes(f.participants)
    s1, s2 = c.source.code if c.source else None, f.source.code if f.source else None
    if s1 and s2 and s1 != s2:
        return False
    t1, t2 = _codes(c.targets), _codes(f.targets)
    return not t1 or not t2 or bool(t1 & t2)


def _dated(c: Candidate) -> bool:
    """The mention carries its own time words (not the article's reporting period)."""
    return c.time is not None and c.time.text is not None and c.time.value is not None


def _anaphoric_meeting(c: Candidate, k: Cluster) -> bool:
    last = k.members[-1]
    if c.type != "MEETING" or k.first.type != "MEETING" or not c.nominal or c.tense == "planned" or k.first.tense == "planned":
        return False
    near = 0 < c.sent_no - last.sent_no <= 3
    mine = _codes(c.participants)
    return near and bool(mine) and mine <= k.codes("participants")


def _dated_apart(a: Candidate, b: Candidate) -> bool:
    """Both mentions carry their own time words, and these differ: two occurrences."""
    return _dated(a) and _dated(b) and a.time.value != b.time.value  # type: ignore[union-attr]


def _same_sentence(c: Candidate, k: Cluster) -> bool:
    """Two triggers of one type in one sentence tell one event ("réunis … pour une rencontre")
    when they share a party and nothing dates them apart."""
    for m in k.members:
        if m.sentence.start != c.sentence.start or m.type != c.type or m.trigger.start == c.trigger.start \
                or m.tense != c.tense or _dated_apart(c, m):
            continue
        if c.type == "MEETING":
            if _codes(c.participants) & _codes(m.participants):
                return True
        elif (m.source.code if m.source else None) == (c.source.code if c.source else None):
            return True
    return False


def _all_codes(c: Candidate) -> set[str]:
    return {a.code for a in [c.source, *c.targets, *c.participants] if a is not None and a.code}


def _retold(c: Candidate, k: Cluster) -> bool:
    """The same act told again a few sentences on with the parties found differently ("Netanyahu se rendra en
    France …" then "il doit rencontrer Emmanuel Macron"): same type and tense, nothing dating them apart,
    and the parties of one among those of the other, sharing two when both name two or more."""
    last = k.members[-1]
    if c.type != k.first.type or c.tense != k.first.tense or c.sent_no - last.sent_no > 5:
        return False
    if c.type != "MEETING" and c.frame != k.first.frame:  # a threat of sanctions and one of force are two warnings
        return False
    if any(_dated_apart(c, m) for m in k.members):
        return False
    mine = _all_codes(c)
    theirs = set().union(*(_all_codes(m) for m in k.members))
    shared = mine & theirs
    return bool(shared) and (mine <= theirs or theirs <= mine or len(shared) >= 2)


def cluster(cands: list[Candidate]) -> list[Cluster]:
    clusters: list[Cluster] = []
    contexts: dict[tuple[str, str], Cluster] = {}
    for c in cands:
        key = (c.type, c.context())
        target = contexts.get(key)
        if target is None:
            target = next((k for k in clusters if _compatible(c, k)), None)
        if target is None and c.demonstrative:  # "cet entretien", "ces sanctions": the last one told
            target = next((k for k in reversed(clusters) if k.first.type == c.type and k.first.tense == c.tense), None)
        if target is None:
            target = next((k for k in reversed(clusters) if _anaphoric_meeting(c, k) or _same_sentence(c, k)), None)
        if target is None:
            target = next((k for k in reversed(clusters) if _retold(c, k)), None)
        if target is None:
            target = Cluster()
            clusters.append(target)
        target.members.append(c)
        contexts.setdefault(key, target)
    return _absorb_headlines(clusters)


def _absorb_headlines(clusters: list[Cluster]) -> list[Cluster]:
    """Fold a headline-only meeting into the first later meeting it summarises (rule 4)."""
    out = list(clusters)
    for k in clusters:
        if not all(_headline_meeting(m) for m in k.members):
            continue
        into = next((o for o in out if o is not k and o.first.type == "MEETING" and o.first.tense == k.first.tense
                     and o.first.sentence.start > k.first.sentence.start
                     and k.codes("participants") <= o.codes("participants")
                     and _same_venue(k.first.location, o.first.location)), None)
        if into is not None:
            into.members[:0] = k.members
            out.remove(k)
    return out


def _headline_meeting(c: Candidate) -> bool:
    """A nominal, undated meeting in a line that ends without punctuation (a headline)."""
    text = c.sentence.text
    body = text.rstrip()
    return c.type == "MEETING" and c.nominal and not _dated(c) and "\n" in text[len(body):] \
        and body[-1:] not in {".", "!", "?", "»", '"', "”", ":"}


def _same_venue(a: Location | None, b: Location | None) -> bool:
    return a is None or b is None or a.name == b.name


def merge(cands: list[Candidate], article_id: str, info: ExtractorInfo) -> list[Event]:
    events = [_event(k, article_id, info) for k in cluster(cands)]
    seen: Counter[str] = Counter()
    out = []
    for ev in events:
        seen[ev.event_id] += 1
        if seen[ev.event_id] > 1:
            ev = _with_id(ev, _hash(ev.event_id, str(ev.trigger.start)))
        out.append(ev)
    return out


def _event(k: Cluster, article_id: str, info: ExtractorInfo) -> Event:
    best = max(k.members, key=lambda c: (len(c.cameo), c.source is not None, -c.trigger.start))
    source = _majority([c.source for c in k.members if c.source])
    targets = _union(c.targets for c in k.members)
    if source:
        targets = [a for a in targets if a.code != source.code]
    participants = _union(c.participants for c in k.members)
    time = next((c.time for c in k.members if c.time and c.time.text), None) or best.time
    location = next((c.location for c in k.members if c.location), None)
    speaker = _majority([c.speaker for c in k.members if c.speaker])
    evidence = sorted({(c.sentence.start_char, c.sentence.end_char): c.sentence for c in k.members}.values(),
                      key=lambda s: s.start_char)
    identity = "|".join([
        article_id, best.type, best.frame, best.tense, source.code if source and source.code else "",
        ",".join(sorted(a.code or "" for a in targets)), ",".join(sorted(a.code or "" for a in participants)),
        time.value if time and time.text and time.value else "",
    ])
    confidence = min(0.95, 0.5 + 0.15 * bool(source or participants) + 0.15 * bool(targets or len(participants) > 1)
                     + 0.1 * (len(evidence) > 1))
    return Event(
        event_id=_hash(identity), article_id=article_id, type=best.type, cameo=best.cameo,
        quad_class=quad_class(best.cameo), trigger=_span(best.trigger), source=source, targets=targets,
        participants=participants, location=location, time=time, modality=best.modality, speaker=speaker,
        evidence=[_span(s) for s in evidence], confidence=round(confidence, 2), extractor=info,
    )


def quad_class(cameo: str) -> int:
    """GDELT QuadClass from the CAMEO root: 01-05 verbal coop, 06-08 material coop, 09-13, 14-20."""
    root = int(cameo[:2])
    return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4


def _hash(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode("utf-8")).hexdigest()[:16]


def _with_id(ev: Event, event_id: str) -> Event:
    return Event(**{**{f: getattr(ev, f) for f in Event.__slots__}, "event_id": event_id})


def _span(span: Span) -> TextSpan:
    """The span's text without the spaces and line breaks around it, offsets adjusted."""
    text = span.text
    lead = len(text) - len(text.lstrip())
    body = text.strip()
    return TextSpan(body, span.start_char + lead, span.start_char + lead + len(body))


def _majority(actors: list[Actor]) -> Actor | None:
    if not actors:
        return None
    counts = Counter(a.code for a in actors)
    top = max(counts.values())
    code = min(c or "" for c, n in counts.items() if n == top)
    return next(a for a in actors if (a.code or "") == code)


def _union(groups) -> list[Actor]:
    seen: dict[str | None, Actor] = {}
    for group in groups:
        for a in group:
            seen.setdefault(a.code, a)
    return list(seen.values())
