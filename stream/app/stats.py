"""What this worker did, counted in memory (the dashboard adds durable tables on top)."""

from __future__ import annotations

import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from stream.app.processing import BatchResult


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
        }
