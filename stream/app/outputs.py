"""The worker's outputs (events and dead letters) through one batching producer of its own.

Faust's producer sends each message through its channel, codec and sensor layers,
and on the embedded broker it must put each record in a batch of its own (tansu
reports a partition's end from its last batch, which table recovery reads).  Our
outputs need neither: nothing reads their end offsets, so this aiokafka producer
packs a batch's events into a few produce requests (profiled: with one request
per event, socket writes were a third of the worker's CPU).  Same partitioner
(murmur2 of the key), same JSON bytes, and acks from all replicas: `publish`
returns only once the broker has every output, before the input is committed.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson

from stream.app.processing import BatchResult, dead_letter_key
from stream.kafka import kafka_python_config
from stream.settings import Settings


class OutputProducer:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._producer: Any = None

    async def start(self) -> None:
        from aiokafka import AIOKafkaProducer

        # kafka-python's keyword names are aiokafka's too; the timeout is Faust's producer default, so a
        # broker away for minutes delays delivery instead of failing the batch.
        self._producer = AIOKafkaProducer(**kafka_python_config(self.settings), acks="all",
                                          request_timeout_ms=1_200_000)
        await self._producer.start()

    async def publish(self, result: BatchResult) -> None:
        """Send every output of the batch and wait until the broker has them all."""
        assert self._producer is not None, "start() first"
        send, pending = self._producer.send, []
        for outcome in result.outcomes:
            if outcome.dead_letter is not None:
                pending.append(await send(self.settings.topic_deadletter, orjson.dumps(outcome.dead_letter),
                                          key=dead_letter_key(outcome.message)))
            headers = [("outlet", outcome.outlet.encode())] if outcome.outlet else None  # read by the fusion agent
            for event in outcome.events:
                pending.append(await send(self.settings.topic_events, orjson.dumps(event),
                                          key=event["event_id"].encode(), headers=headers))
        await asyncio.gather(*pending)

    async def stop(self) -> None:
        if self._producer is not None:
            producer, self._producer = self._producer, None
            await producer.stop()
