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


def _dl(offset: int, reason: str, failed_at: str, value: bytes = b"texte", key: bytes | None = b"k") -> dict:
    record = _record(value, key)
    return {**record, "reason": reason, "offset": offset, "failed_at": failed_at}


def test_replay_selects_by_reason_and_time_once_per_input() -> None:
    from stream.commands.replay_deadletters import instant, select

    records = [_dl(1, "extraction_failed", "2026-12-01T10:00:00.000+00:00"),
               _dl(1, "extraction_failed", "2026-12-01T10:00:05.000+00:00"),  # the same input, redelivered
               _dl(2, "unsupported_language", "2026-12-01T11:00:00.000+00:00"),
               _dl(3, "extraction_failed", "2026-11-01T10:00:00.000+00:00"),
               _dl(4, "extraction_failed", "2026-12-02T00:00:00.000+00:00"),
               _dl(5, "extraction_failed", "2026-12-01T12:00:00.000+00:00")]
    replays, skipped = select(records, ["extraction_failed"], instant("2026-12-01"), instant("2026-12-02"),
                              done={"articles/0/5"})
    assert [r.source for r in replays] == ["articles/0/1"]
    assert skipped == {"the same input twice (a batch redelivered)": 1, "already replayed": 1}
    assert (replays[0].key, replays[0].value, replays[0].whole) == (b"k", b"texte", True)


def test_replay_reads_back_an_original_the_dead_letter_holds_cut() -> None:
    from stream.app.processing import MAX_DEADLETTER_KEY_BYTES, MAX_DEADLETTER_ORIGINAL_BYTES
    from stream.commands.replay_deadletters import select

    big_value = _dl(1, "too_large", "2026-12-01T10:00:00+00:00", value=b"x" * (MAX_DEADLETTER_ORIGINAL_BYTES + 1))
    long_key = _dl(2, "invalid_json", "2026-12-01T10:00:00+00:00", key=b"k" * (MAX_DEADLETTER_KEY_BYTES + 1))
    replays, _ = select([big_value, long_key], None, None, None, done=set())
    assert [r.whole for r in replays] == [False, False]
