"""The page's model: settings into scenarios, live levers, toggles, the side-by-side twin."""

import math

import pandas as pd
import pytest

from sim.app.classroom import (
    LEVERS,
    NO_COMPARISON,
    TOGGLES,
    WITHOUT_INTERVENTIONS,
    ClassroomHospital,
    ClassroomSettings,
)
from sim.app.scenario_menu import BASELINE, scenario_menu

# A small, short hospital keeps these tests to seconds; the levers dict is the teacher's
# overrides, so it can also shrink the run.
SMALL = {"hospital.wards": 2, "run.burn_in": 5, "run.days": 30}


def small_settings(**changes) -> ClassroomSettings:
    settings = ClassroomSettings(**changes)
    settings.levers.update(SMALL)
    return settings


def run(model: ClassroomHospital, days: int) -> ClassroomHospital:
    for _ in range(days):
        model.step()
    return model


def test_menu_lists_the_bundled_scenarios_baseline_first_with_descriptions():
    menu = scenario_menu()
    assert next(iter(menu)) == BASELINE
    assert "just culture" in menu
    assert all(entry.description for entry in menu.values())
    assert all(entry.lesson.get("notice") and entry.lesson.get("ask") and entry.lesson.get("try")
               for entry in menu.values())  # every library scenario carries a lesson guide


def test_default_settings_build_the_baseline_hospital_with_no_comparison():
    model = ClassroomHospital(small_settings(), seed=2)
    assert model.settings.scenario == BASELINE
    assert model.comparison is None and model.hospitals == [model.hospital]
    assert len(model.hospital.wards) == 2


def test_lever_values_are_the_scenario_values_until_the_teacher_moves_them():
    settings = ClassroomSettings(scenario="just culture")
    values = settings.lever_values()
    assert set(values) == {lever.key for lever in LEVERS}
    assert values["regulation.admin_share"] == pytest.approx(0.30)
    settings.levers["regulation.admin_share"] = 0.55
    assert settings.lever_values()["regulation.admin_share"] == 0.55


def test_a_lever_moved_mid_run_acts_from_the_next_day_and_is_marked_and_told():
    model = run(ClassroomHospital(small_settings(), seed=2), 10)
    model.apply_lever("regulation.admin_share", 0.6)
    assert model.hospital.config.regulation.admin_share == 0.6
    day, label = model.markers()[-1]
    assert day == model.hospital.scenario_day + 1
    assert "Paperwork" in label and "0.6" in label
    assert model.hospital.story[-1].kind == "lever"
    model.apply_lever("hospital.nurses_per_ward", 9.0)
    assert all(sum(c.role == "nurse" for c in w.clinicians) == 9 for w in model.hospital.wards)
    markers = len(model.markers())
    model.apply_lever("hospital.nurses_per_ward", 9)
    assert len(model.markers()) == markers  # no change, no marker


def test_toggled_interventions_start_on_the_chosen_day_with_markers():
    settings = small_settings(toggles=["just_culture", "inquiry"], toggle_day=4)
    model = ClassroomHospital(settings, seed=2)
    assert (4, "Just culture") in model.markers()
    assert (4, "Public inquiry (media storm)") in model.markers()
    run(model, 5 + 3)  # warm-up and days 1-3
    assert model.hospital.config.management.punitiveness == pytest.approx(0.5)
    run(model, 1)
    assert model.hospital.config.management.punitiveness == pytest.approx(0.15)
    assert any(event.kind == "shock" for event in model.hospital.story)


def test_every_toggle_builds_a_valid_scenario():
    settings = small_settings(toggles=[toggle.key for toggle in TOGGLES], toggle_day=30)
    scenario = settings.hospital_scenario()
    assert len(scenario.interventions) == len(TOGGLES)
    assert {item.start for item in scenario.interventions} == {30}


def test_a_toggle_named_like_a_scenario_intervention_gets_its_own_name():
    settings = small_settings(scenario="just culture", toggles=["just_culture"])
    settings.levers["run.days"] = 90  # the scenario's own intervention starts on day 60
    names = [item.name for item in settings.hospital_scenario().interventions]
    assert len(names) == len(set(names)) == 2


