"""Unit tests of the input edge: headers, JSON shapes, dead-letter reasons."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import orjson
import pytest

from stream.core.article import (
    MAX_MESSAGE_BYTES, MAX_TEXT_CHARS, ArticleError, article_from_bytes, article_from_text, parse_date, split_header,
)


def test_seed_header_on_the_same_line_as_the_body(seed: Path) -> None:
    raw = seed.read_text()
    article = article_from_text(raw, "seed")
    assert article.date is not None
    assert (article.date.precision, article.date.first_day, article.date.last_day) == (
        "month", date(2022, 1, 1), date(2022, 1, 31))
    assert article.text.startswith('"L\'Ukraine est une nation souveraine')
    assert raw.endswith(article.text)


@pytest.mark.parametrize("raw, precision, first, last, body", [
    ("date 2022-01-12 Texte.", "day", date(2022, 1, 12), date(2022, 1, 12), "Texte."),
    ("   date 2022-01\n\nTexte.", "month", date(2022, 1, 1), date(2022, 1, 31), "Texte."),
    ("date 2020-02 Texte", "month", date(2020, 2, 1), date(2020, 2, 29), "Texte"),
    ("date 2021 Texte", "year", date(2021, 1, 1), date(2021, 12, 31), "Texte"),
    ("DATE 2022-01-12T21:45 Texte", "datetime", date(2022, 1, 12), date(2022, 1, 12), "Texte"),
])
def test_header_precision_and_bounds(raw: str, precision: str, first: date, last: date, body: str) -> None:
    doc_date, text = split_header(raw)
    assert doc_date is not None
    assert (doc_date.precision, doc_date.first_day, doc_date.last_day, text) == (precision, first, last, body)


def test_header_with_time_zone_keeps_the_offset() -> None:
    doc_date, _ = split_header("date 2022-01-12T10:30:00+02:00 Texte")
    assert doc_date is not None
    assert doc_date.start == datetime(2022, 1, 12, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    assert parse_date("2022-01-12T08:00Z").start.tzinfo == timezone.utc


@pytest.mark.parametrize("raw", ["Le président a déclaré", "dates 2022-01 x", "date du sommet: mardi", "date 20220112 x"])
def test_no_header(raw: str) -> None:
    assert split_header(raw) == (None, raw)


@pytest.mark.parametrize("header", ["date 2022-13 texte", "date 0000-00 texte", "date 2022-02-30 texte",
                                    "date 2022-01-12T25:00 texte"])
def test_impossible_header_is_bad_date(header: str) -> None:
    with pytest.raises(ArticleError) as err:
        article_from_text(header, "x")
    assert err.value.reason == "bad_date"


def test_json_article_with_date_field_and_metadata() -> None:
    data = orjson.dumps({"id": 7, "text": "Le sommet a eu lieu.", "date": "2022-01-12", "source": "AFP", "lang": "fr"})
    article = article_from_bytes(data)
    assert (article.id, article.source, article.lang, article.date.precision) == ("7", "AFP", "fr", "day")


def test_header_inside_json_text_counts() -> None:
    article = article_from_bytes(orjson.dumps({"id": "a", "text": "date 2022-01 Le sommet."}))
    assert (article.text, article.date.precision) == ("Le sommet.", "month")


def test_ids_come_from_json_then_key_then_content() -> None:
    assert article_from_bytes(b'{"text": "x"}', key=b"k1").id == "k1"
    assert article_from_bytes(b"Le sommet.", key=None).id == article_from_bytes(b"Le sommet.", key=None).id
    assert article_from_bytes(b"Le sommet.").id != article_from_bytes(b"Un autre sommet.").id


@pytest.mark.parametrize("data, reason", [
    (None, "empty_message"),
    (b"", "empty_message"),
    (b"   \n", "empty_message"),
    (b"\xff\xfe\x00binary", "invalid_utf8"),
    (b'{"id": "x", "text": ', "invalid_json"),
    (b"[1, 2]", "invalid_shape"),
    (b'{"id": "x"}', "missing_text"),
    (b'{"id": "x", "text": null}', "missing_text"),
    (b'{"id": "x", "text": 42}', "invalid_shape"),
    (b'{"id": {"a": 1}, "text": "x"}', "invalid_shape"),
    (b'{"id": "x", "text": "y", "date": 2022}', "invalid_shape"),
    (b'{"id": "x", "text": "   "}', "empty_text"),
    (b'{"id": "x", "text": "y", "date": "hier"}', "bad_date"),
    (b"date 2022-01   ", "empty_text"),
])
def test_bad_input_reasons(data: bytes | None, reason: str) -> None:
    with pytest.raises(ArticleError) as err:
        article_from_bytes(data)
    assert err.value.reason == reason
    assert str(err.value)


def test_long_text_is_cut_and_flagged() -> None:
    article = article_from_text("a " * MAX_TEXT_CHARS, "long")
    assert article.truncated and len(article.text) == MAX_TEXT_CHARS


def test_oversized_message_is_refused() -> None:
    with pytest.raises(ArticleError) as err:
        article_from_bytes(b"a" * (MAX_MESSAGE_BYTES + 1))
    assert err.value.reason == "too_large"
