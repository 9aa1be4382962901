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

from sim.app.charts import CHARTS, KEY_CHARTS
from sim.app.classroom import DEFAULT_SEED, ClassroomHospital, ClassroomSettings
from sim.app.controls import ClassroomControls, lever_state
from sim.app.hospital_view import COLOUR_STATES, COMPACT_KEY, DEFAULT_COLOUR_STATE
from sim.app.panels import DifferenceTable, HospitalView, LiveCharts
from sim.app.run_buttons import PlayRedraws, follow_run_buttons
from sim.app.story import StoryFeed

TITLE = "Safety culture in a hospital"
# On Play, Mesa steps RENDER_INTERVAL days, redraws, then pauses PLAY_INTERVAL_MS (Step is one
# day). A redraw costs ~20 ms and a day ~4 ms, so 100 days play in about 3 s. The pause must
# stay well above a redraw: a click redraws the page while Play goes on, and a Play that
# changes the page during every one of those redraws makes Solara give up ("Too many renders").
PLAY_INTERVAL_MS = 40
RENDER_INTERVAL = 3  # days between redraws on Play (Advanced)
SEED_SLIDER = {"type": "SliderInt", "label": "Seed: which random hospital", "value": DEFAULT_SEED,
               "min": 1, "max": 100, "step": 1}

# Projector mode: laid out for a 1280x720 projector at 100% zoom. Every text outside the
# drawings is at least 16 px (the drawings size their own text for it); the page never scrolls
# as a whole: the sidebar and the story feed scroll inside fixed heights, so the key charts stay
# where they are through a whole year of Play. Slider labels are drawn as text above each slider
# (the sidebar is narrow); Vuetify's own label stays in the page, hidden, because it names the
# slider for screen readers.
PAGE_CSS = """
html, body { overflow: hidden; }
.v-application *:not(svg):not(svg *) { font-size: max(16px, 1em) !important; }
.v-application .v-card__title { font-size: 20px !important; line-height: 1.3; }
.v-application .day-status { font-size: 22px !important; font-weight: 700; }
.v-application .v-main { overflow: hidden; }
.v-application .v-app-bar { display: none !important; }
.v-application .v-navigation-drawer { width: 330px !important; min-width: 330px !important;
    top: 0 !important; height: 100vh !important; }
.v-application .v-main { --v-layout-top: 0px !important; --v-layout-left: 330px !important; }
.lever .v-slider__label, .named-slider .v-slider__label {
    position: absolute !important; width: 1px; height: 1px; overflow: hidden;
    clip: rect(0 0 0 0); white-space: nowrap; }
.lever .v-input__prepend, .named-slider .v-input__prepend { margin: 0 !important; }
.lever-note { color: #37474f; }
.run-bar .v-btn { margin-right: 6px; }
.v-application .v-btn { text-transform: none; letter-spacing: 0; }
.v-application .v-card-subtitle, .v-application .v-card__subtitle { white-space: normal !important;
    line-height: 1.3; }
.hospital-label, .comparison-label { overflow-wrap: anywhere; color: #37474f; }
.run-labels { max-height: 3em; overflow-y: auto; line-height: 1.45; }
.story-box { height: 232px; overflow-y: auto; }
.story-box.pair { height: 190px; }
.map-key { color: #37474f; line-height: 1.3; }
.chart-key-box { max-height: 52px; overflow-y: auto; color: #37474f; line-height: 1.5; }
.difference td, .difference th { padding-top: 1px; padding-bottom: 1px; }
.difference-help { color: #37474f; line-height: 1.3; }
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
def StatusLine(model: ClassroomHospital, tick: int) -> None:
    """The day, and what is in force in each hospital (long names wrap)."""
    with model.lock:
        status = day_status(model)
        changes = len(model.in_force())
    yours = f"Your hospital: {model.plan.name}" + (
        f" + your {changes} change{'s' if changes > 1 else ''} (numbered on the charts)"
        if changes else " as written")
    with solara.Column(gap="0px"):
        solara.Text(status, classes=["day-status"])
        with solara.Row(style="flex-wrap: wrap; gap: 0 16px", classes=["run-labels"]):
            solara.Text(yours, classes=["hospital-label"])
            if model.comparison is not None:
                solara.Text(model.comparison_label, classes=["comparison-label"])


@solara.component
def RunBar(model: solara.Reactive[ClassroomHospital], parameters: solara.Reactive[dict],
           speed: RunSpeed, tick: int) -> None:
    """Reset, Play and Step beside the day counter, where the class is looking."""
    with solara.Row(style="align-items: center; flex-wrap: nowrap; gap: 16px",
                    classes=["run-bar"]):
        with solara.Div(style="flex: 0 0 auto") as buttons:
            ModelController(model, model_parameters=parameters,
                            play_interval=speed.play_interval,
                            render_interval=speed.redraws,
                            use_threads=speed.use_threads)
        with solara.Div(style="flex: 1 1 auto"):
            StatusLine(model.value, tick)
    solara.use_effect(lambda: follow_run_buttons(solara.get_widget(buttons), speed.redraws), [])


@solara.component
def ColourPicker(colour_by: solara.Reactive[str]) -> None:
    labels = {state.short: key for key, state in COLOUR_STATES.items()}
    solara.ToggleButtonsSingle(
        value=COLOUR_STATES[colour_by.value].short, values=list(labels), dense=True,
        on_value=lambda label: colour_by.set(labels[label]), classes=["colour-picker"])


@solara.component
def HospitalTab(model: ClassroomHospital, colour_by: solara.Reactive[str], tick: int) -> None:
    with solara.Columns([2, 1], gutters_dense=True):
        HospitalView(model.hospital, model.lock, colour_by.value, tick=tick)
        StoryFeed(model.hospital, model.lock, tick=tick)
    LiveCharts(model, KEY_CHARTS, "live-charts", tick=tick)


NO_COMPARISON_YET = ("Choose what to compare with under “Side by side” in the sidebar, then press "
                     "Reset: the same hospital, with the same seed, runs under both settings and "
                     "steps in time with yours.")


@solara.component
def SideBySideTab(model: ClassroomHospital, tick: int) -> None:
    """The verdict on each gap, and the key charts with chance's band."""
    if model.comparison is None:
        solara.Info(NO_COMPARISON_YET)
        return
    DifferenceTable(model, tick)
    LiveCharts(model, KEY_CHARTS, "live-charts", tick=tick)


