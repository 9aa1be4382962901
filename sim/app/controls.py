"""The teacher's controls: scenario, levers, interventions to switch on, the side-by-side choice.

Picking a scenario loads it at once (a fresh hospital at the start of its warm-up). Levers and
interventions act on the running hospital from the next day, as dated changes; Reset returns to
the scenario as written, for both hospitals. The comparison is chosen for the next Reset.
Every input is a slider, a checkbox or a choice from a fixed list: nothing typed is ever run.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import solara
from mesa.visualization.utils import force_update

from sim.app.classroom import (
    LEVERS,
    TOGGLES,
    ClassroomHospital,
    ClassroomSettings,
    Lever,
    schedule_of,
)
from sim.app.scenario_menu import MenuEntry
from sim.errors import UsageError
from sim.hospital.standing import read_fit_summary, standing_chart

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping


def safe_file_name(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name).strip("_") or "scenario"


def pending_changes(settings: ClassroomSettings, running: ClassroomSettings) -> list[str]:
    """What the running hospitals do not reflect yet (applied at the next Reset)."""
    return ["comparison"] if settings.comparison != running.comparison else []


def lever_note(lever: Lever, scenario_value: float, schedule: list[str], held: bool) -> str:
    """What the class should know about a lever besides its live value."""
    note = f"Scenario: {format_lever(lever, scenario_value)}"
    if schedule:
        note += "; then " + "; ".join(schedule)
    if held:
        note += ". Set by you in this run; Reset returns to the scenario"
    return note


LeverState = tuple[tuple[float, bool], ...]  # each lever's live value and whether it is held


def lever_state(model: ClassroomHospital) -> LeverState:
    """Each lever's value in the running hospital today, and whether the teacher holds it."""
    return tuple((model.live_value(lever.key), model.held_by_teacher(lever.key))
                 for lever in LEVERS)


def format_lever(lever: Lever, value: float) -> str:
    return f"{value:g}" if lever.whole else f"{value:.2f}"


@solara.component
def LeverSlider(lever: Lever, value: float, on_value: Callable[[float], None],
                note: str = "") -> None:
    """A lever: its name and live value on one line, the slider below (the sidebar is narrow),
    and the scenario's own value and plan beneath."""
    low, high = lever.bounds_for(value)
    with solara.Column(gap="0px", classes=["lever"]):
        solara.Text(f"{lever.label}: {format_lever(lever, value)}", classes=["lever-label"])
        if lever.whole:
            solara.SliderInt(lever.label, value=int(value), min=int(low), max=int(high),
                             step=int(lever.step), on_value=on_value, thumb_label=False)
        else:
            solara.SliderFloat(lever.label, value=float(value), min=low, max=high,
                               step=lever.step, on_value=on_value, thumb_label=False)
        if note:
            solara.Text(note, classes=["lever-note"])


@solara.component
def LeverCard(model: ClassroomHospital, settings: ClassroomSettings,
              on_move: Callable[[str, float], None], levers: LeverState) -> None:
    """The levers at the hospital's live values (`levers`: ramps move them as days pass).

    Each slider is redrawn only when its value or note changes: Solara skips a component whose
    arguments are unchanged, so the callbacks are made once rather than on every day.
    """
    scenario_values = solara.use_memo(lambda: settings.scenario_lever_values(),
                                      dependencies=[settings.scenario])
    moves = solara.use_memo(lambda: {lever.key: partial(on_move, lever.key) for lever in LEVERS},
                            dependencies=[on_move])
    with solara.Card("Levers", subtitle="Act on your hospital from the next day; Reset "
                                        "returns to the scenario"):
        for lever, (value, held) in zip(LEVERS, levers, strict=True):
            note = lever_note(lever, scenario_values[lever.key],
                              schedule_of(model.plan, lever.key), held)
            LeverSlider(lever, value, note=note, on_value=moves[lever.key])


PAGE_HELP = (
    "Reset starts the scenario again, as written, in both hospitals: a 90-day warm-up in which "
    "beliefs settle, then day 1. Your lever moves and interventions last until Reset.",
    "Levers and interventions act from the next day. Each lever move is one dated change: a "
    "line in the story and a numbered marker on the charts. Save this run as a scenario to "
    "keep them, with the seed and the comparison.",
    "Every chart point is the metric over the 30 days up to that day; the axis fits the data, "
    "so read its numbers.",
    "Side by side, the page also runs five more pairs of hospitals with other seeds. The "
    "shaded band around the comparison's line is how far chance moves the mean gap over the "
    "six pairs (its 95% interval). A gap is better or worse only if that interval excludes "
    "zero and the gap is larger than the smallest difference that matters: the board "
    "report's rule.",
)
LESSON_HEADINGS = {"notice": "What to notice", "ask": "Questions for the class",
                   "try": "What to try next"}


