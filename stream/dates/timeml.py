"""Reading ISO-TimeML documents: plain text with the TIMEX3 spans kept as char offsets, and the DCT."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from stream.core.article import DocDate, parse_date

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*?)(/?)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_DCT = re.compile(r"<DCT>.*?value=\"([^\"]+)\"", re.S)


@dataclass(frozen=True, slots=True)
class GoldTimex:
    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None


@dataclass(frozen=True, slots=True)
class TimeMLDoc:
    name: str
    text: str
    dct: DocDate | None
    timexes: list[GoldTimex]


def read_timeml(path: Path) -> TimeMLDoc:
    """The <TEXT> body with every tag removed; entity references are decoded before offsets are counted."""
    raw = path.read_text("utf-8")
    body_start, body_end = raw.find("<TEXT>"), raw.find("</TEXT>")
    if body_start < 0 or body_end < 0:
        raise ValueError(f"{path}: no <TEXT> element")
    body = raw[body_start + len("<TEXT>"):body_end]
    out: list[str] = []
    length = 0
    open_timex: tuple[int, dict[str, str]] | None = None
    timexes: list[GoldTimex] = []
    pos = 0
    for tag in _TAG.finditer(body):
        chunk = html.unescape(body[pos:tag.start()])
        out.append(chunk)
        length += len(chunk)
        pos = tag.end()
        closing, name, attrs = tag.group(1), tag.group(2), tag.group(3)
        if name != "TIMEX3":
            continue
        if not closing:
            open_timex = (length, dict(_ATTR.findall(attrs)))
        elif open_timex is not None:
            start, a = open_timex
            text = "".join(out)[start:length]
            timexes.append(GoldTimex(start, length, text, a.get("type", ""), a.get("value", ""),
                                     a.get("mod") or None))
            open_timex = None
    out.append(html.unescape(body[pos:]))
    dct = _DCT.search(raw)
    return TimeMLDoc(path.stem, "".join(out), parse_date(dct.group(1)[:10]) if dct else None, timexes)
