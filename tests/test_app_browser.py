"""End to end in a real browser: the served page, driven in headless Chromium by Playwright.

Starts `python run.py app` on a free port, moves a lever, steps, checks that the charts and the
story feed follow, switches scenario, and saves a screenshot under outputs/. Skipped only where
Debian's chromium is not installed.
"""

import datetime as dt
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.browser import CHROMIUM, chromium_page, play_for, served_app

# True once the day counter ("Warm-up day N of M" or "Day N of M") shows at least `arg`.
DAY_AT_LEAST_JS = """days => {
  const text = document.querySelector('.day-status').textContent.split(' of ')[0].trim();
  return Number(text.split(/\\s+/).pop()) >= days;
}"""

ROOT = Path(__file__).resolve().parents[1]
PLAY_DAYS = 100
PAUSE_TIMEOUT_MS = 60_000
SETTLE_MS = 500
# Card titles: the page's own words, none of Mesa's defaults ("Information", "Time", ...).
CARD_TITLES = {"Scenario", "Levers", "Interventions", "Side by side", "Random hospital"}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served_page(tmp_path_factory):
    # One server for the module (per test worker): each test opens its own browser page, a
    # session of its own with its own hospital, so nothing one test does reaches another.
    # Starting the server costs about six seconds.
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    with served_app(tmp_path_factory.mktemp("page") / "server.log") as url:
        yield url


def save_screenshot(image: bytes) -> Path:
    """Write the screenshot to a new file under outputs/ (temporary name, then linked)."""
    folder = ROOT / "outputs"
    folder.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    with tempfile.NamedTemporaryFile(dir=folder, prefix=".incomplete-", suffix=".png",
                                     delete=False) as partial:
        partial.write(image)
    number = 1
    try:
        while True:
            suffix = "" if number == 1 else f"-{number}"
            target = folder / f"{stamp}-app-browser-test{suffix}.png"
            try:
                os.link(partial.name, target)
                return target
            except FileExistsError:
                number += 1
    finally:
        os.unlink(partial.name)


@contextmanager
def classroom_page(url: str, width: int, height: int) -> Iterator[Any]:
    """The classroom page in Chromium at this window size, once its hospital is built."""
    from playwright.sync_api import expect

    with chromium_page(url, {"width": width, "height": height}, timeout_ms=20_000) as page:
        expect(page.locator(".day-status")).to_contain_text("Warm-up day 0 of 90",
                                                             timeout=45_000)
        yield page


def test_teacher_moves_a_lever_steps_and_switches_scenario(served_page):
    from playwright.sync_api import expect

    with classroom_page(served_page, 1280, 720) as page:
        status = page.locator(".day-status")
        nurse = page.locator("svg.hospital-view circle.nurse").first
        expect(nurse.locator("title")).to_contain_text("Nurse #")  # a tooltip, never the only way

        # Turn up the paperwork: focus the lever's slider and press the right arrow.
        paperwork = page.locator(".lever").filter(has_text="Paperwork")
        paperwork.locator("[role=slider]").focus()
        page.keyboard.press("ArrowRight")
        expect(paperwork).to_contain_text("working time: 0.35")
        story = page.locator(".story-feed")
        expect(story).to_contain_text("You set “Paperwork: share of working time” to 0.35")

        charts = page.locator(".live-charts svg.charts")
        before = charts.inner_html()
        step = page.get_by_role("button", name="Step")
        for day in (1, 2, 3):
            step.click()
            expect(status).to_contain_text(f"Warm-up day {day} of 90")
        assert charts.inner_html() != before
        key = page.locator(".chart-key-box")
        expect(key).to_contain_text("day 1: paperwork (you)")
        expect(page.locator(".hospital-label")).to_contain_text("your 1 change")

        # Switch scenario: a fresh hospital with its own description and markers.
        page.locator(".v-select").filter(has_text="Scenario").first.click()
        page.get_by_role("option", name="just culture", exact=True).click()
        expect(page.locator(".hospital-label")).to_have_text("Your hospital: just culture as "
                                                             "written")
        expect(status).to_contain_text("Warm-up day 0 of 90")
        page.get_by_role("button", name="About this scenario and its lesson").click()
        expect(page.locator(".scenario-description")).to_contain_text("blame")
        expect(page.locator(".lesson-guide")).to_contain_text("Questions for the class")
        expect(key).to_contain_text("day 60: Just culture")
        expect(paperwork).to_contain_text("working time: 0.30")  # nothing carried over

        played = play_for(page, PLAY_DAYS)
        assert played["days"] >= PLAY_DAYS
        expect(page.get_by_role("button", name="Play", exact=True)).to_be_enabled(
            timeout=PAUSE_TIMEOUT_MS)  # Play ends the day it is on first: bounded, generous
        page.wait_for_timeout(SETTLE_MS)  # a day Play had begun before the pause ends first
        day = int(status.inner_text().split(" of ")[0].split()[-1])
        step.click()  # Step is still one day, though Play redraws every few
        expect(status).to_contain_text(f"Day {day + 1} of 365")

        shot = save_screenshot(page.screenshot())
        assert shot.stat().st_size > 10_000


