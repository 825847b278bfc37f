"""Scene time: the date an event takes when no date word of its own governs it.

News sets a scene and then narrates in it: "Lundi, le ministre est arrivé à Rome. Il a ensuite
rencontré son homologue." The meeting happened on that Monday, not on any day of the month the
header allows. The scene is, in order:

1. the nearest day that opens a sentence ("Lundi, ...", "Le 9 mars, ...") in the event's
   paragraph, up to its own sentence;
2. the day of the news, which the date resolver sets as ``doc._.news_day``: the first day named in the
   headline or lead, outside quotes, told as past or today (not a dateline's date, which dates the
   article), for an event told in the passé composé or the present. Background (imparfait,
   plus-que-parfait) and future events do not take it.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Span, Token

from stream.core.records import TimeInfo, Timex
from stream.dates.context import verb_tense

_SCENE_GRANULARITIES = {"day", "part_of_day", "time"}
_FRONT = " \t«(\"“"
_MAX_HOPS = 4


def scene_time(text: str, timexes: Sequence[Timex], sent_start: int, trigger: Span) -> Timex | None:
    """The day that frames an event whose trigger is `trigger` (sentence starting at `sent_start`), or None."""
    par_start = text.rfind("\n", 0, sent_start) + 1
    days = [tx for tx in timexes if tx.type in ("DATE", "TIME") and tx.granularity in _SCENE_GRANULARITIES
            and tx.earliest and tx.latest and "depuis" not in text[max(0, tx.start - 8):tx.start].lower()]
    scenes = [tx for tx in days if par_start <= tx.start <= sent_start and _fronted(text, tx)]
    if scenes:
        return max(scenes, key=lambda tx: tx.start)
    if _narrative_tense(trigger) not in ("past", "present"):
        return None
    return trigger.doc._.news_day


def inherited(tx: Timex) -> TimeInfo:
    """The scene's time as an event's: no words of its own (text null), the anchor says where from."""
    return TimeInfo(None, tx.value, tx.earliest, tx.latest, tx.granularity, f"scene:{tx.text}|{tx.anchor}")


def _fronted(text: str, tx: Timex) -> bool:
    """'Lundi, ...', 'Le 9 mars, ...': a date that opens its sentence, set off by a comma, frames what follows."""
    opening = text[max(0, tx.start - 3):tx.start]
    opens = not opening.strip(_FRONT) or opening.rstrip(_FRONT)[-1:] in ".!?\n"
    return opens and text[tx.end:tx.end + 2].lstrip().startswith(",")


def _narrative_tense(trigger: Span) -> str | None:
    """'past' (passé composé), 'present', 'future', 'background' (imparfait, plus-que-parfait) or None,
    from the trigger's verb, else the verb or copula above it ('pour protester' takes the tense of the
    verb it depends on, 'au cœur des discussions' that of 'sont')."""
    token: Token = trigger.root
    for _ in range(_MAX_HOPS):
        verb = token if token.pos_ in ("VERB", "AUX") else next((c for c in token.children if c.dep_ == "cop"), None)
        if verb is not None:
            tense = _background(verb) or verb_tense(verb)
            if tense is not None or verb.morph.get("VerbForm") not in (["Inf"], ["Part"]):
                return tense
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _background(verb: Token) -> str | None:
    if verb.morph.get("Tense") == ["Imp"]:
        return "background"
    if verb.morph.get("VerbForm") == ["Part"] and any(
            c.dep_.startswith("aux") and c.morph.get("Tense") == ["Imp"] for c in verb.children):
        return "background"
    return None
