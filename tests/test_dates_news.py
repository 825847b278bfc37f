"""Dates in news: the direction of bare weekdays, 'il y a', 'aujourd'hui', the TIMEX3 mod, missed
expressions and datelines. Every sentence is written for these tests.

Unless a test says otherwise the header is Wednesday 2022-01-12.
"""

from __future__ import annotations

import pytest

from stream.core.pipeline import Extractor

from .test_dates_rules import one, tag


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Le sommet s'ouvre lundi à Genève.", "lundi", "2022-01-17"),
    ("Le ministre doit se rendre jeudi à Rome.", "jeudi", "2022-01-13"),
    ("Le chancelier devrait rencontrer samedi son homologue.", "samedi", "2022-01-15"),
    ("La signature est prévue mardi.", "mardi", "2022-01-18"),
    ("Le verdict est attendu lundi.", "lundi", "2022-01-17"),
    ("Dimanche, les électeurs se rendront aux urnes.", "Dimanche", "2022-01-16"),
    ("Réunion jeudi à Bruxelles", "jeudi", "2022-01-13"),
    ("La visite prévue samedi a été annulée.", "samedi", "2022-01-15"),
])
def test_scheduled_events_look_forward(extractor: Extractor, text: str, span: str, value: str) -> None:
    assert one(extractor, text, span).value == value


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Les pompiers sont intervenus lundi.", "lundi", "2022-01-10"),
    ("Le maire est aujourd'hui mercredi à Lille.", "aujourd'hui mercredi", "2022-01-12"),
    ("Le sommet qui s'est ouvert lundi a déçu.", "lundi", "2022-01-10"),
])
def test_past_and_present_days_are_not_pushed_forward(extractor: Extractor, text: str, span: str, value: str) -> None:
    assert one(extractor, text, span).value == value


@pytest.mark.parametrize(("text", "span", "mod"), [
    ("Le musée a rouvert début octobre.", "début octobre", "START"),
    ("Le port sera achevé fin 2023.", "fin 2023", "END"),
    ("Les vendanges commenceront à la mi-septembre.", "mi-septembre", "MID"),
    ("Le train est arrivé vers 21 h 10.", "vers 21 h 10", "APPROX"),
    ("Le chantier a duré environ deux mois.", "environ deux mois", "APPROX"),
    ("L'audience a duré plus de trois heures.", "plus de trois heures", "MORE_THAN"),
    ("Le match a duré moins de deux heures.", "moins de deux heures", "LESS_THAN"),
])
def test_mod(extractor: Extractor, text: str, span: str, mod: str) -> None:
    assert one(extractor, text, span).mod == mod


def test_plain_expressions_have_no_mod(extractor: Extractor) -> None:
    assert [t.mod for t in tag(extractor, "Il est arrivé le 3 janvier et il a attendu trois heures.")] == [None, None]
