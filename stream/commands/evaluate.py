"""``evaluate GOLD...``: score extracted events against gold files (rules of ../shared/data/README.md).

A prediction matches a gold event when its type is the gold type (or in
``type_any``), one of its evidence sentences contains the gold ``cue`` or one of
the ``also_cues`` (ignoring case, apostrophe style and runs of spaces), and the
actor codes overlap (source, targets, participants, speaker, a person's
affiliation).  Matching is one-to-one; a second prediction of a matched gold
event is a duplicate and counts against precision.
"""

from __future__ import annotations

import argparse
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from stream.commands import UserError, iter_input_files
from stream.core.records import Event

CORE_TYPES = {"MEETING", "PROPOSAL", "WARNING"}
_SPACES = re.compile(r"\s+")
_APOS = str.maketrans({"’": "'", "‘": "'", "`": "'"})


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate", help="score extracted events against gold files")
    p.add_argument("gold", nargs="+", metavar="GOLD",
                   help="gold JSON files, JSONL corpora (one article per line), or folders of them")
    p.add_argument("--split", choices=["dev", "heldout"], default=None,
                   help="only the corpus articles of this split (JSONL records carry a 'split')")
    p.add_argument("--model", default=None, help="spaCy pipeline (default: $STREAM_MODEL or fr_core_news_md)")
    p.add_argument("-v", "--verbose", action="store_true", help="list misses, false positives and duplicates")
    p.set_defaults(func=run)


def norm(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_APOS).lower()).strip()


def actor_codes(ev: Event) -> set[str]:
    actors = [ev.source, ev.speaker, *ev.targets, *ev.participants]
    codes = {a.code for a in actors if a and a.code}
    codes |= {a.affiliation for a in actors if a and a.affiliation}
    return codes


def matches(ev: Event, gold: dict[str, Any]) -> bool:
    types = {gold["type"], *gold.get("type_any", [])}
    if ev.type not in types:
        return False
    cues = [norm(c) for c in [gold["cue"], *gold.get("also_cues", [])]]
    if not any(c in norm(s.text) for s in ev.evidence for c in cues):
        return False
    return bool(actor_codes(ev) & set(gold.get("actors", [])))


def one_to_one(preds: list[Event], golds: list[dict[str, Any]]) -> dict[int, int]:
    """Gold index → prediction index, one to one, as many pairs as can be."""
    return max_matching({g: [p for p, ev in enumerate(preds) if matches(ev, gold)] for g, gold in enumerate(golds)})


def max_matching(edges: dict[int, list[int]]) -> dict[int, int]:
    """Maximum bipartite matching, left → right, by augmenting paths."""
    owner: dict[int, int] = {}

    def augment(g: int, seen: set[int]) -> bool:
        for p in edges[g]:
            if p not in seen:
                seen.add(p)
                if p not in owner or augment(owner[p], seen):
                    owner[p] = g
                    return True
        return False

    for g in edges:
        augment(g, set())
    return {g: p for p, g in owner.items()}


@dataclass
class Tally:
    """Counts for precision/recall: matched predictions over predictions, matched gold over gold.

    The two matched counts differ per type when a prediction of another type
    matches through ``type_any``.
    """

    hit_pred: int = 0
    hit_gold: int = 0
    pred: int = 0
    gold: int = 0

    def add_hit(self, pred: bool = True, gold: bool = True, n: int = 1) -> None:
        self.hit_pred += n * pred
        self.hit_gold += n * gold

    def prf(self) -> tuple[float, float, float]:
        p = self.hit_pred / self.pred if self.pred else 0.0
        r = self.hit_gold / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    def line(self, name: str) -> str:
        p, r, f = self.prf()
        return f"{name:<12} P {p:.2f}  R {r:.2f}  F1 {f:.2f}  ({self.hit_pred}/{self.pred} predicted, {self.hit_gold}/{self.gold} gold matched)"


@dataclass
class Report:
    overall: Tally = field(default_factory=Tally)
    core: Tally = field(default_factory=Tally)
    per_type: dict[str, Tally] = field(default_factory=dict)
    actors: Tally = field(default_factory=Tally)
    dated: int = 0
    contained: int = 0
    exact: int = 0
    narrow: int = 0
    widths: list[int] = field(default_factory=list)
    duplicates: int = 0
    notes: list[str] = field(default_factory=list)

    def typed(self, name: str) -> Tally:
        return self.per_type.setdefault(name, Tally())


def score(report: Report, name: str, preds: list[Event], golds: list[dict[str, Any]]) -> None:
    pairs = one_to_one(preds, golds)
    matched_preds = set(pairs.values())
    report.overall.pred += len(preds)
    report.overall.gold += len(golds)
    report.overall.add_hit(n=len(pairs))
    for ev in preds:
        report.typed(ev.type).pred += 1
        report.core.pred += ev.type in CORE_TYPES
    for g, gold in enumerate(golds):
        report.typed(gold["type"]).gold += 1
        report.core.gold += bool(gold.get("core"))
        if g not in pairs:
            report.notes.append(f"{name}: MISS {gold['type']} «{gold['cue']}» {sorted(gold.get('actors', []))}{_near(preds, gold)}")
            continue
        ev = preds[pairs[g]]
        report.typed(ev.type).add_hit(gold=False)
        report.typed(gold["type"]).add_hit(pred=False)
        report.core.add_hit(pred=ev.type in CORE_TYPES, gold=bool(gold.get("core")))
        _score_actors(report.actors, actor_codes(ev), set(gold.get("actors", [])))
        _score_date(report, ev, gold)
    for p, ev in enumerate(preds):
        if p in matched_preds:
            continue
        dup = any(matches(ev, gold) for gold in golds)
        report.duplicates += dup
        kind = "DUPLICATE" if dup else "FALSE POSITIVE"
        report.notes.append(f"{name}: {kind} {ev.type} {ev.cameo} «{ev.trigger.text}» in «{ev.evidence[0].text[:90]}»")


