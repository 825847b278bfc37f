"""Calendar arithmetic on `datetime.date`, and the TIMEX3 value of each kind of period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}


@dataclass(frozen=True, slots=True)
class Point:
    """A calendar period: its TIMEX3 value and the first and last day it covers."""

    value: str
    first: date
    last: date


def day(d: date, suffix: str = "") -> Point:
    return Point(d.isoformat() + suffix, d, d)


def month(y: int, m: int) -> Point:
    nxt = date(y + (m == 12), m % 12 + 1, 1)
    return Point(f"{y:04d}-{m:02d}", date(y, m, 1), nxt - timedelta(days=1))


def year(y: int) -> Point:
    return Point(f"{y:04d}", date(y, 1, 1), date(y, 12, 31))


def week(d: date) -> Point:
    iso = d.isocalendar()
    monday = d - timedelta(days=d.weekday())
    return Point(f"{iso.year:04d}-W{iso.week:02d}", monday, monday + timedelta(days=6))


def weekend(d: date) -> Point:
    """The weekend of d's ISO week."""
    w = week(d)
    return Point(w.value + "-WE", w.first + timedelta(days=5), w.last)


def quarter(d: date) -> Point:
    q = (d.month - 1) // 3
    first, last = month(d.year, 3 * q + 1), month(d.year, 3 * q + 3)
    return Point(f"{d.year:04d}-Q{q + 1}", first.first, last.last)


def season(y: int, code: str) -> Point:
    """Winter of year y runs from December y to February y+1."""
    start, end = SEASON_MONTHS[code]
    last = month(y + (end < start), end).last
    return Point(f"{y:04d}-{code}", date(y, start, 1), last)


def decade(first_year: int) -> Point:
    return Point(f"{first_year // 10:03d}X", date(first_year, 1, 1), date(first_year + 9, 12, 31))


def century(number: int) -> Point:
    """TIMEX3 writes the 20th century as '19' (the years 1900-1999)."""
    y = (number - 1) * 100
    return Point(f"{number - 1:02d}", date(max(y, 1), 1, 1), date(y + 99, 12, 31))


def add_months(y: int, m: int, k: int) -> tuple[int, int]:
    n = y * 12 + (m - 1) + k
    return n // 12, n % 12 + 1


def shift(p: Point, unit: str, k: int) -> Point:
    """The period k units after the one containing p.first ('W', 'WE', 'M', 'Q', 'Y', 'DE', 'CE')."""
    d = p.first
    if unit in ("W", "WE"):
        moved = d + timedelta(weeks=k)
        return weekend(moved) if unit == "WE" else week(moved)
    if unit == "M":
        return month(*add_months(d.year, d.month, k))
    if unit == "Q":
        y, m = add_months(d.year, d.month, 3 * k)
        return quarter(date(y, m, 1))
    if unit == "DE":
        return decade((d.year // 10 + k) * 10)
    if unit == "CE":
        return century(d.year // 100 + 1 + k)
    return year(d.year + k)


def period_of(d: date, unit: str) -> Point:
    """The week, weekend, month, quarter, year, decade or century containing d."""
    return {
        "W": week, "WE": weekend, "Q": quarter,
        "M": lambda x: month(x.year, x.month), "Y": lambda x: year(x.year),
        "DE": lambda x: decade(x.year // 10 * 10), "CE": lambda x: century(x.year // 100 + 1),
    }[unit](d)


def weekday_near(p: date, iso_weekday: int, direction: str) -> date:
    """The weekday on or before p ('back'), on or after ('forward'), strictly so ('before', 'after'), or nearest."""
    delta = (iso_weekday - p.isoweekday()) % 7
    if direction == "forward":
        return p + timedelta(days=delta)
    if direction == "after":
        return p + timedelta(days=delta or 7)
    back = (p.isoweekday() - iso_weekday) % 7
    if direction == "back":
        return p - timedelta(days=back)
    if direction == "before":
        return p - timedelta(days=back or 7)
    return p + timedelta(days=delta) if delta <= back else p - timedelta(days=back)


def part(first: date, last: date, granularity: str, mod: str) -> tuple[date, date]:
    """The days 'début', 'mi-' or 'fin' leave of a period: of a month the 1st-10th, 10th-20th,
    20th-end; of a year the first quarter, April to September, the last quarter; else thirds."""
    if granularity == "month":
        bounds = {"START": (1, 10), "MID": (10, 20), "END": (20, last.day)}[mod]
        return first.replace(day=bounds[0]), first.replace(day=bounds[1])
    if granularity == "year":
        months = {"START": (1, 3), "MID": (4, 9), "END": (10, 12)}[mod]
        return date(first.year, months[0], 1), month(first.year, months[1]).last
    third = ((last - first).days + 1) // 3
    return {"START": (first, first + timedelta(days=third)), "MID": (first + timedelta(days=third), last - timedelta(days=third)),
            "END": (last - timedelta(days=third), last)}[mod]


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def underspecified(lo: str, hi: str) -> str:
    """A value covering two: equal leading fields kept, the digits of the rest replaced by X.

    '2022-01-03', '2022-01-30' -> '2022-01-XX'; '2023-W10', '2023-W14' -> '2023-WXX' (the W stays).
    """
    lo_date, _, lo_time = lo.partition("T")
    hi_date, _, hi_time = hi.partition("T")
    fields, keep = [], True
    for a, b in zip(lo_date.split("-"), hi_date.split("-")):
        keep = keep and a == b
        fields.append(a if keep else "".join("X" if ch.isdigit() else ch for ch in a))
    time = f"T{lo_time}" if lo_time and lo_time == hi_time else ""
    return "-".join(fields) + time