@solara.component
def BothHospitalsTab(model: ClassroomHospital, colour_by: solara.Reactive[str],
                     tick: int) -> None:
    if model.comparison is None:
        solara.Info(NO_COMPARISON_YET)
        return
    with solara.Columns([1, 1]):
        with solara.Column(gap="4px"):
            HospitalView(model.hospital, model.lock, colour_by.value, "yours", "scale-left",
                         tick, compact=True)
            StoryFeed(model.hospital, model.lock, "Yours", tick, height_class="pair")
        with solara.Column(gap="4px"):
            HospitalView(model.comparison, model.lock, colour_by.value, "comparison",
                         "scale-right", tick, compact=True)
            StoryFeed(model.comparison, model.lock, "Comparison", tick, height_class="pair")
    solara.Text(COMPACT_KEY, classes=["map-key"])


VIEWS = ("Hospital", "Side by side", "Both hospitals", "All charts")


@solara.component
def MainView(model: ClassroomHospital, tick: int = 0) -> None:
    # A plain switch rather than tabs: only the chosen view is drawn on each step.
    view = solara.use_reactive(VIEWS[0])
    colour_by = solara.use_reactive(DEFAULT_COLOUR_STATE)
    with solara.Row(style="align-items: center; flex-wrap: wrap; gap: 4px 12px"):
        solara.ToggleButtonsSingle(value=view, values=list(VIEWS), dense=True,
                                   classes=["view-switch"])
        if view.value in (VIEWS[0], VIEWS[2]):
            solara.Text("Colour:")
            ColourPicker(colour_by)
    if view.value == VIEWS[0]:
        HospitalTab(model, colour_by, tick)
    elif view.value == VIEWS[1]:
        SideBySideTab(model, tick)
    elif view.value == VIEWS[2]:
        BothHospitalsTab(model, colour_by, tick)
    else:
        LiveCharts(model, CHARTS, "more-charts", tick=tick)


class RunSpeed:
    """Mesa's play settings, shared by the run buttons and the Advanced panel; made once per
    session (see `Page`), so the panel is not redrawn as days pass."""

    def __init__(self) -> None:
        self.play_interval = solara.reactive(PLAY_INTERVAL_MS)
        self.render_interval = solara.reactive(RENDER_INTERVAL)
        self.redraws = PlayRedraws(self.render_interval)
        self.use_threads = solara.reactive(False)


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
    """One browser session: its own settings, its own hospital.

    Page is the one reader of Mesa's update counter: the views that follow the days get it as
    an argument, so a day is redrawn in one pass (Solara walks the whole page once per reader).
    The sidebar is Solara's portal, and any change to what it holds is one more pass; it gets
    the levers' live values, not the counter, so it changes only on days a lever moves.
    """
    settings = solara.use_memo(ClassroomSettings, dependencies=[])
    first = solara.use_memo(lambda: ClassroomHospital(settings, DEFAULT_SEED), dependencies=[])
    model = solara.use_reactive(first)
    parameters = solara.use_reactive({})
    speed = solara.use_memo(RunSpeed, dependencies=[])
    tick = update_counter.get()
    levers = lever_state(model.value)
    solara.Title(TITLE)
    solara.Style(PAGE_CSS)
    with solara.Sidebar(), solara.Column(gap="8px"):
        ClassroomControls(model, settings, levers)
        with solara.Card("Random hospital", subtitle="Applied when you press Reset"):
            # Mesa's Reset rebuilds the model from these: the seed slider, and this session's
            # settings object (a fixed parameter, passed by reference, so it always carries
            # the latest choices).
            ModelCreator(model, {"seed": SEED_SLIDER, "settings": settings},
                         model_parameters=parameters)
        AdvancedControls(speed)
    RunBar(model, parameters, speed, tick)
    MainView(model.value, tick)
