"""Errors in the day's routine care (M8, M9), counted for the whole staff at once.

Each clinician on duty cares for their share of the ward's patients. The odds of an error in
one patient's care rise with workload and burnout (`mechanisms.care_error_odds`), and the day's
number of errors is Poisson. It is drawn with keyed uniforms (day, ward, post), so that paired
scenarios see the same errors wherever policy has not changed the odds (common random numbers);
the compiled `keyed_uniform` gives exactly the draws of `KeyedDraws.uniform`. Each error then
goes to its clinician (`Clinician.err_in_care`): caught by a colleague or the patient, or it
reaches the patient.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim import mechanisms as rules
from sim.clinician import ERROR_COUNT
from sim.compiled import as_record
from sim.random_streams import keyed_uniform, poisson_quantile
from sim.shift import ErrorRecord

if TYPE_CHECKING:
    from sim.model import HospitalModel
    from sim.shift import Staff


def give_care(model: HospitalModel, staff: Staff) -> None:
    """The day's routine care by everyone on duty, after the obstacles."""
    config = model.config
    day = model.day
    counts = count_care_errors(
        staff.ward, staff.post, staff.burned_out, staff.pressure,
        np.array([len(ward.patients) for ward in model.wards], dtype=np.int64),
        np.array([len(ward.on_duty) for ward in model.wards], dtype=np.int64),
        as_record(ErrorRecord, config.errors), float(config.clinicians.base_error_rate),
        float(config.patients.mean_vulnerability), model.keyed.key, day, ERROR_COUNT)
    for who in np.flatnonzero(counts).tolist():
        staff.members[who].err_in_care(day, int(counts[who]))


@njit(cache=True)
def count_care_errors(ward, post, burned_out, pressure, patients, on_duty, errors, base_rate,
                      vulnerability, key, day, purpose):
    """Each on-duty clinician's number of errors in today's care."""
    counts = np.zeros(len(ward), dtype=np.int64)
    for i in range(len(ward)):
        w = ward[i]
        if patients[w] == 0:
            continue
        odds = rules.care_error_odds(errors, base_rate, burned_out[i], vulnerability,
                                     pressure[i])
        chance = odds / (1.0 + odds)
        counts[i] = poisson_quantile(patients[w] / on_duty[w] * chance,
                                     keyed_uniform(key, day, w, post[i], purpose))
    return counts
