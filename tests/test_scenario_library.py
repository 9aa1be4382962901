"""Every bundled scenario loads, tells its story, and runs (briefly, in a small hospital)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario import list_scenarios, load_scenario
from sim.scenario.runtime import build_model

REQUIRED = ("baseline", "high_regulation", "regulation_relief", "just_culture",
            "closing_the_loop", "walkrounds", "walkrounds_no_follow_through",
            "clinician_led_improvement", "patient_partnership", "uncomfortable_transparency",
            "audit_drive", "public_inquiry", "letter_recommendation")
# Long enough for every intervention in the library to start, in a one-ward hospital.
SHORT_RUN = ["hospital.wards=1", "hospital.beds_per_ward=12", "hospital.nurses_per_ward=6",
             "hospital.doctors_per_ward=2", "hospital.executives=1", "run.burn_in=5",
             "run.days=200"]
LIBRARY = list_scenarios()


def test_the_library_has_every_policy_scenario():
    assert {path.stem for path in LIBRARY} >= set(REQUIRED)


def test_names_are_unique():
    names = [load_scenario(path).name for path in LIBRARY]
    assert len(names) == len(set(names))


def test_validate_accepts_the_whole_library(capsys):
    assert main(["validate", *map(str, LIBRARY)]) == 0
    assert capsys.readouterr().out.count("ok: ") == len(LIBRARY)


def test_baseline_is_the_default_hospital():
    baseline = load_scenario(Path(LIBRARY[0]).parent / "baseline.yaml")
    assert baseline.changed_parameters() == {}
    assert baseline.interventions == []


@pytest.mark.parametrize("path", LIBRARY, ids=lambda path: path.stem)
def test_bundled_scenario_loads_and_runs(path):
    scenario = load_scenario(path, SHORT_RUN)
    assert len(scenario.description.split()) >= 30, "a paragraph an educator can read aloud"
    assert scenario.evidence
    model = build_model(scenario, seed=1, storytelling=True)
    model.run()
    daily = model.daily_data()
    assert len(daily) == 205
    assert daily["day"].iloc[-1] == 200
    for day, label in scenario.markers(model):
        assert 1 <= day <= 200 and label
    if path.stem != "baseline":
        assert scenario.interventions
    if any(item.kind == "change" for item in scenario.interventions):
        assert any(event.kind == "intervention" for event in model.story)
