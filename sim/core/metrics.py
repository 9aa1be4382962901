"""The daily metrics contract: what is counted, how each ratio is formed, and which way is better.

Counts are tallied as agents act during the day (`DailyTally`); states (beliefs, burnout) are
read from the agents at the end of the day. Every ratio names its numerator and denominator
columns so that a ratio over a period is computed as a ratio of sums, never a mean of daily
ratios (`period_value`). Definitions are repeated in docs/ODD.md, "Observation".

Scale. Values are stored as the model computes them: shares, rates and beliefs as numbers
from 0 to 1, counts as counts. People read them in `unit`, which is the stored value times
`scale`: reporting 0.127 is stored, 12.7 reports per 100 incidents is read; psychological
safety 0.48 is stored, 48 points on a 0-100 scale is read. `summary.csv`, the time series and
`period_value` hold stored values; `comparison.csv`, `board.csv`, `value.csv`, the Python API's
comparison and every report and figure hold values in `unit` (`in_unit`). `metrics.csv` states
`scale` and `stored_as` for every metric, so either can be turned into the other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

SHARE = "%"  # a share of 0-1 shown in percent; its changes in percentage points
SCALE = "on a 0-100 scale"  # a 0-1 belief shown as points out of 100


@dataclass(frozen=True)
class Metric:
    """One column of the daily data, with what people need to read it.

    `better` is the direction in which a change is an improvement, or "" for volume counts
    that grow with activity (more reports meet more blame and more learning alike) and for
    descriptive columns. `minimum_difference` is the smallest change worth acting on: in the
    metric's own units (0.01 = 1 percentage point for shares, 1 point on 0-100 scales, 1 per
    100 for rates), or a share of the reference value when `relative` (5% for counts).
    """

    name: str
    meaning: str
    kind: str  # "count" (summed over a period), "ratio" (ratio of sums) or "state" (mean)
    better: str = ""  # "higher", "lower" or "" when neither is better in itself
    numerator: str = ""
    denominator: str = ""
    complement: bool = False  # ratio is 1 - numerator / denominator
    label: str = ""  # name for people, capitalised, no underscores
    unit: str = ""  # unit of the displayed value (after `scale`)
    scale: float = 1.0  # displayed value = value * scale
    digits: int = 0  # decimals shown
    minimum_difference: float = 0.05
    relative: bool = True  # minimum_difference is a share of the reference value
    primary: bool = False  # a primary outcome; the rest are exploratory
    tallied: bool = False  # a count kept by the day's tally as agents act (`DailyTally`)

    @property
    def change_unit(self) -> str:
        """Unit of a difference: percentage points for shares, the metric's unit otherwise."""
        if self.unit == SHARE:
            return "percentage points"
        return "points on a 0-100 scale" if self.unit == SCALE else self.unit

    @property
    def stored_as(self) -> str:
        """What a stored value is: 'share (0-1)', 'belief (0-1)', or the unit itself."""
        if self.scale == 1.0:
            return self.unit
        return "belief (0-1)" if self.unit == SCALE else "share (0-1)"

    def in_unit(self, value: float) -> float:
        """A stored value (or a difference of stored values) in `unit`."""
        return value * self.scale

    @property
    def needed_columns(self) -> tuple[str, ...]:
        """Daily columns the metric's value over a period is formed from."""
        if self.kind == "ratio":
            return (self.numerator, self.denominator)
        return (self.name,)


def share(name: str, meaning: str, kind: str, better: str = "", numerator: str = "",
          denominator: str = "", *, label: str, complement: bool = False,
          primary: bool = False, unit: str = SHARE) -> Metric:
    """A share or rate read in percent (or per 100); 1 percentage point is material."""
    return Metric(name, meaning, kind, better, numerator, denominator, complement, label=label,
                  unit=unit, scale=100.0, digits=1, minimum_difference=0.01, relative=False,
                  primary=primary)


