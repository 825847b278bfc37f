"""Story fusion against real worker processes on the embedded broker.

- Three reports of one summit, from three outlets, written for this test, become one
  story whose interval is the intersection of theirs.
- kill -9 in the middle of a run, then a restart: every event is in exactly one story,
  no story lists a member twice, and the stories are those of an undisturbed run.
- Two workers give the same stories as one.
- A story idle for ``STREAM_STORY_IDLE_SECONDS`` is closed and leaves the table.

The load is `meeting_reports`: meetings each told by three outlets, where every
report fits exactly one story, so the stories must not depend on arrival order
(greedy joining does depend on it when a report fits several open stories).

The stories topic is compacted: a consumer keeps the last record of each story_id
(a null value deletes it), which is what `final_stories` computes.
"""

from __future__ import annotations

import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest

from stream.settings import Settings

from .conftest import ROOT
from .fusion_support import meeting_reports
from .test_faults_support import kill_hard, produce, start_stack, stop_all, wait_articles_in

pytestmark = [pytest.mark.broker, pytest.mark.timeout(900)]

FUSION_DATA = Path(__file__).with_name("data") / "fusion"
LOAD = 120


def read_keyed(settings: Settings, topic: str, idle: float = 2.0) -> list[tuple[bytes | None, bytes | None]]:
    """Every (key, value) of a topic, oldest first per partition."""
    from kafka import KafkaConsumer, TopicPartition

    from stream.kafka import kafka_python_config

    consumer = KafkaConsumer(**kafka_python_config(settings), enable_auto_commit=False, auto_offset_reset="earliest")
    try:
        partitions = consumer.partitions_for_topic(topic) or set()
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        consumer.seek_to_beginning()
        out, last = [], time.monotonic()
        while partitions and time.monotonic() - last < idle:
            for records in consumer.poll(timeout_ms=200).values():
                for record in records:
                    last = time.monotonic()
                    out.append((record.key, record.value))
        return out
    finally:
        consumer.close()


def final_stories(settings: Settings) -> dict[str, dict[str, Any]]:
    """What a compacted stories topic converges to: the last record per story_id, tombstones removed."""
    state: dict[str, dict[str, Any]] = {}
    for key, value in read_keyed(settings, settings.topic_stories):
        if key is None:
            continue
        if value is None:
            state.pop(key.decode(), None)
        else:
            state[key.decode()] = orjson.loads(value)
    return state


def event_ids(settings: Settings) -> set[str]:
    return {orjson.loads(v)["event_id"] for _, v in read_keyed(settings, settings.topic_events) if v}


def converged(settings: Settings, timeout: float) -> dict[str, dict[str, Any]]:
    """Wait until every event on the events topic is a member of a published story."""
    deadline = time.monotonic() + timeout
    while True:
        stories = final_stories(settings)
        members = {m["event_id"] for s in stories.values() for m in s["members"]}
        wanted = event_ids(settings)
        if wanted and wanted <= members:
            return stories
        if time.monotonic() > deadline:
            raise AssertionError(f"{len(wanted - members)} of {len(wanted)} events in no story after {timeout:.0f}s")
        time.sleep(2.0)


def clusters(stories: dict[str, dict[str, Any]]) -> set[tuple[frozenset[str], str | None, str | None]]:
    """The stories as member sets and intervals, which must not depend on workers or arrival order."""
    return {(frozenset(m["event_id"] for m in s["members"]), (s["time"] or {}).get("earliest"),
             (s["time"] or {}).get("latest")) for s in stories.values()}


def summit_pairs() -> list[tuple[bytes, bytes]]:
    return [(p.stem.encode(), p.read_bytes()) for p in sorted(FUSION_DATA.glob("summit-*.json"))]


@pytest.fixture(scope="module")
def undisturbed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """One worker, the summit reports and a load of sample articles, run to the end."""
    stack = start_stack(tmp_path_factory.mktemp("fusion-one"), 1)
    try:
        settings = stack.settings()
        produce(settings, summit_pairs() + meeting_reports(LOAD))
        stories = converged(settings, timeout=600)
        with urllib.request.urlopen(stack.workers[0].url + "/metrics", timeout=5) as resp:
            metrics = resp.read().decode()
        yield {"stories": stories, "api": stack.workers[0].get("/api/stories"), "metrics": metrics}
    finally:
        stop_all(stack)


