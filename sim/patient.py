"""Patients: admitted to a ward, cared for, sometimes harmed, and discharged.

Patients see what staff systems miss (M10: Weissman 2008; Weingart 2005): an engaged patient
may stop an error by speaking up, and may report harm or raise a concern, which helps only if
someone acts on it (Lawton 2017).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa import Agent

from sim.clinician import logit_normal

if TYPE_CHECKING:
    from sim.environment import Hazard, Ward
    from sim.model import HospitalModel


class Patient(Agent):
    """An inpatient with a length of stay, a frailty and a willingness to speak up."""

    model: HospitalModel

    def __init__(self, model: HospitalModel, ward: Ward, discharge_day: int) -> None:
        super().__init__(model)
        config = model.config.patients
        draw = model.streams.patients
        self.ward = ward
        self.discharge_day = discharge_day
        self.vulnerability = logit_normal(draw, config.mean_vulnerability, 0.8)
        # Drawn before the invitation is applied so that patient flow is identical across
        # scenarios (common random numbers); the invitation then raises willingness to speak.
        inborn = logit_normal(draw, config.engagement, 1.0)
        self.engagement = inborn + config.speak_up_invitation * 0.6 * (1.0 - inborn)
        self.harmed = False

    def experience_day(self) -> None:
        """A complication of care itself: harm that no one's error caused."""
        model = self.model
        config = model.config.patients
        relative_frailty = ((0.5 + 1.5 * self.vulnerability)
                            / (0.5 + 1.5 * config.mean_vulnerability))
        if model.streams.complications.random() < config.complication_rate * relative_frailty:
            model.record_incident(self.ward, harm=True, preventable=False)
            witness = model.streams.complications.choice(self.ward.on_duty) \
                if self.ward.on_duty else None
            if witness is not None:
                witness.consider_reporting(True, None)
            self.suffer_harm(None)

    def suffer_harm(self, hazard: Hazard | None) -> None:
        """Harm may be disclosed; an engaged patient may report it or raise a concern (M10)."""
        model = self.model
        config = model.config
        self.harmed = True
        voice = model.streams.patient_voice
        disclosed = voice.random() < config.transparency.open_disclosure
        chance = self.engagement * (0.15 + 0.45 * config.patients.speak_up_invitation)
        if disclosed:
            chance = min(1.0, chance * 1.5)  # open disclosure invites the conversation
        if voice.random() < chance:
            model.tally.patient_reports += 1
            self.ward.manager.receive(model.new_report(
                "patient", None, harm=True, hazard=hazard, ward=self.ward))
