"""Observation: reading one row of the daily metrics from the model at the end of a day.

Counts come from the day's tally (kept as agents act); states are read from the agents.
Column meanings are in `sim.core.metrics.METRICS` and docs/ODD.md, section 8.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from sim.core import survey
from sim.core.metrics import TALLIED, daily_ratios
from sim.core.world import DOCTOR

if TYPE_CHECKING:
    from sim.core.model import HospitalModel


def summarise_day(model: HospitalModel) -> dict[str, float]:
    """One row of daily data: the day's counts and the agents' states at its end."""
    summary = {name: float(model.tally[name]) for name in TALLIED}
    staff = model.clinician_list
    # Each state read once into a list: this runs every simulated day.
    safety = [c.psychological_safety for c in staff]
    trust = [c.trust_in_management for c in staff]
    burned_out = [c.burned_out for c in staff]
    doctor = [c.role == DOCTOR for c in staff]
    on_duty = [c for c in staff if c.on_duty]
    regulatory = sum(c.regulatory_time for c in on_duty)
    care = sum(c.ward.care_demand for c in on_duty)
    year_ago = model.day - 365
    patients = float(sum(len(w.patients) for w in model.wards))
    summary.update(survey.measure(staff, model.config.survey))
    summary.update(
        day=float(model.scenario_day),
        patients=patients,
        patient_days=patients,
        psychological_safety=mean(safety),
        trust_in_management=mean(trust),
        perceived_usefulness=mean([c.perceived_usefulness for c in staff]),
        deviation_tolerance=mean([c.deviation_tolerance for c in staff]),
        nonpunitive_perception=mean([c.perceived_blame < 0.5 for c in staff]),
        burnout_prevalence=mean(burned_out),
        burnout_nurses=mean([b for b, d in zip(burned_out, doctor, strict=True) if not d]),
        burnout_doctors=mean([b for b, d in zip(burned_out, doctor, strict=True) if d]),
        silent_staff_share=mean([c.last_report_day <= year_ago for c in staff]),
        open_hazards=float(sum(len(w.hazards) for w in model.wards)),
        regulatory_time=regulatory,
        working_time=regulatory + care,
        report_backlog=float(sum(len(m.backlog) for m in model.ward_managers)),
        psychological_safety_sd=spread(safety),
        trust_sd=spread(trust),
        vacancies=float(sum(len(w.vacancies) for w in model.wards)),
        support_queue=float(model.support_services.waiting),
        manager_punitiveness=mean([m.punitiveness for m in model.ward_managers]),
        audit_readiness=mean([w.audit_readiness for w in model.wards]),
    )
    summary.update(daily_ratios(summary))  # each ratio as `sim.core.metrics` declares it
    return summary


def spread(values: list[float]) -> float:
    """Population standard deviation (NaN for an empty list).

    Two passes in floating point rather than `statistics.pstdev`, whose exact rational
    arithmetic cost a tenth of a simulated day; the difference is below 1e-15."""
    if not values:
        return math.nan
    centre = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((value - centre) ** 2 for value in values) / len(values))


def mean(values: list[float] | list[bool]) -> float:
    """Mean of a list (NaN for an empty one)."""
    return math.fsum(values) / len(values) if values else math.nan
