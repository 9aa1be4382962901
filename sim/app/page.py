"""The page: Mesa's SolaraViz runs the hospital; the views around it tell what is happening.

SolaraViz supplies Reset, Play and Step, the play speed and the seed slider, and rebuilds the
model on Reset from this session's settings. The main area is laid out here rather than in
SolaraViz's draggable grid, which loads its layout library from a CDN at page load: a
classroom without internet would see an empty page. No command console is included, and every
input is a slider, checkbox or fixed choice, so nothing typed into the page is ever run.

Serve with `python run.py app` (sim/cli/app.py), which runs `solara run` in production mode.
"""

from __future__ import annotations

import solara
from mesa.visualization import SolaraViz
from mesa.visualization.utils import update_counter

from sim.app.charts import LiveCharts
from sim.app.classroom import DEFAULT_SEED, ClassroomHospital, ClassroomSettings
from sim.app.controls import ClassroomControls
from sim.app.hospital_view import COLOUR_STATES, DEFAULT_COLOUR_STATE, HospitalView
from sim.app.side_by_side import DifferenceTable
from sim.app.story import StoryFeed

TITLE = "Safety culture in a hospital"
PLAY_INTERVAL_MS = 40  # pause between days on Play; a day's work and redraw come on top
SEED_SLIDER = {"type": "SliderInt", "label": "Seed: which random hospital", "value": DEFAULT_SEED,
               "min": 1, "max": 100, "step": 1}


def day_status(model: ClassroomHospital) -> str:
    """Where the run stands, in the days the charts and the story use."""
    run = model.hospital.config.run
    day = model.hospital.scenario_day
    if day <= 0:
        return (f"Warm-up day {day + run.burn_in} of {run.burn_in}: beliefs settle before "
                "day 1")
    return f"Day {day} of {run.days}" + ("" if model.running else " (the run is over)")


@solara.component
def StatusLine(model: ClassroomHospital) -> None:
    update_counter.get()
    with model.lock:
        status = day_status(model)
    with solara.Row(style="align-items: baseline; flex-wrap: wrap"):
        solara.Text(status, classes=["day-status"], style="font-size: 20px; font-weight: 600")
        solara.Text(model.label, classes=["hospital-label"], style="color: #455a64")
        if model.comparison is not None:
            solara.Text(f"vs {model.comparison_label}", style="color: #455a64")


@solara.component
def ColourPicker(colour_by: solara.Reactive[str]) -> None:
    labels = {state.short: key for key, state in COLOUR_STATES.items()}
    solara.ToggleButtonsSingle(
        value=COLOUR_STATES[colour_by.value].short, values=list(labels), dense=True,
        on_value=lambda label: colour_by.set(labels[label]), classes=["colour-picker"])


@solara.component
def HospitalTab(model: ClassroomHospital, colour_by: solara.Reactive[str]) -> None:
    with solara.Columns([2, 1]):
        with solara.Column():
            with solara.Row(style="align-items: center; flex-wrap: wrap"):
                solara.Text("Colour clinicians by")
                ColourPicker(colour_by)
            HospitalView(model.hospital, model.lock, colour_by.value)
        StoryFeed(model.hospital, model.lock)
    LiveCharts(model)


@solara.component
def SideBySideTab(model: ClassroomHospital, colour_by: solara.Reactive[str]) -> None:
    if model.comparison is None:
        solara.Info("Choose what to compare with under “Side by side” in the sidebar, then "
                    "press Reset: the same hospital, with the same seed, runs under both "
                    "settings and steps in time with yours.")
        return
    with solara.Row(style="align-items: center; flex-wrap: wrap"):
        solara.Text("Colour clinicians by")
        ColourPicker(colour_by)
    with solara.Columns([1, 1]):
        HospitalView(model.hospital, model.lock, colour_by.value, model.label, "scale-left")
        HospitalView(model.comparison, model.lock, colour_by.value, model.comparison_label,
                     "scale-right")
    DifferenceTable(model)
    LiveCharts(model)
    with solara.Columns([1, 1]):
        StoryFeed(model.hospital, model.lock, model.label)
        StoryFeed(model.comparison, model.lock, model.comparison_label)


VIEWS = ("Hospital", "Side by side")


@solara.component
def MainView(model: ClassroomHospital) -> None:
    # A plain switch rather than tabs: only the chosen view is drawn on each step.
    view = solara.use_reactive(VIEWS[0])
    colour_by = solara.use_reactive(DEFAULT_COLOUR_STATE)
    StatusLine(model)
    solara.ToggleButtonsSingle(value=view, values=list(VIEWS), classes=["view-switch"])
    if view.value == VIEWS[0]:
        HospitalTab(model, colour_by)
    else:
        SideBySideTab(model, colour_by)


@solara.component
def ClassroomSidebar(model: solara.Reactive[ClassroomHospital],
                     settings: ClassroomSettings, depth: int = 3) -> None:
    """The teacher's controls in the sidebar, below SolaraViz's Reset, Play and Step.

    Solara orders sidebar content by how deep in the page it is declared; SolaraViz declares
    its own two levels down, so these go a few levels deeper to come after it.
    """
    if depth > 0:
        ClassroomSidebar(model, settings, depth - 1)
        return
    with solara.Sidebar():
        ClassroomControls(model, settings)


@solara.component
def Page() -> None:
    """One browser session: its own settings, its own hospital."""
    settings = solara.use_memo(ClassroomSettings, dependencies=[])
    first = solara.use_memo(lambda: ClassroomHospital(settings, DEFAULT_SEED), dependencies=[])
    model = solara.use_reactive(first)
    solara.Title(TITLE)
    # Mesa's Reset rebuilds the model from these: the seed slider, and this session's settings
    # object (a fixed parameter, passed by reference, so it always carries the latest choices).
    SolaraViz(model, components=[], model_params={"seed": SEED_SLIDER, "settings": settings},
              name=TITLE, play_interval=PLAY_INTERVAL_MS)
    ClassroomSidebar(model, settings)
    MainView(model.value)
