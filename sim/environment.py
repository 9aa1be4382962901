"""The parts of the hospital that are environment rather than agents: wards, hazards, reports.

A ward is a clinical team with its beds, its clinicians, its manager and its open latent hazards
(broken equipment, missing supplies, process gaps: the 'problems' of Tucker & Edmondson 2003 that
make workarounds necessary). Interactions stay inside a ward (peers, own manager), which keeps
the cost of a day linear in the size of the hospital.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.clinician import Clinician
    from sim.manager import Manager
    from sim.patient import Patient

HAZARD_KINDS = ("equipment", "supplies", "process")


@dataclass(eq=False)
class Hazard:
    """A latent problem in a ward; it persists until fixed or until it resolves by itself."""

    kind: str
    ward: Ward
    opened_day: int
    reported: bool = False


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
class Ward:
    """A clinical team: beds, clinicians, a manager and the hazards they work around."""

    index: int
    beds: int
    clinicians: list[Clinician] = field(default_factory=list)
    patients: list[Patient] = field(default_factory=list)
    hazards: list[Hazard] = field(default_factory=list)
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
        return True
