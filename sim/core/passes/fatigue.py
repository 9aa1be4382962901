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

from numba import njit

from sim.config.behaviour import BurnoutBehaviour
from sim.core import mechanisms as rules
from sim.core.records import as_record, record_type

if TYPE_CHECKING:
    from sim.config import ModelConfig
    from sim.core.model import HospitalModel
    from sim.core.passes.shift import OnDuty

BurnoutRecord = record_type("BurnoutRecord", BurnoutBehaviour, __name__)


def burnout_record(config: ModelConfig) -> tuple:
    """The burnout rules as the compiled pass reads them."""
    return as_record(BurnoutRecord, config.burnout)


def end_shifts(model: HospitalModel, duty: OnDuty | None) -> None:
    """Tire those who worked today (`duty`, from the day's obstacles) and rest the others."""
    config = model.config
    staff = model.staff.compiled
    rest(model.staff_rows, staff,
         float(config.burnout.rest_recovery_share * config.clinicians.recovery_rate))
    if duty is None:
        return
    # Beliefs have not changed since the morning's obstacles: managers answer reports later.
    tire(duty.rows, staff, model.configured(burnout_record),
         float(config.regulation.admin_share), float(config.clinicians.recovery_rate),
         float(config.clinicians.efficiency_drift), float(config.learning.drift_threshold),
         model.streams.compiled)


@njit(cache=True)
def rest(rows, staff, rate):
    """Those of `rows` off duty today recover toward no exhaustion at `rate`."""
    for r in rows:
        if not staff.on_duty[r]:
            staff.exhaustion[r] = rules.relax(staff.exhaustion[r], 0.0, rate)


@njit(cache=True)
def tire(duty, staff, burnout, admin_share, recovery_rate, drift_rate, drift_threshold, streams):
    """M8 exhaustion moves toward the day's strain, relieved by support (burnout is exhaustion
    past a threshold); resilience wanders (an Ornstein-Uhlenbeck trait); M6 pressure drifts
    practice. `duty`: the rows of the staff table `staff` on duty, in order."""
    shocks = streams.resilience
    for r in duty:
        doctor = staff.doctor[r]
        pressure = staff.time_pressure[r]
        strain = rules.daily_strain(
            pressure, rules.admin_share(admin_share, burnout.doctor_admin_extra, doctor),
            staff.resilience[r],
            rules.felt_support(staff.psychological_safety[r], staff.trust_in_management[r]),
            burnout, doctor)
        staff.exhaustion[r] = rules.relax(staff.exhaustion[r], strain, recovery_rate)
        staff.resilience[r] = rules.wander(staff.resilience[r], burnout.resilience_spread,
                                           burnout.resilience_days, shocks.normal())
        staff.deviation_tolerance[r] = rules.efficiency_drift(
            staff.deviation_tolerance[r], pressure, drift_rate, drift_threshold)
