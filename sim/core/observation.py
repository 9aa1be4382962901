"""Observation: reading one row of the daily metrics from the model at the end of a day.

Counts come from the day's tally (kept as agents act); states are read from the agents.
Column meanings are in `sim.core.metrics.METRICS` and docs/ODD.md, section 8.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
from mesa import DataCollector
from numba import njit

from sim.core import mechanisms as rules
from sim.core import survey
from sim.core.metrics import TALLIED, daily_ratios
from sim.core.sums import compensated_mean, compensated_sum, population_sd

if TYPE_CHECKING:
    from sim.core.model import HospitalModel


def summarise_day(model: HospitalModel) -> dict[str, float]:
    """One row of daily data: the day's counts and the agents' states at its end."""
    summary = {name: float(model.tally[name]) for name in TALLIED}
    staff, rows = model.staff, model.staff_rows
    columns = staff.columns
    demand = np.array([ward.care_demand for ward in model.wards])
    census = staff_census(rows, staff.compiled, model.config.clinicians.burnout_threshold, demand,
                          model.day - 365)
    patients = float(len(model.inpatients.members))
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


def read_day_summary(name: str, model: HospitalModel) -> float:
    return model.day_summary[name]


class DailyRecords(DataCollector):
    """Mesa's collector of the day's summary (`HospitalModel.day_summary`), one column per name.

    Every value recorded is a float, which cannot change once recorded; so after Mesa's first
    collection (which validates the reporters) the copy that Mesa makes of every value, meant
    for reporters that return mutable objects, is skipped: it cost more than the rest of
    recording the day. The records are the same either way.
    """

    def __init__(self, names: Iterable[str]) -> None:
        self.names = tuple(names)
        super().__init__(model_reporters={name: partial(read_day_summary, name)
                                          for name in self.names})

    def collect(self, model: HospitalModel) -> None:
        if (not self._validated or self.agent_reporters or self.agenttype_reporters
                or len(self.model_reporters) != len(self.names)):
            super().collect(model)  # reporters other than the summary's: Mesa's own way
            return
        self._collection_steps.append(model.time)
        summary = model.day_summary
        for name in self.names:
            self.model_vars[name].append(summary[name])


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
    safety = staff.psychological_safety[rows]
    trust = staff.trust_in_management[rows]
    burned = rules.burned_out(staff.exhaustion[rows], burnout_threshold).astype(np.float64)
    doctor = staff.doctor[rows]
    on_duty = staff.on_duty[rows]
    regulatory = staff.regulatory_time[rows][on_duty]
    care = care_demand[staff.ward[rows][on_duty]]
    regulatory_time = compensated_sum(regulatory)
    return (compensated_mean(safety), compensated_mean(trust),
            compensated_mean(staff.perceived_usefulness[rows]),
            compensated_mean(staff.deviation_tolerance[rows]),
            compensated_mean((staff.perceived_blame[rows] < 0.5).astype(np.float64)),
            compensated_mean(burned), compensated_mean(burned[~doctor]),
            compensated_mean(burned[doctor]),
            compensated_mean((staff.last_report_day[rows] <= year_ago).astype(np.float64)),
            regulatory_time, regulatory_time + compensated_sum(care), population_sd(safety),
            population_sd(trust))


def mean(values: list[float] | list[bool]) -> float:
    """Mean of a list (NaN for an empty one)."""
    return math.fsum(values) / len(values) if values else math.nan
