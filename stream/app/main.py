"""The Faust app: topics, the extraction agent, and its service.

Layout follows faust's user guide: one app, topics declared here from
`Settings`, one agent.  The agent only batches, hands the batch to the
extraction process, publishes, waits for the broker's acks, commits, and counts.
Input offsets are committed by the agent itself, only up to what has been
published (`commit_published`): Faust's ack-based commits are switched off for
the input topic because they can cover messages nobody processed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Sequence
from typing import Any

import faust
from aiokafka import TopicPartition
from faust.types import TP
from aiokafka.errors import CommitFailedError, IllegalStateError
from aiokafka.structs import OffsetAndMetadata
from mode import Service

import stream.app.codec  # noqa: F401  (registers the "orjson" codec)
from stream.app.executor import ExtractionPool
from stream.app.frontier import CommitFrontier
from stream.app.lag import OldestUnprocessed
from stream.app.outputs import OutputProducer
from stream.app.processing import BatchResult, RawMessage
from stream.app.stats import WorkerStats
from stream.app.tables import DashboardTables
from stream.app.web import register as register_web
from stream.kafka import faust_broker_config
from stream.settings import Settings

log = logging.getLogger(__name__)
settings = Settings.from_env()


def _app_config(s: Settings) -> dict[str, Any]:
    config: dict[str, Any] = dict(
        **faust_broker_config(s),
        web_bind=s.web_host, web_host=s.web_host, web_port=s.web_port,
        topic_partitions=s.partitions, topic_replication_factor=s.replication_factor,
        consumer_auto_offset_reset="earliest",
        broker_session_timeout=6.0, broker_heartbeat_interval=1.0,
        datadir=s.data_dir,
    )
    if s.embedded_broker:
        # tansu reports a partition's end as its last batch start + 1: one record per batch keeps
        # changelog recovery exact (README, "Embedded broker limits").
        config["producer_max_batch_size"] = 1
    return config


app = faust.App(settings.app_id, **_app_config(settings))
# acks=False: Faust does not commit this topic; `commit_published` does.
articles_topic = app.topic(settings.topic_articles, key_serializer="raw", value_serializer="raw",
                           partitions=settings.partitions, acks=False)
events_topic = app.topic(settings.topic_events, key_serializer="raw", value_serializer="orjson",
                         partitions=settings.partitions)
deadletter_topic = app.topic(settings.topic_deadletter, key_serializer="raw", value_serializer="orjson",
                             partitions=settings.partitions)
pool = ExtractionPool(settings.model, settings.batch_size, settings.extraction_timeout)
stats = WorkerStats()
frontier = CommitFrontier()
dashboard_tables = DashboardTables(app, settings.topic_articles, OldestUnprocessed(settings))
outputs = OutputProducer(settings)


@app.service
class ExtractionService(Service):
    """Owns the extraction process and the outputs' producer: started with the worker, stopped on shutdown."""

    async def on_start(self) -> None:
        for topic in (events_topic, deadletter_topic):
            await topic.maybe_declare()  # created with the app's partitions if missing, as Faust's sends did
        await outputs.start()
        info = await pool.start()
        log.info("extraction process ready: %s", info)

    async def on_stop(self) -> None:
        pool.stop()
        await outputs.stop()  # after _land_delivery: the batches under way are out


async def commit_published(batch: Sequence[faust.EventT]) -> bool:
    """Commit each partition of the batch up to its frontier; call only once the outputs are acked.

    Why not Faust's commits: at a rebalance Faust *acks without processing* the messages it skips
    (stale generation, or flow stopped; faust-streaming #221/#223), and its commit then takes the
    first run of consecutive acked offsets, which can include them.  And its fetcher can drop
    re-fetched records below its read offset, so even "the highest offset we published" may jump
    over articles nobody processed.  Here a partition's commit only moves over offsets that were
    all published (`CommitFrontier`); a hole makes the worker seek back to it.  Partitions no longer
    ours, or a group that rebalanced meanwhile, are not committed: the new owner redelivers.
    """
    delivered: dict[TopicPartition, list[int]] = {}
    for event in batch:
        delivered.setdefault(TopicPartition(event.message.topic, event.message.partition), []).append(
            event.message.offset)
    offsets: dict[TopicPartition, int] = {}
    for tp, done in delivered.items():
        if not frontier.known(tp):
            frontier.start(tp, await _thread_call(_start_offset, tp))
        offsets[tp] = frontier.add(tp, done)
        gap = frontier.gap_to_seek(tp)
        if gap is not None:
            log.warning("offsets %s..%d of %s were never delivered: reading again from %d",
                        gap, max(done), tp, gap)
            await app.consumer.seek(TP(tp.topic, tp.partition), gap)
    return bool(await _thread_call(_commit_offsets, offsets))


