"""Headless Debian Chromium for the browser tests, driven by playwright (no browser download),
and the classroom page served on a free port for them (and for the page's benchmark)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling out to a closed network.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]
START_TIMEOUT_S = 90  # the first start may fetch the page's browser files once
STOP_TIMEOUT_S = 15


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_until_served(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the page server stopped early (exit code "
                                 f"{server.returncode}):\n{tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the page did not answer at {url} within {START_TIMEOUT_S} s:\n"
                         f"{tail(log)}")


@contextmanager
def served_app(log: Path) -> Iterator[str]:
    """`python run.py app` on a free port (its output in `log`); yields the page's address."""
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "run.py", "app", "--port", str(port)], cwd=ROOT, stdout=output,
            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_served(url, server, log)
        yield url
    finally:
        # The command and the Solara server it started share a process group of their own.
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        except ProcessLookupError:
            pass


# Click Play and resolve when the day counter shows `days` more days, with how many times the
# counter was redrawn on the way (Play redraws every few days: Advanced, "Redraw every ...").
PLAY_AND_WAIT = """([days, timeoutMs]) => new Promise(resolve => {
  const status = document.querySelector('.day-status');
  const burnIn = Number((status.textContent.match(/^Warm-up day \\d+ of (\\d+)/) || [])[1] || 0);
  const dayOf = text => {
    const warm = text.match(/^Warm-up day (\\d+)/);
    return warm ? Number(warm[1]) : burnIn + Number((text.match(/^Day (\\d+)/) || [0, 0])[1]);
  };
  const first = dayOf(status.textContent);
  const buttons = () => [...document.querySelectorAll('.run-bar button')];
  const play = buttons().find(b => b.getAttribute('aria-label') === 'Play');
  let redraws = 0;
  const start = performance.now();
  const observer = new MutationObserver(() => {
    redraws += 1;
    if (dayOf(status.textContent) >= first + days) {
      const seconds = (performance.now() - start) / 1000;
      observer.disconnect();
      buttons().find(b => b.getAttribute('aria-label') === 'Pause').click();
      resolve({seconds, redraws, days: dayOf(status.textContent) - first});
    }
  });
  observer.observe(status, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { observer.disconnect(); resolve(null); }, timeoutMs);
  play.click();
})"""
PLAY_TIMEOUT_S = 120


def play_for(page: Any, days: int) -> dict[str, float]:
    """Press Play on the classroom page, pause once it shows `days` more days; return the
    seconds taken, the days played and the redraws of the day counter on the way."""
    played = page.evaluate(PLAY_AND_WAIT, [days, PLAY_TIMEOUT_S * 1000])
    if played is None:
        raise AssertionError(f"Play did not reach {days} days within {PLAY_TIMEOUT_S} s")
    return played
