"""Jobs of an experiment and the worker function that runs one of them.

A job is one scenario run with one replicate seed. Replicate i of every scenario uses the same
seed (common random numbers), so that scenarios are compared on the same simulated hospitals
and differ only where policy changes what agents do. The worker takes plain data (the resolved
scenario document and a seed) and returns plain data (the daily table as NumPy arrays), so that
it can run in another process or on another machine.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.core.metrics import METRICS
from sim.scenario import Scenario
from sim.scenario.runtime import build_model

METRIC_NAMES: tuple[str, ...] = tuple(metric.name for metric in METRICS)


@dataclass(frozen=True)
class Job:
    """One run: the scenario (by position), the replicate number and its seed."""

    index: int
    scenario: int
    replicate: int
    seed: int


@dataclass(frozen=True)
class RunOutput:
    """What a worker sends back: scenario days and one row of metrics per day."""

    days: np.ndarray  # int, shape (days,)
    values: np.ndarray  # float, shape (days, len(METRIC_NAMES))
    seconds: float

    def column(self, name: str) -> np.ndarray:
        return self.values[:, METRIC_NAMES.index(name)]

    def window(self, first_day: int, last_day: int) -> dict[str, np.ndarray]:
        """Every metric over scenario days first_day..last_day (inclusive)."""
        rows = (self.days >= first_day) & (self.days <= last_day)
        return {name: self.values[rows, i] for i, name in enumerate(METRIC_NAMES)}


def replicate_seeds(root_seed: int, replicates: int) -> list[int]:
    """One independent seed per replicate, derived from the root seed (same for all scenarios)."""
    children = np.random.SeedSequence(root_seed).spawn(replicates)
    return [int(child.generate_state(1)[0]) for child in children]


def make_jobs(scenario_count: int, seeds: list[int]) -> list[Job]:
    """Every scenario with every replicate seed, scenario by scenario."""
    return [Job(scenario * len(seeds) + replicate, scenario, replicate, seed)
            for scenario in range(scenario_count) for replicate, seed in enumerate(seeds)]


def simulate_job(scenario_document: dict[str, Any], seed: int) -> RunOutput:
    """Run one resolved scenario with one seed and return its daily metrics.

    Top-level and free of live objects in its arguments and result, so that process pools and
    Dask workers can pickle it. Story lines are skipped: nobody reads them in a batch run.
    """

    started = time.perf_counter()
    model = build_model(scenario_from_document(scenario_document), seed, storytelling=False)
    model.run()
    daily = model.daily_data()
    return RunOutput(daily["day"].to_numpy(dtype=np.int64),
                     daily[list(METRIC_NAMES)].to_numpy(dtype=np.float64),
                     time.perf_counter() - started)


def scenario_from_document(document: dict[str, Any]):
    """Rebuild a Scenario from its resolved document (Scenario.to_dict()), checked as on load."""

    return Scenario.from_dict(document)
