"""Interventions as changes: a scenario applied to another hospital than the default one.

A library scenario is written as changes to the default hospital (parameters it sets,
interventions it runs). When a comparison's reference is a hospital as it stands (it runs no
interventions: the default hospital, or a hospital fitted by `run.py fit-hospital`), every
other scenario is applied to that hospital: its parameters that differ from the default
hospital's replace the reference's, and its interventions run on top. For the default
hospital this changes nothing; for a fitted hospital it means "walkrounds, in our hospital".
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Sequence

from sim.scenario.scenario import Scenario, validate_scenario


def is_hospital_as_it_stands(scenario: Scenario) -> bool:
    return not scenario.interventions


def apply_to(reference: Scenario, scenario: Scenario) -> Scenario:
    """`scenario`'s changes to the default hospital, made to `reference` instead."""
    config = copy.deepcopy(reference.config)
    for key, value in scenario.changed_parameters().items():
        config.set(key, value)
    description = scenario.description
    if reference.changed_parameters() and reference.name not in description:
        description = f"{description.rstrip()} Applied to {reference.name}.".strip()
    # validate_scenario rebuilds the scenario from its document: nothing is shared with either.
    return validate_scenario(dataclasses.replace(scenario, config=config,
                                                 description=description))


def layer_on_reference(scenarios: Sequence[Scenario]) -> list[Scenario]:
    """The comparison's scenarios with every one after the first applied to the first, when
    the first is a hospital as it stands; otherwise unchanged."""
    if not scenarios or not is_hospital_as_it_stands(scenarios[0]):
        return list(scenarios)
    reference = scenarios[0]
    return [reference, *(apply_to(reference, scenario) for scenario in scenarios[1:])]
