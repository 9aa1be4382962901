"""Summary statistics over replicates and paired comparisons with a reference scenario.

Replicates are independent simulated hospitals, so a t-based 95% interval over replicates is
the natural uncertainty of a scenario mean. Replicate i of every scenario shares its seed with
replicate i of the reference, so differences are taken pair by pair (common random numbers),
which removes most of the between-hospital noise from the comparison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core.metrics import METRICS, Metric, is_material, material_threshold, verdict

# Two-sided 95% quantiles of Student's t (0.975 quantile) for 1-30 degrees of freedom.
T_975 = (12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851,
         2.364624252, 2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830,
         2.160368656, 2.144786688, 2.131449546, 2.119905299, 2.109815578, 2.100922040,
         2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.068657610, 2.063898562,
         2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456)
Z_975 = 1.959963985

COMPARISON_COLUMNS = ("scenario", "metric", "mean", "ci_low", "ci_high", "diff", "diff_ci_low",
                      "diff_ci_high", "rel_change", "p_better", "label", "unit", "direction",
                      "primary", "material", "verdict", "scale")
# Columns in the metric's stored units, which `in_units` turns into the unit people read.
VALUE_COLUMNS = ("mean", "ci_low", "ci_high", "diff", "diff_ci_low", "diff_ci_high")
# Largest replicate count suggested: the command line's own limit.
MOST_REPLICATES = 10_000


def t_critical(degrees_of_freedom: int) -> float:
    """0.975 quantile of Student's t: exact table to 30, Cornish-Fisher expansion beyond."""
    if degrees_of_freedom < 1:
        return math.nan
    if degrees_of_freedom <= len(T_975):
        return T_975[degrees_of_freedom - 1]
    z, n = Z_975, degrees_of_freedom
    return (z + (z ** 3 + z) / (4 * n) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * n ** 2)
            + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * n ** 3))


@dataclass(frozen=True)
class Interval:
    """A mean with its 95% confidence interval (NaN where it cannot be estimated)."""

    mean: float
    low: float
    high: float
    n: int


def mean_interval(values: Sequence[float]) -> Interval:
    """Mean of the finite values with a t-based 95% interval."""
    data = np.asarray(values, dtype=float)
    data = data[np.isfinite(data)]
    n = len(data)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(data.mean())
    if n < 2:
        return Interval(mean, math.nan, math.nan, 1)
    half = t_critical(n - 1) * float(data.std(ddof=1)) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def share_better(differences: np.ndarray, better: str) -> float:
    """Share of paired differences that favour the scenario, a tie counting as half (0 vs 0
    is neither better nor worse); NaN when no direction is better."""
    if better not in ("higher", "lower") or len(differences) == 0:
        return math.nan
    wins = differences > 0 if better == "higher" else differences < 0
    return float(wins.mean() + 0.5 * (differences == 0).mean())


def replicates_needed(metric: Metric, low: float, high: float, difference: float,
                      reference: float, replicates: int) -> int:
    """Replicates that would narrow the interval to the size of the effect it brackets (or of
    the minimum meaningful difference, if larger); 0 when the interval is already narrower.

    The width of a t interval shrinks as 1 / sqrt(n), so n grows with the squared ratio.
    """
    width = high - low
    target = max(abs(difference), material_threshold(metric, reference))
    if not (math.isfinite(width) and math.isfinite(target)) or target <= 0 or width <= target:
        return 0
    return min(MOST_REPLICATES, math.ceil(replicates * (width / target) ** 2))


def paired_differences(scenario: pd.Series, reference: pd.Series) -> np.ndarray:
    """scenario - reference for each replicate (the index) present and finite in both."""
    joined = pd.concat([scenario, reference], axis=1, join="inner").to_numpy(dtype=float)
    finite = np.isfinite(joined).all(axis=1)
    return joined[finite, 0] - joined[finite, 1]


def compare_scenarios(summary: pd.DataFrame, labels: Sequence[str],
                      metrics: Sequence[Metric] = METRICS) -> pd.DataFrame:
    """One row per scenario and metric; differences are paired with the first scenario.

    `summary` has one row per scenario and replicate (columns scenario, replicate, and one per
    metric). The reference's own rows carry its mean and interval and no difference.
    """
    reference_label = labels[0]
    by_scenario = {label: rows.set_index("replicate")
                   for label, rows in summary.groupby("scenario", sort=False)}
    empty = pd.DataFrame(columns=["replicate", *(m.name for m in metrics)]).set_index("replicate")
    reference = by_scenario.get(reference_label, empty)
    rows = []
    for label in labels:
        own = by_scenario.get(label, empty)
        for metric in metrics:
            level = mean_interval(own[metric.name].to_numpy(dtype=float))
            row = {"scenario": label, "metric": metric.name, "mean": level.mean,
                   "ci_low": level.low, "ci_high": level.high, "diff": math.nan,
                   "diff_ci_low": math.nan, "diff_ci_high": math.nan, "rel_change": math.nan,
                   "p_better": math.nan, "label": metric.label, "unit": metric.unit,
                   "direction": metric.better, "primary": metric.primary, "material": False,
                   "verdict": "", "scale": metric.scale}
            if label != reference_label:
                differences = paired_differences(own[metric.name], reference[metric.name])
                change = mean_interval(differences)
                base = mean_interval(reference[metric.name].to_numpy(dtype=float)).mean
                row.update(diff=change.mean, diff_ci_low=change.low, diff_ci_high=change.high,
                           rel_change=change.mean / abs(base) if base else math.nan,
                           p_better=share_better(differences, metric.better),
                           material=is_material(metric, change.mean, change.low, change.high,
                                                base),
                           verdict=verdict(metric, change.mean, change.low, change.high, base))
            rows.append(row)
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))


def in_units(comparison: pd.DataFrame) -> pd.DataFrame:
    """The comparison with its levels and differences in each metric's `unit` (stored value
    times `scale`, sim.core.metrics), as comparison.csv and the Python API give it."""
    table = comparison.copy()
    for column in VALUE_COLUMNS:
        table[column] = table[column].astype(float) * table["scale"].astype(float)
    return table
