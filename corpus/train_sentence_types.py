"""Train the sentence typer (stream/events/learned.py) on the corpus's development split.

Labels: a sentence carries type T when a gold event of type T (or with T in its
``type_any``) has its cue or an also-cue in that sentence. Sentences and actor
mentions come from the service's own pipeline, so training sees exactly what
run time sees. Held-out articles are never read.

    python corpus/train_sentence_types.py --cv 5   # out-of-fold figures, rules alone vs with the typer
    python corpus/train_sentence_types.py          # train on all dev articles, write the shipped model

The model is spaCy ``textcat_multilabel`` with the ``TextCatBOW`` architecture
(unigrams and bigrams of masked, lower-cased words): a few MB, trained on one
CPU in seconds, and cheap enough at run time to keep the throughput target.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import spacy
from spacy.training import Example
from spacy.util import minibatch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from stream.commands.evaluate import Report, load_gold, render, score  # noqa: E402
from stream.core.article import article_from_text  # noqa: E402
from stream.core.pipeline import Extractor  # noqa: E402
from stream.events.learned import MODEL_DIR, SHIPPED_WITHOUT, SentenceTyper, masked_words  # noqa: E402
from texts import normalised  # noqa: E402

TYPES = ["MEETING", "PROPOSAL", "WARNING", "DEMAND", "APPEAL", "ACCUSATION",
         "REJECTION", "AGREEMENT", "SANCTION", "STATEMENT"]
#: The component's configuration: bag of unigrams and bigrams, independent labels.
CONFIG = {"threshold": 0.5, "model": {"@architectures": "spacy.TextCatBOW.v3", "exclusive_classes": False,
                                      "ngram_size": 2, "no_output_layer": False, "length": 65536}}
EPOCHS = 25
SEED = 7


def dev_articles(folders: list[Path]) -> list:
    golds = [g for folder in folders for p in sorted(folder.glob("*.jsonl")) for g in load_gold(p)]
    return [g for g in golds if g.split == "dev"]


def sentence_data(extractor: Extractor, golds: list) -> list[tuple[str, list[list[str]], list[dict[str, float]]]]:
    """Per article: its id, masked sentences and their labels."""
    events = extractor.nlp.get_pipe("stream_events")
    out = []
    articles = [article_from_text(g.text_path.read_text(encoding="utf-8"), g.text_path.stem) for g in golds]
    for gold, doc in zip(golds, extractor.nlp.pipe(extractor._docs(articles), batch_size=16)):
        mentions = events.actors(doc)
        sents = list(doc.sents)
        words = [masked_words(s, mentions) for s in sents]
        texts = [normalised(s.text).lower() for s in sents]
        cats = [{t: 0.0 for t in TYPES} for _ in sents]
        for ev in gold.events:
            cues = [normalised(c).lower() for c in [ev["cue"], *ev.get("also_cues", [])] if c]
            for n, text in enumerate(texts):
                if any(c in text for c in cues):
                    for t in {ev["type"], *ev.get("type_any", [])}:
                        cats[n][t] = 1.0
        out.append((gold.name, words, cats))
    return out


def train(data: list[tuple[str, list[list[str]], list[dict[str, float]]]]) -> spacy.language.Language:
    nlp = spacy.blank("fr")
    textcat = nlp.add_pipe("textcat_multilabel", config=CONFIG)
    for t in TYPES:
        textcat.add_label(t)
    examples = [Example.from_dict(spacy.tokens.Doc(nlp.vocab, words=w), {"cats": c})
                for _, sents, cats in data for w, c in zip(sents, cats)]
    rng = random.Random(SEED)
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(EPOCHS):
        rng.shuffle(examples)
        for batch in minibatch(examples, size=16):
            nlp.update(batch, sgd=optimizer, drop=0.1)
    return nlp


def write_model(nlp: spacy.language.Language, thresholds: dict[str, float], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out, exclude=SHIPPED_WITHOUT)  # weights only: no string of a news text leaves the session
    (out / "thresholds.json").write_text(json.dumps({"add": thresholds}, indent=1) + "\n")


def predict(extractor: Extractor, golds: list, typer: SentenceTyper | None) -> list:
    extractor.nlp.get_pipe("stream_events").typer = typer
    articles = [article_from_text(g.text_path.read_text(encoding="utf-8"), g.text_path.stem) for g in golds]
    return [result.events for result in extractor.run(articles)]


class OutOfFold:
    """Scores each sentence with the model that did not see its article (cross-validation)."""

    def __init__(self, scores: dict[tuple[str, ...], dict[str, float]], thresholds: dict[str, float]) -> None:
        self.by_words = scores
        self.thresholds = thresholds

    def scores(self, sentences: list[list[str]]) -> list[dict[str, float]]:
        return [self.by_words.get(tuple(words), {}) for words in sentences]


def cross_validate(extractor: Extractor, golds: list, data: list, folds: int, grid: list[dict[str, float]]) -> None:
    """Out-of-fold sentence scores (k folds of articles), then the whole pipeline scored with each threshold pair."""
    order = sorted(range(len(golds)), key=lambda i: golds[i].name)
    oof: dict[tuple[str, ...], dict[str, float]] = {}
    for k in range(folds):
        held = order[k::folds]
        nlp = train([data[i] for i in order if i not in held])
        for i in held:
            for words in data[i][1]:
                oof[tuple(words)] = dict(nlp(spacy.tokens.Doc(nlp.vocab, words=words)).cats)
    for thresholds in [None, *grid]:
        typer = OutOfFold(oof, thresholds) if thresholds else None
        report = Report()
        for gold, events in zip(golds, predict(extractor, golds, typer)):
            score(report, gold.name, events, gold.events)
        title = "rules alone" if thresholds is None else f"rules + typer add>={thresholds['MEETING']}"
        print(f"== {title}, out of fold\n" + render(report, len(golds), False))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cv", type=int, default=0, help="k-fold cross-validation over dev articles instead of training")
    parser.add_argument("--add", type=float, default=0.5, help="probability at which a missed type is added")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--corpus", type=Path, nargs="*", default=[HERE / "events" / "gold"])
    args = parser.parse_args(argv)
    thresholds = {t: args.add for t in TYPES}
    extractor = Extractor()
    golds = dev_articles(args.corpus)
    data = sentence_data(extractor, golds)
    n_pos = sum(any(c.values()) for _, _, cats in data for c in cats)
    print(f"{len(golds)} dev articles, {sum(len(s) for _, s, _ in data)} sentences, {n_pos} with an event")
    if args.cv:
        grid = [{t: a for t in TYPES} for a in (0.35, 0.5, 0.65)]
        cross_validate(extractor, golds, data, args.cv, grid)
        return 0
    write_model(train(data), thresholds, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
