"""spaCy component ``stream_events``: diplomatic events from French news.

Pipeline per doc: actor mentions (gazetteer, roles, persons) → shared context
(clauses, quotes and their speakers, modality cues) → trigger matches from
``data/triggers.jsonl`` → one candidate per trigger with type, CAMEO, actors,
modality, time and venue → merging of mentions of the same event.
"""

from __future__ import annotations

from datetime import date, timedelta

from spacy.language import Language
from spacy.tokens import Doc, Span

import stream
from stream.core.records import Actor, ExtractorInfo, Location, TimeInfo, Timex
from stream.dates.scene import inherited, scene_time
from stream.events.actors import ActorFinder, Mention
from stream.events.context import DocContext, build_context
from stream.events.learned import SentenceTyper, masked_words
from stream.events.lexicon import Lexicon, TriggerRule, build_lexicon
from stream.events.merge import Candidate, merge

#: Types whose content words (a meeting noun) are the object, not a second event.
_GOVERNING = {"APPEAL", "DEMAND", "PROPOSAL", "REJECTION", "WARNING"}
_TARGETED = {"WARNING", "DEMAND", "APPEAL", "ACCUSATION", "PROPOSAL", "REJECTION", "SANCTION"}
_AGENT_PREPS = {"par", "de", "du", "des", "d'", "d’"}
_DEMONSTRATIVES = {"ce", "cet", "cette", "ces"}
_POSSESSIVES = {"leur", "leurs"}
_NEGATORS = {"pas", "jamais", "aucun", "aucune", "nullement", "point"}
_OPEN_REFS = {"PAST_REF", "FUTURE_REF"}


#: The CAMEO root an event found by the sentence typer gets: it knows the type, not the finer code.
_TYPE_CAMEO = {"MEETING": "040", "PROPOSAL": "030", "WARNING": "130", "DEMAND": "100", "APPEAL": "020",
               "ACCUSATION": "111", "REJECTION": "120", "AGREEMENT": "050", "SANCTION": "160", "STATEMENT": "010"}


@Language.factory("stream_events", default_config={"model": "", "sentence_types": True})
def make_events(nlp: Language, name: str, model: str, sentence_types: bool) -> "EventExtractor":
    return EventExtractor(build_lexicon(nlp), model, SentenceTyper.shipped() if sentence_types else None)


