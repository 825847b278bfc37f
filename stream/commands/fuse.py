"""``fuse PATH...``: offline extraction then story fusion, one story per line as JSON, no broker.

The same fusion core as the worker's fusion agent (`stream.fusion`), fed with the
articles in the order given; event ids are those ``extract`` prints.
"""

from __future__ import annotations

import argparse
import sys

import orjson

from stream.settings import Settings


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fuse", help="extract events from files offline, fuse them into stories, print the stories")
    p.add_argument("paths", nargs="+", metavar="PATH", help="text files, JSON/JSONL files, folders, or - for stdin")
    p.add_argument("--model", default=None, help="spaCy pipeline (default: $STREAM_MODEL or fr_core_news_md)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from stream.commands.extract import load_articles
    from stream.core.pipeline import Extractor
    from stream.fusion import Fuser, outlet_of

    articles = [article for _, article in load_articles(args.paths)]
    extractor = Extractor(args.model or Settings.from_env().model)
    fuser = Fuser()
    for result in extractor.run(articles):
        outlet = outlet_of(result.article.source, result.article.url, result.article.id)
        for event in result.events:
            fuser.add(event.to_dict(), outlet)
    out = sys.stdout.buffer
    for record in fuser.records():
        out.write(orjson.dumps(record) + b"\n")
    out.flush()
    return 0
