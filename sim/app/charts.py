"""Live charts of the key series, with intervention markers, for one hospital or two side by side.

Series are smoothed the way the metrics contract defines periods (sim.core.metrics): ratios as a
ratio of rolling sums (never a mean of daily ratios), counts as a rolling daily mean, states as
they are. The page draws them as SVG (a few milliseconds per redraw, so Play stays smooth); the
exported animation draws the same series with matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from sim.app.side_by_side import chance_half_width
from sim.core.metrics import METRIC_BY_NAME, rolling_value, trailing_sums

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.app.classroom import ClassroomHospital
    from sim.core.model import HospitalModel


@dataclass(frozen=True)
class Chart:
    """One panel: a short title, what the numbers mean, and the metrics drawn in it."""

    title: str
    unit: str
    metrics: tuple[tuple[str, str], ...]  # (metric column, label)


# Every line is the metric over the 30 days up to each day (the side-by-side table's period),
# in the unit the metrics contract reads it in (sim.core.metrics: percent, per 100, 0-100).
WINDOW_DAYS = 30
CHARTS: tuple[Chart, ...] = (
    Chart("Reporting", "staff reports per 100 incidents", (("reporting_rate", "reporting"),)),
    Chart("Workarounds", "per 100 rule obstacles met", (("workaround_rate", "workarounds"),)),
    Chart("Harm", "adverse events a day", (("adverse_events", "adverse events"),)),
    Chart("Burnout", "% of clinicians burned out", (("burnout_prevalence", "burnout"),)),
    Chart("Safety", "psychological safety, 0-100", (("psychological_safety", "safety"),)),
    Chart("Trust", "in management, 0-100", (("trust_in_management", "trust"),)),
    Chart("Compliance", "% measured vs true", (
        ("measured_compliance", "measured"), ("true_compliance", "true"))),
)
# The four that tell the title's story fill one row on a projector's first screen.
KEY_CHARTS, OTHER_CHARTS = CHARTS[:4], CHARTS[4:]
METRIC_COLOURS = ("#1565c0", "#c62828")  # first and second metric of a two-metric panel
HOSPITAL_COLOURS = ("#1565c0", "#ef6c00")  # your hospital, the comparison
BAND_COLOUR = "#ffcc80"
COMPARISON_DASH = "7,4"


@dataclass(frozen=True)
class Series:
    """One smoothed metric of one hospital, by scenario day, in the unit it is read in."""

    days: np.ndarray
    values: np.ndarray

    @property
    def latest(self) -> float:
        finite = self.values[np.isfinite(self.values)]
        return float(finite[-1]) if finite.size else math.nan


@dataclass(frozen=True)
class HospitalTrace:
    """What the charts need from one hospital: a label, its smoothed series and run length;
    `band`: for the comparison, the half-width of chance's interval around each series."""

    label: str
    series: dict[str, Series]
    first_day: int
    last_day: int
    band: dict[str, np.ndarray] = field(default_factory=dict)


def rolling_sum(values: np.ndarray, window: int) -> np.ndarray:
    """Sum over the last `window` days (fewer at the start)."""
    return trailing_sums(values, window)[0]


def smoothed(columns: dict[str, list[float]], name: str, window: int = WINDOW_DAYS
             ) -> np.ndarray:
    """A metric over a rolling window, as sim.core.metrics forms it (ratios as ratios of rolling
    sums, counts and states as rolling means), in the unit it is read in."""
    metric = METRIC_BY_NAME[name]
    values = rolling_value(metric, {column: np.asarray(columns[column], dtype=float)
                                    for column in metric.needed_columns}, window)
    return values * metric.scale


def scenario_days(model: HospitalModel) -> np.ndarray:
    # One row is collected per day from model time 1, so row i is scenario day i + 1 - burn_in.
    count = len(model.datacollector.model_vars["incidents"])
    return np.arange(1, count + 1) - model.config.run.burn_in


def hospital_trace(model: HospitalModel, label: str, band: dict[str, np.ndarray] | None = None,
                   charts: Sequence[Chart] = CHARTS) -> HospitalTrace:
    """The smoothed series of the charts (all by default) for one hospital, by scenario day."""
    columns = model.datacollector.model_vars
    days = scenario_days(model)
    series = {name: Series(days, smoothed(columns, name))
              for chart in charts for name, _ in chart.metrics} if days.size else {}
    return HospitalTrace(label, series, 1 - model.config.run.burn_in, model.config.run.days,
                         band or {})