class EventExtractor:
    """Sets ``doc._.events`` from trigger patterns, actor rules and merging."""

    def __init__(self, lexicon: Lexicon, model: str, typer: SentenceTyper | None = None) -> None:
        self.lex = lexicon
        self.typer = typer
        self.actors = ActorFinder(lexicon)
        self.info = ExtractorInfo(version=stream.__version__, model=model)
        self.planned = set(lexicon.cues["planned"])
        self.irrealis = set(lexicon.cues["irrealis"])
        self.support_verbs = set(lexicon.cues["support_verbs"])
        self.non_event_heads = set(lexicon.cues["non_event_heads"])
        self.collective_heads = set(lexicon.cues["collective_heads"])
        self.furniture = tuple(lexicon.cues["furniture_prefixes"])
        self.background = timedelta(days=lexicon.cues["background_days"])

    def __call__(self, doc: Doc) -> Doc:
        ctx = build_context(doc, self.actors(doc), self.lex)
        article = doc._.article
        candidates = self.candidates(ctx, doc._.timexes or [], _dct_time(article))
        doc._.events = merge(candidates, getattr(article, "id", "") or "", self.info)
        return doc

    def candidates(self, ctx: DocContext, timexes: list[Timex], dct: TimeInfo | None) -> list[Candidate]:
        spans = _triggers(ctx, self.lex)
        windows = [_window(ctx, spans, n) for n in range(len(spans))]
        out: list[Candidate] = []
        for n, span in enumerate(spans):
            if not self._reportable(ctx, span):
                continue
            rule = self.lex.rules[int(span.label_)]
            cand = self._candidate(ctx, spans, windows, n, rule, timexes, dct)
            if cand is not None and _has_actors(cand) and not self._background(cand, dct):
                out.append(cand)
        if self.typer is not None:
            out = self._with_sentence_types(ctx, out, timexes, dct)
        return _drop_governed(out)

    def _with_sentence_types(self, ctx: DocContext, rules: list[Candidate], timexes: list[Timex],
                             dct: TimeInfo | None) -> list[Candidate]:
        """Add the type the typer reads in a sentence the rules found nothing in."""
        assert self.typer is not None
        scores = self.typer.scores([masked_words(sent, ctx.mentions) for sent in ctx.sent_spans])
        add = self.typer.thresholds
        out = list(rules)
        covered = {ctx.sent_index[c.trigger.start] for c in rules}
        for n, sent in enumerate(ctx.sent_spans):
            if n in covered:  # the rules read this sentence already: a second reading would double its event
                continue
            for etype, p in sorted(scores[n].items(), key=lambda kv: -kv[1])[:1]:
                if p < add.get(etype, 1.1):
                    continue
                cand = self._sentence_candidate(ctx, sent, etype, timexes, dct)
                if cand is not None and _has_actors(cand) and not self._background(cand, dct):
                    out.append(cand)
        return sorted(out, key=lambda c: c.trigger.start)

    def _sentence_candidate(self, ctx: DocContext, sent: Span, etype: str, timexes: list[Timex],
                            dct: TimeInfo | None) -> Candidate | None:
        """An event of a type the typer reads in the sentence: its main verb as trigger, its actors as parties."""
        root = sent.root
        span = ctx.doc[root.i:root.i + 1]
        if not self._reportable(ctx, span):
            return None
        rule = TriggerRule(frame="learned", type=etype, cameo=_TYPE_CAMEO[etype])
        modality = self._modality(ctx, span, rule)
        if modality is None:
            return None
        found = ctx.actors_in(sent.start, sent.end)
        speaker = ctx.speaker_for(span.start)
        actors = _unique(m.actor for m in found if m.actor)
        time = _time(ctx, 0, [span], [(sent.start, sent.end)], timexes, dct)
        if etype == "MEETING":
            return Candidate(etype, rule.cameo, rule.frame, span, sent, None, [], actors,
                             _location(ctx, sent.start, sent.end), time, modality,
                             speaker.actor if speaker else None, sent_no=ctx.sent_index[span.start])
        src = self._source(ctx, span, [m for m in found if m.end <= span.start], [m for m in found if m.start >= span.end], speaker)
        source = src.actor if src else None
        targets = [a for a in actors if not _same(a, source)]
        return Candidate(etype, rule.cameo, rule.frame, span, sent, source, targets, [], None, time, modality,
                         speaker.actor if speaker else None, sent_no=ctx.sent_index[span.start])

    def _reportable(self, ctx: DocContext, span: Span) -> bool:
        """Not in a question, a page's furniture ("Lire aussi : …") or a fixed phrase ("en échange de")."""
        sent = ctx.sent(span.start)
        text = ctx.text[sent.start_char:sent.end_char].strip()  # Span.text would rebuild it from the tokens
        if text.endswith("?") or text.lower().startswith(self.furniture):
            return False
        ends = (span.start, span.end - 1)  # a phrase inside a longer trigger ("rappelé pour consultations son ambassadeur") is no bar
        return not any(s <= i < e for s, e in ctx.fixed for i in ends)

    def _background(self, cand: Candidate, dct: TimeInfo | None) -> bool:
        """A past event dated by its own words well before the article's period ("l'accord signé en 2015")."""
        t = cand.time
        if dct is None or dct.earliest is None or t is None or t.text is None or t.latest is None:
            return False
        return date.fromisoformat(t.latest) < date.fromisoformat(dct.earliest) - self.background

    def _candidate(self, ctx: DocContext, spans: list[Span], windows: list[tuple[int, int]], n: int,
                   rule: TriggerRule, timexes: list[Timex], dct: TimeInfo | None) -> Candidate | None:
        doc = ctx.doc
        span = spans[n]
        if span.start in ctx.attribution_tokens:
            return None
        speaker = ctx.speaker_for(span.start)
        if rule.speech and (speaker is None or ctx.quote_of[span.start] < 0):
            return None
        if rule.narrated and ctx.quote_of[span.start] >= 0:
            return None
        modality = self._modality(ctx, span, rule)
        if span.root.pos_ == "NOUN" and span.start > 1 and doc[span.start - 1].lower_ in {"de", "des", "du", "d'", "d’"} \
                and doc[span.start - 2].lemma_ in self.non_event_heads:
            return None
        if modality is None or (rule.only_conditional and modality != "conditional"):
            return None
        if rule.speech and modality == "conditional":
            return None
        etype, cameo = rule.type, rule.cameo
        if modality == "conditional" and rule.if_conditional:
            etype, cameo = rule.if_conditional["type"], rule.if_conditional["cameo"]
        cameo = _refine(doc, span, ctx.sent(span.start), rule, cameo)
        start, end = windows[n]
        source, targets, participants = self._roles(ctx, span, rule, etype, start, end, speaker)
        sent = ctx.sent(span.start)
        return Candidate(
            type=etype, cameo=cameo, frame=rule.frame, trigger=span, sentence=sent,
            source=source, targets=targets, participants=participants,
            location=_location(ctx, start, end) if etype == "MEETING" else None,
            time=_time(ctx, n, spans, windows, timexes, dct), modality=modality,
            speaker=speaker.actor if speaker else None,
            nominal=span.root.pos_ in {"NOUN", "PROPN"},
            demonstrative=_determiner(doc, span) in _DEMONSTRATIVES, sent_no=ctx.sent_index[span.start],
        )

    def _modality(self, ctx: DocContext, span: Span, rule: TriggerRule) -> str | None:
        """negated > conditional > planned > reported > asserted; None when only hoped for.

        A future event stays `planned` even when only a source says so: what users filter on is whether
        it has happened yet."""
        doc, sent = ctx.doc, ctx.sent(span.start)
        before = doc[max(sent.start, span.start - 4):span.start]
        after = doc[span.end:min(sent.end, span.end + 2)]
        inside = doc[span.start:span.end]
        # A warning, a statement or a refusal is made now; a future after it is its content ("espère que X rouvrira").
        own_tense_is_content = rule.negative or rule.type in {"WARNING", "STATEMENT"}
        if not rule.negative and any(t.lower_ in {"ne", "n'", "n’"} for t in list(before) + list(inside)) and \
                any(t.lower_ in _NEGATORS for t in list(before) + list(inside) + list(after)):
            return "negated"
        if any(t.lower_ == "sans" for t in doc[max(sent.start, span.start - 2):span.start]):
            return "negated"
        clause = ctx.clause_of[span.start]
        for t in doc[sent.start:span.start]:
            if t.lemma_ in self.irrealis and t.i + 1 < sent.end and doc[t.i + 1].lower_ in {"que", "qu'", "qu’"}:
                return None
        if any(i in ctx.conditional_at for i in range(sent.start, sent.end)):
            return "conditional"
        near = doc[max(sent.start, span.start - 5):min(sent.end, span.end + 5)]
        if own_tense_is_content:
            near = [t for t in near if t.i < span.start]
        if any((t.lower_ in self.planned or "Fut" in t.morph.get("Tense")) and ctx.clause_of[t.i] == clause for t in near):
            return "planned"
        if sent.start in ctx.reported_sents:
            return "reported"
        return "asserted"

    def _roles(self, ctx: DocContext, span: Span, rule: TriggerRule, etype: str, start: int, end: int,
               speaker: Mention | None) -> tuple[Actor | None, list[Actor], list[Actor]]:
        """Source, targets and participants from the trigger's clause window."""
        inside = ctx.actors_in(start, end)
        before = [m for m in inside if m.end <= span.start]
        after = [m for m in inside if m.start >= span.end]
        if etype != "MEETING":  # "a ordonné au Tchad", "son mécontentement à l'Algérie": a recipient, not a venue
            after = sorted(after + _datives(ctx, span, end), key=lambda m: m.start)
        if etype == "MEETING":
            if span.root.pos_ in {"NOUN", "PROPN"} and after and not any(
                    t.lemma_ in self.support_verbs for t in ctx.doc[start:span.start]):
                before = [m for m in before if m.end > span.start - 1]
            venue_orgs = [m for m in ctx.actors_in(start, end, places=True) if m.place and m.actor and m.actor.kind == "organisation"]
            if rule.frame == "visit":  # "se rendra au Japon": the host takes part in a visit
                venue_orgs += [m for m in ctx.actors_in(span.end, end, places=True) if m.is_place]
            parts = _unique(m.actor for m in before + after + venue_orgs if m.actor)
            if not parts:
                sent = ctx.sent(span.start)
                parts = _unique(m.actor for m in ctx.actors_in(sent.start, sent.end) if m.actor)
                if speaker and speaker.actor:
                    parts = _unique([*parts, speaker.actor])
            if _determiner(ctx.doc, span) in _POSSESSIVES:  # "au menu de leur conversation : la Syrie, …"
                parts = _unique(m.actor for m in before if m.actor)
            collective = self._collective(ctx, start, end) or _determiner(ctx.doc, span) in _POSSESSIVES
            if collective or len(parts) < 2:  # a meeting has two sides: the missing one is named before
                parts = _unique([*parts, *_parties_before(ctx, span, 2 if collective or parts else 1)])
            return None, [], parts
        if rule.speaker_source:
            source = speaker.actor if speaker else None
            targets = [m.actor for m in before + after if m.actor and not _same(m.actor, source)]
            return source, _unique(targets), []
        src = self._source(ctx, span, before, after, speaker)
        source = src.actor if src else None
        partners = _conjuncts(ctx, src) if src else []
        if partners:  # "le Pérou et la Bolivie ont convenu": the other conjuncts act too
            before = [m for m in before if m not in partners]
            after = [m for m in after if m not in partners]
        targets = [m.actor for m in after if m is not src and m.actor and not _same(m.actor, source)]
        if not targets:
            targets = [m.actor for m in before if m is not src and m.actor and not _same(m.actor, source)]
        if not targets and etype in _TARGETED:
            sent = ctx.sent(span.start)
            targets = [m.actor for m in ctx.actors_in(sent.start, sent.end)
                       if m is not src and m.actor and not _same(m.actor, source) and m is not speaker]
        if not targets and etype in _TARGETED and source is not None:
            # "Pékin a exprimé son mécontentement": at whom is told in the sentences before
            targets = [a for a in _parties_before(ctx, span, 2) if not _same(a, source)][:1]
        return source, _unique(targets), _unique(m.actor for m in partners if not _same(m.actor, source))

    def _collective(self, ctx: DocContext, start: int, end: int) -> bool:
        """"les deux parties", "les belligérants": the parties are named elsewhere in the article."""
        words = ctx.doc[start:end]
        return any(t.lower_ in self.collective_heads and t.i > 0 and ctx.doc[t.i - 1].lower_ in {"deux", "les", "trois"}
                   for t in words)

    def _source(self, ctx: DocContext, span: Span, before: list[Mention], after: list[Mention],
                speaker: Mention | None) -> Mention | None:
        """Who acts: an agent after a noun trigger, the dependency subject, the quote's speaker, the clause's first
        actor, the sentence's speaker."""
        doc = ctx.doc
        if span.root.pos_ in {"NOUN", "PROPN"}:
            for m in after:
                gap = doc[span.end:m.start]
                if len(gap) <= 3 and gap and any(t.lower_ in _AGENT_PREPS for t in gap):
                    return m
        subj = _dep_subject(span)
        if subj is not None:
            for m in ctx.mentions:
                if m.actor and m.start <= subj.i < m.end and not m.is_place:
                    return m
        if speaker is not None and ctx.quote_of[span.start] >= 0:  # inside a quote, the speaker acts
            return speaker
        if before:
            return before[0]
        return speaker or _previous_source(ctx, span)


