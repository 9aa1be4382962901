"""The page's model: scenarios, the teacher's dated changes, Reset, the side-by-side twin, and
the saved run that reproduces the page day by day."""

import dataclasses

import pytest
import yaml

from sim.app.classroom import (
    AS_WRITTEN,
    LEVER_BY_KEY,
    LEVERS,
    NO_COMPARISON,
    TOGGLES,
    ClassroomHospital,
    ClassroomSettings,
    replicate_seeds,
)
from sim.app.scenario_menu import BASELINE, scenario_menu
from sim.config import ModelConfig, parameter_fields
from sim.scenario import Scenario, load_scenario
from sim.scenario.runtime import build_model

# A small, short hospital keeps these tests to seconds.
SMALL = {"hospital.wards": 2, "run.burn_in": 5, "run.days": 40}


def small_settings(**changes) -> ClassroomSettings:
    return ClassroomSettings(overrides=dict(SMALL), **changes)


def run(model: ClassroomHospital, days: int) -> ClassroomHospital:
    for _ in range(days):
        model.step()
    return model


def test_menu_lists_the_bundled_scenarios_baseline_first_with_descriptions():
    menu = scenario_menu()
    assert next(iter(menu)) == BASELINE
    assert "just culture" in menu and "blame culture" in menu
    assert all(entry.description for entry in menu.values())
    assert all(entry.lesson.get("notice") and entry.lesson.get("ask") and entry.lesson.get("try")
               for entry in menu.values())  # every library scenario carries a lesson guide


def test_levers_are_declared_with_their_parameters_inside_the_valid_range():
    fields = parameter_fields()
    assert LEVER_BY_KEY["management.punitiveness"].label.startswith("Managers' blame")
    for lever in LEVERS:
        meta = fields[lever.key].metadata
        assert meta["low"] <= lever.low < lever.high <= meta["high"]
        assert lever.whole == isinstance(ModelConfig().get(lever.key), int)


def test_toggles_are_the_library_scenarios_interventions():
    for toggle in TOGGLES:
        assert list(toggle.interventions) == load_scenario(toggle.key).interventions
    relief = next(t for t in TOGGLES if t.key == "regulation_relief")
    assert relief.interventions[0].changes["regulation.admin_share"] == pytest.approx(0.18)


def test_default_settings_build_the_baseline_hospital_with_no_comparison():
    model = ClassroomHospital(small_settings(), seed=2)
    assert model.settings.scenario == BASELINE and model.settings.comparison == NO_COMPARISON
    assert model.comparison is None and model.hospitals == [model.hospital]
    assert model.replicates == []


def test_a_lever_drag_makes_one_dated_change_one_story_line_and_one_marker():
    model = run(ClassroomHospital(small_settings(), seed=2), 10)  # scenario day 5
    for value in (0.6, 0.7, 0.8, 0.9):  # one drag of the slider
        model.apply_lever("management.punitiveness", value)
    assert model.hospital.config.get("management.punitiveness") == pytest.approx(0.5)
    run(model, 1)
    assert model.hospital.config.get("management.punitiveness") == pytest.approx(0.9)
    lines = [event.text for event in model.hospital.story if event.kind == "lever"]
    assert len(lines) == 1 and "to 0.9 from day 6 (it was 0.5)" in lines[0]
    assert [mark for mark in model.markers() if "(you)" in mark[1]] == [(6, "blame (you)")]
    assert model.label.endswith("blame 0.9 from day 6")


def test_switching_on_an_intervention_adds_the_library_scenario_from_the_next_day():
    model = run(ClassroomHospital(small_settings(), seed=2), 10)
    model.switch_on("just_culture")
    items = model.page_scenario().interventions
    assert items[-1].name == "Just culture" and items[-1].start == 6
    assert items[-1].changes == load_scenario("just_culture").interventions[0].changes
    run(model, 3)
    assert model.hospital.config.get("management.punitiveness") < 0.5


def test_reset_returns_to_the_scenario_for_both_hospitals():
    settings = small_settings(comparison=AS_WRITTEN)
    model = run(ClassroomHospital(settings, seed=2), 8)
    model.apply_lever("regulation.admin_share", 0.6)
    model.switch_on("walkrounds")
    fresh = ClassroomHospital(settings, seed=2)  # what Mesa's Reset builds
    assert fresh.changes == [] and fresh.switched_on == {}
    assert fresh.hospital.config.get("regulation.admin_share") == pytest.approx(0.30)
    assert fresh.label == "Your hospital: baseline"
    assert fresh.comparison_label == "Comparison: baseline as written"


def test_changes_act_on_your_hospital_and_its_replicates_not_the_comparison():
    model = run(ClassroomHospital(small_settings(comparison=AS_WRITTEN), seed=3), 8)
    model.apply_lever("regulation.admin_share", 0.6)
    run(model, 2)
    assert [h.config.get("regulation.admin_share") for h in model.changed_hospitals] == \
        [pytest.approx(0.6)] * (1 + len(model.replicates))
    assert model.comparison.config.get("regulation.admin_share") == pytest.approx(0.30)
    assert all(right.config.get("regulation.admin_share") == pytest.approx(0.30)
               for _, right in model.replicates)


def test_side_by_side_twin_and_replicates_have_their_seeds_and_step_in_time():
    model = run(ClassroomHospital(small_settings(comparison=AS_WRITTEN), seed=4), 6)
    assert model.comparison.day == model.hospital.day == 6
    assert all(left.day == right.day == 6 for left, right in model.replicates)
    assert len(model.replicates) == len(replicate_seeds(4)) and 4 not in replicate_seeds(4)
    # The same settings and seed: the comparison is your hospital's twin so far.
    assert model.hospital.daily_data().equals(model.comparison.daily_data())


def test_the_run_stops_at_its_last_day():
    model = ClassroomHospital(small_settings(), seed=1)
    run(model, model.last_day + 3)
    assert model.hospital.day == model.last_day and not model.running
    model.apply_lever("management.punitiveness", 0.9)  # after the run: nothing to change
    assert model.changes == []


def test_the_saved_run_reproduces_the_page_day_by_day():
    model = run(ClassroomHospital(small_settings(comparison="blame culture"), seed=5), 9)
    model.apply_lever("management.punitiveness", 0.85)
    run(model, 7)
    model.switch_on("public_inquiry")
    model.apply_lever("hospital.nurses_per_ward", 14)
    run(model, 12)
    text = model.saved_yaml()
    assert "seed 5" in text and "blame culture" in text.splitlines()[0]
    saved = Scenario.from_dict(yaml.safe_load(text))
    again = build_model(saved, 5)
    while again.day < model.hospital.day:
        again.step()
    assert again.daily_data().equals(model.hospital.daily_data())
    assert [dataclasses.asdict(item) for item in saved.interventions] == \
        [dataclasses.asdict(item) for item in model.page_scenario().interventions]
