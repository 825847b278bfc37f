"""The fusion core on event records written for these tests: join rules, intervals, conflicts, ids."""

from __future__ import annotations

import itertools
from typing import Any

from stream.fusion import Fuser, fuse, fusion_key, is_idle, outlet_of, record_of
from stream.fusion.intervals import agreement, parse_interval, timex_of
from stream.fusion.stories import MAX_OPEN_PERIODS


def actor(code: str, kind: str = "state") -> dict[str, Any]:
    return {"text": code, "code": code, "name": None, "kind": kind, "affiliation": None}


def event(eid: str, article: str, earliest: str | None, latest: str | None, *codes: str, type_: str = "MEETING",
          text: str | None = "mercredi", modality: str = "asserted", place: str | None = None,
          country: str | None = None, confidence: float = 0.8) -> dict[str, Any]:
    time = None if earliest is None else {"text": text, "value": None, "earliest": earliest, "latest": latest,
                                          "granularity": "day", "anchor": "test"}
    return {"event_id": eid, "article_id": article, "type": type_, "cameo": "040", "quad_class": 1,
            "source": None, "targets": [], "participants": [actor(c) for c in codes],
            "location": {"text": place, "name": place, "country": country} if place else None,
            "time": time, "modality": modality, "confidence": confidence}


