"""``evaluate-dates DIR [-v]``: score the date tagger on ISO-TimeML files, TempEval-3 style."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from stream.commands import UserError
from stream.settings import Settings

if TYPE_CHECKING:
    from stream.core.pipeline import Extractor
    from stream.dates.scoring import Counts


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate-dates", help="score date recognition and normalisation on ISO-TimeML (.tml) files")
    p.add_argument("path", metavar="DIR", help="a folder of .tml files (searched recursively) or one .tml file")
    p.add_argument("-v", "--verbose", action="store_true", help="list every error (missed, spurious, mismatch)")
    p.add_argument("--model", default=None, help="spaCy pipeline (default: $STREAM_MODEL or fr_core_news_md)")
    p.set_defaults(func=run)


def tml_files(path: str) -> list[Path]:
    root = Path(path)
    if root.is_file() and root.suffix == ".tml":
        return [root]
    if not root.is_dir():
        raise UserError(f"{path}: no such folder")
    files = sorted(root.rglob("*.tml"))
    if not files:
        raise UserError(f"{path}: no .tml files in this folder")
    return files


def evaluate(files: list[Path], extractor: "Extractor", progress: bool = False) -> "Counts":
    """Run the extractor on the plain text of each file with its DCT as a day-precise header."""
    from tqdm import tqdm

    from stream.core.article import Article
    from stream.dates.scoring import Counts, score_doc
    from stream.dates.timeml import read_timeml

    try:
        docs = [read_timeml(f) for f in files]
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(str(exc)) from None
    articles = (Article(id=d.name, text=d.text, date=d.dct) for d in docs)
    counts = Counts()
    results = extractor.run(articles)
    for doc, result in tqdm(zip(docs, results), total=len(docs), disable=not progress, desc="evaluate-dates", unit="doc"):
        score_doc(counts, doc.name, doc.timexes, result.timexes)
    return counts


def run(args: argparse.Namespace) -> int:
    from stream.core.pipeline import Extractor

    files = tml_files(args.path)
    extractor = Extractor(args.model or Settings.from_env().model)
    counts = evaluate(files, extractor, progress=True)
    print(f"{len(files)} documents")
    print(counts.report())
    if args.verbose:
        print("\n".join(counts.errors))
    return 0
