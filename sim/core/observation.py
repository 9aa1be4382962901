"""Observation: reading one row of the daily metrics from the model at the end of a day.

Counts come from the day's tally (kept as agents act); states are read from the agents.
Column meanings are in `sim.core.metrics.METRICS` and docs/ODD.md, section 8.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from sim.core import mechanisms as rules
from sim.core import survey
from sim.core.metrics import TALLIED, daily_ratios

if TYPE_CHECKING:
    from sim.core.model import HospitalModel


def summarise_day(model: HospitalModel) -> dict[str, float]:
    """One row of daily data: the day's counts and the agents' states at its end."""
    summary = {name: float(model.tally[name]) for name in TALLIED}
    staff, rows = model.staff, model.staff_rows
    # Each state read once into a list of Python numbers: this runs every simulated day.
    safety = staff.read("psychological_safety", rows)
    trust = staff.read("trust_in_management", rows)
    burned_out = rules.burned_out(staff.columns.exhaustion[rows],
                                  model.config.clinicians.burnout_threshold).tolist()
    doctor = staff.read("doctor", rows)
    on_duty = staff.columns.on_duty[rows]
    regulatory = sum(staff.columns.regulatory_time[rows][on_duty].tolist())
    demand = np.array([ward.care_demand for ward in model.wards])
    care = sum(demand[staff.columns.ward[rows][on_duty]].tolist())
    year_ago = model.day - 365
    patients = float(sum(len(w.patients) for w in model.wards))
    summary.update(survey.measure({belief: getattr(staff.columns, belief)[rows]
                                   for belief in survey.BELIEFS_READ}, model.config.survey))
    summary.update(
        day=float(model.scenario_day),
        patients=patients,
        patient_days=patients,
        psychological_safety=mean(safety),
        trust_in_management=mean(trust),
        perceived_usefulness=mean(staff.read("perceived_usefulness", rows)),
        deviation_tolerance=mean(staff.read("deviation_tolerance", rows)),
        nonpunitive_perception=mean((staff.columns.perceived_blame[rows] < 0.5).tolist()),
        burnout_prevalence=mean(burned_out),
        burnout_nurses=mean([b for b, d in zip(burned_out, doctor, strict=True) if not d]),
        burnout_doctors=mean([b for b, d in zip(burned_out, doctor, strict=True) if d]),
        silent_staff_share=mean((staff.columns.last_report_day[rows] <= year_ago).tolist()),
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
    squares = (np.asarray(values) - centre) ** 2
    return math.sqrt(math.fsum(squares.tolist()) / len(values))


def mean(values: list[float] | list[bool]) -> float:
    """Mean of a list (NaN for an empty one)."""
    return math.fsum(values) / len(values) if values else math.nan
