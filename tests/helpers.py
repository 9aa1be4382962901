"""Shared helpers for the model tests: seeded runs summarised over a window, cached, and paired
effects with intervals (the same measures as `sim.evidence`)."""

from __future__ import annotations

from functools import cache

from sim.config import ModelConfig
from sim.evidence.effects import interval, run_variants
from sim.experiment.jobs import replicate_seeds

SEEDS = (11, 12, 13, 14, 15)
PAIRED_SEEDS = tuple(replicate_seeds(7, 12))


def make_config(**changes: float) -> ModelConfig:
    """Default configuration with `group__name=value` changes."""
    return ModelConfig().replace(**changes)


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
