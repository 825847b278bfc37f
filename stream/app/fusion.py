"""The fusion agent: events from every article become stories, published on a compacted topic.

Layout (faust user guide, "Repartitioning"):

    events topic ──group_by(fusion key)──► <app id>-stories-repartition ──► open stories table ──► stories topic

- The agent reads the events topic and repartitions it by `stream.fusion.fusion_key`,
  so every event of one key reaches one worker, in one partition, in order.
- ``fusion-open-stories`` (a Faust table, changelog ``<app id>-fusion-open-stories-changelog``)
  holds each open story's state under its ``story_id``, written in the partition of
  its key; a restarted or new owner recovers them from the changelog.  An index of
  the open stories by key is kept in memory and rebuilt from the table after each
  rebalance.
- Every change publishes the story's whole record on the stories topic (compacted,
  keyed by ``story_id``); a story whose id changes (a member with a smaller event id
  joined) leaves a tombstone under its old id.  A redelivered event changes nothing
  and republishes its story as it is, so a crash between the changelog write and
  the publication loses nothing.
- A timer finds stories idle for ``STREAM_STORY_IDLE_SECONDS`` and sends their key a
  tick through the repartition topic; the agent, in that key's partition, closes
  them (one last record with ``status: closed``) and drops them from the table, so
  state stays bounded by the stories of the last idle period.

The article's outlet travels as the event message's ``outlet`` header (set by the
extraction agent), so the events' JSON contract is unchanged.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from typing import Any

import faust
import orjson
from aiokafka.partitioner import murmur2

from stream.app.web.metrics import Exposition
from stream.fusion import fuse, fusion_key, is_idle, record_of
from stream.settings import Settings

log = logging.getLogger(__name__)

RECENT_N = 20
OUTLET_HEADER = "outlet"
TICK = "fusion_tick"


def _header(event: Any, name: str) -> str | None:
    headers = event.headers if event is not None else None
    if not headers:
        return None
    items = headers.items() if isinstance(headers, dict) else headers
    for key, value in items:
        if key == name and value is not None:
            return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return None


def summary(record: dict[str, Any], at: float) -> dict[str, Any]:
    """What the dashboard shows of a story."""
    return {"at": at, "story_id": record["story_id"], "type": record["type"], "status": record["status"],
            "actors": [a["name"] or a["code"] for a in record["actors"]][:6], "time": record["time"],
            "location": (record["location"] or {}).get("name"), "articles": record["articles"],
            "sources": record["sources"], "confidence": record["confidence"], "conflicts": len(record["conflicts"])}


class StoryFusion:
    """Declares the fusion topics, table, agent and timer on the app; counts for the metrics."""

    def __init__(self, app: faust.App, settings: Settings, events_topic: faust.TopicT) -> None:
        self.app, self.settings = app, settings
        self.idle = settings.story_idle_seconds
        self.stories_topic = app.topic(settings.topic_stories, key_serializer="raw", value_serializer="raw",
                                       partitions=settings.partitions, config={"cleanup.policy": "compact"})
        self.repartition = app.topic(f"{settings.app_id}-stories-repartition", key_serializer="raw",
                                     value_serializer="orjson", partitions=settings.partitions, internal=True)
        self.table = app.Table("fusion-open-stories", default=None, partitions=settings.partitions,
                               help="open stories by story_id")
        self.index: dict[str, dict[str, dict[str, Any]]] | None = None   # key -> story id -> state
        self.board = app.GlobalTable("dashboard-stories", default=list, partitions=1, recovery_buffer_size=1,
                                     use_partitioner=True, help="newest and most reported stories per partition")
        self.counts: Counter[str] = Counter()
        self.shown: dict[int, dict[str, dict[str, Any]]] = {}   # partition -> story id -> summary, not yet on the board
        self.renamed: set[str] = set()                          # retired story ids to take off the board
        app.agent(events_topic, name="stream.app.fusion.fuse_events")(self._agent)
        app.timer(max(1.0, min(60.0, self.idle / 4)))(self._sweep)
        app.timer(1.0)(self._flush_board)

        @app.task
        async def _declare_stories_topic() -> None:
            await self.stories_topic.maybe_declare()

        @app.on_partitions_assigned.connect
        async def _forget_index(sender: faust.App, assigned: Any, **kwargs: Any) -> None:
            self.index = None  # partitions moved: rebuild from the (recovered) table on next use

    # -- the agent -------------------------------------------------------------------------------

    async def _agent(self, events: faust.StreamT) -> None:
        grouped = events.group_by(fusion_key, name="fusion", topic=self.repartition)
        async for value in grouped:
            current = grouped.current_event
            key = current.key.decode() if isinstance(current.key, bytes) else str(current.key)
            if isinstance(value, dict) and TICK in value:
                await self._close(key, time.time(), current.message.partition)
            elif isinstance(value, dict) and "event_id" in value:
                await self._add(key, value, _header(current, OUTLET_HEADER), current.message.partition)

    def _open(self, key: str) -> dict[str, dict[str, Any]]:
        """The open stories of a key, from the in-memory index (built from the table when needed)."""
        if self.index is None:
            self.index = {}
            for sid, state in self.table.items():
                if state:
                    self.index.setdefault(state["key"], {})[sid] = state
        return self.index.setdefault(key, {})

    async def _add(self, key: str, event: dict[str, Any], outlet: str | None, partition: int) -> None:
        now = time.time()
        await self._close(key, now, partition)
        stories = self._open(key)
        fused = fuse(list(stories.values()), event, outlet or f"article:{event['article_id']}", now)
        self.counts["events"] += 1
        if fused.duplicate is not None:
            self.counts["duplicates"] += 1
            await self._publish(record_of(fused.duplicate))
            return
        assert fused.state is not None and fused.record is not None
        self.counts["opened"] += not fused.retired and fused.state["story_id"] not in stories
        for old in fused.retired:
            self.renamed.add(old)
            stories.pop(old, None)
            del self.table[old]
            await self.stories_topic.send(key=old.encode(), value=None)
        stories[fused.state["story_id"]] = fused.state
        self.table[fused.state["story_id"]] = fused.state
        await self._publish(fused.record)
        self._show(partition, [fused.record], now)

    async def _close(self, key: str, now: float, partition: int) -> list[dict[str, Any]]:
        """Close the key's idle stories: publish their last record, drop them from the table."""
        stories = self._open(key)
        closed = [record_of(s, status="closed") for s in stories.values() if is_idle(s, now, self.idle)]
        for record in closed:
            del stories[record["story_id"]]
            del self.table[record["story_id"]]
            await self._publish(record)
        if closed:
            self._show(partition, closed, now)
        return closed

    async def _publish(self, record: dict[str, Any]) -> None:
        self.counts["published"] += 1
        self.counts["closed"] += record["status"] == "closed"
        await self.stories_topic.send(key=record["story_id"].encode(), value=orjson.dumps(record))

    def _show(self, partition: int, records: list[dict[str, Any]], now: float) -> None:
        """Queue the stories for the dashboard; `_flush_board` writes them once a second, not once per event."""
        pending = self.shown.setdefault(partition, {})
        for record in records:
            pending.pop(record["story_id"], None)
            pending[record["story_id"]] = summary(record, now)

    async def _flush_board(self) -> None:
        """Newest and most reported stories of each partition of ours, for every worker's dashboard."""
        shown, self.shown = self.shown, {}
        renamed, self.renamed = self.renamed, set()
        for partition, pending in shown.items():
            self._board(partition, list(pending.values()), renamed)

    def _board(self, partition: int, fresh: list[dict[str, Any]], renamed: set[str]) -> None:
        ids = {s["story_id"] for s in fresh} | renamed
        recent = [*fresh[::-1], *(s for s in self.board[f"recent:{partition}"] or [] if s["story_id"] not in ids)]
        self.board[f"recent:{partition}"] = recent[:RECENT_N]
        top = [*fresh, *(s for s in self.board[f"top:{partition}"] or [] if s["story_id"] not in ids)]
        top.sort(key=lambda s: (-s["sources"], -s["articles"], -s["at"]))
        self.board[f"top:{partition}"] = top[:RECENT_N]

    # -- idle stories ----------------------------------------------------------------------------

    async def _sweep(self) -> None:
        """Send a tick to every key of ours holding a story idle for too long (the agent closes it)."""
        if self.app.in_recovery or self.app.rebalancing:
            return
        now = time.time()
        keys = sorted({state["key"] for state in self.owned_states() if is_idle(state, now, self.idle)})
        for key in keys:
            await self.repartition.send(key=key.encode(), value={TICK: now})

    def owned_states(self) -> list[dict[str, Any]]:
        """Open stories in the repartition partitions this worker owns (not its standby copies)."""
        try:
            actives = {tp.partition for tp in self.app.assignor.assigned_actives()
                       if tp.topic == self.repartition.get_topic_name()}
        except AttributeError:  # before the first assignment
            return []
        n = self.settings.partitions
        return [state for state in self.table.values()
                if state and (murmur2(state["key"].encode()) & 0x7FFFFFFF) % n in actives]

    # -- reading (dashboard, metrics) ------------------------------------------------------------

    def size(self) -> dict[str, int]:
        """Open stories, keys, members and serialised bytes in this worker's partitions of the table."""
        states = self.owned_states()
        return {"keys": len({s["key"] for s in states}), "stories": len(states),
                "members": sum(len(s["members"]) for s in states),
                "bytes": sum(len(orjson.dumps(s)) for s in states)}

    def board_items(self, kind: str, n: int = RECENT_N) -> list[dict[str, Any]]:
        entries = [s for k, v in self.board.items() if k.startswith(f"{kind}:") for s in v or []]
        if kind == "top":
            return sorted(entries, key=lambda s: (-s["sources"], -s["articles"], -s["at"]))[:n]
        return sorted(entries, key=lambda s: -s["at"])[:n]

    def metrics(self) -> str:
        out = Exposition()
        size = self.size()
        for name, field, help_ in (
                ("stream_stories_events_total", "events", "Events the fusion agent took in (this worker, since start)."),
                ("stream_stories_opened_total", "opened", "Stories opened (this worker, since start)."),
                ("stream_stories_published_total", "published", "Story records published (this worker, since start)."),
                ("stream_stories_closed_total", "closed", "Stories closed after the idle time (this worker, since start)."),
                ("stream_stories_duplicates_total", "duplicates", "Redelivered events already in a story.")):
            out.family(name, "counter", help_, [(name, {}, self.counts[field])])
        for name, field, help_ in (
                ("stream_stories_open", "stories", "Open stories in this worker's partitions of the table."),
                ("stream_stories_table_keys", "keys", "Fusion keys in this worker's partitions of the table."),
                ("stream_stories_table_members", "members", "Member events held by the open stories."),
                ("stream_stories_table_bytes", "bytes", "Serialised size of this worker's partitions of the table.")):
            out.family(name, "gauge", help_, [(name, {}, size[field])])
        return out.text()

    def register_web(self, dashboard: Any) -> None:
        """``/api/stories`` for the dashboard's stories panel, and the ``stream_stories_*`` metrics."""
        dashboard.extra_metrics.append(self.metrics)

        @self.app.page("/api/stories")
        async def api_stories(web: Any, request: Any) -> Any:
            return web.json({"recent": self.board_items("recent"), "top": self.board_items("top"),
                             "table": self.size(), "idle_seconds": self.idle})
