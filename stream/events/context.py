"""Per-document context the event rules share: clauses, quotes, speakers, modality cues.

Computed once per doc in a few linear passes so that each trigger only does
dictionary look-ups.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from stream.core.records import Actor
from stream.events.actors import Mention
from stream.events.lexicon import Lexicon

_FIRST_PERSON = {"nous", "notre", "nos", "je", "j'", "j’", "mon", "ma", "mes"}
_SELON = {"selon", "d'après", "d’après"}


@dataclass
class DocContext:
    """Token-indexed facts about one doc."""

    doc: Doc
    mentions: list[Mention]
    text: str = ""  # doc.text, read once: spaCy rebuilds it from the tokens on every access
    clause_of: list[int] = field(default_factory=list)
    quote_of: list[int] = field(default_factory=list)
    speakers: dict[int, Mention | None] = field(default_factory=dict)
    sent_speaker: dict[int, Mention] = field(default_factory=dict)
    attribution_tokens: set[int] = field(default_factory=set)
    conditional_at: set[int] = field(default_factory=set)
    reported_sents: set[int] = field(default_factory=set)
    sent_spans: list[Span] = field(default_factory=list)
    sent_index: list[int] = field(default_factory=list)
    #: Token ranges of fixed phrases that hold a trigger word but report no event.
    fixed: list[tuple[int, int]] = field(default_factory=list)

    def sent(self, i: int) -> Span:
        """The sentence of token i (``Token.sent`` rescans the doc on every call)."""
        return self.sent_spans[self.sent_index[i]]

    def actors_in(self, start: int, end: int, places: bool = False) -> list[Mention]:
        """Actor mentions inside [start, end), skipping attributions (and places unless asked)."""
        return [m for m in self.mentions if m.actor is not None and start <= m.start and m.end <= end
                and m.start not in self.attribution_tokens and (places or not m.is_place)]

    def speaker_for(self, i: int) -> Mention | None:
        """Who speaks the words at token i: the quote's speaker, else the sentence's."""
        q = self.quote_of[i]
        if q >= 0:
            return self.speakers.get(q)
        return self.sent_speaker.get(self.sent(i).start)


def build_context(doc: Doc, mentions: list[Mention], lex: Lexicon) -> DocContext:
    ctx = DocContext(doc, mentions, doc.text)
    ctx.sent_spans = list(doc.sents)
    for n, sent in enumerate(ctx.sent_spans):
        ctx.sent_index.extend([n] * (sent.end - sent.start))
    ctx.fixed = [(s, e) for _, s, e in lex.fixed(doc)]
    _clauses(ctx, lex)
    _quotes(ctx)
    _sentence_speakers(ctx, lex)
    _modality_cues(ctx, lex)
    return ctx


def _clauses(ctx: DocContext, lex: Lexicon) -> None:
    """Number clauses: a new one at each sentence start, break word or quote mark."""
    breaks = set(lex.cues["clause_breaks"])
    n = 0
    for tok in ctx.doc:
        if tok.is_sent_start or tok.lower_ in breaks or tok.text in {'"', "«", "»", "“", "”"}:
            n += 1
        elif tok.lower_ in {"ainsi", "et"} and tok.i + 1 < len(ctx.doc) and ctx.doc[tok.i + 1].pos_ in {"AUX", "SCONJ"}:
            n += 1
        ctx.clause_of.append(n)


def _quotes(ctx: DocContext) -> None:
    doc = ctx.doc
    ctx.quote_of = [-1] * len(doc)
    quotes: list[Span] = list(doc.spans["quotes"]) if "quotes" in doc.spans else []
    previous: Mention | None = None
    for qi, quote in enumerate(quotes):
        for i in range(quote.start, quote.end):
            ctx.quote_of[i] = qi
        speaker = None
        attribution = quote._.attribution
        if attribution is not None:
            ctx.attribution_tokens.update(range(attribution.start, attribution.end))
            speaker = _first_actor(ctx, attribution.start, attribution.end)
        if speaker is None:
            speaker = previous if previous is not None and _same_paragraph(ctx.text, quotes[qi - 1], quote) else None
        if speaker is None:
            speaker = _previous_subject(ctx, quote.start)
        ctx.speakers[qi] = speaker
        previous = speaker
    _first_person(ctx)


def _first_person(ctx: DocContext) -> None:
    """"nous", "notre" inside a quote stand for the speaker's side."""
    extra = []
    quoted = (ctx.doc[i] for i, q in enumerate(ctx.quote_of) if q >= 0)  # no Token object for the rest
    for tok in quoted:
        q = ctx.quote_of[tok.i]
        if tok.lower_ in _FIRST_PERSON and (sp := ctx.speakers.get(q)) and sp.actor:
            a = sp.actor
            code = a.affiliation if a.kind == "person" else a.code
            name, kind = (a.name, a.kind) if a.kind != "person" else (None, "other")
            extra.append(Mention(tok.i, tok.i + 1, Actor(tok.text, code, name, kind, None)))
    if extra:
        ctx.mentions = sorted(ctx.mentions + extra, key=lambda m: (m.start, -m.end))


