"""Managers: ward managers who answer reports, and executives who walk the floor.

A ward manager works through the ward's reports within a daily capacity that compliance targets,
audits and walkrounds eat into (M8, M12). Each report gets a learning response (investigate,
perhaps set about fixing the hazard behind it, perhaps feed back after a delay) or a blame
response (M2, M3); who hears of either depends on transparency (M14). Walkrounds bring managers
to the floor, where listening builds safety and raised concerns are taken on as far as the
manager's capacity allows; whether they are resolved decides if trust rises or falls (M11).

Managers are agents with a state of their own: felt pressure (inquiries, audits, serious harm on
the ward) makes them more defensive and more focused on compliance; learning responses that fix
things make them less inclined to blame. So the trust gap can widen or close from both sides.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

from mesa import Agent

from sim.core import mechanisms as rules
from sim.core.passes.responses import hear_outcome, hear_response

if TYPE_CHECKING:
    from sim.core.agents.clinician import Clinician
    from sim.core.model import HospitalModel
    from sim.core.world import Report, Ward


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
        # Load-bearing: Mesa's scheduler holds event callbacks by weak reference, so each
        # delayed feedback must be kept alive here until it is delivered.
        self.pending_outcomes: set[PendingOutcome] = set()
        self.follow_up_credit = 0.0
        # Walkrounds the manager still has time for this month (M11: managers' and
        # executives' time is finite); a ward manager's also take follow-up capacity.
        self.walkround_credit = 0.0
        self.pressure = 0.0  # felt external pressure, 0 and up
        self.learned = 0.0  # log-odds of blame unlearned through learning responses that worked

    @property
    def punitiveness(self) -> float:
        """Chance of answering a report with blame: policy, style, pressure and experience."""
        config = self.model.config
        management = config.management
        return rules.logistic(rules.manager_blame_log_odds(
            rules.log_odds(management.punitiveness),
            management.punitiveness_spread * self.style_deviation, self.pressure, self.learned,
            config.managers))

    @property
    def learning_orientation(self) -> float:
        return 1.0 - self.punitiveness

    @property
    def attention_to_fixing(self) -> float:
        """Share of follow-up capacity and fixing effort left after compliance targets (M12)."""
        return 1.0 - self.model.config.managers.compliance_capacity_cost * self.compliance_focus

    @property
    def compliance_focus(self) -> float:
        config = self.model.config
        return rules.manager_compliance_focus(config.management.compliance_focus, self.pressure,
                                              config.managers)

    def feel_pressure(self, amount: float) -> None:
        self.pressure += amount

    def end_day(self) -> None:
        """Pressure fades; what was learned fades back toward the hospital's policy; the
        manager's time for walkrounds renews (a month's worth at most)."""
        config = self.model.config
        behaviour = config.managers
        self.pressure -= behaviour.pressure_decay * self.pressure
        self.learned -= behaviour.learning_memory * self.learned
        walkrounds = config.walkrounds
        monthly = walkrounds.executive_walkrounds_per_month if self.ward is None \
            else walkrounds.manager_walkrounds_per_month
        self.walkround_credit = min(self.walkround_credit + monthly / 30.0, monthly)

    def receive(self, report: Report) -> None:
        self.backlog.append(report)

    def handle_reports(self) -> None:
        """Follow up as many reports as today's capacity allows, oldest first."""
        model = self.model
        config = model.config
        behaviour = config.managers
        capacity = config.management.follow_up_capacity * self.attention_to_fixing
        if self.ward is not None and self.ward.audited_today:
            capacity *= behaviour.audit_day_capacity  # M12: an audit day is spent on the audit
        self.follow_up_credit = min(self.follow_up_credit + capacity,
                                    capacity + behaviour.capacity_carryover)
        while self.backlog and self.backlog[0].day < model.day - behaviour.stale_after_days:
            stale = self.backlog.popleft()
            if stale.reporter is not None:
                self.reveal_outcome(stale, feedback=False)
        while self.backlog and self.follow_up_credit >= 1.0:
            report = self.backlog.popleft()
            if report.kind == "patient":
                self.act_on_patient_concern(report)  # costs capacity only when acted on
                continue
            self.follow_up_credit -= 1.0
            self.respond(report)

    def respond(self, report: Report) -> None:
        """A learning or a blame response to one report (M2, M3)."""
        model = self.model
        management = model.config.management
        draw = model.streams.management
        blamed = draw.random() < self.punitiveness
        model.count("blame_responses" if blamed else "learning_responses")
        hear_response(model, self.audience(report), blamed)
        if blamed:
            model.tell(f"{report.reporter.describe(capital=True)} reported "
                       f"{'harm' if report.harm else 'a problem'} and was blamed.",
                       ward=report.ward, kind="blame")
            self.reveal_outcome(report, feedback=False)
            return
        fixed = False
        fix_chance = management.fix_probability * self.attention_to_fixing
        if report.hazard is not None and draw.random() < fix_chance:
            fixed = self.set_about_fixing(report)
        feedback = draw.random() < management.feedback_probability
        delay = draw.expovariate(1.0 / management.feedback_delay_days) \
            if management.feedback_delay_days > 0 else 0.0
        outcome = PendingOutcome(self, report, feedback, fixed)
        self.pending_outcomes.add(outcome)
        model.schedule_event(outcome.deliver, at=model.day + max(1, round(delay)))

    def set_about_fixing(self, report: Report) -> bool:
        """Fix on the ward what the ward can fix; send the rest to support services.

        True if the hazard was fixed today. A fix teaches the manager that learning works.
        """
        model = self.model
        hazard = report.hazard
        if not model.fix_on_ward(hazard, model.streams.management):
            model.escalate(hazard)
            return False
        self.learn_from_fix()
        return True

    def learn_from_fix(self) -> None:
        """A response that fixed something makes blame a little less likely (7.9)."""
        behaviour = self.model.config.managers
        self.learned = min(self.learned + behaviour.learning_gain, behaviour.learning_cap)

    def act_on_patient_concern(self, report: Report) -> None:
        """M10 Lawton 2017: patients' reports and concerns help only when they lead to action."""
        model = self.model
        if model.streams.management.random() >= model.config.patients.reports_acted_on:
            return
        self.follow_up_credit -= 1.0
        model.count("patient_reports_acted_on")
        if report.hazard is not None and self.set_about_fixing(report):
            model.tell(f"A patient's concern on {report.ward.name} led to the "
                       f"{report.hazard.kind} problem being fixed.", ward=report.ward, kind="fix")

    def reveal_outcome(self, report: Report, feedback: bool) -> None:
        """M3: the reporter, and those who hear of it, learn whether anything came of it."""
        if feedback:
            self.model.count("feedback_given")
        hear_outcome(self.model, self.audience(report), feedback)

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
        if visibility.cross_ward_visibility > 0.0 and len(model.wards) > 1:
            # Counted per clinician of the reporting ward, not of the whole hospital: how far
            # news travels between wards does not grow with the number of wards, so neither
            # does the effect per admission of a transparency policy.
            heard = see.binomialvariate(len(report.ward.clinicians),
                                        visibility.cross_ward_visibility)
            staff = model.clinician_list
            if len(staff) > len(report.ward.clinicians):
                for _ in range(heard):
                    # Drawn among the other wards' staff (again if the draw is a colleague of
                    # the same ward): all `heard` are elsewhere, in a hospital of any size.
                    colleague = see.choice(staff)
                    while colleague.ward is report.ward:
                        colleague = see.choice(staff)
                    people.append((colleague, False))
        return people

    def walk_round(self, ward: Ward) -> None:
        """M11: culture first (being listened to), then concerns within the manager's capacity;
        follow-through decides what those who raised one learn (Sexton 2018; Tucker & Singer
        2015)."""
        model = self.model
        config = model.config
        behaviour = config.walkrounds
        draw = model.streams.walkrounds
        follow_through = config.management.walkround_follow_through
        model.count("walkrounds")
        self.walkround_credit -= 1.0  # the walker's time (M11: it is finite)
        if self.ward is not None:
            self.follow_up_credit -= behaviour.time_cost
        # A visit soon after the last has less new to hear: being listened to counts for
        # less, and fewer concerns have built up to be raised (saturation, M11).
        novelty = rules.walkround_novelty(model.day - ward.last_walkround_day,
                                          behaviour.novelty_days)
        listening = behaviour.listening_gain * novelty
        ward.last_walkround_day = model.day
        taken = resolved = 0
        # What there is to raise: the ward's problems that no one is already dealing with. A
        # problem handed to support services after an earlier concern (or report) is not news,
        # so visits in quick succession find less to raise, and nothing is resolved twice.
        raisable = [hazard for hazard in ward.hazards if not hazard.escalated]
        for clinician in ward.on_duty:
            clinician.psychological_safety = rules.relax(clinician.psychological_safety, 1.0,
                                                         listening)
            if (taken >= behaviour.concerns_per_walkround or not raisable
                    or draw.random() >= rules.concern_raised_probability(
                        behaviour, clinician.psychological_safety, novelty)):
                continue
            taken += 1
            hazard = draw.choice(raisable)
            solved = draw.random() < follow_through
            if solved:
                resolved += 1
                raisable.remove(hazard)
                if model.fix_on_ward(hazard, draw):
                    self.learn_from_fix()
                else:
                    model.escalate(hazard)
            for witness in ward.on_duty:
                share = 1.0 if witness is clinician else behaviour.seen_share
                witness.trust_in_management, witness.perceived_usefulness = \
                    rules.after_walkround(behaviour, witness.trust_in_management,
                                          witness.perceived_usefulness, solved, share)
                witness.psychological_safety = rules.relax(
                    witness.psychological_safety, 1.0 if solved else 0.0,
                    share * behaviour.safety_after_outcome)
        if taken:
            model.tell(f"Walkround on {ward.name}: {taken} concern(s) taken on, "
                       f"{resolved} acted on.", ward=ward, kind="walkround")


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
