"""Write an experiment's results: tables, manifest and scenarios first, then figures and report.

Both steps write into the experiment's unfinished folder (sim.cli.results_folder), which is renamed
to its final name only when both are done. The tables come first and need nothing but pandas,
so that if drawing or the report fails (a full disk, a plotting bug), the numbers are already
on disk and the message can say where.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from sim.core.metrics import METRICS
from sim.experiment.decisions import Decisions, decision_tables
from sim.experiment.figures import draw_all
from sim.experiment.manifest import build_manifest, scenario_file_name
from sim.experiment.report import write_report
from sim.experiment.runner import ExperimentResults
from sim.experiment.statistics import compare_scenarios, in_units
from sim.experiment.tables import summary_table, timeseries_table

TIMESERIES_FILE = "timeseries.csv.gz"
# The same table for pandas, polars and R (arrow) users: typed columns, a fraction of the size.
TIMESERIES_PARQUET = "timeseries.parquet"


@dataclass
class WrittenTables:
    """What the report is built from, once the tables are on disk."""

    summary: pd.DataFrame
    comparison: pd.DataFrame
    manifest: dict[str, Any]
    compare: bool
    decisions: Decisions | None = None


def write_tables(folder: Path, results: ExperimentResults, command: list[str], *,
                 compare: bool) -> WrittenTables:
    """Summary, comparison, time series, failures, resolved scenarios and the manifest."""
    summary = summary_table(results)
    comparison = compare_scenarios(summary, results.labels)
    summary.to_csv(folder / "summary.csv", index=False)
    decisions = None
    if compare:
        in_units(comparison).to_csv(folder / "comparison.csv", index=False)
        decisions = decision_tables(results, summary, comparison)
        decisions.write(folder)
    timeseries = timeseries_table(results)
    timeseries.to_csv(
        folder / TIMESERIES_FILE, index=False, float_format="%.10g",
        compression={"method": "gzip", "compresslevel": 1, "mtime": 0})
    timeseries.to_parquet(folder / TIMESERIES_PARQUET, index=False, engine="pyarrow")
    metrics_table().to_csv(folder / "metrics.csv", index=False)
    if results.failures:
        failures_table(results).to_csv(folder / "failures.csv", index=False)
    for index, (label, scenario) in enumerate(zip(results.labels, results.scenarios,
                                                  strict=True)):
        (folder / scenario_file_name(index, label)).write_text(scenario.to_yaml(),
                                                               encoding="utf-8")
    manifest = build_manifest(results, command)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str),
                                          encoding="utf-8")
    return WrittenTables(summary, comparison, manifest, compare, decisions)


def write_figures_and_report(folder: Path, results: ExperimentResults,
                             tables: WrittenTables) -> Path:
    """Every figure and report.html; returns the report's path."""
    comparison = tables.comparison if tables.compare else None
    figures = draw_all(results, comparison, folder, tables.decisions)
    write_report(folder / "report.html", results, tables.summary, tables.comparison, figures,
                 tables.manifest["command"], tables.decisions)
    return folder / "report.html"


def metrics_table() -> pd.DataFrame:
    """What every column of summary.csv means: label, unit, how it is stored and the scale
    that turns it into the unit, direction and the minimum meaningful difference (in the
    unit, or a share of the reference when relative), one row per metric (sim.core.metrics)."""
    return pd.DataFrame([{
        "metric": metric.name, "label": metric.label, "unit": metric.unit,
        "stored_as": metric.stored_as, "scale": metric.scale,
        "kind": metric.kind, "direction": metric.better, "primary": metric.primary,
        "minimum_difference": (metric.minimum_difference if metric.relative
                               else metric.in_unit(metric.minimum_difference)),
        "minimum_difference_is_relative": metric.relative, "meaning": metric.meaning}
        for metric in METRICS])


def failures_table(results: ExperimentResults) -> pd.DataFrame:
    return pd.DataFrame([{"scenario": results.label_of(record.job),
                          "replicate": record.job.replicate, "seed": record.job.seed,
                          "error": record.error} for record in results.failures])
