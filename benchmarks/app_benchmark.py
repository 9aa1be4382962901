"""Speed of the interactive page: milliseconds per simulated day, with and without redrawing.

Run with `python benchmarks/app_benchmark.py` (add `--browser` to also time it in headless
Chromium). Measures, for the default hospital (the baseline scenario):

- step: one day of the model alone;
- step + redraw: one day plus re-rendering every view of the page (hospital, story, charts,
  and the levers, which follow the live values) through Solara, as Play does after each day,
  for one hospital and in side-by-side mode;
- whole run: the default scenario from the first warm-up day to the last day (455 days),
  redrawing after every day, and redrawing every 5 days (Advanced: "Redraw every ...");
- browser (optional): a click on Step until the page shows the next day, through the served
  page in headless Chromium: the model, the redraw, the websocket and the browser's own
  drawing together.

Play looks smooth while a day, redraw included, takes well under 100 ms. A benchmark, not a
test: figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import solara  # noqa: E402
from mesa.visualization.utils import force_update  # noqa: E402

from sim.app.classroom import WITHOUT_INTERVENTIONS, ClassroomHospital, ClassroomSettings  # noqa: E402
from sim.app.controls import ClassroomControls  # noqa: E402
from sim.app.page import MainView  # noqa: E402

WARM_UP_DAYS = 120  # past the warm-up, so charts and story carry a realistic load
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]


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
    """Everything on the page that redraws as days pass: the main area and the sidebar."""
    MainView(model)
    ClassroomControls(solara.use_reactive(model), model.settings)


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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def time_in_browser(days: int) -> list[float]:
    """Step clicks in headless Chromium, each timed until the page shows the next day."""
    from playwright.sync_api import sync_playwright

    port = free_port()
    server = subprocess.Popen([sys.executable, "run.py", "app", "--port", str(port)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
            browser = playwright.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True,
                viewport={"width": 1500, "height": 1100})
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            status = page.locator(".day-status")
            status.wait_for(timeout=60_000)
            page.get_by_role("button", name="Step").wait_for()
            for view in (".hospital-view-box", ".live-charts"):
                page.locator(view).first.wait_for(timeout=30_000)
            samples = [page.evaluate(STEP_AND_WAIT) for _ in range(days)]
            if any(sample != sample for sample in samples):  # NaN: a view never updated
                raise RuntimeError("the page did not redraw after a Step within 10 s")
            browser.close()
        return samples
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=100, help="days timed in each mode")
    parser.add_argument("--browser", action="store_true",
                        help="also time Step clicks in headless Chromium (needs playwright)")
    parser.add_argument("--whole-run", action="store_true",
                        help="also time a whole run of the default scenario with redraws")
    arguments = parser.parse_args()
    days = arguments.days

    one = ClassroomSettings()
    print(f"Default hospital ({one.scenario}), {days} days after {WARM_UP_DAYS} days:")
    print(f"  step only:                  {milliseconds(time_steps(prepared(one), days))}")
    redraw = time_steps_with_redraw(prepared(one), days)
    print(f"  step + redraw:              {milliseconds(redraw)}")
    two = ClassroomSettings(comparison=WITHOUT_INTERVENTIONS)
    both = time_steps_with_redraw(prepared(two), days)
    print(f"  side by side, step + redraw: {milliseconds(both)}")
    if arguments.whole_run:
        for every in (1, 5):
            print(f"  whole run (455 days), redraw every {every} day(s): "
                  f"{whole_run_seconds(every):5.1f} s")
    if arguments.browser:
        clicks = time_in_browser(min(days, 40))
        print(f"  browser, Step click to all views redrawn: {milliseconds(clicks)}")
    worst = max(statistics.median(redraw), statistics.median(both),
                statistics.median(clicks) if arguments.browser else 0.0)
    print(f"Target: under about 100 ms per day with redraw; slowest median here {worst:.1f} ms.")


if __name__ == "__main__":
    main()
