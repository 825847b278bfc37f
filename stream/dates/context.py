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
#: Endings no present-tense form has: futures of -er verbs ('signera', 'signeront') and irregular ones.
_FUTURE_ENDING = re.compile(r"(?:era|erai|eras|erons|erez|ront|dra|rra|aura)$")


def governing_tense(doc: Doc, start: int, end: int) -> Tense | None:
    """Tense of the nearest verb above the mention in the dependency tree, or None."""
    verb, scheduled = _governing_verb(doc, start, end)
    if verb is not None:
        return verb_tense(verb)
    return "future" if scheduled else None  # a verbless headline: 'Réunion jeudi à Bruxelles'


def imperfective(doc: Doc, start: int, end: int) -> bool:
    """Whether the verb above the mention is in the imparfait: a background state ('le contrat
    expirait le 31 décembre') says nothing about whether its date is before the publication day."""
    verb, _ = _governing_verb(doc, start, end)
    return verb is not None and verb.morph.get("Tense") == ["Imp"]


def _governing_verb(doc: Doc, start: int, end: int) -> tuple[Token | None, bool]:
    """The nearest verb above the mention, and whether a meeting noun lies on the way."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None, False
    token: Token = span.root
    scheduled = False
    for _ in range(_MAX_HOPS):
        if token.pos_ in ("VERB", "AUX") and token.i not in range(span.start, span.end):
            return token, scheduled
        scheduled = scheduled or (token.pos_ in ("NOUN", "PROPN", "ADJ") and lookup("scheduled_noun", token.lemma_) is not None)
        if token.head.i == token.i:
            return (token, scheduled) if token.pos_ in ("VERB", "AUX") else (None, scheduled)
        token = token.head
    return None, scheduled


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
            if auxes[0].morph.get("VerbForm") == ["Inf"]:
                return _infinitive_tense(verb)  # 'doit être signé lundi'
            tense = _morph_tense(auxes[0])  # passive: 'est prévue' is present, 'sera signé' future
            reflexive = any(c.lemma_ == "se" for c in verb.children)
            if tense == "present" and (reflexive or lookup("etre_verb", verb.lemma_) is not None):
                return "past"  # 'est arrivé', 'se sont réunis': passé composé taken for a passive
            return tense
        aux = tense_aux[0]
        if aux.morph.get("Mood") == ["Cnd"] and verb.morph.get("VerbForm") == ["Part"]:
            return "past"  # conditionnel passé: hearsay 'aurait signé lundi', regret 'aurait dû'
        tense = _morph_tense(aux)
        if aux.lemma_ in _FUTURE_AUX and verb.morph.get("VerbForm") == ["Inf"] and tense == "present":
            return "future"
        if verb.morph.get("VerbForm") == ["Part"] and tense == "present":
            return "past"
        return tense
    if verb.morph.get("VerbForm") == ["Inf"]:
        return _infinitive_tense(verb)
    if verb.morph.get("VerbForm") == ["Part"]:
        return None  # a bare participle: 'réélu dimanche' looks back, 'prévue le 15' forward
    return _morph_tense(verb)


def _infinitive_tense(verb: Token) -> Tense | None:
    """'va se tenir jeudi', 'doit signer lundi', 'devrait signer' look forward; other infinitives say nothing."""
    head = verb.head
    if head.i != verb.i and head.lemma_ in _FUTURE_AUX and _morph_tense(head) in ("present", "future"):
        return "future"
    return None


def _morph_tense(token: Token) -> Tense | None:
    if token.morph.get("Mood") == ["Cnd"]:
        return "future"
    tense = token.morph.get("Tense")
    if not tense:
        return None
    if tense[0] == "Pres" and _FUTURE_ENDING.search(token.lower_):
        return "future"  # the tagger takes 'signeront', 'devra' for presents
    return {"Fut": "future", "Past": "past", "Imp": "past", "Pres": "present"}.get(tense[0])


def quote_spans(doc: Doc, text: str) -> list[tuple[int, int]]:
    """Character spans of quoted speech: doc.spans['quotes'] when another component set it, else quote marks."""
    if "quotes" in doc.spans and len(doc.spans["quotes"]):
        return [(s.start_char, s.end_char) for s in doc.spans["quotes"]]
    return [m.span() for m in _QUOTES.finditer(text)]
