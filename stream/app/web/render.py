"""Server-side rendering of the dashboard's first paint; every value goes through `html.escape`.

The browser then refreshes the same elements from the JSON API, building DOM
with ``textContent`` (static/dashboard.js), so article text is never parsed as
HTML on either path.  `actors`, `interval` and `evidence_parts` mirror the JS.
"""

from __future__ import annotations

import time
from html import escape
from string import Template
from typing import Any


def actors(event: dict[str, Any]) -> str:
    """'source -> targets; with participants', each actor by name, else code, else its mention."""
    def label(actor: dict[str, Any] | None) -> str:
        return "" if not actor else str(actor.get("name") or actor.get("code") or actor.get("text") or "?")

    parts = []
    source, targets = label(event.get("source")), ", ".join(label(a) for a in event.get("targets") or [])
    if source or targets:
        parts.append(f"{source or '?'} → {targets}" if targets else source)
    if event.get("participants"):
        parts.append("with " + ", ".join(label(a) for a in event["participants"]))
    return "; ".join(parts) or "—"


def interval(event: dict[str, Any]) -> str:
    t = event.get("time") or {}
    earliest, latest = t.get("earliest"), t.get("latest")
    if earliest and latest and earliest != latest:
        return f"{earliest} … {latest}"
    return str(earliest or latest or t.get("value") or "—")


def evidence_parts(event: dict[str, Any]) -> tuple[str, str, str]:
    """(before, trigger, after) of the evidence sentence holding the trigger."""
    trigger = event.get("trigger") or {}
    spans = event.get("evidence") or []
    for span in spans:
        if span.get("start", 0) <= trigger.get("start", -1) and trigger.get("end", 0) <= span.get("end", -1):
            a, b = trigger["start"] - span["start"], trigger["end"] - span["start"]
            text = span.get("text", "")
            return text[:a], text[a:b], text[b:]
    text = spans[0].get("text", "") if spans else ""
    word = trigger.get("text", "")
    i = text.find(word) if word else -1
    return (text[:i], word, text[i + len(word):]) if i >= 0 else (text, "", "")


def _clock(ts: float) -> str:
    return time.strftime("%H:%M:%S", time.localtime(ts))


def _num(value: Any, unit: str = "") -> str:
    return "—" if value is None else f"{value}{unit}"


def event_rows(entries: list[dict[str, Any]]) -> str:
    rows = []
    for entry in entries:
        event = entry["event"]
        before, trig, after = evidence_parts(event)
        rows.append(
            "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in (
                _clock(entry["at"]), str(event.get("type", "")), actors(event), interval(event)))
            + f'<td class="evidence">{escape(before)}<mark>{escape(trig)}</mark>{escape(after)}</td>'
            + f'<td><a href="/api/events/{escape(str(event.get("event_id", "")), quote=True)}">JSON</a></td></tr>')
    return "".join(rows) or '<tr><td colspan="6" class="empty">no events yet</td></tr>'


def deadletter_rows(entries: list[dict[str, Any]]) -> str:
    rows = ["<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in (
        _clock(e["at"]), e.get("reason"), e.get("article_id") or e.get("key") or "—",
        e.get("message", ""), f"{e.get('partition')}/{e.get('offset')}")) + "</tr>" for e in entries]
    return "".join(rows) or '<tr><td colspan="5" class="empty">no dead letters</td></tr>'


def page(template: str, stats: dict[str, Any], events: list[dict[str, Any]],
         deadletters: list[dict[str, Any]]) -> str:
    stream = stats["stream"]
    extractor = stats.get("extractor") or {}
    values = {
        "app_id": stats["settings"].get("app_id", ""),
        "worker": stats["worker"]["url"],
        "extractor_version": extractor.get("version", "loading…"),
        "model": extractor.get("model", "loading…"),
        "articles": stream["articles"], "events": stream["events"], "deadletters": stream["deadlettered"],
        "p50": _num(stream["latency_s"]["p50"], " s"), "p95": _num(stream["latency_s"]["p95"], " s"),
    }
    safe = {k: escape(str(v), quote=True) for k, v in values.items()}
    return Template(template).substitute(**safe, event_rows=event_rows(events),
                                         deadletter_rows=deadletter_rows(deadletters))


def login_page() -> str:
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title>'
            '<link rel="stylesheet" href="/dashboard/static/dashboard.css"></head><body><main class="login">'
            '<form method="post" action="/login"><h1>News event stream</h1>'
            '<label>Token <input type="password" name="token" autocomplete="current-password" required></label>'
            '<button type="submit">Sign in</button></form></main></body></html>')