def belief(name: str, meaning: str, better: str = "", *, label: str,
           primary: bool = False) -> Metric:
    """A 0-1 mean belief read on a 0-100 scale; 1 point is material."""
    return Metric(name, meaning, "state", better, label=label, unit=SCALE, scale=100.0,
                  digits=1, minimum_difference=0.01, relative=False, primary=primary)


def volume(name: str, meaning: str, kind: str, better: str = "", *, label: str, unit: str,
           digits: int = 0, primary: bool = False, tallied: bool | None = None) -> Metric:
    """A count or a level; a change of 5% of the reference is material. Counts are tallied as
    agents act unless `tallied=False` (a count read from the agents at the end of the day)."""
    return Metric(name, meaning, kind, better, label=label, unit=unit, digits=digits,
                  primary=primary, tallied=kind == "count" if tallied is None else tallied)


METRICS: tuple[Metric, ...] = (
    volume("admissions", "patients admitted today", "count", label="Admissions",
           unit="patients"),
    volume("patients", "inpatients at the end of the day", "state", label="Inpatients",
           unit="patients", digits=1),
    volume("incidents", "errors and complications today, harmful or not", "count", "lower",
           label="Incidents", unit="incidents"),
    volume("near_misses", "incidents without harm (caught, or harmless)", "count",
           label="Near misses", unit="incidents"),
    volume("adverse_events", "incidents that harmed a patient", "count", "lower",
           label="Harm events", unit="events"),
    volume("preventable_adverse_events", "adverse events caused by an error", "count", "lower",
           label="Preventable harm events", unit="events", primary=True),
    volume("staff_reports", "incident reports filed by staff", "count",
           label="Staff incident reports", unit="reports"),
    volume("patient_reports", "reports and concerns raised by patients", "count",
           label="Patient reports and concerns", unit="reports"),
    share("reporting_rate", "staff incident reports per incident", "ratio", "higher",
          "staff_reports", "incidents", label="Incident reporting",
          unit="reports per 100 incidents", primary=True),
    share("harm_capture", "share of adverse events reported by staff", "ratio", "higher",
          "reported_adverse_events", "adverse_events", label="Harm events reported by staff",
          primary=True),
    volume("workarounds", "obstacles worked around today", "count", "lower",
           label="Workarounds", unit="workarounds"),
    share("workaround_rate", "workarounds per obstacle met", "ratio", "lower",
          "workarounds", "obstacle_encounters", label="Workarounds per obstacle",
          unit="per 100 obstacles met", primary=True),
    belief("psychological_safety", "mean psychological safety of clinicians (0-1)", "higher",
           label="Psychological safety", primary=True),
    belief("trust_in_management", "mean trust of clinicians in management (0-1)", "higher",
           label="Trust in management", primary=True),
    share("burnout_prevalence", "share of clinicians burned out", "state", "lower",
          label="Clinicians burned out", primary=True),
    share("measured_compliance", "compliance seen by auditors on audit days", "ratio", "",
          "audited_compliant", "audited_encounters", label="Compliance seen by auditors"),
    share("true_compliance", "share of obstacles met without a workaround", "ratio", "higher",
          "workarounds", "obstacle_encounters", label="True compliance", complement=True),
    volume("open_hazards", "latent hazards open at the end of the day", "state", "lower",
           label="Open hazards", unit="hazards", digits=1),
    volume("hazards_fixed", "hazards fixed today", "count", label="Hazards fixed",
           unit="hazards"),
    share("admin_time_share", "share of clinicians' working time spent on regulatory work",
          "ratio", "lower", "regulatory_time", "working_time",
          label="Working time on regulatory work"),
    # Supporting columns: numerators, denominators and further views of the same day.
    volume("reported_adverse_events", "adverse events reported by staff", "count",
           label="Harm events reported by staff (number)", unit="events"),
    volume("obstacle_encounters", "obstacles (hazards, pointless rules) met", "count", "lower",
           label="Obstacles met", unit="obstacles"),
    volume("audited_encounters", "obstacles met under an auditor's eye", "count",
           label="Obstacles met under audit", unit="obstacles"),
    volume("audited_compliant", "of those, met without a workaround", "count",
           label="Obstacles met under audit without a workaround", unit="obstacles"),
    volume("regulatory_time", "clinician-days spent on regulatory work", "count", "lower",
           label="Time on regulatory work", unit="clinician-days", tallied=False),
    volume("working_time", "clinician-days worked", "count", label="Time worked",
           unit="clinician-days", tallied=False),
    volume("second_order_responses", "problems fixed or reported at their cause", "count",
           label="Problems solved at their cause", unit="problems"),
    share("second_order_share", "second-order responses per obstacle met", "ratio", "higher",
          "second_order_responses", "obstacle_encounters",
          label="Problems solved at their cause per obstacle", unit="per 100 obstacles met"),
    volume("hazard_reports", "problems reported by staff", "count",
           label="Problems reported by staff", unit="reports"),
    volume("new_hazards", "latent hazards that appeared today", "count", label="New hazards",
           unit="hazards"),
    volume("blame_responses", "reports answered with blame", "count",
           label="Reports answered with blame", unit="reports"),
    volume("learning_responses", "reports answered with learning", "count",
           label="Reports answered with learning", unit="reports"),
    volume("feedback_given", "reports whose reporter got feedback", "count",
           label="Reports with feedback to the reporter", unit="reports"),
    volume("patient_catches", "errors stopped by a patient speaking up", "count",
           label="Errors stopped by patients", unit="errors"),
    volume("patient_reports_acted_on", "patient reports that led to action", "count",
           label="Patient reports acted on", unit="reports"),
    volume("walkrounds", "walkrounds held", "count", label="Walkrounds held", unit="walkrounds"),
    volume("audits", "ward audits held", "count", label="Ward audits held", unit="audits"),
    belief("perceived_usefulness", "mean belief that reporting changes something", "higher",
           label="Belief that reporting changes something"),
    belief("deviation_tolerance", "mean tolerance of deviation from procedure", "lower",
           label="Tolerance of deviation from procedure"),
    share("nonpunitive_perception", "share of clinicians who expect no blame for reporting",
          "state", "higher", label="Clinicians who expect no blame for reporting"),
    share("burnout_nurses", "share of nurses burned out", "state", "lower",
          label="Nurses burned out"),
    share("burnout_doctors", "share of doctors burned out", "state", "lower",
          label="Doctors burned out"),
    share("silent_staff_share", "share of clinicians with no report in the past 365 days",
          "state", "lower", label="Clinicians with no report in a year"),
    volume("report_backlog", "reports waiting for follow-up", "state", "lower",
           label="Reports waiting for follow-up", unit="reports", digits=1),
    belief("psychological_safety_sd", "standard deviation of clinicians' psychological safety "
           "(the unit of effect sizes in SD)", label="Spread of psychological safety (SD)"),
    belief("trust_sd", "standard deviation of clinicians' trust in management",
           label="Spread of trust in management (SD)"),
    volume("serious_events", "serious, visible harm events that set off a correction", "count",
           "lower", label="Serious harm events", unit="events", digits=1),
    volume("leavers", "clinicians who left today", "count", "lower", label="Clinicians who left",
           unit="clinicians", digits=1),
    volume("vacancies", "posts empty at the end of the day", "state", "lower",
           label="Vacant posts", unit="posts", digits=1),
    volume("support_queue", "problems waiting for support services", "state", "lower",
           label="Problems waiting for support services", unit="problems", digits=1),
    belief("manager_punitiveness", "mean chance ward managers answer a report with blame",
           "lower", label="Managers' readiness to blame"),
    belief("audit_readiness", "mean readiness of wards for audits (0-1)",
           label="Wards' readiness for audits"),
    # Patient reports start near zero at baseline, so a ratio alone says nothing: a rate too.
    volume("patient_days", "inpatients today, summed over a period: patient-days", "count",
           label="Patient-days", unit="patient-days", tallied=False),
    Metric("patient_report_rate", "patient reports and concerns per 1,000 patient-days",
           "ratio", "", "patient_reports", "patient_days",
           label="Patient reports per 1,000 patient-days", unit="per 1,000 patient-days",
           scale=1000.0, digits=1, minimum_difference=0.0005, relative=False),
    # Staff survey composites (AHRQ SOPS 2.0): share of positive answers to a composite's
    # items, each answer a clinician's latent belief plus response noise (`sim.core.survey`).
    share("sops_response_to_error", "survey composite: share of positive answers on "
          "nonpunitive response to error (SOPS 2.0)", "state", "higher",
          label="Survey: nonpunitive response to error"),
    share("sops_communication_openness", "survey composite: share of positive answers on "
          "communication openness (SOPS 2.0)", "state", "higher",
          label="Survey: communication openness"),
    share("sops_communication_about_error", "survey composite: share of positive answers on "
          "communication about error, feedback (SOPS 2.0)", "state", "higher",
          label="Survey: communication about error"),
    share("sops_management_support", "survey composite: share of positive answers on "
          "hospital management support for patient safety (SOPS 2.0)", "state", "higher",
          label="Survey: hospital management support"),
)

