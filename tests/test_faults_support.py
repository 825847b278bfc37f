"""Helpers shared by the fault and soak tests (no tests here): produce numbered articles, read offsets and events back.

Everything is checked against what the broker stored: the producer's record metadata gives the
true end of each partition (tansu's ListOffsets does not, see README), and the group's committed
offsets say what the workers have promised is done.
"""

from __future__ import annotations

import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import psutil

from stream.commands.consume import read_topic
from stream.local import LocalStack, Worker
from stream.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
#: Articles written for the project (stream/samples); each yields at least one event.
SAMPLES = sorted((ROOT / "stream" / "samples").glob("*.txt"))
#: The fault tests need the pipeline, not its accuracy: the small model loads and runs faster.
FAULT_MODEL = os.environ.get("STREAM_FAULT_MODEL", "fr_core_news_sm")


def sample_texts() -> list[bytes]:
    return [p.read_bytes() for p in SAMPLES]


def make_articles(prefix: str, n: int) -> list[tuple[bytes, bytes]]:
    """`n` articles keyed ``{prefix}-{i}``, cycling through the samples (the key is the article id)."""
    texts = sample_texts()
    return [(f"{prefix}-{i:05d}".encode(), texts[i % len(texts)]) for i in range(n)]


def event_signature(event: dict[str, Any]) -> tuple[Any, ...]:
    """What an event is, apart from which article carried it."""
    return (event["type"], event["cameo"], event["trigger"]["start"], event["trigger"]["end"])


def expected_signatures(model: str = FAULT_MODEL) -> list[Counter[tuple[Any, ...]]]:
    """Per sample text, the events the offline core gives (the same texts give the same events)."""
    from stream.core.article import article_from_bytes
    from stream.core.pipeline import Extractor

    extractor = Extractor(model)
    articles = [article_from_bytes(text, f"ref-{i}".encode()) for i, text in enumerate(sample_texts())]
    return [Counter(event_signature(e.to_dict()) for e in x.events) for x in extractor.run(articles)]


def produce(settings: Settings, pairs: list[tuple[bytes, bytes]],
            placement: dict[str, tuple[int, int]] | None = None) -> dict[int, int]:
    """Publish and return, per partition of the input topic, the offset after the last record.

    `placement`, if given, receives each key's (partition, offset) as the broker acknowledged it.
    """
    from stream.commands.produce import make_producer

    producer = make_producer(settings)
    try:
        futures = [producer.send(settings.topic_articles, key=k, value=v) for k, v in pairs]
        producer.flush()
        ends: dict[int, int] = {}
        for (key, _), future in zip(pairs, futures, strict=True):
            meta = future.get(timeout=30)
            if placement is not None:
                placement[key.decode()] = (meta.partition, meta.offset)
            ends[meta.partition] = max(ends.get(meta.partition, 0), meta.offset + 1)
        return ends
    finally:
        producer.close()


def committed(settings: Settings) -> dict[int, int]:
    """The worker group's committed offsets on the input topic (OffsetFetch; does not join the group)."""
    from kafka import KafkaConsumer, TopicPartition

    from stream.kafka import kafka_python_config

    consumer = KafkaConsumer(**kafka_python_config(settings), group_id=settings.app_id, enable_auto_commit=False,
                             session_timeout_ms=6000, request_timeout_ms=10_000)
    try:
        out = {}
        for p in range(settings.partitions):
            offset = consumer.committed(TopicPartition(settings.topic_articles, p))
            out[p] = offset if offset is not None else 0
        return out
    finally:
        consumer.close()


def wait_committed(settings: Settings, ends: dict[int, int], timeout: float) -> dict[int, int]:
    """Wait until the group has committed every partition up to `ends`; returns the last offsets seen."""
    deadline = time.monotonic() + timeout
    seen: dict[int, int] = {}
    while time.monotonic() < deadline:
        try:
            seen = committed(settings)
        except Exception:  # noqa: BLE001 - the broker may be away on purpose; keep polling
            seen = {}
        if seen and all(seen.get(p, 0) >= end for p, end in ends.items()):
            return seen
        time.sleep(0.5)
    raise AssertionError(f"offsets not committed within {timeout:.0f}s: committed {seen}, ends {ends}")


