"""`compare` with a costs file and sampled assumptions: checked first, run last.

The costs file is read and checked with the scenarios, before anything runs, so that a bad
file is refused with one line (exit code 2). Runs over sampled assumptions follow the main
runs on the same workers, once those are in and before the tables are written, so that the
report has both intervals; if they are interrupted, the main runs are already kept and the
results folder stays unfinished, as for any interruption.
"""

from __future__ import annotations

import argparse
from typing import Any

from sim.cli.experiment_session import Session
from sim.experiment.assumptions import run_worlds
from sim.experiment.decisions import DecisionInputs
from sim.experiment.runner import ExperimentResults
from sim.experiment.value import check_options, load_costs


def decision_inputs(args: argparse.Namespace, scenarios: list[Any],
                    labels: list[str]) -> DecisionInputs:
    """The checked costs file (if any) and the number of worlds to run (if any)."""
    costs = None
    if getattr(args, "costs", None) is not None:

        costs = load_costs(args.costs)
        check_options(costs, labels, [scenario.source for scenario in scenarios])
    return DecisionInputs(costs=costs, assumptions=getattr(args, "assumptions", None))


class DecisionSession(Session):
    """A Session whose results carry the decision inputs to the tables and the report."""

    def __init__(self, *args: Any, inputs: DecisionInputs | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inputs = inputs

    def finish(self, results: ExperimentResults) -> int:
        if self.inputs is not None:
            worlds = self.inputs.assumptions
            runs = None
            if worlds and results.failures != results.records:

                runs = run_worlds(self.scenarios, results.labels, worlds=worlds,
                                  root_seed=self.args.seed, window=self.args.window,
                                  evaluator=self.evaluator, quiet=self.args.quiet)
            results.decision_inputs = DecisionInputs(self.inputs.costs, runs)
        return super().finish(results)
