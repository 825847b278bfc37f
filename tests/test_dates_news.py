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


@pytest.mark.parametrize(("text", "span", "value", "mod"), [
    ("Le pont s'est effondré il y a une semaine.", "une semaine", "2022-01-05", None),
    ("Elle a déménagé il y a trois jours.", "trois jours", "2022-01-09", None),
    ("L'usine a fermé il y a deux ans.", "deux ans", "2020", None),
    ("La loi a été votée il y a près de six mois.", "près de six mois", "2021-07", "APPROX"),
])
def test_il_y_a_is_a_date_counted_back(extractor: Extractor, text: str, span: str, value: str, mod: str | None) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value, t.mod) == ("DATE", value, mod)
    assert "ago:" in t.anchor


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Le rapport sera publié dans trois jours.", "trois jours", "2022-01-15"),
    ("Il reviendra dans deux semaines.", "deux semaines", "2022-01-26"),
    ("Les élections auront lieu dans six mois.", "six mois", "2022-07"),
])
def test_dans_is_a_date_counted_ahead(extractor: Extractor, text: str, span: str, value: str) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value) == ("DATE", value)
    assert "ahead:" in t.anchor


def test_dans_les_is_a_duration(extractor: Extractor) -> None:
    assert one(extractor, "Il a répondu dans les deux jours.", "deux jours").type == "DURATION"


def test_il_y_a_without_a_date_stays_what_it_is(extractor: Extractor) -> None:
    assert one(extractor, "Il y a trois jours de fête à Nice.", "trois jours").type == "DURATION"
    assert one(extractor, "Il y a quelques mois, la ville a investi.", "quelques mois").value == "PXM"


@pytest.mark.parametrize(("text", "span"), [
    ("Aujourd'hui, les jeunes votent moins qu'autrefois.", "Aujourd'hui"),
    ("En 1950, le village comptait mille habitants. Aujourd'hui, il n'en reste que deux cents.", "Aujourd'hui"),
    ("Aujourd'hui, la rue est devenue piétonne.", "Aujourd'hui"),
    ("Les élèves d'aujourd'hui lisent moins.", "aujourd'hui"),
    ("Aujourd'hui encore, la façade porte des traces d'obus.", "Aujourd'hui"),
])
def test_aujourdhui_as_nowadays_is_present_ref(extractor: Extractor, text: str, span: str) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value) == ("TIME", "PRESENT_REF")


@pytest.mark.parametrize(("text", "span"), [
    ("Le président a annoncé aujourd'hui sa démission.", "aujourd'hui"),
    ("Aujourd'hui, le ministre a signé le décret.", "Aujourd'hui"),
    ("La réunion d'aujourd'hui a été annulée.", "aujourd'hui"),
    ("Aujourd'hui, le conseil se réunira à Paris.", "Aujourd'hui"),
])
def test_aujourdhui_as_the_day(extractor: Extractor, text: str, span: str) -> None:
    assert one(extractor, text, span).value == "2022-01-12"


@pytest.mark.parametrize(("text", "span", "value", "mod"), [
    ("La mode est née au début des années 80.", "début des années 80", "198X", "START"),
    ("La crise a éclaté à la fin des années 1990.", "fin des années 1990", "199X", "END"),
    ("Les fresques datent du XVIIIe siècle.", "XVIIIe siècle", "17", None),
    ("Le château a été bâti au début du XVIIe siècle.", "début du XVIIe siècle", "16", "START"),
    ("Le texte sera voté en fin de semaine.", "fin de semaine", "2022-W02", "END"),
    ("Il a démissionné en fin de mois dernier.", "fin de mois dernier", "2021-12", "END"),
    ("Le chantier sera terminé à la fin de l'année.", "la fin de l'année", "2022", "END"),
    ("Les vendanges débuteront à la mi-septembre.", "mi-septembre", "2022-09", "MID"),
    ("L'usine ouvrira l'an prochain.", "l'an prochain", "2023", None),
    ("Le festival se tiendra le deuxième mardi de septembre.", "le deuxième mardi de septembre", "2022-09-13", None),
    ("La fête aura lieu le premier week-end de mai.", "le premier week-end de mai", "2022-W18-WE", None),
    ("Ils ont voté le dernier dimanche d'octobre 2021.", "le dernier dimanche d'octobre 2021", "2021-10-31", None),
])
def test_periods_that_were_missed(extractor: Extractor, text: str, span: str, value: str, mod: str | None) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value, t.mod) == ("DATE", value, mod)


