"""Shared helpers for the model tests: seeded runs summarised over a window, cached."""

from __future__ import annotations

from functools import cache

import pandas as pd

from sim.config import ModelConfig
from sim.metrics import METRIC_BY_NAME, period_value
from sim.model import HospitalModel

SEEDS = (11, 12, 13, 14, 15)


def make_config(**changes: float) -> ModelConfig:
    """Default configuration with `group__name=value` changes."""
    return ModelConfig().replace(**changes)


@cache
def daily_runs(changes: tuple[tuple[str, float], ...], seeds: tuple[int, ...] = SEEDS,
               days: int = 365, burn_in: int = 90) -> tuple[pd.DataFrame, ...]:
    """Daily data of one run per seed (cached: several tests share the same runs)."""
    frames = []
    for seed in seeds:
        config = make_config(**dict(changes))
        config.run.days, config.run.burn_in = days, burn_in
        frames.append(HospitalModel(config, seed=seed, storytelling=False).run().daily_data())
    return tuple(frames)


def pooled(frames: tuple[pd.DataFrame, ...], metric: str, first: int, last: int) -> float:
    """A metric over days first..last of every run pooled (ratios as ratios of sums)."""
    window = pd.concat([f[(f.day >= first) & (f.day <= last)] for f in frames])
    return period_value(METRIC_BY_NAME[metric], {c: window[c].tolist() for c in window.columns})


def evaluated(changes: dict[str, float] | None = None, metric: str = "reporting_rate",
              first: int = 186, last: int = 365) -> float:
    """A metric over the evaluation window (last 180 days) of the standard runs."""
    key = tuple(sorted((changes or {}).items()))
    return pooled(daily_runs(key), metric, first, last)