# What a projector shows: the page never wider or taller than the window, the key parts inside
# it, and the smallest text drawn (HTML at its computed size; SVG text at its size in user units
# times the drawing's scale). Labels kept 1 px wide for screen readers are not drawn text.
PROJECTOR_JS = r"""() => {
  const W = window.innerWidth, H = window.innerHeight, doc = document.documentElement;
  const problems = [];
  if (doc.scrollWidth > W || doc.scrollHeight > H)
    problems.push(`page ${doc.scrollWidth}x${doc.scrollHeight}`);
  for (const sel of ['.run-bar', '.day-status', 'svg.hospital-view', '.live-charts svg',
                     '.story-box', '.chart-key-box', '.difference-panel']) {
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)
        problems.push(`${sel} at ${Math.round(r.left)},${Math.round(r.top)} to `
                      + `${Math.round(r.right)},${Math.round(r.bottom)}`);
    }
  }
  let smallest = 1e9, where = '';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const el = node.parentElement;
    if (!node.textContent.trim() || !el || el.closest('style, script, title, noscript')) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    let size = parseFloat(style.fontSize);
    const svg = el.closest('svg');
    if (svg) {
      const text = el.closest('text');
      size = parseFloat(text.getAttribute('font-size'))
             * svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    }
    if (size < smallest) { smallest = size; where = node.textContent.trim().slice(0, 50); }
  }
  return {problems, smallest, where, day: document.querySelector('.day-status').textContent};
}"""
YEAR_TIMEOUT_S = 600  # a 455-day Play on a busy 2-core machine, with room to spare


def watch_projector(page, until_text: str, timeout_s: float) -> list[dict]:
    """Measure the page about once a second until the day counter shows `until_text`."""
    readings = []
    for _ in range(int(timeout_s)):
        readings.append(page.evaluate(PROJECTOR_JS))
        if until_text in readings[-1]["day"]:
            return readings
        page.wait_for_timeout(1000)
    raise AssertionError(f"the counter never showed {until_text!r}: {readings[-1]['day']}")


def test_projector_mode_fits_1280x720_with_16px_text_through_a_year_of_play(served_page):
    with classroom_page(served_page, 1280, 720) as page:
        page.get_by_role("button", name="Play", exact=True).click()
        readings = watch_projector(page, "the run is over", YEAR_TIMEOUT_S)
        assert len(readings) > 10  # measured all along the year, not once
        for reading in readings:
            assert reading["problems"] == [], reading
            assert reading["smallest"] >= 16, reading
        shot = save_screenshot(page.screenshot())
        assert shot.stat().st_size > 10_000


def test_side_by_side_fits_and_names_what_is_in_force(served_page):
    from playwright.sync_api import expect

    with classroom_page(served_page, 1280, 720) as page:
        page.locator(".v-select").filter(has_text="Compare with").first.click()
        page.get_by_role("option", name="baseline", exact=True).click()
        page.get_by_role("button", name="Reset", exact=True).click()
        expect(page.locator(".comparison-label")).to_contain_text("Comparison: baseline")
        page.get_by_text("Just culture", exact=True).click()
        expect(page.locator(".hospital-label")).to_contain_text("your 1 change")
        page.locator(".view-switch button", has_text="Side by side").click()
        played = play_for(page, 30)
        assert played["days"] >= 30
        table = page.locator(".difference-panel")
        expect(table).to_contain_text("Gap over 6 pairs")
        expect(page.locator(".live-charts polygon.band").first).to_be_attached()
        for view in ("Side by side", "Both hospitals", "All charts"):
            page.locator(".view-switch button", has_text=view).click()
            page.wait_for_timeout(SETTLE_MS)
            reading = page.evaluate(PROJECTOR_JS)
            assert reading["problems"] == [] and reading["smallest"] >= 16, (view, reading)
        save_screenshot(page.screenshot())


