"""Lesson plans for the classroom page, with the figures the class should expect to see.

Each plan is run here exactly as a teacher runs it on the page: the same `ClassroomHospital`,
the page's default seed, the same comparison and switches, stopped on the same day; the figures
are the side-by-side table's (sim/app/side_by_side.py), verdicts included. `python run.py
lessons` measures them and writes docs/lessons.md; a test checks the page against it, so after a
change to the model the command is run again and the plans stay true.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from sim.app.classroom import (
    DEFAULT_SEED,
    REPLICATE_PAIRS,
    ClassroomHospital,
    ClassroomSettings,
)
from sim.app.side_by_side import Difference, difference
from sim.cli.error_log import print_error
from sim.core.metrics import METRIC_BY_NAME, format_change, format_value

PAIRS = REPLICATE_PAIRS + 1  # the pair shown and the background pairs
DOCS = Path(__file__).resolve().parents[2] / "docs" / "lessons.md"


@dataclass(frozen=True)
class Lesson:
    """A 10-15 minute plan: what to set on the page, where to stop, what to ask."""

    key: str
    title: str
    minutes: int
    scenario: str
    comparison: str
    stop_day: int
    metrics: tuple[str, ...]
    steps: tuple[str, ...]
    questions: tuple[str, ...]
    switch_on: tuple[str, ...] = ()  # interventions ticked before Play (they act from day 1)


LESSONS: tuple[Lesson, ...] = (
    Lesson(
        "blame_silence", "Blame → silence", 10, "blame culture", "baseline", 300,
        ("reporting_rate", "psychological_safety", "nonpunitive_perception", "adverse_events"),
        ("Scenario: blame culture. Side by side, compare with: baseline. Press Reset.",
         "Play. The 90-day warm-up takes about 20 s; say what it is for (beliefs settle, the "
         "two hospitals are still twins: their lines coincide).",
         "At day 30 the managers turn to blame (marker 1). Let it play; point at the feed's "
         "manager lines and the “Nobody reported the other …” lines, which say why.",
         "Pause at day 300 (expected blame is learned over months). Open Side by "
         "side and read the table row by row."),
        ("Reporting fell but incidents did not: what did the board's incident figures just "
         "tell it?",
         "Staff expected blame within weeks, but reporting took months to fall beyond "
         "chance: what would a board looking at one month's reports have concluded?",
         "What would it take for staff to start reporting again, and how long would it take?")),
    Lesson(
        "burden_workarounds", "Burden → workarounds and burnout", 12, "high regulation",
        "baseline", 180,
        ("workaround_rate", "burnout_prevalence", "true_compliance", "measured_compliance"),
        ("Scenario: high regulation. Compare with: baseline. Press Reset.",
         "Play; from day 60 the rules, paperwork and audits pile up (marker 1).",
         "In the Hospital view choose Colour: burnout; watch the feed's burnout lines, which "
         "give the paperwork share behind them.",
         "Pause at day 180 and open Side by side."),
        ("More rules, yet true compliance did not rise: why?",
         "Which rules would you remove first, and how would you know they were safe to "
         "remove?")),
    Lesson(
        "transparency_reporting", "Transparency with just culture → reporting, then harm", 15,
        "uncomfortable transparency", "baseline", 240,
        ("reporting_rate", "psychological_safety", "trust_in_management", "adverse_events"),
        ("Scenario: uncomfortable transparency. Compare with: baseline. Press Reset.",
         "Before Play, tick the intervention Just culture (it acts from day 1, phased in over "
         "two months).",
         "Play; transparency begins at day 60 (marker). Reporting rises first.",
         "Pause at day 240 and open Side by side: is harm down yet?"),
        ("Why does reporting rise long before harm falls?",
         "Without just culture, what would transparency spread? (Reset, leave it unticked, "
         "and compare.)"), switch_on=("just_culture",)),
    Lesson(
        "walkrounds_follow_through", "Walkrounds without follow-through", 10,
        "walkrounds without follow-through", "walkrounds", 180,
        ("trust_in_management", "psychological_safety", "reporting_rate", "open_hazards"),
        ("Scenario: walkrounds without follow-through. Compare with: walkrounds. Reset.",
         "Play to day 180: both hospitals hold the same walkrounds from day 60.",
         "Open Side by side: only follow-through differs."),
        ("Why does a walkround that changes nothing cost trust?",
         "What would you need to see after a walkround to believe the next one?")),
    Lesson(
        "audits_measure_audits", "Audits measure the audit", 10, "audit drive", "baseline", 240,
        ("measured_compliance", "true_compliance", "workaround_rate", "burnout_prevalence"),
        ("Scenario: audit drive. Compare with: baseline. Reset.",
         "Play; audits multiply from day 60. Watch the feed's audit lines: the audit's figure "
         "beside the wards' real one.",
         "Pause at day 240; open All charts (compliance: measured vs true) and Side by side."),
        ("What did the audits measure?",
         "Who in the hospital would believe the audit figure, and why?")),
)


def run_lesson(lesson: Lesson, seed: int = DEFAULT_SEED) -> ClassroomHospital:
    """The page's run of the lesson, stopped where the plan says."""
    settings = ClassroomSettings(scenario=lesson.scenario, comparison=lesson.comparison)
    model = ClassroomHospital(settings, seed)
    for key in lesson.switch_on:
        model.switch_on(key)
    target = model.hospital.config.run.burn_in + lesson.stop_day
    while model.hospital.day < target:
        model.step()
    return model