def test_generic_parts_of_periods_are_not_dates(extractor: Extractor) -> None:
    assert tag(extractor, "Le magasin ferme chaque fin de semaine.") == []
    assert tag(extractor, "Il est resté toute l'année à Lyon.") == []


@pytest.mark.parametrize(("text", "span", "value"), [
    ("Le traité aurait été signé mardi, selon la presse.", "mardi", "2022-01-11"),
    ("Les soldats auraient dû partir le 18 décembre.", "le 18 décembre", "2021-12-18"),
    ("Le ministre est arrivé lundi à Rome.", "lundi", "2022-01-10"),
    ("Les deux chefs d'État se sont parlé vendredi.", "vendredi", "2022-01-07"),
])
def test_past_forms_the_parser_mislabels(extractor: Extractor, text: str, span: str, value: str) -> None:
    assert one(extractor, text, span).value == value


def test_an_imparfait_background_does_not_bound_the_publication_day(extractor: Extractor) -> None:
    text = "Le délai expirait le 28 janvier. Les ministres se sont réunis mercredi."
    deadline, met = tag(extractor, text, header="2022-01")
    assert deadline.value == "2022-01-28"
    assert (met.earliest, met.latest) == ("2021-12-29", "2022-01-26")


@pytest.mark.parametrize(("text", "dateline"), [
    ("Lyon, 14 janv 2022 (AFP) - Le maire a inauguré mercredi le nouveau pont.", "14 janv 2022"),
    ("Madrid, 14 janvier, EFE - Le maire a inauguré mercredi le nouveau pont.", "14 janvier"),
    ("publié le 14/01/2022 à 10:12\nLe maire a inauguré mercredi le nouveau pont.", "14/01/2022"),
    ("AFP 14-01-2022 | 10h12\nLe maire a inauguré mercredi le nouveau pont.", "14-01-2022"),
    ("14-01-2022\n\nLe maire a inauguré mercredi le nouveau pont.", "14-01-2022"),
])
def test_a_dateline_is_the_publication_day(extractor: Extractor, text: str, dateline: str) -> None:
    found = {t.text: t for t in tag(extractor, text, header="2022-01")}
    assert found[dateline].value == "2022-01-14" and found[dateline].anchor == "dateline"
    wednesday = found["mercredi"]
    assert (wednesday.value, wednesday.earliest, wednesday.latest) == ("2022-01-12", "2022-01-12", "2022-01-12")
    assert "dateline:" in wednesday.anchor


def test_a_weekday_dateline_makes_the_publication_day_that_weekday(extractor: Extractor) -> None:
    dateline, yesterday = tag(extractor, "PARIS, mercredi (AFP) - Le ministre a annoncé hier sa démission.", header="2022-01")
    assert (dateline.anchor, dateline.value) == ("dateline|P:dateline:mercredi", "XXXX-WXX-3")
    assert (yesterday.value, yesterday.earliest, yesterday.latest) == ("XXXX-WXX-2", "2022-01-04", "2022-01-25")


def test_an_update_line_bounds_the_publication_day_from_above(extractor: Extractor) -> None:
    text = "mis à jour le 20/01/2022\nLe maire a inauguré mercredi le nouveau pont."
    wednesday = one(extractor, text, "mercredi", header="2022-01")
    assert (wednesday.earliest, wednesday.latest) == ("2021-12-29", "2022-01-19")


def test_a_date_in_the_body_is_no_dateline(extractor: Extractor) -> None:
    t = one(extractor, "Le maire a inauguré le pont le 14 janvier, a rapporté l'AFP.", "le 14 janvier", header="2022-01")
    assert t.anchor != "dateline"


