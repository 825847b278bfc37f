"""One short French text per event type (written for these tests), checked on type, CAMEO and actors."""

from __future__ import annotations

import pytest

from stream.core.article import article_from_text

CASES = [
    ("MEETING", "046", "Le ministre turc des Affaires étrangères a mené mardi des négociations avec l'Iran à Ankara.", None, {"TUR", "IRN"}, "asserted"),
    ("MEETING", "040", "Le président français s'est entretenu lundi avec son homologue ukrainien à Paris.", None, {"FRA", "UKR"}, "asserted"),
    ("PROPOSAL", "039", "Le Qatar s'est dit prêt à une médiation entre Israël et le Hamas.", "QAT", {"ISR", "HAMAS"}, "asserted"),
    ("WARNING", "1312", "L'Union européenne a menacé la Chine de sanctions si Pékin livrait des armes à la Russie.", "EU", {"CHN"}, "conditional"),
    ("DEMAND", "1056", "Kiev a exigé le retrait des troupes russes de son territoire.", "UKR", set(), "asserted"),
    ("APPEAL", "026", "Le secrétaire général de l'ONU a appelé les deux parties à des négociations.", "UN", set(), "asserted"),
    ("ACCUSATION", "112", "Téhéran a accusé Washington de saboter les discussions sur le nucléaire.", "IRN", {"USA"}, "asserted"),
    ("REJECTION", "125", "Le Kremlin a rejeté la proposition de cessez-le-feu avancée par l'Ukraine.", "RUS", {"UKR"}, "asserted"),
    ("AGREEMENT", "057", "Le Mali et le Niger ont signé un accord de défense à Bamako.", "MLI", {"NER"}, "asserted"),
    ("SANCTION", "163", "Les Vingt-Sept ont adopté de nouvelles sanctions contre l'Iran.", "EU", {"IRN"}, "asserted"),
    ("STATEMENT", "012", "La Chine s'est dite préoccupée par les tensions en mer de Chine méridionale.", "CHN", set(), "asserted"),
]


def _events(extractor, text: str) -> list:  # noqa: ANN001
    return extractor.extract(article_from_text("date 2023-03-15 " + text, "t")).events


@pytest.mark.parametrize(("etype", "cameo", "text", "source", "others", "modality"), CASES, ids=[c[0] + c[1] for c in CASES])
def test_event_type(extractor, etype, cameo, text, source, others, modality) -> None:  # noqa: ANN001
    events = [e for e in _events(extractor, text) if e.type == etype]
    assert len(events) == 1, [(e.type, e.trigger.text) for e in _events(extractor, text)]
    ev = events[0]
    assert ev.cameo == cameo
    assert ev.modality == modality
    assert (ev.source.code if ev.source else None) == source
    codes = {a.code for a in ev.targets + ev.participants}
    assert others <= codes, codes
    assert ev.quad_class == {"0": 1, "1": 3}[cameo[0]] if cameo[:2] in {"01", "02", "03", "04", "05", "10", "11", "12", "13"} else True


def test_planned_meeting_has_venue_and_participants(extractor) -> None:  # noqa: ANN001
    ev = next(e for e in _events(extractor, "Les chefs de la diplomatie russe et américaine se rencontreront jeudi à Genève.")
              if e.type == "MEETING")
    assert ev.modality == "planned"
    assert {"RUS", "USA"} <= {a.code for a in ev.participants}
    assert ev.location is not None and ev.location.name == "Geneva" and ev.location.country == "CHE"


def test_negated_event(extractor) -> None:  # noqa: ANN001
    ev = next(e for e in _events(extractor, "L'Iran n'a pas signé l'accord proposé par l'AIEA.") if e.type == "AGREEMENT")
    assert ev.modality == "negated"


def test_quoted_threat_uses_the_speakers_side(extractor) -> None:  # noqa: ANN001
    text = "\"Si Moscou franchit cette ligne, nous imposerons des sanctions massives\", a averti la présidente de la Commission européenne."
    ev = next(e for e in _events(extractor, text) if e.type == "WARNING")
    assert ev.source is not None and ev.source.code == "EU"
    assert ev.speaker is not None and ev.speaker.code == "EU"
    assert "RUS" in {a.code for a in ev.targets}


def test_apposed_name_before_the_verb_is_the_subject_not_an_inverted_attribution(extractor) -> None:  # noqa: ANN001
    """"…, Josep Borrell, a appelé Moscou à …": the comma closes the apposition; Moscou is the target."""
    text = "Le chef de la diplomatie européenne, Josep Borrell, a appelé Moscou à la désescalade."
    (ev,) = [e for e in _events(extractor, text) if e.type == "APPEAL"]
    assert ev.source is not None and ev.source.code == "EU"
    assert "RUS" in {a.code for a in ev.targets}
    assert ev.cameo == "0256"