def _triggers(ctx: DocContext, lex: Lexicon) -> list[Span]:
    """Trigger matches, longest first on overlaps, in text order."""
    doc = ctx.doc
    spans = [Span(doc, s, e, label=str(k_)) for k, s, e in lex.triggers(doc, ctx.sent_spans)
             for k_ in [doc.vocab.strings[k]]]
    chosen: list[Span] = []
    taken: set[int] = set()
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start, int(s.label_))):
        if taken.isdisjoint(range(span.start, span.end)):
            chosen.append(span)
            taken.update(range(span.start, span.end))
    return sorted(chosen, key=lambda s: s.start)


def _refine(doc: Doc, span: Span, sent: Span, rule: TriggerRule, cameo: str) -> str:
    """The most specific CAMEO code the trigger's object words support."""
    if not rule.refine:
        return cameo
    window = doc[span.start:min(sent.end, span.end + 6)]
    for tok in window:
        code = rule.refine.get(tok.lemma_) or rule.refine.get(tok.lower_)
        if code:
            return code
    return cameo


def _window(ctx: DocContext, spans: list[Span], n: int) -> tuple[int, int]:
    """The trigger's clause, cut at neighbouring triggers of the same clause."""
    span = spans[n]
    clause = ctx.clause_of[span.start]
    sent = ctx.sent(span.start)
    start = span.start
    while start > sent.start and ctx.clause_of[start - 1] == clause:
        start -= 1
    end = span.end
    while end < sent.end and ctx.clause_of[end] == clause:
        end += 1
    if n > 0 and spans[n - 1].end > start and spans[n - 1].end <= span.start and ctx.clause_of[spans[n - 1].start] == clause:
        start = max(start, _first_actor_start(ctx, start, spans[n - 1].end))
    nxt = spans[n + 1] if n + 1 < len(spans) else None
    if nxt is not None and start <= nxt.start < end and not (nxt.root.pos_ == "NOUN" and nxt.start - span.end <= 4):
        end = nxt.start
    return start, end


