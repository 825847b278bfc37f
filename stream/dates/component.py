"""spaCy component ``stream_dates``: finds French temporal expressions and resolves them.

Modelled on spaCy's span ruler: a factory, patterns and word lists loaded from
``stream/dates/data``, and a callable that writes ``doc._.timexes``.  It runs after the
parser, whose morphology and dependencies give the tense that orients bare weekdays and
months, and reads the document date from ``doc._.article``.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from stream.dates.grammar import rules
from stream.dates.resolve import resolve


@Language.factory("stream_dates")
def make_dates(nlp: Language, name: str) -> "DateResolver":
    return DateResolver()


class DateResolver:
    """Sets ``doc._.timexes`` (list of `stream.core.records.Timex`, char offsets into doc.text) and
    ``doc._.news_day`` (the one naming the day the article reports, or None)."""

    def __init__(self) -> None:
        rules()  # compile the patterns once, at pipeline build time

    def __call__(self, doc: Doc) -> Doc:
        article = doc._.article
        doc._.timexes, doc._.news_day = resolve(doc, article.date if article is not None else None)
        return doc


if not Doc.has_extension("news_day"):
    Doc.set_extension("news_day", default=None)  # the Timex naming the day the article reports
