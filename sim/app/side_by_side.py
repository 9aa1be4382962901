"""Side-by-side mode: the same hospital and seed under two settings, and whether they differ.

Each metric is taken over the last 30 days, as the metrics contract forms a period
(sim.core.metrics.period_value); the charts draw the same 30-day values, so the table's numbers are
the lines' last points. One pair of runs is one draw of chance: with the same seed the two
hospitals share their patients and hazards at first, but their paths part as soon as anything
differs. How far chance alone moves a gap is measured, not assumed: the page steps
`REPLICATE_PAIRS` more pairs with other seeds and the same settings and changes
(sim/app/classroom.py). Over the pairs (the one shown and the background ones) the gap is
summarised as the board report summarises paired replicates (sim.experiment.statistics): the
mean paired gap and its t-based 95% interval. The charts draw the interval's half-width as a
band around the comparison's line.

The verdict is the board report's rule, imported from sim.core.metrics: "better" or "worse" only
when the interval excludes no change and the mean gap exceeds the metric's minimum meaningful
difference.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import numpy as np

from sim.core.metrics import (
    METRIC_BY_NAME,
    format_change,
    format_value,
    material_threshold,
    period_value,
    verdict,
)
from sim.experiment.statistics import Interval, mean_interval, t_critical

if TYPE_CHECKING:
    from sim.app.classroom import ClassroomHospital
    from sim.core.model import HospitalModel

# Labels, units and display come from the metric definitions (sim.core.metrics).
COMPARED = ("reporting_rate", "workaround_rate", "adverse_events", "psychological_safety",
            "trust_in_management", "burnout_prevalence", "measured_compliance",
            "true_compliance", "open_hazards")
WINDOW_DAYS = 30
BETTER, WORSE, SAME = "#2e7d32", "#c62828", "#455a64"
NUMBER = "text-align: right; padding-left: 12px; white-space: nowrap"
TOO_EARLY = "too early to tell"
NO_INTERVAL = Interval(math.nan, math.nan, math.nan, 0)
WITHIN_CHANCE = "within chance"
TOO_SMALL = "too small to matter"


def chance_half_width(gaps: np.ndarray) -> np.ndarray:
    """Half-width of the t-based 95% interval of the mean paired gap, over the pairs (the first
    axis), as `mean_interval` forms it; NaN where fewer than two are finite."""
    data = np.asarray(gaps, dtype=float)
    finite = np.isfinite(data)
    count = finite.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # days with fewer than two pairs
        masked = np.where(finite, data, np.nan)
        spread = np.nanstd(masked, axis=0, ddof=1) if data.size else np.array(math.nan)
        factors = {int(k): t_critical(int(k) - 1) / math.sqrt(k) if k >= 2 else math.nan
                   for k in np.unique(count)}
        factor = np.vectorize(factors.__getitem__, otypes=[float])(count)
    return spread * factor


@dataclass(frozen=True)
class Difference:
    """One metric over the last days: both hospitals shown, and the gap over all pairs."""

    metric: str
    label: str
    left: float
    right: float
    change: Interval = NO_INTERVAL  # the mean paired gap over the pairs
    reference: float = math.nan  # the comparison's mean over the pairs

    @property
    def gap(self) -> float:
        """The gap between the two hospitals shown."""
        return self.left - self.right

    def verdict(self) -> str:
        """The board report's verdict on the mean gap: 'better' or 'worse' (for your
        hospital), 'higher' or 'lower', 'no material change', or '' before there is an
        interval."""
        return verdict(METRIC_BY_NAME[self.metric], self.change.mean, self.change.low,
                       self.change.high, self.reference)

    def words(self) -> str:
        """The verdict as the class reads it, with why a gap is not a difference."""
        said = self.verdict()
        if not said:
            return TOO_EARLY
        if said != "no material change":
            return said
        return WITHIN_CHANCE if self.change.low <= 0 <= self.change.high else TOO_SMALL


def recent_value(model: HospitalModel, metric: str, days: int = WINDOW_DAYS) -> float:
    """A metric over the last `days` days (counts summed, ratios as ratios of sums)."""
    definition = METRIC_BY_NAME[metric]
    recorded = model.datacollector.model_vars
    names = {metric, definition.numerator, definition.denominator} - {""}
    columns = {name: recorded[name][-days:] for name in names}
    if not columns[metric]:
        return math.nan
    return period_value(definition, columns)


def difference(model: ClassroomHospital, name: str, days: int = WINDOW_DAYS) -> Difference:
    """One metric in both hospitals over the last `days` days, with the mean gap over every
    pair and its interval."""
    pairs = [(model.hospital, model.comparison), *model.replicates]
    lefts = [recent_value(left, name, days) for left, _ in pairs]
    rights = [recent_value(right, name, days) for _, right in pairs]
    change = mean_interval([a - b for a, b in zip(lefts, rights, strict=True)])
    return Difference(name, metric_heading(name), lefts[0], rights[0], change,
                      mean_interval(rights).mean)


def differences(model: ClassroomHospital, days: int = WINDOW_DAYS) -> list[Difference]:
    """Both hospitals over the last `days` days, each gap with the interval chance gives."""
    return [difference(model, name, days) for name in COMPARED]


def metric_heading(name: str) -> str:
    return METRIC_BY_NAME[name].label


def difference_html(rows: list[Difference], left_label: str, right_label: str,
                    pairs: int, days: int = WINDOW_DAYS) -> str:
    """A table of both sides, the gap, the mean gap over the pairs with its interval, and the
    verdict's colour."""
    body = []
    for row in rows:
        said = row.verdict()
        colour = {"better": BETTER, "worse": WORSE}.get(said, SAME)
        metric = METRIC_BY_NAME[row.metric]
        change = row.change
        over_pairs = ("–" if math.isnan(change.low) else
                      f"{format_change(metric, change.mean, unit=False)} "
                      f"({format_change(metric, change.low, unit=False)} to "
                      f"{format_change(metric, change.high, unit=False)})")
        smallest = format_change(metric, material_threshold(metric, row.reference), unit=False)
        body.append(
            f'<tr data-metric="{row.metric}" data-verdict="{escape(said)}">'
            f"<td>{escape(row.label)}</td>"
            f'<td style="{NUMBER}">{format_value(metric, row.left, unit=False)}</td>'
            f'<td style="{NUMBER}">{format_value(metric, row.right, unit=False)}</td>'
            f'<td style="{NUMBER}">{format_change(metric, row.gap, unit=False)}</td>'
            f'<td style="{NUMBER}; color: {colour}; font-weight: 700">{over_pairs}</td>'
            f'<td style="{NUMBER}">{smallest.lstrip("+")}</td>'
            f'<td style="padding-left: 12px; color: {colour}; font-weight: 700">'
            f"{escape(row.words())}</td></tr>")
    return (
        '<table class="difference" style="border-collapse: collapse; width: 100%">'
        '<thead><tr style="text-align: left; border-bottom: 1px solid #cfd8dc">'
        f"<th>Last {days} days</th><th style='{NUMBER}'>Yours</th>"
        f"<th style='{NUMBER}'>Comparison</th><th style='{NUMBER}'>Gap</th>"
        f"<th style='{NUMBER}'>Gap over {pairs + 1} pairs (95%)</th>"
        f"<th style='{NUMBER}'>Matters from</th><th style='padding-left: 12px'>Yours is</th>"
        "</tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table>"
        '<div class="difference-help" style="margin-top: 2px">'
        f"Over {pairs + 1} pairs: this one and {pairs} more run with other seeds (the band on "
        "the charts). Better or worse only if the interval excludes 0 and the mean gap is past "
        "“matters from”: the board report's rule.</div>")