def _first_actor_start(ctx: DocContext, start: int, prev_end: int) -> int:
    """Keep the clause subject shared by two triggers, drop what sits between them."""
    subj = ctx.actors_in(start, prev_end)
    return start if subj and subj[0].start == start else prev_end


def _dep_subject(span: Span):
    """The grammatical subject of the trigger or, through xcomp/conj chains, of its governor."""
    tok = span.root
    for _ in range(3):
        for child in tok.children:
            if child.dep_ in {"nsubj", "nsubj:pass"}:
                return child
        for child in tok.children:
            if child.dep_ == "obl:agent":
                return child
        if tok.dep_ in {"xcomp", "conj", "advcl", "acl", "ccomp", "obl:arg", "obj", "nmod"} and tok.head is not tok:
            tok = tok.head
        else:
            break
    return None


def _previous_source(ctx: DocContext, span: Span) -> Mention | None:
    sent = ctx.sent(span.start)
    if sent.start == 0:
        return None
    prev = ctx.sent(sent.start - 1)
    found = ctx.actors_in(prev.start, prev.end)
    return found[0] if found else None


def _datives(ctx: DocContext, span: Span, end: int) -> list[Mention]:
    """States after "à"/"au"/"aux"/"vers" within a few words of a targeted act: whom it is aimed at."""
    return [m for m in ctx.mentions if m.is_place and m.actor is not None and m.actor.kind == "state"
            and span.end <= m.start < min(end, span.end + 5) and m.start > 0
            and ctx.doc[m.start - 1].lower_ in {"à", "au", "aux", "vers"}]


