"""Counting what the stream did.

`WorkerStats` counts in memory what *this* worker process did since it started
(`LocalStack.wait_accounted` sums it over workers).  The `fold_*`/`merge_*`
functions are the pure half of the durable dashboard tables (`stream.app.tables`):
one JSON-able tally per source partition, folded idempotently by offset so a
batch redelivered after a crash is not counted twice, and merged across
partitions to show the whole stream.
"""

from __future__ import annotations

import math
import time
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from stream.app.processing import BatchResult, Outcome

# Upper bounds (seconds) of the latency histogram, Prometheus style; +Inf is implicit.
LATENCY_BUCKETS: tuple[float, ...] = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass
class WorkerStats:
    started_at: float = field(default_factory=time.time)
    articles_in: int = 0
    processed: int = 0
    deadlettered: int = 0
    events_out: int = 0
    truncated: int = 0
    events_by_type: Counter[str] = field(default_factory=Counter)
    deadletters_by_reason: Counter[str] = field(default_factory=Counter)
    batch_seconds: deque[float] = field(default_factory=lambda: deque(maxlen=1000))

    def record(self, result: BatchResult, seconds: float) -> None:
        self.articles_in += len(result.outcomes)
        self.batch_seconds.append(seconds)
        for outcome in result.outcomes:
            if outcome.dead_letter is not None:
                self.deadlettered += 1
                self.deadletters_by_reason[outcome.dead_letter["reason"]] += 1
                continue
            self.processed += 1
            self.truncated += outcome.truncated
            self.events_out += len(outcome.events)
            self.events_by_type.update(e["type"] for e in outcome.events)

    def snapshot(self) -> dict[str, Any]:
        return {
            "uptime_s": round(time.time() - self.started_at, 1),
            "articles_in": self.articles_in, "processed": self.processed,
            "deadlettered": self.deadlettered, "events_out": self.events_out, "truncated": self.truncated,
            "events_by_type": dict(self.events_by_type),
            "deadletters_by_reason": dict(self.deadletters_by_reason),
            "recent_batch_seconds": quantiles_of(list(self.batch_seconds)),
        }


def quantiles_of(values: Sequence[float]) -> dict[str, float | None]:
    """p50/p95 of raw samples (nearest rank); None when there are none."""
    ordered = sorted(values)
    if not ordered:
        return {"p50": None, "p95": None}
    return {f"p{round(q * 100)}": round(ordered[max(0, math.ceil(q * len(ordered)) - 1)], 4) for q in (0.5, 0.95)}


def empty_tally() -> dict[str, Any]:
    """The durable counters of one source partition; `offset` is the next offset not yet counted."""
    return {"offset": 0, "articles": 0, "processed": 0, "deadlettered": 0, "events": 0, "truncated": 0,
            "events_by_type": {}, "deadletters_by_reason": {},
            "latency_buckets": [0] * (len(LATENCY_BUCKETS) + 1), "latency_sum": 0.0}


def fold(tally: dict[str, Any] | None, outcomes: Iterable[Outcome],
         seconds: float) -> tuple[dict[str, Any], list[Outcome]]:
    """Count the outcomes of one partition not counted yet; returns the new tally and those outcomes.

    Each article's latency is the wall time of the batch that carried it (extraction, publish and
    broker acks), so p95 answers "how long did an article wait in the worker".
    """
    new = {**empty_tally(), **(tally or {})}
    new["events_by_type"] = dict(new["events_by_type"])
    new["deadletters_by_reason"] = dict(new["deadletters_by_reason"])
    new["latency_buckets"] = list(new["latency_buckets"])
    bucket = next((i for i, bound in enumerate(LATENCY_BUCKETS) if seconds <= bound), len(LATENCY_BUCKETS))
    fresh = [o for o in sorted(outcomes, key=lambda o: o.message.offset) if o.message.offset >= new["offset"]]
    for outcome in fresh:
        new["articles"] += 1
        new["offset"] = outcome.message.offset + 1
        new["latency_buckets"][bucket] += 1
        new["latency_sum"] += seconds
        if outcome.dead_letter is not None:
            reason = outcome.dead_letter["reason"]
            new["deadlettered"] += 1
            new["deadletters_by_reason"][reason] = new["deadletters_by_reason"].get(reason, 0) + 1
            continue
        new["processed"] += 1
        new["truncated"] += int(outcome.truncated)
        new["events"] += len(outcome.events)
        for event in outcome.events:
            new["events_by_type"][event["type"]] = new["events_by_type"].get(event["type"], 0) + 1
    return new, fresh


def merge_tallies(tallies: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """Sum per-partition tallies into the figures of the whole stream."""
    total = empty_tally()
    del total["offset"]
    for tally in tallies:
        for name in ("articles", "processed", "deadlettered", "events", "truncated", "latency_sum"):
            total[name] += tally.get(name, 0)
        for name in ("events_by_type", "deadletters_by_reason"):
            for key, n in tally.get(name, {}).items():
                total[name][key] = total[name].get(key, 0) + n
        for i, n in enumerate(tally.get("latency_buckets", [])):
            total["latency_buckets"][i] += n
    return total


def bucket_quantile(q: float, buckets: Sequence[int]) -> float | None:
    """Quantile from histogram bucket counts, interpolated inside a bucket like PromQL's histogram_quantile."""
    count = sum(buckets)
    if count == 0:
        return None
    rank, seen = q * count, 0
    for i, n in enumerate(buckets):
        if seen + n >= rank and n:
            if i == len(LATENCY_BUCKETS):
                return LATENCY_BUCKETS[-1]
            lower = LATENCY_BUCKETS[i - 1] if i else 0.0
            return round(lower + (LATENCY_BUCKETS[i] - lower) * (rank - seen) / n, 4)
        seen += n
    return LATENCY_BUCKETS[-1]
