"""Managers: ward managers who answer reports, and executives who walk the floor.

A ward manager works through the ward's reports within a daily capacity that compliance targets
and audits eat into (M8, M12). Each report gets a learning response (investigate, perhaps fix
the hazard behind it, perhaps feed back after a delay) or a blame response (M2, M3); who hears of
either depends on transparency (M14). Walkrounds bring managers to the floor, where staff may
raise a concern; whether it is resolved decides if trust rises or falls (M11).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from mesa import Agent

from sim import mechanisms as rules

if TYPE_CHECKING:
    from sim.clinician import Clinician
    from sim.environment import Report, Ward
    from sim.model import HospitalModel

STALE_AFTER_DAYS = 30  # a report not followed up within a month is, to its reporter, ignored


class Manager(Agent):
    """A ward manager (with a ward) or an executive (ward is None)."""

    model: HospitalModel

    def __init__(self, model: HospitalModel, ward: Ward | None) -> None:
        super().__init__(model)
        self.ward = ward
        # A manager's place in the spread of styles, fixed for life; the style itself follows
        # the hospital's management policy, so a just-culture intervention reaches every manager.
        self.style_deviation = model.streams.managers.gauss(0.0, 1.0)
        self.backlog: deque[Report] = deque()
        self.pending_outcomes: set[PendingOutcome] = set()
        self.follow_up_credit = 0.0

    @property
    def punitiveness(self) -> float:
        """Chance of answering a report with blame (logit-normal around the policy's centre)."""
        management = self.model.config.management
        return rules.logistic(rules.log_odds(management.punitiveness)
                              + management.punitiveness_spread * self.style_deviation)

    @property
    def learning_orientation(self) -> float:
        return 1.0 - self.punitiveness

    def receive(self, report: Report) -> None:
        self.backlog.append(report)

    def handle_reports(self) -> None:
        """Follow up as many reports as today's capacity allows, oldest first."""
        model = self.model
        management = model.config.management
        capacity = management.follow_up_capacity * (1.0 - 0.5 * management.compliance_focus)
        if self.ward is not None and self.ward.audited_today:
            capacity *= 0.5  # M12: an audit day is spent on the audit
        self.follow_up_credit = min(self.follow_up_credit + capacity, capacity + 5.0)
        while self.backlog and self.backlog[0].day < model.day - STALE_AFTER_DAYS:
            stale = self.backlog.popleft()
            if stale.reporter is not None:
                self.reveal_outcome(stale, feedback=False)
        while self.backlog and self.follow_up_credit >= 1.0:
            self.follow_up_credit -= 1.0
            self.respond(self.backlog.popleft())

    def respond(self, report: Report) -> None:
        """A learning or a blame response to one report (M2, M3)."""
        model = self.model
        management = model.config.management
        draw = model.streams.management
        if report.kind == "patient":
            self.act_on_patient_concern(report)
            return
        blamed = draw.random() < self.punitiveness
        model.tally.blame_responses += blamed
        model.tally.learning_responses += not blamed
        for witness, own in self.audience(report):
            witness.see_response(blamed, own)
        if blamed:
            model.tell(f"{report.reporter.describe(capital=True)} reported "
                       f"{'harm' if report.harm else 'a problem'} and was blamed.",
                       ward=report.ward, kind="blame")
            self.reveal_outcome(report, feedback=False)
            return
        fixed = False
        fix_chance = management.fix_probability * (1.0 - 0.5 * management.compliance_focus)
        if report.hazard is not None and draw.random() < fix_chance:
            fixed = report.ward.fix(report.hazard)
            model.tally.hazards_fixed += fixed
        feedback = draw.random() < management.feedback_probability
        delay = draw.expovariate(1.0 / management.feedback_delay_days) \
            if management.feedback_delay_days > 0 else 0.0
        outcome = PendingOutcome(self, report, feedback, fixed)
        self.pending_outcomes.add(outcome)
        model.schedule_event(outcome.deliver, at=model.day + max(1, round(delay)))

    def act_on_patient_concern(self, report: Report) -> None:
        """M10 Lawton 2017: patients' reports help only when they lead to action."""
        model = self.model
        if model.streams.management.random() >= model.config.patients.reports_acted_on:
            return
        model.tally.patient_reports_acted_on += 1
        if report.hazard is not None and report.ward.fix(report.hazard):
            model.tally.hazards_fixed += 1
            model.tell(f"A patient's concern on {report.ward.name} led to the "
                       f"{report.hazard.kind} problem being fixed.", ward=report.ward, kind="fix")

    def reveal_outcome(self, report: Report, feedback: bool) -> None:
        """M3: the reporter, and those who hear of it, learn whether anything came of it."""
        if feedback:
            self.model.tally.feedback_given += 1
        for witness, own in self.audience(report):
            witness.see_outcome(feedback, own)

    def audience(self, report: Report) -> list[tuple[Clinician, bool]]:
        """The reporter and the colleagues who hear of the response (M14 transparency)."""
        model = self.model
        visibility = model.config.transparency
        see = model.streams.visibility
        people: list[tuple[Clinician, bool]] = []
        if report.reporter is not None:
            people.append((report.reporter, True))
        for colleague in report.ward.clinicians:
            if colleague is not report.reporter and see.random() < visibility.report_visibility:
                people.append((colleague, False))
        if visibility.cross_ward_visibility > 0.0:
            others = model.clinician_count - len(report.ward.clinicians)
            for _ in range(see.binomialvariate(others, visibility.cross_ward_visibility)):
                colleague = see.choice(model.clinician_list)
                if colleague.ward is not report.ward:
                    people.append((colleague, False))
        return people

    def walk_round(self, ward: Ward) -> None:
        """M11: on the floor, staff may raise a concern; follow-through decides what they learn."""
        model = self.model
        draw = model.streams.walkrounds
        follow_through = model.config.management.walkround_follow_through
        model.tally.walkrounds += 1
        raised = resolved = 0
        for clinician in ward.on_duty:
            if not ward.hazards or draw.random() >= 0.5 * clinician.psychological_safety:
                continue
            raised += 1
            hazard = draw.choice(ward.hazards)
            solved = draw.random() < follow_through
            if solved and ward.fix(hazard):
                model.tally.hazards_fixed += 1
                resolved += 1
            clinician.trust_in_management, clinician.perceived_usefulness = \
                rules.after_walkround(clinician.trust_in_management,
                                      clinician.perceived_usefulness, solved)
            clinician.psychological_safety = rules.relax(
                clinician.psychological_safety, 1.0 if solved else 0.0, 0.03)
        if raised:
            model.tell(f"Walkround on {ward.name}: {raised} concern(s) raised, "
                       f"{resolved} resolved.", ward=ward, kind="walkround")


class PendingOutcome:
    """A learning response whose feedback (or silence) reaches staff after a delay."""

    def __init__(self, manager: Manager, report: Report, feedback: bool, fixed: bool) -> None:
        self.manager = manager
        self.report = report
        self.feedback = feedback
        self.fixed = fixed

    def deliver(self) -> None:
        self.manager.pending_outcomes.discard(self)
        self.manager.reveal_outcome(self.report, self.feedback)
        if self.feedback:
            report = self.report
            what = f"fixed the {report.hazard.kind} problem" if self.fixed else "explained " \
                "what would change"
            self.manager.model.tell(
                f"The manager of {report.ward.name} {what} and thanked "
                f"{report.reporter.describe()} for the report.", ward=report.ward,
                kind="feedback")