def test_reports_from_three_outlets_fuse_into_one_story_with_the_intersection(undisturbed) -> None:  # noqa: ANN001
    summit = [s for s in undisturbed["stories"].values()
              if {m["article_id"] for m in s["members"]} >= {"summit-a", "summit-b", "summit-c"}]
    assert len(summit) == 1, summit
    story = summit[0]
    schema = json.loads((ROOT / "schemas" / "story.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(story)
    assert story["type"] == "MEETING" and {a["code"] for a in story["actors"]} >= {"FRA", "DEU"}
    assert story["sources"] == 3 and story["articles"] == 3
    assert set(story["outlets"]) == {"le courrier du nord", "gazette-du-sud.example", "radio lac"}
    # a: 'mercredi' under a March header (a month of Wednesdays); b: 'le 15 mars'; c: 'hier' under 2023-03-16
    assert story["time"] == {"earliest": "2023-03-15", "latest": "2023-03-15", "value": "2023-03-15",
                             "granularity": "day"}
    assert story["conflicts"] == [] and story["status"] == "open"
    assert story["location"]["name"] == "Berlin"


def test_every_event_is_in_exactly_one_story_once(undisturbed) -> None:  # noqa: ANN001
    members = [m["event_id"] for s in undisturbed["stories"].values() for m in s["members"]]
    assert len(members) == len(set(members))
    meetings = [s for s in undisturbed["stories"].values() if s["members"][0]["article_id"].startswith("meet-")]
    assert len(meetings) == LOAD // 3
    assert all(s["sources"] == 3 and s["time"]["earliest"] == s["time"]["latest"] for s in meetings)


def test_dashboard_api_lists_the_stories(undisturbed) -> None:  # noqa: ANN001
    api = undisturbed["api"]
    assert api["top"] and api["recent"] and api["table"]["stories"] >= 1
    assert api["top"][0]["sources"] >= api["top"][-1]["sources"]
    metrics = undisturbed["metrics"]
    assert "stream_stories_opened_total" in metrics and "stream_stories_table_bytes" in metrics


def test_kill9_then_restart_gives_no_duplicate_member_and_the_same_stories(tmp_path: Path, undisturbed) -> None:  # noqa: ANN001
    stack = start_stack(tmp_path, 1)
    try:
        settings = stack.settings()
        produce(settings, summit_pairs() + meeting_reports(LOAD))
        wait_articles_in(stack, 30, timeout=180)
        kill_hard(stack, stack.workers[0])
        restarted = stack.start_worker()
        stack.wait_ready(180, workers=[restarted])
        stories = converged(settings, timeout=600)
    finally:
        stop_all(stack)
    for story in stories.values():
        ids = [m["event_id"] for m in story["members"]]
        assert len(ids) == len(set(ids)), f"duplicate member in {story['story_id']}"
    members = [m["event_id"] for s in stories.values() for m in s["members"]]
    assert len(members) == len(set(members)), "an event is in two stories"
    assert clusters(stories) == clusters(undisturbed["stories"])


def test_two_workers_give_the_same_stories_as_one(tmp_path: Path, undisturbed) -> None:  # noqa: ANN001
    stack = start_stack(tmp_path, 2)
    try:
        settings = stack.settings()
        produce(settings, summit_pairs() + meeting_reports(LOAD))
        stories = converged(settings, timeout=600)
    finally:
        stop_all(stack)
    assert clusters(stories) == clusters(undisturbed["stories"])
    assert set(stories) == set(undisturbed["stories"]), "story ids differ between one and two workers"


def test_idle_stories_are_closed_and_leave_the_table(tmp_path: Path) -> None:
    stack = start_stack(tmp_path, 1, env={Settings.env_names()["story_idle_seconds"]: "3"})
    try:
        settings = stack.settings()
        produce(settings, summit_pairs())
        deadline = time.monotonic() + 180
        while True:
            stories = final_stories(settings)
            table = stack.workers[0].get("/api/stories")["table"]
            if stories and all(s["status"] == "closed" for s in stories.values()) and table["stories"] == 0:
                break
            assert time.monotonic() < deadline, f"not closed: {[s['status'] for s in stories.values()]}, {table}"
            time.sleep(1.0)
        with urllib.request.urlopen(stack.workers[0].url + "/metrics", timeout=5) as resp:
            metrics = resp.read().decode()
    finally:
        stop_all(stack)
    summit = [s for s in stories.values() if s["articles"] == 3]
    assert len(summit) == 1 and summit[0]["time"]["earliest"] == "2023-03-15"
    closed = next(line for line in metrics.splitlines() if line.startswith("stream_stories_closed_total"))
    assert float(closed.split()[1]) == len(stories)
