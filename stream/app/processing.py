"""What the worker's extraction process does with a batch of raw messages.

Runs in a separate process (see `stream.app.executor`), so it imports no Faust:
raw bytes in, publishable dicts out.  Every message yields exactly one
`Outcome`: its events (zero or more) or one dead letter.  Bad bytes leave here,
at the edge, and never reach the NLP core.
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from stream.core.article import Article, ArticleError, article_from_bytes, message_id
from stream.core.language import detect_language
from stream.core.pipeline import Extractor
from stream.core.records import DeadLetter, DeadLetterReason, ExtractorInfo
from stream.fusion.key import outlet_of

SUPPORTED_LANGUAGES = ("fr",)


@dataclass(frozen=True, slots=True)
class RawMessage:
    """A Kafka record as read, before any parsing."""

    key: bytes | None
    value: bytes | None
    topic: str
    partition: int
    offset: int


@dataclass(slots=True)
class Outcome:
    """The fate of one message: events, or one dead letter."""

    message: RawMessage
    article_id: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    dead_letter: dict[str, Any] | None = None
    truncated: bool = False
    lang: str | None = None  # explicit or detected; None: too short to tell (processed as French)
    outlet: str | None = None  # who published the article (`stream.fusion.outlet_of`), sent as a header


@dataclass(slots=True)
class BatchResult:
    outcomes: list[Outcome]
    parse_seconds: float
    extract_seconds: float


_extractor: Extractor | None = None


def init_extractor(model: str, batch_size: int) -> None:
    """Process initializer: load the model once per process."""
    global _extractor
    _extractor = Extractor(model, batch_size=batch_size)


def extractor_info() -> ExtractorInfo:
    """Also serves as the warm-up call: it fails if the model did not load."""
    assert _extractor is not None, "init_extractor was not called"
    return _extractor.info


#: A dead letter embeds at most this much of the original value.  Kafka refuses records over
#: 1 MB by default (broker ``message.max.bytes``, producer ``max_request_size``): a 5 MB bad
#: input copied whole would make its own dead letter unpublishable and crash the agent.
MAX_DEADLETTER_ORIGINAL_BYTES = 256 * 1024
#: Keys longer than this are replaced by their SHA-1 on the dead-letter topic, for the same reason.
MAX_DEADLETTER_KEY_BYTES = 1024


def dead_letter_key(msg: RawMessage) -> bytes | None:
    """The dead letter's Kafka key: the original key, or its SHA-1 when it is too long to resend."""
    if msg.key is None or len(msg.key) <= MAX_DEADLETTER_KEY_BYTES:
        return msg.key
    return hashlib.sha1(msg.key).hexdigest().encode("ascii")


def dead_letter(msg: RawMessage, reason: DeadLetterReason, message: str, info: ExtractorInfo,
                article_id: str | None = None) -> dict[str, Any]:
    """One dead letter; `article_id` defaults to the id the message's key gives (as for articles), else null."""
    if article_id is None and msg.key:
        article_id = message_id(msg.value, msg.key)
    value = msg.value or b""
    if len(value) > MAX_DEADLETTER_ORIGINAL_BYTES:
        message += (f" [original_base64 holds the first {MAX_DEADLETTER_ORIGINAL_BYTES} of {len(value)} bytes;"
                    f" the whole message is at {msg.topic}/{msg.partition}@{msg.offset}]")
        value = value[:MAX_DEADLETTER_ORIGINAL_BYTES]
    return DeadLetter(
        reason=reason, message=message,
        original_base64=base64.b64encode(value).decode("ascii"),
        original_key_base64=base64.b64encode(msg.key[:MAX_DEADLETTER_KEY_BYTES]).decode("ascii")
        if msg.key is not None else None,
        topic=msg.topic, partition=msg.partition, offset=msg.offset, article_id=article_id,
        failed_at=datetime.now(timezone.utc).isoformat(timespec="milliseconds"), extractor=info,
    ).to_dict()


def _admit(msg: RawMessage, info: ExtractorInfo) -> Outcome | Article:
    """Parse at the edge: an `Article`, or the dead-letter outcome explaining why not.

    Language routing (README): an explicit ``lang`` wins; without one, the language is
    detected, and a text too short to tell is taken as French.
    """
    try:
        article = article_from_bytes(msg.value, msg.key)
    except ArticleError as exc:
        return Outcome(msg, dead_letter=dead_letter(msg, exc.reason, str(exc), info))
    if article.lang:
        lang, why = article.lang.lower()[:2], f"language {article.lang!r}"
    else:
        detection = detect_language(article.text)
        lang, why = detection.lang, detection.explain()
        if lang is not None:
            article = replace(article, lang=lang)  # the contract: "detected when absent"
    if lang is not None and lang not in SUPPORTED_LANGUAGES:
        return Outcome(msg, article.id, lang=lang, dead_letter=dead_letter(
            msg, "unsupported_language", f"{why}: not supported yet", info, article.id))
    return article


def process_batch(messages: list[RawMessage]) -> BatchResult:
    """Parse and extract a batch; one bad article never sinks the others."""
    assert _extractor is not None, "init_extractor was not called"
    info = _extractor.info
    t0 = time.perf_counter()
    outcomes: list[Outcome | None] = []
    todo: list[tuple[int, RawMessage, Article]] = []
    for msg in messages:
        admitted = _admit(msg, info)
        if isinstance(admitted, Outcome):
            outcomes.append(admitted)
        else:
            todo.append((len(outcomes), msg, admitted))
            outcomes.append(None)
    t1 = time.perf_counter()
    for index, msg, article in todo:
        outcomes[index] = Outcome(msg, article.id, truncated=article.truncated, lang=article.lang,
                                  outlet=outlet_of(article.source, article.url, article.id))
    try:
        for (index, _, _), result in zip(todo, _extractor.run(a for _, _, a in todo), strict=True):
            outcomes[index].events = [e.to_dict() for e in result.events]  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - isolate the article that breaks the batch
        for index, msg, article in todo:
            outcomes[index] = _extract_one(msg, article, info)
    t2 = time.perf_counter()
    return BatchResult([o for o in outcomes if o is not None], t1 - t0, t2 - t1)


def _extract_one(msg: RawMessage, article: Article, info: ExtractorInfo) -> Outcome:
    assert _extractor is not None
    try:
        events = _extractor.extract(article).events
    except Exception as exc:  # noqa: BLE001 - the article is dead-lettered, the worker goes on
        return Outcome(msg, article.id, dead_letter=dead_letter(
            msg, "extraction_failed", f"{type(exc).__name__}: {exc}", info, article.id))
    return Outcome(msg, article.id, events=[e.to_dict() for e in events], truncated=article.truncated,
                   lang=article.lang, outlet=outlet_of(article.source, article.url, article.id))
