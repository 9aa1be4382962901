"""HospitalModel: an agent-based model of safety culture in a hospital.

Clinicians, managers and patients interact on wards under a configurable regulatory regime and
transparency policy. Reporting rates, workarounds, harm, burnout and trust are not inputs: they
emerge from agents' daily choices (work around or comply, report or stay silent, blame or
learn, stay or leave) and from what agents learn from each other. The argument the model makes
explorable is the response to Buist & Middleton (2013, BMJ): safety depends less on the number
of rules than on whether clinicians feel safe to speak, see that speaking changes something, and
trust the people who manage them. Mechanisms and their evidence: docs/ODD.md.

One step is one day. Periodic processes (audits, walkrounds) and delayed feedback run on Mesa's
event scheduler; day d's work happens at model time d.
"""

from __future__ import annotations

import copy
import itertools
import math
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
from mesa import Model

from sim.config import STRUCTURAL_PARAMETERS, ModelConfig
from sim.core import mechanisms as rules
from sim.core.agents.clinician import Clinician
from sim.core.agents.manager import Manager
from sim.core.agents.patient import AdmissionProfile, Patient
from sim.core.metrics import METRICS, DailyTally
from sim.core.observation import DailyRecords, summarise_day
from sim.core.passes.admissions import admission_traits, draw_the_days_admissions
from sim.core.passes.bedside import patients_day
from sim.core.passes.care import give_care
from sim.core.passes.fatigue import end_shifts
from sim.core.passes.peers import follow_peers, ward_climates
from sim.core.passes.responses import ready_the_loops
from sim.core.passes.shift import meet_the_days_obstacles
from sim.core.passes.timetables import PeriodicProcess, update_timetables
from sim.core.random_streams import DUTY, LEAVING, KeyedDraws, RandomStreams, poisson
from sim.core.staff import NEVER, StaffTable
from sim.core.world import (
    DOCTOR,
    HAZARD_KINDS,
    LOCAL_FIX_KEYS,
    NURSE,
    Hazard,
    Report,
    SupportServices,
    Vacancy,
    Ward,
    take_inpatient_census,
)

if TYPE_CHECKING:
    import pandas as pd

DAYS_PER_YEAR = 365.0
T = TypeVar("T")


@dataclass(frozen=True)
class StoryEvent:
    """A notable event in plain words, for the story feed."""

    day: int
    ward: int | None
    kind: str
    text: str


