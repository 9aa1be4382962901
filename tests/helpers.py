"""Shared helpers for the model tests: seeded runs summarised over a window, cached, and paired
effects with intervals (the same measures as `sim.evidence`)."""

from __future__ import annotations

from functools import cache

import pandas as pd

from sim.config import ModelConfig
from sim.evidence.effects import evaluate_all, interval, period_values, run_variants
from sim.experiment.jobs import replicate_seeds
from sim.model import HospitalModel

SEEDS = (11, 12, 13, 14, 15)
PAIRED_SEEDS = tuple(replicate_seeds(7, 12))


def make_config(**changes: float) -> ModelConfig:
    """Default configuration with `group__name=value` changes."""
    return ModelConfig().replace(**changes)


def daily_run(changes: tuple[tuple[str, float], ...], seed: int, days: int,
              burn_in: int) -> pd.DataFrame:
    config = make_config(**dict(changes))
    config.run.days, config.run.burn_in = days, burn_in
    return HospitalModel(config, seed=seed, storytelling=False).run().daily_data()


@cache
def daily_runs(changes: tuple[tuple[str, float], ...], seeds: tuple[int, ...] = SEEDS,
               days: int = 365, burn_in: int = 90) -> tuple[pd.DataFrame, ...]:
    """Daily data of one run per seed, in parallel (cached: several tests share the runs)."""
    return tuple(evaluate_all(daily_run, [(changes, seed, days, burn_in) for seed in seeds]))


def run_changed_after_burn_in(changes: tuple[tuple[str, float], ...],
                              seed: int) -> pd.DataFrame:
    model = HospitalModel(make_config(), seed=seed, storytelling=False)
    model.run(model.config.run.burn_in)
    for key, value in changes:
        model.set_parameter(key, value)
    return model.run(model.config.run.days).daily_data()


@cache
def changed_after_burn_in(changes: tuple[tuple[str, float], ...],
                          seeds: tuple[int, ...] = PAIRED_SEEDS) -> tuple[pd.DataFrame, ...]:
    """Daily data of the default hospital whose parameters change on day 1, after burn-in."""
    return tuple(evaluate_all(run_changed_after_burn_in,
                              [(changes, seed) for seed in seeds]))


def pooled(frames: tuple[pd.DataFrame, ...], metric: str, first: int, last: int) -> float:
    """A metric over days first..last of every run pooled (ratios as ratios of sums)."""
    window = pd.concat([f[(f.day >= first) & (f.day <= last)] for f in frames])
    return period_values(window, [metric])[metric]


@cache
def summaries(scenario: str = "baseline", overrides: tuple[tuple[str, float], ...] = (),
              seeds: tuple[int, ...] = PAIRED_SEEDS) -> tuple[dict[str, float], ...]:
    """Every metric over the last 180 days, one dict per paired seed (runs in parallel)."""
    variant = (scenario, overrides)
    return tuple(run_variants([variant], seeds)[variant])


def values(metric: str, scenario: str = "baseline",
           overrides: tuple[tuple[str, float], ...] = ()) -> list[float]:
    return [run[metric] for run in summaries(scenario, overrides)]


def paired_effect(metric: str, measure: str, scenario: str = "baseline",
                  overrides: tuple[tuple[str, float], ...] = ()) -> tuple[float, float, float]:
    """Mean with 95% interval over paired seeds of scenario vs baseline: `ratio`, `relative`
    (scenario / baseline - 1) or `points` (difference)."""
    effects = []
    for run, reference in zip(summaries(scenario, overrides), summaries(), strict=True):
        value, base = run[metric], reference[metric]
        effects.append({"ratio": value / base, "relative": value / base - 1.0,
                        "points": value - base}[measure])
    return interval(effects)
