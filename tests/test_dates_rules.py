"""One test group per rule family, on French sentences written for these tests.

Unless a test says otherwise the header is Wednesday 2022-01-12.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stream.core.article import Article, parse_date
from stream.core.pipeline import Extractor
from stream.core.records import Timex
from stream.dates.days import underspecified, weekday_near
from stream.dates.grammar import find_mentions


def tag(extractor: Extractor, text: str, header: str | None = "2022-01-12") -> list[Timex]:
    article = Article(id="t", text=text, date=parse_date(header) if header else None)
    timexes = extractor.extract(article).timexes
    assert all(text[t.start:t.end] == t.text for t in timexes)
    return timexes


def one(extractor: Extractor, text: str, span: str, header: str | None = "2022-01-12") -> Timex:
    found = [t for t in tag(extractor, text, header) if t.text == span]
    assert len(found) == 1, [t.text for t in tag(extractor, text, header)]
    return found[0]


@pytest.mark.parametrize(("text", "span", "type_", "value"), [
    ("Le traité a été signé le 27 mai 1998 à Paris.", "le 27 mai 1998", "DATE", "1998-05-27"),
    ("Ils se sont mariés le 1er mai 1962.", "le 1er mai 1962", "DATE", "1962-05-01"),
    ("Rendez-vous est pris pour le 10/01/2022.", "10/01/2022", "DATE", "2022-01-10"),
    ("Elle est arrivée en mars 2021 à Lyon.", "mars 2021", "DATE", "2021-03"),
    ("Le projet a démarré en octobre 98.", "octobre 98", "DATE", "1998-10"),
    ("Le conseil se réunit depuis 2019.", "2019", "DATE", "2019"),
    ("Dès l'année 2001, la ville a investi.", "l'année 2001", "DATE", "2001"),
    ("C'était la mode dans les années 60.", "les années 60", "DATE", "196X"),
    ("Cette église date du XIXe siècle.", "XIXe siècle", "DATE", "18"),
])
def test_absolute_dates(extractor: Extractor, text: str, span: str, type_: str, value: str) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value, t.anchor.split("+")[0]) == (type_, value, "absolute")


def test_numbers_that_are_not_years(extractor: Extractor) -> None:
    assert tag(extractor, "La mairie a versé 1500 euros à 2000 personnes.") == []


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Le sommet aura lieu en juin.", "juin", "2022-06"),
    ("Il est venu en novembre.", "novembre", "2021-11"),
    ("Le traité sera signé en juin prochain.", "juin prochain", "2022-06"),
    ("Les prix ont baissé en décembre dernier.", "décembre dernier", "2021-12"),
    ("Il est parti le 20 décembre.", "le 20 décembre", "2021-12-20"),
    ("Il partira le 20 décembre.", "le 20 décembre", "2022-12-20"),
    ("La réunion est prévue le 20 janvier.", "le 20 janvier", "2022-01-20"),
    ("Le musée a rouvert début octobre.", "début octobre", "2021-10"),
])
def test_months_and_days_take_the_year_their_tense_implies(extractor: Extractor, text: str, span: str, value: str) -> None:
    assert one(extractor, text, span).value == value


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Il est arrivé lundi à Bruxelles.", "lundi", "2022-01-10"),
    ("Il arrivera lundi à Bruxelles.", "lundi", "2022-01-17"),
    ("Le sommet va se tenir vendredi.", "vendredi", "2022-01-14"),
    ("Les ministres ont parlé mercredi.", "mercredi", "2022-01-12"),
    ("Le vote a eu lieu vendredi dernier.", "vendredi dernier", "2022-01-07"),
    ("Ils se verront mercredi prochain.", "mercredi prochain", "2022-01-19"),
    ("Une fillette s'est noyée mardi soir.", "mardi soir", "2022-01-11TEV"),
])
def test_weekdays_follow_the_verb(extractor: Extractor, text: str, span: str, value: str) -> None:
    assert one(extractor, text, span).value == value


def test_weekday_against_a_month_header_is_every_day_the_text_allows(extractor: Extractor) -> None:
    t = one(extractor, "Les alliés se sont entretenus mercredi avec Moscou.", "mercredi", header="2022-01")
    assert (t.value, t.earliest, t.latest, t.granularity) == ("XXXX-WXX-3", "2021-12-29", "2022-01-26", "day")
    assert t.anchor == "dct:month+tense:past+weekday:back"
    future = one(extractor, "Les alliés se retrouveront mercredi à Bruxelles.", "mercredi", header="2022-01")
    assert (future.earliest, future.latest) == ("2022-01-05", "2022-02-02")


def test_explicit_dates_narrow_the_shared_publication_day(extractor: Extractor) -> None:
    text = "Le traité a été signé le 10 janvier. Les ministres se sont réunis mercredi."
    signed, met = tag(extractor, text, header="2022-01")
    assert signed.value == "2022-01-10"
    assert (met.earliest, met.latest) == ("2022-01-05", "2022-01-26")
    assert "narrowed" in met.anchor


def test_aujourdhui_with_a_weekday_pins_the_publication_weekday(extractor: Extractor) -> None:
    text = "Le ministre parle aujourd'hui vendredi. Il est arrivé hier."
    today, yesterday = tag(extractor, text, header="2022-01")
    assert (today.value, today.earliest, today.latest) == ("XXXX-WXX-5", "2022-01-07", "2022-01-28")
    assert (yesterday.value, yesterday.earliest, yesterday.latest) == ("XXXX-WXX-4", "2022-01-06", "2022-01-27")


@pytest.mark.parametrize(("text", "span", "type_", "value"), [
    ("Il est arrivé hier.", "hier", "DATE", "2022-01-11"),
    ("Il arrivera demain.", "demain", "DATE", "2022-01-13"),
    ("Il est arrivé avant-hier.", "avant-hier", "DATE", "2022-01-10"),
    ("Il arrivera après-demain.", "après-demain", "DATE", "2022-01-14"),
    ("Le courant a été coupé hier soir.", "hier soir", "TIME", "2022-01-11TEV"),
    ("Le ministre est parti ce matin.", "ce matin", "TIME", "2022-01-12TMO"),
    ("Un journal a publié cette semaine la liste.", "cette semaine", "DATE", "2022-W02"),
    ("Le texte sera voté la semaine prochaine.", "la semaine prochaine", "DATE", "2022-W03"),
    ("Les prix augmenteront le mois prochain.", "le mois prochain", "DATE", "2022-02"),
    ("Les ventes ont chuté l'an dernier.", "l'an dernier", "DATE", "2021"),
    ("Les coureurs se sont rendus ce week-end à Genève.", "ce week-end", "DATE", "2022-W01-WE"),
])
def test_deictics(extractor: Extractor, text: str, span: str, type_: str, value: str) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value) == (type_, value)


def test_anaphoric_words_hang_on_the_last_named_day(extractor: Extractor) -> None:
    text = "Il est arrivé le 3 janvier et il est reparti le lendemain. La veille, il avait plu."
    arrived, lendemain, veille = tag(extractor, text)
    assert (arrived.value, lendemain.value, veille.value) == ("2022-01-03", "2022-01-04", "2022-01-03")
    assert lendemain.anchor == "ref:le 3 janvier+offset:+1d"


def test_clock_times_take_the_day_of_their_sentence(extractor: Extractor) -> None:
    text = "Il a été hospitalisé mardi vers 21 h 45. Hier à 10 h, les délégués ont manifesté."
    values = {t.text: (t.type, t.value) for t in tag(extractor, text)}
    assert values["vers 21 h 45"] == ("TIME", "2022-01-11T21:45")
    assert values["Hier à 10 h"] == ("TIME", "2022-01-11T10:00")


@pytest.mark.parametrize(("text", "span", "value"), [
    ("La séance a duré trois heures.", "trois heures", "PT3H"),
    ("L'organe n'a plus été actif depuis près de 2 ans.", "près de 2 ans", "P2Y"),
    ("Le chantier durera 24 mois.", "24 mois", "P24M"),
    ("Il a devancé son coéquipier de 30,4 secondes.", "30,4 secondes", "PT30.4S"),
    ("Le sous-marin échappe depuis plusieurs jours aux recherches.", "plusieurs jours", "PXD"),
    ("Le régiment totalise dix-huit mois de présence.", "dix-huit mois", "P18M"),
    ("Il a plaidé pour un quinquennat.", "quinquennat", "P5Y"),
])
def test_durations(extractor: Extractor, text: str, span: str, value: str) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value, t.earliest, t.latest) == ("DURATION", value, None, None)


def test_ages_are_not_durations(extractor: Extractor) -> None:
    assert tag(extractor, "Une fillette de 6 ans s'est noyée. Jean Dupont, 38 ans, a témoigné.") == []
    assert tag(extractor, "Un homme d'une quarantaine d'années a été interpellé.") == []


@pytest.mark.parametrize(("text", "span", "value"), [
    ("La bibliothèque ouvre chaque lundi.", "chaque lundi", "XXXX-WXX-1"),
    ("Les inscriptions ont lieu tous les jeudis.", "tous les jeudis", "XXXX-WXX-4"),
    ("Neuf millions de personnes visitent le parc chaque année.", "chaque année", "P1Y"),
    ("Le club organise son dîner annuel.", "annuel", "P1Y"),
    ("Le pays reçoit 5 milliards par semestre.", "semestre", "P6M"),
])
def test_sets(extractor: Extractor, text: str, span: str, value: str) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value) == ("SET", value)


@pytest.mark.parametrize(("text", "value"), [
    ("Il a récemment quitté le parti.", "PAST_REF"),
    ("Des rencontres pourraient avoir lieu prochainement.", "FUTURE_REF"),
    ("Le texte sera bientôt voté.", "FUTURE_REF"),
    ("La liste est désormais complète.", "PRESENT_REF"),
])
def test_vague_references(extractor: Extractor, text: str, value: str) -> None:
    (t,) = tag(extractor, text)
    assert (t.type, t.value) == ("TIME", value)


def test_seasons_generic_and_specific(extractor: Extractor) -> None:
    assert one(extractor, "La demande augmente en été.", "été").value == "XXXX-SU"
    assert one(extractor, "Il a beaucoup plu l'été 2021.", "l'été 2021").value == "2021-SU"
    assert tag(extractor, "Il a été élu aux Jeux d'hiver.") == []


def test_quoted_relative_words_count_from_the_day_of_the_statement(extractor: Extractor) -> None:
    text = ("Les ministres se sont réunis mercredi à Vienne. "
            "« La rencontre aura lieu demain », a déclaré le ministre.")
    met, tomorrow = tag(extractor, text, header="2022-01-14")
    assert met.value == "2022-01-12"
    assert tomorrow.value == "2022-01-13"
    assert tomorrow.anchor.startswith("quote:speech-day=mercredi")


def test_without_a_document_date_nothing_is_invented(extractor: Extractor) -> None:
    text = "Il est arrivé hier. Il repartira lundi. Le 10 janvier, il avait signé."
    got = [(t.value, t.earliest, t.latest, t.anchor.split("+")[0]) for t in tag(extractor, text, header=None)]
    assert got == [("XXXX-XX-XX", None, None, "no-dct"), ("XXXX-WXX-1", None, None, "no-dct"),
                   ("XXXX-01-10", None, None, "no-dct")]


def test_recognition_is_case_and_apostrophe_insensitive() -> None:
    assert [m.text for m in find_mentions("AUJOURD’HUI et Hier")] == ["AUJOURD’HUI", "Hier"]


def test_calendar_helpers() -> None:
    from datetime import date

    wed = date(2022, 1, 12)
    assert weekday_near(wed, 3, "back") == wed
    assert weekday_near(wed, 3, "before") == date(2022, 1, 5)
    assert weekday_near(wed, 3, "after") == date(2022, 1, 19)
    assert weekday_near(wed, 1, "nearest") == date(2022, 1, 10)
    assert underspecified("2022-01-03", "2022-01-30") == "2022-01-XX"
    assert underspecified("2021-12-31TEV", "2022-01-30TEV") == "XXXX-XX-XXTEV"
    assert underspecified("2023-W10", "2023-W14") == "2023-WXX"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list("0123456789 hjdeimnarsvl'’-/.,é") + [
    "mai ", "lundi ", "hier ", "1er ", "h ", "ans ", "années ", "siècle ", "prochain ", "le ", "mi-"])).map("".join))
def test_recognition_never_overlaps_and_offsets_hold(text: str) -> None:
    mentions = find_mentions(text)
    assert all(text[m.start:m.end] == m.text and m.text for m in mentions)
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:]))
