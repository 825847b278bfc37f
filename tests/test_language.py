"""Unit tests of the French-or-not identifier that routes articles without a `lang`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from stream.core.language import detect_language

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "stream" / "samples").glob("*.txt"))

# Written for these tests: one news sentence, translated.
OTHERS = {
    "en": "The summit took place in Brussels on Wednesday, where NATO ministers said they would not accept the proposal.",
    "es": "La cumbre se celebró el miércoles en Bruselas, donde los ministros de la OTAN dijeron que no aceptarían la propuesta.",
    "pt": "A cimeira realizou-se na quarta-feira em Bruxelas, onde os ministros da NATO disseram que não aceitariam a proposta.",
    "it": "Il vertice si è svolto mercoledì a Bruxelles, dove i ministri della NATO hanno detto che non avrebbero accettato la proposta.",
    "de": "Der Gipfel fand am Mittwoch in Brüssel statt, wo die Nato-Minister sagten, dass sie den Vorschlag nicht annehmen würden.",
    "nl": "De top vond woensdag plaats in Brussel, waar de NAVO-ministers zeiden dat ze het voorstel niet zouden aanvaarden.",
    "ru": "Саммит состоялся в среду в Брюсселе, где министры НАТО заявили, что не примут это предложение.",
    "uk": "Саміт відбувся у середу в Брюсселі, де міністри НАТО заявили, що не приймуть цю пропозицію.",
    "ar": "عقدت القمة يوم الأربعاء في بروكسل، حيث قال وزراء حلف الناتو إنهم لن يقبلوا هذا الاقتراح.",
    "zh": "北约峰会周三在布鲁塞尔举行，部长们表示不会接受该提议。",
    "ja": "水曜日にブリュッセルで首脳会議が開かれ、NATOの閣僚はその提案を受け入れないと述べた。",
    "el": "Η σύνοδος κορυφής πραγματοποιήθηκε την Τετάρτη στις Βρυξέλλες, όπου οι υπουργοί του ΝΑΤΟ δήλωσαν ότι δεν θα δεχτούν την πρόταση.",
}


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_french_articles_are_french(path: Path) -> None:
    assert detect_language(path.read_text()).lang == "fr"


def test_the_seed_article_is_french(seed: Path) -> None:
    test_french_articles_are_french(seed)


@pytest.mark.parametrize("lang", sorted(OTHERS))
def test_other_languages_are_named(lang: str) -> None:
    assert detect_language(OTHERS[lang]).lang == lang


@pytest.mark.parametrize("text", ["Sommet", "OTAN", "Bruxelles, Moscou, Kiev.", "12 345 678", "🙂🙂🙂", "",
                                  "OTAN : 30 pays, 5 sommets, Bruxelles, Moscou, Kiev, Washington."])
def test_too_short_or_wordless_texts_are_undecided(text: str) -> None:
    assert detect_language(text).lang is None


def test_french_with_a_short_english_quote_stays_french() -> None:
    text = ("Le secrétaire général a répété mercredi devant la presse que l'Alliance ne reculerait pas. "
            "« We stand together », a-t-il lancé, avant de rappeler que les alliés se réuniront en juin à Madrid.")
    assert detect_language(text).lang == "fr"


def test_only_the_beginning_is_read() -> None:
    huge = SAMPLES[0].read_text() * 20000  # ~10 MB
    t0 = time.perf_counter()
    assert detect_language(huge).lang == "fr"
    assert time.perf_counter() - t0 < 0.5
