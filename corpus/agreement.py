"""Agreement between the first annotation and the reviewed gold (events/first vs events/gold).

Two annotations of one article's events match, one to one, when their types
agree (type or ``type_any``), they share a cue sentence (one's cue or also-cue
lies in a sentence holding one of the other's) and their actor codes overlap:
the rules ``stream evaluate`` applies to a prediction, read symmetrically.
Prints P/R/F1 of the first annotation against the gold, overall and by type.

    python corpus/agreement.py [NAME ...]    # NAME: a1, a2, ... (default: every reviewed file)
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path

from texts import ROOT, normalised, read_records, text_path

sys.path.insert(0, str(ROOT.parent))
from stream.commands.evaluate import max_matching  # noqa: E402

_SENTENCE_END = re.compile(r"(?<=[.!?»])\s+")


def sentences_of(text: str, cues: list[str]) -> set[int]:
    sents = [normalised(s).lower() for s in _SENTENCE_END.split(text)]
    return {i for i, s in enumerate(sents) for c in cues if c and normalised(c).lower() in s}


def compatible(a: dict, b: dict, text: str) -> bool:
    if not ({a["type"], *a.get("type_any", [])} & {b["type"], *b.get("type_any", [])}):
        return False
    if not set(a.get("actors", [])) & set(b.get("actors", [])):
        return False
    cues = lambda e: [e.get("cue") or "", *e.get("also_cues", [])]  # noqa: E731
    return bool(sentences_of(text, cues(a)) & sentences_of(text, cues(b)))


def match(first: list[dict], gold: list[dict], text: str) -> int:
    """Size of a maximum one-to-one matching."""
    return len(max_matching({g: [f for f, ev in enumerate(first) if compatible(ev, gev, text)] for g, gev in enumerate(gold)}))


def main(names: list[str]) -> int:
    names = names or sorted(p.stem for p in (ROOT / "events" / "gold").glob("*.jsonl"))
    hits: Counter[str] = Counter()
    n_first: Counter[str] = Counter()
    n_gold: Counter[str] = Counter()
    for name in names:
        firsts = {r["id"]: r for r in read_records(ROOT / "events" / "first" / f"{name}.jsonl")}
        for gold in read_records(ROOT / "events" / "gold" / f"{name}.jsonl"):
            first = firsts.get(gold["id"], {"events": []})
            text = text_path(gold).read_text(encoding="utf-8")
            hits["all"] += match(first["events"], gold["events"], text)
            n_first["all"] += len(first["events"])
            n_gold["all"] += len(gold["events"])
            for t in {e["type"] for e in gold["events"]} | {e["type"] for e in first["events"]}:
                fe = [e for e in first["events"] if e["type"] == t]
                ge = [e for e in gold["events"] if e["type"] == t]
                hits[t] += match(fe, ge, text)
                n_first[t] += len(fe)
                n_gold[t] += len(ge)
    print(f"first annotation vs reviewed gold ({', '.join(names)})")
    for key in ["all", *sorted(k for k in n_gold if k != "all")]:
        p = hits[key] / n_first[key] if n_first[key] else 0.0
        r = hits[key] / n_gold[key] if n_gold[key] else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        print(f"  {key:<11} P {p:.2f}  R {r:.2f}  F1 {f:.2f}  ({hits[key]} matched; {n_first[key]} first, {n_gold[key]} gold)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