@solara.component
def LessonGuide(lesson: Mapping[str, list[str]]) -> None:
    """The scenario's lesson guide, like the Info tab of a models library."""
    with solara.Column(gap="2px", classes=["lesson-guide"]):
        for part, heading in LESSON_HEADINGS.items():
            if lesson.get(part):
                solara.Text(heading, style="font-weight: 600; margin-top: 6px")
                for line in lesson[part]:
                    solara.Text(f"• {line}")


@solara.component
def ClassroomControls(model: solara.Reactive[ClassroomHospital],
                      settings: ClassroomSettings, levers: LeverState) -> None:
    """The sidebar card; `settings` is this browser session's, shared with Mesa's Reset;
    `levers` are the running hospital's live lever values (see `lever_state`)."""
    _revision, set_revision = solara.use_state(0)  # bumped to redraw after a change
    error, set_error = solara.use_state("")
    def changed() -> None:
        set_revision(lambda old: old + 1)

    def choose_scenario(name: str) -> None:
        settings.scenario = name
        try:
            model.value = ClassroomHospital(settings, seed=model.value.seed)
        except UsageError as problem:
            set_error(str(problem))
            return
        set_error("")
        changed()
        force_update()

    def moved_lever(key: str, value: float) -> None:
        model.value.apply_lever(key, value)
        changed()
        force_update()

    # One callback for the session (it only reaches stable objects): the levers redraw every
    # day, and a new callback each time would redraw every slider, not just those that moved.
    move_lever = solara.use_memo(lambda: moved_lever, dependencies=[])

    def switch_on(key: str, on: bool) -> None:
        if on:
            model.value.switch_on(key)
        changed()
        force_update()

    def compare(choice: str) -> None:
        settings.comparison = choice
        changed()

    entry = settings.menu[settings.scenario]
    solara.Text("Safety culture in a hospital", classes=["page-title"],
                style="font-size: 22px !important; font-weight: 700")
    with solara.Card("Scenario"):
        solara.Select("Scenario", value=settings.scenario, values=list(settings.menu),
                      on_value=choose_scenario)
        with solara.Details("About this scenario and its lesson", expand=False):
            solara.Text(entry.description, classes=["scenario-description"])
            HospitalStanding(entry)
            LessonGuide(entry.lesson)
        if error:
            solara.Error(error)
    with (solara.Details("How to read the page", expand=False),
          solara.Column(gap="4px", classes=["page-help"])):
        for line in PAGE_HELP:
            solara.Text(line)
    LeverCard(model.value, settings, move_lever, levers)
    running = model.value
    with solara.Card("Interventions", subtitle="The library's scenarios: switched on, they act "
                                               "from the next day until Reset"):
        for item in TOGGLES:
            day = running.switched_on.get(item.key)
            label = item.label if day is None else f"{item.label} (from day {day})"
            solara.Checkbox(label=label, value=day is not None, disabled=day is not None,
                            on_value=lambda on, key=item.key: switch_on(key, on))
    with solara.Card("Side by side", subtitle="Same seed, other settings; applied at Reset"):
        solara.Select("Compare with", value=settings.comparison,
                      values=settings.comparison_choices(), on_value=compare)
    pending = pending_changes(settings, model.value.settings)
    if pending:
        solara.Warning(f"Press Reset to apply the new {' and '.join(pending)}.")
    solara.FileDownload(lambda: running.saved_yaml(),
                        filename=f"{safe_file_name(settings.scenario)}-classroom.yaml",
                        label="Save this run as a scenario")


@solara.component
def HospitalStanding(entry: MenuEntry) -> None:
    """For a fitted hospital: how far to trust the fit, and its survey composites against the
    national reference values (sim.hospital.standing)."""
    summary = solara.use_memo(lambda: read_fit_summary(entry.source),
                              dependencies=[entry.source])
    # Drawn once per scenario, not on every render (hooks come before any early return).
    chart = solara.use_memo(lambda: standing_chart(summary, width=4.6) if summary else None,
                            dependencies=[entry.source])
    if summary is None:
        return
    solara.Text(f"Fitted to {summary['hospital']}'s own figures: {summary['quality']}.",
                classes=["hospital-fit"])
    solara.FigureMatplotlib(chart, format="png")
