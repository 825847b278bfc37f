"""The sentence typer's input: actor mentions masked so that it learns constructions, not names."""

from __future__ import annotations

from stream.core.article import article_from_text
from stream.events.learned import ACTOR, masked_words


def test_actor_mentions_become_one_placeholder(extractor) -> None:  # noqa: ANN001
    nlp = extractor.nlp
    doc = nlp.make_doc("Le Pérou a protesté auprès de la Bolivie.")
    doc._.article = article_from_text("date 2018-05 Le Pérou a protesté auprès de la Bolivie.", "t")
    doc = nlp(doc)
    mentions = nlp.get_pipe("stream_events").actors(doc)
    words = masked_words(next(doc.sents), mentions)
    assert words.count(ACTOR) == 2
    assert "pérou" not in words and "bolivie" not in words
    assert words[words.index("protesté") - 1] == "a"
