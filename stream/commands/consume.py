"""``consume``: print the events (or dead letters) as JSON lines.

Reads every partition from the beginning without joining a consumer group, so
it never moves the worker's offsets.  Stops once the topic has been idle for
``--idle`` seconds, or follows it with ``--follow``.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
import sys
import time

from stream.commands import UserError
from stream.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("consume", help="print events as JSON lines")
    p.add_argument("--topic", help="topic to read (default: $STREAM_TOPIC_EVENTS)")
    p.add_argument("--deadletters", action="store_true", help="read the dead-letter topic instead")
    p.add_argument("--follow", "-f", action="store_true", help="keep waiting for new messages")
    p.add_argument("--idle", type=float, default=3.0, help="without --follow, stop after this many idle seconds")
    p.add_argument("--bootstrap", help="bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS)")
    p.set_defaults(func=run)


def read_topic(settings: Settings, topic: str, follow: bool, idle: float):  # noqa: ANN201 - a generator of bytes
    """Yield message values from every partition of `topic`, oldest first per partition."""
    from kafka import KafkaConsumer, TopicPartition
    from kafka.errors import KafkaError

    from stream.kafka import kafka_python_config

    try:
        consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False,
                                 auto_offset_reset="earliest")
        partitions = consumer.partitions_for_topic(topic)
    except KafkaError as exc:
        raise UserError(f"cannot reach Kafka at {settings.bootstrap_servers}: {exc}") from None
    if not partitions:
        raise UserError(f"topic {topic!r} does not exist (yet)")
    consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
    consumer.seek_to_beginning()
    last = time.monotonic()
    try:
        while follow or time.monotonic() - last < idle:
            batch = consumer.poll(timeout_ms=200)
            for records in batch.values():
                for record in records:
                    last = time.monotonic()
                    yield record.value
    finally:
        consumer.close()


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.bootstrap:
        settings = replace(settings, bootstrap_servers=args.bootstrap)
    topic = args.topic or (settings.topic_deadletter if args.deadletters else settings.topic_events)
    out = sys.stdout.buffer
    for value in read_topic(settings, topic, args.follow, args.idle):
        out.write(value + b"\n")
        out.flush()
    return 0
