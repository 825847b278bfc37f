"""Scene time: an event with no date word of its own takes the day that frames it (stream/dates/scene.py).
Sentences written for these tests; the header is January 2022 unless said otherwise."""

from __future__ import annotations

from spacy.tokens import Span

from stream.core.article import Article, parse_date
from stream.core.pipeline import Extractor
from stream.dates.scene import inherited, scene_time


def scene(extractor: Extractor, text: str, trigger: str, header: str = "2022-01") -> str | None:
    """The text of the timex that frames the verb `trigger`, or None."""
    article = Article(id="t", text=text, date=parse_date(header))
    doc = next(extractor.nlp.pipe(extractor._docs([article])))
    start = text.index(trigger)
    span: Span = doc.char_span(start, start + len(trigger))
    found = scene_time(doc.text, doc._.timexes, span.sent.start_char, span)
    return found.text if found is not None else None


def test_a_fronted_day_frames_the_sentences_after_it(extractor: Extractor) -> None:
    text = "Lundi, le ministre est arrivé à Rome. Il a ensuite rencontré son homologue italien."
    assert scene(extractor, text, "rencontré") == "Lundi"


def test_the_scene_stops_at_the_paragraph(extractor: Extractor) -> None:
    text = "Les élus ont voté le budget en décembre.\nLundi, le ministre est arrivé à Rome.\nIl a rencontré le pape."
    assert scene(extractor, text, "rencontré") == "Lundi"
    text = "Le ministre a parlé de Rome, lundi, devant la presse.\nIl a rencontré le pape."
    assert scene(extractor, text, "rencontré") == "lundi"  # not fronted, but the news day of the lead


def test_the_news_day_frames_later_events_of_the_day(extractor: Extractor) -> None:
    text = ("Le Conseil de sécurité s'est réuni jeudi à New York.\n"
            "Le secrétaire général a réclamé un cessez-le-feu immédiat.")
    assert scene(extractor, text, "réclamé") == "jeudi"


def test_background_and_future_events_keep_their_own_vagueness(extractor: Extractor) -> None:
    lead = "Le Conseil de sécurité s'est réuni jeudi à New York.\n"
    assert scene(extractor, lead + "Les deux pays avaient rompu leurs relations.", "rompu") is None
    assert scene(extractor, lead + "Les deux pays signeront un accord.", "signeront") is None


def test_a_dateline_or_a_coming_day_is_not_the_news_day(extractor: Extractor) -> None:
    text = "Lyon, 14 janv 2022 (AFP) - Le sommet s'ouvrira vendredi.\nLe maire a rencontré le préfet."
    assert scene(extractor, text, "rencontré") is None


def test_the_news_day_is_set_on_the_doc_and_inherited_without_words_of_its_own(extractor: Extractor) -> None:
    article = Article(id="t", text="Le ministre est arrivé hier à Rome.", date=parse_date("2022-01-12"))
    doc = next(extractor.nlp.pipe(extractor._docs([article])))
    (hier,) = doc._.timexes
    assert doc._.news_day == hier
    time = inherited(hier)
    assert (time.text, time.value, time.earliest) == (None, "2022-01-11", "2022-01-11")
    assert time.anchor.startswith("scene:hier|")


def test_a_date_told_with_no_tense_is_not_the_news_day(extractor: Extractor) -> None:
    text = "Présidentielle le 28 janvier\nLe candidat a rencontré les électeurs de Lyon."
    assert scene(extractor, text, "rencontré") is None
    text = "Sommet de Rome, lundi 3 janvier\nLe ministre a rencontré son homologue italien."
    assert scene(extractor, text, "rencontré") is None
    text = "Le candidat a rencontré les électeurs de Lyon le 3 janvier.\nIl a ensuite visité une usine."
    assert scene(extractor, text, "visité") == "le 3 janvier"


def test_an_open_vague_reference_does_not_date_an_event(extractor: Extractor) -> None:
    text = "Le ministre russe et son homologue turc se rencontreront prochainement à Genève."
    article = Article(id="t", text=text, date=parse_date("2022-01"))
    (meeting,) = [e for e in extractor.extract(article).events if e.type == "MEETING"]
    assert meeting.time is not None and meeting.time.value == "2022-01"
    assert (meeting.time.earliest, meeting.time.latest) == ("2022-01-01", "2022-01-31")


def test_an_infinitive_or_a_copula_takes_the_tense_above_it(extractor: Extractor) -> None:
    lead = "Le Conseil de sécurité s'est réuni jeudi à New York.\n"
    assert scene(extractor, lead + "Le Kenya a rappelé son ambassadeur pour protester contre la vente.",
                 "protester") == "jeudi"
    assert scene(extractor, lead + "Les sanctions sont au cœur des discussions.", "discussions") == "jeudi"