def chance_bands(pairs: Sequence[tuple[HospitalModel, HospitalModel]],
                 charts: Sequence[Chart] = CHARTS) -> dict[str, np.ndarray]:
    """Per metric and day, the half-width of the 95% interval of the mean paired gap over the
    pairs (sim/app/side_by_side.py); empty with fewer than two pairs."""

    if len(pairs) < 2:
        return {}
    bands = {}
    for chart in charts:
        for name, _ in chart.metrics:
            gaps = [smoothed(left.datacollector.model_vars, name)
                    - smoothed(right.datacollector.model_vars, name) for left, right in pairs]
            bands[name] = chance_half_width(np.vstack(gaps))
    return bands


# --- scales ------------------------------------------------------------------------------------

def nice_step(span: float, ticks: int = 3) -> float:
    raw = span / max(1, ticks)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    return next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)


def value_range(traces: Sequence[HospitalTrace], chart: Chart) -> tuple[float, float]:
    """A y range fitted to what is drawn (lines and bands), in whole ticks, so that a gap the
    size of chance is visible; it need not start at zero (the ticks state the scale)."""
    values = []
    for trace in traces:
        for name, _ in chart.metrics:
            if name not in trace.series:
                continue
            line = trace.series[name].values
            values.append(line)
            if name in trace.band:
                values.extend((line - trace.band[name], line + trace.band[name]))
    finite = np.concatenate(values) if values else np.array([])
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return 0.0, 1.0
    lowest, highest = float(finite.min()), float(finite.max())
    step = nice_step(max(highest - lowest, 0.05 * max(abs(highest), 1.0)), ticks=3)
    low = math.floor(lowest / step) * step
    high = math.ceil(highest / step) * step
    if high <= low:
        high = low + step
    return max(0.0, low) if lowest >= 0 else low, high


def value_ticks(low: float, high: float) -> list[float]:
    step = nice_step(high - low, ticks=3)
    first = math.ceil(low / step - 1e-9) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def day_range(traces: Sequence[HospitalTrace]) -> tuple[int, int]:
    first = min(trace.first_day for trace in traces)
    last = max(trace.last_day for trace in traces)
    for trace in traces:
        for series in trace.series.values():
            if series.days.size:
                last = max(last, int(series.days[-1]))
    return first, last


def day_ticks(first: int, last: int, most: int = 4) -> list[int]:
    step = next(s for s in (30, 60, 90, 120, 180, 365, 730) if (last - first) / s <= most)
    start = math.ceil(first / step) * step
    return list(range(start, last + 1, step))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def format_value(value: float) -> str:
    if math.isnan(value):
        return "–"
    if abs(value) >= 10:
        return f"{value:.0f}"
    return f"{value:.1f}" if abs(value) >= 1 or value == 0 else f"{value:.2f}"


def format_tick(value: float, step: float) -> str:
    digits = max(0, -math.floor(math.log10(step))) if step < 1 else 0
    return f"{value:.{digits}f}"


# --- SVG for the page --------------------------------------------------------------------------

# The panels scale to the page's width; at 1280x720 four panels are about 240 px wide, so a
# user unit is about a pixel and TEXT units show at no less than 16 px.
PANEL_WIDTH, PANEL_HEIGHT, COLUMNS = 250.0, 176.0, 4
TEXT = 18.0
LEFT, RIGHT, TOP, BOTTOM = 42.0, 10.0, 54.0, 24.0


def line_colour(chart: Chart, metric_index: int, hospital_index: int) -> str:
    """One-metric panels colour by hospital; the compliance panel colours by metric."""
    if len(chart.metrics) > 1:
        return METRIC_COLOURS[metric_index]
    return HOSPITAL_COLOURS[hospital_index]


def polyline_paths(days: np.ndarray, values: np.ndarray, x_of, y_of) -> list[str]:
    """Point lists of the finite stretches of a series (gaps where nothing was counted)."""
    paths, current = [], []
    for day, value in zip(days.tolist(), values.tolist(), strict=True):
        if math.isfinite(value):
            current.append(f"{x_of(day):.1f},{y_of(value):.1f}")
        elif current:
            paths.append(" ".join(current))
            current = []
    if current:
        paths.append(" ".join(current))
    return paths


def band_paths(series: Series, half: np.ndarray, x_of, y_of) -> list[str]:
    """Polygons of the band line ± half, over the stretches where both are finite."""
    polygons = []
    keep = np.isfinite(series.values) & np.isfinite(half)
    days = series.days
    start = None
    for index in range(len(days) + 1):
        inside = index < len(days) and keep[index]
        if inside and start is None:
            start = index
        elif not inside and start is not None:
            span = slice(start, index)
            upper = [f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in
                     zip(days[span].tolist(), (series.values[span] + half[span]).tolist(),
                         strict=True)]
            lower = [f"{x_of(d):.1f},{y_of(v):.1f}" for d, v in
                     zip(days[span].tolist(), (series.values[span] - half[span]).tolist(),
                         strict=True)]
            polygons.append(" ".join(upper + lower[::-1]))
            start = None
    return polygons


