"""Property-based tests of the core: whatever the text, extraction never raises, every offset
indexes the text, and every event validates against the published schema.

Texts are assembled from French news fragments that fire the date and event rules,
mixed with arbitrary Unicode, so both the rules and their edges get exercised.
"""

from __future__ import annotations

from datetime import date, datetime

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stream.core.article import Article, ArticleError, DocDate, article_from_bytes
from stream.core.language import detect_language

pytestmark = pytest.mark.timeout(300)

FRAGMENTS = [
    "Moscou a rejeté la proposition de l'OTAN", "Le ministre russe a rencontré mercredi à Genève",
    "le secrétaire d'État américain", "Les Européens ont averti la Russie", "lundi", "le 12 janvier 2022",
    "la semaine prochaine", "en 2021", "il y a deux ans", "Washington a proposé des négociations",
    "L'Ukraine a appelé ses alliés à l'aide", "« Nous ne céderons pas », a déclaré le président",
    "Paris et Berlin ont signé un accord", "l'UE a adopté des sanctions contre Minsk", "à Bruxelles",
    "hier soir", "dans la nuit de mardi à mercredi", "Jens Stoltenberg", "Sergueï Lavrov", "Antony Blinken",
    ". ", ", ", " ", "\n", "\n\n", " (AFP) ", "; ", " — ", "?", "!", "«", "»", "'", "\"", "...",
]
EXTRA = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
TEXTS = st.lists(st.one_of(st.sampled_from(FRAGMENTS), EXTRA), min_size=1, max_size=40).map("".join)
DOC_DATES = st.one_of(
    st.none(),
    st.builds(lambda d: DocDate(datetime(d.year, d.month, 1), "month", f"{d.year}-{d.month:02d}"),
              st.dates(date(1990, 1, 1), date(2035, 12, 31))),
    st.builds(lambda d: DocDate(datetime(d.year, d.month, d.day), "day", d.isoformat()),
              st.dates(date(1990, 1, 1), date(2035, 12, 31))),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(text=TEXTS, doc_date=DOC_DATES)
def test_extraction_never_raises_offsets_index_text_events_validate(extractor, validators, text: str,  # noqa: ANN001
                                                                    doc_date: DocDate | None) -> None:
    article = Article(id="prop", text=text, date=doc_date)
    result = extractor.extract(article)
    for timex in result.timexes:
        assert 0 <= timex.start < timex.end <= len(text)
        assert text[timex.start:timex.end] == timex.text
    for event in result.events:
        record = event.to_dict()
        validators["event"].validate(record)
        assert record["article_id"] == "prop"
        for span in [record["trigger"], *record["evidence"]]:
            assert 0 <= span["start"] < span["end"] <= len(text)
            assert text[span["start"]:span["end"]] == span["text"]
        assert record["evidence"], "an event without evidence"


@settings(max_examples=300, deadline=None)
@given(data=st.one_of(st.binary(max_size=300), TEXTS.map(str.encode),
                      st.builds(lambda t, d: orjson.dumps({"id": "x", "text": t, "date": d}),
                                TEXTS, st.text("0123456789-:TZ+ ", max_size=20))),
       key=st.one_of(st.none(), st.binary(max_size=20)))
def test_the_edge_returns_an_article_or_a_reason(data: bytes, key: bytes | None) -> None:
    """No input makes the edge raise anything but `ArticleError`; an article always has text and an id."""
    try:
        article = article_from_bytes(data, key)
    except ArticleError as exc:
        assert exc.reason and str(exc)
        return
    assert article.id and article.text.strip()


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(TEXTS, st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)))
def test_language_detection_is_total(text: str) -> None:
    detection = detect_language(text)
    assert detection.lang is None or isinstance(detection.lang, str)
    assert detection.explain()
