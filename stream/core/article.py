"""Articles as the core sees them, and the one place raw input becomes an `Article`.

Input is either JSON ``{"id", "text", "date"?, "source"?, "url"?, "lang"?}`` or a
raw text whose first word may be a ``date YYYY-MM[-DD[THH:MM[:SS][TZ]]]`` header
(possibly on the same line as the body, after leading spaces).  Offsets in every
output index the text with that header removed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

import orjson

from stream.core.records import DeadLetterReason, doc

Precision = Literal["year", "month", "day", "datetime"]

#: Bodies longer than this are cut before parsing; the rest is not analysed.
MAX_TEXT_CHARS = 100_000
#: Messages larger than this are refused outright (dead letter ``too_large``).
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
#: Article ids travel in every event: a longer JSON id is refused, a longer key is not used as id.
MAX_ID_CHARS = 256

_HEADER = re.compile(
    r"""\A\s*date\s+
    (?P<value>(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})
    (?:[T\s](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)?)?)
    (?=\s|\Z)\s*""",
    re.VERBOSE | re.IGNORECASE,
)
_ISO_DATE = re.compile(
    r"""\A(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2})
    (?:[T\s](?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?(?P<tz>Z|[+-]\d{2}:?\d{2})?)?)?)?\Z""",
    re.VERBOSE,
)


class ArticleError(ValueError):
    """Input that cannot become an `Article`; `reason` is the dead-letter reason code."""

    def __init__(self, reason: DeadLetterReason, message: str) -> None:
        super().__init__(message)
        self.reason: DeadLetterReason = reason


@dataclass(frozen=True, slots=True)
class DocDate:
    """The document creation time and how precisely the header gives it.

    `start` is the first instant the header allows; with precision ``month`` the
    article may have been written on any day of that month.
    """

    start: datetime
    precision: Precision
    text: str

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        """Last day the header allows."""
        d = self.start.date()
        if self.precision == "year":
            return date(d.year, 12, 31)
        if self.precision == "month":
            nxt = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return d


@dataclass(frozen=True, slots=True)
class Article:
    """A parsed article: the body text (header removed) and its document date."""

    id: str
    text: str
    date: DocDate | None = None
    source: str | None = None
    url: str | None = None
    lang: str | None = None
    truncated: bool = False


@dataclass(frozen=True, slots=True)
class ArticleMessage:
    """The JSON form of an article on the input topic (its schema is derived from this)."""

    id: str = field(metadata=doc("Stable article id; events derive their ids from it."))
    text: str = field(metadata=doc("The body. May itself start with a 'date YYYY-MM[-DD]' header."))
    date: str | None = field(default=None, metadata=doc("Document date: YYYY, YYYY-MM, YYYY-MM-DD or ISO 8601 datetime."))
    source: str | None = None
    url: str | None = None
    lang: str | None = field(default=None, metadata=doc("ISO 639-1 language code; detected when absent."))


def parse_date(value: str) -> DocDate:
    """Parse a document date (``2022``, ``2022-01``, ``2022-01-12``, ISO datetime)."""
    m = _ISO_DATE.match(value.strip())
    if not m:
        raise ArticleError("bad_date", f"date {value!r} is not YYYY, YYYY-MM, YYYY-MM-DD or an ISO 8601 datetime")
    return _docdate(m, value.strip())


def _docdate(m: re.Match[str], text: str) -> DocDate:
    y, mo, d = int(m["y"]), int(m["m"] or 1), int(m["d"] or 1)
    precision: Precision = "year" if not m["m"] else "month" if not m["d"] else "day"
    try:
        if m["H"] is not None:
            precision = "datetime"
            tz = _tz(m["tz"])
            start = datetime(y, mo, d, int(m["H"]), int(m["M"]), int(m["S"] or 0), tzinfo=tz)
        else:
            start = datetime(y, mo, d)
    except ValueError as exc:
        raise ArticleError("bad_date", f"date {text!r} is impossible: {exc}") from None
    if y < 1:
        raise ArticleError("bad_date", f"date {text!r} is impossible: year 0")
    return DocDate(start, precision, text)


def _tz(text: str | None) -> timezone | None:
    if not text:
        return None
    if text.upper() == "Z":
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))


def split_header(raw: str) -> tuple[DocDate | None, str]:
    """Split an optional ``date ...`` header from the body; the body keeps its own text."""
    m = _HEADER.match(raw)
    if not m:
        return None, raw
    return _docdate(m, m["value"]), raw[m.end():]


def content_id(data: bytes) -> str:
    """A deterministic id for input that brings none, so replays give the same event ids."""
    return hashlib.sha1(data).hexdigest()[:16]


def article_from_text(raw: str, article_id: str, **meta: Any) -> Article:
    """Build an article from raw text that may start with a date header."""
    date_, body = split_header(raw)
    if meta.get("date"):
        date_ = parse_date(meta.pop("date"))
    else:
        meta.pop("date", None)
    return _finish(Article(id=article_id, text=body, date=date_, **meta))


def _finish(article: Article) -> Article:
    if not article.text.strip():
        raise ArticleError("empty_text", "the article has no text after its header")
    if len(article.text) > MAX_TEXT_CHARS:
        return Article(**{**_fields(article), "text": article.text[:MAX_TEXT_CHARS], "truncated": True})
    return article


def _fields(article: Article) -> dict[str, Any]:
    return {name: getattr(article, name) for name in Article.__slots__}


_OPTIONAL_STR = ("date", "source", "url", "lang")


def article_from_json(obj: Any, fallback_id: str) -> Article:
    """Validate the JSON shape and build the article; a header inside `text` still counts."""
    if not isinstance(obj, dict):
        raise ArticleError("invalid_shape", f"expected a JSON object, got {type(obj).__name__}")
    if "text" not in obj or obj["text"] is None:
        raise ArticleError("missing_text", "the JSON article has no 'text'")
    if not isinstance(obj["text"], str):
        raise ArticleError("invalid_shape", f"'text' must be a string, got {type(obj['text']).__name__}")
    art_id = obj.get("id")
    if art_id is None:
        art_id = fallback_id
    elif isinstance(art_id, (int, str)) and not isinstance(art_id, bool) and 0 < len(str(art_id).strip()) <= MAX_ID_CHARS:
        art_id = str(art_id)
    else:
        raise ArticleError("invalid_shape", f"'id' must be an integer or a non-empty string of at most {MAX_ID_CHARS} chars")
    meta: dict[str, Any] = {}
    for key in _OPTIONAL_STR:
        value = obj.get(key)
        if value is not None and not isinstance(value, str):
            raise ArticleError("invalid_shape", f"'{key}' must be a string, got {type(value).__name__}")
        meta[key] = value
    return article_from_text(obj["text"], art_id, **meta)


def article_from_bytes(data: bytes | None, key: bytes | None = None) -> Article:
    """The edge: turn one message value (and key) into an article or raise `ArticleError`."""
    if data is None or not data.strip():
        raise ArticleError("empty_message", "the message has no value")
    if len(data) > MAX_MESSAGE_BYTES:
        raise ArticleError("too_large", f"the message is {len(data)} bytes; the limit is {MAX_MESSAGE_BYTES}")
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark is not content, nor JSON
    except UnicodeDecodeError as exc:
        raise ArticleError("invalid_utf8", f"the message is not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    fallback = message_id(data, key)
    assert fallback is not None  # data is not empty here
    if text.lstrip().startswith(("{", "[")):
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise ArticleError("invalid_json", f"the message looks like JSON but does not parse: {exc}") from None
        return article_from_json(obj, fallback)
    return article_from_text(text, fallback)


def message_id(data: bytes | None, key: bytes | None) -> str | None:
    """The id of an article whose value names none: its key, else (a key too long or not UTF-8) a hash of its bytes."""
    return _key_id(key) or (content_id(data) if data else None)


def _key_id(key: bytes | None) -> str | None:
    if not key:
        return None
    try:
        text = key.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    return text if 0 < len(text) <= MAX_ID_CHARS else None