def svg_panel(chart: Chart, traces: Sequence[HospitalTrace], markers: Sequence[tuple[int, str]],
              x0: float, y0: float) -> str:
    first, last = day_range(traces)
    low, high = value_range(traces, chart)
    plot_w, plot_h = PANEL_WIDTH - LEFT - RIGHT, PANEL_HEIGHT - TOP - BOTTOM

    def x_of(day: float) -> float:
        return x0 + LEFT + (day - first) / max(1, last - first) * plot_w

    def y_of(value: float) -> float:
        return y0 + TOP + (1.0 - (value - low) / ((high - low) or 1.0)) * plot_h

    parts = [f'<g class="chart" data-title="{escape(chart.title)}">',
             f'<text x="{x0 + 4}" y="{y0 + TEXT}" font-size="{TEXT}" font-weight="700" '
             f'fill="#263238">{escape(chart.title)}</text>',
             f'<text class="chart-unit" x="{x0 + 4}" y="{y0 + 2 * TEXT + 4}" font-size="{TEXT}" '
             f'fill="#455a64">{escape(chart.unit)}</text>']
    latest = " | ".join(
        "/".join(f'<tspan fill="{line_colour(chart, m, t)}">'
                 f"{format_value(trace.series[name].latest)}</tspan>"
                 for m, (name, _) in enumerate(chart.metrics))
        for t, trace in enumerate(traces) if trace.series)
    parts.append(f'<text class="latest" x="{x0 + PANEL_WIDTH - RIGHT}" y="{y0 + TEXT}" '
                 f'font-size="{TEXT}" font-weight="700" text-anchor="end" fill="#263238">'
                 f"{latest}</text>")
    if first < 0:
        shade = x_of(0) - x_of(first)
        parts.append(f'<rect x="{x_of(first):.1f}" y="{y0 + TOP}" width="{shade:.1f}" '
                     f'height="{plot_h}" fill="#eceff1"/>')
    parts.append(f'<rect x="{x0 + LEFT}" y="{y0 + TOP}" width="{plot_w}" height="{plot_h}" '
                 'fill="none" stroke="#b0bec5"/>')
    ticks = value_ticks(low, high)
    step = ticks[1] - ticks[0] if len(ticks) > 1 else (high - low) or 1.0
    for value in ticks:
        y = y_of(value)
        parts.append(f'<line x1="{x0 + LEFT}" x2="{x0 + LEFT + plot_w}" y1="{y:.1f}" '
                     f'y2="{y:.1f}" stroke="#eceff1"/>'
                     f'<text x="{x0 + LEFT - 3}" y="{y + 6:.1f}" font-size="{TEXT}" '
                     f'text-anchor="end" fill="#455a64">{format_tick(value, step)}</text>')
    for day in day_ticks(first, last):
        parts.append(f'<text x="{x_of(day):.1f}" y="{y0 + PANEL_HEIGHT - 5}" '
                     f'font-size="{TEXT}" text-anchor="middle" fill="#455a64">{day}</text>')
    for number, (day, _label) in enumerate(markers, start=1):
        if first <= day <= last:
            x = x_of(day)
            parts.append(
                f'<g class="marker"><line x1="{x:.1f}" x2="{x:.1f}" y1="{y0 + TOP}" '
                f'y2="{y0 + TOP + plot_h}" stroke="#263238" stroke-dasharray="3,3"/>'
                f'<text x="{x + 2:.1f}" y="{y0 + TOP + TEXT - 2}" font-size="{TEXT}" '
                f'font-weight="700" fill="#263238">{number}</text></g>')
    # Chance's band first, then the comparison, then yours on top.
    for trace in traces:
        for name, _ in chart.metrics:
            if name in trace.band and name in trace.series:
                for points in band_paths(trace.series[name], trace.band[name], x_of, y_of):
                    parts.append(f'<polygon class="band" data-metric="{name}" '
                                 f'points="{points}" fill="{BAND_COLOUR}" '
                                 'fill-opacity="0.55" stroke="none"/>')
    for index, trace in reversed(list(enumerate(traces))):
        dash = f' stroke-dasharray="{COMPARISON_DASH}"' if index else ""
        for metric_index, (name, _) in enumerate(chart.metrics):
            if name not in trace.series:
                continue
            series = trace.series[name]
            colour = line_colour(chart, metric_index, index)
            for points in polyline_paths(series.days, series.values, x_of, y_of):
                parts.append(f'<polyline class="line" data-metric="{name}" points="{points}" '
                             f'fill="none" stroke="{colour}" stroke-width="2.4"{dash}/>')
    parts.append("</g>")
    return "".join(parts)


