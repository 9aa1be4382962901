"""Speed of the interactive page: milliseconds per simulated day, with and without redrawing.

Run with `python benchmarks/app_benchmark.py` (add `--browser` to also time it in headless
Chromium, `--browser-only` for that alone). Measures, for the default hospital (the baseline
scenario):

- step: one day of the model alone;
- step + redraw: one day plus re-rendering every view of the page (hospital, story, charts,
  and the levers, which follow the live values) through Solara, in one pass as on the page,
  for one hospital and in side-by-side mode;
- whole run: the default scenario from the first warm-up day to the last day (455 days),
  redrawing after every day, and redrawing every 5 days (Advanced: "Redraw every ...");
- browser (optional), at 1280x720 and the page's default play settings: Play from the first
  warm-up day until the day counter shows 100 more days (target: under 5 s), and a click on
  Step until every view shows the next day (target: a median under 50 ms): the model, the
  redraw, the websocket and the browser's own drawing together.

A benchmark, not a test: figures depend on the machine and on what else runs on it (the
browser test checks Play against a generous bound).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import solara  # noqa: E402
from mesa.visualization.utils import force_update, update_counter  # noqa: E402

from sim.app.classroom import AS_WRITTEN, ClassroomHospital, ClassroomSettings  # noqa: E402
from sim.app.controls import ClassroomControls, lever_state  # noqa: E402
from sim.app.page import MainView  # noqa: E402
from tests.browser import chromium_page, play_for, served_app  # noqa: E402

WARM_UP_DAYS = 120  # past the warm-up, so charts and story carry a realistic load
# Targets in the browser, at the page's default play settings.
PLAY_DAYS, PLAY_TARGET_S = 100, 5.0
STEP_TARGET_MS = 50.0
STEP_CLICKS = 30
VIEWPORT = {"width": 1280, "height": 720}  # a lecture theatre's projector


def milliseconds(samples: list[float]) -> str:
    ordered = sorted(samples)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {statistics.median(samples):6.1f} ms, 90th percentile {p90:6.1f} ms"


def time_steps(model: ClassroomHospital, days: int) -> list[float]:
    samples = []
    for _ in range(days):
        start = time.perf_counter()
        model.step()
        samples.append(1000 * (time.perf_counter() - start))
    return samples


@solara.component
def PageViews(model: ClassroomHospital) -> None:
    """Everything on the page that redraws as days pass: the main area and the sidebar, in one
    pass per day as on the page."""
    tick = update_counter.get()
    MainView(model, tick)
    ClassroomControls(solara.use_reactive(model), model.settings, lever_state(model))


def time_steps_with_redraw(model: ClassroomHospital, days: int,
                           every: int = 1) -> list[float]:
    """Each day as Play runs it: step, then (every `every` days) Mesa's update counter
    redraws every view."""
    _, context = solara.render(PageViews(model), handle_error=False)
    samples = []
    try:
        for day in range(days):
            start = time.perf_counter()
            model.step()
            if (day + 1) % every == 0:
                force_update()
            samples.append(1000 * (time.perf_counter() - start))
    finally:
        context.close()
    return samples


def whole_run_seconds(every: int) -> float:
    """The default scenario from warm-up to its last day, redrawn every `every` days."""
    model = ClassroomHospital(ClassroomSettings(), seed=1)
    return sum(time_steps_with_redraw(model, model.last_day, every)) / 1000


def prepared(settings: ClassroomSettings) -> ClassroomHospital:
    model = ClassroomHospital(settings, seed=1)
    for _ in range(WARM_UP_DAYS):
        model.step()
    return model


# Click Step inside the page and resolve once the day, hospital and charts show the new day
# and the browser has painted it; the time excludes the test driver's own overhead.
STEP_AND_WAIT = """() => new Promise(resolve => {
  const views = ['.day-status', '.hospital-view-box', '.live-charts']
      .map(selector => document.querySelector(selector));
  const before = views.map(view => view.innerHTML);
  const button = [...document.querySelectorAll('button')]
      .find(b => b.innerText.trim().toLowerCase() === 'step');
  const start = performance.now();
  const observer = new MutationObserver(() => {
    if (views.every((view, i) => view.innerHTML !== before[i])) {
      observer.disconnect();
      requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
    }
  });
  observer.observe(document.body, {subtree: true, childList: true, characterData: true});
  setTimeout(() => { observer.disconnect(); resolve(NaN); }, 10000);
  button.click();
})"""


@dataclass(frozen=True)
class BrowserTimes:
    """What the class sees in the browser: Play over many days, and single Steps."""

    play_seconds: float
    play_days: int
    play_redraws: int
    step_ms: list[float]


def time_in_browser(play_days: int, steps: int) -> BrowserTimes:
    """Play and Step in headless Chromium on the served page, at the page's default settings."""
    from playwright.sync_api import expect

    with tempfile.TemporaryDirectory() as folder, \
            served_app(Path(folder) / "server.log") as url, \
            chromium_page(url, VIEWPORT, timeout_ms=60_000) as page:
        page.locator(".day-status").wait_for()
        page.get_by_role("button", name="Step").wait_for()
        for view in (".hospital-view-box", ".live-charts"):
            page.locator(view).first.wait_for()
        played = play_for(page, play_days)
        expect(page.get_by_role("button", name="Step")).to_be_enabled()  # paused
        samples = [page.evaluate(STEP_AND_WAIT) for _ in range(steps)]
        if any(sample != sample for sample in samples):  # NaN: a view never updated
            raise RuntimeError("the page did not redraw after a Step within 10 s")
    return BrowserTimes(played["seconds"], played["days"], played["redraws"], samples)


