"""The page rendered headlessly with solara.render, driven through its widgets."""

import time

import ipyvuetify as v
import pytest
import solara
import solara.widgets

from sim.app import page as app_page
from sim.app.classroom import AS_WRITTEN, ClassroomSettings
from sim.app.controls import pending_changes
from sim.app.run_buttons import PlayRedraws
from sim.app.story import EVERYTHING, THE_STORY

PAUSE_WAIT_S = 60  # bounded, generous for a busy 2-core machine


@solara.component
def App():
    # The served page sits in Solara's AppLayout, which is what shows the sidebar.
    with solara.AppLayout():
        app_page.Page()


@pytest.fixture
def rendered():
    _, context = solara.render(App(), handle_error=False)
    yield context
    context.close()


def html_view(context, css_class: str) -> str:
    """The markup of the HTML view with this class (hospital, charts, story, table)."""
    for widget in context.find(solara.widgets.HTML).widgets:
        markup = widget.unsafe_innerHTML or ""
        if widget.attributes.get("class") == css_class or f'class="{css_class}"' in markup:
            return markup
    raise AssertionError(f"no view {css_class!r}")


def text_with_class(context, css_class: str) -> str:
    return context.find(v.Html, class_=css_class).widget.children[0]


def button(context, label: str) -> v.Btn:
    return context.find(v.Btn, children=[label]).widget


def lever_slider(context, label_start: str) -> v.Slider:
    for box in context.find(v.Sheet, class_="d-flex ma-0 lever").widgets:
        if box.children[0].children[0].startswith(label_start):
            return box.children[1]
    raise AssertionError(f"no lever {label_start!r}")


def select(context, label: str) -> v.Select:
    return context.find(v.Select, label=label).widget


def checkbox(context, label: str) -> v.Checkbox:
    return context.find(v.Checkbox, label=label).widget


def step(context, days: int = 1) -> None:
    for _ in range(days):
        button(context, "Step").click()


def test_run_buttons_have_spoken_names_and_step_is_one_day_though_play_skips_redraws(rendered):
    names = {button(rendered, label).attributes["aria-label"] for label in ("Reset", "▶", "Step")}
    assert names == {"Reset", "Play", "Step one day"}
    step(rendered, 2)
    assert text_with_class(rendered, "day-status").startswith("Warm-up day 2 of 90")
    button(rendered, "▶").click()
    try:
        assert button(rendered, "❚❚").attributes["aria-label"] == "Pause"
    finally:
        button(rendered, "❚❚").click()
    # Play stops after the day it is on; on a busy machine that may take a moment.
    deadline = time.monotonic() + PAUSE_WAIT_S
    while not rendered.find(v.Btn, children=["▶"]).widgets and time.monotonic() < deadline:
        time.sleep(0.05)
    assert button(rendered, "▶").attributes["aria-label"] == "Play"


def test_page_has_mesa_controls_the_teacher_controls_and_every_view(rendered):
    for label in ("Reset", "▶", "Step"):
        button(rendered, label)
    assert select(rendered, "Scenario").v_model == "baseline"
    assert "just culture" in select(rendered, "Scenario").items
    seed = rendered.find(v.Slider, label="Seed: which random hospital").widget
    assert seed.v_model == 1
    assert "hospital-view" in html_view(rendered, "hospital-view-box")
    assert "story-feed" in html_view(rendered, "story-feed")
    assert 'class="charts"' in html_view(rendered, "live-charts")
    assert text_with_class(rendered, "day-status").startswith("Warm-up day 0 of 90")


def test_nothing_on_the_page_accepts_typed_text_or_runs_code(rendered):
    assert rendered.find(v.TextField).widgets == []
    assert rendered.find(v.Textarea).widgets == []
    titles = [w.children[0] for w in rendered.find(v.CardTitle).widgets]
    assert "Command Console" not in titles