METRIC_BY_NAME = {metric.name: metric for metric in METRICS}

# Columns named by the metrics contract that other tools and users rely on.
CONTRACT_COLUMNS = tuple(metric.name for metric in METRICS[:20])

# The counts the day's tally keeps, and the ratios formed from a day's columns: both read off
# the declarations above, so a new metric is declared once.
TALLIED: tuple[str, ...] = tuple(metric.name for metric in METRICS if metric.tallied)
RATIOS: tuple[Metric, ...] = tuple(metric for metric in METRICS if metric.kind == "ratio")


class DailyTally:
    """Counters for one day, reset after each day's row is collected."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(TALLIED, 0)

    def reset(self) -> None:
        self.counts = dict.fromkeys(TALLIED, 0)

    def __getitem__(self, name: str) -> int:
        return self.counts[name]


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or NaN when nothing was there to count."""
    return numerator / denominator if denominator else math.nan


def ratio_value(metric: Metric, row: Mapping[str, float]) -> float:
    """A ratio metric of one day (or any totals) from its numerator and denominator columns."""
    value = ratio(row[metric.numerator], row[metric.denominator])
    return 1.0 - value if metric.complement else value


def daily_ratios(row: Mapping[str, float]) -> dict[str, float]:
    """Every ratio metric of one day's row of counts and totals."""
    return {metric.name: ratio_value(metric, row) for metric in RATIOS}


