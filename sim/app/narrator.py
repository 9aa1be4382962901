"""The story the charts cannot tell alone: slow changes on the wards, narrated as they happen.

The model tells its own events (a report, a fix, blame, serious harm, a burned-out clinician
resigning). What the title promises - workarounds becoming the ward's habit, harm nobody
reported, clinicians burning out, managers changing their style, audits seeing compliance that
is not there - builds up over weeks, so it is read here from the agents' states at the end of
each day and told in the same feed when it crosses a line worth a sentence. Nothing here
changes the model: it only reads, and adds lines to `model.story`.

Thresholds come with a margin (hysteresis) so that a state hovering at a line is told once, not
every other day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sim.core.model import HospitalModel
    from sim.core.world import Ward

# The ward's shared norm of tolerating deviation starts near 0.35-0.40; above 0.6 a shortcut is
# what most of the ward would take, so it is told as the ward's habit.
HABIT_NORM = 0.6
HABIT_MARGIN = 0.08
# A manager's chance of answering a report with blame, in three styles.
BLAMING_STYLE = 0.6
LEARNING_STYLE = 0.35
STYLE_MARGIN = 0.05
STYLE_WORDS = {"learning": "mostly learns from reports",
               "mixed": "sometimes learns from reports and sometimes blames",
               "blaming": "mostly answers reports with blame"}
HARM_REVIEW_DAYS = 30  # how often the feed counts the harm that went unreported
CAUSE_DAYS = 28  # the weeks a cause is read over (paperwork, pressure, blame)
BURNOUT_QUIET_DAYS = 30  # at most one burnout line per ward in this many days
AUDIT_GAP = 0.10  # measured minus true compliance worth a line on an audit day


@dataclass
class WardWatch:
    """What the narrator remembers about one ward between days."""

    habit: bool = False
    style: str = ""
    burned_out: set[int] = field(default_factory=set)
    last_burnout_line: int = -10**9


class Narrator:
    """Reads one hospital at the end of each day and tells what changed on its wards."""

    def __init__(self, hospital: HospitalModel) -> None:
        self.hospital = hospital
        self.wards = {ward.index: WardWatch() for ward in hospital.wards}
        for ward in hospital.wards:  # the starting state is the backdrop, not news
            watch = self.wards[ward.index]
            watch.habit = ward.deviation_norm >= HABIT_NORM
            watch.style = manager_style(ward.manager.punitiveness, "")
            watch.burned_out = {c.unique_id for c in ward.clinicians if c.burned_out}

    def observe(self) -> None:
        """Tell the day's slow changes (call after the hospital's step)."""
        for ward in self.hospital.wards:
            watch = self.wards[ward.index]
            self.watch_habit(ward, watch)
            self.watch_manager(ward, watch)
            self.watch_burnout(ward, watch)
        self.watch_audits()
        if self.hospital.day % HARM_REVIEW_DAYS == 0:
            self.review_unreported_harm()

    def recent_share(self, numerator: str, denominator: str) -> float:
        """numerator / denominator summed over the last CAUSE_DAYS days of daily data."""
        recorded = self.hospital.datacollector.model_vars
        if not recorded.get(denominator):
            return float("nan")
        bottom = sum(recorded[denominator][-CAUSE_DAYS:])
        return sum(recorded[numerator][-CAUSE_DAYS:]) / bottom if bottom else float("nan")

    def watch_habit(self, ward: Ward, watch: WardWatch) -> None:
        norm = ward.deviation_norm
        if not watch.habit and norm >= HABIT_NORM:
            watch.habit = True
            pointless = 1.0 - self.hospital.config.regulation.coherence
            pressure = ward_pressure(ward)
            self.hospital.tell(
                "Working around the rules has become the ward's habit: most staff now take "
                f"the shortcut without a second thought (ward norm {norm:.2f}). Why: "
                f"{pointless:.0%} of the rules they meet seem pointless, and the ward is "
                f"{'short' if pressure > 1 else 'busy'} (time pressure {pressure:.2f}).",
                ward=ward, kind="workaround")
        elif watch.habit and norm < HABIT_NORM - HABIT_MARGIN:
            watch.habit = False
            self.hospital.tell(f"The shortcuts are no longer the ward's habit (ward norm "
                               f"{norm:.2f}).", ward=ward, kind="workaround")

    def watch_manager(self, ward: Ward, watch: WardWatch) -> None:
        style = manager_style(ward.manager.punitiveness, watch.style)
        if style != watch.style:
            watch.style = style
            self.hospital.tell(
                f"The manager has changed style and now {STYLE_WORDS[style]} "
                f"(blames {ward.manager.punitiveness:.0%} of the time).",
                ward=ward, kind="manager")

    def watch_burnout(self, ward: Ward, watch: WardWatch) -> None:
        now = {c.unique_id: c for c in ward.clinicians if c.burned_out}
        new = [c for key, c in now.items() if key not in watch.burned_out]
        watch.burned_out = set(now)
        day = self.hospital.day
        if new and day - watch.last_burnout_line >= BURNOUT_QUIET_DAYS:
            watch.last_burnout_line = day
            paperwork = self.recent_share("regulatory_time", "working_time")
            self.hospital.tell(
                f"{article(new[0].role)} {new[0].role} is burning out after weeks with "
                f"paperwork taking {paperwork:.0%} of the working day and time pressure "
                f"{new[0].time_pressure:.2f}; {len(now)} of the ward's {len(ward.clinicians)} "
                "clinicians are burned out now.",
                ward=ward, kind="burnout")

    def watch_audits(self) -> None:
        audited = [ward for ward in self.hospital.wards if ward.audited_today]
        summary = self.hospital.day_summary
        if not audited or not summary.get("audited_encounters"):
            return
        measured, true = summary["measured_compliance"], summary["true_compliance"]
        if measured - true >= AUDIT_GAP:
            names = ", ".join(ward.name for ward in audited)
            self.hospital.tell(
                f"The audit on {names} recorded {measured:.0%} compliance with the rules; on "
                f"the wards today, only {true:.0%} of obstacles were met by the rules.",
                kind="audit")

    def review_unreported_harm(self) -> None:
        recorded = self.hospital.datacollector.model_vars
        harmed = sum(recorded["adverse_events"][-HARM_REVIEW_DAYS:])
        reported = sum(recorded["reported_adverse_events"][-HARM_REVIEW_DAYS:])
        if harmed > reported:
            blamed = sum(recorded["blame_responses"][-HARM_REVIEW_DAYS:])
            answered = blamed + sum(recorded["learning_responses"][-HARM_REVIEW_DAYS:])
            fearless = recorded["nonpunitive_perception"][-1]
            why = (f" Why: managers met {blamed:.0f} of {answered:.0f} reports with blame, and "
                   f"only {fearless:.0%} of staff expect no blame for reporting."
                   if answered else " Why: no report was answered this month.")
            self.hospital.tell(
                f"In the last {HARM_REVIEW_DAYS} days {harmed:.0f} patients came to harm; staff "
                f"reported {reported:.0f} of these events. Nobody reported the other "
                f"{harmed - reported:.0f}.{why}", kind="unreported")


def ward_pressure(ward: Ward) -> float:
    """Mean time pressure of the ward's clinicians (1: exactly at capacity)."""
    staff = list(ward.clinicians)
    return sum(c.time_pressure for c in staff) / len(staff) if staff else 0.0


def article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"


def manager_style(punitiveness: float, before: str) -> str:
    """The manager's style from their chance of blame, keeping `before` within the margin."""
    margins = {"blaming": (BLAMING_STYLE - STYLE_MARGIN, 2.0),
               "learning": (-1.0, LEARNING_STYLE + STYLE_MARGIN)}
    if before in margins:
        low, high = margins[before]
        if low <= punitiveness <= high:
            return before
    if punitiveness >= BLAMING_STYLE:
        return "blaming"
    if punitiveness <= LEARNING_STYLE:
        return "learning"
    return "mixed"
