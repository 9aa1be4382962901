"""Errors in the day's routine care (M8, M9), counted for the whole staff at once.

Each clinician on duty cares for their share of the ward's patients. The odds of an error in
one patient's care rise with workload and burnout (`mechanisms.care_error_odds`) and with
missing documentation (`mechanisms.documentation_error_odds`); care tasks that a sensible
barrier should protect and no rule covers carry the unprotected risk of a bypassed barrier
(`mechanisms.unguarded_barrier_tasks`, `workaround_excess_risk`). The day's number of errors
is Poisson. It is drawn with keyed uniforms (day, ward, post), so that paired
scenarios see the same errors wherever policy has not changed the odds (common random numbers);
`keyed_uniform` is the implementation behind `KeyedDraws.uniform` too. Each error then
goes to its clinician (`Clinician.err_in_care`): caught by a colleague or the patient, or it
reaches the patient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.core import mechanisms as rules
from sim.core.random_streams import ERROR_COUNT, keyed_uniform, poisson_quantile
from sim.core.records import error_record

if TYPE_CHECKING:
    from sim.core.model import HospitalModel
    from sim.core.passes.shift import OnDuty


def give_care(model: HospitalModel, duty: OnDuty) -> None:
    """The day's routine care by everyone on duty, after the obstacles."""
    config = model.config
    day = model.day
    errors = model.configured(error_record)
    unguarded = rules.unguarded_barrier_tasks(errors, float(config.regulation.rule_obstacles),
                                              float(config.regulation.coherence))
    counts = count_care_errors(
        duty.rows, model.staff.compiled, unguarded, float(config.regulation.admin_share),
        float(config.burnout.doctor_admin_extra), float(config.clinicians.burnout_threshold),
        model.inpatients.count,
        np.array([len(ward.on_duty) for ward in model.wards], dtype=np.int64),
        errors, float(config.clinicians.base_error_rate),
        float(config.obstacles.safety_barrier_protection),
        float(config.patients.mean_vulnerability), model.keyed.key, day, ERROR_COUNT)
    for who in np.flatnonzero(counts).tolist():
        duty.members[who].err_in_care(day, int(counts[who]))


@njit(cache=True)
def count_care_errors(duty, staff, unguarded, admin_share, doctor_admin_extra, burnout_threshold,
                      patients, on_duty, errors, base_rate, barrier_protection, vulnerability,
                      key, day, purpose):
    """Each on-duty clinician's (`duty`: rows of the staff table `staff`) number of errors in
    today's care: their share of the ward's patients at the day's odds, plus the unguarded
    barrier tasks at the unprotected risk."""
    counts = np.zeros(len(duty), dtype=np.int64)
    for i in range(len(duty)):
        r = duty[i]
        w = staff.ward[r]
        if patients[w] == 0:
            continue
        odds = rules.care_error_odds(
            errors, base_rate, rules.burned_out(staff.exhaustion[r], burnout_threshold),
            vulnerability, staff.time_pressure[r]) \
            * rules.documentation_error_odds(
                errors, rules.admin_share(admin_share, doctor_admin_extra, staff.doctor[r]))
        chance = odds / (1.0 + odds)
        expected = patients[w] / on_duty[w] * chance
        if unguarded > 0.0:
            expected += unguarded * rules.workaround_excess_risk(errors, odds,
                                                                 barrier_protection)
        counts[i] = poisson_quantile(expected, keyed_uniform(key, day, w, staff.post[r], purpose))
    return counts
