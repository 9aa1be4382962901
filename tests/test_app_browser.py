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
SETTLE_MS = 500
# Card titles: the page's own words, none of Mesa's defaults ("Information", "Time", ...).
CARD_TITLES = {"Scenario", "Levers", "Interventions", "Side by side", "Random hospital"}

pytestmark = pytest.mark.browser


@pytest.fixture
def served_page(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    with served_app(tmp_path / "server.log") as url:
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

    with classroom_page(served_page, 1500, 1100) as page:
        status = page.locator(".day-status")
        nurse = page.locator("svg.hospital-view circle.nurse").first
        expect(nurse.locator("title")).to_contain_text("Nurse #")  # its tooltip

        # Turn up the paperwork: focus the lever's slider and press the right arrow.
        paperwork = page.locator(".lever").filter(has_text="Paperwork")
        paperwork.locator("[role=slider]").focus()
        page.keyboard.press("ArrowRight")
        expect(paperwork).to_contain_text("working time: 0.35")
        story = page.locator(".story-feed")
        expect(story).to_contain_text("The teacher changed")

        charts = page.locator(".more-charts svg.charts")
        before = charts.inner_html()
        step = page.get_by_role("button", name="Step")
        for day in (1, 2, 3):
            step.click()
            expect(status).to_contain_text(f"Warm-up day {day} of 90")
        assert charts.inner_html() != before
        expect(charts.locator("g.marker title").first).to_contain_text(
            "Paperwork: share of working time: 0.3 to 0.35")
        page.locator(".story-filter").click()
        page.get_by_role("option", name="everything", exact=True).click()
        expect(story.locator("li").first).to_contain_text("Warm-up day 3")

        # Switch scenario: a fresh hospital with its own description and markers.
        page.locator(".v-select").filter(has_text="Scenario").first.click()
        page.get_by_role("option", name="just culture", exact=True).click()
        expect(page.locator(".hospital-label")).to_have_text("Your hospital: just culture")
        expect(status).to_contain_text("Warm-up day 0 of 90")
        page.get_by_role("button", name="About this scenario and its lesson").click()
        expect(page.locator(".scenario-description")).to_contain_text("blame")
        expect(page.locator(".lesson-guide")).to_contain_text("Questions for the class")
        expect(charts.locator("g.marker title").first).to_contain_text("Day 60: Just culture")
        for day in (1, 2, 3, 4, 5):
            step.click()
            expect(status).to_contain_text(f"Warm-up day {day} of 90")
        expect(charts.locator("polyline.line").first).to_be_attached()

        # Play runs on by itself (how fast is a benchmark: benchmarks/app_benchmark.py).
        played = play_for(page, PLAY_DAYS)
        assert played["days"] >= PLAY_DAYS
        expect(page.get_by_role("button", name="Play", exact=True)).to_be_enabled()
        page.wait_for_timeout(SETTLE_MS)  # a day Play had begun before the pause ends first
        day = int(status.inner_text().split(" of ")[0].split()[-1])
        step.click()  # Step is still one day, though Play redraws every few
        expect(status).to_contain_text(f"Day {day + 1} of 365")

        shot = save_screenshot(page.screenshot(full_page=True))
        assert shot.stat().st_size > 10_000


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
SMALLEST_HOSPITAL_TEXT_JS = """() => {
  const svg = document.querySelector('svg.hospital-view');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')].map(t => parseFloat(t.getAttribute('font-size')));
  return Math.min(...sizes) * scale;
}"""


def test_one_projector_screen_the_lever_that_holds_and_the_workaround_story(served_page):
    from playwright.sync_api import expect

    width, height = 1280, 720
    with classroom_page(served_page, width, height) as page:
        status = page.locator(".day-status")
        expect(page.locator("svg.hospital-view")).to_be_visible()

        # One screen: hospital, the four key charts, the run buttons, scenario and levers.
        on_screen = [page.locator("svg.hospital-view"), page.locator(".live-charts svg"),
                     *(page.get_by_role("button", name=name, exact=True)
                       for name in ("Reset", "Play", "Step one day")),
                     page.locator(".v-select").filter(has_text="Scenario").first,
                     page.locator(".lever").first]
        for element in on_screen:
            box = element.bounding_box()
            assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, box
            assert box["x"] + box["width"] <= width, box
        assert page.evaluate(SMALLEST_HOSPITAL_TEXT_JS) >= 12
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
        expect(paperwork).to_contain_text("working time: 0.35")  # the lever still holds

        shot = save_screenshot(page.screenshot())
        assert shot.stat().st_size > 10_000

        # One light theme, even where the computer asks for dark pages.
        page.emulate_media(color_scheme="dark")
        page.reload()
        expect(status).to_contain_text("Warm-up day 0 of 90", timeout=45_000)
        expect(page.locator("#app")).to_have_class(re.compile(r"\btheme--light\b"))
