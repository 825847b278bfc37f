"""Store, hash and check the texts behind the corpus annotations (the texts themselves are never committed).

The annotations (``corpus/**/*.jsonl``, one article per line) carry, for each
article, the ``query`` that finds its page in the search tool's ``pages``
corpus, the page ``url`` and the ``sha256`` of its text.  The texts live in
``corpus/texts/<id>.txt`` (git-ignored).  The search tool is not reachable from
a shell, so rebuilding is a session's job: ``missing`` lists what to look up,
an agent stores each page's text (the excerpt the tool returns, from its
beginning) under ``corpus/texts/<id>.txt``, and ``check`` verifies the hashes.

The hash is taken over a normalised form (Unicode NFC, curly apostrophes and
quotes straightened, non-breaking spaces as spaces, runs of whitespace as one
space, stripped) so that a faithful copy of the page hashes the same whatever
its line breaks.

    python corpus/texts.py finalize FILE.jsonl   # fill sha256 and split, validate
    python corpus/texts.py check [FILE.jsonl...] # texts present, hashes equal, cues found
    python corpus/texts.py missing               # query + url of every text to rebuild
    python corpus/texts.py stats [FILE.jsonl...] # articles, outlets, events by type, split
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent
TEXTS = ROOT / "texts"
TYPES = {"MEETING", "PROPOSAL", "WARNING", "DEMAND", "APPEAL", "ACCUSATION",
         "REJECTION", "AGREEMENT", "SANCTION", "STATEMENT"}
CORE = {"MEETING", "PROPOSAL", "WARNING"}
MODALITIES = {"asserted", "planned", "conditional", "negated", "reported"}
_FOLD = str.maketrans({"’": "'", "‘": "'", "`": "'", "\u00a0": " ", "\u202f": " ", "“": '"', "”": '"'})
_SPACES = re.compile(r"\s+")
_DCT = re.compile(r"^\s*date (\d{4})-(\d{2})")


def normalised(text: str) -> str:
    """The form that is hashed and that cues are looked up in."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).translate(_FOLD)).strip()


def text_hash(text: str) -> str:
    return hashlib.sha256(normalised(text).encode("utf-8")).hexdigest()


def split_of(url: str) -> str:
    """A third of the articles, chosen by a hash of the url, is held out (never read while developing)."""
    return "heldout" if int(hashlib.sha256(url.encode()).hexdigest(), 16) % 3 == 0 else "dev"


def text_path(record: dict) -> Path:
    return TEXTS / f"{record['id']}.txt"


def annotation_files(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    return sorted(p for p in ROOT.rglob("*.jsonl") if TEXTS not in p.parents)


def read_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def problems(record: dict, text: str | None) -> list[str]:
    """What makes a record unusable: missing fields, a header after 2019, a cue not in its text."""
    out = [f"missing {k}" for k in ("id", "file", "dct", "url", "query", "sha256", "split", "events") if k not in record]
    if record.get("dct", "9999")[:4] > "2019":
        out.append(f"dct {record.get('dct')} is after 2019")
    if text is None:
        return out + ["text missing"]
    if text_hash(text) != record.get("sha256"):
        out.append("sha256 differs from the stored text")
    m = _DCT.match(text)
    if not m or f"{m[1]}-{m[2]}" > "2019-12":
        out.append("text does not start with a 'date YYYY-MM' header of 2019 or earlier")
    body = normalised(text).lower()
    for i, ev in enumerate(record.get("events", [])):
        if ev.get("type") not in TYPES:
            out.append(f"event {i}: unknown type {ev.get('type')}")
        if ev.get("core") != (ev.get("type") in CORE):
            out.append(f"event {i}: core must be {ev.get('type') in CORE}")
        if ev.get("modality") not in MODALITIES:
            out.append(f"event {i}: modality {ev.get('modality')}")
        if not ev.get("actors"):
            out.append(f"event {i}: no actors")
        for cue in [ev.get("cue") or "", *ev.get("also_cues", [])]:
            if not cue or normalised(cue).lower() not in body:
                out.append(f"event {i}: cue not in text: {cue!r}")
            elif len(cue.split()) > 6:  # annotations carry short cues, never the text
                out.append(f"event {i}: cue longer than six words: {cue!r}")
    return out


def finalize(path: Path) -> int:
    records = read_records(path)
    bad = 0
    for record in records:
        record["file"] = f"texts/{record['id']}.txt"
        record["split"] = split_of(record["url"])
        text = text_path(record).read_text(encoding="utf-8") if text_path(record).is_file() else None
        if text is not None:
            record["sha256"] = text_hash(text)
        for p in problems(record, text):
            bad += 1
            print(f"{path.name}:{record['id']}: {p}")
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return 1 if bad else 0


def check(paths: list[Path]) -> int:
    bad = total = 0
    for path in paths:
        for record in read_records(path):
            total += 1
            text = text_path(record).read_text(encoding="utf-8") if text_path(record).is_file() else None
            for p in problems(record, text):
                bad += 1
                print(f"{path.name}:{record.get('id')}: {p}")
    print(f"{total} articles checked, {bad} problem(s)")
    return 1 if bad else 0


def missing(paths: list[Path]) -> int:
    for path in paths:
        for record in read_records(path):
            p = text_path(record)
            if not p.is_file() or text_hash(p.read_text(encoding="utf-8")) != record["sha256"]:
                print(json.dumps({"id": record["id"], "query": record["query"], "url": record["url"],
                                  "store_as": str(p.relative_to(ROOT.parent))}, ensure_ascii=False))
    return 0


def stats(paths: list[Path]) -> int:
    records = [r for path in paths for r in read_records(path)]
    if not records:
        print("no articles")
        return 0
    by_split = Counter(r.get("split") for r in records)
    outlets = {urlparse(r["url"]).hostname.removeprefix("www.") for r in records}
    types = Counter(ev["type"] for r in records for ev in r["events"])
    print(f"{len(records)} articles ({dict(by_split)}), {len(outlets)} outlets, "
          f"{sum(types.values())} events; years {min(r['dct'] for r in records)}..{max(r['dct'] for r in records)}")
    for t in sorted(TYPES):
        print(f"  {t:<11} {types.get(t, 0)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["finalize", "check", "missing", "stats"])
    parser.add_argument("files", nargs="*")
    args = parser.parse_args(argv)
    files = annotation_files(args.files)
    if args.action == "finalize":
        return max((finalize(p) for p in files), default=0)
    return {"check": check, "missing": missing, "stats": stats}[args.action](files)


if __name__ == "__main__":
    sys.exit(main())
