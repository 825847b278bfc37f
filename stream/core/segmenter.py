"""Paragraph segmentation before parsing: a line break always starts a new sentence.

Headlines carry no final punctuation, so without this the parser glues them to
the next sentence.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.factory("stream_segmenter")
def make_segmenter(nlp: Language, name: str) -> "ParagraphSegmenter":
    return ParagraphSegmenter()


class ParagraphSegmenter:
    """Marks the first token after any newline as a sentence start."""

    def __call__(self, doc: Doc) -> Doc:
        for token in doc[1:]:
            prev = doc[token.i - 1]
            if "\n" in prev.text or "\n" in prev.whitespace_:
                token.is_sent_start = True
        return doc
