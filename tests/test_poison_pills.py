"""Poison pills against a real worker: no article holds its partition for long.

(a) A run of punctuation that spaCy's own tokenizer needs about 18 s for is tokenized in
pieces and processed well within the deadline.  (b) An article that really takes longer
than the deadline (100,000 characters of spaced parentheses, 9 to 24 s here) has the
extraction process killed and replaced; its batch is retried one article at a time; it
becomes one `extraction_timeout` dead letter and the articles around it, on the same
partition, are delivered; meanwhile the dashboard and /metrics show how old the oldest
record waiting on that partition is (they were written an hour ago).  (c) An extraction
process killed from outside while on an article is replaced too, and that article
becomes an `extraction_failed` dead letter.  The texts are written for this test.
"""

from __future__ import annotations

import re
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import psutil
import pytest

from stream.commands.consume import read_topic
from stream.commands.produce import make_producer
from stream.local import LocalStack
from stream.settings import Settings

from .test_faults_support import FAULT_MODEL, SAMPLES, wait_committed

pytestmark = [pytest.mark.broker, pytest.mark.timeout(600)]

DEADLINE = 3.5  # between the two pills' times, with room on both sides (they keep their ratio under load)
HOUR = 3600.0
RUN = ("(" * 4000 + "mot" + ")" * 4000).encode()  # (a): 18 s in spaCy's tokenizer alone; 1.2-2.9 s with ours
SLOW = ("( " * 50_000).encode()  # (b): 50,000 tokens, 9-24 s in the pipeline (small model, measured)
FIRST = [(b"good-before", SAMPLES[0].read_bytes()), (b"pill-run", RUN), (b"pill-slow", SLOW),
         (b"good-after", SAMPLES[1].read_bytes())]
LATER = [(b"good-later", SAMPLES[2].read_bytes())]
KILLED = [(b"pill-killed", SLOW)]


def _extraction_pid(stack: LocalStack) -> int:
    children = psutil.Process(stack.workers[0].proc.pid).children()
    return next(p.pid for p in children if p.status() != psutil.STATUS_ZOMBIE and "spawn_main" in " ".join(p.cmdline()))


def _watch_lag(stack: LocalStack, expected: int) -> dict[str, float]:
    """Until `expected` articles are accounted for: the largest lag in seconds of partition 0, page and metrics."""
    worker = stack.workers[0]
    seen = {"page": 0.0, "metrics": 0.0}
    deadline = time.monotonic() + 240
    while worker.get("/api/stats")["articles_in"] < expected:
        assert time.monotonic() < deadline, "articles not accounted for"
        row = worker.get("/api/stats")["stream"]["partitions"][0]
        seen["page"] = max(seen["page"], row.get("lag_seconds") or 0.0)
        with urllib.request.urlopen(worker.url + "/metrics", timeout=5) as resp:
            gauge = re.search(r'^stream_consumer_lag_seconds\{partition="0"\} (\S+)$', resp.read().decode(), re.M)
        seen["metrics"] = max(seen["metrics"], float(gauge.group(1)) if gauge else 0.0)
        time.sleep(0.5)
    return seen


def _wait_busy(pid: int) -> None:
    """Until an idle process has used 0.3 s of CPU: it has started on the article it was sent."""
    proc = psutil.Process(pid)
    start = sum(proc.cpu_times()[:2])
    deadline = time.monotonic() + 30
    while sum(proc.cpu_times()[:2]) - start < 0.3:
        assert time.monotonic() < deadline, "the extraction process never started on the article"
        time.sleep(0.05)


