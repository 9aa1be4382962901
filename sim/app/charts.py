"""Live charts of the key series, with intervention markers, for one hospital or two side by side.

Series are smoothed the way the metrics contract defines periods (sim.metrics): ratios as a ratio
of rolling sums (never a mean of daily ratios), counts as a rolling daily mean, states as they
are. The page draws them as SVG (a few milliseconds per redraw, so Play stays smooth); the
exported animation draws the same series with matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import numpy as np
import solara

from sim.app.style import PAPER
from sim.metrics import METRIC_BY_NAME, rolling_value, trailing_sums

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from sim.app.classroom import ClassroomHospital
    from sim.model import HospitalModel


@dataclass(frozen=True)
class Chart:
    """One panel: a title, what the numbers mean, and the metrics drawn in it."""

    title: str
    unit: str
    metrics: tuple[tuple[str, str], ...]  # (metric column, label)
    window: int = 14
    per_bed_ceiling: float = 0.0  # counts: the top of the axis per bed, fixed for a hospital


CHARTS: tuple[Chart, ...] = (
    Chart("Reporting rate", "staff reports per incident", (("reporting_rate", "reporting"),)),
    Chart("Workaround rate", "workarounds per obstacle met", (("workaround_rate", "workarounds"),)),
    # About 7.5 adverse events per 100 admissions gives roughly one a day per 90 beds; the axis
    # leaves room for three times that before it has to widen.
    Chart("Harm", "adverse events per day", (("adverse_events", "adverse events"),),
          per_bed_ceiling=1 / 30),
    Chart("Burnout", "share of clinicians burned out", (("burnout_prevalence", "burnout"),)),
    Chart("Psychological safety", "mean of clinicians, 0-1",
          (("psychological_safety", "psychological safety"),)),
    Chart("Trust in management", "mean of clinicians, 0-1",
          (("trust_in_management", "trust"),)),
    Chart("Compliance", "measured by audits vs true", (
        ("measured_compliance", "measured"), ("true_compliance", "true")), window=30),
)
# The four that tell the title's story fill one row on a projector's first screen.
KEY_CHARTS, OTHER_CHARTS = CHARTS[:4], CHARTS[4:]
METRIC_COLOURS = ("#1565c0", "#c62828")  # first and second metric of a two-metric panel
HOSPITAL_COLOURS = ("#1565c0", "#ef6c00")  # your hospital, the comparison
COMPARISON_DASH = "5,3"
MAX_MARKERS_LISTED = 8


@dataclass(frozen=True)
class Series:
    """One smoothed metric of one hospital, by scenario day."""

    days: np.ndarray
    values: np.ndarray

    @property
    def latest(self) -> float:
        finite = self.values[np.isfinite(self.values)]
        return float(finite[-1]) if finite.size else math.nan


@dataclass(frozen=True)
class HospitalTrace:
    """What the charts need from one hospital: a label, its smoothed series and run length."""

    label: str
    series: dict[str, Series]
    first_day: int
    last_day: int
    beds: int = 0


def rolling_sum(values: np.ndarray, window: int) -> np.ndarray:
    """Sum over the last `window` days (fewer at the start)."""
    return trailing_sums(values, window)[0]


def smoothed(columns: dict[str, list[float]], name: str, window: int) -> np.ndarray:
    """A metric over a rolling window, as sim.metrics forms it; states as they are (each day
    is already a mean over clinicians)."""
    metric = METRIC_BY_NAME[name]
    if metric.kind == "state":
        return np.asarray(columns[name], dtype=float)
    return rolling_value(metric, {column: np.asarray(columns[column], dtype=float)
                                  for column in metric.needed_columns}, window)


def hospital_trace(model: HospitalModel, label: str) -> HospitalTrace:
    """The smoothed series of every chart for one hospital, by scenario day."""
    columns = model.datacollector.model_vars
    count = len(columns["incidents"])
    burn_in = model.config.run.burn_in
    # One row is collected per day from model time 1, so row i is scenario day i + 1 - burn_in.
    days = np.arange(1, count + 1) - burn_in
    series = {name: Series(days, smoothed(columns, name, chart.window))
              for chart in CHARTS for name, _ in chart.metrics} if count else {}
    beds = sum(ward.beds for ward in model.wards)
    return HospitalTrace(label, series, 1 - burn_in, model.config.run.days, beds)


# --- scales ------------------------------------------------------------------------------------

def nice_step(span: float, ticks: int = 3) -> float:
    raw = span / max(1, ticks)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    return next(f * power for f in (1, 2, 2.5, 5, 10) if f * power >= raw)


def value_range(traces: Sequence[HospitalTrace], chart: Chart) -> tuple[float, float]:
    """A fixed y range from zero: shares and means of 0-1 states on 0-1, counts up to a ceiling
    set by the hospital's size, so scenarios, seeds and animation frames compare at a glance.
    Widened only if the data ever go beyond it."""
    values = [trace.series[name].values for trace in traces for name, _ in chart.metrics
              if name in trace.series]
    finite = np.concatenate(values) if values else np.array([])
    finite = finite[np.isfinite(finite)]
    highest = float(finite.max()) if finite.size else 0.0
    counts = any(METRIC_BY_NAME[name].kind == "count" for name, _ in chart.metrics)
    if not counts:
        ceiling = 1.0
    else:
        beds = max((trace.beds for trace in traces), default=0)
        ceiling = chart.per_bed_ceiling * beds or 1.0
        ceiling = math.ceil(ceiling / nice_step(ceiling)) * nice_step(ceiling)
    if highest > ceiling:
        ceiling = math.ceil(highest / nice_step(highest)) * nice_step(highest)
    return 0.0, ceiling


def day_range(traces: Sequence[HospitalTrace]) -> tuple[int, int]:
    first = min(trace.first_day for trace in traces)
    last = max(trace.last_day for trace in traces)
    for trace in traces:
        for series in trace.series.values():
            if series.days.size:
                last = max(last, int(series.days[-1]))
    return first, last


def day_ticks(first: int, last: int) -> list[int]:
    step = next(s for s in (30, 60, 90, 180, 365, 730) if (last - first) / s <= 6)
    start = math.ceil(first / step) * step
    return list(range(start, last + 1, step))


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def format_value(value: float) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"


# --- SVG for the page --------------------------------------------------------------------------

PANEL_WIDTH, PANEL_HEIGHT, COLUMNS = 250.0, 150.0, 4
LEFT, RIGHT, TOP, BOTTOM = 36.0, 8.0, 34.0, 18.0


def line_colour(chart: Chart, metric_index: int, hospital_index: int) -> str:
    """One-metric panels colour by hospital; the compliance panel colours by metric."""
    if len(chart.metrics) > 1:
        return METRIC_COLOURS[metric_index]
    return HOSPITAL_COLOURS[hospital_index]


def polyline_paths(series: Series, x_of, y_of) -> list[str]:
    """Point lists of the finite stretches of a series (gaps where nothing was counted)."""
    paths, current = [], []
    for day, value in zip(series.days.tolist(), series.values.tolist(), strict=True):
        if math.isfinite(value):
            current.append(f"{x_of(day):.1f},{y_of(value):.1f}")
        elif current:
            paths.append(" ".join(current))
            current = []
    if current:
        paths.append(" ".join(current))
    return paths


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
             f'<text x="{x0 + 4}" y="{y0 + 14}" font-size="13" font-weight="600" '
             f'fill="#263238">{escape(chart.title)}</text>',
             f'<text x="{x0 + 4}" y="{y0 + 26}" font-size="9.5" fill="#607d8b">'
             f"{escape(chart.unit)}</text>"]
    latest = " | ".join(
        "/".join(f'<tspan fill="{line_colour(chart, m, t)}">'
                 f"{format_value(trace.series[name].latest)}</tspan>"
                 for m, (name, _) in enumerate(chart.metrics))
        for t, trace in enumerate(traces) if trace.series)
    parts.append(f'<text class="latest" x="{x0 + PANEL_WIDTH - RIGHT}" y="{y0 + 14}" '
                 f'font-size="12" text-anchor="end" fill="#263238">{latest}</text>')
    if first < 0:
        shade = x_of(0) - x_of(first)
        parts.append(f'<rect x="{x_of(first):.1f}" y="{y0 + TOP}" width="{shade:.1f}" '
                     f'height="{plot_h}" fill="#eceff1"><title>warm-up: beliefs settle before '
                     "day 1</title></rect>"
                     f'<text x="{x_of(first) + 3:.1f}" y="{y0 + TOP + plot_h - 4:.1f}" '
                     'font-size="9" fill="#90a4ae">warm-up</text>')
    parts.append(f'<rect x="{x0 + LEFT}" y="{y0 + TOP}" width="{plot_w}" height="{plot_h}" '
                 'fill="none" stroke="#b0bec5"/>')
    for value in (low, (low + high) / 2, high):
        y = y_of(value)
        parts.append(f'<text x="{x0 + LEFT - 3}" y="{y + 3:.1f}" font-size="9" '
                     f'text-anchor="end" fill="#607d8b">{format_value(value)}</text>')
    for day in day_ticks(first, last):
        parts.append(f'<text x="{x_of(day):.1f}" y="{y0 + PANEL_HEIGHT - 5}" font-size="9" '
                     f'text-anchor="middle" fill="#607d8b">{day}</text>')
    for number, (day, label) in enumerate(markers, start=1):
        if first <= day <= last:
            x = x_of(day)
            parts.append(
                f'<g class="marker"><line x1="{x:.1f}" x2="{x:.1f}" y1="{y0 + TOP}" '
                f'y2="{y0 + TOP + plot_h}" stroke="#455a64" stroke-dasharray="2,2"/>'
                f'<text x="{x + 2:.1f}" y="{y0 + TOP + 9}" font-size="9" fill="#455a64">'
                f"{number}</text><title>Day {day}: {escape(label)}</title></g>")
    # The comparison goes underneath, so your hospital stays visible where the two agree.
    for index, trace in reversed(list(enumerate(traces))):
        dash = f' stroke-dasharray="{COMPARISON_DASH}"' if index else ""
        for metric_index, (name, _) in enumerate(chart.metrics):
            if name not in trace.series:
                continue
            colour = line_colour(chart, metric_index, index)
            for points in polyline_paths(trace.series[name], x_of, y_of):
                parts.append(f'<polyline class="line" data-metric="{name}" points="{points}" '
                             f'fill="none" stroke="{colour}" stroke-width="1.6"{dash}/>')
    parts.append("</g>")
    return "".join(parts)


def svg_key(traces: Sequence[HospitalTrace], markers: Sequence[tuple[int, str]],
            x0: float, y0: float) -> str:
    """The eighth panel: which line is which, and what each numbered marker was."""
    lines = []
    for index, trace in enumerate(traces):
        dash = f' stroke-dasharray="{COMPARISON_DASH}"' if index else ""
        y = y0 + 14 + 16 * index
        lines.append(f'<line x1="{x0 + 4}" x2="{x0 + 30}" y1="{y - 4}" y2="{y - 4}" '
                     f'stroke="{HOSPITAL_COLOURS[index]}" stroke-width="1.8"{dash}/>'
                     f'<text x="{x0 + 36}" y="{y}" font-size="11" fill="#263238">'
                     f"{escape(shorten(trace.label, 36))}<title>{escape(trace.label)}</title>"
                     "</text>")
    y = y0 + 16 + 16 * len(traces)
    lines.append(f'<text x="{x0 + 4}" y="{y}" font-size="9.5" fill="#607d8b">Compliance: '
                 f'<tspan fill="{METRIC_COLOURS[0]}">measured</tspan> vs '
                 f'<tspan fill="{METRIC_COLOURS[1]}">true</tspan>; grey: warm-up</text>')
    for number, (day, label) in enumerate(markers[:MAX_MARKERS_LISTED], start=1):
        y += 13
        text = f"{number}  day {day}: {label}"
        lines.append(f'<text class="marker-key" x="{x0 + 4}" y="{y}" font-size="9.5" '
                     f'fill="#455a64">{escape(shorten(text, 48))}<title>{escape(text)}</title>'
                     "</text>")
    if len(markers) > MAX_MARKERS_LISTED:
        lines.append(f'<text x="{x0 + 4}" y="{y + 13}" font-size="9.5" fill="#455a64">'
                     f"and {len(markers) - MAX_MARKERS_LISTED} more</text>")
    return '<g class="chart-key">' + "".join(lines) + "</g>"


def charts_svg(traces: Sequence[HospitalTrace], markers: Sequence[tuple[int, str]],
               charts: Sequence[Chart] = CHARTS, with_key: bool = True) -> str:
    """The panels (and the key, if asked) as one inline SVG that scales to its container."""
    panels = len(charts) + (1 if with_key else 0)
    rows = math.ceil(panels / COLUMNS)
    width, height = COLUMNS * PANEL_WIDTH, rows * PANEL_HEIGHT
    titles = ", ".join(chart.title for chart in charts)
    parts = [f'<svg class="charts" viewBox="0 0 {width:.0f} {height:.0f}" width="100%" '
             'xmlns="http://www.w3.org/2000/svg" role="img" '
             f'aria-label="Charts: {escape(titles)}" style="font-family: sans-serif">']
    for index, chart in enumerate(charts):
        parts.append(svg_panel(chart, traces, markers, (index % COLUMNS) * PANEL_WIDTH,
                               (index // COLUMNS) * PANEL_HEIGHT))
    if with_key:
        key_index = len(charts)
        parts.append(svg_key(traces, markers, (key_index % COLUMNS) * PANEL_WIDTH,
                             (key_index // COLUMNS) * PANEL_HEIGHT))
    parts.append("</svg>")
    return "".join(parts)


# --- matplotlib for the animation ----------------------------------------------------------------

def draw_chart(axes: Axes, chart: Chart, traces: Sequence[HospitalTrace],
               markers: Sequence[tuple[int, str]]) -> None:
    """One panel on matplotlib axes, as on the page.

    The axes are set up once; later frames only swap the lines (clearing axes rebuilds every
    tick and was most of an animation's drawing time)."""
    if axes.get_title(loc="left") != chart.title:
        axes.clear()
        axes.set_title(chart.title, fontsize=7, loc="left")
        axes.tick_params(labelsize=5, length=2)
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
                axes.plot(series.days, series.values, lw=1.0, ls="--" if index else "-",
                          color=line_colour(chart, metric_index, index))


# --- the page component ------------------------------------------------------------------------

@solara.component
def LiveCharts(model: ClassroomHospital, charts: Sequence[Chart] = CHARTS,
               css_class: str = "live-charts", with_key: bool = True, tick: int = 0) -> None:
    """Charts for the page's hospital (and its comparison), redrawn as the model steps (a new
    `tick`)."""
    with model.lock:
        traces = [hospital_trace(model.hospital, model.label)]
        markers = model.markers()
        if model.comparison is not None:
            traces.append(hospital_trace(model.comparison, model.comparison_label))
            markers += [(day, f"{label} (comparison)")
                        for day, label in model.comparison_markers()]
    markers.sort(key=lambda mark: mark[0])
    if not with_key and len(traces) == 2 and traces_coincide(*traces):
        solara.Text("The two hospitals have the same seed and, so far, the same settings: "
                    "their lines coincide, and the comparison's dashed line lies hidden under "
                    "yours until they part.", classes=["lines-coincide"],
                    style="font-size: 13px; color: #546e7a")
    solara.HTML(tag="div", unsafe_innerHTML=charts_svg(traces, markers, charts, with_key),
                classes=[css_class], style=PAPER)


def traces_coincide(first: HospitalTrace, second: HospitalTrace) -> bool:
    """Whether every drawn series of the two hospitals is the same so far."""
    return all(
        name in second.series
        and np.array_equal(series.values, second.series[name].values, equal_nan=True)
        for name, series in first.series.items())
