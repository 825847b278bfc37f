"""The dashboard's durable state: Faust global tables backed by changelog topics.

Why global tables keyed by source partition: every worker keeps a full copy of
every table (all changelog partitions are its standbys), so any worker's page
shows the whole stream; and only the worker that owns source partition ``p``
ever writes the keys of ``p``, so two workers never race on one key.  The
tables use the producer's partitioner (``use_partitioner``), which is what lets
a timer or a batch spanning partitions write them; ``partitions=1`` and
``recovery_buffer_size=1`` follow the GlobalTable warning in faust-streaming.

Tables (changelog topic ``<app id>-<name>-changelog``):
- ``dashboard-counts``: ``"<topic>:<p>"`` -> tally (see `stream.app.stats.fold`);
- ``dashboard-recent``: ``"events:<p>"`` / ``"deadletters:<p>"`` -> newest-first lists, RECENT_N each;
- ``dashboard-events-minute`` / ``-hour``: tumbling windows of events, key ``"<type>|<p>"``;
- ``dashboard-partitions``: ``"<topic>:<p>"`` -> the owner's latest end offset (lag = end - processed) and the
  timestamp of the oldest record not processed (lag in seconds, `stream.app.lag`).
"""

from __future__ import annotations

import logging
import time
from collections import Counter, defaultdict, deque
from datetime import timedelta
from typing import Any

import faust

from stream.app.lag import OldestUnprocessed, lag_seconds
from stream.app.processing import BatchResult, Outcome
from stream.app.stats import fold, merge_tallies

log = logging.getLogger(__name__)

RECENT_N = 20
MINUTE, HOUR = 60.0, 3600.0
LAG_REPORT_EVERY = 2.0   # seconds between end-offset checks
LAG_REFRESH = 10.0       # rewrite an unchanged end offset this often, so staleness shows
STALE_AFTER = 30.0       # an end offset older than this is flagged stale (owner gone)


def _wall_clock(event: Any = None) -> float:
    """Windows count events by when the worker extracted them (processing time)."""
    return time.time()


def _dead_letter_entry(outcome: Outcome, now: float) -> dict[str, Any]:
    """A dead letter without its (possibly large) original bytes."""
    dl = outcome.dead_letter or {}
    key = outcome.message.key.decode("utf-8", "replace")[:200] if outcome.message.key is not None else None
    return {"at": now, "partition": outcome.message.partition, "offset": outcome.message.offset,
            "reason": dl.get("reason"), "message": str(dl.get("message", ""))[:500],
            "article_id": dl.get("article_id"), "key": key, "failed_at": dl.get("failed_at")}


