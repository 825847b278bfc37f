"""What the parse tells about a mention: the tense of its governing verb, and whether it is quoted.

A bare "mercredi" or "le 10 janvier" points back with a past verb and forward with a
future one; this is where HeidelTime goes wrong most often on French TimeBank.
"""

from __future__ import annotations

import re
from typing import Literal

from spacy.tokens import Doc, Token

from stream.dates.grammar import lookup

Tense = Literal["past", "future", "present"]

_MAX_HOPS = 6
#: Quote pairs we recognise when no other component has put spans in doc.spans["quotes"].
_QUOTES = re.compile(r"«[^«»]*»|“[^“”]*”|\"[^\"\n]*\"")
_AUX_DEPS = {"aux", "aux:tense", "aux:pass", "aux:caus"}
_FUTURE_AUX = {"aller", "devoir"}


def governing_tense(doc: Doc, start: int, end: int) -> Tense | None:
    """Tense of the nearest verb above the mention in the dependency tree, or None."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    token: Token = span.root
    scheduled = False
    for _ in range(_MAX_HOPS):
        if token.pos_ in ("VERB", "AUX") and token.i not in range(span.start, span.end):
            return verb_tense(token)
        scheduled = scheduled or (token.pos_ == "NOUN" and lookup("scheduled_noun", token.lemma_) is not None)
        if token.head.i == token.i:
            if token.pos_ in ("VERB", "AUX"):
                return verb_tense(token)
            return "future" if scheduled else None  # a verbless headline: 'Réunion jeudi à Bruxelles'
        token = token.head
    return None


def verb_tense(verb: Token) -> Tense | None:
    """Past for passé composé / imparfait / plus-que-parfait, future for futur, conditional, 'aller' + inf
    and a schedule in the present ('est prévue mardi', 'attendu lundi')."""
    tense = _verb_tense(verb)
    if tense in (None, "present") and lookup("scheduling_verb", verb.lemma_) is not None:
        return "future"
    return tense


def _verb_tense(verb: Token) -> Tense | None:
    auxes = [c for c in verb.children if c.dep_ in _AUX_DEPS]
    if auxes:
        tense_aux = [c for c in auxes if c.dep_ != "aux:pass"]
        if not tense_aux:
            return _morph_tense(auxes[0])  # passive: 'est prévue' is present, 'sera signé' future
        aux = tense_aux[0]
        tense = _morph_tense(aux)
        if aux.lemma_ in _FUTURE_AUX and verb.morph.get("VerbForm") == ["Inf"] and tense == "present":
            return "future"
        if verb.morph.get("VerbForm") == ["Part"] and tense == "present":
            return "past"
        return tense
    if verb.morph.get("VerbForm") == ["Inf"]:
        head = verb.head  # 'va se tenir jeudi', 'doit signer lundi', 'devrait signer'; other infinitives say nothing
        if head.i != verb.i and head.lemma_ in _FUTURE_AUX and _morph_tense(head) in ("present", "future"):
            return "future"
        return None
    if verb.morph.get("VerbForm") == ["Part"]:
        return None  # a bare participle: 'réélu dimanche' looks back, 'prévue le 15' forward
    return _morph_tense(verb)


def _morph_tense(token: Token) -> Tense | None:
    if token.morph.get("Mood") == ["Cnd"]:
        return "future"
    tense = token.morph.get("Tense")
    if not tense:
        return None
    return {"Fut": "future", "Past": "past", "Imp": "past", "Pres": "present"}.get(tense[0])


def quote_spans(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Character spans of quoted speech: doc.spans['quotes'] when another component set it, else quote marks."""
    if "quotes" in doc.spans and len(doc.spans["quotes"]):
        return [(s.start_char, s.end_char) for s in doc.spans["quotes"]]
    return [m.span() for m in _QUOTES.finditer(text)]