@pytest.mark.parametrize("text", [
    "Le film est interdit aux moins de 12 ans.",
    "Les plus de 65 ans votent davantage.",
    "Les quotidiens nationaux ont titré sur la grève.",
    "Elle écrit pour un quotidien régional.",
    "Il vend une vingtaine de quotidiens.",
])
def test_age_groups_and_newspapers_are_not_timexes(extractor: Extractor, text: str) -> None:
    assert tag(extractor, text) == []


def test_a_daily_ration_and_a_limit_in_time_still_are(extractor: Extractor) -> None:
    assert one(extractor, "Les soldats reçoivent un lot quotidien de vivres.", "quotidien").value == "P1D"
    assert one(extractor, "La séance a duré moins de deux heures.", "moins de deux heures").mod == "LESS_THAN"


@pytest.mark.parametrize(("header", "text", "span", "value"), [
    ("2021-12-20", "Le maire a présenté ses vœux pour la nouvelle année.", "la nouvelle année", "2022"),
    ("2022-01-03", "Le maire a présenté ses vœux pour la nouvelle année.", "la nouvelle année", "2022"),
    ("2021-12-20", "Ils fêteront le nouvel an à Rome.", "le nouvel an", "2022-01-01"),
])
def test_the_new_year(extractor: Extractor, header: str, text: str, span: str, value: str) -> None:
    assert one(extractor, text, span, header=header).value == value


def test_a_range_of_days_and_a_passive_under_devoir(extractor: Extractor) -> None:
    found = {t.text: t.value for t in tag(extractor, "La trêve doit être signée entre le 20 et le 30 septembre.")}
    assert found == {"le 20": "2022-09-20", "le 30 septembre": "2022-09-30"}


@pytest.mark.parametrize(("header", "text", "span", "value"), [
    ("2022-03-10", "En janvier, il avait déjà démissionné.", "janvier", "2022-01"),
    ("2022-11-15", "En janvier, il avait déjà démissionné.", "janvier", "2022-01"),
    ("2022-01-12", "En mars, il avait déjà démissionné.", "mars", "2021-03"),
    ("2022-11-15", "Le traité sera signé en janvier prochain.", "janvier prochain", "2023-01"),
    ("2022-11-15", "Les soldes commencent en janvier.", "janvier", "2023-01"),
])
def test_the_year_of_a_month_follows_the_story(extractor: Extractor, header: str, text: str, span: str, value: str) -> None:
    assert one(extractor, text, span, header=header).value == value


def test_a_bare_weekday_names_again_the_explicit_day_told_before(extractor: Extractor) -> None:
    text = "Lundi 9 décembre, les dirigeants se sont réunis à Paris. Lundi, ils ont aussi dîné ensemble."
    explicit, again = tag(extractor, text, header="2019-12")
    assert explicit.value == again.value == again.earliest == again.latest == "2019-12-09"
    assert "tense:past" in explicit.anchor and "same-as:Lundi 9 décembre" in again.anchor


def test_a_weekday_the_publication_days_rule_out_is_not_the_day_told_before(extractor: Extractor) -> None:
    text = "Le 2 décembre, le traité a été signé. Il a été ratifié lundi, une semaine plus tard."
    lundi = one(extractor, text, "lundi", header="2019-12-10")
    assert lundi.value == "2019-12-09"


@pytest.mark.parametrize(("header", "text", "span", "bounds"), [
    ("2022-11-20", "Le musée a rouvert début octobre.", "début octobre", ("2022-10-01", "2022-10-10")),
    ("2022-11-20", "Les vendanges ont commencé à la mi-septembre.", "mi-septembre", ("2022-09-10", "2022-09-20")),
    ("2022-11-20", "Les travaux finiront fin novembre.", "fin novembre", ("2022-11-20", "2022-11-30")),
    ("2022-11-20", "Le port sera achevé fin 2023.", "fin 2023", ("2023-10-01", "2023-12-31")),
    ("2022-11-20", "Le port sera achevé début 2023.", "début 2023", ("2023-01-01", "2023-03-31")),
])
def test_debut_mi_fin_narrow_the_interval(extractor: Extractor, header: str, text: str, span: str,
                                         bounds: tuple[str, str]) -> None:
    t = one(extractor, text, span, header=header)
    assert (t.earliest, t.latest) == bounds