def _send(settings: Settings, pairs: list[tuple[bytes, bytes]], written: float | None = None) -> dict[int, int]:
    """All on partition 0, in order, with the create time `written` (default now); returns the end offset."""
    producer = make_producer(settings)
    stamp = None if written is None else int(written * 1000)
    try:
        futures = [producer.send(settings.topic_articles, key=k, value=v, partition=0, timestamp_ms=stamp)
                   for k, v in pairs]
        producer.flush()
        return {0: max(f.get(timeout=30).offset for f in futures) + 1}
    finally:
        producer.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    names = Settings.env_names()
    env = {names["extraction_timeout"]: str(DEADLINE), names["model"]: FAULT_MODEL}
    with LocalStack(workdir=tmp_path_factory.mktemp("pills"), extra_env=env) as stack:
        stack.start(workers=1, ready_timeout=180)
        settings = stack.settings()
        first_pid = _extraction_pid(stack)
        _send(settings, FIRST, written=time.time() - HOUR)
        lag = _watch_lag(stack, len(FIRST))
        ends = _send(settings, LATER)
        stack.wait_accounted(len(FIRST) + len(LATER), timeout=240)
        wait_committed(settings, ends, timeout=60)
        second_pid = _extraction_pid(stack)
        _send(settings, KILLED)
        _wait_busy(second_pid)  # it is on the article (which takes 9 s or more), well before the deadline
        psutil.Process(second_pid).kill()
        stack.wait_accounted(len(FIRST) + len(LATER) + len(KILLED), timeout=240)
        yield {
            "lag": lag, "settled": stack.workers[0].get("/api/stats")["stream"]["partitions"],
            "stats": stack.stats()[0], "first_pid": first_pid, "second_pid": second_pid,
            "pid": _extraction_pid(stack),
            "alive": stack.workers[0].alive(),
            "events": [orjson.loads(v) for v in read_topic(settings, settings.topic_events, follow=False, idle=2.0)],
            "dead": [orjson.loads(v) for v in read_topic(settings, settings.topic_deadletter, follow=False, idle=2.0)],
            "log": Path(stack.workers[0].log_path).read_text(errors="replace"),
        }


def test_every_article_is_accounted_for_and_only_the_slow_one_is_dead(run) -> None:  # noqa: ANN001
    stats = run["stats"]
    total = len(FIRST) + len(LATER) + len(KILLED)
    assert stats["articles_in"] == total == stats["processed"] + stats["deadlettered"], stats
    assert stats["deadletters_by_reason"] == {"extraction_timeout": 1, "extraction_failed": 1}, stats
    assert run["alive"]


def test_the_slow_article_is_an_extraction_timeout_dead_letter(run, validators) -> None:  # noqa: ANN001
    [record] = [r for r in run["dead"] if r["article_id"] == "pill-slow"]
    validators["deadletter"].validate(record)
    assert (record["reason"], record["article_id"], record["partition"]) == ("extraction_timeout", "pill-slow", 0)
    assert "deadline" in record["message"]


def test_the_articles_around_it_on_the_same_partition_are_delivered(run) -> None:  # noqa: ANN001
    with_events = {e["article_id"] for e in run["events"]}
    assert {"good-before", "good-after", "good-later"} <= with_events, with_events


def test_lag_in_seconds_is_the_age_of_the_oldest_waiting_record(run) -> None:  # noqa: ANN001
    """Written an hour ago and held up by the slow article: the lag is an hour, not a few messages."""
    assert run["lag"]["page"] >= HOUR and run["lag"]["metrics"] >= HOUR, run["lag"]
    assert all(p["lag_seconds"] == 0 for p in run["settled"]), run["settled"]


def test_an_article_whose_process_is_killed_is_an_extraction_failed_dead_letter(run, validators) -> None:  # noqa: ANN001
    [record] = [r for r in run["dead"] if r["article_id"] == "pill-killed"]
    validators["deadletter"].validate(record)
    assert record["reason"] == "extraction_failed" and "died" in record["message"]


def test_the_run_of_punctuation_is_processed_within_the_deadline(run) -> None:  # noqa: ANN001
    assert not [r for r in run["dead"] if r["article_id"] == "pill-run"]


def test_the_extraction_process_was_replaced_and_the_old_one_is_gone(run) -> None:  # noqa: ANN001
    assert len({run["first_pid"], run["second_pid"], run["pid"]}) == 3
    for pid in (run["first_pid"], run["second_pid"]):
        assert not psutil.pid_exists(pid), "a killed extraction process was not reaped"
    assert "replacing the extraction process" in run["log"]
