"""The benchmark: raw spaCy, the offline core, and the service end to end, on the same texts in one run.

    python bench/run.py --quick        # < 5 minutes on 2 cores
    python bench/run.py --articles 600 # longer, steadier figures
    python bench/run.py --quick --fusion compare   # only: one worker end to end, story fusion off then on

Texts: ``../shared/data/articles/*.txt`` (read in place) plus ``bench/texts/*.txt`` and the package
samples (written for the project), cycled to the requested count with distinct ids.  It measures
whatever pipeline `stream.core.pipeline.build_nlp` currently builds.  Ratios are taken within the
run, so a machine shared with other work moves both sides.  The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stream.core.article import Article, article_from_bytes  # noqa: E402
from stream.settings import Settings  # noqa: E402

TEXT_DIRS = [ROOT.parent / "shared" / "data" / "articles", ROOT / "bench" / "texts", ROOT / "stream" / "samples"]
#: Which share each pipeline component's time goes to.
OURS = {"stream_dates": "date_resolution", "stream_events": "event_rules", "stream_segmenter": "segmenter",
        "serialisation": "serialisation"}


def corpus(n: int) -> list[tuple[bytes, bytes]]:
    """`n` (key, value) pairs cycling through the bench texts; the key is a distinct article id."""
    texts = [p.read_bytes() for d in TEXT_DIRS if d.is_dir() for p in sorted(d.glob("*.txt"))]
    if not texts:
        raise SystemExit(f"no bench texts in {TEXT_DIRS}")
    return [(f"bench-{i:05d}".encode(), texts[i % len(texts)]) for i in range(n)]


def articles_of(pairs: list[tuple[bytes, bytes]]) -> list[Article]:
    return [article_from_bytes(v, k) for k, v in pairs]


def words(articles: Iterable[Article]) -> int:
    return sum(len(a.text.split()) for a in articles)


def rate(n: int, seconds: float) -> float:
    return n / seconds if seconds > 0 else float("nan")


# --- offline ---------------------------------------------------------------------------------------

def raw_pipe(model: str, articles: list[Article], batch_size: int, exclude: Iterable[str] = ()) -> float:
    """Seconds for the bare spaCy model (none of our components) over the texts."""
    import spacy

    nlp = spacy.load(model, exclude=list(exclude))
    list(nlp.pipe((a.text for a in articles[:batch_size]), batch_size=batch_size))  # warm-up
    t0 = time.perf_counter()
    for _ in nlp.pipe((a.text for a in articles), batch_size=batch_size):
        pass
    return time.perf_counter() - t0


def offline_extract(model: str, articles: list[Article], batch_size: int) -> tuple[float, dict[str, float], int]:
    """Seconds for `Extractor.run` (what the worker's child runs), time per component, and events."""
    from stream.core.pipeline import Extractor

    extractor = Extractor(model, batch_size=batch_size)
    list(extractor.run(articles[:batch_size]))  # warm-up
    t0 = time.perf_counter()
    results = list(extractor.run(articles))
    total = time.perf_counter() - t0
    # Same work again, component by component, to split the time (spaCy gives no per-component clock).
    per_component: dict[str, float] = {}
    docs = list(extractor._docs(articles))
    for name, proc in extractor.nlp.pipeline:
        t = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=batch_size)) if hasattr(proc, "pipe") else [proc(d) for d in docs]
        per_component[name] = time.perf_counter() - t
    t = time.perf_counter()
    for r in results:
        for e in r.events:
            orjson.dumps(e.to_dict())  # what the worker's orjson codec does to each event
    per_component["serialisation"] = time.perf_counter() - t
    return total, per_component, sum(len(r.events) for r in results)


# --- end to end ------------------------------------------------------------------------------------

class RssSampler:
    """Peak RSS of each worker (its process plus the extraction child), sampled in the background."""

    def __init__(self, pids: Callable[[], list[int]], every: float = 0.5) -> None:
        self.pids, self.every = pids, every
        self.peak: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            for pid in self.pids():
                try:
                    proc = psutil.Process(pid)
                    rss = sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)])
                except psutil.Error:
                    continue
                self.peak[pid] = max(self.peak.get(pid, 0), rss)
            self._stop.wait(self.every)

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds(stack: Any) -> dict[str, float]:
    """CPU time used so far by role: worker processes (Faust, Kafka I/O), extraction children, broker."""
    out = {"worker": 0.0, "extraction": 0.0, "broker": 0.0}
    pids = [("worker", w.proc.pid) for w in stack.workers if w.alive()]
    if stack.broker is not None and stack.broker.pid:
        pids.append(("broker", stack.broker.pid))
    for role, pid in pids:
        try:
            proc = psutil.Process(pid)
            t = proc.cpu_times()
            out[role] += t.user + t.system
            if role == "worker":
                for child in proc.children(recursive=True):
                    c = child.cpu_times()
                    out["extraction"] += c.user + c.system
        except psutil.Error:
            continue
    return out


