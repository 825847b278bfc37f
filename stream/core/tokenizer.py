"""spaCy's tokenizer in bounded time: long runs without spaces are tokenized in pieces.

spaCy's prefix/suffix loop is quadratic (worse, measured) in the length of a run
of characters without a space: 8,000 parentheses take 18 s, a 60 KB run of them
did not finish in 300 s.  Anyone who can write to the articles topic could stall
a worker with one such message.  Real words, URLs and numbers are far shorter
than `MAX_RUN`, so cutting longer runs changes nothing else, and no character is
added or removed: every offset still indexes the original text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from spacy.tokens import Doc

#: Runs of non-space characters longer than this are tokenized in pieces of at most this length.
MAX_RUN = 100


def pieces(text: str, max_run: int = MAX_RUN) -> Iterator[str]:
    """`text` cut so that no piece holds a run of more than `max_run` non-space characters; "".join gives it back.

    A long run's last piece keeps one following space, which spaCy stores as that token's trailing space.
    """
    start = 0
    for match in re.finditer(rf"\S{{{max_run + 1},}} ?", text):
        if match.start() > start:
            yield text[start:match.start()]
        for cut in range(match.start(), match.end(), max_run):
            yield text[cut:min(cut + max_run, match.end())]
        start = match.end()
    if start < len(text):
        yield text[start:]


class BoundedTokenizer:
    """Wraps a spaCy tokenizer; a text with no long run goes through it unchanged (the common case, no cost)."""

    def __init__(self, inner: Callable[[str], Doc], max_run: int = MAX_RUN) -> None:
        self.inner = inner
        self.max_run = max_run
        self._long_run = re.compile(rf"\S{{{max_run + 1}}}")

    def __call__(self, text: str) -> Doc:
        if not self._long_run.search(text):
            return self.inner(text)
        return Doc.from_docs([self.inner(piece) for piece in pieces(text, self.max_run)], ensure_whitespace=False)
