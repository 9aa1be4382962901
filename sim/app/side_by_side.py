"""Side-by-side mode: the same hospital and seed under two settings, and how they differ.

The difference is summarised over the last month, each metric formed as the metrics contract
forms a period (sim.metrics.period_value), and coloured by which side is doing better.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import solara
from mesa.visualization.utils import update_counter

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
BETTER, WORSE, SAME = "#2e7d32", "#c62828", "#607d8b"
NUMBER = "text-align: right; padding-left: 12px; white-space: nowrap"


@dataclass(frozen=True)
class Difference:
    """One metric over the last days in both hospitals."""

    metric: str
    label: str
    left: float
    right: float

    @property
    def gap(self) -> float:
        return self.left - self.right

    def verdict(self) -> str:
        """Which side is better by this metric: 'left', 'right', or '' (a gap smaller than
        the metric's minimum meaningful difference, or neither direction is better)."""
        metric = METRIC_BY_NAME[self.metric]
        threshold = material_threshold(metric, self.right)
        if not metric.better or math.isnan(self.gap) or not abs(self.gap) > threshold:
            return ""
        better = metric.better
        return "left" if (self.gap > 0) == (better == "higher") else "right"


def recent_value(model: HospitalModel, metric: str, days: int = WINDOW_DAYS) -> float:
    """A metric over the last `days` days (counts summed, ratios as ratios of sums)."""
    definition = METRIC_BY_NAME[metric]
    recorded = model.datacollector.model_vars
    names = {metric, *definition.needed_columns}
    columns = {name: recorded[name][-days:] for name in names}
    if not columns[metric]:
        return math.nan
    return period_value(definition, columns)


def differences(left: HospitalModel, right: HospitalModel,
                days: int = WINDOW_DAYS) -> list[Difference]:
    return [Difference(name, metric_heading(name), recent_value(left, name, days),
                       recent_value(right, name, days)) for name in COMPARED]


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
        f"<tbody>{''.join(body)}</tbody></table>")


@solara.component
def DifferenceTable(model: ClassroomHospital) -> None:
    """Both hospitals over the last month, with the gap coloured by which side is better."""
    update_counter.get()
    if model.comparison is None:
        return
    with model.lock:
        rows = differences(model.hospital, model.comparison)
    solara.HTML(tag="div", unsafe_innerHTML=difference_html(
        rows, model.label, model.comparison_label), style=PAPER)