class DashboardTables:
    """Declares the tables on the app, updates them from the agent, reads them for the views."""

    def __init__(self, app: faust.App, source_topic: str, oldest: OldestUnprocessed) -> None:
        self.app = app
        self.source_topic = source_topic
        self.oldest = oldest
        opts: dict[str, Any] = dict(partitions=1, recovery_buffer_size=1, use_partitioner=True)
        self.counts = app.GlobalTable("dashboard-counts", default=None, help="tallies per source partition", **opts)
        self.recent = app.GlobalTable("dashboard-recent", default=list, help="newest events/dead letters", **opts)
        self.per_minute = app.GlobalTable(
            "dashboard-events-minute", default=int, help="events per type and minute", **opts,
        ).tumbling(MINUTE, expires=timedelta(hours=1)).relative_to(_wall_clock)
        self.per_hour = app.GlobalTable(
            "dashboard-events-hour", default=int, help="events per type and hour", **opts,
        ).tumbling(HOUR, expires=timedelta(days=1)).relative_to(_wall_clock)
        self.lag = app.GlobalTable("dashboard-partitions", default=None, help="lag per partition", **opts)
        self._last_lag: dict[str, tuple[Any, ...]] = {}
        self._samples: deque[tuple[float, int, int]] = deque(maxlen=120)
        app.timer(LAG_REPORT_EVERY)(self._report_lag)
        app.timer(1.0)(self._sample)
        app.on_before_shutdown.connect(self._close)

    async def _close(self, sender: faust.App, **kwargs: Any) -> None:
        await self.oldest.close()

    # -- writing (inside the agent) ---------------------------------------------------------

    def record(self, result: BatchResult, seconds: float) -> None:
        """Fold one acknowledged batch into the tables, once per message (offset-guarded)."""
        now = time.time()
        by_partition: dict[tuple[str, int], list[Outcome]] = defaultdict(list)
        for outcome in result.outcomes:
            by_partition[(outcome.message.topic, outcome.message.partition)].append(outcome)
        for (topic, partition), outcomes in by_partition.items():
            key = f"{topic}:{partition}"
            tally, fresh = fold(self.counts.get(key), outcomes, seconds)
            if not fresh:
                continue
            self.counts[key] = tally
            types = Counter(e["type"] for o in fresh for e in o.events)
            for event_type, n in types.items():
                self.per_minute[f"{event_type}|{partition}"] += n
                self.per_hour[f"{event_type}|{partition}"] += n
            events = [{"at": now, "partition": partition, "offset": o.message.offset, "event": e}
                      for o in fresh for e in o.events]
            dead = [_dead_letter_entry(o, now) for o in fresh if o.dead_letter is not None]
            self._push(f"events:{partition}", events)
            self._push(f"deadletters:{partition}", dead)

    def _push(self, key: str, entries: list[dict[str, Any]]) -> None:
        if entries:
            self.recent[key] = (entries[::-1] + list(self.recent.get(key) or []))[:RECENT_N]

    # -- timers -------------------------------------------------------------------------------

    async def _report_lag(self) -> None:
        """Publish the end offsets of the partitions this worker owns, so every worker can show all of them.

        With them goes the timestamp of the oldest record not processed of each partition behind its end.
        """
        if self.app.in_recovery or self.app.rebalancing:
            return
        tps = sorted(self.owned())
        if not tps:
            return
        highwaters = await self.app.consumer.highwaters(*tps)
        processed = {tp: (self.counts.get(f"{tp.topic}:{tp.partition}") or {}).get("offset", 0) for tp in tps}
        behind = {tp: processed[tp] for tp in tps if (highwaters.get(tp) or 0) > processed[tp]}
        try:
            oldest = await self.oldest.timestamps(behind)
        except Exception as exc:  # noqa: BLE001 - the count lag is still worth reporting
            log.warning("could not read the timestamps of unprocessed records: %s", exc)
            oldest = {}
        now = time.time()
        owner = str(self.app.conf.canonical_url)
        committed = getattr(self.app.consumer, "_committed_offset", {})  # kept current by main.commit_published
        for tp in tps:
            report = (owner, highwaters.get(tp), committed.get(tp), oldest.get(tp))
            key = f"{tp.topic}:{tp.partition}"
            last = self._last_lag.get(key)
            if last and last[:4] == report and now - last[4] < LAG_REFRESH:
                continue
            self.lag[key] = {"partition": tp.partition, "owner": owner, "highwater": report[1],
                             "committed": report[2], "oldest_ts": report[3], "at": now}
            self._last_lag[key] = (*report, now)

    async def _sample(self) -> None:
        totals = self.totals()
        self._samples.append((time.time(), totals["articles"], totals["events"]))

    # -- reading (views) ----------------------------------------------------------------------

    def owned(self) -> set[Any]:
        """Source partitions assigned to this worker."""
        try:
            actives = self.app.assignor.assigned_actives()
        except AttributeError:  # before the first assignment
            return set()
        return {tp for tp in actives if tp.topic == self.source_topic}

    def tallies(self) -> dict[int, dict[str, Any]]:
        prefix = f"{self.source_topic}:"
        return {int(k[len(prefix):]): v for k, v in self.counts.items() if k.startswith(prefix) and v}

    def totals(self) -> dict[str, Any]:
        return merge_tallies(self.tallies().values())

    def throughput(self, over: float = 15.0) -> dict[str, float | None]:
        """Articles/s and events/s of the whole stream over the last `over` seconds."""
        if len(self._samples) < 2:
            return {"articles_per_s": None, "events_per_s": None, "window_s": None}
        t1, a1, e1 = self._samples[-1]
        t0, a0, e0 = next((s for s in self._samples if t1 - s[0] <= over), self._samples[0])
        dt = t1 - t0
        if dt <= 0:
            return {"articles_per_s": None, "events_per_s": None, "window_s": None}
        return {"articles_per_s": round((a1 - a0) / dt, 3), "events_per_s": round((e1 - e0) / dt, 3),
                "window_s": round(dt, 1)}

    def windows(self, wrapper: Any, size: float, count: int, now: float | None = None) -> dict[str, Any]:
        """Events per type in the last `count` windows of `size` seconds, oldest first, summed over partitions."""
        now = time.time() if now is None else now
        current = now - now % size
        starts = [current - size * i for i in range(count - 1, -1, -1)]
        index = {start: i for i, start in enumerate(starts)}
        series: dict[str, list[int]] = {}
        for (key, (start, _end)), n in wrapper.table.items():
            i = index.get(float(start))
            if i is None:
                continue
            event_type = key.rsplit("|", 1)[0]
            series.setdefault(event_type, [0] * count)[i] += n
        return {"size_s": size, "starts": starts, "series": dict(sorted(series.items()))}

    def recent_items(self, kind: str, n: int = RECENT_N) -> list[dict[str, Any]]:
        entries = [e for k, v in self.recent.items() if k.startswith(f"{kind}:") for e in (v or [])]
        return sorted(entries, key=lambda e: (e["at"], e["partition"], e["offset"]), reverse=True)[:n]

    def partitions(self, now: float | None = None) -> list[dict[str, Any]]:
        """Every source partition: assignment, end offset, next offset to process, lag, age of the end offset.

        ``processed`` is the tally's next offset (outputs acknowledged), so lag needs no group-offset
        request; ``lag = max(0, highwater - processed)``.  On tansu the end offset can trail by up to
        one producer batch (see README, embedded broker limits), hence the clamp.  ``lag_seconds`` is
        the age of the oldest record not processed (0 when caught up), as of the owner's last report.
        """
        now = time.time() if now is None else now
        tallies = self.tallies()
        rows: dict[int, dict[str, Any]] = {p: {"partition": p} for p in tallies}
        for key, report in self.lag.items():
            if report and key.startswith(f"{self.source_topic}:"):
                age = now - report["at"]
                rows.setdefault(report["partition"], {}).update(
                    {**report, "age_s": round(age, 1), "stale": age > STALE_AFTER})
        for host, topics in self.assignment().items():
            for partition in topics.get(self.source_topic, []):
                rows.setdefault(partition, {"partition": partition})["assigned_to"] = host
        for p, row in rows.items():
            row["processed"] = tallies.get(p, {}).get("offset", 0)
            highwater = row.get("highwater")
            row["lag"] = None if highwater is None else max(0, highwater - row["processed"])
            row["lag_seconds"] = lag_seconds(row["lag"], row.get("oldest_ts"), now)
            row.setdefault("stale", False)
        return [rows[p] for p in sorted(rows)]

    def assignment(self) -> dict[str, dict[str, list[int]]]:
        """The group's assignment of source topics to workers, as the assignor last computed it."""
        try:
            metadata = self.app.assignor.external_topics_metadata()
        except AttributeError:
            return {}
        return {str(host): {t: sorted(ps) for t, ps in topics.items()} for host, topics in (metadata or {}).items()}
