"""Scenarios and interventions defined in YAML: loading, validation and scheduling.

    from sim.scenario import load_scenario
    from sim.scenario.runtime import build_model
    scenario = load_scenario("scenarios/just_culture.yaml", ["run.days=180"])
    model = build_model(scenario, seed=1)
    model.run()

Every bad input raises `sim.errors.UsageError` with one message naming the file, the key path
and what was expected. This package reads and checks scenario files without loading the
model (or Mesa); `sim.scenario.runtime` builds the model a scenario describes.
"""

from sim.scenario.arguments import add_scenario_arguments, scenario_from_arguments
from sim.scenario.interventions import Condition, Intervention, Shock
from sim.scenario.scenario import (
    Scenario,
    list_scenarios,
    load_scenario,
    parse_override,
    validate_scenario,
)
from sim.scenario.schema import MAX_AGENT_DAYS, MAX_AGENTS

__all__ = [
    "MAX_AGENTS",
    "MAX_AGENT_DAYS",
    "Condition",
    "Intervention",
    "Scenario",
    "Shock",
    "add_scenario_arguments",
    "list_scenarios",
    "load_scenario",
    "parse_override",
    "scenario_from_arguments",
    "validate_scenario",
]