def period_value(metric: Metric, columns: Mapping[str, Sequence[float]]) -> float:
    """A metric over a period: counts summed, ratios as ratios of sums, states averaged."""
    if metric.kind == "ratio":
        value = ratio(sum(columns[metric.numerator]), sum(columns[metric.denominator]))
        return 1.0 - value if metric.complement else value
    values = [v for v in columns[metric.name] if not math.isnan(v)]
    if metric.kind == "count":
        return float(sum(values))
    return sum(values) / len(values) if values else math.nan


def rolling_value(metric: Metric, columns: Mapping[str, np.ndarray], window: int) -> np.ndarray:
    """A metric over the trailing `window` days (fewer at the start), as `period_value` forms
    it over a period: ratios as ratios of rolling sums, counts and states as rolling means of
    the finite days. Columns are 1-D (one run) or 2-D (runs x days)."""

    with np.errstate(invalid="ignore", divide="ignore"):
        if metric.kind == "ratio":
            top, _ = trailing_sums(columns[metric.numerator], window)
            bottom, _ = trailing_sums(columns[metric.denominator], window)
            value = np.where(bottom > 0, top / bottom, np.nan)
            return 1.0 - value if metric.complement else value
        sums, counts = trailing_sums(columns[metric.name], window)
        return np.where(counts > 0, sums / counts, np.nan)


