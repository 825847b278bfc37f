"""Regression guard: scores on the French TimeBank dev documents must not drop.

Measured when written: strict F1 0.899, relaxed F1 0.947, value F1 0.894, type accuracy 0.976;
after the news-date work (issue 11): strict 0.905, relaxed 0.952, value 0.905, type 0.982, mod F1 0.818.
The floors sit slightly below, so a real regression fails and nothing else does.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from stream.commands import UserError
from stream.commands.evaluate_dates import evaluate, tml_files
from stream.core.pipeline import Extractor
from stream.dates.scoring import Counts, score_doc
from stream.dates.timeml import read_timeml

from .conftest import shared_path


@pytest.fixture(scope="module")
def counts(extractor: Extractor) -> Counts:
    return evaluate(tml_files(str(shared_path("ftib-dev"))), extractor)


def test_value_f1_does_not_drop(counts: Counts) -> None:
    assert counts.value[2] >= 0.89


def test_extraction_does_not_drop(counts: Counts) -> None:
    assert counts.relaxed[2] >= 0.94
    assert counts.strict[2] >= 0.89
    assert counts.type_accuracy >= 0.97


def test_mod_does_not_drop(counts: Counts) -> None:
    assert counts.prf_mod[2] >= 0.75


def test_timeml_reader_keeps_offsets_of_timex_spans(tmp_path: Path) -> None:
    tml = tmp_path / "doc.tml"
    tml.write_text(
        '<TimeML><DCT><TIMEX3 tid="t1" type="DATE" value="1999-05-19" functionInDocument="CREATION_TIME"/></DCT>'
        '<TEXT>Eltsine a <EVENT eid="e1">annulé</EVENT> <TIMEX3 tid="t2" type="DATE" value="1999-05-18">hier</TIMEX3>'
        ' une rencontre &amp; <TIMEX3 tid="t3" type="DURATION" value="PXD">ces derniers jours</TIMEX3>.</TEXT></TimeML>',
        "utf-8")
    doc = read_timeml(tml)
    assert doc.text == "Eltsine a annulé hier une rencontre & ces derniers jours."
    assert doc.dct is not None and doc.dct.precision == "day" and doc.dct.first_day.isoformat() == "1999-05-19"
    assert [(doc.text[t.start:t.end], t.type, t.value) for t in doc.timexes] == [
        ("hier", "DATE", "1999-05-18"), ("ces derniers jours", "DURATION", "PXD")]


def test_scoring_counts_strict_relaxed_and_values() -> None:
    gold = read_like([(0, 4, "hier", "DATE", "1999-05-18"), (10, 20, "vers 18 h", "TIME", "1999-05-18T18:00")])
    pred = read_like([(0, 4, "hier", "DATE", "1999-05-17"), (15, 20, "18 h", "TIME", "1999-05-18T18:00"),
                      (30, 35, "lundi", "DATE", "1999-05-17")])
    counts = Counts()
    score_doc(counts, "d", gold, pred)
    assert counts.strict == pytest.approx((1 / 3, 1 / 2, 0.4))
    assert counts.relaxed == pytest.approx((2 / 3, 1.0, 0.8))
    assert counts.value == pytest.approx((1 / 3, 1 / 2, 0.4))
    assert counts.type_accuracy == 1.0
    assert any("spurious" in e and "lundi" in e for e in counts.errors)


def test_mod_is_read_from_timeml_and_scored_where_both_sides_carry_one(tmp_path: Path) -> None:
    tml = tmp_path / "doc.tml"
    tml.write_text(
        '<TimeML><DCT><TIMEX3 tid="t1" type="DATE" value="1999-05-19"/></DCT><TEXT>Le chantier finira '
        '<TIMEX3 tid="t2" type="DATE" value="1999-10" mod="START">début octobre</TIMEX3> après '
        '<TIMEX3 tid="t3" type="DURATION" value="P2M" mod="APPROX">environ deux mois</TIMEX3>.</TEXT></TimeML>', "utf-8")
    gold = read_timeml(tml).timexes
    assert [g.mod for g in gold] == ["START", "APPROX"]
    pred = [replace(gold[0], mod="END"), replace(gold[1], mod="APPROX")]
    counts = Counts()
    score_doc(counts, "d", gold, pred)
    assert (counts.gold_mods, counts.pred_mods, counts.both_mods, counts.mod_ok) == (2, 2, 2, 1)
    assert counts.prf_mod == pytest.approx((0.5, 0.5, 0.5))
    assert any("mod=END" in e for e in counts.errors)


def test_missing_folder_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserError):
        tml_files(str(tmp_path))


def read_like(rows: list[tuple[int, int, str, str, str]]) -> list:
    from stream.dates.timeml import GoldTimex

    return [GoldTimex(*row) for row in rows]


def test_event_dates_are_scored_contained_exact_narrow_and_by_width() -> None:
    from types import SimpleNamespace

    from stream.commands.evaluate import Report, _score_date, render
    from stream.core.records import TimeInfo

    gold = {"date": {"earliest": "2022-01-05", "latest": "2022-01-26", "truth": "2022-01-12"}}
    report = Report()
    for first, last in [("2022-01-12", "2022-01-12"), ("2022-01-05", "2022-01-26"), ("2022-01-01", "2022-01-31"),
                        ("2022-01-13", "2022-01-13")]:
        time = TimeInfo("mercredi", None, first, last, "day", "test")
        _score_date(report, SimpleNamespace(time=time), gold)
    _score_date(report, SimpleNamespace(time=None), gold)
    assert (report.dated, report.contained, report.exact, report.narrow) == (5, 3, 1, 2)
    assert sorted(report.widths) == [1, 1, 22, 31]
    assert "as narrow as gold 2/5, median width 11.5 days" in render(report, 1, False)
