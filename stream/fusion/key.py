"""Which events can be one story: the fusion key, and the compact report a story keeps of each event.

The key decides where an event is routed (the worker repartitions the events
topic by it), so every report of one real event must get the same key.  It is
the event type alone: keying by actors as well (the pair of principal actors)
found only 46% of the same-story pairs of our development clusters (recall 0.46
with ``evaluate-fusion``), because one article names both parties of a summit and
the next names one.  Actors, dates and places then decide, among the open
stories of the type, which story an event joins (`stream.fusion.stories`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse


def _actors(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [a for a in [event.get("source"), *(event.get("targets") or []), *(event.get("participants") or [])] if a]


def fusion_key(event: dict[str, Any]) -> str:
    """The event type: the coarsest key that never separates two reports of one event of the same type."""
    return str(event["type"])


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
        # No time words, or words naming no period ('désormais', 'à présent': PRESENT_REF): the interval is
        # only the document date's, a weak bound (see `stream.fusion.stories`).
        "weak": not time.get("text") or time.get("granularity") == "none",
        "modality": event.get("modality"),
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
