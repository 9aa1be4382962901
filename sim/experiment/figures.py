"""Figures of an experiment, each saved as PNG and SVG.

- one time series per key metric: the mean over replicates with a 95% band per scenario and
  vertical markers where interventions start and end;
- a forest plot of paired differences from the reference with 95% intervals;
- a compact dashboard: effects at a glance and three key series.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.experiment.runner import ExperimentResults
from sim.experiment.statistics import t_critical
from sim.experiment.tables import evaluation_window, scenario_matrix
from sim.metrics import CONTRACT_COLUMNS, METRIC_BY_NAME, METRICS, format_relative, rolling_value

# Series a policy team reads first (each becomes its own time-series figure).
KEY_METRICS = ("reporting_rate", "harm_capture", "adverse_events", "workaround_rate",
               "psychological_safety", "trust_in_management", "burnout_prevalence",
               "admin_time_share")
# Contract metrics where one direction is better, for the forest plot and the effects table:
# primary outcomes first, then rates and levels before counts (a count moves with volume).
EFFECT_METRICS = tuple(sorted(
    (name for name in CONTRACT_COLUMNS if METRIC_BY_NAME[name].better),
    key=lambda name: (not METRIC_BY_NAME[name].primary, METRIC_BY_NAME[name].kind == "count")))
PRIMARY_METRICS = tuple(metric.name for metric in METRICS if metric.primary)
DASHBOARD_SERIES = ("reporting_rate", "adverse_events", "psychological_safety")
SMOOTHING_DAYS = 14
COLOURS = ("#3b3b3b", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
           "#8c564b", "#e377c2", "#bcbd22")
BETTER, WORSE, UNCLEAR = "#1a9850", "#d73027", "#7f7f7f"

plt.rcParams["svg.hashsalt"] = "hospital-safety-culture"  # stable SVG ids between runs
plt.rcParams["svg.fonttype"] = "none"  # text as text: smaller files, searchable labels
# Scenario and intervention names are drawn as written: `budget $5m vs $10m` is money, not a
# formula, and a stray `$\frac{1}$` must not stop the figures (matplotlib would parse it).
plt.rcParams["text.parse_math"] = False


@dataclass(frozen=True)
class Figure:
    """A saved figure: file stem (PNG and SVG beside each other), title and caption."""

    stem: str
    title: str
    caption: str


def colour(index: int) -> str:
    return COLOURS[index % len(COLOURS)]


def save(figure: plt.Figure, folder: Path, stem: str) -> None:
    figure.savefig(folder / f"{stem}.png", dpi=110)
    figure.savefig(folder / f"{stem}.svg", metadata={"Date": None})
    plt.close(figure)


def needed_columns(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(column for name in names
                               for column in METRIC_BY_NAME[name].needed_columns))


def band(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Mean over replicates (rows) with a t-based 95% interval, day by day."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # days with no finite value: NaN
        mean = np.nanmean(values, axis=0)
        count = np.isfinite(values).sum(axis=0)
        spread = np.nanstd(values, axis=0, ddof=1) if len(values) > 1 else np.full_like(mean,
                                                                                         np.nan)
    half = np.array([t_critical(int(n) - 1) for n in count]) * spread / np.sqrt(
        np.maximum(count, 1))
    return mean, mean - half, mean + half


class SeriesCache:
    """Smoothed replicate series per scenario and metric, computed once for all figures."""

    def __init__(self, results: ExperimentResults) -> None:
        self.results = results
        columns = needed_columns(KEY_METRICS)
        self.data = [scenario_matrix(results, index, columns)
                     for index in range(len(results.scenarios))]
        self.cache: dict[tuple[int, str], tuple[np.ndarray, tuple]] = {}

    def get(self, scenario: int, name: str) -> tuple[np.ndarray, tuple]:
        key = (scenario, name)
        if key not in self.cache:
            days, columns = self.data[scenario]
            metric = METRIC_BY_NAME[name]
            # In display units (percent, points out of 100), as every label says.
            values = rolling_value(metric, columns, SMOOTHING_DAYS) * metric.scale
            self.cache[key] = (days, band(values) if len(values) else ((), (), ()))
        return self.cache[key]


def draw_series(axis: plt.Axes, cache: SeriesCache, name: str, *, markers: bool,
                legend: str = "") -> None:
    results = cache.results
    for index, label in enumerate(results.labels):
        days, (mean, low, high) = cache.get(index, name)
        if len(days) == 0:
            continue
        axis.plot(days, mean, color=colour(index), linewidth=1.4, label=label)
        axis.fill_between(days, low, high, color=colour(index), alpha=0.18, linewidth=0)
    if markers:
        draw_markers(axis, results)
    first_day = min((cache.get(i, name)[0][0] for i in range(len(results.labels))
                     if len(cache.get(i, name)[0])), default=1)
    if first_day <= 0:
        axis.axvspan(first_day, 0, color="0.92", zorder=0)
    start, end = evaluation_window(results.scenarios[0].config.run.days, results.window)
    axis.axvspan(start, end, color="#fff3c4", alpha=0.5, zorder=0)
    axis.grid(alpha=0.3)
    if legend == "outside":
        axis.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    elif legend:
        axis.legend(fontsize=8, loc=legend)


def marker_groups(results: ExperimentResults) -> dict[int, list[tuple[int, str]]]:
    """Intervention markers by scenario day: (scenario index, label) for each."""
    groups: dict[int, list[tuple[int, str]]] = {}
    for index, scenario in enumerate(results.scenarios):
        for day, text in scenario.markers():
            groups.setdefault(day, []).append((index, text))
    return dict(sorted(groups.items()))


def draw_markers(axis: plt.Axes, results: ExperimentResults) -> None:
    """A dashed line per intervention start or end, labelled once per day."""
    for day, items in marker_groups(results).items():
        for index, _ in items:
            axis.axvline(day, color=colour(index), linestyle="--", linewidth=0.9, alpha=0.7)
        text = items[0][1] if len(items) == 1 else f"{len(items)} interventions"
        text = text if len(text) <= 28 else text[:27] + "…"
        axis.annotate(text, (day, 1.0), xycoords=("data", "axes fraction"), rotation=90,
                      fontsize=7, color=colour(items[0][0]) if len(items) == 1 else "0.3",
                      va="top", ha="right", xytext=(-2, -2), textcoords="offset points")


def markers_caption(results: ExperimentResults) -> str:
    parts = [f"day {day}: " + "; ".join(f"{results.labels[index]}: {text}"
                                        for index, text in items)
             for day, items in marker_groups(results).items()]
    return (" Interventions (dashed lines): " + " | ".join(parts) + ".") if parts else ""


def time_series_figures(results: ExperimentResults, folder: Path,
                        cache: SeriesCache) -> list[Figure]:
    figures = []
    replicates = len(results.seeds)
    for name in KEY_METRICS:
        metric = METRIC_BY_NAME[name]
        figure, axis = plt.subplots(figsize=(11, 4.2))
        draw_series(axis, cache, name, markers=True, legend="outside")
        axis.set_title(f"{metric.label}: {metric.meaning}", fontsize=11)
        axis.set_xlabel("scenario day (grey: burn-in; yellow: evaluation window)")
        axis.set_ylabel(series_unit(metric.name))
        figure.tight_layout()
        stem = f"timeseries-{name}"
        save(figure, folder, stem)
        figures.append(Figure(stem, f"{metric.label} over time", (
            f"{metric.meaning.capitalize()}: {SMOOTHING_DAYS}-day rolling value, mean over "
            f"{replicates} replicates with its 95% interval."
            + markers_caption(results))))
    return figures


def series_unit(name: str) -> str:
    metric = METRIC_BY_NAME[name]
    return f"{metric.unit} per day" if metric.kind == "count" else metric.unit


def effect_colour(row: pd.Series) -> str:
    """Green or red only for a material change in a directed metric; grey otherwise."""
    return {"better": BETTER, "worse": WORSE}.get(row["verdict"], UNCLEAR)


def relative_interval(comparison: pd.DataFrame, reference: str, label: str,
                      name: str) -> tuple[float, float, float]:
    """Mean paired change and its 95% interval as percentages of the reference mean."""
    base = comparison[(comparison["scenario"] == reference)
                      & (comparison["metric"] == name)]["mean"].iloc[0]
    row = comparison[(comparison["scenario"] == label) & (comparison["metric"] == name)].iloc[0]
    if not (np.isfinite(base) and base):
        return np.nan, np.nan, np.nan
    return tuple(100 * row[column] / abs(base)
                 for column in ("diff", "diff_ci_low", "diff_ci_high"))


def forest_figure(results: ExperimentResults, comparison: pd.DataFrame,
                  folder: Path) -> Figure:
    """One shared axis in percent of the reference, so that a 0.05% change looks as small as
    it is next to a 16% fall in harm."""
    others = results.labels[1:]
    step = len(others) + 1
    figure, axis = plt.subplots(figsize=(10, 1.2 + 0.28 * step * len(EFFECT_METRICS)))
    tick_positions, tick_labels = [], []
    for number, name in enumerate(EFFECT_METRICS):
        metric = METRIC_BY_NAME[name]
        table = comparison[comparison["metric"] == name].set_index("scenario")
        for offset, label in enumerate(others):
            mean, low, high = relative_interval(comparison, results.labels[0], label, name)
            position = number * step + offset
            axis.errorbar(mean, position, xerr=[[mean - low], [high - mean]], fmt="o",
                          color=effect_colour(table.loc[label]), markersize=4, capsize=2)
            if len(others) > 1:
                axis.annotate(label, (1.0, position), xycoords=("axes fraction", "data"),
                              fontsize=7, va="center", xytext=(4, 0),
                              textcoords="offset points", color="0.35")
        tick_positions.append(number * step + (len(others) - 1) / 2)
        arrow = "↑" if metric.better == "higher" else "↓"
        tick_labels.append(f"{metric.label} ({arrow} better)")
    axis.set_yticks(tick_positions, tick_labels, fontsize=8)
    axis.set_ylim(-0.8, len(EFFECT_METRICS) * step - 1.2)
    axis.invert_yaxis()
    axis.axvline(0, color="0.4", linewidth=0.8)
    axis.set_xlabel(f"change from {results.labels[0]}, % of its mean (95% interval)")
    axis.grid(axis="x", alpha=0.3)
    axis.set_title("Green: better, red: worse, grey: no material change", fontsize=10)
    figure.tight_layout()
    save(figure, folder, "forest")
    return Figure("forest", "Effects: change from the reference in percent", (
        "Each point is the mean paired change (scenario minus reference) over replicates, as a "
        "percentage of the reference mean, summarised over the evaluation window; bars are "
        "95% intervals. All metrics share one axis, primary outcomes first. A change is "
        "coloured only when its interval excludes no change and it exceeds the metric's "
        "minimum meaningful difference."))


def relative_changes(comparison: pd.DataFrame, labels: list[str]) -> np.ndarray:
    """Relative change from the reference, scenarios x primary outcomes."""
    table = comparison.set_index(["scenario", "metric"])["rel_change"]
    return np.array([[table.loc[(label, name)] for name in PRIMARY_METRICS] for label in labels],
                    dtype=float).reshape(len(labels), len(PRIMARY_METRICS))


def effect_colours(comparison: pd.DataFrame, labels: list[str]) -> np.ndarray:
    """RGB cells: green or red, deeper with the size of the change, where the change is
    material; pale grey where it is not."""
    table = comparison.set_index(["scenario", "metric"])
    cells = np.empty((len(labels), len(PRIMARY_METRICS), 3))
    scale = plt.get_cmap("RdYlGn")
    for i, label in enumerate(labels):
        for j, name in enumerate(PRIMARY_METRICS):
            row = table.loc[(label, name)]
            tone = effect_colour(row)
            if tone == UNCLEAR or not np.isfinite(row["rel_change"]):
                cells[i, j] = (0.93, 0.93, 0.93)
                continue
            strength = min(abs(row["rel_change"]), 0.5) / 0.5
            cells[i, j] = scale(0.5 + (0.15 + 0.35 * strength) * (1 if tone == BETTER else -1))[:3]
    return cells


def dashboard_figure(results: ExperimentResults, comparison: pd.DataFrame | None,
                     folder: Path, cache: SeriesCache) -> Figure:
    others = results.labels[1:]
    with_effects = comparison is not None and bool(others)
    effects_height = 1.6 + 0.42 * len(others)
    figure = plt.figure(figsize=(13, 3.6 + (effects_height if with_effects else 0)))
    grid = figure.add_gridspec(2 if with_effects else 1, len(DASHBOARD_SERIES),
                               height_ratios=[effects_height, 3.2] if with_effects else None)
    if with_effects:
        axis = figure.add_subplot(grid[0, :])
        relative = relative_changes(comparison, others)
        axis.imshow(effect_colours(comparison, others), aspect="auto")
        for (i, j), value in np.ndenumerate(relative):
            text = format_relative(value)
            axis.text(j, i, text, ha="center", va="center", fontsize=7)
        axis.set_xticks(range(len(PRIMARY_METRICS)),
                        [METRIC_BY_NAME[name].label for name in PRIMARY_METRICS], rotation=25,
                        ha="right", fontsize=8)
        axis.set_yticks(range(len(others)), others, fontsize=9)
        axis.set_title(f"Relative change from {results.labels[0]} (green: better, red: worse, "
                       "grey: no material change)", fontsize=10)
    row = 1 if with_effects else 0
    for column, name in enumerate(DASHBOARD_SERIES):
        axis = figure.add_subplot(grid[row, column])
        draw_series(axis, cache, name, markers=False, legend="best" if column == 0 else "")
        axis.set_title(f"{METRIC_BY_NAME[name].label} ({series_unit(name)})", fontsize=10)
        axis.set_xlabel("scenario day", fontsize=8)
    figure.suptitle(f"{len(results.labels)} scenarios x {len(results.seeds)} replicates",
                    fontsize=11)
    figure.tight_layout()
    save(figure, folder, "dashboard")
    return Figure("dashboard", "Dashboard", (
        "Top: relative change of each primary outcome over the evaluation window; green for "
        "the better and red for the worse where the change is material (its 95% interval "
        "excludes no change and it exceeds the minimum meaningful difference), grey "
        "otherwise. Bottom: key series (mean and 95% band)."
        if with_effects else "Key series (mean and 95% band)."))


def draw_all(results: ExperimentResults, comparison: pd.DataFrame | None,
             folder: Path) -> list[Figure]:
    """Every figure of the experiment, dashboard first."""
    with warnings.catch_warnings():
        # A name in a script the font lacks is drawn as boxes; one warning per glyph and
        # figure would bury the summary.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        return draw_every_figure(results, comparison, folder)


def draw_every_figure(results: ExperimentResults, comparison: pd.DataFrame | None,
                      folder: Path) -> list[Figure]:
    cache = SeriesCache(results)
    figures = [dashboard_figure(results, comparison, folder, cache)]
    if comparison is not None and len(results.labels) > 1:
        figures.append(forest_figure(results, comparison, folder))
    figures.extend(time_series_figures(results, folder, cache))
    return figures