def _near(preds: list[Event], gold: dict[str, Any]) -> str:
    """What was predicted at a missed event's cue: the type or the actors that kept it from matching."""
    cues = [norm(c) for c in [gold["cue"], *gold.get("also_cues", [])]]
    there = [ev for ev in preds if any(c in norm(s.text) for s in ev.evidence for c in cues)]
    if not there:
        return " (nothing predicted at its cue)"
    return " (predicted there: " + "; ".join(f"{ev.type} {sorted(actor_codes(ev))}" for ev in there) + ")"


def _score_actors(t: Tally, pred: set[str], gold: set[str]) -> None:
    t.add_hit(n=len(pred & gold))
    t.pred += len(pred)
    t.gold += len(gold)


def _score_date(report: Report, ev: Event, gold: dict[str, Any]) -> None:
    """Contained: the interval holds the true day; narrow: it holds it and is no wider than the
    gold bounds (what the text and header allow); widths in days, for the median."""
    truth = (gold.get("date") or {}).get("truth")
    if not truth:
        return
    report.dated += 1
    t = ev.time
    if not (t and t.earliest and t.latest):
        return
    width = _days(t.earliest, t.latest)
    report.widths.append(width)
    if t.earliest <= truth <= t.latest:
        report.contained += 1
        report.exact += t.earliest == t.latest == truth
        bounds = gold["date"]
        if bounds.get("earliest") and bounds.get("latest"):
            report.narrow += width <= _days(bounds["earliest"], bounds["latest"])


def _days(first: str, last: str) -> int:
    """Days in the interval, both ends included."""
    from datetime import date

    return (date.fromisoformat(last) - date.fromisoformat(first)).days + 1


@dataclass
class GoldArticle:
    """One article's text file and its gold events, from a gold JSON file or a line of a JSONL corpus."""

    name: str
    text_path: Path
    events: list[dict[str, Any]]
    split: str | None = None
    record: dict[str, Any] = field(default_factory=dict)  # the whole gold record (url, stories, ...)


def _find_text(anchor: Path, relative: str) -> Path | None:
    """A gold ``file`` is relative to the data folder: the gold file's folder or one of its parents."""
    for folder in anchor.resolve().parents:
        if (folder / relative).is_file():
            return folder / relative
    return None


def _gold_article(source: Path, data: Any, name: str) -> GoldArticle:
    try:
        relative, events = data["file"], data["events"]
    except (KeyError, TypeError) as exc:
        raise UserError(f"{source}: not a gold record ({exc})") from None
    text_path = _find_text(source, relative)
    if text_path is None:
        raise UserError(f"{source}: article {relative} not found (corpus texts: python corpus/texts.py missing)")
    return GoldArticle(name, text_path, events, data.get("split"), data)


def load_gold(path: Path) -> list[GoldArticle]:
    try:
        if path.suffix == ".jsonl":
            records = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
            return [_gold_article(path, r, f"{path.name}:{r.get('id', i)}") for i, r in enumerate(records, 1)]
        return [_gold_article(path, orjson.loads(path.read_bytes()), path.name)]
    except orjson.JSONDecodeError as exc:
        raise UserError(f"{path}: not a gold file ({exc})") from None


def run(args: argparse.Namespace) -> int:
    from stream.core.article import article_from_text
    from stream.core.pipeline import Extractor
    from stream.settings import Settings

    golds = [g for p in iter_input_files(args.gold, suffixes=(".json", ".jsonl")) for g in load_gold(p)
             if args.split is None or g.split == args.split]
    if not golds:
        raise UserError(f"no gold articles{' in split ' + args.split if args.split else ''}")
    extractor = Extractor(args.model or Settings.from_env().model)
    articles = [article_from_text(g.text_path.read_text(encoding="utf-8").lstrip("\ufeff"), g.text_path.stem)
                for g in golds]
    report = Report()
    for gold, result in zip(golds, extractor.run(articles)):
        score(report, gold.name, result.events, gold.events)
    print(render(report, len(golds), args.verbose))
    return 0


def _median(values: list[int]) -> str:
    return f"{statistics.median(values):g}" if values else "-"


def render(report: Report, n_files: int, verbose: bool) -> str:
    lines = [f"{n_files} gold article(s), {report.overall.gold} gold events, {report.overall.pred} predicted",
             report.overall.line("overall"), report.core.line("core"), report.actors.line("actors")]
    lines += [report.per_type[t].line(f"  {t}") for t in sorted(report.per_type)]
    lines.append(f"dates        contain truth {report.contained}/{report.dated}, exact {report.exact}/{report.dated}, "
                 f"as narrow as gold {report.narrow}/{report.dated}, median width {_median(report.widths)} days")
    lines.append(f"duplicates   {report.duplicates}")
    if verbose:
        counts = Counter(n.split(": ", 1)[1].split(" ", 1)[0] for n in report.notes)
        lines.append(f"-- {dict(counts)}")
        lines += report.notes
    return "\n".join(lines)
