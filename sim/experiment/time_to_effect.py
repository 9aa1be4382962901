"""How soon an option works: the paired difference month by month, and two milestones.

Each run's days after burn-in are cut into months of 30 scenario days (month 1 is days 1-30);
a metric's value in a month is formed as over any period (`sim.core.metrics.period_value`: counts
summed, ratios as ratios of sums, states averaged). Replicate i of an option is paired with
replicate i of the reference, as in the main comparison, and the monthly paired differences
give a mean and a t-based 95% interval per month.

Two milestones per option and outcome:

- the month by which the effect is material: the first month that, together with the month
  after it, shows a material change (sim.core.metrics.is_material against that month's reference)
  in the direction of the change over the evaluation window; two months running, so that one
  lucky month is not read as an effect;
- the month it reaches 90% of its plateau: the first month whose mean difference is at least
  90% of the plateau, the mean monthly difference over the evaluation window, two months
  running. Given only where the effect over the window is material.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.core.metrics import METRIC_BY_NAME, METRICS, Metric, is_material, material_threshold
from sim.experiment.runner import ExperimentResults
from sim.experiment.statistics import mean_interval
from sim.experiment.tables import evaluation_window

MONTH_DAYS = 30
PLATEAU_SHARE = 0.9
PRIMARY = tuple(metric.name for metric in METRICS if metric.primary)
MONTHLY_COLUMNS = ("scenario", "metric", "month", "diff", "diff_ci_low", "diff_ci_high",
                   "threshold", "unit")
TIME_COLUMNS = ("scenario", "metric", "month_material", "month_90_percent", "plateau_per_month",
                "unit_per_month")


@dataclass(frozen=True)
class MonthlyEffect:
    """Paired differences of one option from the reference, month by month, in `unit`."""

    months: np.ndarray  # 1, 2, ...
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    reference: np.ndarray  # the reference's mean monthly value (stored units)
    pairs: int


def month_of(days: np.ndarray) -> np.ndarray:
    """Month number (1-based) of each scenario day; 0 for burn-in days."""
    return np.where(days >= 1, (days - 1) // MONTH_DAYS + 1, 0)


def monthly_values(metric: Metric, days: np.ndarray, columns: dict[str, np.ndarray]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """Months and the metric's value in each month of each run (runs x months, stored
    units); counts are totals over the month, scaled to 30 days for a shorter last month."""
    months = month_of(days)
    numbers = np.unique(months[months > 0])
    values = np.full((next(iter(columns.values())).shape[0], len(numbers)), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        for position, number in enumerate(numbers):
            inside = months == number
            if metric.kind == "ratio":
                top = np.nansum(columns[metric.numerator][:, inside], axis=1)
                bottom = np.nansum(columns[metric.denominator][:, inside], axis=1)
                value = np.where(bottom > 0, top / bottom, np.nan)
                values[:, position] = 1.0 - value if metric.complement else value
            elif metric.kind == "count":
                values[:, position] = (np.nansum(columns[metric.name][:, inside], axis=1)
                                       * MONTH_DAYS / inside.sum())
            else:
                values[:, position] = np.nanmean(columns[metric.name][:, inside], axis=1)
    return numbers, values


def paired_runs(results: ExperimentResults, scenario: int, reference: int = 0
                ) -> list[tuple[object, object]]:
    """(option's output, reference's output) for each replicate that finished in both."""
    by_replicate = [{record.job.replicate: record.output for record in results.records
                     if record.job.scenario == index and record.output is not None}
                    for index in (scenario, reference)]
    return [(by_replicate[0][replicate], by_replicate[1][replicate])
            for replicate in sorted(by_replicate[0]) if replicate in by_replicate[1]]


def monthly_effect(results: ExperimentResults, scenario: int, name: str) -> MonthlyEffect:
    """The option's paired monthly differences from the reference (scenario 0) in `unit`."""
    metric = METRIC_BY_NAME[name]
    pairs = paired_runs(results, scenario)
    if not pairs:
        empty = np.array([])
        return MonthlyEffect(empty, empty, empty, empty, empty, 0)
    days = pairs[0][0].days
    option = {column: np.vstack([a.column(column) for a, _ in pairs])
              for column in metric.needed_columns}
    base = {column: np.vstack([b.column(column) for _, b in pairs])
            for column in metric.needed_columns}
    months, option_values = monthly_values(metric, days, option)
    _, base_values = monthly_values(metric, days, base)
    differences = option_values - base_values
    intervals = [mean_interval(differences[:, column]) for column in range(len(months))]
    scale = metric.scale
    with np.errstate(invalid="ignore"):
        reference = np.nanmean(base_values, axis=0)
    return MonthlyEffect(months, np.array([i.mean for i in intervals]) * scale,
                         np.array([i.low for i in intervals]) * scale,
                         np.array([i.high for i in intervals]) * scale, reference, len(pairs))


