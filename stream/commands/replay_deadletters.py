"""``replay-deadletters``: publish dead-lettered inputs again, once each, after a fix.

Reads the dead-letter topic from the beginning (without joining a group) and
re-publishes each matching record's original bytes and key to the articles
topic, so the replayed articles keep their ids and their events dedupe by
``event_id``.  A dead letter embeds at most 256 KiB of the value and 1 KiB of
the key; a longer original is read back from where it was consumed.  Each input
(topic, partition, offset) is replayed once: the replays are recorded on the
compacted topic ``<dead-letter topic>-replayed``, and a second run skips them
unless ``--again``, so the dashboard, which counts per input offset, never
counts one failure twice.
"""

from __future__ import annotations

import argparse
import base64
import sys
import typing
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any

import orjson

from stream.commands import UserError
from stream.core.records import DeadLetterReason, ReplayMark
from stream.settings import Settings

REASONS = typing.get_args(DeadLetterReason)
#: Header of a replayed article: the input it replays, "topic/partition/offset".
REPLAY_HEADER = "stream-replay-of"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replay-deadletters", help="re-publish dead-lettered articles (same bytes and key)")
    p.add_argument("--reason", action="append", choices=REASONS, metavar="REASON",
                   help=f"only this reason (repeatable): {', '.join(REASONS)}")
    p.add_argument("--since", type=instant, help="only dead letters that failed at or after this ISO time (UTC by default)")
    p.add_argument("--until", type=instant, help="only dead letters that failed before this ISO time")
    p.add_argument("--dry-run", action="store_true", help="show what would be replayed; publish nothing")
    p.add_argument("--again", action="store_true", help="also replay inputs that an earlier run replayed")
    p.add_argument("--idle", type=float, default=3.0, help="stop reading once the topics are idle this many seconds")
    p.add_argument("--bootstrap", help="bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def instant(text: str) -> datetime:
    """An ISO date or date-time; without a zone it is UTC."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date or time (2026-12-03, 2026-12-03T14:00)") from None
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Replay:
    """One input to publish again."""

    source: str  # "topic/partition/offset" of the original input
    reason: str
    key: bytes | None
    value: bytes
    whole: bool  # False: the dead letter holds a cut copy, read the original back


def replayed_topic(settings: Settings) -> str:
    return f"{settings.topic_deadletter}-replayed"


def select(records: list[dict[str, Any]], reasons: list[str] | None, since: datetime | None,
           until: datetime | None, done: set[str]) -> tuple[list[Replay], Counter[str]]:
    """The dead letters to replay, oldest first, one per input; and how many were skipped, by why."""
    from stream.app.processing import MAX_DEADLETTER_KEY_BYTES, MAX_DEADLETTER_ORIGINAL_BYTES

    chosen: dict[str, Replay] = {}
    skipped: Counter[str] = Counter()
    for record in records:
        failed = datetime.fromisoformat(record["failed_at"])
        if (reasons and record["reason"] not in reasons) or (since and failed < since) or (until and failed >= until):
            continue
        source = f"{record['topic']}/{record['partition']}/{record['offset']}"
        if source in done:
            skipped["already replayed"] += 1
            continue
        if source in chosen:
            skipped["the same input twice (a batch redelivered)"] += 1
            continue
        key = None if record["original_key_base64"] is None else base64.b64decode(record["original_key_base64"])
        value = base64.b64decode(record["original_base64"])
        whole = len(value) < MAX_DEADLETTER_ORIGINAL_BYTES and (key is None or len(key) < MAX_DEADLETTER_KEY_BYTES)
        chosen[source] = Replay(source, record["reason"], key, value, whole)
    return list(chosen.values()), skipped


def _read(settings: Settings, topic: str, idle: float) -> list[dict[str, Any]]:
    from stream.commands.consume import read_topic

    out = []
    for value in read_topic(settings, topic, follow=False, idle=idle):
        try:
            out.append(orjson.loads(value))
        except orjson.JSONDecodeError:
            continue  # not ours: the topic holds only JSON records we wrote
    return out


def _original(consumer: Any, source: str) -> tuple[bytes | None, bytes] | None:
    """The input record itself, if its topic still holds it."""
    from kafka import TopicPartition

    topic, partition, offset = source.rsplit("/", 2)
    tp = TopicPartition(topic, int(partition))
    consumer.assign([tp])
    consumer.seek(tp, int(offset))
    for records in consumer.poll(timeout_ms=5000, max_records=1).values():
        for record in records:
            if record.offset == int(offset):
                return record.key, record.value
    return None


def ensure_replayed_topic(settings: Settings) -> None:
    from kafka.admin import KafkaAdminClient, NewTopic

    from stream.kafka import kafka_python_config

    admin = KafkaAdminClient(**kafka_python_config(settings), request_timeout_ms=10_000)
    try:
        if replayed_topic(settings) not in set(admin.list_topics()):
            admin.create_topics([NewTopic(replayed_topic(settings), 1, settings.replication_factor,
                                          topic_configs={"cleanup.policy": "compact"})])
    finally:
        admin.close()


def publish(settings: Settings, replays: list[Replay], progress: bool) -> Counter[str]:
    """Publish each replay and record it; returns the inputs that could not be replayed, by why."""
    from kafka import KafkaConsumer
    from kafka.errors import KafkaError
    from tqdm import tqdm

    from stream.commands.produce import make_producer
    from stream.kafka import kafka_python_config

    failed: Counter[str] = Counter()
    producer = make_producer(settings)
    reader = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False)
    try:
        for replay in tqdm(replays, desc="replay", unit="msg", disable=not progress, file=sys.stderr):
            key, value = replay.key, replay.value
            if not replay.whole:
                original = _original(reader, replay.source)
                if original is None:
                    failed["original no longer on its topic"] += 1
                    continue
                key, value = original
            meta = producer.send(settings.topic_articles, key=key, value=value,
                                 headers=[(REPLAY_HEADER, replay.source.encode())]).get(timeout=30)
            mark = ReplayMark(replay.source, replay.reason, f"{meta.topic}/{meta.partition}/{meta.offset}",
                              datetime.now(timezone.utc).isoformat(timespec="milliseconds"))
            producer.send(replayed_topic(settings), key=replay.source.encode(), value=orjson.dumps(mark))
        producer.flush()
    except KafkaError as exc:
        raise UserError(f"replaying to {settings.topic_articles} failed: {exc}") from None
    finally:
        producer.close()
        reader.close()
    return failed


def summary(replays: list[Replay], skipped: Counter[str], failed: Counter[str], dry_run: bool) -> str:
    """By reason: how many matched and how many were (or would be) replayed; then what was skipped and why."""
    matched = Counter(r.reason for r in replays)
    verb = "would replay" if dry_run else "replayed"
    width = max([len("reason"), *(len(r) for r in matched)])
    lines = [f"{'reason':<{width}}  {verb}"]
    lines += [f"{reason:<{width}}  {n:>{len(verb)}}" for reason, n in sorted(matched.items())]
    total = len(replays) - sum(failed.values())
    lines.append(f"{'total':<{width}}  {total:>{len(verb)}}")
    lines += [f"not replayed: {n} ({why})" for why, n in sorted({**skipped, **failed}.items())]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.bootstrap:
        settings = replace(settings, bootstrap_servers=args.bootstrap)
    from kafka.errors import KafkaError

    try:
        ensure_replayed_topic(settings)
    except KafkaError as exc:
        raise UserError(f"cannot reach Kafka at {settings.bootstrap_servers}: {exc}") from None
    done = set() if args.again else {m["source"] for m in _read(settings, replayed_topic(settings), args.idle)}
    records = _read(settings, settings.topic_deadletter, args.idle)
    replays, skipped = select(records, args.reason, args.since, args.until, done)
    failed = Counter() if args.dry_run else publish(settings, replays, progress=not args.quiet)
    print(summary(replays, skipped, failed, args.dry_run))
    return 0
