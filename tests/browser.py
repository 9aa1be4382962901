"""Headless Debian Chromium for the browser tests, driven by playwright (no browser download)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling out to a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]


@contextmanager
def chromium_page(url: str, viewport: dict[str, int] | None = None,
                  timeout_ms: float | None = None) -> Iterator[Any]:
    """A page of a fresh headless Chromium profile, opened at `url`; closed on exit."""
    from playwright.sync_api import sync_playwright

    options: dict[str, Any] = {"viewport": viewport} if viewport else {}
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True,
            **options)
        try:
            page = browser.new_page()
            if timeout_ms is not None:
                page.set_default_timeout(timeout_ms)
            page.goto(url)
            yield page
        finally:
            browser.close()
