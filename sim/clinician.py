"""Clinicians: the nurses and doctors whose daily choices make the hospital's safety culture.

A clinician on duty meets obstacles (latent hazards and rules that seem pointless), chooses to
fix or report the cause, comply, or work around; makes errors at a rate raised by workarounds
and burnout; decides whether to report what went wrong; and learns from what happens to reports
(their own and the ones they see) and from their peers. See docs/ODD.md, "Submodels".
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

from mesa import Agent

from sim import mechanisms as rules
from sim.random_streams import poisson

if TYPE_CHECKING:
    from sim.environment import Hazard, Ward
    from sim.model import HospitalModel
    from sim.patient import Patient

COMPLIANCE_TIME = 0.02  # share of a day lost complying with one obstacle the slow, proper way
NURSE, DOCTOR = "nurse", "doctor"


class Clinician(Agent):
    """A nurse or doctor on a ward."""

    model: HospitalModel

    def __init__(self, model: HospitalModel, ward: Ward, role: str) -> None:
        super().__init__(model)
        draw = model.streams.staff
        start = model.config.clinicians
        self.ward = ward
        self.role = role
        self.psychological_safety = logit_normal(draw, start.initial_psychological_safety, 0.6)
        self.trust_in_management = logit_normal(draw, start.initial_trust, 0.6)
        self.perceived_usefulness = logit_normal(draw, start.initial_usefulness, 0.6)
        self.perceived_blame = logit_normal(draw, model.config.management.punitiveness, 0.6)
        self.deviation_tolerance = logit_normal(draw, start.initial_tolerance, 0.6)
        self.professional_standard = self.deviation_tolerance
        self.exhaustion = logit_normal(draw, 0.4, 0.6)
        self.resilience = draw.gauss(0.0, 0.3)
        # Personal log-odds of reporting: nurses file 70-88% of staff reports (brief, section 2)
        # and a few habitual reporters file most of them (AHRQ 2008: 52% file none in a year).
        role_offset = 0.0 if role == NURSE else -0.9
        self.reporting_propensity = role_offset + draw.gauss(0.0, 1.3)
        self.on_duty = False
        self.time_pressure = 0.0
        self.regulatory_time = 0.0
        self.reports_filed = 0
        self.last_report_day = -10**9

    # --- properties named for what they mean -------------------------------------------------

    @property
    def burned_out(self) -> bool:
        return self.exhaustion > self.model.config.clinicians.burnout_threshold

    @property
    def admin_share(self) -> float:
        """Share of the day regulatory work demands of this clinician (M8)."""
        share = self.model.config.regulation.admin_share
        return share * rules.DOCTOR_ADMIN_MULTIPLIER if self.role == DOCTOR else share

    # --- the working day ----------------------------------------------------------------------

    def work_shift(self) -> None:
        """One day on duty: face obstacles, give care, make and report errors, tire."""
        ward = self.ward
        self.regulatory_time = self.admin_share + (
            self.model.config.regulation.audit_time_cost if ward.audited_today else 0.0)
        self.time_pressure = ward.care_demand + self.regulatory_time
        self.meet_obstacles()
        self.give_routine_care()
        self.tire()

    def meet_obstacles(self) -> None:
        """M4, M7: rules that seem pointless and latent hazards, each met with a choice."""
        model, ward = self.model, self.ward
        config = model.config
        pointless_rules = poisson(model.streams.obstacles, model.pointless_rule_rate)
        hazard_meetings = 0
        if ward.hazards:
            hazard_meetings = model.streams.obstacles.binomialvariate(
                len(ward.hazards), config.hazards.encounters_per_hazard)
        for _ in range(pointless_rules):
            self.trust_in_management = relax_down(self.trust_in_management, 0.003)
            self.respond_to_obstacle(None)
        for _ in range(hazard_meetings):
            self.respond_to_obstacle(model.streams.obstacles.choice(ward.hazards))

    def respond_to_obstacle(self, hazard: Hazard | None) -> None:
        """Fix or report the cause (second order), comply, or work around (Tucker 2003)."""
        model, ward = self.model, self.ward
        config = model.config
        decide = model.streams.decisions
        tally = model.tally
        tally.obstacle_encounters += 1
        if ward.audited_today:
            tally.audited_encounters += 1
        second_order = rules.second_order_probability(
            config.clinicians.second_order_propensity, self.psychological_safety,
            self.perceived_usefulness, self.time_pressure,
            config.clinicians.clinician_led_improvement)
        if decide.random() < second_order:
            tally.second_order_responses += 1
            if ward.audited_today:
                tally.audited_compliant += 1
            self.solve_problem(hazard)
            return
        workaround = decide.random() < rules.workaround_probability(
            self.deviation_tolerance, ward.deviation_norm, self.time_pressure,
            pointless_rule=hazard is None, coherence=config.regulation.coherence,
            audited=ward.audited_today, peer_control=ward.safety_climate)
        if workaround:
            tally.workarounds += 1
        else:
            self.time_pressure += COMPLIANCE_TIME
            self.regulatory_time += COMPLIANCE_TIME if hazard is None else 0.0
            if ward.audited_today:
                tally.audited_compliant += 1
        patient = model.streams.errors.choice(ward.patients) if ward.patients else None
        error = patient is not None and model.streams.errors.random() < rules.error_probability(
            config.clinicians.base_error_rate, workaround, self.burned_out, patient.vulnerability)
        if error:
            harm, caught = self.commit_error(patient, hazard)
        else:
            harm, caught = False, False
        if workaround:
            self.deviation_tolerance = rules.tolerance_after_deviation(
                self.deviation_tolerance, harm, caught, config.clinicians.normalisation_step,
                config.clinicians.harm_correction)

    def solve_problem(self, hazard: Hazard | None) -> None:
        """Second-order problem solving: fix the hazard if empowered, otherwise report it."""
        if hazard is None:
            return  # a pointless rule cannot be fixed on the ward; the clinician complies
        model = self.model
        empowered = 0.2 + 0.6 * model.config.clinicians.clinician_led_improvement
        if model.streams.decisions.random() < empowered:
            if self.ward.fix(hazard):
                model.tally.hazards_fixed += 1
                model.tell(f"{self.describe(capital=True)} fixed {article(hazard.kind)} "
                           f"{hazard.kind} problem themselves.",
                           ward=self.ward, kind="fix")
        elif not hazard.reported:
            hazard.reported = True
            model.tally.hazard_reports += 1
            self.ward.manager.receive(model.new_report("hazard", self, hazard=hazard))

    def give_routine_care(self) -> None:
        """Errors in ordinary care, at the base rate raised by burnout (M9)."""
        model, ward = self.model, self.ward
        if not ward.patients:
            return
        patients_per_clinician = len(ward.patients) / len(ward.on_duty)
        chance = rules.error_probability(model.config.clinicians.base_error_rate, False,
                                         self.burned_out, model.config.patients.mean_vulnerability)
        for _ in range(poisson(model.streams.errors, patients_per_clinician * chance)):
            self.commit_error(model.streams.errors.choice(ward.patients), None)

    def commit_error(self, patient: Patient, hazard: Hazard | None) -> tuple[bool, bool]:
        """An error: caught by a colleague or the patient (near miss) or it reaches the patient."""
        model, ward = self.model, self.ward
        speak = model.streams.speaking_up
        caught = (len(ward.on_duty) > 1 and speak.random()
                  < rules.colleague_catch_probability(ward.safety_climate))
        if not caught and speak.random() < rules.patient_catch_probability(patient.engagement):
            caught = True
            model.tally.patient_catches += 1
        harm = not caught and speak.random() < rules.harm_probability(patient.vulnerability)
        model.record_incident(ward, harm=harm, preventable=harm)
        if harm:
            patient.suffer_harm(hazard)
        self.consider_reporting(harm, hazard)
        return harm, caught

    def consider_reporting(self, harm: bool, hazard: Hazard | None) -> None:
        """M1, M2, M3, M8: report the incident or stay silent."""
        model = self.model
        chance = rules.reporting_probability(
            self.psychological_safety, self.perceived_blame, self.perceived_usefulness,
            self.trust_in_management, self.time_pressure, self.burned_out, harm,
            self.reporting_propensity)
        if model.streams.reporting.random() >= chance:
            return
        self.reports_filed += 1
        self.last_report_day = model.day
        model.record_staff_report(self.ward, harm)
        if hazard is not None:
            hazard.reported = True
        self.ward.manager.receive(model.new_report("incident", self, harm=harm, hazard=hazard))

    def tire(self) -> None:
        """M8: exhaustion moves toward the day's strain; burnout is exhaustion past a threshold."""
        config = self.model.config.clinicians
        strain = rules.daily_strain(self.time_pressure, self.admin_share, self.resilience)
        self.exhaustion = rules.relax(self.exhaustion, strain, config.recovery_rate)
        self.tolerance_drift()

    def tolerance_drift(self) -> None:
        config = self.model.config.clinicians
        self.deviation_tolerance = rules.efficiency_drift(
            self.deviation_tolerance, self.time_pressure, config.efficiency_drift)

    def rest(self) -> None:
        """A day off: exhaustion recovers, more slowly than a working day builds it."""
        self.exhaustion = rules.relax(self.exhaustion, 0.0,
                                      0.5 * self.model.config.clinicians.recovery_rate)

    # --- learning from peers and from responses ----------------------------------------------

    def follow_peers(self) -> None:
        """Beliefs and habits move toward the ward's climate and norm (Debono 2013)."""
        config = self.model.config.clinicians
        ward = self.ward
        self.psychological_safety = rules.relax(
            self.psychological_safety, ward.safety_climate, config.peer_influence)
        self.deviation_tolerance = rules.relax(
            self.deviation_tolerance, ward.deviation_norm, config.peer_influence)
        # Professional training anchors practice: without pressure, tolerance returns toward
        # the clinician's own standard (Amalberti 2006: constraints and peer control pull back).
        self.deviation_tolerance = rules.relax(
            self.deviation_tolerance, self.professional_standard, config.belief_memory)
        self.perceived_usefulness = rules.relax(
            self.perceived_usefulness, ward.usefulness_climate, config.belief_memory)

    def see_response(self, blamed: bool, own: bool) -> None:
        """M2, M14: a manager's response to a report, one's own or a colleague's."""
        if blamed:
            self.psychological_safety = rules.after_blame(self.psychological_safety, own)
            self.trust_in_management = rules.after_blame(self.trust_in_management, own)
        else:
            self.psychological_safety = rules.after_learning(self.psychological_safety, own)
            self.trust_in_management = rules.after_learning(self.trust_in_management, own)
        self.perceived_blame = rules.blame_expectation(self.perceived_blame, blamed, own)

    def see_outcome(self, feedback: bool, own: bool) -> None:
        """M3: feedback on a report, or silence after it."""
        if feedback:
            self.perceived_usefulness = rules.after_feedback(self.perceived_usefulness, own)
        else:
            self.perceived_usefulness = rules.after_silence(self.perceived_usefulness, own)

    def describe(self, capital: bool = False) -> str:
        return f"{'A' if capital else 'a'} {self.role} on {self.ward.name}"


def logit_normal(draw: random.Random, centre: float, spread: float) -> float:
    """A draw in (0, 1) centred on `centre`, with `spread` the standard deviation in log-odds.

    Logit-normal rather than beta because it always consumes the same random numbers whatever
    its parameters, so that changing a mean in one scenario does not shift every later draw of
    the stream (common random numbers).
    """
    return rules.logistic(rules.log_odds(centre) + spread * draw.gauss(0.0, 1.0))


def relax_down(value: float, rate: float) -> float:
    return value - rate * value


def article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
