"""Prometheus text exposition (format 0.0.4) of the durable tallies.

A worker exposes the counters of the source partitions it *owns*, labelled by
partition: each partition is exposed by exactly one worker, so summing over
scrape targets gives the whole stream without double counting, and the values
are the durable table values, so they survive restarts and move with a
partition when the group rebalances.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from stream.app.stats import LATENCY_BUCKETS


def _escape(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(**labels: object) -> str:
    inner = ",".join(f'{k}="{_escape(v)}"' for k, v in labels.items() if v is not None)
    return "{" + inner + "}" if inner else ""


def _number(value: float) -> str:
    return repr(float(value)) if isinstance(value, float) else str(value)


class Exposition:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_: str, samples: Iterable[tuple[str, Mapping[str, object], float]]) -> None:
        self.lines += [f"# HELP {name} {help_}", f"# TYPE {name} {kind}"]
        self.lines += [f"{suffix_name}{_labels(**labels)} {_number(value)}" for suffix_name, labels, value in samples]

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def render(tallies: Mapping[int, Mapping[str, Any]], lag: Iterable[Mapping[str, Any]], owned: Iterable[int],
           extractor: Mapping[str, str] | None) -> str:
    """`tallies` and `lag` are restricted to the partitions this worker owns."""
    out = Exposition()
    parts = sorted(tallies.items())

    def counter(name: str, field: str, help_: str) -> None:
        out.family(name, "counter", help_, [(name, {"partition": p}, t.get(field, 0)) for p, t in parts])

    counter("stream_articles_total", "articles", "Articles taken from the input topic (durable).")
    counter("stream_articles_processed_total", "processed", "Articles that went through extraction.")
    counter("stream_articles_truncated_total", "truncated", "Articles cut to the size limit before extraction.")
    out.family("stream_events_total", "counter", "Events published, by event type.",
               [("stream_events_total", {"partition": p, "type": k}, n)
                for p, t in parts for k, n in sorted(t.get("events_by_type", {}).items())])
    out.family("stream_deadletters_total", "counter", "Inputs dead-lettered, by reason.",
               [("stream_deadletters_total", {"partition": p, "reason": k}, n)
                for p, t in parts for k, n in sorted(t.get("deadletters_by_reason", {}).items())])
    histogram: list[tuple[str, Mapping[str, object], float]] = []
    for p, t in parts:
        buckets, running = t.get("latency_buckets", []), 0
        for bound, n in zip((*LATENCY_BUCKETS, float("inf")), buckets):
            running += n
            histogram.append(("stream_extraction_seconds_bucket",
                              {"partition": p, "le": "+Inf" if bound == float("inf") else repr(bound)}, running))
        histogram.append(("stream_extraction_seconds_sum", {"partition": p}, float(t.get("latency_sum", 0.0))))
        histogram.append(("stream_extraction_seconds_count", {"partition": p}, running))
    out.family("stream_extraction_seconds", "histogram",
               "Seconds from batch taken to outputs acknowledged, observed once per article.", histogram)
    rows = [r for r in lag if r.get("lag") is not None]
    out.family("stream_consumer_lag", "gauge", "Records in the partition not processed yet (end offset - processed).",
               [("stream_consumer_lag", {"partition": r["partition"]}, r["lag"]) for r in rows])
    timed = [r for r in rows if r.get("lag_seconds") is not None]
    out.family("stream_consumer_lag_seconds", "gauge",
               "Age in seconds of the oldest record in the partition not processed yet (0 when caught up).",
               [("stream_consumer_lag_seconds", {"partition": r["partition"]}, float(r["lag_seconds"])) for r in timed])
    out.family("stream_consumer_end_offset", "gauge", "End offset (high watermark) of the input partition.",
               [("stream_consumer_end_offset", {"partition": r["partition"]}, r["highwater"]) for r in rows])
    out.family("stream_consumer_processed_offset", "gauge", "Next offset whose outputs are not acknowledged yet.",
               [("stream_consumer_processed_offset", {"partition": r["partition"]}, r["processed"]) for r in rows])
    out.family("stream_partitions_assigned", "gauge", "Input partitions this worker owns.",
               [("stream_partitions_assigned", {}, len(list(owned)))])
    out.family("stream_model_loaded", "gauge", "1 once the extraction process has loaded the model.",
               [("stream_model_loaded", {}, 1 if extractor else 0)])
    out.family("stream_extractor_info", "gauge", "Versions of the extractor and model, as labels.",
               [("stream_extractor_info", dict(extractor), 1)] if extractor else [])
    return out.text()