def _conjuncts(ctx: DocContext, first: Mention) -> list[Mention]:
    """Actors coordinated with ``first`` ("X et Y", "X, Y et Z"), in the same clause."""
    out: list[Mention] = []
    last = first
    for m in ctx.mentions:
        if m.start < last.end or m.actor is None or m.is_place:
            continue
        gap = [t.lower_ for t in ctx.doc[last.end:m.start]]
        if gap not in (["et"], [","], [",", "et"]) or ctx.clause_of[m.start] != ctx.clause_of[first.start]:
            break
        out.append(m)
        last = m
    return out


def _parties_before(ctx: DocContext, span: Span, wanted: int) -> list[Actor]:
    """The parties of a meeting told without them: the actors of the nearest earlier sentences
    (up to three back) until ``wanted`` distinct ones are found, else those of the headline."""
    found: list[Actor] = []
    n = ctx.sent_index[span.start]
    for k in [*range(n - 1, max(-1, n - 4), -1), 0]:
        if k < 0 or k >= n:
            continue
        sent = ctx.sent_spans[k]
        found = _unique([*found, *(m.actor for m in ctx.actors_in(sent.start, sent.end) if m.actor)])
        if len(found) >= wanted:
            break
    return found


def _location(ctx: DocContext, start: int, end: int) -> Location | None:
    for m in ctx.mentions:
        if start <= m.start and m.end <= end and m.place is not None:
            return m.place
    return None