def read_events(settings: Settings) -> list[dict[str, Any]]:
    return [orjson.loads(v) for v in read_topic(settings, settings.topic_events, follow=False, idle=2.0)]


@dataclass
class Audit:
    """What came out for a set of articles, after deduplication by event_id."""

    missing_articles: list[str] = field(default_factory=list)
    wrong_articles: list[str] = field(default_factory=list)  # events missing or doubled after dedup
    conflicting_ids: list[str] = field(default_factory=list)  # one event_id, two different payloads
    delivered: int = 0
    duplicates: int = 0  # redeliveries removed by dedup (at-least-once)

    @property
    def ok(self) -> bool:
        return not (self.missing_articles or self.wrong_articles or self.conflicting_ids)


def audit(events: list[dict[str, Any]], pairs: list[tuple[bytes, bytes]],
          expected: list[Counter[tuple[Any, ...]]]) -> Audit:
    wanted = {key.decode(): i % len(expected) for i, (key, _) in enumerate(pairs)}
    by_id: dict[str, dict[str, Any]] = {}
    result = Audit()
    for event in events:
        if event["article_id"] not in wanted:
            continue
        result.delivered += 1
        first = by_id.setdefault(event["event_id"], event)
        if first is not event:
            result.duplicates += 1
            if {**first, "extractor": None} != {**event, "extractor": None}:
                result.conflicting_ids.append(event["event_id"])
    per_article: dict[str, Counter[tuple[Any, ...]]] = defaultdict(Counter)
    for event in by_id.values():
        per_article[event["article_id"]][event_signature(event)] += 1
    for article_id, sample in wanted.items():
        got = per_article.get(article_id)
        if not got:
            result.missing_articles.append(article_id)
        elif got != expected[sample]:
            result.wrong_articles.append(article_id)
    return result


def kill_hard(stack: LocalStack, worker: Worker, timeout: float = 15.0) -> list[int]:
    """SIGKILL a worker; its extraction process must notice and exit on its own.

    Returns the pids of children that did not (they are killed so nothing leaks).
    """
    children = psutil.Process(worker.proc.pid).children(recursive=True)
    worker.proc.kill()
    worker.proc.wait(timeout)
    _, alive = psutil.wait_procs(children, timeout=timeout)
    for proc in alive:
        proc.kill()
    return [p.pid for p in alive]


def articles_in(stack: LocalStack) -> int:
    try:
        return sum(s["articles_in"] for s in stack.stats())
    except OSError:
        return 0


def wait_articles_in(stack: LocalStack, at_least: int, timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        seen = articles_in(stack)
        if seen >= at_least:
            return seen
        time.sleep(0.1)
    raise AssertionError(f"workers took in fewer than {at_least} articles in {timeout:.0f}s")


def stack_processes(stack: LocalStack) -> list[psutil.Process]:
    """Every live process the stack started: broker, workers and their extraction children."""
    procs = []
    roots = [w.proc.pid for w in stack.workers if w.alive()]
    if stack.broker is not None and stack.broker.running and stack.broker.pid:
        roots.append(stack.broker.pid)
    for pid in roots:
        try:
            proc = psutil.Process(pid)
            procs += [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    return procs


def stop_all(stack: LocalStack) -> None:
    """Stop the stack, then make sure none of its processes (extraction children included) survive."""
    procs = stack_processes(stack)
    try:
        stack.stop()
    finally:
        _, alive = psutil.wait_procs(procs, timeout=15)
        for proc in alive:
            proc.kill()


def start_stack(tmp_path: Path, workers: int, proxied: bool = False, model: str = FAULT_MODEL,
                env: dict[str, str] | None = None) -> LocalStack:
    """Broker and `workers` workers on the fault model, ready; everything is stopped if the start fails."""
    stack = LocalStack(workdir=tmp_path, extra_env={Settings.env_names()["model"]: model, **(env or {})},
                       proxied=proxied)
    try:
        stack.start(workers=workers, ready_timeout=180)
    except BaseException:
        stop_all(stack)
        raise
    return stack
