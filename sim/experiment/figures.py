"""Figures of an experiment, each saved as PNG and SVG.

- one time series per key metric: the mean over replicates with a 95% band per scenario and
  vertical markers where interventions start and end;
- a forest plot per outcome group of paired differences from the reference with 95%
  intervals, in each outcome's unit (sim.experiment.effect_figures);
- the paired difference month by month (time to effect);
- a compact dashboard: effects at a glance and three key series.

Nothing is shaded by the size of a change: colour says whether a change is material and in
which direction. Y-axes of levels span at least `LEAST_SPAN` times the smallest difference
worth acting on, so that a change too small to matter does not fill the panel.
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

from sim.core.metrics import (
    CONTRACT_COLUMNS,
    METRIC_BY_NAME,
    METRICS,
    SCALE,
    SHARE,
    plain_number,
    rolling_value,
)
from sim.experiment.effect_figures import FOREST_GROUPS, forest_plot, time_to_effect_plot
from sim.experiment.hospital_section import STEM as STANDING_STEM
from sim.experiment.hospital_section import fitted_hospital
from sim.experiment.runner import ExperimentResults
from sim.experiment.statistics import in_units, t_critical
from sim.experiment.tables import evaluation_window, scenario_matrix
from sim.experiment.value_report import acceptability_plot
from sim.hospital.standing import standing_chart

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
LEAST_SPAN = 25  # a level's y-axis spans at least 25 minimum meaningful differences
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
        honest_limits(axis, name, cache)
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
    if metric.kind == "count":
        return f"{metric.unit} per day"
    return {SHARE: "% (of 100)", SCALE: "points (of 100)"}.get(metric.unit, metric.unit)


def honest_limits(axis: plt.Axes, name: str, cache: SeriesCache) -> None:
    """Counts from zero; shares and scales over at least LEAST_SPAN minimum meaningful
    differences (within 0-100), so that the axis shows the range that matters."""
    metric = METRIC_BY_NAME[name]
    low, high = axis.get_ylim()
    if metric.kind == "count":
        axis.set_ylim(0, max(high, 1e-9))
        return
    if metric.relative:
        return
    span = LEAST_SPAN * metric.in_unit(metric.minimum_difference)
    if high - low >= span:
        return
    middle = (low + high) / 2
    bottom = max(0.0, middle - span / 2)
    top = bottom + span
    if metric.unit in (SHARE, SCALE) and top > 100:
        top, bottom = 100.0, 100.0 - span
    axis.set_ylim(bottom, top)


def effect_colour(row: pd.Series) -> str:
    """Green or red only for a material change in a directed metric; grey otherwise."""
    return {"better": BETTER, "worse": WORSE}.get(row["verdict"], UNCLEAR)


def effect_cells(comparison: pd.DataFrame, labels: list[str]
                 ) -> tuple[np.ndarray, list[list[str]]]:
    """RGB cells and texts, scenarios x primary outcomes: green or red where the change is
    material (one shade, whatever its size), pale grey where it is not; the text is the
    absolute change in the outcome's unit (counts per year)."""
    table = comparison.set_index(["scenario", "metric"])
    cells = np.full((len(labels), len(PRIMARY_METRICS), 3), 0.93)
    texts = []
    for i, label in enumerate(labels):
        line = []
        for j, name in enumerate(PRIMARY_METRICS):
            row, metric = table.loc[(label, name)], METRIC_BY_NAME[name]
            verdict = row["verdict"]
            if verdict in ("better", "worse"):
                cells[i, j] = (0.78, 0.92, 0.76) if verdict == "better" else (0.98, 0.78, 0.76)
            factor = metric.scale * (365 / cell_window(comparison) if metric.kind == "count"
                                     else 1.0)
            line.append(plain_number(row["diff"] * factor, metric.digits, signed=True))
        texts.append(line)
    return cells, texts


def cell_window(comparison: pd.DataFrame) -> int:
    return int(comparison.attrs.get("window_days", 365))


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
        cells, texts = effect_cells(comparison, others)
        axis.imshow(cells, aspect="auto")
        for i, line in enumerate(texts):
            for j, text in enumerate(line):
                axis.text(j, i, text, ha="center", va="center", fontsize=8)
        axis.set_xticks(range(len(PRIMARY_METRICS)),
                        [dashboard_label(name) for name in PRIMARY_METRICS], rotation=20,
                        ha="right", fontsize=8)
        axis.set_yticks(range(len(others)), others, fontsize=9)
        axis.set_title(f"Change from {results.labels[0]} in units (green: better, red: worse, "
                       "grey: no material change; the shade does not grow with the size)",
                       fontsize=10)
    row = 1 if with_effects else 0
    for column, name in enumerate(DASHBOARD_SERIES):
        axis = figure.add_subplot(grid[row, column])
        draw_series(axis, cache, name, markers=False, legend="best" if column == 0 else "")
        honest_limits(axis, name, cache)
        axis.set_title(f"{METRIC_BY_NAME[name].label} ({series_unit(name)})", fontsize=10)
        axis.set_xlabel("scenario day", fontsize=8)
    figure.suptitle(f"{len(results.labels)} scenarios x {len(results.seeds)} replicates",
                    fontsize=11)
    figure.tight_layout()
    save(figure, folder, "dashboard")
    return Figure("dashboard", "Dashboard", (
        "Top: change of each primary outcome from the reference in its unit (counts per "
        "year; rates and shares in percentage points; scales in points of 100); green for "
        "the better and red for the worse where the change is material (its 95% interval "
        "excludes no change and it exceeds the minimum meaningful difference), grey "
        "otherwise, one shade whatever the size. Bottom: key series (mean and 95% band)."
        if with_effects else "Key series (mean and 95% band)."))


