"""Normalisation: each mention becomes a TIMEX3 type and value plus the honest interval of days.

Relative expressions are functions of the publication day P.  All of them in one article
share the same unknown P, which the header bounds (a day, or a whole month) and explicit
dates in the text narrow (a past-tense "le 10 janvier" means P >= 10 January).  The value
is exact when every feasible P gives the same answer; otherwise it is underspecified and
`earliest`/`latest` hold every day the text and header allow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from spacy.tokens import Doc

from stream.core.article import DocDate
from stream.core.records import Granularity, Timex, TimexType
from stream.dates import days
from stream.dates.context import Tense, governing_tense, imperfective, quote_spans
from stream.dates.days import Point
from stream.dates.dateline import dateline_kind
from stream.dates.grammar import Mention, find_mentions, lookup

Relative = Callable[[date], Point]
"""A period as a function of the publication day (or of another reference day)."""

_GRANULARITY: dict[str, Granularity] = {
    "TS": "time", "TM": "time", "TH": "time", "D": "day", "W": "week", "WE": "week", "M": "month",
    "6M": "month", "Q": "quarter", "Y": "year", "DE": "decade", "CE": "century",
}
_DURATION_UNIT = {"TS": "S", "TM": "M", "TH": "H", "6M": "M"}
_REFS_OPEN = {"PAST_REF": (False, True), "FUTURE_REF": (True, False), "PRESENT_REF": (True, True)}
#: The news day is named within this many characters of the start (headline and lead), at most
#: this many days before the first possible publication day.
_LEAD = 600
_NEWS_AGE = 10
_AGE_BEFORE = re.compile(r"(?:([\w-]+)\s+d[e']|[,(])\s*$")
_AGE_AFTER = re.compile(r"\s*[,)]")
_OF_AFTER = re.compile(r"\s+d[e'’]", re.IGNORECASE)
_OF_BEFORE = re.compile(r"(?:\bde|\bd')\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Reading:
    """What a rule makes of a mention, before the publication day is known.

    Exactly one of `point` (a fixed period), `at` (a period depending on the publication
    day) or `value` alone (durations, sets, PRESENT_REF...) carries the meaning; with
    `at`, `value` is the underspecified form used when the article has no date.
    """

    type: TimexType
    granularity: Granularity
    anchor: str
    point: Point | None = None
    at: Relative | None = None
    value: str | None = None
    suffix: str = ""

    @property
    def is_day(self) -> bool:
        """Whether this can anchor a clock time or 'le lendemain'."""
        return (self.point is not None or self.at is not None) and self.granularity in ("day", "part_of_day", "time")

@dataclass(slots=True)
class PubDays:
    """The publication days the header allows, narrowed by the text."""

    days: list[date]
    label: str
    narrowed: list[str] = field(default_factory=list)

    @classmethod
    def from_header(cls, dct: DocDate | None) -> "PubDays | None":
        if dct is None:
            return None
        first, last = dct.first_day, dct.last_day
        span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        return cls(span, f"dct:{'day' if dct.precision == 'datetime' else dct.precision}")

    @property
    def lo(self) -> date:
        return self.days[0]

    @property
    def hi(self) -> date:
        return self.days[-1]

    @property
    def anchor(self) -> str:
        return self.label + ("+narrowed" if self.narrowed else "")

    def narrow(self, keep: Callable[[date], bool], why: str) -> None:
        """Keep the days that satisfy `keep`, unless that would leave none (the text then contradicts itself)."""
        kept = [d for d in self.days if keep(d)]
        if kept and len(kept) < len(self.days):
            self.days = kept
            self.narrowed.append(why)


@lru_cache(maxsize=4096)
def _absolute_day(text: str) -> date | None:
    """dateparser for what it does well: a complete French date; REQUIRE_PARTS stops it filling gaps from today."""
    import dateparser

    parsed = dateparser.parse(text, languages=["fr"], settings={"REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date() if parsed else None


def _number(text: str | None) -> float | None:
    """'24', '30,4', 'dix-huit', 'vingt-cinq' -> number."""
    if not text:
        return None
    text = text.lower()
    if text[0].isdigit():
        return float(text.replace(",", "."))
    whole = lookup("number", text)
    if whole is not None:
        return whole
    parts = [lookup("number", part) for part in text.split("-")]
    return sum(parts) if all(p is not None for p in parts) else None


def _amount(m: Mention) -> float | None:
    """The number of units: 'trois', '24', or the round figure of 'une dizaine de'."""
    return _number(m.get("n")) if m.get("n") else lookup("approx_number", m.get("about"))


def _is_this(m: Mention) -> bool:
    """'ce', 'cet', 'cette': the period containing the reference day."""
    return lookup("this", m.get("det")) is not None


def _fmt(n: float) -> str:
    return str(int(n)) if n == int(n) else f"{n:g}"


def _year(text: str, pivot: int | None) -> int:
    """Two-digit years: '98' is 1998 and '03' 2003, relative to the header year when there is one."""
    y = int(text.lstrip("'"))
    if y >= 100:
        return y
    pivot = pivot if pivot is not None else 2000
    century = pivot // 100 * 100
    return century + y if century + y <= pivot + 10 else century - 100 + y


class DocResolver:
    """Resolves the mentions of one document; created per doc by `Resolver`."""

    def __init__(self, doc: Doc, dct: DocDate | None) -> None:
        self.doc = doc
        self.text = _doc_text(doc)
        self.dct = dct
        self.pub = PubDays.from_header(dct)
        self.quotes = quote_spans(doc, self.text)
        self._tense: dict[int, Tense | None] = {}
        #: The day the news happened (first unquoted relative day), the default time of quoted speech.
        self.news: tuple[Relative, str] | None = None
        self.mentions: list[Mention] = []
        #: Explicit days of the story (start, day, text), which a later bare weekday may name again.
        self.explicit_days: list[tuple[int, date, str]] = []
        #: The timex naming the day the article reports, once `run` has found it (see scene.py).
        self.news_day: Timex | None = None

    def run(self) -> list[Timex]:
        """Explicit dates first (they narrow P), then deictics and weekdays (unquoted ones first,
        since the first of them fixes the news day), then what hangs on an earlier day."""
        mentions = [m for m in find_mentions(self.text) if self._keep(m)]
        self.mentions = mentions
        readings: list[Reading | None] = [None] * len(mentions)
        relative = ("deictic", "weekday")
        for i, m in enumerate(mentions):
            if m.rule.method not in relative:
                readings[i] = getattr(self, m.rule.method)(m)
        order = sorted((i for i, m in enumerate(mentions) if m.rule.method in relative),
                       key=lambda i: (self.in_quote(mentions[i]), i))
        for i in order:
            readings[i] = getattr(self, mentions[i].rule.method)(mentions[i])
            if self.news is None and not self.in_quote(mentions[i]) and readings[i].granularity == "day":
                self.news = (readings[i].at, mentions[i].text)
        self._link(mentions, readings)
        timexes = [self._timex(m, r) for m, r in zip(mentions, readings) if r is not None]
        kept = [m for m, r in zip(mentions, readings) if r is not None]
        self.news_day = next((t for m, t in zip(kept, timexes) if self._is_news_day(m, t)), None)
        return timexes

    # ---- context ---------------------------------------------------------------------------

    def tense(self, m: Mention) -> Tense | None:
        """Direction words ('depuis') first, then the governing verb's tense."""
        if m.start not in self._tense:
            before = self.text[max(0, m.start - 12):m.start].lower().replace("’", "'").split()
            cue = lookup("direction_cue", " ".join(before[-2:])) or lookup("direction_cue", before[-1] if before else None)
            self._tense[m.start] = cue or governing_tense(self.doc, m.start, m.end)
        return self._tense[m.start]

    def in_quote(self, m: Mention) -> bool:
        return any(a <= m.start and m.end <= b for a, b in self.quotes)

    def base(self) -> str:
        return self.pub.anchor if self.pub else "no-dct"

    def direction(self, m: Mention) -> str:
        """'prochain' is strictly after, 'dernier' strictly before; else the verb decides (a bare weekday
        in the present is a schedule: 'le sommet s'ouvre lundi'); else nearest."""
        if m.get("rel") and lookup("next", m.get("rel")):
            return "after"
        if m.get("rel") and lookup("last", m.get("rel")):
            return "before"
        tense = self.tense(m)
        if tense == "present" and m.rule.method == "weekday":
            return "forward"
        return {"past": "back", "future": "forward"}.get(tense or "", "nearest")

    def choose(self, candidates: list[Point], direction: str) -> Point:
        """Pick the candidate (e.g. the year of 'le 10 janvier') compatible with the direction for some
        feasible publication day, nearest to the feasible days; ties go to the later one."""
        lo, hi = (self.pub.lo, self.pub.hi) if self.pub else (candidates[0].first, candidates[-1].last)
        ok = {
            "back": lambda c: c.first <= hi, "before": lambda c: c.last < hi,
            "forward": lambda c: c.last >= lo, "after": lambda c: c.first > lo,
        }.get(direction, lambda c: True)
        pool = [c for c in candidates if ok(c)] or candidates

        def distance(c: Point) -> tuple[int, date]:
            gap = max((lo - c.last).days, (c.first - hi).days, 0)
            return gap, -c.first.toordinal()

        return min(pool, key=distance)

    # ---- rules: one method per 'rule' name in patterns.json --------------------------------

    def date(self, m: Mention) -> Reading | None:
        d, month = (1 if m.get("day") in ("1er", "premier") else int(m.get("day") or 0)), lookup("month", m.get("month"))
        wd = lookup("weekday", m.get("wd"))
        if m.get("year"):
            y = _year(m.get("year"), self.dct.start.year if self.dct else None)
            text = f"{d} {m.get('month')} {y}"
            found = _absolute_day(text) if len(m.get("year")) == 4 else days.safe_date(y, month, d)
            if found is None:
                return None
            return self._day(m, days.day(found), "absolute")
        if self.pub is None:
            return Reading("DATE", "day", "no-dct", value=f"XXXX-{month:02d}-{d:02d}")
        years = range(self.pub.lo.year - 1, self.pub.hi.year + 2)
        candidates = [days.day(c) for y in years if (c := days.safe_date(y, month, d))]
        if wd:
            candidates = [c for c in candidates if c.first.isoweekday() == wd] or candidates
        direction = self.direction(m)
        point = self.choose(candidates, direction)
        why = "weekday" if wd else direction
        return self._day(m, point, f"{self.base()}+year:{why}")

    def date_numeric(self, m: Mention) -> Reading | None:
        y = _year(m.get("year"), self.dct.start.year if self.dct else None)
        found = days.safe_date(y, int(m.get("month")), int(m.get("day")))
        if found is None:
            return None
        return self._day(m, days.day(found), "absolute")

    def month(self, m: Mention) -> Reading | None:
        month = lookup("month", m.get("month"))
        if m.get("year"):
            y = _year(m.get("year"), self.dct.start.year if self.dct else None)
            return Reading("DATE", "month", "absolute", point=days.month(y, month))
        if self.pub is None:
            return Reading("DATE", "month", "no-dct", value=f"XXXX-{month:02d}")
        years = range(self.pub.lo.year - 1, self.pub.hi.year + 2)
        direction = self.direction(m)
        point = self.choose([days.month(y, month) for y in years], direction)
        return Reading("DATE", "month", f"{self.base()}+year:{direction}", point=point)

    def ordinal_weekday(self, m: Mention) -> Reading | None:
        """'le deuxième mardi de septembre', 'le premier week-end de mai': the year as for a bare month."""
        month_reading = self.month(m)
        if month_reading is None or month_reading.point is None:
            return None
        first, last = month_reading.point.first, month_reading.point.last
        n, wd = lookup("ordinal", m.get("ord")), lookup("weekday", m.get("wd")) or 6
        if n > 0:
            d = days.weekday_near(first, wd, "forward") + timedelta(weeks=n - 1)
        else:
            d = days.weekday_near(last, wd, "back")
        if d > last:
            return None
        point = days.weekend(d) if m.get("we") else days.day(d)
        granularity: Granularity = "week" if m.get("we") else "day"
        return Reading("DATE", granularity, month_reading.anchor + f"+ordinal:{n}", point=point)

    def year(self, m: Mention) -> Reading:
        return Reading("DATE", "year", "absolute", point=days.year(int(m.get("year"))))

    def decade(self, m: Mention) -> Reading:
        raw = m.get("decade")
        if raw.isdigit():
            first = int(raw) if len(raw) == 4 else 1900 + int(raw)
        else:
            first = 1900 + 10 * lookup("decade_word", raw)
        return Reading("DATE", "decade", "absolute", point=days.decade(first))

    def century(self, m: Mention) -> Reading:
        raw = m.get("century")
        number = int(raw) if raw.isdigit() else lookup("century_roman", raw)
        return Reading("DATE", "century", "absolute", point=days.century(number))

    def deictic(self, m: Mention) -> Reading:
        k = lookup("deictic_day", m.get("deic"))
        if k == 0 and not (m.get("wd") or m.get("pod") or m.get("clock")) and self._nowadays(m):
            return Reading("TIME", "none", self.base() + "+nowadays", value="PRESENT_REF")
        ref, how = self.speech_day(m)
        suffix, type_, gran = self._time_suffix(m)
        wd = lookup("weekday", m.get("wd"))
        if wd and ref is None:
            self.pub and self.pub.narrow(lambda p: (p + timedelta(days=k)).isoweekday() == wd, m.text)
        at = self._shifted(ref, k, suffix)
        return Reading(type_, gran, f"{how}+offset:{k:+d}d", at=at, value="XXXX-XX-XX" + suffix, suffix=suffix)

    def weekday(self, m: Mention) -> Reading:
        wd = lookup("weekday", m.get("wd"))
        if dateline_kind(self.text, m.start, m.end) == "published":  # "PARIS, mercredi (AFP) -"
            self.pub and self.pub.narrow(lambda p: p.isoweekday() == wd, f"dateline:{m.text}")
            return Reading("DATE", "day", "dateline", at=lambda p: days.day(p), value=f"XXXX-WXX-{wd}")
        if m.get("det") == "le" and not (m.get("rel") or m.get("pod") or m.get("same")):
            return Reading("SET", "day", "set:habitual", value=f"XXXX-WXX-{wd}")  # 'ouvert le mercredi'
        direction = self.direction(m)
        ref, how = self.speech_day(m)
        suffix, type_, gran = self._time_suffix(m)

        def at(p: date) -> Point:
            return days.day(days.weekday_near(ref(p).first if ref else p, wd, direction), suffix)

        same = self._same_day_told(m, wd, at)
        if same is not None:  # 'Lundi 9 décembre, ... Lundi, il a ...': that Monday again
            return Reading(type_, gran, f"{how}+weekday:{direction}+same-as:{same[1]}",
                           point=days.day(same[0], suffix), suffix=suffix)
        return Reading(type_, gran, f"{how}+weekday:{direction}", at=at, value=f"XXXX-WXX-{wd}" + suffix, suffix=suffix)

    def _same_day_told(self, m: Mention, wd: int, at: Relative) -> tuple[date, str] | None:
        """The latest explicit day of the story told before `m` on its weekday, if the publication days
        still allow it (one told after it was measured to mislead as often as it helps)."""
        if self.pub is None or m.get("rel") or self.in_quote(m):
            return None
        lo, hi = at(self.pub.lo).first, at(self.pub.hi).first
        told = [(d, text) for start, d, text in self.explicit_days
                if start < m.start and d.isoweekday() == wd and lo <= d <= hi]
        return told[-1] if told else None

    def period(self, m: Mention) -> Reading | None:
        unit = lookup("period", m.get("period"))
        rel = m.get("rel")
        if not rel and not _is_this(m) and not m.get("mod"):
            return None  # 'toute l'année' is no particular year; 'la fin de l'année' is this one's end
        k = 0 if not rel or rel.startswith("en") else lookup("next", rel) or lookup("last", rel)
        ref, how = self.speech_day(m)
        past_weekend = unit == "WE" and k == 0 and self.tense(m) == "past"

        def at(p: date) -> Point:
            p = ref(p).first if ref else p
            shift = -1 if past_weekend and p.isoweekday() < 6 else k
            return days.shift(days.period_of(p, unit), unit, shift)

        fallback = {"W": "XXXX-WXX", "WE": "XXXX-WXX-WE", "M": "XXXX-XX", "Q": "XXXX-QX"}.get(unit, "XXXX")
        return Reading("DATE", _GRANULARITY[unit], f"{how}+offset:{k:+d}{unit}", at=at, value=fallback)

    def new_year(self, m: Mention) -> Reading:
        """'la nouvelle année' is the year just begun in its first half, the coming one after; 'le nouvel an' its 1 January."""
        unit = lookup("new_year", m.get("ny"))
        ref, how = self.speech_day(m)

        def at(p: date) -> Point:
            p = ref(p).first if ref else p
            y = p.year + (p.month > 6)
            return days.year(y) if unit == "Y" else days.day(date(y, 1, 1))

        gran: Granularity = "year" if unit == "Y" else "day"
        return Reading("DATE", gran, f"{how}+new-year", at=at, value="XXXX" if unit == "Y" else "XXXX-01-01")

    def season(self, m: Mention) -> Reading:
        code = lookup("season", m.get("season"))
        if m.get("year"):
            return Reading("DATE", "season", "absolute", point=days.season(int(m.get("year")), code))
        if self.pub is None or not (m.get("det") in ("ce", "cet") or m.get("rel") or self.tense(m) == "past"):
            return Reading("DATE", "season", "generic", value=f"XXXX-{code}")
        years = range(self.pub.lo.year - 1, self.pub.hi.year + 2)
        direction = self.direction(m)
        point = self.choose([days.season(y, code) for y in years], direction)
        return Reading("DATE", "season", f"{self.base()}+year:{direction}", point=point)

    def part_of_day(self, m: Mention) -> Reading:
        """'ce soir' is tonight; 'la nuit', 'le matin même' belong to the day last talked about."""
        code = lookup("part_of_day", m.get("pod"))
        if _is_this(m):
            ref, how = self.speech_day(m)
            return Reading("TIME", "part_of_day", how, at=self._shifted(ref, 0, f"T{code}"),
                           value=f"XXXX-XX-XXT{code}", suffix=f"T{code}")
        return Reading("TIME", "part_of_day", "ref", value=f"T{code}", suffix=f"T{code}")

    def generic_part_of_day(self, m: Mention) -> Reading:
        return Reading("TIME", "part_of_day", "generic", value=f"T{lookup('pod_adjective', m.get('pod'))}")

    def clock(self, m: Mention) -> Reading:
        if m.get("word"):
            hhmm = lookup("clock_word", m.get("word"))
        else:
            hhmm = f"{int(m.get('h')):02d}:{int(m.get('m') or 0):02d}"
        return Reading("TIME", "time", "ref", value=f"T{hhmm}", suffix=f"T{hhmm}")

    def anaphoric(self, m: Mention) -> Reading:
        k = lookup("anaphoric_day", m.get("ana"))
        suffix, type_, gran = self._time_suffix(m)
        return Reading(type_, gran, f"ref{k:+d}d", value=f"{k}", suffix=suffix)

    def counted(self, m: Mention) -> Reading | None:
        """'il y a une semaine' is the day a week before the reference day, 'dans trois jours' the day
        three days after it; 'il y a deux ans' is that year, 'dans six mois' that month."""
        unit, n = lookup("unit", m.get("unit")), _amount(m)
        if unit not in ("D", "W", "M", "Y") or n is None or n != int(n):
            return self.duration(m)
        k = int(n) if m.get("ahead") else -int(n)
        ref, how = self.speech_day(m)
        # 'il y a une dizaine d'années', 'il y a environ deux ans': a fifth either way, at least one unit
        spread = max(1, round(abs(k) / 5)) if _mod(m) == "APPROX" else 0

        def shifted(p: date, j: int) -> Point:
            if unit == "M":
                return days.month(*days.add_months(p.year, p.month, j))
            if unit == "Y":
                return days.year(p.year + j)
            return days.day(p + timedelta(days=j * (7 if unit == "W" else 1)))

        def at(p: date) -> Point:
            p = ref(p).first if ref else p
            point = shifted(p, k)
            if not spread:
                return point
            return days.Point(point.value, shifted(p, k - spread).first, shifted(p, k + spread).last)

        gran: Granularity = {"M": "month", "Y": "year"}.get(unit, "day")
        fallback = {"month": "XXXX-XX", "year": "XXXX"}.get(gran, "XXXX-XX-XX")
        return Reading("DATE", gran, f"{how}+{'ahead' if k > 0 else 'ago'}:{k:+d}{unit}", at=at, value=fallback)

    def duration(self, m: Mention) -> Reading | None:
        if m.get("noun"):
            value = lookup("unit_noun", m.get("noun"))
            return Reading("DURATION", _GRANULARITY.get(value[-1], "none"), "duration", value=value)
        unit = lookup("unit", m.get("unit"))
        n = _amount(m)
        if m.get("vague") or (m.get("rel") and n is None):
            amount = "X"
        elif n is None:
            return None
        else:
            amount = _fmt(n * 6 if unit == "6M" else n)
        t = "T" if unit.startswith("T") else ""
        return Reading("DURATION", _GRANULARITY[unit], "duration",
                       value=f"P{t}{amount}{_DURATION_UNIT.get(unit, unit)}")

    def set(self, m: Mention) -> Reading:
        if m.get("adj"):
            value = lookup("set_adjective", m.get("adj"))
            return Reading("SET", _GRANULARITY.get(value[-1], "none"), "set", value=value)
        wd = lookup("weekday", m.get("wd")) or lookup("weekday_plural", m.get("wd"))
        if wd:
            return Reading("SET", "day", "set", value=f"XXXX-WXX-{wd}")
        if m.get("season"):  # 'chaque été'
            return Reading("SET", "season", "set", value=f"XXXX-{lookup('season', m.get('season'))}")
        unit = lookup("unit", m.get("unit"))
        n = _number(m.get("n")) or 1
        t = "T" if unit.startswith("T") else ""
        amount = _fmt(n * 6 if unit == "6M" else n)
        return Reading("SET", _GRANULARITY[unit], "set", value=f"P{t}{amount}{_DURATION_UNIT.get(unit, unit)}")

    def vague(self, m: Mention) -> Reading:
        return Reading("TIME", "none", self.base(), value=lookup("vague", m.get("vague")))

    # ---- helpers ---------------------------------------------------------------------------

    def _is_news_day(self, m: Mention, t: Timex) -> bool:
        """The day the article reports: named in the headline or lead, outside quotes, a day (not a
        dateline, not 'il y a deux semaines'), told as past or today, recent and not after publication."""
        if m.start >= _LEAD or self.in_quote(m) or t.granularity not in ("day", "part_of_day", "time"):
            return False
        if t.type not in ("DATE", "TIME") or not t.earliest or t.anchor.startswith("dateline") or "ago:" in t.anchor:
            return False
        if any(cue in t.anchor for cue in ("forward", "after", "future")):
            return False
        if self.pub is None:
            return True
        recent = (self.pub.lo - timedelta(days=_NEWS_AGE)).isoformat()
        # told as past (a past tense, 'dernier', 'hier', 'aujourd'hui'): a date with no tense may be
        # the day of a coming event even when it cannot follow publication (measured on the corpus dev split)
        told_as_past = any(cue in t.anchor for cue in ("back", "before", "past", "offset:-", "offset:+0"))
        return told_as_past and recent <= t.earliest and t.latest is not None and t.latest <= self.pub.hi.isoformat()

    def _nowadays(self, m: Mention) -> bool:
        """'aujourd'hui' as 'nowadays': 'la France d'aujourd'hui', 'aujourd'hui encore', or a detached
        'Aujourd'hui,' opening a sentence that states how things are (a state or change-of-state verb,
        not a future) or that answers a past period named in it or in the sentence before."""
        before = self.text[max(0, m.start - 40):m.start]
        after = self.text[m.end:m.end + 12]
        if _OF_BEFORE.search(before):
            noun = before.split()[-2] if len(before.split()) >= 2 else ""
            return lookup("scheduled_noun", noun) is None  # 'la réunion d'aujourd'hui' is the day
        if re.match(r"\s+encore\b", after, re.I) or re.search(r"\bencore\s+$", before, re.I):
            return True
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not self.doc.has_annotation("SENT_START") or span.start != span.sent.start:
            return False
        if not after.lstrip(" ").startswith(","):
            return False
        sent = span.sent
        if self.tense(m) == "future":
            return False
        if lookup("state_verb", sent.root.lemma_) is not None:
            return True
        lo = self.doc[sent.start - 1].sent.start_char if sent.start > 0 else sent.start_char
        year = self.pub.lo.year if self.pub else None
        return any(lo <= o.start < sent.end_char and _is_past_period(o, year) for o in self.mentions)

    def _time_suffix(self, m: Mention) -> tuple[str, TimexType, Granularity]:
        if m.get("clock"):
            word = lookup("clock_word", m.get("clock"))
            hhmm = word or ":".join(f"{int(x):02d}" for x in (re.findall(r"\d+", m.get("clock")) + ["0"])[:2])
            return f"T{hhmm}", "TIME", "time"
        if m.get("pod"):
            return f"T{lookup('part_of_day', m.get('pod'))}", "TIME", "part_of_day"
        return "", "DATE", "day"

    @staticmethod
    def _shifted(ref: Relative | None, k: int, suffix: str) -> Relative:
        def at(p: date) -> Point:
            base = ref(p).first if ref else p
            return days.day(base + timedelta(days=k), suffix)

        return at

    def _day(self, m: Mention, point: Point, anchor: str) -> Reading:
        """An explicit day: the publication day itself in a dateline, else a bound on it by its tense
        (not an imparfait's), which the anchor records."""
        if self._publication(m, point.first):
            return Reading("DATE", "day", "dateline", point=point)
        tense = "imperfect" if imperfective(self.doc, m.start, m.end) else self.tense(m)
        if tense != "imperfect":
            self._constrain(point.first, tense, m.text)
        today = self._today_before(m)
        if today is not None and self.pub is not None:  # 'aujourd'hui 12 juillet', 'ce soir, mercredi 11 juillet'
            self.pub.narrow(lambda p: p + timedelta(days=today) == point.first, f"{m.text}=today{today:+d}d")
        self.explicit_days.append((m.start, point.first, m.text))
        if tense:
            head, _, rest = anchor.rpartition("+year:")
            anchor = f"{head}+tense:{tense}+year:{rest}" if head else f"{anchor}+tense:{tense}"
        return Reading("DATE", "day", anchor, point=point)

    def _today_before(self, m: Mention) -> int | None:
        """The day offset of a deictic ('aujourd'hui', 'demain', 'ce soir') right before `m`, in
        apposition to it; None when there is none."""
        for o in self.mentions:
            if o.end <= m.start and not self.text[o.end:m.start].strip(" ,"):
                if o.rule.method == "deictic" and not o.get("wd"):
                    return lookup("deictic_day", o.get("deic"))
                if o.rule.method == "part_of_day" and _is_this(o):
                    return 0
        return None

    def _publication(self, m: Mention, d: date) -> bool:
        """A date in a dateline is the publication day ('mis à jour le' bounds it from above). True when it was one."""
        kind = dateline_kind(self.text, m.start, m.end)
        if kind is not None and self.pub is not None:
            if kind == "updated":
                self.pub.narrow(lambda p: p <= d, f"updated:{m.text}")
            else:
                self.pub.narrow(lambda p: p == d, f"dateline:{m.text}")
        return kind is not None


    def _constrain(self, d: date, tense: Tense | None, why: str) -> None:
        """A past event is not after publication; a future one not before."""
        if self.pub is None or tense not in ("past", "future"):
            return
        if tense == "past":
            self.pub.narrow(lambda p: p >= d, f"{why}<=P")
        else:
            self.pub.narrow(lambda p: p <= d, f"{why}>=P")

    def speech_day(self, m: Mention) -> tuple[Relative | None, str]:
        """Quoted 'demain' counts from the day of the statement: the day of the news when the
        article gives it, else the publication day."""
        if self.news is not None and self.in_quote(m):
            return self.news[0], f"quote:speech-day={self.news[1]}@{self.base()}"
        tense = self.tense(m) if m.rule.method in ("weekday", "period") else None
        return None, self.base() + (f"+tense:{tense}" if tense else "")

    def _link(self, mentions: list[Mention], readings: list[Reading | None]) -> None:
        """Give clock times, 'la nuit' and 'le lendemain' the day they hang on: a day named
        earlier in the sentence, else later in it (not for 'le lendemain'), else earlier in the text."""
        sents = [self._sentence(m) for m in mentions]
        for i, (m, r) in enumerate(zip(mentions, readings)):
            if r is None or not r.anchor.startswith("ref"):
                continue
            before = [j for j in range(i - 1, -1, -1) if readings[j] is not None and readings[j].is_day]
            after = [j for j in range(i + 1, len(mentions)) if readings[j] is not None and readings[j].is_day
                     and sents[j] == sents[i] and m.rule.method != "anaphoric"]
            same = [j for j in before if sents[j] == sents[i]]
            j = (same or after or before or [None])[0]
            readings[i] = self._anchored(r, None, None) if j is None else self._anchored(r, readings[j], mentions[j].text)

    def _anchored(self, r: Reading, ref: Reading | None, ref_text: str | None) -> Reading:
        """`r` ('ref', value = day offset for 'le lendemain') resolved against the day of `ref`."""
        k = int(r.value) if r.value and r.value.lstrip("-").isdigit() else 0
        if ref is None:
            at, how = self._shifted(None, k, r.suffix), self.base()
        else:
            at, how = self._shifted(ref.at or (lambda p, pt=ref.point: pt), k, r.suffix), f"ref:{ref_text}"
        return Reading(r.type, r.granularity, f"{how}+offset:{k:+d}d", at=at, value="XXXX-XX-XX" + r.suffix, suffix=r.suffix)

    def _sentence(self, m: Mention) -> int:
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        return span[0].sent.start if span is not None and len(span) and self.doc.has_annotation("SENT_START") else -1

    def _keep(self, m: Mention) -> bool:
        """Drop matches whose POS rules them out ('a été' is not summer) and ages ('une fillette de 6 ans')."""
        for group, tags in m.rule.deny_pos.items():
            if group in m.spans and not m.rule.deny_unless & m.spans.keys():
                span = self.doc.char_span(*m.spans[group], alignment_mode="expand")
                if span is not None and len(span) and span[0].pos_ in tags:
                    return False
        before = self.text[max(0, m.start - 30):m.start]
        if m.rule.name == "season" and not m.get("det") and _OF_BEFORE.search(before):
            return False  # 'les Jeux d'hiver', 'sports d'été' name a kind, not a time
        if m.rule.method == "duration" and lookup("approx", m.get("approx")) in ("LESS_THAN", "MORE_THAN") \
                and re.search(r"\b(?:les|aux|des)\s+$", before, re.IGNORECASE):
            return False  # 'interdit aux moins de 12 ans', 'les plus de 65 ans': an age group
        if m.rule.method == "duration" and m.get("unit") in ("an", "ans", "année", "années"):
            ctx = _AGE_BEFORE.search(before)
            after = self.text[m.end:m.end + 4]
            if ctx and (lookup("age_noun", ctx.group(1)) or ctx.group(1) and not _OF_AFTER.match(after)
                        or not ctx.group(1) and _AGE_AFTER.match(after)):
                return False  # 'une fillette de 6 ans', 'Jean Dupont, 38 ans,'; not 'de trois ans de tractations'
        return True

    def _timex(self, m: Mention, r: Reading) -> Timex:
        earliest = latest = None
        value = r.value
        single = r.point is not None  # one period whatever the publication day: 'début' may narrow it
        if r.point is not None:
            value, earliest, latest = r.point.value, r.point.first, r.point.last
        elif r.at is not None and self.pub is not None:
            a, b = r.at(self.pub.lo), r.at(self.pub.hi)
            value, earliest, latest, single = (a.value if a == b else _vague_value(a, b, r)), a.first, b.last, a == b
        elif value in _REFS_OPEN and self.pub is not None:
            lo_open, hi_open = _REFS_OPEN[value]
            earliest = self.pub.lo if lo_open else None
            latest = self.pub.hi if hi_open else None
        mod = _mod(m)
        if mod in ("START", "MID", "END") and single and earliest and latest:
            earliest, latest = days.part(earliest, latest, r.granularity, mod)
        anchor = r.anchor
        if self.pub is not None and self.pub.narrowed and r.at is not None:
            anchor += "|P:" + ",".join(self.pub.narrowed)
        return Timex(m.start, m.end, m.text, r.type, value,
                     earliest.isoformat() if earliest else None, latest.isoformat() if latest else None,
                     r.granularity, anchor, mod)


