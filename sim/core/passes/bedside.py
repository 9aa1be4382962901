"""What each day brings every patient: a complication of care itself, and, for an invited
patient, a chance to raise a concern about a problem on the ward (M10).

The daily chances are the rules of `sim.core.mechanisms` (`complication_probability`,
`patient_engagement`, `concern_probability`), drawn for all patients at once in compiled code;
the consequences (recording the harm, a report, a concern reaching the manager) are the
patients' own (`Patient.suffer_complication`, `Patient.raise_concern`), in the order of the
patients on each ward.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.core import mechanisms as rules
from sim.core.records import error_record

if TYPE_CHECKING:
    from sim.core.model import HospitalModel


def patients_day(model: HospitalModel) -> None:
    """Every patient's complication and concern draws for today, then their consequences."""
    config = model.config
    wards = model.wards
    census = model.inpatients
    patients = census.members
    if not patients:
        return
    complication, concern = draw_patients_day(
        census.ward, census.vulnerability, census.inborn_engagement,
        np.array([bool(ward.hazards) for ward in wards], dtype=np.bool_),
        model.configured(error_record), float(config.patients.complication_rate),
        float(config.patients.mean_vulnerability), float(config.patient_voice.concern_rate),
        float(config.patients.speak_up_invitation),
        float(config.patient_voice.invitation_engagement_gain),
        model.streams.compiled)
    for index in np.flatnonzero(complication | concern).tolist():
        patient = patients[index]
        if complication[index]:
            patient.suffer_complication()
        if concern[index]:
            patient.raise_concern()


@njit(cache=True)
def draw_patients_day(ward, vulnerability, inborn, ward_has_hazards, errors, complication_rate,
                      mean_vulnerability, concern_rate, invitation, invitation_gain, streams):
    """Which patients suffer a complication today, and which raise a concern."""
    complications, concerns = streams.complication_draws, streams.concern_draws
    size = len(ward)
    complication = np.zeros(size, dtype=np.bool_)
    concern = np.zeros(size, dtype=np.bool_)
    for i in range(size):
        complication[i] = complications.random() < rules.complication_probability(
            errors, complication_rate, vulnerability[i], mean_vulnerability)
        chance = rules.concern_probability(
            concern_rate, rules.patient_engagement(inborn[i], invitation, invitation_gain),
            invitation)
        if ward_has_hazards[ward[i]] and chance > 0.0:
            concern[i] = concerns.random() < chance
    return complication, concern