def stories_of(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    fuser = Fuser()
    for e in events:
        fuser.add(e, outlet_of(None, None, e["article_id"]))
    return fuser.records()


def test_three_outlets_fuse_and_the_interval_is_the_intersection() -> None:
    records = stories_of([
        event("e1", "a", "2023-03-01", "2023-03-29", "FRA", "DEU"),               # 'mercredi' under a month
        event("e2", "b", "2023-03-15", "2023-03-15", "DEU", "FRA", place="Berlin", country="DEU"),
        event("e3", "c", "2023-03-13", "2023-03-19", "FRA"),                      # 'cette semaine', one party named
    ])
    assert len(records) == 1
    story = records[0]
    assert story["time"] == {"earliest": "2023-03-15", "latest": "2023-03-15", "value": "2023-03-15",
                             "granularity": "day"}
    assert story["articles"] == story["sources"] == 3 and story["conflicts"] == []
    assert story["location"]["name"] == "Berlin"
    assert story["confidence"] > 0.99  # 1 - 0.2**3


def test_meetings_with_half_the_parties_in_common_stay_apart() -> None:
    records = stories_of([event("e1", "a", "2018-06-12", "2018-06-12", "USA", "PRK"),
                          event("e2", "b", "2018-06-01", "2018-06-30", "USA", "RUS")])
    assert len(records) == 2


def test_a_different_venue_or_a_disjoint_date_opens_another_story() -> None:
    records = stories_of([
        event("e1", "a", "2019-12-09", "2019-12-09", "RUS", "UKR", place="Paris", country="FRA"),
        event("e2", "b", "2019-12-09", "2019-12-09", "RUS", "UKR", place="Minsk", country="BLR"),
        event("e3", "c", "2020-02-01", "2020-02-29", "RUS", "UKR"),
    ])
    assert len(records) == 3


def test_a_wrong_day_from_the_same_venue_is_a_conflict_outside_the_intersection() -> None:
    records = stories_of([
        event("e1", "a", "2019-12-02", "2019-12-30", "FRA", "RUS", place="Paris"),   # 'lundi' under the month
        event("e2", "b", "2019-12-09", "2019-12-09", "FRA", "RUS", place="Paris"),
        event("e3", "c", "2019-12-09", "2019-12-09", "RUS", "FRA"),
        event("e4", "d", "2019-12-08", "2019-12-08", "FRA", "RUS", place="Paris"),   # a typo in one report
    ])
    assert len(records) == 1
    story = records[0]
    assert (story["time"]["earliest"], story["time"]["latest"]) == ("2019-12-09", "2019-12-09")
    assert [c["event_id"] for c in story["conflicts"]] == ["e4"]


def test_a_wrong_day_without_the_venue_is_another_story() -> None:
    records = stories_of([event("e1", "a", "2018-06-12", "2018-06-12", "USA", "PRK", place="Singapore"),
                          event("e2", "b", "2018-05-29", "2018-06-26", "USA", "PRK", place="Singapore"),
                          event("e3", "c", "2018-06-01", "2018-06-01", "USA", "PRK")])
    assert sorted(len(r["members"]) for r in records) == [1, 2]


def test_a_report_without_time_words_neither_narrows_nor_conflicts_but_joins_within_the_horizon() -> None:
    records = stories_of([
        event("e1", "a", "2018-06-12", "2018-06-12", "USA", "PRK"),
        # announced in May without a date: only the header's month, planned, reaches forward
        event("e2", "b", "2018-05-01", "2018-05-31", "USA", "PRK", text=None, modality="planned"),
        # reported in July without a date: reaches back
        event("e3", "c", "2018-07-01", "2018-07-31", "PRK", "USA", text=None),
    ])
    assert len(records) == 1
    assert records[0]["time"]["earliest"] == records[0]["time"]["latest"] == "2018-06-12"
    assert records[0]["conflicts"] == []


def test_two_undated_reports_months_apart_stay_apart() -> None:
    records = stories_of([event("e1", "a", "2018-05-01", "2018-05-31", "USA", "PRK", text=None),
                          event("e2", "b", "2018-09-01", "2018-09-30", "USA", "PRK", text=None)])
    assert len(records) == 2


def test_redelivery_changes_nothing_and_reports_the_story_holding_the_event() -> None:
    e1 = event("e1", "a", "2023-03-15", "2023-03-15", "FRA", "DEU")
    first = fuse([], e1, "x", 0.0)
    assert first.state is not None
    again = fuse([first.state], e1, "x", 5.0)
    assert again.duplicate == first.state and again.state is None and again.record is None


def test_the_same_reports_in_any_order_give_the_same_stories_and_ids() -> None:
    events = [event("e3", "c", "2023-03-13", "2023-03-19", "FRA"),
              event("e1", "a", "2023-03-01", "2023-03-29", "FRA", "DEU"),
              event("e2", "b", "2023-03-15", "2023-03-15", "DEU", "FRA"),
              event("e9", "z", "2023-06-01", "2023-06-30", "FRA", "DEU")]
    results = {tuple(map(str, stories_of(list(order)))) for order in itertools.permutations(events)}
    assert len(results) == 1


def test_a_smaller_member_id_renames_the_story_and_retires_the_old_id() -> None:
    first = fuse([], event("e5", "a", "2023-03-15", "2023-03-15", "FRA", "DEU"), "x", 0.0)
    assert first.state is not None
    second = fuse([first.state], event("e1", "b", "2023-03-15", "2023-03-15", "FRA", "DEU"), "y", 1.0)
    assert second.state is not None and second.retired == [first.state["story_id"]]
    assert second.state["story_id"] != first.state["story_id"]


def test_the_key_is_the_type_and_the_outlet_comes_from_source_url_or_the_article() -> None:
    assert fusion_key(event("e1", "a", None, None, "FRA")) == "MEETING"
    assert outlet_of(" Radio Lac ", "https://www.example.org/x", "a") == "radio lac"
    assert outlet_of(None, "https://www.example.org/x", "a") == "example.org"
    assert outlet_of(None, None, "a") == "article:a"


def test_most_supported_day_wins_and_intervals_name_their_granularity() -> None:
    iv = [parse_interval("2019-12-01", "2019-12-31"), parse_interval("2019-12-08", "2019-12-08"),
          parse_interval("2019-12-09", "2019-12-09"), parse_interval("2019-12-09", "2019-12-10"), None]
    assert agreement(iv) == frozenset({0, 2, 3})
    assert parse_interval("2019-12-10", "2019-12-01") is None
    assert timex_of(*parse_interval("2019-12-02", "2019-12-30")) == ("2019-12", "month")  # type: ignore[misc]
    assert timex_of(*parse_interval("2019-11-28", "2019-12-03")) == ("2019", "year")  # type: ignore[misc]


def test_closed_record_is_the_same_story_with_status_closed() -> None:
    state = fuse([], event("e1", "a", "2023-03-15", "2023-03-15", "FRA", "DEU"), "x", 0.0).state
    assert state is not None
    assert {**record_of(state), "status": "closed"} == record_of(state, status="closed")


def test_a_time_word_naming_no_period_is_weak() -> None:
    # 'Les deux dirigeants doivent désormais se rencontrer' under a May header: 'désormais' dates the
    # announcement, not the meeting, so it neither narrows the story nor keeps the report out of June's.
    now = event("e1", "a", "2018-05-01", "2018-05-31", "USA", "PRK", text="désormais", modality="planned")
    now["time"]["granularity"] = "none"
    records = stories_of([now, event("e2", "b", "2018-06-12", "2018-06-12", "USA", "PRK", place="Singapore")])
    assert len(records) == 1
    assert (records[0]["time"]["earliest"], records[0]["time"]["latest"]) == ("2018-06-12", "2018-06-12")
    assert records[0]["conflicts"] == []


def test_a_party_one_report_adds_in_passing_does_not_define_the_story() -> None:
    # Three reports of the Hanoi summit, one also naming the host and a neighbour; a meeting of those two
    # the same day in the same city is another story.
    summit = [event("e1", "a", "2019-02-27", "2019-02-27", "USA", "PRK", place="Hanoi"),
              event("e2", "b", "2019-02-27", "2019-02-27", "PRK", "USA", place="Hanoi"),
              event("e3", "c", "2019-02-27", "2019-02-27", "USA", "PRK", "VNM", "SGP", place="Hanoi")]
    records = stories_of([*summit, event("e4", "d", "2019-02-27", "2019-02-27", "VNM", "SGP", place="Hanoi")])
    assert sorted(len(r["members"]) for r in records) == [1, 3]


def test_a_report_that_fits_two_stories_merges_them_whatever_the_order() -> None:
    # An April report and a June one without time words do not meet (two header months); a report
    # dated 20 April is within the reach of both, so the three are one story in any order.
    events = [event("e1", "a", "2018-04-01", "2018-04-30", "USA", "PRK", text=None),
              event("e2", "b", "2018-06-01", "2018-06-30", "USA", "PRK", text=None),
              event("e3", "c", "2018-04-20", "2018-04-20", "PRK", "USA")]
    results = {tuple(map(str, stories_of(list(order)))) for order in itertools.permutations(events)}
    assert len(results) == 1
    (records,) = results
    assert len(records) == 1


def test_a_date_one_day_off_joins_as_a_conflict() -> None:
    # 'hier' in a text written late and published after midnight: the 28th for a summit of the 27th.
    records = stories_of([event("e1", "a", "2018-04-27", "2018-04-27", "KOR", "PRK"),
                          event("e2", "b", "2018-04-27", "2018-04-27", "PRK", "KOR"),
                          event("e3", "c", "2018-04-28", "2018-04-28", "KOR", "PRK")])
    assert len(records) == 1
    assert (records[0]["time"]["earliest"], records[0]["time"]["latest"]) == ("2018-04-27", "2018-04-27")
    assert [c["event_id"] for c in records[0]["conflicts"]] == ["e3"]


def test_reports_naming_one_party_do_not_shrink_the_story_to_it() -> None:
    # 'Trump est arrivé', 'Trump a salué' and 'Trump a rencontré Kim' the same day: the story is
    # Trump and Kim, and a report of Trump meeting Putin that day is another story.
    records = stories_of([event("e1", "a", "2018-06-12", "2018-06-12", "USA"),
                          event("e2", "b", "2018-06-12", "2018-06-12", "USA"),
                          event("e3", "c", "2018-06-12", "2018-06-12", "USA", "PRK"),
                          event("e4", "d", "2018-06-12", "2018-06-12", "USA", "RUS")])
    assert sorted(len(r["members"]) for r in records) == [1, 3]


def test_a_story_reported_every_half_period_still_closes_after_max_open_periods() -> None:
    idle = 10.0
    state = fuse([], event("e00", "a0", "2023-03-15", "2023-03-15", "FRA", "DEU"), "x", 0.0).state
    for i in range(1, 2 * MAX_OPEN_PERIODS):
        assert state is not None and not is_idle(state, i * idle / 2, idle)
        state = fuse([state], event(f"e{i:02d}", f"a{i}", "2023-03-15", "2023-03-15", "FRA", "DEU"), "x",
                     i * idle / 2).state
    assert state is not None and len(state["members"]) == 2 * MAX_OPEN_PERIODS
    assert not is_idle(state, MAX_OPEN_PERIODS * idle - 1, idle) and is_idle(state, MAX_OPEN_PERIODS * idle, idle)
