"""Actor mentions: gazetteer names, nationality adjectives, roles with affiliation, persons.

Rules read tokens and the gazetteer, not the parse, so that sm and md models
(which attach and label countries differently) give the same actors.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from stream.core.records import Actor, Location
from stream.events.lexicon import ACTING_KINDS, Entry, Lexicon

_ARTICLES = {"le", "la", "les", "l'", "l’"}
_LINKS = {"de", "du", "des", "d'", "d’", "la", "le", "l'", "l’", "les"}
_TITLES = {"m.", "mme", "mm.", "mlle", "dr"}
_ROLE_TAILS = {"affaires", "étrangères", "défense", "armées", "intérieur", "sécurité", "nationale"}
_DE = {"de", "du", "d'", "d’", "des"}


@dataclass(frozen=True, slots=True)
class Mention:
    """An actor or a place found in the text (token offsets)."""

    start: int
    end: int
    actor: Actor | None
    place: Location | None = None
    #: True when the words are a place here ("à Moscou", "en Ukraine"), not an actor.
    is_place: bool = False


class ActorFinder:
    """Finds actor and place mentions in a parsed doc."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.place_preps = set(lexicon.cues["place_preps"])
        self.venue_heads = set(lexicon.cues["venue_heads"])

    def __call__(self, doc: Doc) -> list[Mention]:
        names = self._spans(doc, self.lex.names(doc))
        adjs = {s.start: s for s in self._spans(doc, self.lex.adjectives(doc))}
        mentions: list[Mention] = []
        for span in names:
            mentions.extend(self._named(doc, span))
        mentions.extend(self._demonyms(doc, adjs, names))
        mentions.extend(self._roles(doc, names, adjs, mentions))
        mentions.extend(self._titled_persons(doc, mentions))
        return _outermost(mentions)

    def _spans(self, doc: Doc, matches: list[tuple[int, int, int]]) -> list[Span]:
        return filter_spans([Span(doc, start, end, label=key) for key, start, end in matches])

    def entry(self, span: Span) -> Entry:
        return self.lex.entries[int(span.label_)]

    def _named(self, doc: Doc, span: Span) -> list[Mention]:
        entry = self.entry(span)
        if span.text[:1].islower() and not entry.lower_ok:
            return []
        text_span = _with_article(doc, span)
        place = self._place(doc, entry, text_span)
        if entry.kind not in ACTING_KINDS:
            return [Mention(text_span.start, text_span.end, None, place, is_place=True)] if place else []
        is_place = place is not None and entry.kind in {"capital", "state", "city"}
        return [Mention(text_span.start, text_span.end, self.actor(text_span.text, entry), place, is_place)]

    def _place(self, doc: Doc, entry: Entry, span: Span) -> Location | None:
        """A venue when the words follow a place preposition ("à Genève") or "siège de"."""
        prev = doc[span.start - 1].lower_ if span.start > 0 else ""
        if entry.kind == "person":
            return None
        if prev in _DE and span.start > 1 and doc[span.start - 2].lower_ in self.venue_heads and entry.venue:
            head = doc[span.start - 2]
            start = head.i - 1 if head.i > 0 and doc[head.i - 1].lower_ in self.place_preps else head.i
            return Location(doc[start:span.end].text, entry.venue["name"], entry.venue.get("country"))
        if prev not in self.place_preps:
            return None
        country = entry.venue.get("country") if entry.venue else None
        if entry.kind in {"state", "capital", "city"}:
            country = entry.code
        return Location(doc[span.start - 1:span.end].text, entry.name, country)

    def actor(self, text: str, entry: Entry) -> Actor:
        if entry.kind == "person":
            return Actor(text, entry.code, entry.name, "person", entry.code)
        name, kind = self.lex.state_names.get(entry.code, (entry.name, entry.kind))
        return Actor(text, entry.code, name, kind if kind in {"state", "organisation", "bloc", "group"} else "other", None)

    def _demonyms(self, doc: Doc, adjs: dict[int, Span], names: list[Span]) -> list[Mention]:
        """"les Russes", "les Européens": a capitalised nationality word after an article;
        "le Ghanéen Kwame Mensah": one before a proper name is that person, with that affiliation."""
        out = []
        for start, span in adjs.items():
            if not span.text[:1].isupper() or start == 0:
                continue
            entry = self.entry(span)
            if doc[start - 1].lower_ in {"les", "des", "aux"}:
                out.append(Mention(start - 1, span.end, self.actor(doc[start - 1:span.end].text, entry)))
            elif doc[start - 1].lower_ in _ARTICLES | {"du", "au"}:
                name, stop = self._apposed_name(doc, span.end)
                if name is not None:
                    code = self.actor(span.text, entry).code
                    out.append(Mention(start - 1, stop, Actor(doc[start - 1:stop].text, code, name, "person", code)))
        return out

    def _roles(self, doc: Doc, names: list[Span], adjs: dict[int, Span], found: list[Mention]) -> list[Mention]:
        """Role nouns with an affiliation ("le ministère russe", "le chef de l'Otan, Jens Stoltenberg")."""
        by_start = {m.start: m for m in found if m.actor is not None}
        taken = {i for m in found for i in range(m.start, m.end)}
        seen: dict[str, Actor] = {}
        # Named persons per affiliation: "le chef de l'Otan" is Jens Stoltenberg when he is the only one named.
        named: dict[str, set[str]] = {}
        for m in found:
            if m.actor is not None and m.actor.kind == "person" and m.actor.name and m.actor.affiliation:
                named.setdefault(m.actor.affiliation, set()).add(m.actor.name)
        out: list[Mention] = []
        for role in filter_spans([Span(doc, s, e, label=k) for k, s, e in self.lex.roles(doc)]):
            start, end = role.start, role.end
            if start in taken:
                continue
            kind = self.lex.role_kind.get(role.text.lower(), "institution")
            affiliation, aff_end = self._affiliation(doc, end, by_start, adjs)
            head = role.text.lower()
            if affiliation is None:
                actor = seen.get(head)
                if actor is None or not _definite(doc, start):
                    continue
                stop = end
            else:
                name, stop = self._apposed_name(doc, aff_end) if kind == "person" else (None, aff_end)
                if name is None and kind == "person" and affiliation.kind == "person":
                    name = affiliation.name
                code = affiliation.affiliation if affiliation.kind == "person" else affiliation.code
                person_kind = kind == "person"
                if person_kind and code:
                    if name is None and len(named.get(code, ())) == 1:
                        name = next(iter(named[code]))
                    elif name is not None:
                        named.setdefault(code, set()).add(name)
                cname = name if person_kind else self.lex.state_names.get(code or "", (affiliation.name, ""))[0]
                text = _with_article(doc, doc[start:stop]).text
                actor = Actor(text, code, cname, "person" if person_kind else _actor_kind(affiliation), code if person_kind else None)
                seen[head] = actor
            text_span = _with_article(doc, doc[start:stop])
            if stop + 1 < len(doc) and doc[stop].lower_ == "et" and stop + 1 in adjs:
                other = self.actor(adjs[stop + 1].text, self.entry(adjs[stop + 1]))
                out.append(Mention(stop + 1, adjs[stop + 1].end, Actor(
                    doc[start:end].text + " " + other.text, other.code, None if kind == "person" else other.name,
                    "person" if kind == "person" else other.kind, other.code if kind == "person" else None)))
            out.append(Mention(text_span.start, text_span.end, Actor(text_span.text, actor.code, actor.name, actor.kind, actor.affiliation)))
        return out

    def _affiliation(self, doc: Doc, i: int, by_start: dict[int, Mention], adjs: dict[int, Span]) -> tuple[Actor | None, int]:
        """The state or organisation right after a role: an adjective or "de/du + name"."""
        j = i
        while j < len(doc) and j - i <= 4:
            if j in adjs:
                entry = self.entry(adjs[j])
                return self.actor(adjs[j].text, entry), adjs[j].end
            if j in by_start and not by_start[j].is_place:
                return by_start[j].actor, by_start[j].end
            if doc[j].lower_ in _LINKS or doc[j].lower_ in {"affaires", "étrangères", "général", "générale", "spécial", "spéciale", "adjoint", "adjointe"}:
                j += 1
                continue
            break
        return None, i

    def _apposed_name(self, doc: Doc, i: int) -> tuple[str | None, int]:
        """", Jens Stoltenberg" or " Emmanuel Macron" right after a role."""
        while i < len(doc) and (doc[i].lower_ in _LINKS or doc[i].lower_ in _ROLE_TAILS):
            i += 1
        j = i + 1 if i < len(doc) and doc[i].text == "," else i
        k = j
        while k < len(doc) and doc[k].text[:1].isupper() and doc[k].is_alpha and k - j < 4 and doc[k].lower_ not in _TITLES:
            k += 1
        if k - j >= 2 or (k > j and doc[j].lower_ in self.lex.surnames):
            return doc[j:k].text, k
        return None, i

    def _titled_persons(self, doc: Doc, found: list[Mention]) -> list[Mention]:
        """"M. Stoltenberg": a title and a surname met earlier as a named person."""
        known: dict[str, Actor] = {}
        for m in found:
            if m.actor and m.actor.kind == "person" and m.actor.name:
                known.setdefault(m.actor.name.split()[-1].lower(), m.actor)
        taken = {i for m in found for i in range(m.start, m.end)}
        out = []
        for tok in doc[:-1]:
            nxt = doc[tok.i + 1]
            if tok.lower_ in _TITLES and nxt.i not in taken and nxt.lower_ in known:
                a = known[nxt.lower_]
                out.append(Mention(tok.i, nxt.i + 1, Actor(doc[tok.i:nxt.i + 1].text, a.code, a.name, "person", a.affiliation)))
            elif tok.lower_ in _TITLES and nxt.i not in taken and nxt.lower_ in self.lex.surnames:
                entry = self.lex.entries[self.lex.surnames[nxt.lower_]]
                out.append(Mention(tok.i, nxt.i + 1, self.actor(doc[tok.i:nxt.i + 1].text, entry)))
        return out


def _with_article(doc: Doc, span: Span) -> Span:
    if span.start > 0 and doc[span.start - 1].lower_ in _ARTICLES:
        return doc[span.start - 1:span.end]
    return span


def _definite(doc: Doc, start: int) -> bool:
    return start > 0 and doc[start - 1].lower_ in _ARTICLES


def _actor_kind(actor: Actor) -> str:
    return actor.kind if actor.kind in {"state", "organisation", "bloc", "group"} else "other"


def _outermost(mentions: list[Mention]) -> list[Mention]:
    """Mentions in text order, dropping those nested in a longer one."""
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if out and m.end <= out[-1].end:
            continue
        out.append(m)
    return out
