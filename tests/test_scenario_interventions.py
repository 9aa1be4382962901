"""Interventions on Mesa's scheduler: right day, linear ramps, restored ends, shocks, triggers,
and a resolved scenario that reproduces its run exactly."""

from __future__ import annotations

import gc
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from sim.config import ModelConfig
from sim.core import mechanisms as rules
from sim.errors import UsageError
from sim.scenario import Intervention, Scenario, load_scenario
from sim.scenario.runtime import build_model

SMALL = ["hospital.wards=1", "hospital.beds_per_ward=10", "hospital.nurses_per_ward=6",
         "hospital.doctors_per_ward=2", "hospital.executives=1", "run.burn_in=5"]
DEFAULT = ModelConfig()


def scenario(tmp_path: Path, body: str, days: int = 40) -> Scenario:
    path = tmp_path / "scenario.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return load_scenario(path, [*SMALL, f"run.days={days}"])


def value_during(model, key: str, day: int) -> float:
    """The parameter's value in force during scenario day `day` (run up to that day's end)."""
    model.run_until(model.model_time(day))
    return model.config.get(key)


def manager_styles(model) -> list[float]:
    """Each manager's chance of blame from policy and personal style alone (managers' own
    pressure and learning move with events, so they are held out here)."""
    config = model.config
    return [rules.logistic(rules.log_odds(config.management.punitiveness)
                           + config.management.punitiveness_spread * manager.style_deviation)
            for manager in model.ward_managers + model.executives]


def test_change_is_applied_before_the_work_of_its_start_day(tmp_path):
    model = build_model(scenario(tmp_path, """\
        interventions:
          - name: Feedback
            start: 10
            set: {management.feedback_probability: 0.9}
    """), seed=1)
    gc.collect()  # the scheduler holds callables weakly; the model must keep them alive
    model.run_until(model.model_time(9))
    assert model.config.management.feedback_probability == DEFAULT.management.feedback_probability
    model.run_until(model.model_time(10) - 0.25)
    assert model.config.management.feedback_probability == 0.9
    assert len(model.daily_data()) == 5 + 9  # day 10's work has not happened yet
    assert any(event.kind == "intervention" and "Feedback begins" in event.text
               for event in model.story)


def test_ramp_moves_linearly_to_the_target(tmp_path):
    model = build_model(scenario(tmp_path, """\
        interventions:
          - name: Just culture
            start: 10
            ramp: 4
            set: {management.punitiveness: 0.05}
    """), seed=1)
    before = DEFAULT.management.punitiveness
    styles_before = manager_styles(model)
    expected = {9: before, 10: before + (0.05 - before) / 4, 11: before + (0.05 - before) / 2,
                12: before + (0.05 - before) * 3 / 4, 13: 0.05, 14: 0.05, 20: 0.05}
    for day, value in expected.items():
        assert value_during(model, "management.punitiveness", day) == pytest.approx(value)
    # Managers drawn before the change move with it, keeping their order.
    styles_after = manager_styles(model)
    assert all(after < start for after, start in zip(styles_after, styles_before, strict=True))
    assert sorted(range(len(styles_after)), key=styles_after.__getitem__) == sorted(
        range(len(styles_before)), key=styles_before.__getitem__)


def test_end_restores_the_values_in_force_before_the_start(tmp_path):
    model = build_model(scenario(tmp_path, """\
        management: {punitiveness: 0.6}
        interventions:
          - name: Just culture
            start: 10
            end: 20
            ramp: 5
            set: {management.punitiveness: 0.1, regulation.admin_share: 0.1}
    """), seed=2)
    styles_before = manager_styles(model)
    assert value_during(model, "management.punitiveness", 19) == pytest.approx(0.1)
    assert model.config.regulation.admin_share == pytest.approx(0.1)
    assert value_during(model, "management.punitiveness", 20) == 0.6
    assert model.config.regulation.admin_share == DEFAULT.regulation.admin_share
    assert manager_styles(model) == pytest.approx(styles_before)
    assert any("Just culture ends" in event.text for event in model.story)


def test_whole_number_parameters_ramp_in_whole_steps_and_change_staffing(tmp_path):
    model = build_model(scenario(tmp_path, """\
        interventions:
          - name: Hire nurses
            start: 5
            ramp: 4
            set: {hospital.nurses_per_ward: 10}
    """), seed=1)
    values = [value_during(model, "hospital.nurses_per_ward", day) for day in range(4, 10)]
    assert values == [6, 7, 8, 9, 10, 10]
    assert sum(c.role == "nurse" for c in model.wards[0].clinicians) == 10


def test_audit_rate_ramps_daily_without_postponing_audits(tmp_path):
    model = build_model(scenario(tmp_path, """\
        interventions:
          - name: Audit drive
            start: 10
            ramp: 60
            set: {regulation.audits_per_year: 16}
    """, days=90), seed=1)
    assert value_during(model, "regulation.audits_per_year", 9) == 4.0
    assert value_during(model, "regulation.audits_per_year", 10) == pytest.approx(4.2)
    assert value_during(model, "regulation.audits_per_year", 69) == pytest.approx(16.0)
    model.run()
    audits = model.daily_data().set_index("day")["audits"]
    wards = len(model.wards)
    # The last 20 days run at 16 audits per ward-year: expect ~0.9 audits a ward.
    assert audits.loc[71:90].sum() >= wards * 0.5
    assert audits.loc[10:69].sum() >= wards * 60 * 4 / 365