def test_step_moves_the_day_and_redraws_hospital_charts_and_story(rendered):
    before = {name: html_view(rendered, name)
              for name in ("hospital-view-box", "live-charts", "story-feed")}
    step(rendered, 3)
    assert text_with_class(rendered, "day-status").startswith("Warm-up day 3 of 90")
    for name, markup in before.items():
        assert html_view(rendered, name) != markup, name
    story_filter = select(rendered, "Show")
    assert story_filter.v_model == THE_STORY  # routine lines only when asked for
    story_filter.v_model = EVERYTHING
    assert "Warm-up day 3" in html_view(rendered, "story-feed")


def test_a_lever_acts_on_the_running_hospital_with_a_story_line_and_a_marker(rendered):
    step(rendered, 2)
    paperwork = lever_slider(rendered, "Paperwork")
    paperwork.v_model = 0.6
    assert lever_slider(rendered, "Paperwork: share of working time: 0.60").v_model == 0.6
    assert "You set “Paperwork: share of working time” to 0.6" in html_view(rendered,
                                                                          "story-feed")
    step(rendered)
    assert "day 1: paperwork (you)" in html_view(rendered, "chart-key-box")


def test_choosing_a_scenario_loads_it_with_its_description_and_lever_values(rendered):
    step(rendered, 4)
    select(rendered, "Scenario").v_model = "regulation relief"
    assert text_with_class(rendered, "day-status").startswith("Warm-up day 0 of 90")
    assert "rules" in text_with_class(rendered, "scenario-description").lower()
    assert "day 60: Fewer, coherent rules" in html_view(rendered, "chart-key-box")


def test_an_intervention_switched_on_acts_from_the_next_day_and_reset_removes_it(rendered):
    checkbox(rendered, "Just culture").v_model = True
    assert "day 1: Just culture" in html_view(rendered, "chart-key-box")
    assert "You switched on “Just culture”" in html_view(rendered, "story-feed")
    button(rendered, "Reset").click()
    assert "Just culture" not in html_view(rendered, "chart-key-box")
    assert checkbox(rendered, "Just culture").v_model is False


def test_side_by_side_shows_the_verdicts_and_the_charts_with_the_chance_band(rendered):
    select(rendered, "Compare with").v_model = AS_WRITTEN
    assert [w for w in rendered.find(v.Alert).widgets if "Press Reset" in str(w.children)]
    button(rendered, "Reset").click()
    checkbox(rendered, "Just culture").v_model = True
    rendered.find(v.BtnToggle, class_="view-switch").widget.v_model = "Side by side"
    step(rendered, 3)
    table = html_view(rendered, "difference-panel")
    assert 'data-metric="reporting_rate"' in table and "Gap over 6 pairs" in table
    charts = html_view(rendered, "live-charts")
    assert 'stroke-dasharray="7,4"' in charts and 'class="band"' in charts
    rendered.find(v.BtnToggle, class_="view-switch").widget.v_model = "Both hospitals"
    views = [w for w in rendered.find(solara.widgets.HTML).widgets
             if w.attributes.get("class") == "hospital-view-box"]
    assert len(views) == 2


def test_seed_slider_and_reset_build_a_different_hospital(rendered):
    first = html_view(rendered, "hospital-view-box")
    rendered.find(v.Slider, label="Seed: which random hospital").widget.v_model = 7
    button(rendered, "Reset").click()
    assert html_view(rendered, "hospital-view-box") != first


def test_colour_picker_recolours_the_hospital(rendered):
    safety = html_view(rendered, "hospital-view-box")
    rendered.find(v.BtnToggle, class_="colour-picker").widget.v_model = "burnout"
    burnout = html_view(rendered, "hospital-view-box")
    assert burnout != safety and "Exhaustion (burnout)" in burnout


def test_pending_changes_name_what_waits_for_reset():
    running = ClassroomSettings()
    chosen = ClassroomSettings(comparison=AS_WRITTEN)
    assert pending_changes(chosen, running) == ["comparison"]
    assert pending_changes(running, ClassroomSettings()) == []


def test_play_redraws_every_few_days_and_step_takes_one():
    redraws = PlayRedraws(solara.reactive(app_page.RENDER_INTERVAL))
    assert redraws.value == 1  # Step, or Play not running
    redraws.playing = True
    assert redraws.value == app_page.RENDER_INTERVAL > 1
