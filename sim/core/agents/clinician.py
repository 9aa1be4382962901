"""Clinicians: the nurses and doctors whose daily choices make the hospital's safety culture.

A clinician on duty cares for the ward's patients and meets obstacles (latent hazards and
rules, sensible or pointless); for each they fix or report the cause (which takes time from
care), comply (which takes time), or work around it (which raises the risk of the care it
touches in proportion to what it bypasses). They decide whether to report what went wrong,
learn from what happens to reports and from their peers, tire, and may leave. The obstacles
of the day run for the whole staff at once in `sim.core.passes.shift`, which hands each
clinician what follows from their choices (a report, a fix, an error). See docs/ODD.md, "Submodels".
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from mesa import Agent

from sim.core import mechanisms as rules
from sim.core.random_streams import (
    CATCH_DRAW,
    ERROR_DRAWS,
    PATIENT_DRAW,
    REPORT_DRAW,
)
from sim.core.staff import NEVER, StaffColumn
from sim.core.world import DOCTOR, NURSE

if TYPE_CHECKING:
    from sim.core.agents.patient import Patient
    from sim.core.model import HospitalModel
    from sim.core.world import Hazard, Ward


class Clinician(Agent):
    """A nurse or doctor on a ward.

    Their state is their row of the model's staff table (`sim.core.staff`): each attribute
    below is a view onto it, so the day's compiled passes and this agent's own code change the
    same values."""

    model: HospitalModel

    psychological_safety = StaffColumn()
    trust_in_management = StaffColumn()
    perceived_usefulness = StaffColumn()
    perceived_blame = StaffColumn()
    deviation_tolerance = StaffColumn()
    professional_standard = StaffColumn()
    safety_disposition = StaffColumn()
    trust_disposition = StaffColumn()
    usefulness_disposition = StaffColumn()
    blame_disposition = StaffColumn()
    exhaustion = StaffColumn()
    resilience = StaffColumn()
    reporting_propensity = StaffColumn()
    time_pressure = StaffColumn()
    regulatory_time = StaffColumn()
    improvement_time_used = StaffColumn()
    post = StaffColumn()  # the job on the ward; a newcomer takes the leaver's post
    reports_filed = StaffColumn()
    last_report_day = StaffColumn()
    on_duty = StaffColumn()

    def __init__(self, model: HospitalModel, ward: Ward, role: str, post: int) -> None:
        super().__init__(model)
        self.table = model.staff
        self.row = self.table.add(self)
        draw = model.streams.staff
        config = model.config
        start, spread = config.clinicians, config.clinicians.belief_spread
        self.ward = ward
        self.role = role
        columns = self.table.columns
        columns.ward[self.row] = ward.index
        columns.doctor[self.row] = role == DOCTOR
        self.post = post
        # Newcomers arrive with the hospital's default beliefs (turnover: Willard-Grace 2019).
        self.psychological_safety = logit_normal(draw, start.initial_psychological_safety, spread)
        self.trust_in_management = logit_normal(draw, start.initial_trust, spread)
        self.perceived_usefulness = logit_normal(draw, start.initial_usefulness, spread)
        self.perceived_blame = logit_normal(draw, config.management.punitiveness, spread)
        self.deviation_tolerance = logit_normal(draw, start.initial_tolerance, spread)
        # Personal dispositions: where beliefs settle when nothing new happens. They keep the
        # spread between people that surveys find (Sexton 2006: safety climate varies within
        # units as much as between them) and bound how far events can move anyone.
        self.professional_standard = self.deviation_tolerance
        self.safety_disposition = self.psychological_safety
        self.trust_disposition = self.trust_in_management
        self.usefulness_disposition = self.perceived_usefulness
        self.blame_disposition = self.perceived_blame
        self.exhaustion = logit_normal(draw, config.burnout.initial_exhaustion, spread)
        self.resilience = draw.gauss(0.0, config.burnout.resilience_spread)
        # Personal log-odds of reporting: nurses file 70-88% of staff reports (NRLS; AHRQ)
        # and a few habitual reporters file most of them (AHRQ 2008: 52% file none in a year).
        role_offset = 0.0 if role == NURSE else config.reporting.doctor_log_odds
        self.reporting_propensity = role_offset + draw.gauss(
            0.0, config.reporting.propensity_spread)

    # --- properties named for what they mean -------------------------------------------------

    @property
    def burned_out(self) -> bool:
        return rules.burned_out(self.exhaustion, self.model.config.clinicians.burnout_threshold)

    @property
    def burned_out_since(self) -> int | None:
        """The day this clinician's current burnout began (None if not burned out)."""
        since = self.table.columns.burned_out_since[self.row].item()
        return None if since == NEVER else since

    @property
    def admin_share(self) -> float:
        """Share of the day regulatory work demands of this clinician (M8)."""
        config = self.model.config
        return rules.admin_share(config.regulation.admin_share, config.burnout.doctor_admin_extra,
                                 self.role == DOCTOR)

    # --- the working day ----------------------------------------------------------------------

    def report_hazard(self, hazard: Hazard) -> None:
        """M4: a problem the clinician could not fix goes to the ward's manager."""
        hazard.reported = True
        self.model.count("hazard_reports")
        self.ward.manager.receive(self.model.new_report("hazard", self, hazard=hazard))

    def fix_hazard(self, hazard: Hazard) -> None:
        """M4: the clinician fixed a problem on the ward with its own means."""
        if self.ward.fix(hazard):
            self.model.count("hazards_fixed")
            self.model.tell(f"{self.describe(capital=True)} fixed {article(hazard.kind)} "
                            f"{hazard.kind} problem themselves.", ward=self.ward, kind="fix")

    def learn_from_workaround(self, harm: bool, caught: bool) -> None:
        """M5, M6: a workaround whose error harmed, or was caught, corrects tolerance (one that
        went unnoticed normalises it: `sim.core.passes.shift`)."""
        config = self.model.config
        self.deviation_tolerance = rules.tolerance_after_deviation(
            self.deviation_tolerance, harm, caught, config.clinicians.normalisation_step,
            config.clinicians.harm_correction, config.learning.caught_correction_share)

    def err_in_care(self, day: int, errors: int) -> None:
        """The day's errors in routine care (how many: `sim.core.passes.care`), each with its own
        keyed draws: which patient, whether a colleague or the patient catches it, harm,
        reporting."""
        ward, keyed = self.ward, self.model.keyed
        for number in range(errors):
            # Purposes 0-4: PATIENT_DRAW, CATCH_DRAW, PATIENT_CATCH_DRAW, HARM_DRAW, REPORT_DRAW.
            draws = keyed.uniforms_of(day, ward.index, self.post, ERROR_DRAWS, number,
                                      REPORT_DRAW + 1)
            patient = ward.patients[int(draws[PATIENT_DRAW] * len(ward.patients))]
            self.commit_error(patient, None, draws[CATCH_DRAW:])

    def commit_error(self, patient: Patient, hazard: Hazard | None,
                     draws: list[float] | None = None) -> tuple[bool, bool]:
        """An error: caught by a colleague or the patient (near miss) or it reaches the patient.

        `draws` are the uniforms for the colleague, the patient, harm and the decision to
        report (from the speaking-up and reporting streams when not given)."""
        model, ward = self.model, self.ward
        config = model.config
        if draws is None:  # an error in care a workaround touched
            speak = model.streams.speaking_up
            draws = [speak.random(), speak.random(), speak.random(),
                     model.streams.reporting.random()]
        colleague, patient_voice, harm_draw, report_draw = draws
        caught = (len(ward.on_duty) > 1
                  and colleague < rules.colleague_catch_probability(config.errors,
                                                                     ward.safety_climate))
        if not caught and patient.questions_error(patient_voice):
            caught = True
            model.count("patient_catches")
        harm = not caught and harm_draw < rules.harm_probability(config.errors,
                                                                 patient.vulnerability)
        model.record_incident(ward, harm=harm, preventable=harm)
        known = patient.suffer_harm(hazard) if harm else False
        reported = self.consider_reporting(harm, hazard, report_draw)
        if harm:
            model.consider_correction(ward, known or reported)
        return harm, caught

    def consider_reporting(self, harm: bool, hazard: Hazard | None,
                           uniform: float | None = None) -> bool:
        """M1, M2, M3, M8: report the incident or stay silent. True if reported.

        `uniform` decides (drawn from the reporting stream when not given)."""
        model = self.model
        chance = rules.reporting_probability(
            model.config.reporting, self.psychological_safety, self.perceived_blame,
            self.perceived_usefulness, self.trust_in_management, self.time_pressure,
            self.burned_out, harm, self.reporting_propensity)
        if uniform is None:
            uniform = model.streams.reporting.random()
        if uniform >= chance:
            return False
        self.reports_filed += 1
        self.last_report_day = model.day
        model.record_staff_report(self.ward, harm)
        if hazard is not None:
            hazard.reported = True
        self.ward.manager.receive(model.new_report("incident", self, harm=harm, hazard=hazard))
        return True

    # Learning from managers' responses is `sim.core.passes.responses`, from peers
    # `sim.core.passes.peers`: both update the staff table for many clinicians at once.

    def describe(self, capital: bool = False) -> str:
        return f"{'A' if capital else 'a'} {self.role} on {self.ward.name}"


def logit_normal(draw: random.Random, centre: float, spread: float) -> float:
    """A draw in (0, 1) centred on `centre`, with `spread` the standard deviation in log-odds.

    Logit-normal rather than beta because it always consumes the same random numbers whatever
    its parameters, so that changing a mean in one scenario does not shift every later draw of
    the stream (common random numbers).
    """
    return rules.logistic(rules.log_odds(centre) + spread * draw.gauss(0.0, 1.0))


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
