"""The pure halves of the dashboard: idempotent tallies, quantiles, Prometheus text, server-side escaping."""

from __future__ import annotations

from stream.app.processing import Outcome, RawMessage
from stream.app.stats import LATENCY_BUCKETS, bucket_quantile, fold, merge_tallies
from stream.app.web import metrics, render


def outcome(offset: int, events: tuple[str, ...] = (), reason: str | None = None, partition: int = 0) -> Outcome:
    msg = RawMessage(b"k", b"v", "articles", partition, offset)
    if reason:
        return Outcome(msg, dead_letter={"reason": reason})
    return Outcome(msg, "a", events=[{"type": t} for t in events])


def test_fold_counts_each_offset_once_even_when_a_batch_is_redelivered() -> None:
    batch = [outcome(0, ("MEETING", "APPEAL")), outcome(1, reason="bad_date"), outcome(2, ("MEETING",))]
    tally, fresh = fold(None, batch, 0.2)
    assert len(fresh) == 3 and tally["offset"] == 3
    assert (tally["articles"], tally["processed"], tally["deadlettered"], tally["events"]) == (3, 2, 1, 3)
    assert tally["events_by_type"] == {"MEETING": 2, "APPEAL": 1}
    again, fresh = fold(tally, batch + [outcome(3, ("DEMAND",))], 0.2)  # crash before commit: replay
    assert [o.message.offset for o in fresh] == [3]
    assert again["articles"] == 4 and again["events_by_type"] == {"MEETING": 2, "APPEAL": 1, "DEMAND": 1}
    assert tally["articles"] == 3, "fold must not mutate its input"


def test_merge_sums_partitions_and_quantiles_interpolate_like_promql() -> None:
    a, _ = fold(None, [outcome(i) for i in range(9)], 0.07)
    b, _ = fold(None, [outcome(0, partition=1)], 3.0)
    total = merge_tallies([a, b])
    assert total["articles"] == 10 and sum(total["latency_buckets"]) == 10
    assert 0.05 < bucket_quantile(0.5, total["latency_buckets"]) <= 0.1
    assert 2.5 < bucket_quantile(0.95, total["latency_buckets"]) <= 5.0
    assert bucket_quantile(0.5, [0] * (len(LATENCY_BUCKETS) + 1)) is None


def test_metrics_escape_label_values_and_cumulate_buckets() -> None:
    tally, _ = fold(None, [outcome(0, ('x"y\\z\n',)), outcome(1)], 0.3)
    text = metrics.render({0: tally}, [], [0], {"version": "1", "model": "m"})
    assert 'stream_events_total{partition="0",type="x\\"y\\\\z\\n"} 1' in text
    assert 'stream_extraction_seconds_bucket{partition="0",le="0.25"} 0' in text
    assert 'stream_extraction_seconds_bucket{partition="0",le="0.5"} 2' in text
    assert 'stream_extraction_seconds_bucket{partition="0",le="+Inf"} 2' in text
    assert 'stream_extractor_info{version="1",model="m"} 1' in text


def test_server_side_rows_escape_and_highlight_the_trigger() -> None:
    event = {"event_id": 'e"><script>', "type": "DEMAND", "trigger": {"text": "<b>", "start": 15, "end": 18},
             "source": {"name": None, "code": "FRA", "text": "<i>France</i>"}, "targets": [], "participants": [],
             "time": {"earliest": "2024-01-01", "latest": "2024-01-31"},
             "evidence": [{"text": "Hello <script>x<b>y</b>", "start": 0, "end": 23}]}
    html = render.event_rows([{"at": 0, "event": event}])
    assert "<script>" not in html and "&lt;script&gt;x<mark>&lt;b&gt;</mark>y&lt;/b&gt;" in html
    assert 'href="/api/events/e&quot;&gt;&lt;script&gt;"' in html
    assert "2024-01-01 … 2024-01-31" in html and "<td>FRA</td>" in html
    dead = render.deadletter_rows([{"at": 0, "reason": "bad_date", "article_id": "<img onerror=x>", "message": "m",
                                    "partition": 0, "offset": 1}])
    assert "<img" not in dead and "&lt;img onerror=x&gt;" in dead


def test_lag_in_seconds_is_zero_when_caught_up_and_unknown_without_a_timestamp() -> None:
    from stream.app.lag import lag_seconds

    assert lag_seconds(0, None, 1000.0) == 0.0
    assert lag_seconds(3, 400.0, 1000.0) == 600.0
    assert lag_seconds(3, None, 1000.0) is None and lag_seconds(None, 400.0, 1000.0) is None
    assert lag_seconds(1, 1000.5, 1000.0) == 0.0  # a producer clock ahead of ours is not negative lag


def test_metrics_give_the_lag_in_seconds_per_partition() -> None:
    rows = [{"partition": 0, "lag": 4, "highwater": 10, "processed": 6, "lag_seconds": 42.5},
            {"partition": 1, "lag": 2, "highwater": 2, "processed": 0, "lag_seconds": None}]
    text = metrics.render({}, rows, [0, 1], None)
    assert "# TYPE stream_consumer_lag_seconds gauge" in text
    assert 'stream_consumer_lag_seconds{partition="0"} 42.5' in text
    assert 'stream_consumer_lag_seconds{partition="1"}' not in text