def test_a_mod_on_a_period_the_header_leaves_open_does_not_narrow_it(extractor: Extractor) -> None:
    t = one(extractor, "Le texte sera voté en fin de semaine.", "fin de semaine", header="2022-01")
    assert (t.mod, t.earliest, t.latest) == ("END", "2021-12-27", "2022-02-06")


@pytest.mark.parametrize(("text", "date_text", "kind"), [
    ("PARIS, 12 mars (AFP) - Le ministre a parlé.", "12 mars", "published"),
    ("Bakou, 12 mars, Reuters - Le ministre a parlé.", "12 mars", "published"),
    ("AFP 12-03-2022 | 10h12\nLe ministre a parlé.", "12-03-2022", "published"),
    ("12-03-2022\nLe ministre a parlé.", "12-03-2022", "published"),
    ("Publié le 12/03/2022 à 10:12\nLe ministre a parlé.", "12/03/2022", "published"),
    ("Mis à jour le 13/03/2022\nLe ministre a parlé.", "13/03/2022", "updated"),
    ("Le ministre a parlé le 12 mars (à Paris) - puis il est parti.", "12 mars", None),
    ("Le 12 mars 2022\nLe ministre a parlé le 10 mars.", "10 mars", None),
])
def test_dateline_kind(text: str, date_text: str, kind: str | None) -> None:
    from stream.dates.dateline import dateline_kind

    start = text.index(date_text)
    assert dateline_kind(text, start, start + len(date_text)) == kind


@pytest.mark.parametrize(("text", "yesterday"), [
    ("Ce soir, mercredi 10 juillet, les ministres se sont réunis. Hier, ils avaient dîné.", "2019-07-09"),
    ("Aujourd'hui 12 juillet, les ministres se sont réunis. Hier, ils avaient dîné.", "2019-07-11"),
    ("Demain, 13 juillet, les ministres se réuniront. Hier, ils avaient dîné.", "2019-07-11"),
])
def test_a_deictic_in_apposition_to_a_date_fixes_the_publication_day(extractor: Extractor, text: str,
                                                                     yesterday: str) -> None:
    hier = one(extractor, text, "Hier", header="2019-07")
    assert (hier.earliest, hier.latest) == (yesterday, yesterday)


def test_a_date_alone_on_a_line_at_the_top_is_the_publication_day(extractor: Extractor) -> None:
    text = "Sommet franco-russe au fort de Brégançon\n\n19/08/2019\n\nLe président a reçu hier son homologue."
    hier = one(extractor, text, "hier", header="2019-08")
    assert (hier.earliest, hier.latest) == ("2019-08-18", "2019-08-18")


@pytest.mark.parametrize(("text", "span", "type_", "value", "mod"), [
    ("Il est arrivé en fin de matinée.", "fin de matinée", "TIME", "2022-01-12TMO", "END"),
    ("La réunion s'est tenue en début d'après-midi.", "début d'après-midi", "TIME", "2022-01-12TAF", "START"),
    ("Le rapport sera publié à la fin du mois.", "fin du mois", "DATE", "2022-01", "END"),
    ("Il reviendra au début du mois prochain.", "début du mois prochain", "DATE", "2022-02", "START"),
    ("La grève a duré une dizaine de jours.", "une dizaine de jours", "DURATION", "P10D", "APPROX"),
    ("Les prix ont grimpé au cours des dernières semaines.", "des dernières semaines", "DURATION", "PXW", None),
    ("Le festival se tient chaque été.", "chaque été", "SET", "XXXX-SU", None),
])
def test_more_expressions_of_news(extractor: Extractor, text: str, span: str, type_: str, value: str,
                                  mod: str | None) -> None:
    t = one(extractor, text, span)
    assert (t.type, t.value, t.mod) == (type_, value, mod)


def test_an_approximate_count_back_widens_the_interval(extractor: Extractor) -> None:
    t = one(extractor, "Ils se sont mariés il y a une dizaine d'années.", "une dizaine d'années", header="2022-06-15")
    assert (t.value, t.earliest, t.latest, t.mod) == ("2012", "2010-01-01", "2014-12-31", "APPROX")