def test_side_by_side_twin_has_the_same_seed_and_steps_in_time():
    settings = small_settings(toggles=["just_culture"], toggle_day=2,
                              comparison=WITHOUT_INTERVENTIONS)
    model = run(ClassroomHospital(settings, seed=4), 40)
    assert model.comparison is not None
    assert model.comparison.day == model.hospital.day == 40
    assert model.comparison_plan.interventions == []
    # Identical until the intervention starts (common random numbers), different after.
    left, right = model.hospital.daily_data(), model.comparison.daily_data()
    before = slice(0, 5 + 1)
    pd.testing.assert_frame_equal(left.iloc[before], right.iloc[before])
    assert not left.equals(right)
    assert model.comparison_label.endswith("without toggles")


def test_comparison_with_another_scenario_uses_that_scenario_as_written():
    settings = ClassroomSettings(comparison="just culture")
    model = ClassroomHospital(settings, seed=1)
    assert model.comparison_plan.name == "just culture"
    assert [m[1] for m in model.comparison_markers()] == ["Just culture"]
    assert settings.comparison_choices()[:2] == [NO_COMPARISON, WITHOUT_INTERVENTIONS]


def test_the_run_stops_at_its_last_day():
    model = ClassroomHospital(small_settings(), seed=1)
    run(model, model.last_day - 1)
    assert model.running
    model.step()
    assert not model.running
    assert model.hospital.story[-1].kind == "end"


def test_settings_are_copied_so_later_choices_do_not_change_a_running_hospital():
    settings = small_settings()
    model = ClassroomHospital(settings, seed=1)
    settings.toggles.append("feedback")
    settings.levers["regulation.admin_share"] = 0.6
    assert model.settings.toggles == []
    assert model.hospital.config.regulation.admin_share != 0.6


def test_seed_changes_the_hospital():
    first = run(ClassroomHospital(small_settings(), seed=1), 8).hospital.daily_data()
    second = run(ClassroomHospital(small_settings(), seed=2), 8).hospital.daily_data()
    assert not first.equals(second)
    assert not math.isnan(first["psychological_safety"].iloc[-1])


def test_a_lever_moved_during_a_phase_in_holds_and_the_feed_says_the_change_is_replaced():
    settings = ClassroomSettings(scenario="high regulation")
    settings.levers.update({"hospital.wards": 2, "run.burn_in": 5, "run.days": 130})
    model = run(ClassroomHospital(settings, seed=2), 5 + 70)  # ten days into the 60-day ramp
    assert 0.3 < model.live_value("regulation.admin_share") < 0.45
    audits = model.live_value("regulation.audits_per_year")
    model.apply_lever("regulation.admin_share", 0.0)
    assert "replaces the running Competing regulation" in model.hospital.story[-1].text
    assert model.held_by_teacher("regulation.admin_share")
    run(model, 30)
    assert model.live_value("regulation.admin_share") == 0.0
    # the ramp's other parameters go on as planned
    assert audits < model.live_value("regulation.audits_per_year") < 8
    model.apply_lever("regulation.admin_share", 0.2)
    run(model, 2)
    assert model.live_value("regulation.admin_share") == 0.2


def test_a_levers_schedule_in_the_scenario_reads_as_words():
    from sim.app.classroom import schedule_of
    plan = ClassroomSettings(scenario="high regulation").base_scenario()
    assert schedule_of(plan, "regulation.admin_share") == [
        "Competing regulation: 0.45 from day 60, phased in over 60 days"]
    assert schedule_of(plan, "patients.speak_up_invitation") == []


def test_the_settings_saved_as_a_scenario_load_back_with_levers_and_toggles():
    from sim.scenario import Scenario
    from sim.scenario.yaml_io import parse_yaml

    settings = small_settings(toggles=["just_culture"], toggle_day=4)
    settings.levers["regulation.admin_share"] = 0.2
    text = settings.saved_scenario().to_yaml()
    again = Scenario.from_dict(parse_yaml(text, "saved"))
    assert again.name == "baseline (classroom settings)"
    assert again.config.regulation.admin_share == 0.2
    assert [item.start for item in again.interventions] == [4]
