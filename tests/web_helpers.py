"""Helpers shared by the dashboard tests: authenticated HTTP, test articles, a stack that polls /readyz."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from typing import Any

import orjson

from stream.local import LocalStack, StackError

TOKEN = "s3cret-dashboard-token"
XSS_ID = '<img src=x onerror="window.__pwned=1">'
XSS_LANG = "<script>window.__pwned=2</script>"


def http(url: str, token: str | None = None, data: bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """(status, headers, body) without raising on 4xx/5xx and without following redirects."""
    request = urllib.request.Request(url, data=data, headers=dict(headers or {}))
    if token:
        request.add_header("Authorization", f"Bearer {token}")

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def get_json(url: str, token: str | None = None) -> Any:
    status, _, body = http(url, token)
    assert status == 200, (url, status, body[:300])
    return orjson.loads(body)


def meeting(i: int, prefix: str = "m") -> tuple[bytes, bytes]:
    """A short French article the extractor turns into a MEETING event."""
    text = f"Le président français a rencontré le chancelier allemand mardi à Berlin pour la réunion numéro {i}."
    article_id = f"{prefix}{i}"
    return article_id.encode(), orjson.dumps({"id": article_id, "text": text, "date": "2024-05-14"})


def hostile(i: int) -> tuple[bytes, bytes]:
    """Markup in the id and in the language: both reach the page through the dead letter."""
    return f"xss{i}".encode(), orjson.dumps({"id": f"{XSS_ID}{i}", "text": "Bonjour <b>tout</b> le monde.",
                                             "lang": XSS_LANG})


def wait_for(predicate: Any, timeout: float, what: str) -> Any:
    """Poll until `predicate()` is truthy (errors count as not yet); return its value."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            value = last = predicate()
            if value:
                return value
        except (OSError, AssertionError, KeyError, ValueError) as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")


class ProbedStack(LocalStack):
    """LocalStack whose readiness is /readyz (open even when STREAM_WEB_TOKEN is set)."""

    def wait_ready(self, timeout: float = 180.0) -> None:
        for worker in self.workers:
            if not worker.alive():
                continue
            def ready(w=worker) -> bool:  # noqa: ANN001
                if not w.alive():
                    raise StackError(f"worker {w.index} exited:\n{w.log_tail()}")
                return http(w.url + "/readyz")[0] == 200
            wait_for(ready, timeout, f"worker {worker.index} /readyz")
