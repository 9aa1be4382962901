"""The written results of a calibration: fitted values, fit report, history, fitted scenario."""

from __future__ import annotations

import csv
import datetime as dt
import textwrap
from collections.abc import Sequence
from pathlib import Path

from sim.config import parameter_fields
from sim.evidence.calibrate import Fit
from sim.evidence.figures import fit_figure, history_figure
from sim.evidence.validation import git_commit
from sim.scenario import load_scenario
from sim.scenario.yaml_io import dump_yaml


def rounded(value: float) -> float | int:
    """Six significant digits: the search's precision, without float noise in the YAML."""
    return value if isinstance(value, int) else float(f"{value:.6g}")


def write_csv(path: Path, rows: Sequence[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def fitted_rows(result: Fit) -> list[dict]:
    fields = parameter_fields()
    return [{"parameter": p.key, "fitted": rounded(result.best_values[p.key]),
             "search_low": p.low, "search_high": p.high, "default": fields[p.key].default,
             "unit": fields[p.key].metadata["unit"]} for p in result.calibration.parameters]


def fit_markdown(result: Fit, command: str) -> str:
    achieved = result.best_achieved
    inside = sum(item.inside for item in achieved)
    lines = [f"# Calibration: {result.calibration.name}", "",
             f"`{command}`: {len(result.history)} trials (TPE, seed {result.seed}), "
             f"{result.replicates} paired replicates per candidate, best loss "
             f"{result.best_loss:.4g}; {inside} of {len(achieved)} targets met.", "",
             "## Fitted values", "", "| parameter | fitted | searched | default | unit |",
             "|---|---|---|---|---|"]
    lines += [f"| `{row['parameter']}` | {row['fitted']:g} | {row['search_low']:g} to "
              f"{row['search_high']:g} | {row['default']:g} | {row['unit']} |"
              for row in fitted_rows(result)]
    lines += ["", "## Fit", "",
              "| target | expected | achieved (95% interval) | inside | loss |",
              "|---|---|---|---|---|"]
    for item in achieved:
        measured = f"{item.shown(item.mean)} ({item.shown(item.ci_low)} to " \
                   f"{item.shown(item.ci_high)})"
        lines.append(f"| {item.target} | {item.expected} | {measured} | "
                     f"{'yes' if item.inside else 'NO'} | {item.loss:.3g} |")
    if result.calibration.settings:
        changes = ", ".join(f"{k}={v:g}" for k, v in result.calibration.settings)
        lines += ["", f"Every run had these settings: {changes}."]
    lines += ["", "Loss: sum over targets of (distance of the mean outside the range / the "
              "range's width)^2, zero inside (docs/evidence.md). 'inside' judges levels by "
              "their mean and bands by their 95% interval.", ""]
    return "\n".join(lines)


def fitted_scenario(result: Fit, command: str, git: str) -> str:
    """The baseline scenario with the fitted values, resolved, with a header saying how."""
    values = {key: rounded(value) for key, value in result.best_values.items()}
    scenario = load_scenario("baseline", values)
    when = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    header = [f"# Fitted on {when} by `{command}` (git commit {git}):",
              f"# {len(result.history)} trials of Optuna's TPE sampler (seed {result.seed}), "
              f"{result.replicates} paired replicates per candidate, loss {result.best_loss:.4g}.",
              *textwrap.wrap("Fitted: " + ", ".join(f"{key}={value:g}"
                                                    for key, value in values.items()) + ".",
                             width=98, initial_indent="# ", subsequent_indent="#   ")]
    if result.calibration.settings:
        header.append("# Fitted with the settings " + ", ".join(
            f"{k}={v:g}" for k, v in result.calibration.settings) + " (not written below).")
    header.append("# The baseline scenario resolved with those values; see fit_report.md.")
    return "\n".join(header) + "\n" + dump_yaml(scenario.to_dict())


def write_fit(folder: Path, result: Fit, command: str) -> None:
    write_csv(folder / "fitted_parameters.csv", fitted_rows(result))
    rows = [item.as_row() for item in result.best_achieved]
    write_csv(folder / "fit_report.csv", rows)
    (folder / "fit_report.md").write_text(fit_markdown(result, command), encoding="utf-8")
    write_csv(folder / "history.csv", result.history)
    fit_figure(rows, folder)
    history_figure(result.history, folder)
    (folder / "fitted.yaml").write_text(fitted_scenario(result, command, git_commit()),
                                        encoding="utf-8")
