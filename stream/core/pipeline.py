"""The one way to turn articles into timexes and events: a spaCy pipeline plus our components.

The worker, the offline CLI and the benchmark all go through `Extractor`.
Our components read the article (id, document date) from ``doc._.article``,
which `Extractor` sets on each `Doc` before the pipeline runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.tokens import Doc

import stream
from stream.core.article import Article
from stream.core.records import Event, ExtractorInfo, Timex
from stream.core.tokenizer import BoundedTokenizer

DEFAULT_MODEL = "fr_core_news_md"
#: Shipped components our rules never read. The entity recogniser costs about 40% of the
#: model's time, and actors come from the gazetteer and the parse, not from its labels.
UNUSED_COMPONENTS = ("ner",)

for _name, _default in (("article", None), ("timexes", None), ("events", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)


def build_nlp(model: str = DEFAULT_MODEL) -> Language:
    """Load a spaCy pipeline and add our components around it."""
    # Importing the component modules registers their factories.
    import stream.core.segmenter  # noqa: F401
    import stream.dates.component  # noqa: F401
    import stream.events.component  # noqa: F401

    try:
        nlp = spacy.load(model, exclude=UNUSED_COMPONENTS)
    except OSError as exc:
        raise RuntimeError(f"spaCy model {model!r} is not installed: pip install {model.replace('_', '-')}") from exc
    first = "parser" if "parser" in nlp.pipe_names else None
    nlp.add_pipe("stream_segmenter", before=first) if first else nlp.add_pipe("stream_segmenter", first=True)
    nlp.add_pipe("stream_dates")
    nlp.add_pipe("stream_events", config={"model": f"{model}-{nlp.meta.get('version', '?')}"})
    nlp.tokenizer = BoundedTokenizer(nlp.tokenizer)  # linear time on runs without spaces (poison pills)
    return nlp


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the core produced for one article."""

    article: Article
    timexes: list[Timex]
    events: list[Event]


class Extractor:
    """Runs the pipeline over batches of articles; load it once and reuse it."""

    def __init__(self, model: str = DEFAULT_MODEL, batch_size: int = 16) -> None:
        self.nlp = build_nlp(model)
        self.batch_size = batch_size
        self.info = ExtractorInfo(version=stream.__version__, model=f"{model}-{self.nlp.meta.get('version', '?')}")

    def _docs(self, articles: Iterable[Article]) -> Iterator[Doc]:
        for article in articles:
            doc = self.nlp.make_doc(article.text)
            doc._.article = article
            yield doc

    def run(self, articles: Iterable[Article]) -> Iterator[Extraction]:
        """Extract timexes and events, in input order, streaming in batches."""
        for doc in self.nlp.pipe(self._docs(articles), batch_size=self.batch_size):
            yield Extraction(doc._.article, doc._.timexes or [], doc._.events or [])

    def extract(self, article: Article) -> Extraction:
        return next(self.run([article]))
