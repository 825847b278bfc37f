"""``extract PATH...``: offline extraction, one event per line as JSON, no broker.

This exact output is how extraction is evaluated from outside: keep it stable.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from stream.commands import UserError, iter_input_files, read_bytes
from stream.settings import Settings

if TYPE_CHECKING:
    from stream.core.article import Article


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("extract", help="extract events from files offline and print them as JSON lines")
    p.add_argument("paths", nargs="+", metavar="PATH", help="text files, JSON/JSONL files, folders, or - for stdin")
    p.add_argument("--model", default=None, help="spaCy pipeline (default: $STREAM_MODEL or fr_core_news_md)")
    p.set_defaults(func=run)


def load_articles(paths: list[str]) -> Iterator[tuple[str, "Article"]]:
    """Articles from files: a text file's id is its name without extension; JSON may give its own."""
    from stream.core.article import ArticleError, article_from_json, article_from_text

    for path in iter_input_files(paths):
        data = read_bytes(path)
        name = "stdin" if str(path) == "-" else path.stem
        try:
            if path.suffix == ".jsonl":
                for n, line in enumerate(data.splitlines(), 1):
                    if line.strip():
                        yield str(path), article_from_json(orjson.loads(line), f"{name}-{n}")
            elif path.suffix == ".json":
                yield str(path), article_from_json(orjson.loads(data), name)
            else:
                yield str(path), article_from_text(_decode(data, path), name)
        except (ArticleError, orjson.JSONDecodeError) as exc:
            raise UserError(f"{path}: {exc}") from None


def _decode(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not valid UTF-8 (byte {exc.start})") from None


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from stream.core.pipeline import Extractor

    articles = list(load_articles(args.paths))  # read all first: a bad file fails before the model loads
    extractor = Extractor(args.model or Settings.from_env().model)
    out = sys.stdout.buffer
    progress = tqdm(total=len(articles), desc="extract", unit="article", disable=None, file=sys.stderr)
    for result in extractor.run(article for _, article in articles):
        progress.update()
        for event in result.events:
            out.write(orjson.dumps(event.to_dict()) + b"\n")
        out.flush()
    progress.close()
    return 0
