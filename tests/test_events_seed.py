"""The seed article against its gold: every core event once, right type and actors, no duplicate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stream.commands.evaluate import Report, actor_codes, matches, one_to_one, score
from stream.core.article import article_from_text
from tests.conftest import shared_path


@pytest.fixture(scope="session")
def extractor_sm():  # noqa: ANN201 - Extractor, imported lazily
    """The small model: it attaches words differently, the rules must not care."""
    from stream.core.pipeline import Extractor

    return Extractor("fr_core_news_sm")


@pytest.fixture(scope="module")
def gold() -> list[dict]:
    return json.loads(shared_path("gold", "nato-russia-2022-01.json").read_text())["events"]


def _events(extractor, seed: Path) -> list:  # noqa: ANN001
    return extractor.extract(article_from_text(seed.read_text(encoding="utf-8"), seed.stem)).events


@pytest.mark.parametrize("model", ["md", "sm"])
def test_every_core_event_once_with_type_and_actors(model: str, extractor, extractor_sm, gold, seed) -> None:  # noqa: ANN001
    """Found once as the README scores it: matched one-to-one, and no other unmatched event matches it."""
    events = _events(extractor if model == "md" else extractor_sm, seed)
    pairs = one_to_one(events, gold)
    matched = set(pairs.values())
    for i, g in enumerate(gold):
        if not g["core"]:
            continue
        assert i in pairs, g["cue"]
        ev = events[pairs[i]]
        assert ev.type in {g["type"], *g.get("type_any", [])}
        assert set(g["actors"]) <= actor_codes(ev), (g["cue"], actor_codes(ev))
        dups = [e.trigger.text for p, e in enumerate(events) if p not in matched and matches(e, g)]
        assert not dups, (g["cue"], dups)


def test_scores_and_no_duplicates(extractor, gold, seed) -> None:  # noqa: ANN001
    report = Report()
    score(report, "seed", _events(extractor, seed), gold)
    assert report.duplicates == 0, report.notes
    assert report.overall.hit_gold >= 10, report.notes
    assert report.core.hit_gold == 8, report.notes


def test_dates_contain_the_truth(extractor, gold, seed) -> None:  # noqa: ANN001
    events = _events(extractor, seed)
    pairs = one_to_one(events, gold)
    for g_idx, p_idx in pairs.items():
        truth = (gold[g_idx].get("date") or {}).get("truth")
        if truth:
            t = events[p_idx].time
            assert t is not None and t.earliest <= truth <= t.latest, (gold[g_idx]["cue"], t)
            assert t.text == gold[g_idx]["time_text"], (gold[g_idx]["cue"], t)


def test_repeated_body_is_merged_with_all_mentions_as_evidence(extractor, seed) -> None:  # noqa: ANN001
    text = article_from_text(seed.read_text(encoding="utf-8"), seed.stem).text
    meeting = next(e for e in _events(extractor, seed) if "entretenus" in e.trigger.text)
    assert len(meeting.evidence) >= 4
    assert all(text[s.start:s.end] == s.text for e in _events(extractor, seed) for s in [e.trigger, *e.evidence])
    assert meeting.location is not None and meeting.location.name == "NATO headquarters, Brussels"


def test_ids_are_stable_and_unique(extractor, seed) -> None:  # noqa: ANN001
    first = [e.event_id for e in _events(extractor, seed)]
    assert first == [e.event_id for e in _events(extractor, seed)]
    assert len(set(first)) == len(first)


def test_output_validates_against_event_schema(extractor, validators, seed) -> None:  # noqa: ANN001
    for ev in _events(extractor, seed):
        validators["event"].validate(json.loads(json.dumps(ev.to_dict())))


def test_role_mentions_resolve_to_the_named_person(extractor, seed) -> None:  # noqa: ANN001
    """"le chef de l'Otan" and "Le secrétaire général de l'Otan" are Jens Stoltenberg, the only one named."""
    people = [a for e in _events(extractor, seed) for a in (e.source, e.speaker) if a is not None and a.kind == "person"]
    assert {a.text for a in people} >= {"le chef de l'Otan", "Le secrétaire général de l'Otan"}
    assert {a.name for a in people} == {"Jens Stoltenberg"}
    assert {a.affiliation for a in people} == {"NATO"}


def test_evidence_is_trimmed_and_indexes_the_text(extractor, seed) -> None:  # noqa: ANN001
    text = article_from_text(seed.read_text(encoding="utf-8"), seed.stem).text
    for event in _events(extractor, seed):
        for ev in event.evidence:
            assert ev.text == ev.text.strip() and text[ev.start:ev.end] == ev.text


def test_a_date_in_another_triggers_clause_is_not_taken(extractor, seed) -> None:  # noqa: ANN001
    """"les rencontres bilatérales … ainsi que la rencontre qui aura lieu demain": demain is the OSCE meeting's."""
    meetings = [e for e in _events(extractor, seed) if e.type == "MEETING"]
    osce = next(e for e in meetings if e.trigger.text == "rencontre" and "OSCE" in e.evidence[0].text)
    bilateral = next(e for e in meetings if "rencontres bilatérales" in e.evidence[0].text[
        e.trigger.start - e.evidence[0].start:])
    assert osce.time is not None and osce.time.text == "demain"
    assert bilateral.time is None or bilateral.time.text is None
