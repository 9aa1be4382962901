"""What `fit-hospital` writes: the fit table, the coefficients, a figure, a report and the
fitted hospital as a baseline scenario.

Nothing from the hospital file but its aggregate figures reaches the outputs, and everything is
written inside the results folder; the scenario is then installed as
`scenarios/hospitals/<name>.yaml` (refused if one of that name exists, unless replaced on
purpose), so that every command takes it as a baseline.
"""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from sim.errors import UsageError
from sim.experiment.run_store import write_atomically
from sim.hospital.fit import RELATIVE_UNIT, Achieved, HospitalFit
from sim.hospital.standing import fit_summary, standing_chart, summary_path
from sim.hospital.survey import COMPOSITE_BY_KEY
from sim.naming import safe_name
from sim.scenario import load_scenario
from sim.scenario.yaml_io import display_path, dump_yaml

HOSPITAL_SCENARIOS = Path("scenarios") / "hospitals"


def shown(item: Achieved, value: float) -> str:
    """A figure's value in its unit: shares in percent, rates as they are."""
    if value != value:  # NaN
        return "–"
    if item.figure.unit == RELATIVE_UNIT:  # reporting: model scale shown as a ratio
        return f"{value / item.figure.reference:.2f}"
    if item.figure.unit.startswith("%") or item.figure.unit == "per 100 admissions":
        return f"{100 * value:.1f}"
    return f"{value:.2f}"


def fit_rows(fit: HospitalFit) -> list[dict[str, Any]]:
    rows = []
    for item in fit.validation:
        figure = item.figure
        low, high = figure.sampling_interval
        composite = COMPOSITE_BY_KEY.get(figure.key)
        respondents = fit.hospital.composites[figure.key].respondents if composite else None
        rows.append({
            "figure": figure.key, "label": figure.label, "unit": figure.unit,
            "observed": shown(item, figure.observed), "sampling_low": shown(item, low),
            "sampling_high": shown(item, high), "respondents": respondents or "",
            "simulated": shown(item, item.mean), "simulated_low": shown(item, item.low),
            "simulated_high": shown(item, item.high),
            "within_sampling_error": "yes" if item.inside else "no",
            "national_reference": (shown(item, figure.reference)
                                   if figure.reference is not None else ""),
            "model_quantity": figure.counterpart})
    return rows


def coefficient_rows(fit: HospitalFit) -> list[dict[str, Any]]:
    rows = []
    for profile in fit.profiles:
        coefficient = fit.coefficients[profile.key]
        fitted = fit.best_values[profile.key]
        rows.append({"coefficient": profile.key, "fitted": f"{fitted:.4g}",
                     "search_low": coefficient.low, "search_high": coefficient.high,
                     "chi_square_rise_down": f"{profile.rise_down:.3g}",
                     "chi_square_rise_up": f"{profile.rise_up:.3g}",
                     "pinned_down": "yes" if profile.pinned else "no",
                     "why": coefficient.why})
    return rows


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    if not rows:
        path.write_text("", encoding="utf-8")
        return
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def draw(fit: HospitalFit, path: Path) -> None:
    """Observed with the hospital's sampling interval, simulated with its interval, and the
    national reference, one row per figure; shares and rates on their own panels."""
    shares = [item for item in fit.validation if item.figure.unit != RELATIVE_UNIT]
    rates = [item for item in fit.validation if item.figure.unit == RELATIVE_UNIT]
    scale = 1.0 / fit.model_reporting
    panels = [(shares, 100.0, "percent"),
              (rates, scale, "incident reporting, times the national reference")]
    panels = [panel for panel in panels if panel[0]]
    heights = [max(1.2, 0.55 * len(items) + 0.8) for items, _, _ in panels]
    figure, axes = plt.subplots(len(panels), 1, figsize=(9, sum(heights) + 1.2), squeeze=False,
                                gridspec_kw={"height_ratios": heights})
    for axis, (items, scale, unit) in zip(axes[:, 0], panels, strict=True):
        for row, item in enumerate(items):
            low, high = item.figure.sampling_interval
            axis.plot([max(low, 0.0) * scale, high * scale], [row + 0.12] * 2, color="#444",
                      lw=3)
            axis.plot(item.figure.observed * scale, row + 0.12, "o", color="#222",
                      label="this hospital (sampling interval)" if row == 0 else None)
            axis.plot([max(item.low, 0.0) * scale, item.high * scale], [row - 0.12] * 2,
                      color="#d95f02", lw=3)
            axis.plot(item.mean * scale, row - 0.12, "s", color="#d95f02",
                      label="fitted model (95% interval)" if row == 0 else None)
            if item.figure.reference is not None:
                axis.plot(item.figure.reference * scale, row, "|", color="#1b9e77",
                          markersize=16, mew=2,
                          label="national reference" if row == 0 else None)
        axis.set_yticks(range(len(items)), [item.figure.label for item in items])
        axis.invert_yaxis()
        axis.set_xlabel(unit)
        axis.grid(axis="x", alpha=0.3)
    axes[0, 0].set_title(f"{fit.hospital.name}\nthe hospital's figures and the fitted model",
                         loc="left", fontsize=11)
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles, labels, loc="lower center", ncol=3, fontsize=9, frameon=False)
    figure.tight_layout(rect=(0, 0.06, 1, 1))
    figure.savefig(path, dpi=130)
    plt.close(figure)


