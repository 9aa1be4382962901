"""The daily metrics contract: what is counted, how each ratio is formed, and which way is better.

Counts are tallied as agents act during the day (`DailyTally`); states (beliefs, burnout) are
read from the agents at the end of the day. Every ratio names its numerator and denominator
columns so that a ratio over a period is computed as a ratio of sums, never a mean of daily
ratios (`period_value`). Definitions are repeated in docs/ODD.md, "Observation".
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """One column of the daily data."""

    name: str
    meaning: str
    kind: str  # "count" (summed over a period), "ratio" (ratio of sums) or "state" (mean)
    better: str = ""  # "higher", "lower" or "" when neither is better in itself
    numerator: str = ""
    denominator: str = ""
    complement: bool = False  # ratio is 1 - numerator / denominator


METRICS: tuple[Metric, ...] = (
    Metric("admissions", "patients admitted today", "count"),
    Metric("patients", "inpatients at the end of the day", "state"),
    Metric("incidents", "errors and complications today, harmful or not", "count", "lower"),
    Metric("near_misses", "incidents without harm (caught, or harmless)", "count", "lower"),
    Metric("adverse_events", "incidents that harmed a patient", "count", "lower"),
    Metric("preventable_adverse_events", "adverse events caused by an error", "count", "lower"),
    Metric("staff_reports", "incident reports filed by staff", "count"),
    Metric("patient_reports", "reports and concerns raised by patients", "count"),
    Metric("reporting_rate", "staff incident reports per incident", "ratio", "higher",
           "staff_reports", "incidents"),
    Metric("harm_capture", "share of adverse events reported by staff", "ratio", "higher",
           "reported_adverse_events", "adverse_events"),
    Metric("workarounds", "obstacles worked around today", "count", "lower"),
    Metric("workaround_rate", "workarounds per obstacle met", "ratio", "lower",
           "workarounds", "obstacle_encounters"),
    Metric("psychological_safety", "mean psychological safety of clinicians (0-1)", "state",
           "higher"),
    Metric("trust_in_management", "mean trust of clinicians in management (0-1)", "state",
           "higher"),
    Metric("burnout_prevalence", "share of clinicians burned out", "state", "lower"),
    Metric("measured_compliance", "compliance seen by auditors on audit days", "ratio", "",
           "audited_compliant", "audited_encounters"),
    Metric("true_compliance", "share of obstacles met without a workaround", "ratio", "higher",
           "workarounds", "obstacle_encounters", complement=True),
    Metric("open_hazards", "latent hazards open at the end of the day", "state", "lower"),
    Metric("hazards_fixed", "hazards fixed today", "count", "higher"),
    Metric("admin_time_share", "share of clinicians' working time spent on regulatory work",
           "ratio", "lower", "regulatory_time", "working_time"),
    # Supporting columns: numerators, denominators and further views of the same day.
    Metric("reported_adverse_events", "adverse events reported by staff", "count", "higher"),
    Metric("obstacle_encounters", "obstacles (hazards, pointless rules) met", "count", "lower"),
    Metric("audited_encounters", "obstacles met under an auditor's eye", "count"),
    Metric("audited_compliant", "of those, met without a workaround", "count"),
    Metric("regulatory_time", "clinician-days spent on regulatory work", "count", "lower"),
    Metric("working_time", "clinician-days worked", "count"),
    Metric("second_order_responses", "problems fixed or reported at their cause", "count",
           "higher"),
    Metric("second_order_share", "second-order responses per obstacle met", "ratio", "higher",
           "second_order_responses", "obstacle_encounters"),
    Metric("hazard_reports", "problems reported by staff", "count"),
    Metric("new_hazards", "latent hazards that appeared today", "count"),
    Metric("blame_responses", "reports answered with blame", "count", "lower"),
    Metric("learning_responses", "reports answered with learning", "count", "higher"),
    Metric("feedback_given", "reports whose reporter got feedback", "count", "higher"),
    Metric("patient_catches", "errors stopped by a patient speaking up", "count"),
    Metric("patient_reports_acted_on", "patient reports that led to action", "count", "higher"),
    Metric("walkrounds", "walkrounds held", "count"),
    Metric("audits", "ward audits held", "count"),
    Metric("perceived_usefulness", "mean belief that reporting changes something", "state",
           "higher"),
    Metric("deviation_tolerance", "mean tolerance of deviation from procedure", "state",
           "lower"),
    Metric("nonpunitive_perception", "share of clinicians who expect no blame for reporting",
           "state", "higher"),
    Metric("burnout_nurses", "share of nurses burned out", "state", "lower"),
    Metric("burnout_doctors", "share of doctors burned out", "state", "lower"),
    Metric("silent_staff_share", "share of clinicians with no report in the past 365 days",
           "state"),
    Metric("report_backlog", "reports waiting for follow-up", "state", "lower"),
    Metric("psychological_safety_sd", "standard deviation of clinicians' psychological safety "
           "(the unit of effect sizes in SD)", "state"),
    Metric("trust_sd", "standard deviation of clinicians' trust in management", "state"),
    Metric("serious_events", "serious, visible harm events that set off a correction", "count",
           "lower"),
    Metric("leavers", "clinicians who left today", "count", "lower"),
    Metric("vacancies", "posts empty at the end of the day", "state", "lower"),
    Metric("support_queue", "problems waiting for support services", "state", "lower"),
    Metric("manager_punitiveness", "mean chance ward managers answer a report with blame",
           "state", "lower"),
    Metric("audit_readiness", "mean readiness of wards for audits (0-1)", "state"),
)

METRIC_BY_NAME = {metric.name: metric for metric in METRICS}

# Columns named by the metrics contract that other tools and users rely on.
CONTRACT_COLUMNS = tuple(metric.name for metric in METRICS[:20])

TALLIED = (
    "admissions", "incidents", "near_misses", "adverse_events", "preventable_adverse_events",
    "staff_reports", "patient_reports", "reported_adverse_events", "workarounds",
    "obstacle_encounters", "audited_encounters", "audited_compliant", "second_order_responses",
    "hazard_reports", "new_hazards", "hazards_fixed", "blame_responses", "learning_responses",
    "feedback_given", "patient_catches", "patient_reports_acted_on", "walkrounds", "audits",
    "serious_events", "leavers",
)


class DailyTally:
    """Counters for one day, reset after each day's row is collected."""

    __slots__ = ("counts",)

    def __init__(self) -> None:
        self.counts: dict[str, int] = dict.fromkeys(TALLIED, 0)

    def reset(self) -> None:
        self.counts = dict.fromkeys(TALLIED, 0)

    def add(self, name: str, amount: int = 1) -> None:
        """Count `amount` more of `name`; an unknown name fails loudly (KeyError)."""
        counts = self.counts
        if name not in counts:
            raise KeyError(f"{name!r} is not a tallied count of sim.metrics.TALLIED")
        counts[name] += amount

    def __getitem__(self, name: str) -> int:
        return self.counts[name]


def ratio(numerator: float, denominator: float) -> float:
    """numerator / denominator, or NaN when nothing was there to count."""
    return numerator / denominator if denominator else math.nan


def period_value(metric: Metric, columns: Mapping[str, Sequence[float]]) -> float:
    """A metric over a period: counts summed, ratios as ratios of sums, states averaged."""
    if metric.kind == "ratio":
        value = ratio(sum(columns[metric.numerator]), sum(columns[metric.denominator]))
        return 1.0 - value if metric.complement else value
    values = [v for v in columns[metric.name] if not math.isnan(v)]
    if metric.kind == "count":
        return float(sum(values))
    return sum(values) / len(values) if values else math.nan
