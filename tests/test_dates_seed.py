"""Every temporal expression of the seed article, against a month header and a day header."""

from __future__ import annotations

from pathlib import Path

import pytest

from stream.core.article import article_from_text
from stream.core.pipeline import Extractor
from stream.core.records import Timex

# (text, type, value, earliest, latest) with the header 'date 2022-01'.  The seed repeats its body
# from the second paragraph on, so all but the first expression come twice.
MONTH = [
    ("par le passé", "TIME", "PAST_REF", None, "2022-01-31"),
    ("demain", "DATE", "XXXX-WXX-4", "2021-12-30", "2022-01-27"),
    ("mercredi", "DATE", "XXXX-WXX-3", "2021-12-29", "2022-01-26"),
    ("2019", "DATE", "2019", "2019-01-01", "2019-12-31"),
    ("mercredi", "DATE", "XXXX-WXX-3", "2021-12-29", "2022-01-26"),
    ("près de 2 ans", "DURATION", "P2Y", None, None),
    ("prochainement", "TIME", "FUTURE_REF", "2022-01-01", None),
]
DAY = [
    ("par le passé", "TIME", "PAST_REF", None, "2022-01-12"),
    ("demain", "DATE", "2022-01-13", "2022-01-13", "2022-01-13"),
    ("mercredi", "DATE", "2022-01-12", "2022-01-12", "2022-01-12"),
    ("2019", "DATE", "2019", "2019-01-01", "2019-12-31"),
    ("mercredi", "DATE", "2022-01-12", "2022-01-12", "2022-01-12"),
    ("près de 2 ans", "DURATION", "P2Y", None, None),
    ("prochainement", "TIME", "FUTURE_REF", "2022-01-12", None),
]


def _timexes(extractor: Extractor, seed: Path, header: str) -> tuple[str, list[Timex]]:
    raw = seed.read_text("utf-8")
    assert raw.startswith(" date 2022-01 ")
    article = article_from_text(raw.replace(" date 2022-01 ", f" date {header} ", 1), "seed")
    return article.text, extractor.extract(article).timexes


@pytest.mark.parametrize(("header", "expected"), [("2022-01", MONTH), ("2022-01-12", DAY)])
def test_every_expression_of_the_seed(extractor: Extractor, seed: Path, header: str, expected: list[tuple]) -> None:
    text, timexes = _timexes(extractor, seed, header)
    got = [(t.text, t.type, t.value, t.earliest, t.latest) for t in timexes]
    assert got == expected + expected[1:]
    assert all(text[t.start:t.end] == t.text for t in timexes)


def test_month_header_intervals_hold_the_real_days(extractor: Extractor, seed: Path) -> None:
    """The NATO-Russia council met on Wednesday 2022-01-12; the OSCE meeting was the next day."""
    _, timexes = _timexes(extractor, seed, "2022-01")
    truth = {"mercredi": "2022-01-12", "demain": "2022-01-13"}
    for t in timexes:
        if t.text in truth:
            assert t.earliest <= truth[t.text] <= t.latest
            assert t.granularity == "day"


def test_quoted_demain_is_anchored_to_the_statement_day(extractor: Extractor, seed: Path) -> None:
    _, timexes = _timexes(extractor, seed, "2022-01")
    demain = [t for t in timexes if t.text == "demain"]
    assert demain and all(t.anchor.startswith("quote:speech-day=mercredi") for t in demain)
    mercredi = [t for t in timexes if t.text == "mercredi"]
    assert all(t.anchor == "dct:month+tense:past+weekday:back" for t in mercredi)