def trailing_sums(values: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """Sums and numbers of finite values over the trailing `window` days, along the last axis."""

    data = np.asarray(values, dtype=float)
    finite = np.isfinite(data)
    sums = np.cumsum(np.where(finite, data, 0.0), axis=-1)
    counts = np.cumsum(finite, axis=-1)
    sums[..., window:] = sums[..., window:] - sums[..., :-window]
    counts[..., window:] = counts[..., window:] - counts[..., :-window]
    return sums, counts


# What people read: plain numbers with units, never scientific notation.

def plain_number(value: float, digits: int = 0, signed: bool = False) -> str:
    """1,030 or 2.4 or +0.3: thousands separated, fixed decimals (one more below 10 for
    whole-number displays, so that 0.4 is not shown as 0); an en dash when undefined."""
    if value is None or not math.isfinite(value):
        return "–"
    if digits == 0 and abs(value) < 10 and round(value) != value:
        digits = 1
    if round(value, digits) == 0:
        value, signed = 0.0, False  # never "−0.0" or "+0.0": no change reads as 0
    text = f"{value:{'+' if signed else ''},.{digits}f}"
    return text.replace("-", "−") if text.startswith("-") else text


def format_value(metric: Metric, value: float, *, unit: bool = True) -> str:
    """A level as people read it: '32.5 reports per 100 incidents', '18.2%', '1,030 events'."""
    number = plain_number(value * metric.scale, metric.digits)
    if not unit or number == "–":
        return number
    return f"{number}%" if metric.unit == SHARE else f"{number} {metric.unit}"


def format_change(metric: Metric, difference: float, *, unit: bool = True) -> str:
    """A difference as people read it: '+2.1 percentage points', '−66 events'."""
    number = plain_number(difference * metric.scale, metric.digits, signed=True)
    return f"{number} {metric.change_unit}" if unit and number != "–" else number


def format_relative(change: float) -> str:
    """+12% or, below 10%, +0.4%; an en dash when undefined."""
    if change is None or not math.isfinite(change):
        return "–"
    text = f"{change:+.1%}" if abs(change) < 0.095 else f"{change:+.0%}"
    return "0.0%" if text in ("+0.0%", "-0.0%") else text.replace("-", "−")


# Practical significance: whether a change is worth acting on.

def material_threshold(metric: Metric, reference: float) -> float:
    """The smallest difference worth acting on, in the metric's own (unscaled) units."""
    if metric.relative:
        return metric.minimum_difference * abs(reference) if math.isfinite(reference) else math.nan
    return metric.minimum_difference


def is_material(metric: Metric, difference: float, low: float, high: float,
                reference: float) -> bool:
    """True when the 95% interval excludes no change and the mean change exceeds the
    minimum meaningful difference (common random numbers make intervals narrow, so
    significance alone says nothing about importance)."""
    if not all(math.isfinite(x) for x in (difference, low, high)):
        return False
    threshold = material_threshold(metric, reference)
    excludes_zero = low > 0 or high < 0
    return excludes_zero and math.isfinite(threshold) and abs(difference) > threshold


def verdict(metric: Metric, difference: float, low: float, high: float,
            reference: float) -> str:
    """'better' or 'worse' (directed metrics), 'higher' or 'lower' (undirected ones), or
    'no material change'; '' when no interval could be estimated."""
    if not all(math.isfinite(x) for x in (difference, low, high)):
        return ""
    if not is_material(metric, difference, low, high, reference):
        return "no material change"
    if not metric.better:
        return "higher" if difference > 0 else "lower"
    return "better" if (difference > 0) == (metric.better == "higher") else "worse"