def _doc_text(doc: Doc) -> str:
    """The doc's text. Doc.text joins every token (a third of this component's time): the article's
    text is the same characters, since our tokenizer neither adds nor drops any."""
    article = doc._.article
    if article is None or not len(doc):
        return doc.text
    last = doc[-1]
    if article.text[last.idx:last.idx + len(last)] != last.text:  # a doc not made from this article's text
        return doc.text
    return article.text[:last.idx + len(last.text_with_ws)]


def resolve(doc: Doc, dct: DocDate | None) -> tuple[list[Timex], Timex | None]:
    """The timexes of a parsed doc, resolved against its document date (None: underspecified values),
    and the one that names the day the article reports, if any."""
    resolver = DocResolver(doc, dct)
    return resolver.run(), resolver.news_day


def _is_past_period(m: Mention, year: int | None) -> bool:
    """A period that is over: 'autrefois', 'il y a dix ans', 'en 1950' (before the header's year)."""
    if m.rule.method == "vague":
        return lookup("vague", m.get("vague")) == "PAST_REF"
    if m.rule.method == "counted":
        return bool(m.get("back"))
    if m.rule.method in ("year", "decade", "century") and year is not None:
        found = re.search(r"\d{4}", m.text)
        return m.rule.method != "year" or (found is not None and int(found.group(0)) < year)
    return False


def _mod(m: Mention) -> str | None:
    """TIMEX3 mod from the words around the core: 'vers', 'plus de' (approx list), 'début', 'mi-' (period_mod)."""
    if m.get("about"):
        return "APPROX"  # 'une dizaine de jours'
    return lookup("approx", m.get("approx")) or lookup("period_mod", m.get("mod"))


def _vague_value(a: Point, b: Point, r: Reading) -> str:
    """Same weekday everywhere: say so (XXXX-WXX-3); else keep the fields all readings share."""
    if r.granularity != "day" and not r.suffix or a.first == b.first:
        return days.underspecified(a.value, b.value)
    if (b.first - a.first).days % 7 == 0:
        return f"XXXX-WXX-{a.first.isoweekday()}{r.suffix}"
    return days.underspecified(a.value, b.value)