def test_shock_strikes_on_its_day(tmp_path):
    model = build_model(scenario(tmp_path, """\
        interventions:
          - name: Inquiry
            start: 8
            shock: {magnitude: 0.9, description: A public inquiry into ward 1}
    """), seed=3)

    def mean_safety() -> float:
        return sum(c.psychological_safety for c in model.clinician_list) / model.clinician_count

    model.run_until(model.model_time(8) - 0.75)
    before = mean_safety()
    assert not any(event.kind == "shock" for event in model.story)
    model.run_until(model.model_time(8) - 0.25)
    assert mean_safety() < before
    shocks = [event for event in model.story if event.kind == "shock"]
    assert len(shocks) == 1 and "A public inquiry into ward 1" in shocks[0].text


TRIGGER = """\
    interventions:
      - name: Audit drive
        start: {start}
        {end}
        when: {{metric: admissions, window: {window}, {side}: {threshold}}}
        duration: 10
        set: {{regulation.audits_per_year: 12}}
"""


def trigger(tmp_path: Path, *, start: int = 5, end: str = "", window: int = 3,
            side: str = "above", threshold: float = 0) -> Scenario:
    return scenario(tmp_path, TRIGGER.format(start=start, end=end, window=window, side=side,
                                             threshold=threshold))


def test_trigger_fires_once_when_its_condition_holds(tmp_path):
    model = build_model(trigger(tmp_path), seed=1)
    model.run_until(model.model_time(5) - 0.25)  # day 5's work is still to come
    assert (model.config.regulation.audits_per_year, model.fired_triggers) == (4.0, [])
    assert value_during(model, "regulation.audits_per_year", 5) == 12.0  # fired that evening
    assert model.fired_triggers == [(6, "Audit drive")]
    assert value_during(model, "regulation.audits_per_year", 15) == 12.0
    assert value_during(model, "regulation.audits_per_year", 16) == 4.0
    model.run()
    assert model.fired_triggers == [(6, "Audit drive")]
    assert any("Audit drive is triggered" in event.text for event in model.story)
    assert model.scenario_spec.markers(model) == [(6, "Audit drive"), (16, "Audit drive ends")]


def test_trigger_waits_for_its_day_and_a_full_window(tmp_path):
    model = build_model(trigger(tmp_path, start=3), seed=1)
    assert value_during(model, "regulation.audits_per_year", 2) == 4.0
    assert value_during(model, "regulation.audits_per_year", 3) == 12.0
    # burn-in is 5 days, so a 20-day window is first full on scenario day 15.
    model = build_model(trigger(tmp_path, start=1, window=20), seed=1)
    model.run()
    assert model.fired_triggers == [(16, "Audit drive")]


@pytest.mark.parametrize(("side", "threshold", "end"), [
    ("above", 1e9, ""), ("below", 0, ""), ("above", 0, "end: 12"),
])
def test_trigger_does_not_fire_otherwise(tmp_path, side, threshold, end):
    window = 20 if end else 3  # with `end: 12` the window is never full while watching
    model = build_model(trigger(tmp_path, side=side, threshold=threshold, end=end,
                                window=window), seed=1)
    model.run()
    assert model.fired_triggers == []
    assert model.config.regulation.audits_per_year == 4.0
    assert model.scenario_spec.markers(model) == []


def test_markers_mark_every_start_and_end_within_the_run(tmp_path):
    marked = scenario(tmp_path, """\
        interventions:
          - {name: Walkrounds, start: 20, end: 30, set: {management.walkrounds_per_month: 4}}
          - {name: Inquiry, start: 10, shock: {magnitude: 0.4}}
          - {name: Relief, start: 25, end: 99, set: {regulation.admin_share: 0.1}}
    """)
    assert marked.markers() == [(10, "Inquiry"), (20, "Walkrounds"), (25, "Relief"),
                                (30, "Walkrounds ends")]


FULL = """\
    name: round trip
    description: Every kind of intervention, with extends-free settings.
    evidence: [test]
    management: {punitiveness: 0.55}
    interventions:
      - name: Just culture
        start: 5
        end: 30
        ramp: 7
        set: {management.punitiveness: 0.2, hospital.nurses_per_ward: 8}
      - name: Inquiry
        start: 12
        shock: {magnitude: 0.5, description: An inquiry}
      - name: Audits after harm
        when: {metric: incidents, per: admissions, window: 5, above: 0}
        duration: 8
        ramp: 3
        set: {regulation.audits_per_year: 24, management.walkrounds_per_month: 2}
"""


def test_resolved_scenario_reproduces_the_run_exactly(tmp_path):
    original = scenario(tmp_path, FULL, days=45)
    first = build_model(original, seed=7)
    first.run()
    resolved = tmp_path / "resolved.yaml"
    resolved.write_text(original.to_yaml(), encoding="utf-8")
    reloaded = load_scenario(resolved)
    assert reloaded.to_dict() == original.to_dict()
    assert reloaded.config == original.config
    assert reloaded.interventions == original.interventions
    second = build_model(reloaded, seed=7)
    second.run()
    assert first.fired_triggers == second.fired_triggers != []
    pd.testing.assert_frame_equal(first.daily_data(), second.daily_data())
    assert [e.text for e in first.story] == [e.text for e in second.story]


def test_build_model_checks_scenarios_made_in_code():
    made = Scenario(name="made in code", interventions=[
        Intervention(name="Late", start=400, changes={"management.punitiveness": 0.1})])
    with pytest.raises(UsageError, match="starts after the run ends"):
        build_model(made, seed=1)
