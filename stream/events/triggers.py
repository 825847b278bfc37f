"""Trigger matching: word lists through hash lookups, patterns only where they can match.

spaCy's Matcher evaluates every ``IN`` predicate of every pattern on every
token, which made it the largest cost of the events component.  Word-list
triggers (``"lemmas"`` in triggers.jsonl) therefore go through PhraseMatchers on
LEMMA and LOWER, and each multi-token ``"pattern"`` through its own Matcher, run
only on sentences holding the pattern's rarest required word (its anchor): a
sentence without the anchor cannot match, so the matches are the same, for a
fraction of the work.
"""

from __future__ import annotations

from typing import Any

import numpy
from spacy.attrs import LEMMA, LOWER
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

_ATTRS = {"LEMMA": LEMMA, "LOWER": LOWER}
_COLUMNS = {LEMMA: 0, LOWER: 1}
Match = tuple[int, int, int]


class TriggerMatcher:
    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_form = PhraseMatcher(vocab, attr="LOWER")
        self.patterns: list[Matcher] = []
        #: (column of the LEMMA/LOWER table, word hash) → the patterns that word anchors.
        self.anchors: dict[tuple[int, int], list[int]] = {}
        self.pos: dict[int, set[str]] = {}

    def add_words(self, key: str, words: list[str], pos: list[str] | None = None) -> None:
        """Single words match a lemma or a word form; phrases match word forms."""
        singles = [w for w in words if " " not in w]
        self.by_lemma.add(key, [Doc(self.vocab, words=[w], lemmas=[w]) for w in singles])
        self.by_form.add(key, [Doc(self.vocab, words=w.lower().split()) for w in words])
        if pos:
            self.pos[self.vocab.strings.add(key)] = set(pos)

    def add_pattern(self, key: str, pattern: list[dict[str, Any]]) -> None:
        attr, values = _anchor(pattern, self.vocab)
        matcher = Matcher(self.vocab)
        matcher.add(key, [pattern])
        for v in values:
            word = self.vocab.strings.add(v.lower() if attr == LOWER else v)
            self.anchors.setdefault((_COLUMNS[attr], word), []).append(len(self.patterns))
        self.patterns.append(matcher)

    def __call__(self, doc: Doc, sentences: list[Span]) -> list[Match]:
        """(match_id, start, end) in doc token offsets, without duplicates."""
        found = {m for m in self.by_lemma(doc) if self._pos_ok(doc, m)}
        found.update(m for m in self.by_form(doc) if self._pos_ok(doc, m))
        if not len(doc):
            return sorted(found)
        table = doc.to_array([LEMMA, LOWER]).tolist()
        starts = numpy.array([sent.start for sent in sentences])
        sent_of = (numpy.searchsorted(starts, numpy.arange(len(doc)), side="right") - 1).tolist()
        woken: set[tuple[int, int]] = set()  # (pattern, sentence): one pass over the tokens wakes them all
        for i, row in enumerate(table):
            for column, word in enumerate(row):
                for p in self.anchors.get((column, word), ()):
                    woken.add((p, sent_of[i]))
        for p, n in sorted(woken):
            sent = sentences[n]
            found.update((key, sent.start + s, sent.start + e) for key, s, e in self.patterns[p](sent))
        return sorted(found, key=lambda m: (m[1], m[2], m[0]))

    def _pos_ok(self, doc: Doc, match: Match) -> bool:
        allowed = self.pos.get(match[0])
        return allowed is None or doc[match[1]].pos_ in allowed


def _anchor(pattern: list[dict[str, Any]], vocab: Vocab) -> tuple[int, list[str]]:
    """The pattern's rarest required word constraint (by the vectors' frequency rank, when the model has one).

    A common anchor ("avoir", "l'") would wake the Matcher on almost every sentence.
    """
    options: list[tuple[int, bool, int, int, list[str]]] = []
    for n, spec in enumerate(pattern):
        if spec.get("OP") not in (None, "!", "+", "1"):
            continue
        for attr in ("LEMMA", "LOWER"):
            value = spec.get(attr)
            values = [value] if isinstance(value, str) else list(value.get("IN", [])) if isinstance(value, dict) else []
            if values:
                commonest = min(vocab[v.lower()].rank for v in values)
                options.append((commonest, attr == "LEMMA", n, _ATTRS[attr], values))
    if not options:
        raise ValueError(f"trigger pattern {pattern} needs a required LEMMA or LOWER token to anchor it")
    *_, attr, values = max(options, key=lambda o: o[:3])
    return attr, values
