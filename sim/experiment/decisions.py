"""What a comparison gives a board: the ranked table, time to effect, how sure, value for money.

Built from the comparison once the runs are in; the optional inputs (a costs file, runs over
sampled assumptions) come with the results as `DecisionInputs`. Every table here is written
as CSV beside comparison.csv, in the units the report shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sim.experiment.assumptions import summarise_assumptions
from sim.experiment.board_table import board_table, with_extra
from sim.experiment.runner import ExperimentResults
from sim.experiment.tables import evaluation_window
from sim.experiment.time_to_effect import monthly_table, time_to_effect_table
from sim.experiment.value import value_tables


@dataclass
class DecisionInputs:
    """Optional inputs of the decision tables: costs (sim.experiment.value) and the runs over
    sampled assumptions (sim.experiment.assumptions)."""

    costs: Any = None
    assumptions: Any = None


@dataclass
class Decisions:
    """The decision tables of a comparison."""

    board: pd.DataFrame
    time_to_effect: pd.DataFrame
    by_month: pd.DataFrame
    window_days: int
    beds: int
    replicates: int
    value: pd.DataFrame | None = None
    acceptability: pd.DataFrame | None = None
    assumptions: Any = None  # sim.experiment.assumptions.AssumptionSummary
    costs: Any = None  # sim.experiment.value.Costs
    files: list[str] = field(default_factory=list)

    def write(self, folder: Path) -> None:
        tables = {"board.csv": self.board, "time_to_effect.csv": self.time_to_effect,
                  "effect_by_month.csv": self.by_month,
                  "value.csv": self.value, "acceptability.csv": self.acceptability}
        if self.assumptions is not None:
            tables["assumptions.csv"] = self.assumptions.samples
            tables["assumption_drivers.csv"] = self.assumptions.drivers
        if self.costs is not None:  # the inputs of value.csv travel with it
            (folder / "costs.yaml").write_text(self.costs.text, encoding="utf-8")
            self.files.append("costs.yaml")
        for name, table in tables.items():
            if table is not None:
                table.to_csv(folder / name, index=False)
                self.files.append(name)


def hospital_beds(results: ExperimentResults) -> int:
    hospital = results.scenarios[0].config.hospital
    return int(hospital.wards * hospital.beds_per_ward)


def decision_tables(results: ExperimentResults, summary: pd.DataFrame,
                    comparison: pd.DataFrame) -> Decisions:
    """Board table, time to effect and, when their inputs came, assumptions and value."""
    start, end = evaluation_window(results.scenarios[0].config.run.days, results.window)
    window_days = end - start + 1
    inputs = getattr(results, "decision_inputs", None) or DecisionInputs()
    board = board_table(comparison, results.labels, window_days)
    timing = time_to_effect_table(results, comparison)
    board = with_extra(board, timing, ("month_material", "month_90_percent"))
    decisions = Decisions(board, timing, monthly_table(results), window_days,
                          hospital_beds(results), len(results.seeds))
    if inputs.assumptions is not None:

        decisions.assumptions = summarise_assumptions(inputs.assumptions, results.labels,
                                                      window_days)
        decisions.board = with_extra(decisions.board, decisions.assumptions.effects,
                                     ("assumption_low", "assumption_high",
                                      "share_worlds_better"))
    if inputs.costs is not None:

        decisions.costs = inputs.costs
        decisions.value, decisions.acceptability = value_tables(
            inputs.costs, results, summary, window_days, decisions.assumptions)
    return decisions
