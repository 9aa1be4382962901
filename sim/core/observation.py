"""Observation: reading one row of the daily metrics from the model at the end of a day.

Counts come from the day's tally (kept as agents act); states are read from the agents.
Column meanings are in `sim.core.metrics.METRICS` and docs/ODD.md, section 8.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numba import njit
from numba.extending import register_jitable as jitable

from sim.core import mechanisms as rules
from sim.core import survey
from sim.core.metrics import TALLIED, daily_ratios

if TYPE_CHECKING:
    from sim.core.model import HospitalModel


def summarise_day(model: HospitalModel) -> dict[str, float]:
    """One row of daily data: the day's counts and the agents' states at its end."""
    summary = {name: float(model.tally[name]) for name in TALLIED}
    staff, rows = model.staff, model.staff_rows
    columns = staff.columns
    demand = np.array([ward.care_demand for ward in model.wards])
    census = staff_census(rows, columns, model.config.clinicians.burnout_threshold, demand,
                          model.day - 365)
    patients = float(sum(len(w.patients) for w in model.wards))
    summary.update(survey.measure({belief: getattr(columns, belief)[rows]
                                   for belief in survey.BELIEFS_READ}, model.config.survey))
    summary.update(zip(CENSUS, census, strict=True))
    summary.update(
        day=float(model.scenario_day),
        patients=patients,
        patient_days=patients,
        open_hazards=float(sum(len(w.hazards) for w in model.wards)),
        report_backlog=float(sum(len(m.backlog) for m in model.ward_managers)),
        vacancies=float(sum(len(w.vacancies) for w in model.wards)),
        support_queue=float(model.support_services.waiting),
        manager_punitiveness=mean([m.punitiveness for m in model.ward_managers]),
        audit_readiness=mean([w.audit_readiness for w in model.wards]),
    )
    summary.update(daily_ratios(summary))  # each ratio as `sim.core.metrics` declares it
    return summary


# What `staff_census` returns, in its order.
CENSUS = ("psychological_safety", "trust_in_management", "perceived_usefulness",
          "deviation_tolerance", "nonpunitive_perception", "burnout_prevalence",
          "burnout_nurses", "burnout_doctors", "silent_staff_share", "regulatory_time",
          "working_time", "psychological_safety_sd", "trust_sd")


@njit(cache=True)
def staff_census(rows, staff, burnout_threshold, care_demand, year_ago):
    """The staff's states at the end of the day, in the order of `CENSUS` (compiled: this runs
    every simulated day). Means are compensated sums (`compensated_mean`), as `math.fsum`
    gives them to within rounding, so the figures do not depend on the order of the rows."""
    n = len(rows)
    safety = np.empty(n)
    trust = np.empty(n)
    usefulness = np.empty(n)
    tolerance = np.empty(n)
    nonpunitive = np.empty(n)
    burned = np.empty(n)
    silent = np.empty(n)
    doctors = 0
    for i in range(n):
        r = rows[i]
        safety[i] = staff.psychological_safety[r]
        trust[i] = staff.trust_in_management[r]
        usefulness[i] = staff.perceived_usefulness[r]
        tolerance[i] = staff.deviation_tolerance[r]
        nonpunitive[i] = 1.0 if staff.perceived_blame[r] < 0.5 else 0.0
        burned[i] = 1.0 if rules.burned_out(staff.exhaustion[r], burnout_threshold) else 0.0
        silent[i] = 1.0 if staff.last_report_day[r] <= year_ago else 0.0
        doctors += 1 if staff.doctor[r] else 0
    nurse_burnout = np.empty(n - doctors)
    doctor_burnout = np.empty(doctors)
    regulatory = np.empty(n)
    care = np.empty(n)
    on_duty = 0
    nurse = doctor = 0
    for i in range(n):
        r = rows[i]
        if staff.doctor[r]:
            doctor_burnout[doctor] = burned[i]
            doctor += 1
        else:
            nurse_burnout[nurse] = burned[i]
            nurse += 1
        if staff.on_duty[r]:
            regulatory[on_duty] = staff.regulatory_time[r]
            care[on_duty] = care_demand[staff.ward[r]]
            on_duty += 1
    regulatory_time = compensated_sum(regulatory[:on_duty])
    return (compensated_mean(safety), compensated_mean(trust), compensated_mean(usefulness),
            compensated_mean(tolerance), compensated_mean(nonpunitive), compensated_mean(burned),
            compensated_mean(nurse_burnout), compensated_mean(doctor_burnout),
            compensated_mean(silent), regulatory_time,
            regulatory_time + compensated_sum(care[:on_duty]), population_sd(safety),
            population_sd(trust))


@jitable
def compensated_sum(values):
    """Neumaier's compensated sum: as `math.fsum` to within one rounding."""
    total = 0.0
    correction = 0.0
    for value in values:
        t = total + value
        if abs(total) >= abs(value):
            correction += (total - t) + value
        else:
            correction += (value - t) + total
        total = t
    return total + correction


@jitable
def compensated_mean(values):
    """Mean by `compensated_sum` (NaN for no values)."""
    return compensated_sum(values) / len(values) if len(values) else np.nan


@jitable
def population_sd(values):
    """Population standard deviation in two passes (NaN for no values)."""
    if len(values) == 0:
        return np.nan
    centre = compensated_mean(values)
    return math.sqrt(compensated_sum((values - centre) ** 2) / len(values))


def mean(values: list[float] | list[bool]) -> float:
    """Mean of a list (NaN for an empty one)."""
    return math.fsum(values) / len(values) if values else math.nan
