"""Lag in time: when was the oldest input record not processed yet written?

Operators alert on how far behind the newest article the worker is, in seconds
(as Kafka Lag Exporter's ``kafka_consumergroup_group_lag_seconds`` and Burrow do);
a count of messages means nothing without the rate.  The record at a partition's
processed offset is the oldest one not processed; its timestamp (the producer's
create time, or the broker's append time) is read by a consumer of its own, with
no group, so the worker's own fetching is never moved.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from stream.kafka import kafka_python_config
from stream.settings import Settings

#: How long one look-up may wait for the broker before the report goes without it.
PEEK_TIMEOUT = 2.0


class OldestUnprocessed:
    """Reads the timestamp of the record at a given offset of each partition."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._consumer: Any = None

    async def _client(self) -> Any:
        if self._consumer is None:
            from aiokafka import AIOKafkaConsumer

            # kafka-python's keyword names are aiokafka's too (bootstrap, security, SASL, TLS context).
            consumer = AIOKafkaConsumer(**kafka_python_config(self.settings), group_id=None,
                                        enable_auto_commit=False, max_partition_fetch_bytes=64 * 1024)
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def timestamps(self, offsets: Mapping[Any, int]) -> dict[Any, float]:
        """Unix time of the record at (or first after) each partition's offset; partitions with none are left out."""
        if not offsets:
            return {}
        from aiokafka import TopicPartition

        consumer = await self._client()
        wanted = {TopicPartition(tp.topic, tp.partition): offset for tp, offset in offsets.items()}
        consumer.assign(list(wanted))
        for tp, offset in wanted.items():
            consumer.seek(tp, offset)
        found: dict[Any, float] = {}
        deadline = time.monotonic() + PEEK_TIMEOUT
        while len(found) < len(wanted) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for tp, records in batches.items():
                first = next((r for r in records if r.offset >= wanted[tp]), None)
                if first is not None and tp not in found:
                    found[tp] = first.timestamp / 1000.0
                    consumer.pause(tp)
        return found

    async def close(self) -> None:
        if self._consumer is not None:
            consumer, self._consumer = self._consumer, None
            await asyncio.shield(consumer.stop())


def lag_seconds(lag: int | None, oldest_ts: float | None, now: float) -> float | None:
    """Age of the oldest record not processed: 0 when caught up, None when unknown."""
    if lag is None:
        return None
    if lag == 0:
        return 0.0
    return None if oldest_ts is None else round(max(0.0, now - oldest_ts), 1)
