"""The parts of the hospital that are environment rather than agents: wards, hazards, reports,
and the support services (estates, supplies, IT) that fix what a ward cannot.

A ward is a clinical team with its beds, its clinicians, its manager and its open latent hazards
(broken equipment, missing supplies, process gaps: the 'problems' of Tucker & Edmondson 2003 that
make workarounds necessary). Interactions stay inside a ward (peers, own manager), which keeps
the cost of a day linear in the size of the hospital. The vocabulary the agents and the day's
passes share lives here too: the kinds of hazard and the clinicians' roles.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

if TYPE_CHECKING:
    import random

    from sim.config.behaviour import ImprovementBehaviour
    from sim.core.agents.clinician import Clinician
    from sim.core.agents.manager import Manager
    from sim.core.agents.patient import Patient

HAZARD_KINDS = ("equipment", "supplies", "process")
# The configuration key of each kind's chance of being fixed on the ward (the rest go to
# support services).
LOCAL_FIX_KEYS = {"equipment": "equipment_local_fix", "supplies": "supplies_local_fix",
                  "process": "process_local_fix"}
# The roles of the clinicians on a ward.
NURSE, DOCTOR = "nurse", "doctor"
VULNERABILITY = attrgetter("vulnerability")
INBORN_ENGAGEMENT = attrgetter("inborn_engagement")


class InpatientCensus(NamedTuple):
    """Today's inpatients, ward after ward, as the day's passes read them: ward `w`'s patients
    are `members[start[w]:start[w + 1]]`. Taken once a day after admissions
    (`take_inpatient_census`), because bedside, shift and care all read it and no bed changes
    hands again until the next morning."""

    members: list[Patient]
    start: np.ndarray  # int64, one more than there are wards
    ward: np.ndarray  # int64, each patient's ward index
    count: np.ndarray  # int64, patients on each ward
    vulnerability: np.ndarray
    inborn_engagement: np.ndarray


def take_inpatient_census(wards: list[Ward]) -> InpatientCensus:
    """The census of `wards`' patients as they are now."""
    members = [patient for ward in wards for patient in ward.patients]
    count = np.array([len(ward.patients) for ward in wards], dtype=np.int64)
    start = np.zeros(len(wards) + 1, dtype=np.int64)
    np.cumsum(count, out=start[1:])
    size = len(members)
    return InpatientCensus(
        members, start, np.repeat(np.arange(len(wards), dtype=np.int64), count), count,
        np.fromiter(map(VULNERABILITY, members), dtype=np.float64, count=size),
        np.fromiter(map(INBORN_ENGAGEMENT, members), dtype=np.float64, count=size))


@dataclass(eq=False)
class Hazard:
    """A latent problem in a ward; it persists until fixed or until it resolves by itself."""

    kind: str
    ward: Ward
    opened_day: int
    reported: bool = False
    escalated: bool = False  # waiting for support services
    open: bool = True  # False once fixed or gone by itself


@dataclass(eq=False)
class Report:
    """An incident report, a reported problem, or a concern raised by a patient."""

    kind: str  # "incident", "hazard" or "patient"
    ward: Ward
    day: int
    reporter: Clinician | None
    harm: bool = False
    hazard: Hazard | None = None


@dataclass(eq=False)
class Vacancy:
    """A post left empty by a leaver, filled on `fill_day`."""

    role: str
    post: int
    fill_day: int


@dataclass(eq=False)
class Ward:
    """A clinical team: beds, clinicians, a manager and the hazards they work around."""

    index: int
    beds: int
    clinicians: list[Clinician] = field(default_factory=list)
    patients: list[Patient] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
    vacancies: list[Vacancy] = field(default_factory=list)
    posts: int = 0  # posts created so far; a post keeps its number through turnover
    manager: Manager | None = None
    on_duty: list[Clinician] = field(default_factory=list)
    # Recomputed every morning from the people in the ward (see HospitalModel.prepare_wards).
    care_demand: float = 0.0
    safety_climate: float = 0.5
    deviation_norm: float = 0.35
    usefulness_climate: float = 0.35
    audited_today: bool = False
    audit_day: int = -1
    walkround_day: int = -1
    last_walkround_day: int = -10**6  # the ward's last walkround held (saturation, M11)
    # Slow ward states: readiness for audits (M12) and alert after a serious event (M6).
    audit_readiness: float = 0.0
    vigilance: float = 0.0
    # Running totals per ward, used for between-ward comparisons (the reporting paradox, F2).
    incidents: int = 0
    adverse_events: int = 0
    staff_reports: int = 0

    @property
    def name(self) -> str:
        return f"Ward {self.index + 1}"

    @property
    def free_beds(self) -> int:
        return self.beds - len(self.patients)

    def fix(self, hazard: Hazard) -> bool:
        """Remove a hazard; False if it was already gone."""
        try:
            self.hazards.remove(hazard)
        except ValueError:
            return False
        hazard.open = False
        return True


class SupportServices:
    """Estates, supplies and IT: problems a ward cannot fix wait here (Tucker & Edmondson 2003).

    Work is taken in order of when it falls due (after a random delay), within a daily capacity
    shared by every ward, so that many escalations at once lengthen everyone's wait.
    """

    def __init__(self) -> None:
        self.queue: list[tuple[float, int, Hazard]] = []
        self.order = itertools.count()
        self.credit = 0.0

    def escalate(self, hazard: Hazard, day: int, draw: random.Random,
                 rules: ImprovementBehaviour) -> None:
        if hazard.escalated:
            return
        hazard.escalated = True
        delay = draw.expovariate(1.0 / rules.support_delay_days) \
            if rules.support_delay_days > 0 else 0.0
        heapq.heappush(self.queue, (day + delay, next(self.order), hazard))

    def work(self, day: int, draw: random.Random, rules: ImprovementBehaviour,
             wards: int) -> list[Hazard]:
        """Today's jobs; returns the hazards fixed (failed jobs can be escalated again)."""
        capacity = rules.support_capacity * wards
        # At most one job's worth of unused time carries over: a capacity below a job a day
        # still adds up to a job every so many days, and idle weeks do not bank a burst. (Capping
        # the credit after today's capacity was added cut off the part of each day's capacity
        # that overshot a whole job: a share of the throughput that grew with the hospital.)
        self.credit = min(self.credit, 1.0) + capacity
        fixed: list[Hazard] = []
        while self.queue and self.queue[0][0] <= day and self.credit >= 1.0:
            hazard = heapq.heappop(self.queue)[2]
            hazard.escalated = False
            if not hazard.open:
                continue  # gone by itself or fixed meanwhile: no work to do
            self.credit -= 1.0
            if draw.random() < rules.support_success and hazard.ward.fix(hazard):
                fixed.append(hazard)
        return fixed

    @property
    def waiting(self) -> int:
        """Problems still open in the queue; a problem that went by itself or was fixed
        meanwhile keeps its place until it is reached (then it costs nothing), but is not
        waiting for anyone."""
        return sum([entry[2].open for entry in self.queue])
