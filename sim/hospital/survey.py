"""Staff safety-culture surveys: the composites a hospital file may give, their national
reference values, and the model quantity each one is compared with.

A survey composite is the share of positive answers (4-5 on a 1-5 scale, reverse-worded items
inverted) averaged over its items (AHRQ SOPS 2.0 scoring: Sorra et al. 2019, the Hospital
Survey 2.0 user's guide). A hospital exports one percent positive and a respondent count per
composite; nothing item-level or per person is needed or accepted.

Reference values: SOPS 2.0 pilot study (Sorra et al. 2019, 28 hospitals) and the first 2.0
user database (Famolaro et al. 2021). Composites range from about 56% (staffing and work pace)
to about 81% positive (teamwork); response to error is about 61%. The values per composite
below are rounded to whole points; hospitals spread widely around them (the gap from the
lowest to the highest hospital averaged about 70 points per composite in the 1.0 database), so
a reference value places a hospital, it does not judge it. SAQ domains (Sexton et al. 2006)
have no single published reference in the same units; their references are left empty, and the
two the model can speak to are compared with its nearest SOPS-style composite (safety climate
with communication openness, perceptions of management with management support).

Each counterpart is a composite the model measures the way the survey does (`sim.core.survey`):
every clinician answers the composite's items on a 1-5 scale from their latent beliefs plus
response noise, and the composite is the share of positive answers.
"""

from __future__ import annotations

from dataclasses import dataclass

SOPS = "SOPS 2.0"
SAQ = "SAQ"
INSTRUMENTS = (SOPS, SAQ)


@dataclass(frozen=True)
class Composite:
    """One survey composite: what it asks, its reference value and the model's counterpart."""

    key: str
    label: str
    instrument: str
    reference: float | None  # national percent positive, None where none is published
    counterpart: str | None  # the model metric it is fitted to, None where the model has none
    asks: str

    @property
    def fitted(self) -> bool:
        return self.counterpart is not None


COMPOSITES: tuple[Composite, ...] = (
    Composite("teamwork", "Teamwork", SOPS, 81, None,
              "staff support one another and work as a team"),
    Composite("staffing_and_work_pace", "Staffing and work pace", SOPS, 56, None,
              "there are enough staff, and the pace allows safe care"),
    Composite("organizational_learning", "Organizational learning - continuous improvement",
              SOPS, 71, None, "mistakes lead to changes that are checked"),
    Composite("response_to_error", "Response to error", SOPS, 61, "sops_response_to_error",
              "staff are treated fairly, not blamed, when they report or make a mistake"),
    Composite("supervisor_support", "Supervisor, manager or clinical leader support for patient "
              "safety", SOPS, 77, None, "the supervisor acts on staff's safety suggestions"),
    Composite("communication_about_error", "Communication about error", SOPS, 74,
              "sops_communication_about_error",
              "staff are told about errors and about changes made because of reports"),
    Composite("communication_openness", "Communication openness", SOPS, 73,
              "sops_communication_openness",
              "staff speak up when they see something unsafe and can question authority"),
    Composite("reporting_patient_safety_events", "Reporting patient safety events", SOPS, 70,
              None, "mistakes caught before reaching the patient are reported"),
    Composite("hospital_management_support", "Hospital management support for patient safety",
              SOPS, 66, "sops_management_support",
              "management shows that patient safety is a priority, not only after an event"),
    Composite("handoffs_and_information_exchange", "Handoffs and information exchange", SOPS, 62,
              None, "important information is not lost at handovers and transfers"),
    Composite("teamwork_climate", "Teamwork climate", SAQ, None, None,
              "staff feel their input is heard and they get the help they need"),
    Composite("safety_climate", "Safety climate", SAQ, None, "sops_communication_openness",
              "staff feel safe being treated here and know how to raise safety concerns"),
    Composite("perceptions_of_management", "Perceptions of management", SAQ, None,
              "sops_management_support", "management supports daily efforts and is honest"),
    Composite("job_satisfaction", "Job satisfaction", SAQ, None, None, "staff like their job"),
    Composite("stress_recognition", "Stress recognition", SAQ, None, None,
              "staff know fatigue and stress impair performance"),
    Composite("working_conditions", "Working conditions", SAQ, None, None,
              "staffing, training and equipment are adequate"),
)

COMPOSITE_BY_KEY = {composite.key: composite for composite in COMPOSITES}


def composites_of(instrument: str) -> tuple[Composite, ...]:
    return tuple(c for c in COMPOSITES if c.instrument == instrument)
