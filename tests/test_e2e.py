"""End to end: the embedded broker, a real worker process, the real model."""

from __future__ import annotations

import orjson
import pytest

from stream.commands.consume import read_topic
from stream.commands.produce import publish

from .conftest import SAMPLE

pytestmark = pytest.mark.broker

MALFORMED: list[tuple[bytes | None, bytes, str]] = [
    (b"bad-json", b'{"id": "bad-json", "text": "Le sommet', "invalid_json"),
    (b"no-text", b'{"id": "no-text", "date": "2022-01"}', "missing_text"),
    (b"wrong-type", b'{"id": "wrong-type", "text": ["Le", "sommet"]}', "invalid_shape"),
    (b"empty", b'{"id": "empty", "text": "   "}', "empty_text"),
    (b"bad-date", b"date 2022-13 Le sommet a eu lieu mercredi.", "bad_date"),
    (b"bad-utf8", b"date 2022-01 Le sommet \xff\xfe a eu lieu.", "invalid_utf8"),
    (b"english", b'{"id": "english", "text": "The summit took place.", "lang": "en"}', "unsupported_language"),
]


@pytest.fixture(scope="module")
def run(stack):  # noqa: ANN001, ANN201
    """Publish the seed and the malformed inputs once; collect what came out."""
    settings = stack.settings()
    pairs = [(b"sample", SAMPLE.read_bytes())] + [(key, value) for key, value, _ in MALFORMED]
    publish(settings, pairs, settings.topic_articles, progress=False)
    stack.wait_accounted(len(pairs), timeout=180)
    events = [orjson.loads(v) for v in read_topic(settings, settings.topic_events, follow=False, idle=2.0)]
    dead = [orjson.loads(v) for v in read_topic(settings, settings.topic_deadletter, follow=False, idle=2.0)]
    return {"pairs": pairs, "events": events, "dead": dead, "stats": stack.stats()[0]}


def test_every_bad_input_has_one_dead_letter_with_its_reason(run, validators) -> None:  # noqa: ANN001
    by_key = {}
    for record in run["dead"]:
        validators["deadletter"].validate(record)
        by_key.setdefault(record["original_key_base64"], []).append(record)
    import base64

    for key, value, reason in MALFORMED:
        records = by_key.get(base64.b64encode(key).decode())
        assert records and len(records) == 1, f"{key!r}: {records}"
        assert records[0]["reason"] == reason, records[0]
        assert base64.b64decode(records[0]["original_base64"]) == value
        assert records[0]["topic"] == "articles" and records[0]["offset"] >= 0


def test_sample_events_arrive_and_validate(run, validators) -> None:  # noqa: ANN001
    sample_events = [e for e in run["events"] if e["article_id"] == "sample"]
    assert sample_events, "the sample article produced no events"
    for event in sample_events:
        validators["event"].validate(event)
    assert len({e["event_id"] for e in sample_events}) == len(sample_events)


def test_counts_balance_and_worker_survives(run, stack) -> None:  # noqa: ANN001
    stats = stack.stats()[0]
    assert stats["articles_in"] == len(run["pairs"]) == stats["processed"] + stats["deadlettered"]
    assert stats["deadlettered"] == len(MALFORMED) == len(run["dead"])
    assert stats["events_out"] == len(run["events"])
    assert all(w.alive() for w in stack.workers)
