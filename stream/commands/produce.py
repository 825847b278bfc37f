"""``produce PATH...|-``: publish articles to the input topic with kafka-python.

Text files are sent as they are (key: the file name without extension); JSON
files as one article (key: its ``id``); JSONL files and stdin one article per
line.  Stdin that does not start with ``{`` is one raw text.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from collections.abc import Iterator
from typing import TYPE_CHECKING

import orjson

from stream.commands import UserError, iter_input_files, read_bytes
from stream.settings import Settings

if TYPE_CHECKING:
    from kafka import KafkaProducer


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("produce", help="publish text files, folders or JSONL to the articles topic")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    p.add_argument("--topic", help="topic (default: $STREAM_TOPIC_ARTICLES)")
    p.add_argument("--bootstrap", help="bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS)")
    p.add_argument("--repeat", type=int, default=1, help="publish everything N times (load tests)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def messages(paths: list[str]) -> Iterator[tuple[bytes | None, bytes]]:
    """(key, value) pairs for every article in the given paths."""
    for path in iter_input_files(paths):
        data = read_bytes(path)
        if path.suffix == ".jsonl" or (str(path) == "-" and data.lstrip().startswith(b"{")):
            for line in data.splitlines():
                if line.strip():
                    yield _json_key(line), line
        elif path.suffix == ".json":
            yield _json_key(data), data
        else:
            yield (path.stem.encode() if str(path) != "-" else None), data


def _json_key(data: bytes) -> bytes | None:
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None  # sent as is: the worker dead-letters it with a reason
    article_id = obj.get("id") if isinstance(obj, dict) else None
    return str(article_id).encode() if isinstance(article_id, (str, int)) and article_id != "" else None


def make_producer(settings: Settings) -> "KafkaProducer":
    from kafka import KafkaProducer

    from stream.core.article import MAX_MESSAGE_BYTES
    from stream.kafka import kafka_python_config

    return KafkaProducer(**kafka_python_config(settings), acks="all", linger_ms=5,
                         max_request_size=MAX_MESSAGE_BYTES + 1024 * 1024)


def publish(settings: Settings, pairs: list[tuple[bytes | None, bytes]], topic: str, progress: bool) -> int:
    from kafka.errors import KafkaError
    from tqdm import tqdm

    from stream.kafka import ensure_topics

    try:
        ensure_topics(settings)
        producer = make_producer(settings)
    except KafkaError as exc:
        raise UserError(f"cannot reach Kafka at {settings.bootstrap_servers}: {exc}") from None
    try:
        futures = [producer.send(topic, key=key, value=value)
                   for key, value in tqdm(pairs, desc="produce", unit="msg", disable=not progress)]
        producer.flush()
        for future in futures:
            future.get(timeout=30)
    except KafkaError as exc:
        raise UserError(f"publishing to {topic} failed: {exc}") from None
    finally:
        producer.close()
    return len(pairs)


def run(args: argparse.Namespace) -> int:
    settings = Settings.from_env()
    if args.bootstrap:
        settings = replace(settings, bootstrap_servers=args.bootstrap)
    pairs = list(messages(args.paths)) * max(1, args.repeat)
    if not pairs:
        raise UserError("nothing to publish")
    sent = publish(settings, pairs, args.topic or settings.topic_articles, progress=not args.quiet)
    print(f"published {sent} message(s) to {args.topic or settings.topic_articles}")
    return 0
