"""Segmenter: newlines and glued full stops start sentences; quotes carry their attribution."""

from __future__ import annotations


def test_glued_sentences_split_without_changing_text(extractor) -> None:  # noqa: ANN001
    text = 'Il a parlé aux Affaires étrangères.Le ministère a répondu.\"Nous refusons\", a-t-il dit.'
    doc = extractor.nlp(text)
    assert doc.text == text
    words = [t.text for t in doc]
    assert words[words.index("étrangères") + 1] == "." and "Le" in words
    assert doc[words.index("Le")].is_sent_start


def test_headline_is_its_own_sentence(extractor) -> None:  # noqa: ANN001
    doc = extractor.nlp("La Russie prend acte\n\nLa Russie a pris acte de la proposition.")
    assert [s.text.strip() for s in doc.sents][0] == "La Russie prend acte"


def test_quotes_and_attribution_after_and_before(extractor) -> None:  # noqa: ANN001
    doc = extractor.nlp('"Elle a été prise en compte. Rien n\'est décidé", a précisé Moscou. '
                        'Le ministre a déclaré : « Nous refusons. »')
    quotes = list(doc.spans["quotes"])
    assert [q._.attribution.text for q in quotes] == ["a précisé Moscou", "Le ministre a déclaré"]
    assert quotes[0].text.startswith('"Elle') and quotes[0].text.endswith('compte"') is False


def test_attribution_keeps_titles(extractor) -> None:  # noqa: ANN001
    doc = extractor.nlp('"Nous agirons", selon M. Stoltenberg.')
    assert doc.spans["quotes"][0]._.attribution.text == "selon M. Stoltenberg"
