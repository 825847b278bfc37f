"""``dates FILE...``: every temporal expression of each article as one JSON line.

This exact output is how dates are evaluated from outside: keep it stable.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from stream.commands.extract import load_articles
from stream.settings import Settings

FIELDS = ("start", "end", "text", "type", "value", "earliest", "latest", "granularity", "anchor", "mod")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("dates", help="find and resolve the temporal expressions of articles, one JSON line each")
    p.add_argument("paths", nargs="+", metavar="FILE", help="text files (optional 'date ...' header), JSON/JSONL, folders, or -")
    p.add_argument("--model", default=None, help="spaCy pipeline (default: $STREAM_MODEL or fr_core_news_md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from stream.core.pipeline import Extractor

    articles = list(load_articles(args.paths))
    extractor = Extractor(args.model or Settings.from_env().model)
    out = sys.stdout.buffer
    for (path, _), result in zip(articles, extractor.run(article for _, article in articles)):
        for timex in result.timexes:
            row = {"file": path, **{name: getattr(timex, name) for name in FIELDS}}
            out.write(orjson.dumps(row) + b"\n")
        out.flush()
    return 0