def cpu_per_article(before: dict[str, float], after: dict[str, float], n: int) -> dict[str, float]:
    return {role: round(1000 * (after[role] - before[role]) / n, 1) for role in before}


def produced_at(settings: Settings, pairs: list[tuple[bytes, bytes]], pace: float | None) -> tuple[dict[int, int], dict[str, float]]:
    """Publish (every `pace` seconds if given); return the partition ends and each key's send time."""
    from stream.commands.produce import make_producer

    producer = make_producer(settings)
    sent: dict[str, float] = {}
    futures = []
    t0 = time.perf_counter()
    try:
        for i, (key, value) in enumerate(pairs):
            if pace:
                delay = t0 + i * pace - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            sent[key.decode()] = time.time()
            futures.append(producer.send(settings.topic_articles, key=key, value=value))
            if pace:
                producer.flush()
        producer.flush()
        ends: dict[int, int] = {}
        for future in futures:
            meta = future.get(timeout=60)
            ends[meta.partition] = max(ends.get(meta.partition, 0), meta.offset + 1)
        return ends, sent
    finally:
        producer.close()


def first_event_times(settings: Settings) -> dict[str, float]:
    """Per article id, the broker timestamp of its first event (the worker's send time)."""
    from kafka import KafkaConsumer, TopicPartition

    from stream.kafka import kafka_python_config

    consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False)
    parts = consumer.partitions_for_topic(settings.topic_events) or set()
    consumer.assign([TopicPartition(settings.topic_events, p) for p in parts])
    consumer.seek_to_beginning()
    out: dict[str, float] = {}
    idle = time.monotonic()
    while time.monotonic() - idle < 2.0:
        for records in consumer.poll(timeout_ms=200).values():
            idle = time.monotonic()
            for r in records:
                article = orjson.loads(r.value)["article_id"]
                out[article] = min(out.get(article, float("inf")), r.timestamp / 1000)
    consumer.close()
    return out


def wait_done(settings: Settings, ends: dict[int, int], timeout: float) -> float:
    """Block until the group has committed up to `ends` (polled every 0.1 s); returns when (perf_counter)."""
    from kafka import KafkaConsumer, TopicPartition

    from stream.kafka import kafka_python_config

    consumer = KafkaConsumer(**kafka_python_config(settings), group_id=settings.app_id, enable_auto_commit=False,
                             session_timeout_ms=6000)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            done = all((consumer.committed(TopicPartition(settings.topic_articles, p)) or 0) >= end
                       for p, end in ends.items())
            if done:
                return time.perf_counter()
            time.sleep(0.1)
    finally:
        consumer.close()
    raise SystemExit(f"the workers did not finish within {timeout:.0f} s")


def wait_fused(settings: Settings, timeout: float) -> float:
    """Block until the fusion agent has committed the whole events topic and its repartition topic."""
    from kafka import KafkaConsumer, TopicPartition

    from stream.kafka import kafka_python_config

    consumer = KafkaConsumer(**kafka_python_config(settings), group_id=settings.app_id, enable_auto_commit=False,
                             session_timeout_ms=6000)
    topics = [settings.topic_events, f"{settings.app_id}-stories-repartition"]
    deadline = time.monotonic() + timeout
    try:
        tps = [TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or ()]
        while time.monotonic() < deadline:
            ends = consumer.end_offsets(tps)
            if all((consumer.committed(tp) or 0) >= end for tp, end in ends.items()):
                return time.perf_counter()
            time.sleep(0.1)
    finally:
        consumer.close()
    raise SystemExit(f"story fusion did not finish within {timeout:.0f} s")


def e2e(stack: Any, pairs: list[tuple[bytes, bytes]], timeout: float) -> float:
    """Seconds from the first produce until every article's outputs are committed (saturated).

    With fusion on, until the fusion agent has also committed every event (the stories are out).
    """
    settings = stack.settings()
    t0 = time.perf_counter()
    ends, _ = produced_at(settings, pairs, pace=None)
    done = wait_done(settings, ends, timeout)
    if settings.fusion:
        done = wait_fused(settings, timeout)
    return done - t0


