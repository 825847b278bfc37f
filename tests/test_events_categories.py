"""The error categories met on real news, one sentence of ours each (none is taken from an article).

1. nominal events whose parties stand in earlier sentences or are named collectively;
2. actors outside the gazetteer (a nationality word before a person's name);
3. constructions the triggers missed (agreements, rejections with their negation, ruptures,
   statements, warnings in the future tense);
4. over-generation: events with no actor at all, statements with no speaker.
"""

from __future__ import annotations

import pytest

from stream.core.article import article_from_text


def _events(extractor, text: str) -> list:  # noqa: ANN001
    return extractor.extract(article_from_text("date 2018-05 " + text, "t")).events


def _codes(ev) -> set[str]:  # noqa: ANN001
    actors = [ev.source, *ev.targets, *ev.participants]
    return {a.code for a in actors if a and a.code}


CONSTRUCTIONS = [
    ("AGREEMENT", "Le Pérou et la Bolivie ont convenu de rouvrir leur frontière commune.", {"PER", "BOL"}, "asserted"),
    ("AGREEMENT", "Lisbonne et Madrid se sont mis d'accord sur le partage des eaux du Tage.", {"PRT", "ESP"}, "asserted"),
    ("AGREEMENT", "Les deux pays réaffirment leur attachement au traité, ont déclaré Oslo et Stockholm.", {"NOR", "SWE"}, "asserted"),
    ("REJECTION", "Le gouvernement grec ne veut pas d'un accord avec la Turquie.", {"GRC", "TUR"}, "asserted"),
    ("REJECTION", "Ottawa n'envisage pas de lever ses restrictions contre le Venezuela.", {"CAN", "VEN"}, "asserted"),
    ("REJECTION", "Le Chili a opposé une fin de non-recevoir à la requête de l'Argentine.", {"CHL", "ARG"}, "asserted"),
    ("SANCTION", "Le Tchad a décidé de retirer son agrément à l'ambassadeur du Soudan.", {"TCD", "SDN"}, "asserted"),
    ("SANCTION", "La Lituanie a déclaré persona non grata un diplomate biélorusse.", {"LTU", "BLR"}, "asserted"),
    ("STATEMENT", "Le chef de la diplomatie norvégienne s'est dit optimiste sur la suite du processus.", {"NOR"}, "asserted"),
    ("STATEMENT", "La Suède a salué la libération du journaliste par l'Érythrée.", {"SWE", "ERI"}, "asserted"),
    ("WARNING", "La Serbie promet des représailles si le Kosovo maintient ses taxes douanières.", {"SRB", "XKX"}, "conditional"),
    ("WARNING", "L'Inde n'hésitera pas à frapper le Pakistan, a averti son ministre.", {"IND", "PAK"}, "asserted"),
    ("WARNING", "Séoul répondra avec fermeté à toute provocation de Pyongyang.", {"KOR", "PRK"}, "asserted"),
    ("SANCTION", "Les Vingt-Sept ont prorogé de six mois les mesures restrictives contre la Biélorussie.", {"EU", "BLR"}, "asserted"),
    ("SANCTION", "L'Ouganda a rappelé dimanche pour consultations son ambassadeur au Rwanda.", {"UGA", "RWA"}, "asserted"),
    ("ACCUSATION", "La Grèce a protesté officiellement auprès de la Turquie.", {"GRC", "TUR"}, "asserted"),
    ("ACCUSATION", "Le Maroc a exprimé son vif mécontentement à l'Algérie.", {"MAR", "DZA"}, "asserted"),
    ("WARNING", "La Bolivie ne tolérera pas d'ingérence du Chili, a prévenu La Paz.", {"BOL", "CHL"}, "asserted"),
    ("WARNING", "Le Japon a sommé la Corée du Sud de revenir sur sa décision sous peine de représailles.", {"JPN", "KOR"}, "asserted"),
    ("REJECTION", "La Chine a voté contre le projet de résolution présenté par la France.", {"CHN", "FRA"}, "asserted"),
    ("REJECTION", "Le Venezuela a jugé inacceptable la déclaration du Pérou.", {"VEN", "PER"}, "asserted"),
    ("REJECTION", "Le Burundi a annoncé son retrait du traité de Rome.", {"BDI"}, "asserted"),
    ("DEMAND", "Le Soudan a ordonné au Tchad de fermer ses camps frontaliers.", {"SDN", "TCD"}, "asserted"),
    ("DEMAND", "Les États-Unis veulent que le Pakistan arrête les chefs du réseau.", {"USA", "PAK"}, "asserted"),
    ("STATEMENT", "Le Sénégal a apporté son plein soutien à la candidature du Rwanda.", {"SEN", "RWA"}, "asserted"),
    ("STATEMENT", "Le Qatar et le Koweït se sont félicités de la reprise du dialogue.", {"QAT", "KWT"}, "asserted"),
    ("STATEMENT", "Le gouvernement mongol espère que la Chine rouvrira la frontière.", {"MNG", "CHN"}, "asserted"),
    ("MEETING", "Le président kényan participera au sommet de l'Union africaine à Addis-Abeba.", {"KEN", "AU"}, "planned"),
    ("ACCUSATION", "Le Chili a convoqué lundi l'ambassadeur de Bolivie.", {"CHL", "BOL"}, "asserted"),
    ("SANCTION", "L'Arabie saoudite a suspendu ses vols vers le Canada.", {"SAU", "CAN"}, "asserted"),
    ("DEMAND", "La Norvège demande que la Russie libère le pêcheur.", {"NOR", "RUS"}, "asserted"),
]