def charts_svg(traces: Sequence[HospitalTrace], markers: Sequence[tuple[int, str]],
               charts: Sequence[Chart] = CHARTS) -> str:
    """The panels as one inline SVG that scales to its container."""
    rows = math.ceil(len(charts) / COLUMNS)
    width, height = COLUMNS * PANEL_WIDTH, rows * PANEL_HEIGHT
    titles = ", ".join(chart.title for chart in charts)
    parts = [f'<svg class="charts" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
             'xmlns="http://www.w3.org/2000/svg" role="img" '
             f'aria-label="Charts: {escape(titles)}" '
             'style="font-family: sans-serif; display: block">']
    for index, chart in enumerate(charts):
        parts.append(svg_panel(chart, traces, markers, (index % COLUMNS) * PANEL_WIDTH,
                               (index // COLUMNS) * PANEL_HEIGHT))
    parts.append("</svg>")
    return "".join(parts)


def key_html(traces: Sequence[HospitalTrace], markers: Sequence[tuple[int, str]],
             charts: Sequence[Chart]) -> str:
    """Which line is which and what each numbered marker was, in words (no hover needed)."""
    items = []
    for index in range(len(traces)):
        style = "dashed" if index else "solid"
        items.append(f'<span class="key-item"><span style="display: inline-block; width: 28px; '
                     f"border-top: 3px {style} {HOSPITAL_COLOURS[index]}; vertical-align: "
                     f'middle"></span> {"yours" if index == 0 else "comparison"}</span>')
    if any(trace.band for trace in traces):
        items.append(f'<span class="key-item"><span style="display: inline-block; width: 28px; '
                     f'height: 12px; background: {BAND_COLOUR}; vertical-align: middle">'
                     "</span> chance band around the comparison</span>")
    if any(len(chart.metrics) > 1 for chart in charts):
        items.append(f'<span style="color: {METRIC_COLOURS[0]}">measured</span> vs '
                     f'<span style="color: {METRIC_COLOURS[1]}">true</span>')
    items.append("grey: warm-up; each point: the 30 days up to that day")
    for number, (day, label) in enumerate(markers, start=1):
        items.append(f'<span class="marker-key"><b>{number}</b> day {day}: '
                     f"{escape(label)}</span>")
    return '<div class="chart-key">' + " · ".join(items) + "</div>"


# --- matplotlib for the animation ----------------------------------------------------------------

def draw_chart(axes: Axes, chart: Chart, traces: Sequence[HospitalTrace],
               markers: Sequence[tuple[int, str]], text: float = 7.0) -> None:
    """One panel on matplotlib axes, as on the page.

    The axes are set up once; later frames only swap the lines (clearing axes rebuilds every
    tick and was most of an animation's drawing time)."""
    if axes.get_title(loc="left") != f"{chart.title}\n{chart.unit}":
        axes.clear()
        axes.set_title(f"{chart.title}\n{chart.unit}", fontsize=text, loc="left")
        axes.tick_params(labelsize=text, length=2)
        axes.grid(alpha=0.25, lw=0.4)
    for artist in [*axes.lines, *axes.patches]:
        artist.remove()
    first, last = day_range(traces)
    low, high = value_range(traces, chart)
    axes.set_xlim(first, last)
    axes.set_ylim(low, high if high > low else low + 1)
    if first < 0:
        axes.axvspan(first, 0, color="#eceff1", lw=0)
    for day, _ in markers:
        axes.axvline(day, color="#455a64", lw=0.6, ls=":")
    for index, trace in enumerate(traces):
        for metric_index, (name, _) in enumerate(chart.metrics):
            if name in trace.series:
                series = trace.series[name]
                axes.plot(series.days, series.values, lw=1.6, ls="--" if index else "-",
                          color=line_colour(chart, metric_index, index))


# --- what the page's charts panel draws (sim.app.panels.LiveCharts) ----------------------------

def page_traces(model: ClassroomHospital, charts: Sequence[Chart] = CHARTS
                ) -> tuple[list[HospitalTrace], list[tuple[int, str]]]:
    """Both hospitals' traces of these charts (the comparison with chance's band) and the
    markers."""
    with model.lock:
        traces = [hospital_trace(model.hospital, model.label, charts=charts)]
        markers = model.markers()
        if model.comparison is not None:
            pairs = [(model.hospital, model.comparison), *model.replicates]
            traces.append(hospital_trace(model.comparison, model.comparison_label,
                                         chance_bands(pairs, charts), charts))
            markers += [(day, f"{label} (comparison)")
                        for day, label in model.comparison_markers()]
    markers.sort(key=lambda mark: mark[0])
    return traces, markers


def traces_coincide(first: HospitalTrace, second: HospitalTrace) -> bool:
    """Whether every drawn series of the two hospitals is the same so far."""
    return all(
        name in second.series
        and np.array_equal(series.values, second.series[name].values, equal_nan=True)
        for name, series in first.series.items())
