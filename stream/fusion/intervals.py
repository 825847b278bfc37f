"""The days the reports of one story agree on.

Each report gives an interval of possible days.  If they all overlap, the story's
interval is their intersection.  If they do not, the story keeps the days the
largest number of reports allow (ties: the earliest such days) and lists the
others as conflicts.  The answer depends on the set of intervals only, never on
the order they arrived in, so two workers that see the reports in different
orders publish the same story.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta


def parse_interval(earliest: str | None, latest: str | None) -> tuple[date, date] | None:
    """A report's interval, or None when it has no usable bounds (no date, or bounds out of order)."""
    if not earliest or not latest:
        return None
    try:
        lo, hi = date.fromisoformat(earliest[:10]), date.fromisoformat(latest[:10])
    except ValueError:
        return None
    return (lo, hi) if lo <= hi else None


def overlaps(a: tuple[date, date], b: tuple[date, date], slack: int = 0) -> bool:
    """The intervals share a day, or come within `slack` days of each other."""
    gap = timedelta(days=slack)
    return a[0] <= b[1] + gap and b[0] <= a[1] + gap


def agreement(intervals: Sequence[tuple[date, date] | None]) -> frozenset[int] | None:
    """Indexes of the intervals that contain the most-supported day (ties: the earliest such day).

    Their intersection is not empty (it holds that day); None when no interval is given.
    """
    edges: list[tuple[int, int]] = []
    for interval in intervals:
        if interval is not None:
            edges.append((interval[0].toordinal(), 0))
            edges.append((interval[1].toordinal() + 1, -1))  # the day after; sorts before an opening
    if not edges:
        return None
    best_day, best, running = 0, -1, 0
    for day, kind in sorted(edges):
        running += 1 if kind == 0 else -1
        if kind == 0 and running > best:
            best, best_day = running, day
    point = date.fromordinal(best_day)
    return frozenset(i for i, iv in enumerate(intervals) if iv is not None and iv[0] <= point <= iv[1])


def timex_of(lo: date, hi: date) -> tuple[str | None, str]:
    """TIMEX3 value and granularity of an interval: the day, else the month or year both bounds share."""
    if lo == hi:
        return lo.isoformat(), "day"
    if (lo.year, lo.month) == (hi.year, hi.month):
        return f"{lo.year:04d}-{lo.month:02d}", "month"
    if lo.year == hi.year:
        return f"{lo.year:04d}", "year"
    return None, "none"
