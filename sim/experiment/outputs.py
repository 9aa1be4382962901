"""Write an experiment's results folder: tables, figures, manifest, scenarios and report.

Everything is written into a temporary folder that is renamed into place only when complete
(sim.results_folder.atomic_results_folder), so an interrupted run leaves nothing that looks
like a finished results folder, and an existing folder is never overwritten.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from sim.experiment.figures import draw_all
from sim.experiment.manifest import build_manifest, scenario_file_name
from sim.experiment.report import write_report
from sim.experiment.runner import ExperimentResults
from sim.experiment.statistics import compare_scenarios
from sim.experiment.tables import summary_table, timeseries_table
from sim.results_folder import atomic_results_folder

TIMESERIES_FILE = "timeseries.csv.gz"


def write_results(destination: Path, results: ExperimentResults, command: list[str], *,
                  compare: bool) -> Path:
    """Write every output of the experiment to `destination`; returns the report's path."""
    summary = summary_table(results)
    comparison = compare_scenarios(summary, results.labels)
    with atomic_results_folder(destination) as folder:
        summary.to_csv(folder / "summary.csv", index=False)
        if compare:
            comparison.to_csv(folder / "comparison.csv", index=False)
        timeseries_table(results).to_csv(
            folder / TIMESERIES_FILE, index=False, float_format="%.10g",
            compression={"method": "gzip", "compresslevel": 1, "mtime": 0})
        if results.failures:
            failures_table(results).to_csv(folder / "failures.csv", index=False)
        for index, (label, scenario) in enumerate(zip(results.labels, results.scenarios,
                                                      strict=True)):
            (folder / scenario_file_name(index, label)).write_text(scenario.to_yaml(),
                                                                   encoding="utf-8")
        manifest = build_manifest(results, command)
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str),
                                              encoding="utf-8")
        figures = draw_all(results, comparison if compare else None, folder)
        write_report(folder / "report.html", results, summary, comparison, figures,
                     manifest["command"])
    return destination / "report.html"


def failures_table(results: ExperimentResults) -> pd.DataFrame:
    return pd.DataFrame([{"scenario": results.label_of(record.job),
                          "replicate": record.job.replicate, "seed": record.job.seed,
                          "error": record.error} for record in results.failures])
