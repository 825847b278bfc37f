"""Dead letters without a broker: which id they carry."""

from __future__ import annotations

import pytest

from stream.app.processing import RawMessage, dead_letter
from stream.core.article import MAX_ID_CHARS, content_id
from stream.core.records import ExtractorInfo

INFO = ExtractorInfo(version="test", model="none")
NOT_UTF8 = "Le ministre a déclaré à Genève qu'il était prêt.".encode("latin-1")


def _record(value: bytes | None, key: bytes | None, article_id: str | None = None) -> dict:
    return dead_letter(RawMessage(key, value, "articles", 0, 7), "invalid_utf8", "not UTF-8", INFO, article_id)


@pytest.mark.parametrize(("key", "expected"), [
    (b"depeche-2022-01-12-17", "depeche-2022-01-12-17"),
    (b"  padded-key \n", "padded-key"),
    (b"k" * (MAX_ID_CHARS + 1), content_id(NOT_UTF8)),  # too long to be an id: the hash articles get
    (b"k" * (2 * 1024 * 1024), content_id(NOT_UTF8)),  # over the dead-letter key cap too
    (b"\xff\xfe-binary-key", content_id(NOT_UTF8)),
    (None, None),
    (b"", None),
])
def test_the_key_gives_the_article_id_of_a_dead_letter(key: bytes | None, expected: str | None) -> None:
    assert _record(NOT_UTF8, key)["article_id"] == expected


def test_an_id_read_from_the_article_wins_over_the_key() -> None:
    assert _record(b'{"id": "from-json"}', b"from-key", "from-json")["article_id"] == "from-json"


def test_a_keyed_empty_message_takes_its_key_and_no_hash() -> None:
    assert _record(None, b"empty-one")["article_id"] == "empty-one"
    assert _record(None, b"k" * (MAX_ID_CHARS + 1))["article_id"] is None