def first_month_running(months: np.ndarray, hits: np.ndarray) -> float:
    """The first month that is a hit together with the month after it (NaN if none); the
    run's last month counts on its own."""
    for position in range(len(months)):
        if hits[position] and (position + 1 == len(months) or hits[position + 1]):
            return float(months[position])
    return math.nan


def milestones(metric: Metric, effect: MonthlyEffect, window_months: np.ndarray,
               direction: float) -> tuple[float, float, float]:
    """Month material, month of 90% of the plateau, and the plateau per month (in unit)."""
    if effect.pairs == 0 or direction == 0 or not math.isfinite(direction):
        return math.nan, math.nan, math.nan
    scale = metric.scale
    material = np.array([
        is_material(metric, mean / scale, low / scale, high / scale, reference)
        and np.sign(mean) == np.sign(direction)
        for mean, low, high, reference in zip(effect.mean, effect.low, effect.high,
                                              effect.reference, strict=True)])
    inside = np.isin(effect.months, window_months)
    plateau = float(np.nanmean(effect.mean[inside])) if inside.any() else math.nan
    month_material = first_month_running(effect.months, material)
    if not (math.isfinite(plateau) and np.sign(plateau) == np.sign(direction)):
        return month_material, math.nan, plateau
    reached = np.sign(direction) * effect.mean >= PLATEAU_SHARE * abs(plateau)
    return month_material, first_month_running(effect.months, reached), plateau


def monthly_table(results: ExperimentResults, names: tuple[str, ...] = PRIMARY
                  ) -> pd.DataFrame:
    """Every option's paired monthly change per outcome, in units (effect_by_month.csv), with
    the smallest change worth acting on in that month (`threshold`, same unit)."""
    parts = []
    for index, label in enumerate(results.labels[1:], start=1):
        for name in names:
            metric = METRIC_BY_NAME[name]
            effect = monthly_effect(results, index, name)
            thresholds = [metric.in_unit(material_threshold(metric, reference))
                          for reference in effect.reference]
            parts.append(pd.DataFrame({
                "scenario": label, "metric": name, "month": effect.months.astype(int),
                "diff": effect.mean, "diff_ci_low": effect.low, "diff_ci_high": effect.high,
                "threshold": thresholds, "unit": per_month_unit(metric)}))
    if not parts:
        return pd.DataFrame(columns=list(MONTHLY_COLUMNS))
    return pd.concat(parts, ignore_index=True)[list(MONTHLY_COLUMNS)]


def time_to_effect_table(results: ExperimentResults, comparison: pd.DataFrame,
                         names: tuple[str, ...] = PRIMARY) -> pd.DataFrame:
    """Per option and outcome: month material, month of 90% of the plateau, the plateau per
    month, for effects material over the evaluation window (NaN months otherwise)."""
    start, end = evaluation_window(results.scenarios[0].config.run.days, results.window)
    window_months = np.unique(month_of(np.arange(start, end + 1)))
    table = comparison.set_index(["scenario", "metric"])
    rows = []
    for index, label in enumerate(results.labels[1:], start=1):
        for name in names:
            metric = METRIC_BY_NAME[name]
            row = table.loc[(label, name)]
            effect = monthly_effect(results, index, name)
            direction = float(row["diff"]) if bool(row["material"]) else 0.0
            month, month_90, plateau = milestones(metric, effect, window_months, direction)
            rows.append({"scenario": label, "metric": name, "month_material": month,
                         "month_90_percent": month_90, "plateau_per_month": plateau,
                         "unit_per_month": per_month_unit(metric)})
    return pd.DataFrame(rows, columns=list(TIME_COLUMNS))


def per_month_unit(metric: Metric) -> str:
    """'events per month' for counts; a difference's unit otherwise."""
    return f"{metric.unit} per month" if metric.kind == "count" else metric.change_unit


def month_text(month: float) -> str:
    """'month 4' or 'not within the run'."""
    return f"month {int(month)}" if math.isfinite(month) else "not within the run"
