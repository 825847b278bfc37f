"""Articles written for the fusion tests and the fusion soak (no tests here).

Each simulated day holds `per_day` meetings between two states, no state in two
meetings of a day, each reported by three outlets: an explicit date, the weekday
under a day header, and 'hier' under the next day's header.  So every report
belongs to exactly one story, whatever order the reports arrive in.
"""

from __future__ import annotations

from datetime import date, timedelta

import orjson

STATES = ["français", "allemand", "russe", "américain", "britannique", "italien", "espagnol", "polonais",
          "chinois", "japonais", "indien", "turc", "égyptien", "saoudien", "iranien", "ukrainien"]
WEEKDAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre"]


def meeting_reports(n: int, per_day: int = 4, prefix: str = "meet") -> list[tuple[bytes, bytes]]:
    """`n` JSON articles (key = id), day after day from 2021-01-04."""
    assert 2 * per_day <= len(STATES), "a state would meet twice in one day"
    out: list[tuple[bytes, bytes]] = []
    day, k = date(2021, 1, 4), 0
    while len(out) < n:
        ring = STATES[k % len(STATES):] + STATES[:k % len(STATES)]
        for s in range(per_day):
            a, b = ring[2 * s], ring[2 * s + 1]
            when = f"le {day.day} {MONTHS[day.month - 1]}"
            reports = [
                (day, "La Gazette", f"Le président {a} a rencontré {when} son homologue {b}, a indiqué la présidence."),
                (day, "Radio Nord", f"Le président {a} s'est entretenu {WEEKDAYS[day.weekday()]} avec son homologue {b}."),
                (day + timedelta(days=1), "Le Quotidien",
                 f"Hier, le président {b} a reçu son homologue {a} pour un entretien."),
            ]
            for published, outlet, text in reports:
                key = f"{prefix}-{len(out):06d}"
                out.append((key.encode(), orjson.dumps({"id": key, "date": published.isoformat(), "source": outlet,
                                                        "text": text})))
        day += timedelta(days=1)
        k += 1
    return out[:n]
