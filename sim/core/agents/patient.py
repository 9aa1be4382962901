"""Patients: admitted to a ward, cared for, sometimes harmed, and discharged.

Patients see what staff systems miss (M10: Weissman 2008; Weingart 2005). An engaged patient
may question an error in their care, raise a concern about a problem on the ward before anyone
is harmed, and report harm after it. Each helps only if staff act on what the patient says
(Lawton 2017, PRASE: benefit only where feedback was acted on).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from mesa import Agent

from sim.core import mechanisms as rules

if TYPE_CHECKING:
    from sim.core.model import HospitalModel
    from sim.core.world import Hazard, Ward


class AdmissionProfile(NamedTuple):
    """Who is admitted today: the centres (log-odds) and spreads of patients' frailty and
    willingness to speak up (`patients.mean_vulnerability`, `patients.engagement`)."""

    vulnerability_log_odds: float
    vulnerability_spread: float
    engagement_log_odds: float
    engagement_spread: float

    @classmethod
    def of(cls, model: HospitalModel) -> AdmissionProfile:
        patients, voice = model.config.patients, model.config.patient_voice
        return cls(rules.log_odds(patients.mean_vulnerability), voice.vulnerability_spread,
                   rules.log_odds(patients.engagement), voice.engagement_spread)


class Patient(Agent):
    """An inpatient with a length of stay, a frailty and a willingness to speak up.

    When a bed turns over, the agent of a patient discharged that day may be taken for the next
    admission (`admit`): a new patient in every respect but the Mesa agent, because creating and
    registering an agent costs more than a patient's day in the model."""

    model: HospitalModel

    def __init__(self, model: HospitalModel, ward: Ward, discharge_day: int,
                 vulnerability: float, inborn_engagement: float) -> None:
        super().__init__(model)
        self.admit(ward, discharge_day, vulnerability, inborn_engagement)

    def admit(self, ward: Ward, discharge_day: int, vulnerability: float,
              inborn_engagement: float) -> None:
        """Become a newly admitted patient of `ward`, to go home on `discharge_day`, with the
        frailty and inborn willingness to speak up drawn for the admission
        (`sim.core.passes.admissions`: logit-normal about the day's `AdmissionProfile`)."""
        model = self.model
        self.admission = model.admissions_so_far = model.admissions_so_far + 1
        self.ward = ward
        self.discharge_day = discharge_day
        self.vulnerability = vulnerability
        # Drawn whatever the invitation, so that patient flow is identical across scenarios
        # (common random numbers); the invitation then raises willingness to speak.
        self.inborn_engagement = inborn_engagement
        self.harmed = False

    @property
    def engagement(self) -> float:
        """Willingness to speak up today: inborn, raised by the staff's invitation (M10)."""
        config = self.model.config
        return rules.patient_engagement(self.inborn_engagement,
                                        config.patients.speak_up_invitation,
                                        config.patient_voice.invitation_engagement_gain)

    # What a day brings each patient (a complication, a chance to raise a concern) is drawn
    # for all patients at once in `sim.core.passes.bedside`; these are the consequences.

    def suffer_complication(self) -> None:
        """Harm that no one's error caused (a non-preventable adverse event); a clinician on
        duty may report it."""
        model = self.model
        model.record_incident(self.ward, harm=True, preventable=False)
        if self.ward.on_duty:
            model.streams.complications.choice(self.ward.on_duty).consider_reporting(True, None)
        self.suffer_harm(None)

    def raise_concern(self) -> None:
        """M10: an invited patient points out a problem on the ward before it harms anyone."""
        model, ward = self.model, self.ward
        model.count("patient_reports")
        hazard = model.streams.patient_voice.choice(ward.hazards)
        ward.manager.receive(model.new_report("patient", None, hazard=hazard, ward=ward))

    def questions_error(self, uniform: float) -> bool:
        """M10: the patient questions an error in their care (a chance that grows with
        engagement), and it is stopped only if the staff act on what the patient says
        (Lawton 2017). `uniform` is the draw that decides."""
        config = self.model.config
        return uniform < (config.patient_voice.catch_weight * self.engagement
                          * config.patients.reports_acted_on)

    def suffer_harm(self, hazard: Hazard | None) -> bool:
        """Harm may be disclosed; an engaged patient may report it (M10). True if the harm was
        disclosed to the patient or reported by them (it is then known beyond the bedside)."""
        model = self.model
        config = model.config
        voice_rules = config.patient_voice
        self.harmed = True
        voice = model.streams.patient_voice
        disclosed = voice.random() < config.transparency.open_disclosure
        chance = self.engagement * (voice_rules.report_after_harm
                                    + voice_rules.invited_report_gain
                                    * config.patients.speak_up_invitation)
        if disclosed:
            chance *= voice_rules.disclosure_gain
        reported = voice.random() < chance
        if reported:
            model.count("patient_reports")
            self.ward.manager.receive(model.new_report(
                "patient", None, harm=True, hazard=hazard, ward=self.ward))
        return disclosed or reported
