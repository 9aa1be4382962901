"""The page: Mesa runs the hospital; the views around it tell what is happening.

Mesa's own pieces supply Reset, Play and Step (ModelController) and the seed slider
(ModelCreator), and rebuild the model on Reset from this session's settings. They are placed
here rather than through SolaraViz, so that a lecture theatre's projector (1280x720) shows the
hospital, four key charts and the run buttons on one screen: the scenario and levers lead the
sidebar, Mesa's play and render intervals and thread switch wait under "Advanced", and there is
one day counter. One light theme (no dark-mode toggle: the views are drawn for a light page).
The main area is laid out here rather than in SolaraViz's draggable grid, which loads its
layout library from a CDN at page load: a classroom without internet would see an empty page.
No command console is included, and every input is a slider, checkbox or fixed choice, so
nothing typed into the page is ever run.

Serve with `python run.py app` (sim/cli/app.py), which runs `solara run` in production mode.
"""

from __future__ import annotations

import solara
from mesa.visualization.solara_viz import ModelController, ModelCreator
from mesa.visualization.utils import update_counter

from sim.app.charts import KEY_CHARTS, OTHER_CHARTS, LiveCharts
from sim.app.classroom import DEFAULT_SEED, ClassroomHospital, ClassroomSettings
from sim.app.controls import ClassroomControls
from sim.app.hospital_view import COLOUR_STATES, DEFAULT_COLOUR_STATE, HospitalView
from sim.app.side_by_side import DifferenceTable
from sim.app.story import StoryFeed

TITLE = "Safety culture in a hospital"
PLAY_INTERVAL_MS = 15  # pause between days on Play; a day's work and redraw (~35 ms) come on top
RENDER_INTERVAL = 1  # days between redraws on Play (Advanced)
SEED_SLIDER = {"type": "SliderInt", "label": "Seed: which random hospital", "value": DEFAULT_SEED,
               "min": 1, "max": 100, "step": 1}

# Slider labels are drawn as text above each slider (the sidebar is narrow); Vuetify's own label
# stays in the page, hidden, because it names the slider for screen readers.
PAGE_CSS = """
.lever .v-slider__label, .named-slider .v-slider__label {
    position: absolute !important; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }
.lever .v-input__prepend, .named-slider .v-input__prepend { margin: 0 !important; }
.run-bar .v-btn { margin-right: 6px; }
"""


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
def RunBar(model: solara.Reactive[ClassroomHospital], parameters: solara.Reactive[dict],
           speed: RunSpeed) -> None:
    """Reset, Play and Step beside the day counter, where the class is looking."""
    with solara.Row(style="align-items: center; flex-wrap: nowrap; gap: 16px",
                    classes=["run-bar"]):
        with solara.Div(style="flex: 0 0 auto"):
            ModelController(model, model_parameters=parameters,
                            play_interval=speed.play_interval,
                            render_interval=speed.render_interval,
                            use_threads=speed.use_threads)
        with solara.Div(style="flex: 1 1 auto"):
            StatusLine(model.value)


@solara.component
def ColourPicker(colour_by: solara.Reactive[str]) -> None:
    labels = {state.short: key for key, state in COLOUR_STATES.items()}
    solara.ToggleButtonsSingle(
        value=COLOUR_STATES[colour_by.value].short, values=list(labels), dense=True,
        on_value=lambda label: colour_by.set(labels[label]), classes=["colour-picker"])


@solara.component
def HospitalTab(model: ClassroomHospital, colour_by: solara.Reactive[str]) -> None:
    with solara.Columns([2, 1], gutters_dense=True):
        HospitalView(model.hospital, model.lock, colour_by.value)
        StoryFeed(model.hospital, model.lock)
    LiveCharts(model, KEY_CHARTS, "live-charts", with_key=False)
    LiveCharts(model, OTHER_CHARTS, "more-charts")


@solara.component
def SideBySideTab(model: ClassroomHospital, colour_by: solara.Reactive[str]) -> None:
    if model.comparison is None:
        solara.Info("Choose what to compare with under “Side by side” in the sidebar, then "
                    "press Reset: the same hospital, with the same seed, runs under both "
                    "settings and steps in time with yours.")
        return
    with solara.Columns([1, 1]):
        HospitalView(model.hospital, model.lock, colour_by.value, model.label, "scale-left")
        HospitalView(model.comparison, model.lock, colour_by.value, model.comparison_label,
                     "scale-right")
    DifferenceTable(model)
    LiveCharts(model, KEY_CHARTS, "live-charts", with_key=False)
    LiveCharts(model, OTHER_CHARTS, "more-charts")
    with solara.Columns([1, 1]):
        StoryFeed(model.hospital, model.lock, model.label)
        StoryFeed(model.comparison, model.lock, model.comparison_label)


VIEWS = ("Hospital", "Side by side")


@solara.component
def MainView(model: ClassroomHospital) -> None:
    # A plain switch rather than tabs: only the chosen view is drawn on each step.
    view = solara.use_reactive(VIEWS[0])
    colour_by = solara.use_reactive(DEFAULT_COLOUR_STATE)
    with solara.Row(style="align-items: center; flex-wrap: wrap; gap: 12px"):
        solara.ToggleButtonsSingle(value=view, values=list(VIEWS), dense=True,
                                   classes=["view-switch"])
        solara.Text("Colour clinicians by")
        ColourPicker(colour_by)
    if view.value == VIEWS[0]:
        HospitalTab(model, colour_by)
    else:
        SideBySideTab(model, colour_by)


class RunSpeed:
    """Mesa's play settings, shared by the run buttons and the Advanced panel."""

    def __init__(self) -> None:
        self.play_interval = solara.use_reactive(PLAY_INTERVAL_MS)
        self.render_interval = solara.use_reactive(RENDER_INTERVAL)
        self.use_threads = solara.use_reactive(False)


@solara.component
def AdvancedControls(speed: RunSpeed) -> None:
    """Mesa's play and render intervals and its thread switch, out of the class's way."""
    with solara.Details("Advanced: play speed and threads", expand=False):
        solara.SliderInt("Pause between days on Play (ms)", value=speed.play_interval,
                         min=1, max=500, step=10)
        solara.SliderInt("Redraw every this many days on Play", value=speed.render_interval,
                         min=1, max=30, step=1)
        solara.Checkbox(label="Step in a separate thread", value=speed.use_threads)


@solara.component
def Page() -> None:
    """One browser session: its own settings, its own hospital."""
    settings = solara.use_memo(ClassroomSettings, dependencies=[])
    first = solara.use_memo(lambda: ClassroomHospital(settings, DEFAULT_SEED), dependencies=[])
    model = solara.use_reactive(first)
    parameters = solara.use_reactive({})
    speed = RunSpeed()
    solara.Title(TITLE)
    solara.Style(PAGE_CSS)
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    with solara.Sidebar(), solara.Column(gap="8px"):
        ClassroomControls(model, settings)
        with solara.Card("Random hospital", subtitle="Applied when you press Reset"):
            # Mesa's Reset rebuilds the model from these: the seed slider, and this session's
            # settings object (a fixed parameter, passed by reference, so it always carries
            # the latest choices).
            ModelCreator(model, {"seed": SEED_SLIDER, "settings": settings},
                         model_parameters=parameters)
        AdvancedControls(speed)
    RunBar(model, parameters, speed)
    MainView(model.value)
