"""Run every scenario over the same replicate seeds and collect the results in job order.

Outcomes arrive in whatever order the workers finish; they are stored by job, so everything
written afterwards is identical for any number of workers and for any backend.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tqdm import tqdm

from sim.experiment.evaluators import Evaluator
from sim.experiment.jobs import Job, RunOutput, make_jobs, replicate_seeds, simulate_job


@dataclass
class RunRecord:
    """One job and what came of it: its daily output, or the error it raised."""

    job: Job
    output: RunOutput | None = None
    error: str | None = None
    details: str = ""


@dataclass
class ExperimentResults:
    """Everything an experiment produced, with the settings needed to reproduce it."""

    scenarios: list[Any]  # sim.scenario.Scenario, resolved
    labels: list[str]
    root_seed: int
    seeds: list[int]
    window: int
    records: list[RunRecord]
    backend: str
    workers: int
    started: str
    wall_seconds: float
    reused: int = 0  # runs finished by an earlier, interrupted command (--resume)

    @property
    def failures(self) -> list[RunRecord]:
        return [record for record in self.records if record.output is None]

    def label_of(self, job: Job) -> str:
        return self.labels[job.scenario]


def scenario_labels(names: Sequence[str]) -> list[str]:
    """Scenario names made unique (a name given twice gets -2, -3, ...)."""
    labels: list[str] = []
    for name in names:
        label, number = name, 1
        while label in labels:
            number += 1
            label = f"{name}-{number}"
        labels.append(label)
    return labels


def run_experiment(scenarios: Sequence[Any], *, replicates: int, root_seed: int, window: int,
                   evaluator: Evaluator, quiet: bool = False,
                   finished: Mapping[int, RunOutput] | None = None,
                   keep: Callable[[Job, RunOutput], None] | None = None) -> ExperimentResults:
    """Run each scenario `replicates` times with paired seeds on `evaluator`.

    `finished` holds outputs of jobs already run (by job index), which are not run again;
    `keep` is called with each run as it finishes (to write it to disk at once). If `keep`
    raises, the experiment stops and the error propagates.
    """
    seeds = replicate_seeds(root_seed, replicates)
    jobs = make_jobs(len(scenarios), seeds)
    documents = [scenario.to_dict() for scenario in scenarios]
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    clock = time.perf_counter()
    records = run_jobs(simulate_job, jobs, lambda job: (documents[job.scenario], job.seed),
                       evaluator=evaluator, quiet=quiet, finished=finished, keep=keep,
                       describe=lambda record: describe(record, scenarios))
    labels = scenario_labels([scenario.name for scenario in scenarios])
    return ExperimentResults(list(scenarios), labels, root_seed, seeds, window, records,
                             evaluator.description, evaluator.workers, started,
                             time.perf_counter() - clock,
                             reused=sum(1 for job in jobs if job.index in (finished or {})))


def run_jobs(function: Callable[..., Any], jobs: Sequence[Job],
             arguments: Callable[[Job], tuple[Any, ...]], *, evaluator: Evaluator,
             quiet: bool = False, finished: Mapping[int, Any] | None = None,
             keep: Callable[[Job, Any], None] | None = None,
             describe: Callable[[RunRecord], str] = lambda record: f"run {record.job.index}"
             ) -> list[RunRecord]:
    """Call `function(*arguments(job))` for every job not already `finished`, on `evaluator`,
    with a progress bar; records in job order whatever order the calls finish in.

    `keep` is called with each successful run as it finishes; if it raises, the runs stop
    and the error propagates (a failed call is only reported and recorded).
    """
    finished = finished or {}
    records = [RunRecord(job, finished.get(job.index)) for job in jobs]
    waiting = [position for position, job in enumerate(jobs) if job.index not in finished]
    with contextlib.ExitStack() as stack:
        if not evaluator.is_open:
            stack.enter_context(evaluator)
        progress = stack.enter_context(tqdm(
            total=len(jobs), initial=len(jobs) - len(waiting), unit="run", desc="simulating",
            disable=quiet, file=sys.stderr, dynamic_ncols=True))
        calls = [arguments(jobs[position]) for position in waiting]
        for outcome in evaluator.evaluate(function, calls):
            record = records[waiting[outcome.index]]
            record.output, record.error, record.details = (outcome.value, outcome.error,
                                                           outcome.details)
            if outcome.error is not None:
                tqdm.write(f"run failed: {describe(record)}: {outcome.error}", file=sys.stderr)
            elif keep is not None:
                keep(record.job, record.output)
            progress.update()
    return records


def describe(record: RunRecord, scenarios: Sequence[Any]) -> str:
    job = record.job
    return f"scenario {scenarios[job.scenario].name!r}, replicate {job.replicate}, seed {job.seed}"