def _time(ctx: DocContext, n: int, spans: list[Span], windows: list[tuple[int, int]], timexes: list[Timex],
          dct: TimeInfo | None) -> TimeInfo | None:
    """The dated expression that governs trigger n: the nearest in its clause, else the nearest in
    its sentence that no other trigger's clause holds, else the day that sets the scene, else the
    article's reporting period."""
    doc, span = ctx.doc, spans[n]
    sent = ctx.sent(span.start)
    own = (doc[windows[n][0]].idx, _end_char(doc, windows[n][1]))
    others = [(doc[a].idx, _end_char(doc, b)) for k, (a, b) in enumerate(windows)
              if k != n and ctx.sent(spans[k].start).start == sent.start]
    dated = [tx for tx in timexes if tx.type in {"DATE", "TIME"} and sent.start_char <= tx.start < sent.end_char
             and tx.value not in _OPEN_REFS  # 'récemment', 'prochainement' say nothing of the day
             and "depuis" not in ctx.text[max(sent.start_char, tx.start - 8):tx.start].lower()]
    inside = [tx for tx in dated if own[0] <= tx.start < own[1]]
    free = [tx for tx in dated if not any(a <= tx.start < b for a, b in others)]
    for group in (inside, free):
        if group:
            return min(group, key=lambda tx: abs(tx.start - span.start_char)).as_time()
    scene = scene_time(ctx.text, timexes, sent.start_char, span)
    return inherited(scene) if scene is not None else dct


def _end_char(doc: Doc, end: int) -> int:
    return doc[end - 1].idx + len(doc[end - 1]) if end > 0 else 0


def _dct_time(article) -> TimeInfo | None:
    """The reporting period from the article header, as an honest interval."""
    date = getattr(article, "date", None)
    if date is None:
        return None
    first, last = date.first_day, date.last_day
    precision = {"datetime": "day"}.get(date.precision, date.precision)
    value = {"year": first.strftime("%Y"), "month": first.strftime("%Y-%m")}.get(precision, first.isoformat())
    return TimeInfo(None, value, first.isoformat(), last.isoformat(), precision, f"dct:{date.precision}")


def _drop_governed(cands: list[Candidate]) -> list[Candidate]:
    """"appelle à des négociations", "a menacé d'imposer des tarifs", "refuse de signer": an act
    right after an appeal, a demand, an offer, a refusal or a threat is its object, not an event of its own."""
    out: list[Candidate] = []
    for c in cands:
        gov = next((p for p in out if p.type in _GOVERNING and p.type != c.type and p.sentence.start == c.sentence.start
                    and 0 <= c.trigger.start - p.trigger.end <= 4), None)
        if gov is not None:
            continue
        out.append(c)
    return out


def _determiner(doc: Doc, span: Span) -> str:
    """The word before a noun trigger, over one adjective ("cet entretien", "leur dernière rencontre")."""
    i = span.start - 1
    if i > 0 and doc[i].pos_ == "ADJ":
        i -= 1
    return doc[i].lower_ if i >= 0 and span.root.pos_ in {"NOUN", "PROPN"} else ""


def _has_actors(c: Candidate) -> bool:
    """An event nobody takes part in is of no use downstream (and a statement is its speaker's)."""
    if c.type == "STATEMENT":
        return c.source is not None
    return bool(c.source or c.targets or c.participants)


def _same(a: Actor | None, b: Actor | None) -> bool:
    return a is not None and b is not None and a.code == b.code


def _unique(actors) -> list[Actor]:
    seen: set[str | None] = set()
    out = []
    for a in actors:
        if a is not None and a.code not in seen:
            seen.add(a.code)
            out.append(a)
    return out
