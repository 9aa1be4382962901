"""Everything a sweep writes into its results folder.

Data files hold no timestamps and are sorted by run index, so a resumed sweep ends
byte-identical to an uninterrupted one and the worker count changes nothing; when and where
it ran goes in manifest.json only. Tables come first, figures and README.md after, so that if
drawing fails the numbers are already on disk.
"""

from __future__ import annotations

import json
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiment.figures import Figure
from sim.experiment.jobs import METRIC_NAMES
from sim.experiment.manifest import git_commit, package_versions
from sim.experiment.runner import RunRecord
from sim.scenario.yaml_io import dump_yaml
from sim.sweep.analysis import RANKED_BY, indices_table, point_means, runs_table
from sim.sweep.design import Design
from sim.sweep.figures import index_figures, phase_diagrams
from sim.sweep.spec import NOT_IN_ALL, Sweep

READINGS = {
    "morris": "mu* (mu_star) is the mean absolute elementary effect: how much the outcome moves "
              "when the parameter steps across its range, whatever the others are. Read it to "
              "rank parameters: a small mu* means the parameter hardly matters over its range. "
              "sigma is the spread of those effects: large against mu* means the effect "
              "depends on the other parameters (interactions or a curved response). mu is the "
              "signed mean: its sign says which way the outcome moves. mu_star_conf is the "
              "half-width of mu*'s 95% bootstrap interval.",
    "sobol": "S1 is the share of the outcome's variance over the design due to the parameter "
             "alone; ST is its share counting every interaction it takes part in. ST near 0: "
             "the parameter can be fixed anywhere in its range. ST well above S1: it acts "
             "through interactions. *_conf are half-widths of 95% bootstrap intervals; "
             "indices within their interval of 0 are not distinguishable from 0.",
    "latin": "S1 (RBD-FAST) is the share of the outcome's variance over the design explained "
             "by the parameter alone; S1_conf is the half-width of its 95% interval.",
    "grid": "No indices: read the phase diagrams (phase-*.png) and runs.parquet.",
}


@dataclass
class SweepTables:
    runs: pd.DataFrame
    means: pd.DataFrame
    indices: pd.DataFrame | None


def write_tables(folder: Path, sweep: Sweep, design: Design, records: list[RunRecord],
                 daily: bool) -> SweepTables:
    """sweep.yaml, runs.parquet and runs.csv, indices.csv, failures and daily series."""
    (folder / "sweep.yaml").write_text(
        "# Resolved sweep: defaults filled in, every range written out.\n"
        + dump_yaml(sweep.to_dict()), encoding="utf-8")
    (folder / "base_scenario.yaml").write_text(sweep.base.to_yaml(), encoding="utf-8")
    runs = runs_table(sweep, design, records)
    runs.to_parquet(folder / "runs.parquet", index=False, engine="pyarrow")
    runs.to_csv(folder / "runs.csv", index=False)
    means = point_means(runs, len(design.points), sweep.outcomes)
    indices = indices_table(sweep, design, means)
    if indices is not None:
        indices.to_csv(folder / "indices.csv", index=False)
    failures = [{"run": r.job.index, "point": r.job.scenario, "replicate": r.job.replicate,
                 "seed": r.job.seed, "error": r.error} for r in records if r.output is None]
    if failures:
        pd.DataFrame(failures).to_csv(folder / "failures.csv", index=False)
    if daily:
        daily_table(records).to_parquet(folder / "timeseries.parquet", index=False,
                                        engine="pyarrow")
    return SweepTables(runs, means, indices)


def daily_table(records: list[RunRecord]) -> pd.DataFrame:
    """Every day of every run (with --daily), long form: run, day, metric, value."""
    parts = []
    for record in records:
        output = record.output
        if output is None or output.daily is None:
            continue
        count = len(METRIC_NAMES)
        parts.append(pd.DataFrame({
            "run": np.full(len(output.days) * count, record.job.index, dtype=np.int64),
            "day": np.repeat(output.days, count),
            "metric": np.tile(np.arange(count, dtype=np.int32), len(output.days)),
            "value": output.daily.ravel()}))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        {"run": [], "day": [], "metric": np.array([], dtype=np.int32), "value": []})
    table["metric"] = pd.Categorical.from_codes(table["metric"], METRIC_NAMES)
    return table