@pytest.mark.parametrize(("etype", "text", "codes", "modality"), CONSTRUCTIONS, ids=[f"{c[0]}-{n}" for n, c in enumerate(CONSTRUCTIONS)])
def test_construction_is_an_event(extractor, etype, text, codes, modality) -> None:  # noqa: ANN001
    found = [e for e in _events(extractor, text) if e.type == etype]
    assert len(found) == 1, [(e.type, e.trigger.text) for e in _events(extractor, text)]
    assert codes <= _codes(found[0]), _codes(found[0])
    assert found[0].modality == modality


def test_promised_reprisals_are_a_warning_not_a_proposal(extractor) -> None:  # noqa: ANN001
    types = [e.type for e in _events(extractor, "La Serbie promet des représailles si le Kosovo maintient ses taxes.")]
    assert types == ["WARNING"]


def test_nominal_meeting_takes_the_parties_of_the_previous_sentence(extractor) -> None:  # noqa: ANN001
    text = "Le Pérou et l'Équateur s'opposent sur le tracé de leur frontière. Les pourparlers ont repris jeudi à Lima."
    meetings = [e for e in _events(extractor, text) if e.type == "MEETING"]
    assert len(meetings) == 1 and {"PER", "ECU"} <= _codes(meetings[0])


def test_collective_parties_are_the_two_named_before(extractor) -> None:  # noqa: ANN001
    text = ("L'Éthiopie et l'Érythrée ont envoyé leurs délégations à Djeddah. "
            "Après six heures de discussions, les deux parties se sont séparées sans accord.")
    meetings = [e for e in _events(extractor, text) if e.type == "MEETING"]
    assert meetings and {"ETH", "ERI"} <= _codes(meetings[0])


def test_nationality_before_a_name_is_a_person_of_that_state(extractor) -> None:  # noqa: ANN001
    events = _events(extractor, "Le Malien Ousmane Diarra et son homologue nigérien ont signé un accord de défense.")
    agreement = next(e for e in events if e.type == "AGREEMENT")
    assert agreement.source is not None and agreement.source.code == "MLI" and agreement.source.kind == "person"
    assert agreement.source.name == "Ousmane Diarra"
    assert "NER" in _codes(agreement)


@pytest.mark.parametrize("text", [
    "Les négociations sont au point mort depuis des années.",
    "La presse a salué la rencontre.",
    "Le ministre s'est dit convaincu que la paix viendra.",
])
def test_no_event_without_an_actor(extractor, text: str) -> None:  # noqa: ANN001
    assert _events(extractor, text) == []


@pytest.mark.parametrize("text", [
    "Quand l'accord sera-t-il signé par la Serbie et le Kosovo ?",
    "Lire aussi : la Hongrie expulse deux diplomates roumains",
    "Signé en 2009 par Ankara et Erevan, l'accord de rapprochement n'a jamais été appliqué.",
    "Le Japon a livré des turbines à l'Inde en échange de terres rares.",
    "Le ministre grec a critiqué, dans un entretien au quotidien Kathimerini, le plan migratoire.",
    "L'Arménie et l'Azerbaïdjan préparent un échange de prisonniers sous l'égide de la Russie.",
    "L'échec des pourparlers entre l'Égypte et l'Éthiopie inquiète les marchés.",
])
def test_questions_page_furniture_background_and_fixed_phrases_are_no_events(extractor, text: str) -> None:  # noqa: ANN001
    events = _events(extractor, text)
    assert [e.type for e in events if e.type in {"AGREEMENT", "SANCTION", "MEETING"}] == [], [(e.type, e.trigger.text) for e in events]


