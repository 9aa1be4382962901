"""Effects drawn in their own units: a forest plot per outcome group, and time to effect.

Both draw from the tables as written (comparison.csv and effect_by_month.csv, values in
units), so that the report and the Python API (`sim.api.forest_plot`,
`sim.api.time_to_effect_plot`) show the same pictures. Every panel has its own axis in its
metric's unit, with tick labels, and a grey band for changes smaller than the smallest
difference worth acting on; colour says only whether a change is material and which way.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.core.metrics import METRIC_BY_NAME, material_threshold
from sim.experiment.board_table import YEAR_DAYS

BETTER, WORSE, UNCLEAR = "#1a9850", "#d73027", "#7f7f7f"
OPTION_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
                  "#8c564b", "#e377c2", "#bcbd22")
# Outcome groups, one forest plot each, primary outcomes first in every group.
FOREST_GROUPS = {
    "harm": ("Harm", ("preventable_adverse_events", "adverse_events", "incidents",
                      "open_hazards")),
    "reporting": ("Reporting", ("reporting_rate", "harm_capture")),
    "work": ("Work on the ward", ("workaround_rate", "workarounds", "true_compliance",
                                  "admin_time_share")),
    "culture": ("Culture and staff", ("psychological_safety", "trust_in_management",
                                      "burnout_prevalence")),
}
PAGE_WIDTH_INCHES = 7.2  # an A4 page's text width at 12 mm margins
LONGEST_NAME = 32  # option names are shortened beyond this, so the panels keep their width


def short_name(label: str) -> str:
    return label if len(label) <= LONGEST_NAME else label[:LONGEST_NAME - 1] + "…"


def tone(verdict: str) -> str:
    return {"better": BETTER, "worse": WORSE}.get(verdict, UNCLEAR)


def per_year(name: str, window_days: int) -> float:
    return YEAR_DAYS / window_days if METRIC_BY_NAME[name].kind == "count" else 1.0


def axis_unit(name: str) -> str:
    metric = METRIC_BY_NAME[name]
    if metric.kind == "count":
        return f"change in {metric.unit} per year"
    return f"change, {metric.change_unit}"


def forest_plot(comparison: pd.DataFrame, labels: list[str], window_days: int,
                group: str) -> plt.Figure:
    """One panel per outcome of `group`: each option's paired change from the reference (the
    first label) with its 95% interval, in the outcome's unit (counts per year).
    `comparison` is comparison.csv as written (values in units)."""
    if group not in FOREST_GROUPS:
        raise ValueError(f"group: expected one of {', '.join(FOREST_GROUPS)}, got {group!r}")
    title, names = FOREST_GROUPS[group]
    names = tuple(name for name in names if name in set(comparison["metric"]))
    options = labels[1:]
    height = 0.6 + len(names) * (0.75 + 0.26 * len(options))
    figure, axes = plt.subplots(len(names), 1, figsize=(PAGE_WIDTH_INCHES, height),
                                squeeze=False)
    table = comparison.set_index(["scenario", "metric"])
    for axis, name in zip(axes[:, 0], names, strict=True):
        metric, factor = METRIC_BY_NAME[name], per_year(name, window_days)
        reference = table.loc[(labels[0], name), "mean"] / metric.scale
        threshold = metric.in_unit(material_threshold(metric, reference)) * factor
        if np.isfinite(threshold):
            axis.axvspan(-threshold, threshold, color="0.92", zorder=0)
        for position, label in enumerate(options):
            row = table.loc[(label, name)]
            mean = row["diff"] * factor
            low, high = row["diff_ci_low"] * factor, row["diff_ci_high"] * factor
            error = [[max(mean - low, 0)], [max(high - mean, 0)]] if np.isfinite(low) else None
            axis.errorbar(mean, position, xerr=error, fmt="o", color=tone(row["verdict"]),
                          markersize=5, capsize=3)
        axis.axvline(0, color="0.35", linewidth=0.8)
        axis.set_yticks(range(len(options)), [short_name(o) for o in options], fontsize=8)
        axis.set_ylim(len(options) - 0.4, -0.6)
        arrow = {"higher": "higher is better", "lower": "lower is better"}.get(metric.better, "")
        axis.set_title(f"{metric.label} ({arrow})", fontsize=9, loc="left")
        axis.set_xlabel(axis_unit(name), fontsize=8)
        axis.tick_params(axis="x", labelsize=8)
        axis.grid(axis="x", alpha=0.3)
    figure.suptitle(f"{title}: change from {labels[0]} (95% interval)\ngreen better, red "
                    "worse, grey no material change; grey band: too small to act on",
                    fontsize=9)
    figure.tight_layout()
    return figure


def time_to_effect_plot(by_month: pd.DataFrame, labels: list[str],
                        markers: list[tuple[int, str]] | None = None) -> plt.Figure:
    """The paired monthly change of each primary outcome per option: mean with its 95% band,
    zero, and a grey band for changes too small to act on. `by_month` is
    effect_by_month.csv as written (values in units)."""
    names = list(dict.fromkeys(by_month["metric"]))
    columns = 2
    rows = max(1, -(-len(names) // columns))
    figure, axes = plt.subplots(rows, columns, figsize=(PAGE_WIDTH_INCHES, 1.9 * rows + 0.6),
                                squeeze=False, sharex=True)
    for axis, name in zip(axes.flat, names, strict=False):
        metric = METRIC_BY_NAME[name]
        rows_of = by_month[by_month["metric"] == name]
        threshold = float(np.nanmedian(rows_of["threshold"])) if len(rows_of) else np.nan
        if np.isfinite(threshold):
            axis.axhspan(-threshold, threshold, color="0.92", zorder=0)
        for index, label in enumerate(labels[1:]):
            data = rows_of[rows_of["scenario"] == label]
            colour = OPTION_COLOURS[index % len(OPTION_COLOURS)]
            axis.plot(data["month"], data["diff"], color=colour, linewidth=1.4,
                      label=short_name(label))
            axis.fill_between(data["month"], data["diff_ci_low"], data["diff_ci_high"],
                              color=colour, alpha=0.2, linewidth=0)
        for day, _ in markers or []:
            axis.axvline(day / 30 + 0.5, color="0.5", linestyle=":", linewidth=0.8)
        axis.axhline(0, color="0.35", linewidth=0.8)
        unit = rows_of["unit"].iloc[0] if len(rows_of) else ""
        axis.set_title(f"{metric.label}", fontsize=9, loc="left")
        axis.set_ylabel(unit.replace("points on a 0-100 scale", "points of 100"), fontsize=7)
        axis.tick_params(labelsize=7)
        axis.grid(alpha=0.3)
    for axis in list(axes.flat)[len(names):]:
        axis.axis("off")
    for axis in axes[-1]:
        axis.set_xlabel("month after burn-in", fontsize=8)
    handles, texts = axes.flat[0].get_legend_handles_labels()
    figure.legend(handles, texts, loc="lower right", fontsize=8, frameon=False,
                  bbox_to_anchor=(0.98, 0.02) if len(names) % columns else (0.98, 0.95))
    figure.suptitle(f"Change from {labels[0]} month by month (mean and 95% band over paired "
                    "hospitals)\ngrey band: too small to act on", fontsize=9)
    figure.tight_layout()
    return figure