def lesson_figures(lesson: Lesson, seed: int = DEFAULT_SEED) -> list[Difference]:
    """The side-by-side table's rows the plan points at, on its stopping day."""
    model = run_lesson(lesson, seed)
    return [difference(model, name) for name in lesson.metrics]


def figures_table(rows: list[Difference]) -> list[str]:
    lines = [f"| Last 30 days | Yours | Comparison | Gap | Gap over {PAIRS} pairs (95%) | The "
             "page says |", "|---|---:|---:|---:|---:|---|"]
    for row in rows:
        metric = METRIC_BY_NAME[row.metric]
        change = row.change
        lines.append(
            f"| {metric.label} ({metric.unit}) | {format_value(metric, row.left, unit=False)} | "
            f"{format_value(metric, row.right, unit=False)} | "
            f"{format_change(metric, row.gap, unit=False)} | "
            f"{format_change(metric, change.mean, unit=False)} "
            f"({format_change(metric, change.low, unit=False)} to "
            f"{format_change(metric, change.high, unit=False)}) | {row.words()} |")
    return lines


def lessons_markdown(measured: dict[str, list[Difference]], seed: int = DEFAULT_SEED) -> str:
    lines = ["# Lesson plans for the classroom page", "",
             "<!-- Written by `python run.py lessons`; run it again after a model change. -->", "",
             "Each plan takes 10-15 minutes on a projector (1280x720, the page's projector "
             "layout). Serve the page with `python run.py app`. Every Reset starts with a "
             "90-day warm-up in which clinicians' beliefs settle; on Play it takes about 20 "
             "seconds, and it is a good moment to explain the picture. Day 1 is the first day "
             "after it.", "",
             f"The figures are the page's own, measured with the page's default seed "
             f"({seed}) by running each plan as written: the class sees these numbers if the "
             "seed is left alone. Another seed is another hospital; the verdicts should hold, "
             f"the numbers will differ a little. “Gap over {PAIRS} pairs” is the mean gap, "
             "with its 95% interval, over the pair shown and five more pairs of hospitals with "
             "other seeds that the page runs in the background; the page calls a gap better or "
             "worse "
             "only when that interval excludes zero and the mean gap is larger than the "
             "metric's minimum meaningful difference (the board report's rule).", ""]
    for lesson in LESSONS:
        lines += [f"## {lesson.title} ({lesson.minutes} minutes)", "",
                  f"Scenario **{lesson.scenario}**, compared with **{lesson.comparison}**; "
                  f"stop at **day {lesson.stop_day}**.", "", "Steps:", ""]
        lines += [f"{number}. {step}" for number, step in enumerate(lesson.steps, start=1)]
        lines += ["", f"What the class should see on day {lesson.stop_day}:", "",
                  f"<!-- figures: {lesson.key} -->", *figures_table(measured[lesson.key]),
                  f"<!-- end figures: {lesson.key} -->", "", "Questions:", ""]
        lines += [f"- {question}" for question in lesson.questions]
        lines.append("")
    return "\n".join(lines)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "lessons", help="measure the lesson plans' figures on the classroom page's model and "
                        "write docs/lessons.md")
    parser.add_argument("--out", type=Path, default=DOCS, help="where to write (default "
                                                               "docs/lessons.md)")
    parser.set_defaults(func=write_lessons)


def write_lessons(arguments: argparse.Namespace) -> int:
    measured = {}
    for lesson in LESSONS:
        print(f"Running the lesson {lesson.title!r} to day {lesson.stop_day} ...", flush=True)
        measured[lesson.key] = lesson_figures(lesson)
    text = lessons_markdown(measured)
    partial = arguments.out.with_name(f".{arguments.out.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(arguments.out)  # never a half-written page
    except OSError as error:
        print_error(f"cannot write {arguments.out} ({error.strerror})")
        return 1
    print(f"Lesson plans: {arguments.out}")
    return 0
