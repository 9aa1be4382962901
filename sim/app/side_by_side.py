"""Side-by-side mode: the same hospital and seed under two settings, and whether they differ.

Each metric is taken over the last 30 days, as the metrics contract forms a period
(sim.metrics.period_value); the charts draw the same 30-day values, so the table's numbers are
the lines' last points. One pair of runs is one draw of chance: with the same seed the two
hospitals share their patients and hazards at first, but their paths part as soon as anything
differs. How far apart chance alone puts a pair is measured, not assumed: the page steps
`REPLICATE_PAIRS` more pairs with other seeds and the same settings and changes
(sim/app/classroom.py), and the spread of their gaps gives the 95% interval of the gap shown
(a prediction interval for one more pair: t with K - 1 degrees of freedom, times the standard
deviation of the K gaps, times sqrt(1 + 1/K)). The charts draw it as a band around the
comparison's line: your hospital's line outside the band is a gap larger than chance.

The verdict is the board report's rule, imported from sim.metrics: "better" or "worse" only when
the interval excludes no change and the gap exceeds the metric's minimum meaningful difference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import numpy as np
import solara

from sim.app.style import PAPER
from sim.experiment.statistics import t_critical
from sim.metrics import (
    METRIC_BY_NAME,
    format_change,
    format_value,
    material_threshold,
    period_value,
    verdict,
)

if TYPE_CHECKING:
    from sim.app.classroom import ClassroomHospital
    from sim.model import HospitalModel

# Labels, units and display come from the metric definitions (sim.metrics).
COMPARED = ("reporting_rate", "workaround_rate", "adverse_events", "psychological_safety",
            "trust_in_management", "burnout_prevalence", "measured_compliance",
            "true_compliance", "open_hazards")
WINDOW_DAYS = 30
BETTER, WORSE, SAME = "#2e7d32", "#c62828", "#455a64"
NUMBER = "text-align: right; padding-left: 12px; white-space: nowrap"
TOO_EARLY = "too early to tell"
WITHIN_CHANCE = "within chance"
TOO_SMALL = "too small to matter"


def chance_half_width(gaps: np.ndarray) -> np.ndarray:
    """Half-width of the 95% interval of one more paired gap, from K paired gaps (along the
    first axis); NaN where fewer than two are finite."""
    data = np.asarray(gaps, dtype=float)
    count = np.isfinite(data).sum(axis=0)
    with np.errstate(invalid="ignore"):
        spread = np.nanstd(np.where(np.isfinite(data), data, np.nan), axis=0, ddof=1) \
            if data.size else np.array(math.nan)
    factor = np.array([t_critical(int(k) - 1) * math.sqrt(1 + 1 / k) if k >= 2 else math.nan
                       for k in np.atleast_1d(count)]).reshape(np.shape(count))
    return spread * factor


@dataclass(frozen=True)
class Difference:
    """One metric over the last days in both hospitals, with the interval chance gives."""

    metric: str
    label: str
    left: float
    right: float
    half_width: float = math.nan  # of the gap's 95% interval, from the background pairs

    @property
    def gap(self) -> float:
        return self.left - self.right

    @property
    def interval(self) -> tuple[float, float]:
        return self.gap - self.half_width, self.gap + self.half_width

    def verdict(self) -> str:
        """The board report's verdict on this gap: 'better' or 'worse' (for your hospital),
        'higher' or 'lower', 'no material change', or '' before there is an interval."""
        low, high = self.interval
        return verdict(METRIC_BY_NAME[self.metric], self.gap, low, high, self.right)

    def words(self) -> str:
        """The verdict as the class reads it, with why a gap is not a difference."""
        said = self.verdict()
        if not said:
            return TOO_EARLY
        if said != "no material change":
            return said
        low, high = self.interval
        if low <= 0 <= high:
            return WITHIN_CHANCE
        return TOO_SMALL


def recent_value(model: HospitalModel, metric: str, days: int = WINDOW_DAYS) -> float:
    """A metric over the last `days` days (counts summed, ratios as ratios of sums)."""
    definition = METRIC_BY_NAME[metric]
    recorded = model.datacollector.model_vars
    names = {metric, definition.numerator, definition.denominator} - {""}
    columns = {name: recorded[name][-days:] for name in names}
    if not columns[metric]:
        return math.nan
    return period_value(definition, columns)


def differences(model: ClassroomHospital, days: int = WINDOW_DAYS) -> list[Difference]:
    """Both hospitals over the last `days` days, each gap with the interval chance gives."""
    rows = []
    for name in COMPARED:
        gaps = np.array([recent_value(left, name, days) - recent_value(right, name, days)
                         for left, right in model.replicates])
        half = float(chance_half_width(gaps)) if len(gaps) else math.nan
        rows.append(Difference(name, metric_heading(name),
                               recent_value(model.hospital, name, days),
                               recent_value(model.comparison, name, days), half))
    return rows


def metric_heading(name: str) -> str:
    return METRIC_BY_NAME[name].label


def difference_html(rows: list[Difference], left_label: str, right_label: str,
                    pairs: int, days: int = WINDOW_DAYS) -> str:
    """A table of both sides, the gap and its interval, coloured by the verdict."""
    body = []
    for row in rows:
        said = row.verdict()
        colour = {"better": BETTER, "worse": WORSE}.get(said, SAME)
        metric = METRIC_BY_NAME[row.metric]
        gap = format_change(metric, row.gap, unit=False)
        low, high = row.interval
        band = ("–" if math.isnan(row.half_width) else
                f"{format_change(metric, low, unit=False)} to "
                f"{format_change(metric, high, unit=False)}")
        smallest = format_change(metric, material_threshold(metric, row.right), unit=False)
        body.append(
            f'<tr data-metric="{row.metric}" data-verdict="{escape(said)}">'
            f"<td>{escape(row.label)}</td>"
            f'<td style="{NUMBER}">{format_value(metric, row.left, unit=False)}</td>'
            f'<td style="{NUMBER}">{format_value(metric, row.right, unit=False)}</td>'
            f'<td style="{NUMBER}; color: {colour}; font-weight: 700">{gap}</td>'
            f'<td style="{NUMBER}">{band}</td>'
            f'<td style="{NUMBER}">{smallest.lstrip("+")}</td>'
            f'<td style="padding-left: 12px; color: {colour}; font-weight: 600">'
            f"{escape(row.words())}</td></tr>")
    return (
        '<table class="difference" style="border-collapse: collapse; width: 100%">'
        '<thead><tr style="text-align: left; border-bottom: 1px solid #cfd8dc">'
        f"<th>Last {days} days</th><th style='{NUMBER}'>Yours</th>"
        f"<th style='{NUMBER}'>Comparison</th>"
        f"<th style='{NUMBER}'>Gap</th><th style='{NUMBER}'>Chance gives</th>"
        f"<th style='{NUMBER}'>Matters from</th><th style='padding-left: 12px'>Yours is</th>"
        "</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        '<div class="difference-help" style="margin-top: 2px">'
        f"“Chance gives”: the gap's 95% interval from {pairs} more pairs run with other seeds "
        "(the band on the charts). Better or worse only if it excludes 0 and the gap is past "
        "“matters from”: the board report's rule.</div>")


@solara.component
def DifferenceTable(model: ClassroomHospital, tick: int = 0) -> None:
    """Both hospitals over the last month, with the verdict on each gap; redrawn as the model
    steps (a new `tick`)."""
    if model.comparison is None:
        return
    with model.lock:
        rows = differences(model)
    solara.HTML(tag="div", unsafe_innerHTML=difference_html(
        rows, model.label, model.comparison_label, len(model.replicates)),
        classes=["difference-panel"], style=PAPER)
