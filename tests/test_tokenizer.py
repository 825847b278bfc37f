"""The bounded tokenizer: long runs without spaces are cut, nothing else changes, offsets index the text."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import Doc

from stream.core.pipeline import Extractor
from stream.core.tokenizer import MAX_RUN, BoundedTokenizer, pieces

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "stream" / "samples").glob("*.txt"))

# Written for these tests: the shapes of input that made spaCy's tokenizer take minutes.
RUNS = {
    "parentheses": "(" * 3000 + "mot" + ")" * 3000,
    "guillemets": "«" * 3000,
    "in-a-sentence": "Le ministre a déclaré " + "«" * 700 + "non" + "»" * 700 + " avant de partir.",
    "several-runs": ("!" * 450 + " ") * 3 + "  fin\n" + "?" * 250,
    "run-then-spaces": "x" * 301 + "   \n\n  suite",
    "exactly-the-limit": "y" * MAX_RUN + " " + "z" * (MAX_RUN + 1),
}


class Recorder:
    """Wraps the real tokenizer and keeps the longest run without a space it was given."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner = inner
        self.longest = 0

    def __call__(self, text: str) -> Doc:
        self.longest = max([self.longest, *(len(w) for w in text.split())])
        return self.inner(text)


@pytest.fixture(scope="module")
def inner(extractor: Extractor):  # noqa: ANN201
    tokenizer = extractor.nlp.tokenizer
    assert isinstance(tokenizer, BoundedTokenizer), "the pipeline must tokenize through BoundedTokenizer"
    return tokenizer.inner


@pytest.mark.parametrize("name", sorted(RUNS))
def test_pieces_give_the_text_back_with_no_long_run(name: str) -> None:
    parts = list(pieces(RUNS[name]))
    assert "".join(parts) == RUNS[name]
    assert all(len(word) <= MAX_RUN for part in parts for word in part.split())


@pytest.mark.parametrize("name", sorted(RUNS))
def test_long_runs_reach_spacy_only_in_pieces_and_offsets_hold(inner, name: str) -> None:  # noqa: ANN001
    text = RUNS[name]
    recorder = Recorder(inner)
    doc = BoundedTokenizer(recorder)(text)
    assert recorder.longest <= MAX_RUN
    assert doc.text == text
    assert all(text[t.idx:t.idx + len(t)] == t.text for t in doc)


def test_a_run_keeps_its_tokens_apart_from_the_words_around_it(inner) -> None:  # noqa: ANN001
    doc = BoundedTokenizer(inner)(RUNS["in-a-sentence"])
    words = [t.text for t in doc]
    assert words[:4] == ["Le", "ministre", "a", "déclaré"] and words[-4:] == ["avant", "de", "partir", "."]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_ordinary_text_tokenizes_exactly_as_before(inner, path: Path) -> None:  # noqa: ANN001
    text = path.read_text()
    bounded, plain = BoundedTokenizer(inner)(text), inner(text)
    assert [(t.idx, t.text, t.whitespace_) for t in bounded] == [(t.idx, t.text, t.whitespace_) for t in plain]