def dashboard_label(name: str) -> str:
    metric = METRIC_BY_NAME[name]
    unit = ("per year" if metric.kind == "count" else
            {SHARE: "pp", SCALE: "points"}.get(metric.unit, "per 100"))
    return f"{metric.label} ({unit})"


def draw_all(results: ExperimentResults, comparison: pd.DataFrame | None,
             folder: Path, decisions: object = None) -> list[Figure]:
    """Every figure of the experiment, dashboard first."""
    with warnings.catch_warnings():
        # A name in a script the font lacks is drawn as boxes; one warning per glyph and
        # figure would bury the summary.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        return draw_every_figure(results, comparison, folder, decisions)


def draw_every_figure(results: ExperimentResults, comparison: pd.DataFrame | None,
                      folder: Path, decisions: object = None) -> list[Figure]:
    cache = SeriesCache(results)
    start, end = evaluation_window(results.scenarios[0].config.run.days, results.window)
    if comparison is not None:
        comparison = comparison.copy()
        comparison.attrs["window_days"] = end - start + 1
    figures = [dashboard_figure(results, comparison, folder, cache)]
    if comparison is not None and len(results.labels) > 1:
        figures.extend(forest_figures(results, comparison, folder, end - start + 1))
    by_month = getattr(decisions, "by_month", None)
    if by_month is not None and len(by_month):
        figures.append(time_to_effect_figure(results, by_month, folder))
    curves = getattr(decisions, "acceptability", None)
    if curves is not None and len(curves):
        figures.append(acceptability_figure(curves, decisions, folder))
    figures.extend(time_series_figures(results, folder, cache))
    standing = standing_figure(results, folder)  # a fitted hospital's survey standing
    return [standing, *figures] if standing is not None else figures


def standing_figure(results: ExperimentResults, folder: Path) -> Figure | None:
    """For a fitted hospital as the reference: its survey composites against the national
    reference values."""
    summary = fitted_hospital(results)
    if summary is None:
        return None
    save(standing_chart(summary), folder, STANDING_STEM)
    return Figure(STANDING_STEM, "Where the hospital stands",
                  f"{summary['hospital']}'s staff survey composites (percent positive, with a "
                  "95% sampling interval from its respondent counts) against the national "
                  "reference values; composites marked * have no counterpart in the model.")


def acceptability_figure(curves: pd.DataFrame, decisions: object, folder: Path) -> Figure:
    costs = decisions.costs  # type: ignore[attr-defined]
    unit = "QALY" if costs.per_qaly else "event averted"
    save(acceptability_plot(curves, costs.currency, unit, costs.willingness_to_pay.value),
         folder, "acceptability")
    return Figure("acceptability", "Cost-effectiveness acceptability curve", (
        "Probability that each option's net monetary benefit is positive, against what the "
        "board is willing to pay per unit of effect: solid from resampling the paired "
        "replicates, dashed over the plausible worlds of the sampled assumptions where run; "
        "the dotted line is the willingness to pay in the costs file."))


def forest_figures(results: ExperimentResults, comparison: pd.DataFrame, folder: Path,
                   window_days: int) -> list[Figure]:
    """One forest plot per outcome group, each in its outcomes' own units."""
    units = in_units(comparison)
    figures = []
    for group, (title, _) in FOREST_GROUPS.items():
        save(forest_plot(units, list(results.labels), window_days, group), folder,
             f"forest-{group}")
        figures.append(Figure(f"forest-{group}", f"Effects on {title.lower()}", (
            "Mean paired change from the reference over the evaluation window with its 95% "
            "interval, in the outcome's own unit (counts per year for this hospital). The "
            "grey band holds changes smaller than the minimum meaningful difference; a "
            "point is green or red only when the change is material.")))
    return figures


def time_to_effect_figure(results: ExperimentResults, by_month: pd.DataFrame,
                          folder: Path) -> Figure:
    markers = [mark for scenario in results.scenarios[1:] for mark in scenario.markers()]
    save(time_to_effect_plot(by_month, list(results.labels), markers[:1]), folder,
         "time-to-effect")
    return Figure("time-to-effect", "Time to effect", (
        "Paired change from the reference month by month (months of 30 days after burn-in), "
        "mean over paired hospitals with its 95% band, per option; counts per month. The "
        "grey band holds changes too small to act on; the dotted line is the first "
        "intervention start."))
