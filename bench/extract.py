"""Throughput: whole extraction (Extractor.run) vs raw ``nlp.pipe`` of the same model, same texts, same run.

Usage: python bench/extract.py [--model fr_core_news_md] [--repeat 20] [SEED]
Texts: the seed article (read from ../shared/data, never copied) plus short French texts written here.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import spacy

from stream.core.article import article_from_text
from stream.core.pipeline import Extractor

SEED = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "articles" / "nato-russia-2022-01.txt"
TEXTS = [
    "date 2023-03-15 Le ministre turc des Affaires étrangères a mené mardi des négociations avec l'Iran à Ankara. "
    "\"Nous sommes prêts à une médiation\", a déclaré M. Fidan.",
    "date 2024-02 L'Union européenne a menacé la Chine de sanctions si Pékin livrait des armes à la Russie. "
    "Le Kremlin a rejeté la proposition de cessez-le-feu avancée par l'Ukraine.",
    "date 2023-08-01 La Cédéao a exigé la libération du président Mohamed Bazoum et a condamné le coup d'État au Niger. "
    "Les Vingt-Sept ont adopté de nouvelles sanctions contre la junte.",
    "date 2024-10-20 Le secrétaire général de l'ONU a appelé les deux parties à des négociations. "
    "Israël et le Hamas se sont rencontrés au Caire sous l'égide du Qatar et de l'Égypte.",
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="fr_core_news_md")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("seed", nargs="?", default=str(SEED))
    args = ap.parse_args()
    raws = TEXTS + ([Path(args.seed).read_text(encoding="utf-8")] if Path(args.seed).is_file() else [])
    articles = [article_from_text(raw, f"bench-{i}") for i, raw in enumerate(raws)] * args.repeat
    extractor = Extractor(args.model)
    raw_nlp = spacy.load(args.model)
    texts = [a.text for a in articles]
    list(raw_nlp.pipe(texts[:5]))
    list(extractor.run(articles[:5]))
    t0 = time.perf_counter()
    list(raw_nlp.pipe(texts, batch_size=16))
    raw_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    n_events = sum(len(r.events) for r in extractor.run(articles))
    full_s = time.perf_counter() - t0
    n = len(articles)
    print(f"{n} articles ({sum(map(len, texts)) / n:.0f} chars avg), model {args.model}")
    print(f"raw nlp.pipe       {n / raw_s:8.1f} articles/s")
    print(f"whole extraction   {n / full_s:8.1f} articles/s  ({n_events} events)")
    print(f"ratio              {raw_s / full_s:8.2f}")


if __name__ == "__main__":
    main()