async def _thread_call(fn: Any, *args: Any) -> Any:
    """The aiokafka consumer lives on Faust's consumer thread: run calls on it there."""
    return await app.consumer._thread.call_thread(fn, *args)  # type: ignore[attr-defined]


async def _start_offset(tp: TopicPartition) -> int:
    """Where this worker's reading of a partition starts: the group's commit, else the log start."""
    consumer = app.consumer._thread._ensure_consumer()  # type: ignore[attr-defined]
    committed = await consumer.committed(tp)
    if committed is not None:
        return int(committed)
    return int((await consumer.beginning_offsets([tp]))[tp])


@app.on_partitions_assigned.connect
async def _restart_frontier(sender: faust.App, assigned: Any, **kwargs: Any) -> None:
    """A new assignment reads every partition again from its committed offset."""
    frontier.reset()


async def _commit_offsets(offsets: dict[TopicPartition, int]) -> bool:
    consumer = app.consumer._thread._ensure_consumer()  # type: ignore[attr-defined]
    assigned = consumer.assignment()
    ours = {tp: OffsetAndMetadata(offset, "") for tp, offset in offsets.items() if tp in assigned}
    if not ours:
        return False
    try:
        await consumer.commit(ours)  # retries retriable errors (broker away) until it gets through
    except (CommitFailedError, IllegalStateError) as exc:
        log.info("batch not committed, its partitions moved (it will be redelivered): %s", exc)
        return False
    # Faust's own record of the committed offsets, which the dashboard's lag report reads.
    app.consumer._committed_offset.update(  # type: ignore[attr-defined]
        {TP(tp.topic, tp.partition): meta.offset for tp, meta in ours.items()})
    return True


async def deliver(batch: Sequence[faust.EventT], result: BatchResult, t0: float) -> None:
    """Publish a batch's outputs, then commit its offsets, then count it."""
    await outputs.publish(result)
    await commit_published(batch)
    seconds = time.perf_counter() - t0
    stats.record(result, seconds)
    dashboard_tables.record(result, seconds)


#: Batches between take and commit. Two keep the extraction process busy: while it extracts one,
#: the next is already queued in it, so it never waits for the event loop to hand it work.
MAX_BATCHES_IN_FLIGHT = 2


class _InFlight:
    """The batches under way, oldest first, so that a shutdown lets them land before the clients stop."""

    def __init__(self) -> None:
        self.tasks: deque[asyncio.Task[None]] = deque()
        self.stopping = False


inflight = _InFlight()


@app.on_before_shutdown.connect
async def _land_delivery(sender: faust.App, **kwargs: Any) -> None:
    """SIGTERM: deliver (publish + commit) the batches under way, then start no other.

    Faust sends this signal once the consumer is paused and before tables, services, agents and the
    producer stop; later, the producer could no longer publish nor the consumer commit.
    """
    inflight.stopping = True
    pending = [t for t in inflight.tasks if not t.done()]
    if pending:
        await asyncio.wait(pending, timeout=15.0)


async def handle(batch: list[faust.EventT], previous: asyncio.Task[None] | None) -> None:
    """Extract a batch, then deliver it once the batch before it has been delivered."""
    t0 = time.perf_counter()
    messages = [RawMessage(e.message.key, e.message.value, e.message.topic, e.message.partition,
                           e.message.offset) for e in batch]
    result = await pool.process(messages)
    if previous is not None:
        # Deliveries stay in batch order, so commits never go back; shielded, because cancelling
        # this batch must not cancel a delivery whose outputs are already out.
        await asyncio.shield(previous)  # re-raises a failed delivery here
    if inflight.stopping:
        return  # neither published nor committed: the partition's next owner does it
    await deliver(batch, result, t0)


@app.agent(articles_topic)
async def extract_articles(articles: faust.StreamT) -> None:
    """Hand each batch to `handle` and keep at most `MAX_BATCHES_IN_FLIGHT` under way.

    Input offsets are acked by nobody (acks=False); `deliver` commits them, so a batch may outlive
    the loop iteration that took it.
    """
    async for batch in articles.take_events(settings.batch_size, within=settings.batch_within):
        if inflight.stopping:
            continue
        previous = inflight.tasks[-1] if inflight.tasks else None
        inflight.tasks.append(asyncio.create_task(handle(list(batch), previous)))
        while inflight.tasks and (inflight.tasks[0].done() or len(inflight.tasks) > MAX_BATCHES_IN_FLIGHT):
            await asyncio.shield(inflight.tasks.popleft())  # re-raises a failed batch here


dashboard = register_web(app, dashboard_tables, pool, stats, settings)  # /dashboard, /api/*, /metrics, /healthz, /readyz
if settings.fusion:  # events -> stories (stream/app/fusion.py)
    from stream.app.fusion import StoryFusion

    StoryFusion(app, settings, events_topic).register_web(dashboard)
