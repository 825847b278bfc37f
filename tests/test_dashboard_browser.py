"""/dashboard in real headless Chromium (Debian's package), driven by Playwright, while articles flow.

Checks that the totals and the recent events appear and then update without a
reload, that markup from articles renders as text (no script runs), and saves
a screenshot to test-output/dashboard.png (with STREAM_UPDATE_SCREENSHOT=1 also to docs/dashboard.png,
the README's picture; by default a test run leaves tracked files alone).
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from stream.commands.produce import publish

from .web_helpers import XSS_ID, XSS_LANG, ProbedStack, get_json, hostile, meeting, wait_for

pytestmark = pytest.mark.broker

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProbedStack]:
    local = ProbedStack(workdir=tmp_path_factory.mktemp("browser"))
    try:
        local.start(workers=1, ready_timeout=180)
        yield local
    finally:
        local.stop()


def _number(page, selector: str) -> int:  # noqa: ANN001 - playwright Page
    text = page.inner_text(selector).replace(",", "").replace("\u202f", "").replace("\xa0", "").strip()
    return int(text) if text.isdigit() else -1


def test_dashboard_shows_live_counts_and_events_in_chromium(stack: ProbedStack, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "Debian's chromium is missing (apt-get install chromium)"
    settings, url = stack.settings(), stack.workers[0].url
    publish(settings, [meeting(i, "first") for i in range(3)] + [hostile(0)], settings.topic_articles, progress=False)
    wait_for(lambda: get_json(url + "/api/stats")["stream"]["articles"] >= 4, 120, "first articles counted")

    later = [meeting(i, "later") for i in range(6)] + [hostile(1)]
    flow = threading.Thread(target=lambda: [
        (time.sleep(1.5), publish(settings, [pair], settings.topic_articles, progress=False)) for pair in later])
    with sync_playwright() as pw:
        browser = pw.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, args=ARGS, headless=True,
            viewport={"width": 1360, "height": 1500},
            bypass_csp=True)  # so the escaping test proves escaping itself, not the CSP behind it
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("dialog", lambda dialog: (errors.append("dialog: " + dialog.message), dialog.dismiss()))
            page.goto(url + "/dashboard")
            page.wait_for_function("Number(document.body.dataset.refreshes || 0) >= 1", timeout=20_000)
            assert _number(page, "#articles-total") >= 4
            assert page.locator("#events tbody tr").count() >= 3
            assert "rencontré" in page.inner_text("#events tbody mark")
            first_articles, first_events = _number(page, "#articles-total"), _number(page, "#events-total")

            flow.start()
            page.wait_for_function(
                f"Number(document.getElementById('articles-total').textContent.replace(/\\D/g, '')) >= {4 + len(later)}",
                timeout=120_000)
            page.wait_for_function("document.querySelectorAll('#events tbody tr').length >= 9", timeout=30_000)
            page.wait_for_function("document.querySelectorAll('#chart svg rect').length >= 1", timeout=10_000)
            assert _number(page, "#events-total") > first_events and _number(page, "#articles-total") > first_articles
            assert page.evaluate("document.querySelectorAll('#partitions tbody tr').length") == 4
            assert page.inner_text("#model") != "loading…" and page.inner_text("#latency-p95").endswith(" s")
            assert "MEETING" in page.inner_text("#types")

            dead = page.inner_text("#deadletters")
            assert f"{XSS_ID}0" in dead and f"{XSS_ID}1" in dead, dead  # markup shown as text...
            assert page.evaluate("window.__pwned") is None and not errors, errors  # ...and never run
            assert page.locator("#deadletters img, #events img, body script:not([src])").count() == 0
            assert XSS_LANG not in page.content()  # the page source holds it escaped only

            link = page.locator("#events tbody tr a").first.get_attribute("href")
            assert link and link.startswith("/api/events/")
            assert get_json(url + link)["event_id"] == link.rsplit("/", 1)[1]

            out = ROOT / "test-output"
            out.mkdir(exist_ok=True)
            page.screenshot(path=str(out / "dashboard.png"), full_page=True)
            if os.environ.get("STREAM_UPDATE_SCREENSHOT") == "1":
                shutil.copyfile(out / "dashboard.png", ROOT / "docs" / "dashboard.png")
        finally:
            browser.close()
            if flow.is_alive():
                flow.join()