def write_manifest(folder: Path, plan: dict[str, Any], *, backend: str, workers: int,
                   wall_seconds: float, reused: int) -> None:
    """How to reproduce the sweep and how it ran: the only file with times in it."""
    manifest = {"command": shlex.join(plan["command"]), "argv": sys.argv,
                "started": plan["started"], "versions": package_versions(),
                "git_commit": git_commit(), "backend": backend, "workers": workers,
                "wall_seconds": round(wall_seconds, 3), "runs": plan["runs"],
                "runs_resumed": reused}
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, default=str),
                                          encoding="utf-8")


def write_figures_and_readme(folder: Path, sweep: Sweep, design: Design, tables: SweepTables,
                             command: list[str]) -> None:
    figures = phase_diagrams(sweep, tables.means, folder)
    if tables.indices is not None:
        figures += index_figures(sweep, tables.indices, folder)
    (folder / "README.md").write_text(readme(sweep, design, tables, figures, command),
                                      encoding="utf-8")


def readme(sweep: Sweep, design: Design, tables: SweepTables, figures: list[Figure],
           command: list[str]) -> str:
    run = sweep.base.config.run
    lines = [f"# Sweep: {sweep.name}", "", sweep.description.strip(), "",
             "## What was run", "",
             f"- Base scenario: {sweep.to_dict()['base']} ({sweep.base.name})",
             f"- Design: {design_text(sweep)}, {len(design.points):,} points x "
             f"{sweep.replicates} replicate(s) = {len(design.points) * sweep.replicates:,} runs "
             f"({len(tables.runs):,} finished)",
             f"- Runs: {run.burn_in} burn-in days, then {run.days} days; outcomes over the "
             f"last {sweep.window} days (the evaluation window of `compare`)",
             f"- Root seed {sweep.seed}: replicate r uses the same seed at every point "
             "(common random numbers)",
             f"- Outcomes: {', '.join(sweep.outcomes)}",
             f"- Reproduce: `python {shlex.join(command)}`", "",
             "Parameters varied (low to high):", ""]
    lines += [f"- `{f.key}`: {f.low:g} to {f.high:g}" for f in sweep.factors]
    if sweep.all_parameters:
        lines += ["", f"Every numeric parameter was screened except those that fix the size "
                  f"of the hospital or the run ({', '.join(sorted(NOT_IN_ALL))}), those fixed "
                  f"by `set`, and any listed under `exclude`. Ranges are the base value give "
                  f"or take {sweep.span:.0%}, within the documented range (a parameter at 0 "
                  f"spans {sweep.span:.0%} of its documented range from 0)."]
    lines += ["", "## Files", "",
              "- `runs.parquet` (and `runs.csv`): one row per run: run, point, replicate, "
              "seed, the varied parameters, the outcomes",
              "- `sweep.yaml`: the resolved sweep; `base_scenario.yaml`: the base scenario",
              "- `manifest.json`: versions, backend, timings (the only file with times)"]
    if tables.indices is not None:
        lines.append("- `indices.csv`: sensitivity indices by outcome and parameter, computed "
                     "on each point's replicate mean")
    lines += [f"- `{figure.stem}.png`: {figure.title}" for figure in figures]
    lines += ["", "## How to read the indices", "", READINGS[sweep.design], ""]
    if tables.indices is not None:
        lines += ["## Strongest parameters", ""]
        index = RANKED_BY[sweep.design][0]
        for outcome in sweep.outcomes:
            rows = tables.indices[tables.indices["outcome"] == outcome]
            top = rows.sort_values(index, ascending=False, kind="stable").head(5)
            ranked = ", ".join(f"`{row.parameter}` ({getattr(row, index):.3g})"
                               for row in top.itertuples())
            lines.append(f"- {outcome}: {ranked}")
        lines.append("")
    return "\n".join(lines)


def design_text(sweep: Sweep) -> str:
    return {"grid": "full grid",
            "latin": f"Latin hypercube of {sweep.samples} samples",
            "sobol": f"Saltelli/Sobol' design, N = {sweep.samples}"
                     + (" with second-order terms" if sweep.second_order else ""),
            "morris": f"Morris, {sweep.trajectories} trajectories on {sweep.levels} levels"
                      + (", parameters moved together by configuration section (grouped "
                         "screening: rows of indices.csv are sections)"
                         if sweep.groups == "sections" else "")
            }[sweep.design]
