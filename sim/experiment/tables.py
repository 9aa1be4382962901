"""Tables of an experiment: one summary row per run, and the daily series in long form."""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.core.metrics import METRICS, period_value
from sim.experiment.jobs import METRIC_NAMES, RunOutput
from sim.experiment.runner import ExperimentResults


def evaluation_window(run_days: int, window: int) -> tuple[int, int]:
    """First and last scenario day summarised: the last `window` days of the evaluated run."""
    return max(1, run_days - window + 1), run_days


def window_summary(output: RunOutput, run_days: int, window: int) -> dict[str, float]:
    """Every metric of one run over its evaluation window (the numbers of summary.csv).

    Counts are summed, ratios are ratios of sums and states are averaged over the window
    (sim.core.metrics.period_value), never means of daily ratios.
    """
    columns = output.window(*evaluation_window(run_days, window))
    return {metric.name: period_value(metric, columns) for metric in METRICS}


def summary_table(results: ExperimentResults) -> pd.DataFrame:
    """One row per successful run: scenario, replicate, seed, then every metric over the window
    (`window_summary`)."""
    rows = []
    for record in results.records:
        if record.output is None:
            continue
        job = record.job
        run_days = results.scenarios[job.scenario].config.run.days
        rows.append({"scenario": results.label_of(job), "replicate": job.replicate,
                     "seed": job.seed, **window_summary(record.output, run_days,
                                                        results.window)})
    return pd.DataFrame(rows, columns=["scenario", "replicate", "seed", *METRIC_NAMES])


def timeseries_table(results: ExperimentResults) -> pd.DataFrame:
    """Every day of every run in tidy long form: scenario, replicate, seed, day, metric, value."""
    parts = []
    metric_count = len(METRIC_NAMES)
    for record in results.records:
        if record.output is None:
            continue
        output, job = record.output, record.job
        rows = len(output.days) * metric_count
        parts.append(pd.DataFrame({
            "scenario": np.full(rows, job.scenario, dtype=np.int32),
            "replicate": np.full(rows, job.replicate, dtype=np.int32),
            "seed": np.full(rows, job.seed, dtype=np.int64),
            "day": np.repeat(output.days, metric_count),
            "metric": np.tile(np.arange(metric_count, dtype=np.int32), len(output.days)),
            "value": output.values.ravel(),
        }))
    if not parts:
        return pd.DataFrame(columns=["scenario", "replicate", "seed", "day", "metric", "value"])
    table = pd.concat(parts, ignore_index=True)
    table["scenario"] = pd.Categorical.from_codes(table["scenario"], results.labels)
    table["metric"] = pd.Categorical.from_codes(table["metric"], METRIC_NAMES)
    return table


def scenario_matrix(results: ExperimentResults, scenario: int,
                    names: tuple[str, ...]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Days and, per metric, a (replicates x days) matrix of one scenario's successful runs."""
    outputs = [record.output for record in results.records
               if record.job.scenario == scenario and record.output is not None]
    if not outputs:
        return np.array([], dtype=np.int64), {name: np.empty((0, 0)) for name in names}
    days = outputs[0].days
    return days, {name: np.vstack([output.column(name) for output in outputs])
                  for name in names}
