"""Which events can be one story: the fusion key, and the compact report a story keeps of each event.

The key decides where an event is routed (the worker repartitions the events
topic by it), so it must be the same for every report of one real event while
still spreading the stream: it is the event type and the unordered pair of its
principal actors.  Principal means the source and its first target when the
event has a direction, else the first two participants in the order the
article names them (articles name the main parties first).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse


def _actors(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in [event.get("source"), *(event.get("targets") or []), *(event.get("participants") or [])] if a]


def actor_codes(event: dict[str, Any]) -> list[str]:
    """Every actor code of the event, source first, then targets, then participants; no repeats."""
    codes: list[str] = []
    for actor in _actors(event):
        code = (actor or {}).get("code")
        if code and code not in codes:
            codes.append(code)
    return codes


def principal_codes(event: dict[str, Any]) -> tuple[str, ...]:
    """The (at most two) actors the event is about, sorted so that 'A meets B' and 'B meets A' agree."""
    return tuple(sorted(actor_codes(event)[:2]))


def fusion_key(event: dict[str, Any]) -> str:
    """``TYPE|CODE|CODE``; an event without any actor code gets ``TYPE|-`` (it can still fuse by time and place)."""
    return "|".join((event["type"], *principal_codes(event))) if actor_codes(event) else f"{event['type']}|-"


def outlet_of(source: str | None, url: str | None, article_id: str) -> str:
    """Who published an article: its declared source, else its url's host without ``www.``, else itself."""
    if source and source.strip():
        return source.strip().lower()
    host = urlparse(url).hostname if url else None
    if host:
        return host.removeprefix("www.")
    return f"article:{article_id}"


def report_of(event: dict[str, Any], outlet: str) -> dict[str, Any]:
    """What a story keeps of a member event: enough to rebuild the story, not the evidence."""
    time = event.get("time") or {}
    return {
        "event_id": event["event_id"],
        "article_id": event["article_id"],
        "outlet": outlet,
        "type": event["type"],
        "cameo": event["cameo"],
        "quad_class": event["quad_class"],
        "earliest": time.get("earliest"),
        "latest": time.get("latest"),
        "confidence": float(event.get("confidence") or 0.0),
        "actors": [{"code": a["code"], "name": a.get("name"), "kind": a.get("kind") or "other"}
                   for a in _actors(event) if a.get("code")],
        "location": event.get("location"),
    }
