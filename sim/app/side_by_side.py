"""Side-by-side mode: the same hospital and seed under two settings, and how they differ.

The difference is summarised over the last month, each metric formed as the metrics contract
forms a period (sim.metrics.period_value). One run of each is one draw of chance, so a gap is
called better or worse only when it is larger than the month-to-month variation each hospital
shows on its own (twice the combined spread of its recent monthly values); anything smaller
reads "within normal variation".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import solara

from sim.app.style import PAPER
from sim.metrics import (
    METRIC_BY_NAME,
    format_change,
    format_value,
    material_threshold,
    period_value,
)

if TYPE_CHECKING:
    from sim.app.classroom import ClassroomHospital
    from sim.model import HospitalModel

# Labels, units and display come from the metric definitions (sim.metrics).
COMPARED = ("reporting_rate", "workaround_rate", "adverse_events", "psychological_safety",
            "trust_in_management", "burnout_prevalence", "measured_compliance",
            "true_compliance", "open_hazards")
WINDOW_DAYS = 30
VARIATION_MONTHS = 6  # recent months whose spread is the run's normal variation
NOISE_MULTIPLE = 2.0  # a gap this many combined spreads wide is read as a real difference
WITHIN_NOISE = "within normal variation"
BETTER, WORSE, SAME = "#2e7d32", "#c62828", "#607d8b"
NUMBER = "text-align: right; padding-left: 12px; white-space: nowrap"


@dataclass(frozen=True)
class Difference:
    """One metric over the last days in both hospitals."""

    metric: str
    label: str
    left: float
    right: float
    noise: float = 0.0  # the gap that normal month-to-month variation could give

    @property
    def gap(self) -> float:
        return self.left - self.right

    def verdict(self) -> str:
        """Which side is better by this metric: 'left', 'right', or '' (a gap smaller than the
        metric's minimum meaningful difference or within normal variation, or neither direction
        is better)."""
        metric = METRIC_BY_NAME[self.metric]
        better = metric.better
        if not better or math.isnan(self.gap):
            return ""
        if not abs(self.gap) > material_threshold(metric, self.right):
            return ""
        if not abs(self.gap) > self.noise:  # NaN noise (too early to tell) is not exceeded
            return ""
        return "left" if (self.gap > 0) == (better == "higher") else "right"


def recent_value(model: HospitalModel, metric: str, days: int = WINDOW_DAYS) -> float:
    """A metric over the last `days` days (counts summed, ratios as ratios of sums)."""
    definition = METRIC_BY_NAME[metric]
    recorded = model.datacollector.model_vars
    names = {metric, definition.numerator, definition.denominator} - {""}
    columns = {name: recorded[name][-days:] for name in names}
    if not columns[metric]:
        return math.nan
    return period_value(definition, columns)


def monthly_spread(model: HospitalModel, metric: str, days: int = WINDOW_DAYS) -> float:
    """Standard deviation of the metric over the hospital's recent whole months (NaN if fewer
    than three): how much one month differs from the next by chance and drift alone."""
    definition = METRIC_BY_NAME[metric]
    recorded = model.datacollector.model_vars
    names = {metric, definition.numerator, definition.denominator} - {""}
    count = len(recorded[metric])
    values = []
    for month in range(min(VARIATION_MONTHS, count // days)):
        end = count - month * days
        value = period_value(definition, {n: recorded[n][end - days:end] for n in names})
        if not math.isnan(value):
            values.append(value)
    if len(values) < 3:
        return math.nan
    centre = sum(values) / len(values)
    return math.sqrt(sum((v - centre) ** 2 for v in values) / (len(values) - 1))


def differences(left: HospitalModel, right: HospitalModel,
                days: int = WINDOW_DAYS) -> list[Difference]:
    rows = []
    for name in COMPARED:
        spread = math.hypot(monthly_spread(left, name, days), monthly_spread(right, name, days))
        rows.append(Difference(name, metric_heading(name), recent_value(left, name, days),
                               recent_value(right, name, days), NOISE_MULTIPLE * spread))
    return rows


def metric_heading(name: str) -> str:
    metric = METRIC_BY_NAME[name]
    return f"{metric.label} ({metric.unit})"


def difference_html(rows: list[Difference], left_label: str, right_label: str,
                    days: int = WINDOW_DAYS) -> str:
    """A table of both sides and the gap, coloured by which side is better."""
    body = []
    for row in rows:
        verdict = row.verdict()
        colour = {"left": BETTER, "right": WORSE}.get(verdict, SAME)
        words = {"left": "better on the left", "right": "better on the right"}.get(verdict, "")
        if not words and METRIC_BY_NAME[row.metric].better and not math.isnan(row.gap):
            words = WITHIN_NOISE
        metric = METRIC_BY_NAME[row.metric]
        gap = format_change(metric, row.gap, unit=False)
        body.append(
            f'<tr data-metric="{row.metric}"><td>{escape(row.label)}</td>'
            f'<td style="{NUMBER}">{format_value(metric, row.left, unit=False)}</td>'
            f'<td style="{NUMBER}">{format_value(metric, row.right, unit=False)}</td>'
            f'<td style="{NUMBER}; color: {colour}; font-weight: 600">{gap}</td>'
            f'<td style="padding-left: 12px; color: {colour}">{words}</td></tr>')
    return (
        '<table class="difference" style="border-collapse: collapse; font-size: 14px; '
        'width: 100%"><thead><tr style="text-align: left; border-bottom: 1px solid #cfd8dc">'
        f"<th>Last {days} days</th><th style='{NUMBER}'>{escape(left_label)}</th>"
        f"<th style='{NUMBER}'>{escape(right_label)}</th>"
        f"<th style='{NUMBER}'>Left − right</th><th></th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        '<div style="color: #607d8b; font-size: 12px; margin-top: 4px">One run of each: a gap '
        "is called better or worse only when it exceeds the metric's minimum meaningful "
        "difference and twice the month-to-month variation the hospitals show on their own."
        "</div>")


@solara.component
def DifferenceTable(model: ClassroomHospital, tick: int = 0) -> None:
    """Both hospitals over the last month, with the gap coloured by which side is better;
    redrawn as the model steps (a new `tick`)."""
    if model.comparison is None:
        return
    with model.lock:
        rows = differences(model.hospital, model.comparison)
    solara.HTML(tag="div", unsafe_innerHTML=difference_html(
        rows, model.label, model.comparison_label), style=PAPER)
