"""Faults against real workers on the embedded broker: kill -9, takeover, broker outage, SIGTERM.

Each test checks what reached the events topic against the offline core: after deduplication by
event_id, every article's events are there exactly once (delivery is at-least-once, so redeliveries
are counted and reported, not failed).  Tests are bounded by explicit timeouts and stop every
process they started (workers, their extraction children, the broker).

``STREAM_FAULT_RUNS`` repeats the kill-one-of-two cycle (default 2; the investigation used 15+).
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from typing import Any

import psutil
import pytest

from stream.local import LocalStack

from .test_faults_support import (
    Audit, articles_in, audit, committed, expected_signatures, kill_hard, make_articles, produce,
    read_events, start_stack, stop_all, wait_articles_in, wait_committed,
)

pytestmark = [pytest.mark.broker, pytest.mark.timeout(600)]

RUNS = int(os.environ.get("STREAM_FAULT_RUNS", "2"))


@pytest.fixture(scope="module")
def expected() -> list[Any]:
    return expected_signatures()


@pytest.fixture
def one_worker(tmp_path) -> Iterator[LocalStack]:  # noqa: ANN001
    stack = start_stack(tmp_path, 1)
    yield stack
    stop_all(stack)


def _report(name: str, result: Audit) -> None:
    print(f"{name}: delivered={result.delivered} duplicates={result.duplicates} "
          f"missing={result.missing_articles[:10]} wrong={result.wrong_articles[:10]} "
          f"conflicting={result.conflicting_ids[:10]}")


def test_kill9_mid_batch_then_restart_loses_nothing(one_worker: LocalStack, expected) -> None:  # noqa: ANN001
    stack = one_worker
    settings = stack.settings()
    pairs = make_articles("k9", 160)
    ends = produce(settings, pairs)
    wait_articles_in(stack, 20, timeout=120)
    assert articles_in(stack) < len(pairs), "the worker finished before the kill; make the load larger"
    leaked = kill_hard(stack, stack.workers[0])
    assert not leaked, f"the extraction process outlived its killed worker: {leaked}"
    before = committed(settings)
    restarted = stack.start_worker()
    stack.wait_ready(180, workers=[restarted])
    wait_committed(settings, ends, timeout=240)
    result = audit(read_events(settings), pairs, expected)
    _report("kill -9 + restart", result)
    assert result.ok
    assert sum(before.values()) < sum(ends.values()), "nothing was left for the restarted worker"


def test_two_workers_one_killed_the_other_takes_over(tmp_path, expected) -> None:  # noqa: ANN001
    """Repeated: kill one of two workers mid-load; the survivor finishes; no event lost or doubled."""
    stack = start_stack(tmp_path, 2)
    results: list[Audit] = []
    try:
        settings = stack.settings()
        for run in range(RUNS):
            live = [w for w in stack.workers if w.alive()]
            assert len(live) == 2
            pairs = make_articles(f"r{run}", 240)
            start = articles_in(stack)
            ends = produce(settings, pairs)
            wait_articles_in(stack, start + 40, timeout=120)
            victim, survivor = live[run % 2], live[1 - run % 2]
            assert not kill_hard(stack, victim)
            survivor_before = survivor.get("/api/stats")["articles_in"]
            wait_committed(settings, ends, timeout=240)
            assert survivor.alive()
            results.append(audit(read_events(settings), pairs, expected))
            _report(f"run {run}", results[-1])
            assert survivor.get("/api/stats")["articles_in"] > survivor_before, "the survivor did not take over"
            if run + 1 < RUNS:
                stack.wait_ready(180, workers=[stack.start_worker()])
    finally:
        stop_all(stack)
    bad = [i for i, r in enumerate(results) if not r.ok]
    print(f"{len(results)} runs, {len(bad)} with loss or doubles, "
          f"{sum(r.duplicates for r in results)} redeliveries removed by dedup")
    assert not bad, f"runs with lost or doubled events: {bad}"


@pytest.mark.parametrize("how", ["proxy-cut", "sigstop"])
def test_broker_gone_10s_worker_waits_and_resumes(tmp_path, expected, how: str) -> None:  # noqa: ANN001
    """The broker vanishes for 10 s in the middle of the load, then comes back with its data.

    tansu keeps its log in memory only, so it cannot be restarted without losing it.  Two ways to
    make it vanish while it keeps the data: ``proxy-cut`` resets every connection and refuses new
    ones (a host or network gone: clients get errors at once and reconnect); ``sigstop`` freezes the
    broker process (a hung broker: connections stay open, requests time out).
    """
    stack = start_stack(tmp_path, 1, proxied=how == "proxy-cut")
    try:
        settings = stack.settings()
        pairs = make_articles(f"out-{how}", 200)
        ends = produce(settings, pairs)
        wait_articles_in(stack, 30, timeout=120)
        assert stack.broker is not None and stack.broker.pid is not None
        if how == "proxy-cut":
            assert stack.proxy is not None
            stack.proxy.cut()
        else:
            os.kill(stack.broker.pid, signal.SIGSTOP)
        try:
            time.sleep(10)
            assert stack.workers[0].alive(), "the worker died while the broker was away"
            during = stack.workers[0].get("/api/stats")["articles_in"]
        finally:
            if how == "proxy-cut":
                stack.proxy.restore()  # type: ignore[union-attr]
            else:
                os.kill(stack.broker.pid, signal.SIGCONT)
        wait_committed(settings, ends, timeout=240)
        assert stack.workers[0].alive()
        result = audit(read_events(settings), pairs, expected)
        _report(f"broker away ({how})", result)
        assert result.ok
        assert stack.workers[0].get("/api/stats")["articles_in"] > during, "no progress after the broker came back"
    finally:
        stop_all(stack)


def test_sigterm_is_a_clean_shutdown_that_commits(one_worker: LocalStack, expected) -> None:  # noqa: ANN001
    """SIGTERM mid-load: exit code 0, extraction process gone, and the committed offsets cover exactly
    what the worker published (nothing published is left uncommitted); a new worker finishes the rest."""
    stack = one_worker
    settings = stack.settings()
    pairs = make_articles("term", 160)
    placement: dict[str, tuple[int, int]] = {}
    ends = produce(settings, pairs, placement)
    wait_articles_in(stack, 20, timeout=120)
    worker = stack.workers[0]
    children = psutil.Process(worker.proc.pid).children(recursive=True)
    assert stack.stop_worker(worker, signal.SIGTERM, timeout=60) == 0, worker.log_tail()
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"extraction process left behind: {alive}"
    at_exit = committed(settings)
    published: dict[int, set[int]] = {}
    for event in read_events(settings):
        if event["article_id"] in placement:
            partition, offset = placement[event["article_id"]]
            published.setdefault(partition, set()).add(offset)
    for partition, end in at_exit.items():
        done = published.get(partition, set())
        assert set(range(end)) <= done, f"p{partition}: committed {end} but offsets {set(range(end)) - done} unpublished"
        assert max(done, default=-1) < end, f"p{partition}: offset {max(done)} published, but the commit stops before it ({end})"
    assert 0 < sum(at_exit.values()) < len(pairs)
    restarted = stack.start_worker()
    stack.wait_ready(180, workers=[restarted])
    wait_committed(settings, ends, timeout=240)
    result = audit(read_events(settings), pairs, expected)
    _report("SIGTERM + restart", result)
    assert result.ok
