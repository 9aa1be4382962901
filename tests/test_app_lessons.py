"""The lesson plans: every plan is complete, and docs/lessons.md holds the page's own figures
(regenerate with `python run.py lessons` after a model change)."""

import re

import pytest

from sim.app.lessons import DOCS, LESSONS, PAIRS, figures_table, lesson_figures
from sim.app.scenario_menu import scenario_menu

NUMBER = re.compile(r"[−+-]?\d+(?:\.\d+)?")


def figures_block(text: str, key: str) -> list[str]:
    match = re.search(rf"<!-- figures: {key} -->\n(.*?)\n<!-- end figures: {key} -->", text,
                      re.DOTALL)
    assert match, f"docs/lessons.md has no figures for {key}: run python run.py lessons"
    return match.group(1).splitlines()


def numbers(line: str) -> list[float]:
    return [float(x.replace("−", "-")) for x in NUMBER.findall(line.split("|", 2)[2])]


def test_every_plan_is_runnable_on_the_page_and_documented_with_its_figures():
    menu = scenario_menu()
    text = DOCS.read_text(encoding="utf-8")
    for lesson in LESSONS:
        assert lesson.scenario in menu and lesson.comparison in menu
        assert 10 <= lesson.minutes <= 15 and len(lesson.steps) >= 3 and lesson.questions
        assert f"stop at **day {lesson.stop_day}**" in text
        rows = figures_block(text, lesson.key)
        assert len(rows) == 2 + len(lesson.metrics)  # header, rule, one row per metric
        assert f"Gap over {PAIRS} pairs" in rows[0]
    assert "warm-up" in text and "python run.py app" in text


def test_the_blame_lesson_figures_are_what_the_page_shows():
    lesson = next(lesson for lesson in LESSONS if lesson.key == "blame_silence")
    rows = lesson_figures(lesson)
    fresh = figures_table(rows)
    documented = figures_block(DOCS.read_text(encoding="utf-8"), lesson.key)
    for now, written in zip(fresh[2:], documented[2:], strict=True):
        assert now.rsplit("|", 2)[1] == written.rsplit("|", 2)[1], (now, written)  # verdict
        assert numbers(now) == pytest.approx(numbers(written), rel=0.02, abs=0.15), (
            "the model changed: run python run.py lessons")
    # The lesson's point, as the page tells it: blame silences reporting and safety falls.
    verdicts = {row.metric: row.verdict() for row in rows}
    assert verdicts["reporting_rate"] == "worse" and verdicts["psychological_safety"] == "worse"