def test_demonstrative_mention_joins_the_event_already_told(extractor) -> None:  # noqa: ANN001
    text = ("Le président chilien et son homologue péruvien se sont entretenus par téléphone lundi. "
            "Le président chilien a profité de cet entretien téléphonique pour confirmer sa venue à Lima en juin.")
    meetings = [e for e in _events(extractor, text) if e.type == "MEETING"]
    assert len(meetings) == 1 and len(meetings[0].evidence) == 2


def test_possessive_meeting_takes_the_parties_not_the_topics(extractor) -> None:  # noqa: ANN001
    text = ("Le président chilien et son homologue péruvien se sont entretenus lundi. "
            "Au menu de leur conversation : la Bolivie et l'Argentine.")
    meetings = [e for e in _events(extractor, text) if e.type == "MEETING"]
    assert meetings and all(not {"BOL", "ARG"} & {a.code for a in m.participants} for m in meetings)


def test_two_meeting_words_of_one_sentence_are_one_meeting(extractor) -> None:  # noqa: ANN001
    text = "Les ministres hongrois et slovaque, réunis mardi à Bratislava, ont jugé leur rencontre fructueuse."
    assert len([e for e in _events(extractor, text) if e.type == "MEETING"]) == 1


def test_praise_in_the_speakers_own_words_is_rhetoric(extractor) -> None:  # noqa: ANN001
    quoted = "« Nous saluons les efforts du Ghana », a déclaré le président ivoirien."
    narrated = "Le président ivoirien a salué les efforts du Ghana."
    assert [e.type for e in _events(extractor, quoted) if e.type == "STATEMENT"] == []
    assert [e.type for e in _events(extractor, narrated) if e.type == "STATEMENT"] == ["STATEMENT"]


def test_a_sanction_threatened_is_the_warnings_object(extractor) -> None:  # noqa: ANN001
    types = sorted(e.type for e in _events(extractor, "Washington a menacé d'imposer des droits de douane au Mexique."))
    assert types == ["WARNING"]


def test_an_act_retold_a_few_sentences_on_is_one_event(extractor) -> None:  # noqa: ANN001
    text = ("Le Premier ministre indien se rendra au Japon et en Corée du Sud la semaine prochaine. "
            "La visite durera quatre jours. "
            "Il doit notamment rencontrer le Premier ministre japonais à Tokyo.")
    assert len([e for e in _events(extractor, text) if e.type == "MEETING"]) == 1


def test_a_protest_is_aimed_at_the_party_named_before(extractor) -> None:  # noqa: ANN001
    text = ("Washington a approuvé la vente de radars à Taïwan. "
            "Pékin a exprimé mardi son vif mécontentement.")
    accusation = next(e for e in _events(extractor, text) if e.type == "ACCUSATION")
    assert accusation.source.code == "CHN" and [a.code for a in accusation.targets] == ["USA"]


def test_a_meeting_with_one_named_side_takes_the_other_from_before(extractor) -> None:  # noqa: ANN001
    text = ("Le Maroc et la Mauritanie veulent relancer leur coopération. "
            "Le roi du Maroc a reçu jeudi un émissaire à Rabat.")
    meeting = next(e for e in _events(extractor, text) if e.type == "MEETING")
    assert {"MAR", "MRT"} <= {a.code for a in meeting.participants}


def test_inside_a_quote_the_speaker_issues_the_warning(extractor) -> None:  # noqa: ANN001
    text = "« Nous exhortons la partie japonaise à cesser ces manœuvres, sous peine de représailles », a déclaré le porte-parole chinois."
    warning = next(e for e in _events(extractor, text) if e.type == "WARNING")
    assert warning.source is not None and warning.source.code == "CHN"


def test_quoted_discontent_is_a_protest(extractor) -> None:  # noqa: ANN001
    events = _events(extractor, 'Après la visite du ministre grec, la Turquie a exprimé jeudi son "profond mécontentement".')
    assert [e.type for e in events if e.type == "ACCUSATION"] == ["ACCUSATION"]
    accusation = next(e for e in events if e.type == "ACCUSATION")
    assert accusation.source is not None and accusation.source.code == "TUR"
