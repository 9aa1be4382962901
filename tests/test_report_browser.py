"""The board report read in a real browser: headless Chromium opens report.html from disk.

What a recipient sees must speak in labels and units: no metric name in snake_case and no
scientific notation in the visible text, the board's summary before the detail, a working link
to the model description inside the report, and a print layout on A4 with no cut figures.
Skipped only where Debian's chromium is not installed.
"""

import re
from pathlib import Path

import pytest

from sim.cli import main
from sim.core.metrics import METRICS
from tests.browser import CHROMIUM, chromium_page

BASE = """\
name: base
description: A tiny hospital
hospital: {wards: 2, nurses_per_ward: 6, doctors_per_ward: 2}
run: {days: 30, burn_in: 5}
"""
FIX = """\
name: fix
extends: base.yaml
description: Less blame, more feedback
interventions:
  - name: just culture
    start: 5
    set: {management.punitiveness: 0.05, management.feedback_probability: 0.9}
"""

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium")
    folder = tmp_path_factory.mktemp("report")
    (folder / "base.yaml").write_text(BASE)
    (folder / "fix.yaml").write_text(FIX)
    code = main(["compare", str(folder / "base.yaml"), str(folder / "fix.yaml"),
                 "--replicates", "3", "--window", "20", "--workers", "1", "--quiet",
                 "--out", str(folder / "out")])
    assert code == 0
    return next((folder / "out").glob("*/report.html"))


def test_report_reads_as_plain_language_in_chromium(report: Path) -> None:
    with chromium_page(report.as_uri()) as page:
        # The appendix is the model's technical description (docs/ODD.md), code names included.
        text = page.evaluate("""() => [...document.body.children]
            .filter(node => node.id !== 'model-description')
            .map(node => node.innerText).join(' ')""")
        headings = page.locator("h2").all_inner_texts()
        link = page.locator('a[href="#model-description"]')
        assert link.count() == 1
        link.click()
        assert page.locator("#model-description").is_visible()
        page.emulate_media(media="print")
        widths = page.evaluate("""() => [...document.querySelectorAll('figure img')]
            .map(img => img.getBoundingClientRect().right)""")
        body_right = page.evaluate("() => document.body.getBoundingClientRect().right")
        pdf = page.pdf(format="A4")
    for metric in METRICS:
        if "_" in metric.name:
            assert not re.search(rf"\b{metric.name}\b", text), metric.name
    assert not re.search(r"\d[eE][+-]\d", text), "scientific notation in the report"
    assert headings[0].startswith("Summary for the board")
    assert "Primary outcomes" in text and "exploratory" in text
    assert "file://" not in report.read_text(encoding="utf-8")
    assert widths and max(widths) <= body_right + 1
    assert pdf.startswith(b"%PDF")


def test_first_page_fits_one_a4_page_with_the_caveat_first(report: Path) -> None:
    """The board's page: the caveat above one ranked table, a reading per option, and all of
    it within one printed A4 page (printable area 186 x 273 mm at 12 mm margins)."""
    millimetre = 96 / 25.4
    with chromium_page(report.as_uri(), viewport={"width": round(186 * millimetre),
                                                  "height": 1000}) as page:
        page.emulate_media(media="print")
        height = page.evaluate(
            "() => document.querySelector('section.board').getBoundingClientRect().bottom")
        first = page.evaluate(
            "() => document.querySelector('section.board').firstElementChild.className")
        tables = page.locator("section.board table").count()
        readings = page.locator("section.board ul.readings li").count()
    assert first == "caveat"
    assert tables == 1 and readings == 1  # one option besides the reference
    assert height <= 273 * millimetre
