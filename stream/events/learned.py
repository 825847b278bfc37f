"""A learned sentence typer: which event types a sentence reports, trained on the real-news corpus.

Rules find an event when a trigger word they know is there; real news says the
same acts in many more ways. The typer is a small bag-of-n-grams multi-label
classifier (spaCy ``textcat_multilabel``, ``TextCatBOW``) over the sentence's
words with every actor mention replaced by one placeholder, so that it learns
the construction ("ACTEUR a protesté auprès de ACTEUR"), not the names. It is
trained by ``corpus/train_sentence_types.py`` and shipped in
``stream/events/data/sentence_types/`` (weights and the thresholds chosen by
cross-validation); nothing is downloaded at run time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from stream.events.actors import Mention

MODEL_DIR = Path(__file__).parent / "data" / "sentence_types"
ACTOR = "ACTEUR"
#: The bag-of-n-grams model reads hashes, not strings: the shipped model keeps no vocabulary or tokenizer.
SHIPPED_WITHOUT = ["vocab", "tokenizer"]


def masked_words(sent: Span, mentions: Sequence[Mention]) -> list[str]:
    """The sentence's words, lower-cased, each actor mention as one ``ACTEUR``."""
    words: list[str] = []
    starts = {m.start: m for m in mentions if m.actor is not None and sent.start <= m.start < sent.end}
    i = sent.start
    while i < sent.end:
        m = starts.get(i)
        if m is not None:
            words.append(ACTOR)
            i = max(m.end, i + 1)
            continue
        if not sent.doc[i].is_space:
            words.append(sent.doc[i].lower_)
        i += 1
    return words or ["."]


class SentenceTyper:
    """Loads the shipped classifier once; scores many sentences in one pass."""

    def __init__(self, path: Path = MODEL_DIR) -> None:
        self.nlp: Language = spacy.load(path, exclude=SHIPPED_WITHOUT)
        #: Per type, the probability at which an event the rules missed is added (chosen by cross-validation).
        self.thresholds: dict[str, float] = json.loads((path / "thresholds.json").read_text(encoding="utf-8"))["add"]

    @classmethod
    def shipped(cls) -> SentenceTyper | None:
        """The packaged model, or None when the package ships none (rules alone)."""
        return cls(MODEL_DIR) if (MODEL_DIR / "thresholds.json").is_file() else None

    def scores(self, sentences: list[list[str]]) -> list[dict[str, float]]:
        docs = (Doc(self.nlp.vocab, words=words) for words in sentences)
        return [dict(doc.cats) for doc in self.nlp.pipe(docs, batch_size=256)]
