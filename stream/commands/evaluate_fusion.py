"""``evaluate-fusion GOLD...``: score story fusion against gold files whose events carry a ``story`` id.

Predicted events are matched to gold events per article exactly as ``evaluate``
does.  Then, over every pair of matched events from *different* articles, a pair
is "same story" in the gold when both gold events share a ``story`` id, and in
the prediction when fusion put both events in one story: precision, recall and
F1 of those decisions.  For gold stories reported by two or more articles whose
``stories`` entry gives the ``truth`` day, the predicted story holding most of
their matched events is checked: does its interval contain the day, is it the
day, is it no wider than the narrowest single event's interval, and, where no
single event pins one day, is it strictly narrower than all of them.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from stream.commands import UserError, iter_input_files
from stream.commands.evaluate import GoldArticle, Tally, load_gold, one_to_one


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("evaluate-fusion", help="score story fusion against gold files with story ids")
    p.add_argument("gold", nargs="+", metavar="GOLD", help="gold JSON files, JSONL corpora, or folders of them")
    p.add_argument("--split", choices=["dev", "heldout"], default=None, help="only the corpus articles of this split")
    p.add_argument("--model", default=None, help="spaCy pipeline (default: $STREAM_MODEL or fr_core_news_md)")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per gold story")
    p.set_defaults(func=run)


def _width(earliest: str | None, latest: str | None) -> int | None:
    if not earliest or not latest:
        return None
    return (date.fromisoformat(latest[:10]) - date.fromisoformat(earliest[:10])).days + 1


@dataclass
class Matched:
    """A gold event that a predicted event matched, with what fusion did with it."""

    article: str
    gold_story: str
    event: dict[str, Any]
    story_id: str | None


@dataclass
class FusionReport:
    pairs: Tally = field(default_factory=Tally)
    dated: int = 0
    contained: int = 0
    exact: int = 0
    no_wider: int = 0
    unpinned: int = 0
    narrower: int = 0
    gold_stories: int = 0
    multi: int = 0
    matched: int = 0
    gold_events: int = 0
    notes: list[str] = field(default_factory=list)


def score_pairs(report: FusionReport, matched: list[Matched]) -> None:
    for i, a in enumerate(matched):
        for b in matched[i + 1:]:
            if a.article == b.article:
                continue
            gold_same = a.gold_story == b.gold_story
            pred_same = a.story_id is not None and a.story_id == b.story_id
            report.pairs.pred += pred_same
            report.pairs.gold += gold_same
            report.pairs.add_hit(n=int(gold_same and pred_same))


def score_intervals(report: FusionReport, matched: list[Matched], stories: dict[str, dict[str, Any]],
                    truths: dict[str, str | None]) -> None:
    by_gold: dict[str, list[Matched]] = defaultdict(list)
    for m in matched:
        by_gold[m.gold_story].append(m)
    for gold_story, members in sorted(by_gold.items()):
        truth = truths.get(gold_story)
        if not truth or len({m.article for m in members}) < 2:
            continue
        story_id, _ = Counter(m.story_id for m in members).most_common(1)[0]
        time = (stories.get(story_id or "") or {}).get("time") or {}
        widths = [w for m in members if (w := _width(*(_bounds(m.event)))) is not None]
        fused = _width(time.get("earliest"), time.get("latest"))
        report.dated += 1
        inside = fused is not None and time["earliest"] <= truth <= time["latest"]
        report.contained += inside
        report.exact += inside and fused == 1
        report.no_wider += fused is not None and (not widths or fused <= min(widths))
        if widths and min(widths) > 1:
            report.unpinned += 1
            report.narrower += fused is not None and fused < min(widths)
        report.notes.append(f"{gold_story}: truth {truth}, fused {time.get('earliest')}..{time.get('latest')} "
                            f"({fused} d), narrowest single {min(widths) if widths else None} d, "
                            f"{len(members)} matched events in {len({m.story_id for m in members})} predicted stories")


def _bounds(event: dict[str, Any]) -> tuple[str | None, str | None]:
    time = event.get("time") or {}
    return time.get("earliest"), time.get("latest")


def run(args: argparse.Namespace) -> int:
    from stream.core.article import article_from_text
    from stream.core.pipeline import Extractor
    from stream.fusion import Fuser, outlet_of
    from stream.settings import Settings

    golds: list[GoldArticle] = [g for p in iter_input_files(args.gold, suffixes=(".json", ".jsonl"))
                                for g in load_gold(p) if args.split is None or g.split == args.split]
    if not golds:
        raise UserError("no gold articles")
    golds.sort(key=lambda g: (str(g.record.get("dct", "")), g.name))  # the stream sees older articles first
    extractor = Extractor(args.model or Settings.from_env().model)
    articles = [replace(article_from_text(g.text_path.read_text(encoding="utf-8").lstrip("\ufeff"), g.text_path.stem),
                        url=g.record.get("url")) for g in golds]
    fuser = Fuser()
    truths: dict[str, str | None] = {}
    report = FusionReport()
    pending: list[tuple[str, dict[str, Any], str]] = []
    for gold, result in zip(golds, extractor.run(articles)):
        outlet = outlet_of(result.article.source, result.article.url, result.article.id)
        events = [e.to_dict() for e in result.events]
        for event in events:
            fuser.add(event, outlet)
        for story, entry in (gold.record.get("stories") or {}).items():
            truths[story] = (entry or {}).get("truth")
        report.gold_events += len(gold.events)
        for g, p in one_to_one(result.events, gold.events).items():
            if gold.events[g].get("story"):
                pending.append((gold.name, events[p], gold.events[g]["story"]))
    stories = {r["story_id"]: r for r in fuser.records()}
    member_of = {m["event_id"]: sid for sid, r in stories.items() for m in r["members"]}
    matched = [Matched(article, story, event, member_of.get(event["event_id"])) for article, event, story in pending]
    report.matched = len(matched)
    gold_story_articles: dict[str, set[str]] = defaultdict(set)
    for g in golds:
        for ev in g.events:
            if ev.get("story"):
                gold_story_articles[ev["story"]].add(g.name)
    report.gold_stories = len(gold_story_articles)
    report.multi = sum(len(a) >= 2 for a in gold_story_articles.values())
    score_pairs(report, matched)
    score_intervals(report, matched, stories, truths)
    print(render(report, len(golds), len(stories), args.verbose))
    return 0


def render(report: FusionReport, n_articles: int, n_stories: int, verbose: bool) -> str:
    p, r, f = report.pairs.prf()
    d = report.dated or 1
    lines = [
        f"{n_articles} gold article(s), {report.gold_stories} gold stories ({report.multi} in 2+ articles), "
        f"{report.matched}/{report.gold_events} gold events matched, {n_stories} predicted stories",
        f"same-story pairs  P {p:.2f}  R {r:.2f}  F1 {f:.2f}  ({report.pairs.hit_pred}/{report.pairs.pred} predicted, "
        f"{report.pairs.hit_gold}/{report.pairs.gold} gold pairs)",
        f"known-day stories {report.dated}: interval contains truth {report.contained}/{report.dated} "
        f"({report.contained / d:.0%}), exact {report.exact}/{report.dated}, "
        f"no wider than the narrowest single report {report.no_wider}/{report.dated} ({report.no_wider / d:.0%})",
        f"  where no single report pins the day: strictly narrower {report.narrower}/{report.unpinned}",
    ]
    if verbose:
        lines += report.notes
    return "\n".join(lines)
