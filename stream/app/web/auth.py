"""Optional bearer-token guard and security headers for every route of the worker's web server.

A middleware (not a per-view check) so Faust's own routes (``/``, ``/table/...``)
are guarded too.  Browsers cannot add an ``Authorization`` header when they
navigate, so ``/login`` trades the token (posted, never in a URL) for an
HttpOnly, SameSite=Strict cookie.  Probes stay open: ``/healthz`` and ``/readyz``
reveal no data, nor does the stylesheet the login form needs.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web

OPEN_PATHS = frozenset({"/healthz", "/readyz", "/login", "/dashboard/static/dashboard.css"})
COOKIE = "stream_token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def authorized(request: web.Request, token: str) -> bool:
    """Bearer header or login cookie, compared in constant time."""
    header = request.headers.get("Authorization", "")
    offered = header[7:] if header[:7].lower() == "bearer " else request.cookies.get(COOKIE, "")
    return bool(offered) and hmac.compare_digest(offered.encode(), token.encode())


def middleware(token: str | None) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if token and request.path not in OPEN_PATHS and not authorized(request, token):
            response: web.StreamResponse = web.json_response(
                {"error": "unauthorized", "hint": "send 'Authorization: Bearer <STREAM_WEB_TOKEN>' or sign in at /login"},
                status=401, headers={"WWW-Authenticate": 'Bearer realm="stream"'})
        else:
            response = await handler(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        response.headers.setdefault("Content-Security-Policy", CSP)
        return response

    return guard


def login_response(token: str | None, offered: str, secure: bool) -> web.Response:
    """303 to the dashboard with the cookie set, or 401 back to the form."""
    if token and offered and hmac.compare_digest(offered.encode(), token.encode()):
        response = web.Response(status=303, headers={"Location": "/dashboard"})
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=secure, path="/")
        return response
    return web.Response(text="wrong token", status=401)
