"""The dashboard's endpoints against real worker processes on the embedded broker.

One module-scoped stack with STREAM_WEB_TOKEN set: the probes stay open, every
page needs the token; figures are checked against what was actually published
(events read back from the events topic); then the worker is replaced by two
new ones and both must show the same whole-stream figures as before.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

import orjson
import pytest

from stream.commands.consume import read_topic
from stream.commands.produce import publish

from .web_helpers import TOKEN, XSS_ID, ProbedStack, get_json, hostile, http, meeting, wait_for

pytestmark = pytest.mark.broker

GOOD, BAD = 6, 2


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbedStack]:
    local = ProbedStack(workdir=tmp_path_factory.mktemp("web"), extra_env={"STREAM_WEB_TOKEN": TOKEN})
    try:
        local.start(workers=1, ready_timeout=180)
        yield local
    finally:
        local.stop()


@pytest.fixture(scope="module")
def sent(stack: ProbedStack) -> dict:
    settings = stack.settings()
    pairs = [meeting(i) for i in range(GOOD)] + [hostile(i) for i in range(BAD)]
    publish(settings, pairs, settings.topic_articles, progress=False)
    url = stack.workers[0].url
    wait_for(lambda: get_json(url + "/api/stats", TOKEN)["stream"]["articles"] >= len(pairs), 120, "articles counted")
    events = [orjson.loads(v) for v in read_topic(settings, settings.topic_events, follow=False, idle=2.0)]
    dead = [orjson.loads(v) for v in read_topic(settings, settings.topic_deadletter, follow=False, idle=2.0)]
    return {"pairs": pairs, "events": events, "dead": dead}


def test_probes_are_open_and_ready(stack: ProbedStack) -> None:
    url = stack.workers[0].url
    status, _, body = http(url + "/healthz")
    assert status == 200 and orjson.loads(body)["status"] == "alive"
    status, _, body = http(url + "/readyz")
    ready = orjson.loads(body)
    assert status == 200 and ready["ready"], ready
    assert ready["checks"]["partitions"]["assigned"] == [0, 1, 2, 3]
    assert ready["checks"]["broker"]["ok"] and ready["checks"]["model"]["ok"]


@pytest.mark.parametrize("path", ["/dashboard", "/api/stats", "/api/events/recent", "/api/deadletters/recent",
                                  "/metrics", "/", "/dashboard/static/dashboard.js"])
def test_pages_and_faust_routes_need_the_token(stack: ProbedStack, path: str) -> None:
    url = stack.workers[0].url + path
    assert http(url)[0] == 401
    assert http(url, token="wrong-" + TOKEN)[0] == 401
    assert http(url, token=TOKEN)[0] == 200


def test_login_trades_the_token_for_a_strict_httponly_cookie(stack: ProbedStack) -> None:
    url = stack.workers[0].url
    assert http(url + "/login", data=b"token=nope")[0] == 401
    status, headers, _ = http(url + "/login", data=f"token={TOKEN}".encode())
    assert status == 303 and headers["Location"] == "/dashboard"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    status, _, body = http(url + "/dashboard", headers={"Cookie": cookie.split(";")[0]})
    assert status == 200 and b"<h1>News event stream" in body


def test_counts_are_those_of_the_published_stream(stack: ProbedStack, sent: dict) -> None:
    stream = get_json(stack.workers[0].url + "/api/stats", TOKEN)["stream"]
    assert stream["articles"] == GOOD + BAD
    assert stream["processed"] == GOOD and stream["deadlettered"] == BAD == len(sent["dead"])
    assert sent["events"], "the MEETING articles produced no events"
    assert stream["events"] == len(sent["events"])
    assert stream["events_by_type"] == dict(Counter(e["type"] for e in sent["events"]))
    assert stream["deadletters_by_reason"] == dict(Counter(d["reason"] for d in sent["dead"]))
    assert sum(stream["latency_buckets"]) == GOOD + BAD and stream["latency_s"]["p50"] > 0


def test_tumbling_windows_hold_this_hours_events(stack: ProbedStack, sent: dict) -> None:
    stream = get_json(stack.workers[0].url + "/api/stats", TOKEN)["stream"]
    for name, size, count in (("events_per_minute", 60, 60), ("events_per_hour", 3600, 24)):
        windows = stream[name]
        assert windows["size_s"] == size and len(windows["starts"]) == count
        assert all(s % size == 0 for s in windows["starts"])
        per_type = {t: sum(series) for t, series in windows["series"].items()}
        assert per_type == stream["events_by_type"], name


def test_recent_events_and_dead_letters_are_the_published_ones(stack: ProbedStack, sent: dict) -> None:
    url = stack.workers[0].url
    recent = get_json(url + "/api/events/recent?limit=100", TOKEN)["events"]
    assert {e["event"]["event_id"] for e in recent} == {e["event_id"] for e in sent["events"]}
    one = sent["events"][0]
    assert get_json(url + f"/api/events/{one['event_id']}", TOKEN) == one
    assert http(url + "/api/events/no-such-event", TOKEN)[0] == 404
    dead = get_json(url + "/api/deadletters/recent", TOKEN)["deadletters"]
    assert sorted(d["article_id"] for d in dead) == sorted(f"{XSS_ID}{i}" for i in range(BAD))
    assert all("original_base64" not in d for d in dead)


def test_dashboard_html_escapes_article_text(stack: ProbedStack, sent: dict) -> None:
    status, headers, body = http(stack.workers[0].url + "/dashboard", TOKEN)
    page = body.decode()
    assert status == 200 and "script-src 'self'" in headers["Content-Security-Policy"]
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;0" in page
    assert "<img src=x" not in page and "window.__pwned=2</script>" not in page
    assert "<mark>rencontré</mark>" in page


def test_no_secret_is_shown(stack: ProbedStack, sent: dict) -> None:
    url = stack.workers[0].url
    for path in ("/api/stats", "/dashboard", "/metrics"):
        assert TOKEN.encode() not in http(url + path, TOKEN)[2], path
    assert get_json(url + "/api/stats", TOKEN)["settings"]["web_token"] == "***"


def _samples(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            out[name] = float(value)
    return out


def test_metrics_are_prometheus_text_with_the_stream_counters(stack: ProbedStack, sent: dict) -> None:
    status, headers, body = http(stack.workers[0].url + "/metrics", TOKEN)
    assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
    text = body.decode()
    for family, kind in (("stream_articles_total", "counter"), ("stream_events_total", "counter"),
                         ("stream_deadletters_total", "counter"), ("stream_extraction_seconds", "histogram"),
                         ("stream_consumer_lag", "gauge"), ("stream_consumer_lag_seconds", "gauge")):
        assert f"# TYPE {family} {kind}\n" in text and f"# HELP {family} " in text
    line = re.compile(r'^[a-z_]+(\{([a-z_]+="[^"]*",?)*\})? -?[0-9.e+]+$|^#')
    assert all(line.match(row) for row in text.splitlines()), [r for r in text.splitlines() if not line.match(r)]
    samples = _samples(text)
    total = lambda prefix: sum(v for k, v in samples.items() if k.startswith(prefix))  # noqa: E731
    assert total("stream_articles_total{") == GOOD + BAD
    assert total("stream_events_total{") == len(sent["events"])
    assert total('stream_deadletters_total{') == BAD
    assert total("stream_extraction_seconds_count{") == GOOD + BAD
    inf = sum(v for k, v in samples.items() if k.startswith("stream_extraction_seconds_bucket") and 'le="+Inf"' in k)
    assert inf == GOOD + BAD
    assert samples["stream_model_loaded"] == 1 and samples["stream_partitions_assigned"] == 4


def test_partitions_show_owner_and_lag(stack: ProbedStack, sent: dict) -> None:
    url = stack.workers[0].url

    seen: list[list[dict]] = []

    def settled() -> bool:
        seen.append(get_json(url + "/api/stats", TOKEN)["stream"]["partitions"])
        return [p.get("lag") for p in seen[-1]] == [0, 0, 0, 0]

    try:
        wait_for(settled, 30, "lag reports at 0")
    except AssertionError as exc:
        raise AssertionError(f"{exc}; last report: {seen[-1:]}") from None
    parts = seen[-1]
    assert [p["partition"] for p in parts] == [0, 1, 2, 3]
    assert [p["lag_seconds"] for p in parts] == [0, 0, 0, 0]  # caught up: nothing waits
    assert {p["assigned_to"] for p in parts} == {p["owner"] for p in parts} == {url}
    assert sum(p["processed"] for p in parts) == GOOD + BAD  # every offset of every partition processed
    assert wait_for(lambda: sum(p.get("committed") or 0 for p in get_json(
        url + "/api/stats", TOKEN)["stream"]["partitions"]) == GOOD + BAD, 30, "commits reported")
    assert all(p["highwater"] >= 1 and not p["stale"] for p in parts if p["processed"])


def test_counts_survive_a_restart_and_two_workers_each_show_the_whole_stream(stack: ProbedStack,
                                                                             sent: dict) -> None:
    before = get_json(stack.workers[0].url + "/api/stats", TOKEN)["stream"]
    stack.stop_worker(stack.workers[0])
    fresh = [stack.start_worker(), stack.start_worker()]  # new data dirs: state comes from the changelogs
    stack.wait_ready(240)
    keys = ("articles", "processed", "deadlettered", "events", "events_by_type", "deadletters_by_reason")
    for worker in fresh:
        after = get_json(worker.url + "/api/stats", TOKEN)["stream"]
        assert {k: after[k] for k in keys} == {k: before[k] for k in keys}, worker.url
    owned = [get_json(w.url + "/api/stats", TOKEN)["worker"]["owned_partitions"] for w in fresh]
    assert sorted(owned[0] + owned[1]) == [0, 1, 2, 3] and owned[0] and owned[1]

    settings = stack.settings()
    more = [meeting(i, prefix="after") for i in range(8)]
    publish(settings, more, settings.topic_articles, progress=False)
    expected = before["articles"] + len(more)
    for worker in fresh:
        wait_for(lambda w=worker: get_json(w.url + "/api/stats", TOKEN)["stream"]["articles"] == expected,
                 120, f"{worker.url} to count {expected} articles")
    events = [orjson.loads(v) for v in read_topic(settings, settings.topic_events, follow=False, idle=2.0)]
    for worker in fresh:
        stream = get_json(worker.url + "/api/stats", TOKEN)["stream"]
        assert stream["articles"] == expected and stream["events"] == len(events)
    metric_total = 0.0
    for worker in fresh:  # each partition is exposed by its owner only: the sum is the stream
        samples = _samples(http(worker.url + "/metrics", TOKEN)[2].decode())
        metric_total += sum(v for k, v in samples.items() if k.startswith("stream_articles_total{"))
    assert metric_total == expected
