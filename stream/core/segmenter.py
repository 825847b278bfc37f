"""Segmentation before parsing: paragraphs, headlines, glued sentences and quotes.

* A line break always starts a new sentence: headlines carry no final
  punctuation, so without this the parser glues them to the next sentence.
* Copy-pasted bodies lose spaces ("étrangères.Le", 'dit."Nous'); an infix rule
  splits such tokens without touching characters or offsets, and the token after
  the glued full stop starts a sentence.
* Quotes (« », “ ”, "...") go to ``doc.spans["quotes"]``; each quote's
  attribution, when the text gives one next to it (", a indiqué X." after the
  quote, or "X a déclaré :" before it), is ``span._.attribution``, a `Span`.
  Quotes spanning several sentences share that attribution.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import compile_infix_regex

if not Span.has_extension("attribution"):
    Span.set_extension("attribution", default=None)

#: A full stop (or ?, !) glued between a lower-case word and an upper-case
#: letter or an opening quote: the missing space of pasted text.
_GLUED_INFIXES = (
    r"(?<=[a-zà-ÿ]{2})[.!?](?=[A-ZÀ-Ý])",
    r"(?<=[.!?])(?=[\"«“])",
)
_QUOTE_PAIRS = {"«": "»", "“": "”", '"': '"', "„": "“"}
_OPENERS = re.compile(r'[«“"„]')
#: Attribution right after a closing quote: ", a indiqué X." / ", selon X."
_AFTER = re.compile(r"\s*,\s*(?!(?:qui|que|qu'|dont|et|mais|ou|car|ce|cette|ces|le|la|les|un|une|des)\b)((?:[^\n.!?«»“”\"]|(?<=\bMM)\.|(?<=\bM)\.|(?<=\bDr)\.){3,160})", re.IGNORECASE)
#: Attribution right before an opening quote: "X a déclaré :" (to the colon).
_BEFORE = re.compile(r"([^\n.!?«»“”\"]{3,160}):\s*$")


@Language.factory("stream_segmenter")
def make_segmenter(nlp: Language, name: str) -> "ParagraphSegmenter":
    _split_glued_sentences(nlp)
    return ParagraphSegmenter()


def _split_glued_sentences(nlp: Language) -> None:
    """Add the glued-sentence infixes to the tokenizer (idempotent)."""
    infixes = list(nlp.Defaults.infixes or [])
    current = [getattr(p, "pattern", p) for p in infixes]
    extra = [p for p in _GLUED_INFIXES if p not in current]
    if extra:
        nlp.tokenizer.infix_finditer = compile_infix_regex(infixes + extra).finditer


class ParagraphSegmenter:
    """Starts sentences after newlines and glued full stops; finds quotes and attributions."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[1:]:
            prev = doc[token.i - 1]
            if "\n" in prev.text or "\n" in prev.whitespace_:
                token.is_sent_start = True
            elif prev.text in ".!?" and not prev.whitespace_ and token.text[:1].isupper() and token.i >= 2 \
                    and doc[token.i - 2].text[-1:].islower():
                token.is_sent_start = True
        doc.spans["quotes"] = find_quotes(doc)
        return doc


def quote_offsets(text: str) -> list[tuple[int, int]]:
    """Character spans of quotations (marks included), paired within a paragraph."""
    found: list[tuple[int, int]] = []
    pos = 0
    while (m := _OPENERS.search(text, pos)) is not None:
        start = m.start()
        closer = _QUOTE_PAIRS[m.group()]
        end = text.find(closer, start + 1)
        newline = text.find("\n", start)
        if end < 0 or (0 <= newline < end):
            pos = start + 1
            continue
        found.append((start, end + 1))
        pos = end + 1
    return found


def find_quotes(doc: Doc) -> list[Span]:
    """Quote spans with their attribution span (or None) set as ``span._.attribution``."""
    text = doc.text
    quotes: list[Span] = []
    for start, end in quote_offsets(text):
        span = doc.char_span(start, end, label="QUOTE", alignment_mode="expand")
        if span is None:
            continue
        span._.attribution = _attribution(doc, text, start, end)
        quotes.append(span)
    return quotes


def _attribution(doc: Doc, text: str, start: int, end: int) -> Span | None:
    after = _AFTER.match(text, end)
    if after:
        return doc.char_span(after.start(1), after.end(1), label="ATTRIBUTION", alignment_mode="expand")
    line_start = text.rfind("\n", 0, start) + 1
    before = _BEFORE.search(text, line_start, start)
    if before:
        return doc.char_span(before.start(1), before.end(1), label="ATTRIBUTION", alignment_mode="expand")
    return None
