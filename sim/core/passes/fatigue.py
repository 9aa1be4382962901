"""The day's strain and recovery, for the whole staff at once (M8).

After the day's care, each clinician on duty tires toward the day's strain (workload,
paperwork, and the support of a safe ward and trusted managers), their resilience wanders, and
time pressure pushes practice toward the boundary (M6 efficiency drift); those off duty
recover, more slowly than a working day builds exhaustion. The rules are `sim.core.mechanisms`'
`felt_support`, `daily_strain`, `relax`, `wander` and `efficiency_drift`, run compiled over the
staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.config.behaviour import BurnoutBehaviour
from sim.core import mechanisms as rules
from sim.core.records import as_record, record_type

if TYPE_CHECKING:
    from sim.core.model import HospitalModel
    from sim.core.passes.shift import Staff

BurnoutRecord = record_type("BurnoutRecord", BurnoutBehaviour, __name__)


def end_shifts(model: HospitalModel, staff: Staff | None) -> None:
    """Tire those who worked today (`staff`, from the day's obstacles) and rest the others."""
    config = model.config
    rest_rate = config.burnout.rest_recovery_share * config.clinicians.recovery_rate
    for clinician in model.clinician_list:
        if not clinician.on_duty:
            clinician.exhaustion = rules.relax(clinician.exhaustion, 0.0, rest_rate)
    if staff is None:
        return
    duty = staff.members
    exhaustion = np.array([c.exhaustion for c in duty])
    resilience = np.array([c.resilience for c in duty])
    tolerance = np.array([c.deviation_tolerance for c in duty])  # moved by today's events
    # Beliefs have not changed since the morning's obstacles: managers answer reports later.
    tire(staff.pressure, staff.admin_share, staff.safety, staff.trust, staff.doctor, exhaustion,
         resilience, tolerance, as_record(BurnoutRecord, config.burnout),
         float(config.clinicians.recovery_rate), float(config.clinicians.efficiency_drift),
         float(config.learning.drift_threshold), model.streams.resilience)
    for clinician, tired, resilient, tolerant in zip(
            duty, exhaustion.tolist(), resilience.tolist(), tolerance.tolist(), strict=True):
        clinician.exhaustion = tired
        clinician.resilience = resilient
        clinician.deviation_tolerance = tolerant


@njit(cache=True)
def tire(pressure, admin_share, safety, trust, doctor, exhaustion, resilience, tolerance,
         burnout, recovery_rate, drift_rate, drift_threshold, shocks):
    """M8 exhaustion moves toward the day's strain, relieved by support (burnout is exhaustion
    past a threshold); resilience wanders (an Ornstein-Uhlenbeck trait); M6 pressure drifts
    practice."""
    for i in range(len(pressure)):
        strain = rules.daily_strain(pressure[i], admin_share[i], resilience[i],
                                    rules.felt_support(safety[i], trust[i]), burnout, doctor[i])
        exhaustion[i] = rules.relax(exhaustion[i], strain, recovery_rate)
        resilience[i] = rules.wander(resilience[i], burnout.resilience_spread,
                                     burnout.resilience_days, shocks.normal())
        tolerance[i] = rules.efficiency_drift(tolerance[i], pressure[i], drift_rate,
                                              drift_threshold)
