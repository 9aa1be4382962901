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
from matplotlib.ticker import MaxNLocator

from sim.experiment.runner import ExperimentResults
from sim.experiment.statistics import t_critical
from sim.experiment.tables import evaluation_window, scenario_matrix
from sim.metrics import CONTRACT_COLUMNS, METRIC_BY_NAME, Metric

# Series a policy team reads first (each becomes its own time-series figure).
KEY_METRICS = ("reporting_rate", "harm_capture", "adverse_events", "workaround_rate",
               "psychological_safety", "trust_in_management", "burnout_prevalence",
               "admin_time_share")
# Contract metrics where one direction is better: the forest plot and the effects table.
EFFECT_METRICS = tuple(name for name in CONTRACT_COLUMNS if METRIC_BY_NAME[name].better)
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


def rolling_sum(matrix: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Trailing sums and counts of finite values over `window` days, row by row."""
    finite = np.isfinite(matrix)
    sums = np.cumsum(np.where(finite, matrix, 0.0), axis=1)
    counts = np.cumsum(finite, axis=1)
    sums[:, window:] = sums[:, window:] - sums[:, :-window]
    counts[:, window:] = counts[:, window:] - counts[:, :-window]
    return sums, counts


def smoothed(metric: Metric, columns: dict[str, np.ndarray], window: int) -> np.ndarray:
    """Rolling value per replicate: ratios as ratios of rolling sums, others rolling means."""
    with np.errstate(invalid="ignore", divide="ignore"):
        if metric.kind == "ratio":
            top, _ = rolling_sum(columns[metric.numerator], window)
            bottom, _ = rolling_sum(columns[metric.denominator], window)
            value = np.where(bottom > 0, top / bottom, np.nan)
            return 1.0 - value if metric.complement else value
        sums, counts = rolling_sum(columns[metric.name], window)
        return np.where(counts > 0, sums / counts, np.nan)


def needed_columns(names: tuple[str, ...]) -> tuple[str, ...]:
    columns: list[str] = []
    for name in names:
        metric = METRIC_BY_NAME[name]
        for column in ((metric.numerator, metric.denominator) if metric.kind == "ratio"
                       else (name,)):
            if column not in columns:
                columns.append(column)
    return tuple(columns)


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
            values = smoothed(METRIC_BY_NAME[name], columns, SMOOTHING_DAYS)
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
        axis.set_title(f"{name}: {metric.meaning}", fontsize=11)
        axis.set_xlabel("scenario day (grey: burn-in; yellow: evaluation window)")
        axis.set_ylabel(name)
        figure.tight_layout()
        stem = f"timeseries-{name}"
        save(figure, folder, stem)
        figures.append(Figure(stem, f"{name} over time", (
            f"{metric.meaning.capitalize()}: {SMOOTHING_DAYS}-day rolling value, mean over "
            f"{replicates} replicates with its 95% interval."
            + markers_caption(results))))
    return figures


def effect_colour(row: pd.Series, better: str) -> str:
    if not better or not np.isfinite(row["diff_ci_low"]):
        return UNCLEAR
    if row["diff_ci_low"] > 0 or row["diff_ci_high"] < 0:
        improved = (row["diff"] > 0) == (better == "higher")
        return BETTER if improved else WORSE
    return UNCLEAR


def forest_figure(results: ExperimentResults, comparison: pd.DataFrame,
                  folder: Path) -> Figure:
    others = results.labels[1:]
    columns = 4
    rows = -(-len(EFFECT_METRICS) // columns)
    figure, axes = plt.subplots(rows, columns, figsize=(13, 1.0 + rows * (0.6 + 0.3 * len(
        others))), squeeze=False)
    for number, (axis, name) in enumerate(zip(axes.flat, EFFECT_METRICS, strict=False)):
        table = comparison[comparison["metric"] == name].set_index("scenario")
        better = METRIC_BY_NAME[name].better
        for position, label in enumerate(others):
            row = table.loc[label]
            axis.errorbar(row["diff"], position,
                          xerr=[[row["diff"] - row["diff_ci_low"]],
                                [row["diff_ci_high"] - row["diff"]]],
                          fmt="o", color=effect_colour(row, better), markersize=4, capsize=2)
        axis.axvline(0, color="0.4", linewidth=0.8)
        # Scenario names once per row of panels: the rows line up.
        axis.set_yticks(range(len(others)), others if number % columns == 0 else [],
                        fontsize=8)
        axis.set_ylim(-0.7, len(others) - 0.3)
        axis.invert_yaxis()
        axis.set_title(f"{name} ({'↑' if better == 'higher' else '↓'} better)", fontsize=9)
        axis.tick_params(axis="x", labelsize=7)
        axis.xaxis.set_major_locator(MaxNLocator(5))
        axis.grid(axis="x", alpha=0.3)
    for axis in list(axes.flat)[len(EFFECT_METRICS):]:
        axis.set_visible(False)
    figure.suptitle(f"Paired differences from {results.labels[0]} (95% intervals); green: "
                    "better, red: worse, grey: unclear", fontsize=11)
    figure.tight_layout()
    save(figure, folder, "forest")
    return Figure("forest", "Effects: paired differences from the reference", (
        "Each point is the mean paired difference (scenario minus reference) over replicates, "
        "summarised over the evaluation window; bars are 95% intervals."))


def percent_text(value: float) -> str:
    """+12% or, for small changes, +0.4%; n/a when undefined."""
    if not np.isfinite(value):
        return "n/a"
    return f"{value:+.1%}" if abs(value) < 0.095 else f"{value:+.0%}"


def relative_changes(comparison: pd.DataFrame, labels: list[str]) -> np.ndarray:
    """Relative change from the reference, scenarios x effect metrics."""
    table = comparison.set_index(["scenario", "metric"])["rel_change"]
    return np.array([[table.loc[(label, name)] for name in EFFECT_METRICS] for label in labels],
                    dtype=float).reshape(len(labels), len(EFFECT_METRICS))


def effect_colours(comparison: pd.DataFrame, labels: list[str]) -> np.ndarray:
    """RGB cells: green or red, deeper with the size of the change, where the 95% interval
    excludes no change; pale grey where it does not."""
    table = comparison.set_index(["scenario", "metric"])
    cells = np.empty((len(labels), len(EFFECT_METRICS), 3))
    scale = plt.get_cmap("RdYlGn")
    for i, label in enumerate(labels):
        for j, name in enumerate(EFFECT_METRICS):
            row = table.loc[(label, name)]
            tone = effect_colour(row, METRIC_BY_NAME[name].better)
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
            text = percent_text(value)
            axis.text(j, i, text, ha="center", va="center", fontsize=7)
        axis.set_xticks(range(len(EFFECT_METRICS)), EFFECT_METRICS, rotation=35, ha="right",
                        fontsize=8)
        axis.set_yticks(range(len(others)), others, fontsize=9)
        axis.set_title(f"Relative change from {results.labels[0]} (green: better, red: worse, "
                       "grey: interval includes no change)", fontsize=10)
    row = 1 if with_effects else 0
    for column, name in enumerate(DASHBOARD_SERIES):
        axis = figure.add_subplot(grid[row, column])
        draw_series(axis, cache, name, markers=False, legend="best" if column == 0 else "")
        axis.set_title(name, fontsize=10)
        axis.set_xlabel("scenario day", fontsize=8)
    figure.suptitle(f"{len(results.labels)} scenarios x {len(results.seeds)} replicates",
                    fontsize=11)
    figure.tight_layout()
    save(figure, folder, "dashboard")
    return Figure("dashboard", "Dashboard", (
        "Top: relative change of each metric over the evaluation window; green for the better "
        "and red for the worse where the 95% interval of the paired difference excludes no "
        "change, grey otherwise. Bottom: key series (mean and 95% band)."
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