def _same_paragraph(text: str, a: Span, b: Span) -> bool:
    return "\n" not in text[a.end_char:b.start_char]


def _first_actor(ctx: DocContext, start: int, end: int) -> Mention | None:
    found = [m for m in ctx.mentions if m.actor is not None and start <= m.start < end]
    persons = [m for m in found if m.actor and m.actor.kind == "person"]
    return (persons or found or [None])[0]


def _previous_subject(ctx: DocContext, i: int) -> Mention | None:
    """The first actor of the sentence before token i (who was just talking)."""
    sent = ctx.sent(i)
    if sent.start == 0:
        return None
    prev = ctx.sent(sent.start - 1)
    return _first_actor(ctx, prev.start, min(prev.end, i))


def _sentence_speakers(ctx: DocContext, lex: Lexicon) -> None:
    """"…, a déclaré X", "selon X", "X a déclaré que": the speaker of a sentence's reported content."""
    reporting = set(lex.cues["reporting"])
    for sent in ctx.sent_spans:
        for tok in sent:
            if ctx.quote_of[tok.i] >= 0:
                continue
            if tok.lower_ in _SELON:
                m = _mention_at(ctx, tok.i + 1, sent.end)
                if m is not None:
                    ctx.sent_speaker.setdefault(sent.start, m)
                    ctx.attribution_tokens.update(range(tok.i, m.end))
                else:
                    ctx.reported_sents.add(sent.start)
            elif tok.lemma_ in reporting and tok.pos_ in {"VERB", "AUX", "ADJ", "NOUN", "PROPN"}:
                m = _inverted_subject(ctx, tok, sent) or _subject(ctx, tok, sent)
                if m is not None:
                    ctx.sent_speaker.setdefault(sent.start, m)


def _mention_at(ctx: DocContext, i: int, end: int) -> Mention | None:
    for m in ctx.mentions:
        if m.actor is not None and i <= m.start < min(end, i + 3):
            return m
    return None


def _inverted_subject(ctx: DocContext, verb, sent: Span) -> Mention | None:
    """", a indiqué le ministre": an actor right after the verb, before the sentence ends."""
    j = verb.i + 1
    while j < sent.end and (ctx.doc[j].pos_ in {"ADV", "NOUN"} and ctx.doc[j].lower_ not in {"le", "la"}) and j - verb.i < 3:
        j += 1
    m = _mention_at(ctx, j, sent.end)
    marks = [t.i for t in ctx.doc[max(sent.start, verb.i - 3):verb.i] if t.text in {",", '"', "»", "”"}]
    if m is None or not marks:
        return None
    # An inverted attribution follows the reported words, which hold a verb ("…, a averti X").
    # "Le chef de la diplomatie européenne, Josep Borrell, a appelé Moscou à …" has none before
    # the comma: the comma closes the subject's apposition and Moscou is an object.
    if not any(t.pos_ in {"VERB", "AUX"} for t in ctx.doc[sent.start:marks[0]]):
        return None
    ctx.attribution_tokens.update(range(verb.i, m.end))
    return m


def _subject(ctx: DocContext, verb, sent: Span) -> Mention | None:
    """"X a déclaré que": the nearest actor before the verb in its clause."""
    clause = ctx.clause_of[verb.i]
    before = [m for m in ctx.mentions if m.actor is not None and sent.start <= m.start < verb.i
              and ctx.clause_of[m.start] == clause and ctx.quote_of[m.start] < 0]
    return before[0] if before else None


def _modality_cues(ctx: DocContext, lex: Lexicon) -> None:
    doc = ctx.doc
    for tok in doc:
        low = tok.lower_
        if low == "si" and tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ not in {"ADJ", "ADV"} \
                and not (tok.i > 0 and doc[tok.i - 1].lower_ == "même"):
            ctx.conditional_at.add(tok.i)
        elif low in {"s'", "s’"} and tok.i + 1 < len(doc) and doc[tok.i + 1].lower_ in {"il", "ils"}:
            ctx.conditional_at.add(tok.i)
        elif low == "cas" and tok.i > 0 and doc[tok.i - 1].lower_ in {"en", "au"}:
            ctx.conditional_at.add(tok.i)
        elif low in {"condition", "réserve", "défaut"} and tok.i > 0 and doc[tok.i - 1].lower_ in {"à", "sous"}:
            ctx.conditional_at.add(tok.i)
    reported = set(lex.cues["reported"])
    for tok in doc:
        if tok.lower_ in reported and ctx.quote_of[tok.i] < 0:
            ctx.reported_sents.add(ctx.sent(tok.i).start)