class HospitalModel(Model):
    """A hospital of wards, each with clinicians, a manager, patients and latent hazards."""

    def __init__(self, config: ModelConfig | None = None, seed: int = 0, *,
                 storytelling: bool = True) -> None:
        super().__init__(rng=seed)
        self.config = copy.deepcopy(config) if config is not None else ModelConfig()
        self.seed = seed
        self.streams = RandomStreams(seed)
        self.keyed = KeyedDraws(seed)
        self.tally = DailyTally()
        self.storytelling = storytelling
        self.story: deque[StoryEvent] = deque(maxlen=2000)
        self.day_summary: dict[str, float] = {}
        self.periodic_processes: list[PeriodicProcess] = []
        self.support_services = SupportServices()
        self.staff = StaffTable()  # every clinician's state; the Clinician agents are views
        # Records of the configuration that the compiled passes read, by builder (`configured`).
        self.configured_records: dict[Callable[[ModelConfig], Any], Any] = {}
        self.admissions_so_far = 0  # numbers each admission (a patient's agent may be reused)
        # Set by `sim.scenario.runtime.build_model` when the hospital runs a scenario.
        self.scenario_spec: Any = None
        self.interventions: list[Any] = []  # runners kept alive (Mesa holds weak references)
        self.intervention_markers: list[tuple[int, str]] = []
        self.fired_triggers: list[tuple[int, str]] = []
        self.build_hospital()
        self.schedule_periodic_processes()
        self.datacollector = DailyRecords(["day", *(metric.name for metric in METRICS)])

    # --- building the hospital ------------------------------------------------------------------

    def build_hospital(self) -> None:
        hospital = self.config.hospital
        self.wards = [Ward(index, hospital.beds_per_ward) for index in range(hospital.wards)]
        for ward in self.wards:
            self.hire(ward, NURSE, hospital.nurses_per_ward)
            self.hire(ward, DOCTOR, hospital.doctors_per_ward)
            ward.manager = Manager(self, ward)
        self.executives = list(Manager.create_agents(self, hospital.executives, None))
        self.admit_initial_patients()
        hazards = self.config.hazards
        for ward in self.wards:
            # Start near the hazard load a ward carries in steady state.
            for _ in range(poisson(self.streams.hazards,
                                   hazards.initial_age_days * hazards.emergence_rate)):
                ward.hazards.append(Hazard(self.streams.hazards.choice(HAZARD_KINDS), ward, 0))

    def hire(self, ward: Ward, role: str, count: int) -> None:
        """Create `count` new posts on the ward and fill them."""
        posts = list(range(ward.posts, ward.posts + count))
        ward.posts += count
        ward.clinicians.extend(Clinician(self, ward, role, post) for post in posts)
        self.refresh_staff_list()

    def refresh_staff_list(self) -> None:
        self.clinician_list = [c for ward in self.wards for c in ward.clinicians]
        self.clinician_count = len(self.clinician_list)
        # The staff's rows of the staff table, ward by ward, and where each post is, for keyed
        # draws over the whole staff at once.
        self.staff_rows = np.array([c.row for c in self.clinician_list], dtype=np.int64)
        self.staff_wards = self.staff.columns.ward[self.staff_rows]
        self.staff_posts = self.staff.columns.post[self.staff_rows]

    def admit_initial_patients(self) -> None:
        """Fill the beds to the occupancy aimed for, each patient part-way through a stay."""
        patients = self.config.patients
        profile = AdmissionProfile.of(self)
        arrivals = self.streams.arrivals
        stay_law = self.length_of_stay_law()
        for ward in self.wards:
            for _ in range(round(ward.beds * patients.target_occupancy)):
                remaining = arrivals.random() * arrivals.lognormvariate(*stay_law)
                self.admit(ward, self.day + max(1, round(remaining)),
                           *admission_traits(self.streams.patients, profile))
        self.inpatients = take_inpatient_census(self.wards)

    def admit(self, ward: Ward, discharge_day: int, vulnerability: float,
              inborn_engagement: float, spare: list[Patient] | None = None) -> None:
        """A patient takes a bed on `ward` until `discharge_day`, in one of the `spare` agents
        if any is left."""
        if spare:
            patient = spare.pop()
            patient.admit(ward, discharge_day, vulnerability, inborn_engagement)
        else:
            patient = Patient(self, ward, discharge_day, vulnerability, inborn_engagement)
        ward.patients.append(patient)

    def length_of_stay_law(self) -> tuple[float, float]:
        """The lognormal law of a stay: mu and sigma, with its mean the configured one."""
        mean = self.config.patients.mean_length_of_stay
        sigma = self.config.patient_voice.length_of_stay_spread
        return math.log(mean) - sigma ** 2 / 2, sigma

    # --- parameters that can change mid-run ------------------------------------------------------

    def set_parameter(self, key: str, value: float) -> None:
        """Change one parameter mid-run (interventions, sliders), keeping the model consistent."""
        if key in STRUCTURAL_PARAMETERS:
            raise ValueError(f"{key} fixes the shape of the hospital and cannot change mid-run")
        self.config.set(key, value)
        self.configured_records.clear()
        if key in ("regulation.audits_per_year", "management.walkrounds_per_month"):
            self.schedule_periodic_processes()
        elif key in ("hospital.nurses_per_ward", "hospital.doctors_per_ward"):
            self.adjust_staffing()

    def configured(self, build: Callable[[ModelConfig], T]) -> T:
        """`build(config)`, kept until a parameter changes. The compiled passes read the
        configuration as records, which cost more to build every day than the day's draws;
        a running model's parameters change only through `set_parameter`, which drops them."""
        record = self.configured_records.get(build)
        if record is None:
            record = self.configured_records[build] = build(self.config)
        return record

    def adjust_staffing(self) -> None:
        """Hire or let go so that each ward has the configured number of posts per role.

        Open vacancies count as posts: cutting staff first cancels them.
        """
        hospital = self.config.hospital
        for ward in self.wards:
            for role, wanted in ((NURSE, hospital.nurses_per_ward),
                                 (DOCTOR, hospital.doctors_per_ward)):
                staff = [c for c in ward.clinicians if c.role == role]
                open_posts = [v for v in ward.vacancies if v.role == role]
                surplus = len(staff) + len(open_posts) - wanted
                for vacancy in open_posts[:max(0, surplus)]:
                    ward.vacancies.remove(vacancy)
                    surplus -= 1
                if surplus < 0:
                    self.hire(ward, role, -surplus)
                for leaver in staff[len(staff) - max(0, surplus):] if surplus > 0 else []:
                    ward.clinicians.remove(leaver)
                    leaver.remove()
        self.refresh_staff_list()

    def external_shock(self, magnitude: float, description: str = "A public inquiry") -> None:
        """M14: an inquiry or media storm; its bite depends on how management meets it, and it
        puts every manager under pressure."""
        managers = self.executives + self.ward_managers
        learning = sum(m.learning_orientation for m in managers) / len(managers)
        for clinician in self.clinician_list:
            clinician.psychological_safety, clinician.trust_in_management = \
                rules.after_external_blame(clinician.psychological_safety,
                                           clinician.trust_in_management, magnitude, learning,
                                           self.config.learning)
        for manager in managers:
            manager.feel_pressure(self.config.managers.pressure_per_shock * magnitude)
        self.tell(f"{description} puts the hospital in the headlines; staff grow guarded.",
                  kind="shock")

    @property
    def ward_managers(self) -> list[Manager]:
        return [ward.manager for ward in self.wards]

    # --- periodic processes on Mesa's event scheduler ------------------------------------------

    def schedule_periodic_processes(self) -> None:
        """Keep each ward's audit and walkround timetables in step with their current rates."""
        self.periodic_processes = update_timetables(self, self.periodic_processes)

    # --- the day -------------------------------------------------------------------------------

    @property
    def day(self) -> int:
        """The current day; day d's work happens at model time d."""
        return int(self.time)

    def step(self) -> None:
        # The tally is reset after collection, not here, so that delayed feedback delivered by
        # the scheduler between two days counts toward the next day.
        self.discharge_and_admit()
        self.emerge_hazards()
        self.prepare_wards()
        staff_on_duty = meet_the_days_obstacles(self)
        if staff_on_duty is not None:
            give_care(self, staff_on_duty)
        end_shifts(self, staff_on_duty)
        patients_day(self)
        self.hold_walkrounds()
        for manager in self.ward_managers:
            manager.handle_reports()
        self.run_support_services()
        follow_peers(self)
        self.end_day()
        self.summarise_day()
        self.datacollector.collect(self)
        self.tally.reset()

    def run(self, days: int | None = None) -> HospitalModel:
        """Run burn-in plus `days` (default: the configured run length) from now."""
        run = self.config.run
        total = (run.burn_in + run.days) if days is None else days
        self.run_for(total)
        return self

    def discharge_and_admit(self) -> None:
        """Send home the patients whose stay ends today, admit today's arrivals
        (`sim.core.passes.admissions`), and take the census the day's passes read."""
        day = self.day
        wards = self.wards
        # A patient discharged today lends their agent to an admission (creating and
        # registering an agent costs more than a patient's day); only wards hold patients.
        spare: list[Patient] = []
        for ward in wards:
            going = [patient for patient in ward.patients if patient.discharge_day <= day]
            if going:
                ward.patients = [patient for patient in ward.patients
                                 if patient.discharge_day > day]
                spare.extend(going)
        patients = self.config.patients
        admitted, discharge_days, vulnerability, engagement = draw_the_days_admissions(
            wards, self.streams.arrivals, self.streams.patients,
            patients.target_occupancy / patients.mean_length_of_stay, self.length_of_stay_law(),
            AdmissionProfile.of(self), day)
        admissions = iter(zip(discharge_days.tolist(), vulnerability.tolist(),
                              engagement.tolist(), strict=True))
        for ward, count in zip(wards, admitted.tolist(), strict=True):
            for traits in itertools.islice(admissions, count):
                self.admit(ward, *traits, spare)
        self.count("admissions", len(discharge_days))
        for patient in spare:  # agents no admission took today
            patient.remove()
        self.inpatients = take_inpatient_census(wards)

    def emerge_hazards(self) -> None:
        """Latent hazards appear at random and some resolve without anyone fixing them."""
        hazards = self.config.hazards
        draw = self.streams.hazards
        day = self.day
        # One uniform per open hazard, ward after ward (a block stream: the same numbers as
        # drawing them one at a time).
        resolve = self.streams.hazard_resolution
        open_now = sum(len(ward.hazards) for ward in self.wards)
        uniforms, position = resolve.block(open_now)
        staying = (uniforms[position:position + open_now]
                   >= 1.0 / hazards.self_resolution_days).tolist()
        resolve.use(open_now)
        first = 0
        for ward in self.wards:
            count = len(ward.hazards)
            stays = staying[first:first + count]
            first += count
            kept = list(itertools.compress(ward.hazards, stays))
            if len(kept) < count:
                for hazard, stay in zip(ward.hazards, stays, strict=True):
                    if not stay:
                        hazard.open = False  # gone by itself
            ward.hazards = kept
            for _ in range(poisson(draw, hazards.emergence_rate)):
                ward.hazards.append(Hazard(draw.choice(HAZARD_KINDS), ward, day))
                self.count("new_hazards")

    def prepare_wards(self) -> None:
        """Roster, audits, and each ward's shared climate and norm this morning."""
        day = self.day
        attendance = self.config.hospital.attendance
        capacity = self.config.hospital.care_capacity
        duty = self.streams.duty
        # Keyed by post, so that turnover elsewhere does not reshuffle everyone's rota.
        rostered = self.keyed.uniforms(day, self.staff_wards, self.staff_posts,
                                       DUTY) < attendance
        rows, staff = self.staff_rows, self.staff
        on_duty = staff.columns.on_duty
        on_duty[rows] = rostered
        rota = rostered.tolist()
        # The staff's beliefs ward by ward (the staff list runs ward after ward).
        sizes = [len(ward.clinicians) for ward in self.wards]
        climates = ward_climates(rows, staff.compiled, np.array(sizes, dtype=np.int64))
        first = 0
        for ward, size, safety, norm, usefulness in zip(self.wards, sizes, *climates.tolist(),
                                                        strict=True):
            last = first + size
            ward.on_duty = list(itertools.compress(ward.clinicians, rota[first:last]))
            if not ward.on_duty and ward.clinicians:
                ward.on_duty = [duty.choice(ward.clinicians)]
                on_duty[ward.on_duty[0].row] = True
            ward.audited_today = ward.audit_day == day
            if ward.audited_today:
                self.count("audits")
                ward.manager.feel_pressure(self.config.managers.pressure_per_audit)
            ward.safety_climate, ward.deviation_norm, ward.usefulness_climate = \
                safety, norm, usefulness
            first = last
            ward.care_demand = len(ward.patients) / (max(1, len(ward.on_duty)) * capacity)

    def hold_walkrounds(self) -> None:
        """Today's walkrounds: a share led by an executive who still has time this month (the
        one with most), the rest by the ward's manager if they have time left (M11)."""
        share = self.config.walkrounds.executive_share
        day = self.day
        for ward in self.wards:
            if ward.walkround_day == day:
                walker = None
                if self.executives and self.streams.walkrounds.random() < share:
                    free = max(self.executives, key=lambda executive: executive.walkround_credit)
                    if free.walkround_credit >= 1.0:
                        walker = free
                if walker is None and ward.manager.walkround_credit >= 1.0:
                    walker = ward.manager
                if walker is not None:  # else no one has time left this month
                    walker.walk_round(ward)

    def run_support_services(self) -> None:
        for hazard in self.support_services.work(self.day, self.streams.support,
                                                 self.config.improvement, len(self.wards)):
            self.count("hazards_fixed")
            self.tell(f"Support services fixed the {hazard.kind} problem.", ward=hazard.ward,
                      kind="fix")

    def end_day(self) -> None:
        """Slow states move: managers' pressure and learning, wards' audit readiness and alert,
        and staff leave or join (turnover)."""
        for manager in self.ward_managers + self.executives:
            manager.end_day()
        audits, correction = self.config.audits, self.config.correction
        for ward in self.wards:
            ward.audit_readiness = rules.audit_readiness(
                ward.audit_readiness, ward.audited_today, ward.manager.compliance_focus, audits)
            ward.vigilance -= correction.vigilance_decay * ward.vigilance
        self.turn_over_staff()

    # --- problems: fixing on the ward, escalating, and the correction after serious harm ---------

    def fix_on_ward(self, hazard: Hazard, draw: random.Random) -> bool:
        """Try to fix a hazard with the ward's own means; True if it is now gone."""
        local = getattr(self.config.obstacles, LOCAL_FIX_KEYS[hazard.kind])
        if not rules.fixed_on_ward(local, self.config.improvement.fix_success, draw.random(),
                                   draw.random()):
            return False
        if not hazard.ward.fix(hazard):
            return False
        self.count("hazards_fixed")
        return True

    def escalate(self, hazard: Hazard) -> None:
        """A problem the ward cannot fix goes to support services (estates, supplies, IT)."""
        self.support_services.escalate(hazard, self.day, self.streams.support,
                                       self.config.improvement)

    def consider_correction(self, ward: Ward, known: bool) -> None:
        """M6 Rasmussen 1997: a serious, visible harm event sets off a temporary correction.

        The ward's clinicians tighten their practice and the ward goes on alert (fewer
        workarounds while it lasts); its manager feels the pressure. Drift then resumes.
        """
        config = self.config
        draw = self.streams.correction
        if draw.random() >= config.errors.serious_share:
            return
        if not known and draw.random() >= config.correction.visibility:
            return
        self.count("serious_events")
        ward.vigilance = 1.0
        cut = config.correction.tolerance_cut
        for clinician in ward.clinicians:
            clinician.deviation_tolerance -= cut * clinician.deviation_tolerance
        ward.manager.feel_pressure(config.managers.pressure_per_serious_harm)
        self.tell("A patient came to serious harm; the ward tightens its practice for a while.",
                  ward=ward, kind="harm")

    # --- staff turnover -------------------------------------------------------------------------

    def turn_over_staff(self) -> None:
        """Clinicians leave (more often after long burnout) and vacancies fill after a delay,
        with newcomers who bring the default beliefs; meanwhile the ward is short-staffed."""
        turnover = self.config.turnover
        draw = self.streams.turnover
        day = self.day
        daily = -math.log(1.0 - min(turnover.leaving_rate, 0.999)) / DAYS_PER_YEAR
        burned_odds = daily / (1.0 - daily) * turnover.burnout_leaving_odds
        burned_daily = burned_odds / (1.0 + burned_odds)
        hired = False
        for ward in self.wards:
            for vacancy in [v for v in ward.vacancies if v.fill_day <= day]:
                ward.vacancies.remove(vacancy)
                ward.clinicians.append(Clinician(self, ward, vacancy.role, vacancy.post))
                hired = True
        if hired:
            self.refresh_staff_list()
        leaving = self.keyed.uniforms(day, self.staff_wards, self.staff_posts, LEAVING)
        long_burnout = self.burnout_days(day) > turnover.burnout_lag_days
        leavers = np.flatnonzero(leaving < np.where(long_burnout, burned_daily, daily))
        staff = self.clinician_list
        for index in leavers.tolist():
            self.leave(staff[index], bool(long_burnout[index]), draw)
        left = len(leavers) > 0
        if left:
            self.refresh_staff_list()

    def burnout_days(self, day: int) -> np.ndarray:
        """Days each of the staff has been burned out (0 if not), tracked for leaving."""
        columns, rows = self.staff.columns, self.staff_rows
        burned = rules.burned_out(columns.exhaustion[rows],
                                  self.config.clinicians.burnout_threshold)
        since = columns.burned_out_since[rows]
        since = np.where(burned, np.where(since == NEVER, day, since), NEVER)
        columns.burned_out_since[rows] = since
        return np.where(burned, day - since, 0)

    def leave(self, clinician: Clinician, burned_out: bool, draw: random.Random) -> None:
        ward = clinician.ward
        ward.clinicians.remove(clinician)
        delay = draw.expovariate(1.0 / self.config.turnover.vacancy_days) \
            if self.config.turnover.vacancy_days > 0 else 0.0
        ward.vacancies.append(Vacancy(clinician.role, clinician.post,
                                      self.day + max(1, round(delay))))
        self.count("leavers")
        if burned_out:
            self.tell(f"{clinician.describe(capital=True)}, burned out for months, resigned.",
                      ward=ward, kind="burnout")
        clinician.remove()

    # --- recording -----------------------------------------------------------------------------

    def count(self, name: str, amount: int = 1) -> None:
        """Add to one of the day's tallied counts (the metrics contract names them)."""
        self.tally.counts[name] += amount  # an unknown name fails loudly (KeyError)

    def new_report(self, kind: str, reporter: Clinician | None, *, harm: bool = False,
                   hazard: Hazard | None = None, ward: Ward | None = None) -> Report:
        return Report(kind, ward or reporter.ward, self.day, reporter, harm, hazard)

    def record_incident(self, ward: Ward, *, harm: bool, preventable: bool) -> None:
        ward.incidents += 1
        self.count("incidents")
        if harm:
            ward.adverse_events += 1
            self.count("adverse_events")
            if preventable:
                self.count("preventable_adverse_events")
        else:
            self.count("near_misses")

    def record_staff_report(self, ward: Ward, harm: bool) -> None:
        ward.staff_reports += 1
        self.count("staff_reports")
        if harm:
            self.count("reported_adverse_events")

    def tell(self, text: str, *, ward: Ward | None = None, kind: str = "event") -> None:
        """Add a line to the story feed (skipped in batch runs, where no one reads it)."""
        if self.storytelling:
            self.story.append(StoryEvent(self.day, None if ward is None else ward.index, kind,
                                         f"Day {self.day}" + (f", {ward.name}" if ward else "")
                                         + f": {text}"))

    def summarise_day(self) -> None:
        """Read the day's counts and the agents' states into one row of daily data."""
        self.day_summary = summarise_day(self)

    def daily_data(self) -> pd.DataFrame:
        """The daily metrics as a pandas DataFrame.

        `day` counts from the end of burn-in: burn-in days are 0 and below, the evaluated run is
        days 1 to `run.days`. Scenario days (interventions, shocks) use the same numbering.
        """
        frame = self.datacollector.get_model_vars_dataframe()
        return frame.astype({"day": int})

    def model_time(self, scenario_day: float) -> float:
        """Model time of a scenario day (scenario days count from the end of burn-in)."""
        return self.config.run.burn_in + scenario_day

    @property
    def scenario_day(self) -> int:
        """Today in scenario days (negative or zero during burn-in)."""
        return self.day - self.config.run.burn_in


def prepare_compiled_loops() -> None:
    """Compile the model's loops (or load them from Numba's on-disk cache) by running a default
    hospital for a day.

    The first run after installing compiles them, which takes several seconds; a page that did
    this on the teacher's first Step would look frozen, so `run.py app` calls this before it
    serves the page (and the page's server then loads the loops from the cache).
    """
    model = HospitalModel(ModelConfig(), seed=1, storytelling=False)
    model.step()
    ready_the_loops(model)  # those the first day may not reach