def fusion_compare(model: str, pairs: list[tuple[bytes, bytes]], batch: int, n: int) -> dict[str, Any]:
    """One worker end to end with story fusion off, then on, on the same texts; the table's size after."""
    from stream.local import LocalStack

    out: dict[str, Any] = {}
    names = Settings.env_names()
    for mode in ("0", "1"):
        stack = LocalStack(extra_env={names["model"]: model, names["fusion"]: mode})
        try:
            stack.start(workers=1, ready_timeout=300)
            warm(stack, corpus(2 * batch))
            cpu0 = cpu_seconds(stack)
            seconds = e2e(stack, [(b"cmp-" + k, v) for k, v in pairs], timeout=30 * n)
            cpu = cpu_per_article(cpu0, cpu_seconds(stack), n)
            label = "on" if mode == "1" else "off"
            out[f"fusion_{label}_articles_s"] = round(rate(n, seconds), 2)
            out[f"fusion_{label}_cpu_ms_per_article"] = cpu
            print(f"end to end, 1 worker, fusion {label:3} {rate(n, seconds):6.2f} articles/s  ({seconds:.1f} s); "
                  f"CPU ms per article: {cpu}", flush=True)
            if mode == "1":
                out["fusion_table"] = stack.workers[0].get("/api/stories")["table"]
                print(f"fusion table after the run: {out['fusion_table']}", flush=True)
        finally:
            stack.stop()
    out["fusion_on_over_off"] = round(out["fusion_on_articles_s"] / out["fusion_off_articles_s"], 3)
    return out


