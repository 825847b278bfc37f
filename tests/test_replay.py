"""`replay-deadletters` against a real worker: filters, dry run, same ids, once per input, whole originals.

Dead letters come from two places: the worker itself (an English article, a long English
article whose dead letter holds a cut copy) and records written here the way the worker
writes them, standing for French articles that failed under a bug since fixed.  All texts
are written for this test.
"""

from __future__ import annotations

import base64
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
import pytest

from stream.commands.consume import read_topic
from stream.commands.produce import make_producer, publish
from stream.local import LocalStack

pytestmark = [pytest.mark.broker, pytest.mark.timeout(600)]

FR = ("date 2024-03-12 Le ministre français des Affaires étrangères a rencontré mardi à Berlin son homologue "
      "allemand. Paris a proposé une nouvelle réunion des deux gouvernements le mois prochain.")
EN = "The French foreign minister met his German counterpart in Berlin on Tuesday and proposed a new meeting. "
BIG_EN = (EN * (300 * 1024 // len(EN) + 1)).encode()  # over the 256 KiB a dead letter embeds


def _dead_letter(key: bytes, value: bytes, offset: int, failed_at: datetime) -> dict[str, Any]:
    """A dead letter as the worker writes it, for an input that failed under a bug since fixed."""
    return {"reason": "extraction_failed", "message": "RuntimeError: a bug since fixed",
            "original_base64": base64.b64encode(value).decode(), "original_key_base64": base64.b64encode(key).decode(),
            "topic": "articles", "partition": 0, "offset": offset, "article_id": key.decode(),
            "failed_at": failed_at.isoformat(timespec="milliseconds"),
            "extractor": {"version": "0.0.1", "model": "fr_core_news_md-3.8.0"}, "schema_version": "1"}


def _replay(stack: LocalStack, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "stream", "replay-deadletters", "--idle", "1.5", *args],
                          env=stack.env(), capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout.decode()


def _total(summary: str) -> int:
    """The count on the summary's `total` line."""
    return int(next(line.split()[1] for line in summary.splitlines() if line.startswith("total")))


def _articles_end(stack: LocalStack) -> int:
    from kafka import KafkaConsumer, TopicPartition

    from stream.kafka import kafka_python_config

    settings = stack.settings()
    consumer = KafkaConsumer(**kafka_python_config(settings))
    try:
        tps = [TopicPartition(settings.topic_articles, p) for p in range(settings.partitions)]
        return sum(consumer.end_offsets(tps).values())
    finally:
        consumer.close()


def _events_of(stack: LocalStack, article_id: str) -> list[dict[str, Any]]:
    settings = stack.settings()
    return [e for e in (orjson.loads(v) for v in read_topic(settings, settings.topic_events, False, 2.0))
            if e["article_id"] == article_id]


def _stream(stack: LocalStack) -> dict[str, Any]:
    return stack.workers[0].get("/api/stats")["stream"]


@pytest.fixture(scope="module")
def dead(stack: LocalStack) -> dict[str, Any]:
    settings = stack.settings()
    publish(settings, [(b"en-1", EN.encode()), (b"en-big", BIG_EN)], settings.topic_articles, progress=False)
    stack.wait_accounted(2, timeout=180)
    now = datetime.now(timezone.utc)
    fake = [_dead_letter(b"fr-1", FR.encode(), 1000, now), _dead_letter(b"fr-2", FR.replace("Berlin", "Rome").encode(),
                                                                      1001, now),
            _dead_letter(b"fr-old", FR.encode(), 1002, now - timedelta(days=400))]
    producer = make_producer(settings)
    for record in fake:
        producer.send(settings.topic_deadletter, key=record["original_key_base64"].encode(), value=orjson.dumps(record))
    producer.flush()
    producer.close()
    return {"since": (now - timedelta(days=1)).date().isoformat()}


def test_a_dry_run_counts_by_reason_and_publishes_nothing(stack: LocalStack, dead: dict) -> None:
    before = _articles_end(stack)
    out = _replay(stack, "--dry-run", "--reason", "extraction_failed", "--since", dead["since"])
    assert "would replay" in out and "extraction_failed  " in out, out
    assert _total(out) == 2, out  # fr-old failed before --since
    assert _articles_end(stack) == before


def test_replay_publishes_the_originals_once_and_they_keep_their_ids(stack: LocalStack, dead: dict) -> None:
    start = _stream(stack)["articles"]
    out = _replay(stack, "--reason", "extraction_failed", "--since", dead["since"])
    assert "replayed" in out and _total(out) == 2, out
    stack.wait_accounted(4, timeout=180)
    first = {e["event_id"] for e in _events_of(stack, "fr-1")}
    assert first and _events_of(stack, "fr-2"), "the replayed French articles gave no events"

    end = _articles_end(stack)
    again = _replay(stack, "--reason", "extraction_failed", "--since", dead["since"])
    assert _total(again) == 0 and "2 (already replayed)" in again, again
    assert _articles_end(stack) == end, "a second run published again"
    time.sleep(3.0)
    assert _stream(stack)["articles"] == start + 2  # counted once per input offset

    forced = _replay(stack, "--reason", "extraction_failed", "--since", dead["since"], "--again")
    assert _total(forced) == 2, forced
    stack.wait_accounted(6, timeout=180)
    events = _events_of(stack, "fr-1")
    assert {e["event_id"] for e in events} == first and len(events) == 2 * len(first)  # dedupe by event_id


def test_a_cut_original_is_read_back_whole_and_fails_again_with_its_reason(stack: LocalStack, dead: dict) -> None:
    settings = stack.settings()
    already = stack.stats()[0]["articles_in"]
    out = _replay(stack, "--reason", "unsupported_language", "--quiet")
    assert _total(out) == 2, out
    stack.wait_accounted(already + 2, timeout=180)
    records = [orjson.loads(v) for v in read_topic(settings, settings.topic_deadletter, False, 2.0)]
    big = [r for r in records if r["article_id"] == "en-big"]
    assert len(big) == 2 and {r["reason"] for r in big} == {"unsupported_language"}
    assert big[1]["offset"] != big[0]["offset"]
    assert f"of {len(BIG_EN)} bytes" in big[1]["message"], "the replay was not the whole original"
    assert _stream(stack)["deadletters_by_reason"]["unsupported_language"] == 4
