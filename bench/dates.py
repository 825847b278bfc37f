"""Benchmark (not a test): articles/s of date resolution alone, and its share of full extraction.

    python bench/dates.py [--model fr_core_news_md] [--repeat 3] [FILE_OR_DIR ...]

Defaults to the seed article and the French TimeBank dev texts in ../shared/data.
"Date resolution alone" times the stream_dates component on docs already parsed, so
it is exactly what the component adds to `Extractor.run`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from stream.commands.extract import load_articles
from stream.core.article import Article
from stream.core.pipeline import Extractor
from stream.dates.timeml import read_timeml

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def articles(paths: list[str]) -> list[Article]:
    if paths:
        return [a for _, a in load_articles(paths)]
    seed = [a for _, a in load_articles([str(SHARED / "articles")])]
    tml = [read_timeml(p) for p in sorted((SHARED / "ftib-dev").glob("*.tml"))]
    return seed + [Article(id=d.name, text=d.text, date=d.dct) for d in tml]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--model", default="fr_core_news_md")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    batch = articles(args.paths)
    extractor = Extractor(args.model)
    list(extractor.run(batch[:2]))  # warm up: lazy loads, regex compilation, dateparser data
    chars = sum(len(a.text) for a in batch)

    full = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        list(extractor.run(batch))
        full = min(full, time.perf_counter() - t0)

    dates = extractor.nlp.get_pipe("stream_dates")
    with extractor.nlp.select_pipes(disable=["stream_dates", "stream_events"]):
        docs = list(extractor.nlp.pipe(extractor._docs(batch)))
    alone = float("inf")
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        for doc in docs:
            dates(doc)
        alone = min(alone, time.perf_counter() - t0)

    n = len(batch)
    print(f"{n} articles, {chars} characters, model {args.model}, best of {args.repeat}")
    print(f"full extraction:     {n / full:8.1f} articles/s ({1000 * full / n:.2f} ms/article)")
    print(f"date resolution:     {n / alone:8.1f} articles/s ({1000 * alone / n:.3f} ms/article)")
    print(f"share of extraction: {100 * alone / full:8.2f} %")


if __name__ == "__main__":
    main()