def warm(stack: Any, pairs: list[tuple[bytes, bytes]]) -> None:
    """A few articles through every partition, so the timed runs start with a settled group."""
    settings = stack.settings()
    ends, _ = produced_at(settings, pairs, pace=None)
    wait_done(settings, ends, 300)


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small counts: under 5 minutes")
    ap.add_argument("--articles", type=int, help="articles per throughput run (default 300 quick, 1000 full)")
    ap.add_argument("--model", default=Settings().model)
    ap.add_argument("--fusion", choices=["on", "off", "compare"], default="on",
                    help="run the workers with story fusion on (as shipped) or off; 'compare' measures only "
                         "one worker end to end with fusion off, then on")
    args = ap.parse_args(argv)
    n = args.articles or (300 if args.quick else 1000)
    batch = Settings().batch_size
    out: dict[str, Any] = {"articles": n, "model": args.model, "cpus": psutil.cpu_count()}

    pairs = corpus(n)
    if args.fusion == "compare":
        out.update(fusion_compare(args.model, pairs, batch, n))
        print(f"ratio: fusion on/off {out['fusion_on_over_off']}")
        print(json.dumps(out))
        return 0
    out["fusion"] = args.fusion
    articles = articles_of(pairs)
    n_words = words(articles)
    from stream.core import pipeline

    full_s = raw_pipe(args.model, articles, batch)
    print(f"raw nlp.pipe, whole model     {rate(n, full_s):7.2f} articles/s  {rate(n_words, full_s):8.0f} words/s "
          f"({n} articles, {n_words} words, {full_s:.1f} s)", flush=True)
    # The reference for the ratio: the model as the service loads it (without what it excludes).
    unused = tuple(getattr(pipeline, "UNUSED_COMPONENTS", ()))
    raw_s = raw_pipe(args.model, articles, batch, exclude=unused)
    print(f"raw nlp.pipe, service's model {rate(n, raw_s):7.2f} articles/s  {rate(n_words, raw_s):8.0f} words/s "
          f"(without {', '.join(unused) or 'nothing'})", flush=True)
    ext_s, components, n_events = offline_extract(args.model, articles, batch)
    print(f"offline extract               {rate(n, ext_s):7.2f} articles/s  {rate(n_words, ext_s):8.0f} words/s "
          f"({n_events} events)", flush=True)

    from stream.local import LocalStack

    stack = LocalStack(extra_env={Settings.env_names()["model"]: args.model,
                                  Settings.env_names()["fusion"]: "1" if args.fusion == "on" else "0"})
    try:
        stack.start(workers=1, ready_timeout=300)
        with RssSampler(lambda: [w.proc.pid for w in stack.workers if w.alive()]) as rss:
            warm(stack, corpus(2 * batch))
            cpu0 = cpu_seconds(stack)
            one_s = e2e(stack, [(b"one-" + k, v) for k, v in pairs], timeout=30 * n)
            cpu_one = cpu_per_article(cpu0, cpu_seconds(stack), n)
            one = rate(n, one_s)
            print(f"end to end, 1 worker  {one:6.2f} articles/s  ({one_s:.1f} s); CPU ms per article: {cpu_one}",
                  flush=True)

            # Latency at half of saturation: paced produce, broker timestamps of the first event.
            lat_pairs = [(b"lat-" + k, v) for k, v in pairs[: max(20, n // 2)]]
            settings = stack.settings()
            ends, sent = produced_at(settings, lat_pairs, pace=2.0 / one)
            wait_done(settings, ends, 30 * n)
            firsts = first_event_times(settings)
            lat = sorted(firsts[k] - t for k, t in sent.items() if k in firsts)
            p50, p95, p99 = (pct(lat, q) for q in (50, 95, 99))
            print(f"latency at {one / 2:.2f} articles/s: p50 {p50:.2f} s  p95 {p95:.2f} s  p99 {p99:.2f} s "
                  f"({len(lat)} articles with events)", flush=True)

            stack.wait_ready(300, workers=[stack.start_worker()])
            warm(stack, [(b"warm2-" + k, v) for k, v in corpus(4 * batch)])
            cpu0 = cpu_seconds(stack)
            two_s = e2e(stack, [(b"two-" + k, v) for k, v in pairs], timeout=30 * n)
            cpu_two = cpu_per_article(cpu0, cpu_seconds(stack), n)
            two = rate(n, two_s)
            print(f"end to end, 2 workers {two:6.2f} articles/s  ({two_s:.1f} s); CPU ms per article: {cpu_two}",
                  flush=True)
            # What two workers can reach on this machine at best: all cores busy at that CPU cost per article.
            bound = 1000 * (psutil.cpu_count() or 1) / sum(cpu_two.values())
            print(f"CPU bound for the whole stack on {psutil.cpu_count()} cores: {bound:.1f} articles/s", flush=True)
        peak_mb = {f"worker-{i}": round(rss.peak.get(w.proc.pid, 0) / 2**20) for i, w in enumerate(stack.workers)}
        print(f"peak RSS per worker (process + extraction child): {peak_mb} MB", flush=True)
    finally:
        stack.stop()

    # Shares of one worker's time per article: components and serialisation measured offline,
    # Kafka I/O (publish, acks, commit, Faust) is what the end-to-end time adds on top.
    per_article_e2e = one_s / n
    shares = {OURS.get(name, f"spacy_{name}"): secs / n / per_article_e2e for name, secs in components.items()}
    shares["kafka_io_and_streaming"] = max(0.0, 1 - ext_s / n / per_article_e2e - components["serialisation"] / n / per_article_e2e)
    print("share of end-to-end time: " + ", ".join(f"{k} {v:.1%}" for k, v in sorted(shares.items(), key=lambda kv: -kv[1])))
    raw = rate(n, raw_s)
    out.update(
        raw_articles_s=round(raw, 2), raw_words_s=round(rate(n_words, raw_s)),
        raw_whole_model_articles_s=round(rate(n, full_s), 2), e2e_over_whole_model=round(one / rate(n, full_s), 3), extract_articles_s=round(rate(n, ext_s), 2),
        e2e_one_articles_s=round(one, 2), e2e_two_articles_s=round(two, 2),
        e2e_over_nlp_pipe=round(one / raw, 3), extract_over_nlp_pipe=round(rate(n, ext_s) / raw, 3),
        two_over_one_worker=round(two / one, 3),
        date_share=round(shares.get("date_resolution", 0.0), 4), event_share=round(shares.get("event_rules", 0.0), 4),
        serialisation_share=round(shares["serialisation"], 4), kafka_share=round(shares["kafka_io_and_streaming"], 4),
        rss_mb=max(peak_mb.values()), cpu_ms_per_article_one=cpu_one, cpu_ms_per_article_two=cpu_two,
        cpu_bound_articles_s=round(bound, 2), p50_s=round(p50, 3), p95_s=round(p95, 3), p99_s=round(p99, 3),
    )
    print(f"ratios: e2e/raw nlp.pipe {out['e2e_over_nlp_pipe']}  two/one worker {out['two_over_one_worker']}")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