# Every control must carry a name a screen reader can say (sliders: Vuetify's label, kept in
# the page though hidden, because the text above each slider shows the name with its value).
UNNAMED_CONTROLS_JS = r"""() => {
  const unnamed = [];
  const roots = document.querySelectorAll('.v-navigation-drawer, .v-main');
  for (const root of roots) {
    for (const el of root.querySelectorAll('input, [role=slider], button, select, textarea')) {
      if (el.hidden || el.type === 'hidden')
        continue;
      if (el.matches('.v-slider input')) continue;  // the slider's value store, not a control
      let name = el.getAttribute('aria-label') || el.title || '';
      if (!name && el.labels) name = [...el.labels].map(l => l.textContent).join(' ');
      if (!name && el.matches('[role=slider]')) {
        const label = el.closest('.v-input').querySelector('label.v-label');
        name = label ? label.textContent : '';
      }
      if (!name) name = el.textContent;
      // A name of symbols only ("▶") is read as shapes or not at all: it needs a word.
      if (!/\p{L}/u.test(name)) unnamed.push(el.outerHTML.slice(0, 120));
    }
  }
  return unnamed;
}"""


def test_one_projector_screen_named_controls_and_the_workaround_story(served_page):
    from playwright.sync_api import expect

    width, height = 1280, 720
    with classroom_page(served_page, width, height) as page:
        status = page.locator(".day-status")
        expect(page.locator("svg.hospital-view")).to_be_visible()
        assert page.evaluate(PROJECTOR_JS)["problems"] == []
        assert page.evaluate(UNNAMED_CONTROLS_JS) == []
        assert page.get_by_text("Play Interval").count() == 0  # Mesa's, under Advanced
        assert page.get_by_text(re.compile(r"^Time: \d")).count() == 0  # one day counter
        titles = page.locator(".v-card-title, .v-card__title").all_inner_texts()
        assert titles and {title.strip() for title in titles} <= CARD_TITLES, titles
        # Solara's banner would cover the charts' corner: it is not shown at all.
        expect(page.get_by_text("runs on")).to_have_count(0)
        expect(page.locator('a[href*="solara.dev"]')).to_have_count(0)

        paperwork = page.locator(".lever").filter(has_text="Paperwork")
        paperwork.locator("[role=slider]").focus()
        page.keyboard.press("ArrowRight")
        expect(paperwork).to_contain_text("working time: 0.35")

        # Play until the feed tells of workarounds becoming a ward's habit.
        page.locator(".story-filter").click()
        page.get_by_role("option", name="only workarounds as habit").click()
        story = page.locator(".story-feed")
        page.get_by_role("button", name="Play", exact=True).click()
        expect(story).to_contain_text("become the ward's habit", timeout=90_000)
        page.get_by_role("button", name="Pause", exact=True).click()
        expect(status).not_to_contain_text("Warm-up day 0 ")
        day = int(status.inner_text().split(" of ")[0].split()[-1])
        if day < 30:  # the habit can form early: play on to test the lever a month later
            page.get_by_role("button", name="Play", exact=True).click()
            page.wait_for_function(DAY_AT_LEAST_JS, arg=30, timeout=90_000)
            page.get_by_role("button", name="Pause", exact=True).click()
            day = int(status.inner_text().split(" of ")[0].split()[-1])
        assert day >= 30
        expect(paperwork).to_contain_text("working time: 0.35")  # your value holds

        shot = save_screenshot(page.screenshot())
        assert shot.stat().st_size > 10_000

        # One light theme, even where the computer asks for dark pages.
        page.emulate_media(color_scheme="dark")
        page.reload()
        expect(status).to_contain_text("Warm-up day 0 of 90", timeout=45_000)
        expect(page.locator("#app")).to_have_class(re.compile(r"\btheme--light\b"))
