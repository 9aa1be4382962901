"""Experiments: scenarios over many paired replicates, compared with a reference.

Vocabulary after the EMA Workbench: a job is one (scenario, replicate, seed); an evaluator runs
jobs locally (process pool) or on a Dask cluster behind one interface; the runner collects
outcomes in job order, so results do not depend on where or in what order runs executed.
"""

from sim.experiment.evaluators import (
    DaskEvaluator,
    Evaluator,
    ProcessPoolEvaluator,
    SequentialEvaluator,
    make_evaluator,
)
from sim.experiment.jobs import Job, RunOutput, replicate_seeds, simulate_job
from sim.experiment.runner import ExperimentResults, run_experiment

__all__ = [
    "DaskEvaluator",
    "Evaluator",
    "ExperimentResults",
    "Job",
    "ProcessPoolEvaluator",
    "RunOutput",
    "SequentialEvaluator",
    "make_evaluator",
    "replicate_seeds",
    "run_experiment",
    "simulate_job",
]