def report_browser(times: BrowserTimes) -> None:
    verdict = "met" if times.play_seconds < PLAY_TARGET_S else "MISSED"
    print(f"  browser, Play for {times.play_days} days: {times.play_seconds:5.2f} s, "
          f"{times.play_redraws} redraws of the day counter (target under "
          f"{PLAY_TARGET_S:g} s for {PLAY_DAYS} days: {verdict})")
    step = statistics.median(times.step_ms)
    verdict = "met" if step < STEP_TARGET_MS else "MISSED"
    print(f"  browser, Step click to all views redrawn: {milliseconds(times.step_ms)} "
          f"(target median under {STEP_TARGET_MS:g} ms: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=100, help="days timed in each mode")
    parser.add_argument("--browser", action="store_true",
                        help="also time Play and Step in headless Chromium (needs playwright)")
    parser.add_argument("--browser-only", action="store_true",
                        help="time only Play and Step in headless Chromium")
    parser.add_argument("--whole-run", action="store_true",
                        help="also time a whole run of the default scenario with redraws")
    arguments = parser.parse_args()
    days = arguments.days

    if not arguments.browser_only:
        in_process(days, arguments.whole_run)
    if arguments.browser or arguments.browser_only:
        print(f"In headless Chromium at {VIEWPORT['width']}x{VIEWPORT['height']}, default "
              "play settings:")
        report_browser(time_in_browser(PLAY_DAYS, STEP_CLICKS))


def in_process(days: int, whole_run: bool) -> None:
    """The model and Solara's redraw without a browser."""
    one = ClassroomSettings()
    print(f"Default hospital ({one.scenario}), {days} days after {WARM_UP_DAYS} days:")
    print(f"  step only:                  {milliseconds(time_steps(prepared(one), days))}")
    redraw = time_steps_with_redraw(prepared(one), days)
    print(f"  step + redraw:              {milliseconds(redraw)}")
    two = ClassroomSettings(comparison=AS_WRITTEN)
    both = time_steps_with_redraw(prepared(two), days)
    print(f"  side by side (with the background pairs), step + redraw: {milliseconds(both)}")
    if whole_run:
        for every in (1, 5):
            print(f"  whole run (455 days), redraw every {every} day(s): "
                  f"{whole_run_seconds(every):5.1f} s")


if __name__ == "__main__":
    main()
