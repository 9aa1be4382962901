"""Learning from peers and forgetting, for the whole staff at once, at the end of the day.

Beliefs and habits move toward the ward's climate and norm (Debono 2013), and settle back
toward each clinician's own disposition as events fade from memory; the dispositions
themselves learn slowly from experience (`mechanisms.settle_belief`), so one response is
remembered for weeks and a year of them moves the settled view (Edwards 2018: nonpunitive
response moves slowly; gains outlast a programme). Professional training anchors practice:
without pressure, tolerance returns toward the clinician's own standard (Amalberti 2006:
constraints and peer control pull back). Trust has no ward climate of its own: it only settles.

Each clinician's update reads only their own row and their ward's morning climate, so the order
of the rows does not matter.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from sim.core import mechanisms as rules
from sim.core.sums import compensated_sum

if TYPE_CHECKING:
    from sim.core.model import HospitalModel

PeerRecord = namedtuple("PeerRecord", ["peer_influence", "belief_memory", "climate_influence",
                                       "disposition_rate", "blame_climate_rate"],
                        module=__name__)


def follow_peers(model: HospitalModel) -> None:
    """Every clinician's day of learning from the ward and of forgetting."""
    config = model.config
    clinicians, learning = config.clinicians, config.learning
    record = PeerRecord(float(clinicians.peer_influence), float(clinicians.belief_memory),
                        float(clinicians.climate_influence), float(learning.disposition_rate),
                        float(learning.blame_climate_rate))
    wards = model.wards
    settle(model.staff_rows, model.staff.compiled,
           np.array([ward.safety_climate for ward in wards]),
           np.array([ward.deviation_norm for ward in wards]),
           np.array([ward.usefulness_climate for ward in wards]), record)


@njit(cache=True)
def ward_climates(rows, staff, sizes):
    """Each ward's mean psychological safety, deviation tolerance and perceived usefulness
    (rows 0, 1, 2), over `rows` of the staff table, which run ward after ward, `sizes[w]` of
    them on ward `w` (a ward without staff has 0). Sums are Python's own (`compensated_sum`)."""
    climates = np.zeros((3, len(sizes)))
    first = 0
    for w in range(len(sizes)):
        last = first + sizes[w]
        ward_rows = rows[first:last]
        count = max(sizes[w], 1)
        climates[0, w] = compensated_sum(staff.psychological_safety[ward_rows]) / count
        climates[1, w] = compensated_sum(staff.deviation_tolerance[ward_rows]) / count
        climates[2, w] = compensated_sum(staff.perceived_usefulness[ward_rows]) / count
        first = last
    return climates


@njit(cache=True)
def settle(rows, staff, safety_climate, deviation_norm, usefulness_climate, peers):
    """The rules of the module docstring, for each of `rows` of the staff table."""
    memory = peers.belief_memory
    climate = peers.climate_influence
    settling = peers.disposition_rate
    for r in rows:
        w = staff.ward[r]
        staff.psychological_safety[r], staff.safety_disposition[r] = rules.settle_belief(
            rules.relax(staff.psychological_safety[r], safety_climate[w], climate),
            staff.safety_disposition[r], memory, settling)
        staff.deviation_tolerance[r] = rules.relax(rules.relax(
            staff.deviation_tolerance[r], deviation_norm[w], peers.peer_influence),
            staff.professional_standard[r], memory)
        staff.perceived_usefulness[r], staff.usefulness_disposition[r] = rules.settle_belief(
            rules.relax(staff.perceived_usefulness[r], usefulness_climate[w], climate),
            staff.usefulness_disposition[r], memory, settling)
        staff.trust_in_management[r], staff.trust_disposition[r] = rules.settle_belief(
            staff.trust_in_management[r], staff.trust_disposition[r], memory, settling)
        staff.perceived_blame[r], staff.blame_disposition[r] = rules.settle_belief(
            staff.perceived_blame[r], staff.blame_disposition[r], memory,
            peers.blame_climate_rate)
