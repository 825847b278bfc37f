"""Actor normalisation: states, metonyms, organisations, blocs, groups, roles and persons."""

from __future__ import annotations

import pytest

from stream.events.actors import ActorFinder
from stream.events.lexicon import build_lexicon


@pytest.fixture(scope="module")
def find(extractor):  # noqa: ANN001, ANN201
    nlp = extractor.nlp
    finder = ActorFinder(build_lexicon(nlp))

    def run(text: str) -> list[tuple[str, str | None, str, str | None]]:
        doc = nlp(text)
        return [(m.actor.text, m.actor.code, m.actor.kind, m.actor.affiliation) for m in finder(doc) if m.actor]

    return run


@pytest.mark.parametrize(("text", "mention", "code", "kind"), [
    ("Le Kremlin a répondu.", "Le Kremlin", "RUS", "state"),
    ("Le Quai d'Orsay a réagi.", "Le Quai d'Orsay", "FRA", "state"),
    ("Moscou dément.", "Moscou", "RUS", "state"),
    ("Washington hésite.", "Washington", "USA", "state"),
    ("L'OTAN se réunit.", "L'OTAN", "NATO", "organisation"),
    ("L'Alliance atlantique hésite.", "L'Alliance atlantique", "NATO", "organisation"),
    ("La Cédéao a tranché.", "La Cédéao", "ECOWAS", "organisation"),
    ("L'AIEA enquête.", "L'AIEA", "IAEA", "organisation"),
    ("Les Européens sont divisés.", "Les Européens", "EUR", "bloc"),
    ("Les Russes attendent.", "Les Russes", "RUS", "state"),
    ("Le Hamas a répondu.", "Le Hamas", "HAMAS", "group"),
    ("Le ministère russe des Affaires étrangères a démenti.", "Le ministère russe", "RUS", "state"),
    ("La diplomatie iranienne a protesté.", "La diplomatie iranienne", "IRN", "state"),
])
def test_codes(find, text: str, mention: str, code: str, kind: str) -> None:  # noqa: ANN001
    found = find(text)
    assert (mention, code, kind) in [(t, c, k) for t, c, k, _ in found], found


def test_role_apposition_then_title_and_role_anaphora(find) -> None:  # noqa: ANN001
    found = find("Le secrétaire général de l'Otan, Jens Stoltenberg, a parlé. M. Stoltenberg a insisté. "
                 "Le chef de l'Otan a conclu.")
    persons = [f for f in found if f[2] == "person"]
    assert [p[1] for p in persons] == ["NATO", "NATO", "NATO"], found
    assert all(p[3] == "NATO" for p in persons)


def test_person_from_unknown_apposition(find) -> None:  # noqa: ANN001
    found = find("Le ministre ghanéen des Affaires étrangères, Kwame Mensah, est arrivé. M. Mensah a salué l'accord.")
    assert [(f[1], f[2]) for f in found if f[2] == "person"] == [("GHA", "person"), ("GHA", "person")], found


def test_place_is_not_an_actor_but_a_venue(extractor) -> None:  # noqa: ANN001
    finder = ActorFinder(build_lexicon(extractor.nlp))
    doc = extractor.nlp("Les ministres se sont retrouvés à Moscou puis au siège de l'Otan.")
    places = [m for m in finder(doc) if m.place]
    assert places[0].is_place and places[0].place.name == "Moscow"
    assert places[1].place.name == "NATO headquarters, Brussels"


def test_nous_in_a_quote_is_the_speakers_organisation(extractor) -> None:  # noqa: ANN001
    from stream.core.article import article_from_text

    text = "\"Nous sommes prêts au dialogue avec Moscou\", a déclaré le porte-parole de l'Union européenne."
    ev = next(e for e in extractor.extract(article_from_text(text, "t")).events if e.type == "PROPOSAL")
    assert ev.source is not None and ev.source.code == "EU"
    assert [a.code for a in ev.targets] == ["RUS"]