def scenario_document(fit: HospitalFit, hospital_path: str) -> dict[str, Any]:
    groups: dict[str, dict[str, Any]] = {}
    for key, value in sorted(fit.changes.items()):
        group, name = key.split(".", 1)
        groups.setdefault(group, {})[name] = (round(value, 6) if isinstance(value, float)
                                              else value)
    evidence = [f"Fit quality: {fit.quality}"]
    for item in fit.validation:
        evidence.append(f"{item.figure.label}: observed {shown(item, item.figure.observed)}, "
                        f"fitted model {shown(item, item.mean)} ({item.figure.unit}); "
                        + ("within" if item.inside else "outside")
                        + " sampling error")
    today = datetime.date.today().isoformat()
    description = (f"{fit.hospital.name}, fitted on {today} to the aggregate figures in "
                   f"{hospital_path}: {fit.quality}. Use it as the baseline of a comparison; "
                   "each intervention is applied as a change to this hospital.")
    return {"name": fit.hospital.name, "description": description, "evidence": evidence,
            **groups}


def report_text(fit: HospitalFit, command: str, hospital_path: str) -> str:
    lines = [f"# {fit.hospital.name}: the fitted model hospital", "",
             f"**Fit quality:** {fit.quality}.", "",
             "Simulated hospitals, not the real one: the model reproduces the figures below "
             "with the coefficients listed; figures the model has no counterpart for are shown "
             "for reference only.", "",
             "## The model hospital", ""]
    hospital = fit.hospital
    if hospital.incident_reports is not None:
        lines.append(f"- Incident reports: {hospital.reports_per_1000_bed_days:.1f} per 1,000 "
                     "bed days, against a national reference of "
                     f"{hospital.reference_reports_per_1000_bed_days:g}; the model is fitted "
                     "to the ratio (its incidents are bedside errors and complications only)")
    for key, value in fit.sizing.items():
        lines.append(f"- `{key}` = {value}")
    lines.append(f"- {len(fit.hospital.wards)} wards in the file; the model's wards are alike "
                 "(the average ward)")
    lines += ["", "## Figures: observed, simulated, national reference", "",
              "| figure | unit | observed (sampling interval) | fitted model (95% interval) "
              "| within sampling error | national reference |", "|---|---|---|---|---|---|"]
    for row in fit_rows(fit):
        lines.append(f"| {row['label']} | {row['unit']} | {row['observed']} "
                     f"({row['sampling_low']} to {row['sampling_high']}) | {row['simulated']} "
                     f"({row['simulated_low']} to {row['simulated_high']}) | "
                     f"{row['within_sampling_error']} | {row['national_reference'] or '–'} |")
    if fit.not_modelled:
        lines += ["", "Composites with no counterpart in the model (shown, not fitted): "
                  + ", ".join(f"{COMPOSITE_BY_KEY[key].label} "
                              f"{fit.hospital.composites[key].percent:g}% (national "
                              f"{COMPOSITE_BY_KEY[key].reference or '–'}%)"
                              for key in fit.not_modelled) + "."]
    lines += ["", "## Coefficients fitted", "",
              "| coefficient | fitted | searched | pinned down by the data | why |",
              "|---|---|---|---|---|"]
    for row in coefficient_rows(fit):
        pinned = "yes" if row["pinned_down"] == "yes" else (
            "**no**: moving it a quarter of its range changes the fit by less than one "
            "sampling error")
        lines.append(f"| `{row['coefficient']}` | {row['fitted']} | {row['search_low']} to "
                     f"{row['search_high']} | {pinned} | {row['why']} |")
    lines += ["", "## How it was fitted", "",
              f"{fit.trials} candidates (Optuna TPE, seed {fit.seed}), each over the same "
              f"{fit.replicates} replicate hospitals; loss = sum of squared misses over the "
              "hospital's sampling variance plus the simulation's. The best candidate was then "
              f"checked on {2 * fit.replicates} replicate seeds the search never used (the "
              "intervals above). *Within sampling error* means the model's mean and the "
              "hospital's figure differ by less than 1.96 joint standard errors: the "
              "hospital's (from its respondents or counts) and the model's (hospitals built "
              "with the same coefficients differ, as real ones with the same culture do).", "",
              f"Hospital file: `{hospital_path}`.", "",
              f"Command: `{command}`", ""]
    return "\n".join(lines)


def write_fit(folder: Path, fit: HospitalFit, command: str, hospital_path: str) -> None:
    write_csv(folder / "fit.csv", fit_rows(fit))
    write_csv(folder / "coefficients.csv", coefficient_rows(fit))
    write_csv(folder / "trials.csv", fit.history)
    draw(fit, folder / "fit.png")
    (folder / "fit_report.md").write_text(report_text(fit, command, hospital_path),
                                          encoding="utf-8")
    (folder / "fit_summary.json").write_text(json.dumps(fit_summary(fit), indent=2),
                                             encoding="utf-8")
    chart = standing_chart(fit_summary(fit))
    chart.savefig(folder / "standing.png", dpi=130)
    scenario = folder / "scenario.yaml"
    header = ("# A fitted hospital: sized and fitted by `run.py fit-hospital` (see "
              "fit_report.md beside it).\n")
    scenario.write_text(header + dump_yaml(scenario_document(fit, hospital_path)),
                        encoding="utf-8")
    load_scenario(scenario)  # what is written must load as a scenario


def scenario_destination(name: str, folder: Path = HOSPITAL_SCENARIOS) -> Path:
    return folder / f"{safe_name(name)}.yaml"


def check_destination(destination: Path, replace: bool) -> None:
    if (destination.exists() or destination.is_symlink()) and not replace:
        raise UsageError(f"{display_path(destination)}: a fitted hospital of this name exists; "
                         "pass --replace to overwrite it, or rename the hospital")


def install_scenario(folder: Path, destination: Path) -> None:
    """Copy the fitted scenario and its fit summary into scenarios/hospitals/, each in one
    step (the summary first, so a scenario is never there without it)."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(summary_path(destination), (folder / "fit_summary.json").read_bytes())
    write_atomically(destination, (folder / "scenario.yaml").read_bytes())
