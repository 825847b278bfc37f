"""The operator's pages and endpoints, registered on the worker's own Faust web server.

Whole-stream figures come from the global tables (`DashboardTables`), so every
worker answers the same; fields under ``worker`` (and the top-level counters
kept for scripts, e.g. ``articles_in``) are this process only, since it started.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faust
from aiohttp import web as aioweb

from stream.app.executor import ExtractionPool
from stream.app.stats import WorkerStats, bucket_quantile
from stream.app.tables import HOUR, MINUTE, RECENT_N, DashboardTables
from stream.app.web import auth, metrics, render
from stream.settings import Settings

STATIC = Path(__file__).with_name("static")
ASSETS = {"dashboard.css": "text/css", "dashboard.js": "text/javascript", "stories.js": "text/javascript"}
STARTED = time.time()


class Dashboard:
    """Everything the views read, gathered once so each handler stays a few lines."""

    def __init__(self, app: faust.App, tables: DashboardTables, pool: ExtractionPool, stats: WorkerStats,
                 settings: Settings) -> None:
        self.app, self.tables, self.pool, self.stats, self.settings = app, tables, pool, stats, settings
        self.extra_metrics: list[Callable[[], str]] = []  # more families, e.g. stream.app.fusion's stream_stories_*

    def extractor(self) -> dict[str, str] | None:
        info = self.pool.info
        return {"version": info.version, "model": info.model} if info else None

    def stream(self) -> dict[str, Any]:
        totals = self.tables.totals()
        buckets = totals["latency_buckets"]
        return {
            **totals,
            "latency_s": {"p50": bucket_quantile(0.5, buckets), "p95": bucket_quantile(0.95, buckets)},
            "throughput": self.tables.throughput(),
            "partitions": self.tables.partitions(),
            "assignment": self.tables.assignment(),
            "events_per_minute": self.tables.windows(self.tables.per_minute, MINUTE, 60),
            "events_per_hour": self.tables.windows(self.tables.per_hour, HOUR, 24),
        }

    def api_stats(self) -> dict[str, Any]:
        return {
            **self.stats.snapshot(),  # this worker since it started (LocalStack and scripts read these)
            "extractor": self.extractor(),
            "worker": {"url": str(self.app.conf.canonical_url), "pid": os.getpid(),
                       "owned_partitions": sorted(tp.partition for tp in self.tables.owned())},
            "stream": self.stream(),
            "settings": self.settings.redacted(),
            "generated_at": time.time(),
        }

    def metrics(self) -> str:
        owned = {tp.partition for tp in self.tables.owned()}
        tallies = {p: t for p, t in self.tables.tallies().items() if p in owned}
        lag = [r for r in self.tables.partitions() if r["partition"] in owned and r.get("owner")]
        return metrics.render(tallies, lag, owned, self.extractor()) + "".join(f() for f in self.extra_metrics)

    async def readiness(self) -> dict[str, Any]:
        owned = sorted(tp.partition for tp in self.tables.owned())
        checks: dict[str, dict[str, Any]] = {
            "partitions": {"ok": bool(owned), "assigned": owned},
            "model": {"ok": self.pool.ready, "extractor": self.extractor()},
            "tables": {"ok": not self.app.in_recovery, "detail": "recovering" if self.app.in_recovery else "ready"},
            "broker": await self._broker(),
        }
        return {"ready": all(c["ok"] for c in checks.values()), "checks": checks}

    async def _broker(self) -> dict[str, Any]:
        """A metadata request through the worker's own producer connection, 3 s at most."""
        try:
            client = self.app.producer._ensure_producer().client
            cluster = await asyncio.wait_for(client.fetch_all_metadata(), 3.0)
            return {"ok": True, "brokers": len(cluster.brokers())}
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable", reported by name
            return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}


def register(app: faust.App, tables: DashboardTables, pool: ExtractionPool, stats: WorkerStats,
             settings: Settings) -> Dashboard:
    """Add the middleware and the routes; Faust's own routes are left as they are."""
    dash = Dashboard(app, tables, pool, stats, settings)
    app.web.web_app.middlewares.append(auth.middleware(settings.web_token))
    assets = {name: (STATIC / name).read_bytes() for name in ASSETS}
    template = (STATIC / "dashboard.html").read_text()

    @app.page("/healthz")
    async def healthz(web: Any, request: Any) -> Any:
        return web.json({"status": "alive", "pid": os.getpid(), "uptime_s": round(time.time() - STARTED, 1)})

    @app.page("/readyz")
    async def readyz(web: Any, request: Any) -> Any:
        result = await dash.readiness()
        return web.json(result, status=200 if result["ready"] else 503)

    @app.page("/api/stats")
    async def api_stats(web: Any, request: Any) -> Any:
        return web.json(dash.api_stats())

    @app.page("/api/events/recent")
    async def api_events(web: Any, request: Any) -> Any:
        return web.json({"events": tables.recent_items("events", _limit(request))})

    @app.page("/api/events/{event_id}")
    async def api_event(web: Any, request: Any, event_id: str) -> Any:
        found = next((e["event"] for e in tables.recent_items("events", 10_000)
                      if e["event"].get("event_id") == event_id), None)
        if found is None:
            return web.json({"error": "not among the recent events", "event_id": event_id}, status=404)
        return web.json(found)

    @app.page("/api/deadletters/recent")
    async def api_deadletters(web: Any, request: Any) -> Any:
        return web.json({"deadletters": tables.recent_items("deadletters", _limit(request))})

    @app.page("/metrics")
    async def prometheus(web: Any, request: Any) -> Any:
        return web.bytes(dash.metrics().encode(), headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"})

    @app.page("/dashboard")
    async def dashboard(web: Any, request: Any) -> Any:
        page = render.page(template, dash.api_stats(), tables.recent_items("events"),
                           tables.recent_items("deadletters"))
        return web.html(page, headers={"Cache-Control": "no-store"})

    @app.page("/dashboard/static/{name}")
    async def static(web: Any, request: Any, name: str) -> Any:
        if name not in assets:
            return web.json({"error": "not found"}, status=404)
        return web.bytes(assets[name], headers={"Content-Type": ASSETS[name] + "; charset=utf-8",
                                                "Cache-Control": "no-cache"})

    class Login(faust.web.View):
        async def get(self, request: Any) -> Any:
            if not settings.web_token:
                return aioweb.Response(status=303, headers={"Location": "/dashboard"})
            return self.html(render.login_page())

        async def post(self, request: Any) -> Any:
            form = await request.post()
            return auth.login_response(settings.web_token, str(form.get("token", "")), request.secure)

    app.page("/login")(Login)
    return dash


def _limit(request: Any) -> int:
    try:
        return max(1, min(RECENT_N * 10, int(request.query.get("limit", RECENT_N))))
    except ValueError:
        return RECENT_N
