"""Datelines: the lines that date the article itself, not its story.

'PARIS, 12 mars (AFP) -', 'PARIS, mercredi (AFP) -', 'AFP 12-03-2018 | 10h12', a 'publié le …'
line or a date alone on a line at the top give the publication day; 'mis à jour le …' bounds it from
above. Agency names and cue words are data (``news_agency`` and ``publication_cue`` in the lexicon).
"""

from __future__ import annotations

import re
from functools import lru_cache

from stream.dates.grammar import fold, lexicon, lookup


def dateline_kind(text: str, start: int, end: int) -> str | None:
    """'published' for a date at text[start:end] that dates the article, 'updated' for an update
    line's, None for a date of the story."""
    line = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    before = fold(text[line:start])
    after = fold(text[end:end + 30])
    cue = next((kind for words, kind in _publication_cues() if words in before), None) if len(before) < 60 else None
    agency = len(before) < 40 and (_agency_at(after, at_start=True) or _agency_at(before, at_start=False))
    alone = line < _HEAD and not before and _TIME_ONLY.match(text[end:line_end if line_end >= 0 else None])
    return cue or ("published" if agency or alone else None)


@lru_cache(maxsize=1)
def _publication_cues() -> list[tuple[str, str]]:
    """Longest cue first, so 'mis à jour le' wins over shorter ones."""
    return sorted(lexicon()["publication_cue"].items(), key=lambda kv: -len(kv[0]))


#: A date alone on a line that starts this close to the top is the page's publication date.
_HEAD = 300
#: What may follow a date alone on the first line (the page's publication date): a clock time.
_TIME_ONLY = re.compile(r"^[\s,|à-]*(?:\d{1,2}\s*[h:]\s*\d{0,2})?\s*$")
_AGENCY_AFTER = re.compile(r"^[\s,]*\(?\s*([\w/. ]{2,20}?)\s*(?:\)|[-–—|,]|$)")


def _agency_at(text: str, at_start: bool) -> bool:
    """'(AFP) -' or ', AGENCE' right after a date, or 'AFP ' (alone) right before it."""
    if at_start:
        found = _AGENCY_AFTER.match(text)
        return bool(found) and lookup("news_agency", found.group(1)) is not None
    words = text.replace("(", " ").replace(")", " ").split()
    return len(words) <= 2 and bool(words) and lookup("news_agency", words[-1].strip(",")) is not None
