"""The obstacles of the working day, met by every clinician on duty (M4, M5, M7, M12).

Each clinician on duty meets rules (sensible or pointless) and the latent hazards of their ward,
one after another, and for each chooses: fix or report the cause (second-order, which takes
time from care), comply (which takes time), or work around it (which raises the risk of the care
it touches in proportion to what it bypasses). Every choice changes the clinician's time
pressure and tolerance, so the choices of a day are sequential. The rules are the functions of
`sim.core.mechanisms`, the same ones the rest of the model calls; this module only runs them for the
whole staff in one compiled loop (Numba), because the four to five choices per clinician-day
are most of the model's work.

What the loop cannot do itself (reports to a manager, fixes, escalations, an error reaching a
patient) it returns as events, in the order they happened, which `hand_over` gives to
the agents concerned. Within the day, all clinicians meet their obstacles before any gives the
day's routine care, so that an alert raised by harm in routine care takes effect the next day.
"""

from __future__ import annotations

from collections import namedtuple
from typing import TYPE_CHECKING

import numpy as np
from numba import njit, types
from numba.typed import List

from sim.core import mechanisms as rules
from sim.core.random_streams import poisson_quantile
from sim.core.records import (
    AuditRecord,
    ImprovementRecord,
    WorkaroundRecord,
    as_record,
    error_record,
)
from sim.core.world import HAZARD_KINDS, LOCAL_FIX_KEYS

if TYPE_CHECKING:
    from sim.config import ModelConfig
    from sim.core.agents.clinician import Clinician
    from sim.core.model import HospitalModel

# The levers and coefficients of the day that live in other sections of the configuration.
ShiftRecord = namedtuple("ShiftRecord", [
    "rule_obstacles", "coherence", "encounters_per_hazard", "audit_time_cost",
    "safety_barrier_protection", "pointless_rule_protection", "pointless_rule_distrust",
    "protected_time_planned", "attempt_fix", "normalisation_step", "harm_correction",
    "caught_correction_share", "base_error_rate", "second_order_log_odds", "admin_share",
    "doctor_admin_extra", "burnout_threshold"], module=__name__)
# This morning's state of each ward, of its open hazards and of its patients, by ward index
# (a ward's hazards and patients are the slice `start[w]:start[w + 1]`).
WardMorning = namedtuple("WardMorning", ["care_demand", "audited_today", "audit_readiness",
                                         "deviation_norm", "safety_climate", "vigilance"],
                         module=__name__)
OpenHazards = namedtuple("OpenHazards", ["start", "kind", "reported"], module=__name__)
Inpatients = namedtuple("Inpatients", ["start", "vulnerability"], module=__name__)

# Events handed back to the agents, and the counts the loop tallies.
REPORT_HAZARD, FIX_HAZARD, ESCALATE_HAZARD, WORKAROUND_ERROR = 0, 1, 2, 3
COUNTS = ("obstacle_encounters", "audited_encounters", "audited_compliant",
          "second_order_responses", "workarounds")
ENCOUNTERS, AUDITED, AUDITED_COMPLIANT, SECOND_ORDER, WORKAROUNDS = range(len(COUNTS))
NO_HAZARD = -1
KIND_CODE = {kind: code for code, kind in enumerate(HAZARD_KINDS)}
EVENT = types.UniTuple(types.int64, 4)  # kind, staff row, hazard, patient


def records(config: ModelConfig) -> tuple:
    """The configuration as the named tuples the compiled loop reads (built once for as long
    as no parameter changes: `HospitalModel.configured`)."""
    improvement = config.improvement
    shift = ShiftRecord(
        rule_obstacles=config.regulation.rule_obstacles,
        coherence=config.regulation.coherence,
        encounters_per_hazard=config.hazards.encounters_per_hazard,
        audit_time_cost=config.regulation.audit_time_cost,
        safety_barrier_protection=config.obstacles.safety_barrier_protection,
        pointless_rule_protection=config.obstacles.pointless_rule_protection,
        pointless_rule_distrust=config.learning.pointless_rule_distrust,
        protected_time_planned=improvement.protected_time
        * config.clinicians.clinician_led_improvement,
        attempt_fix=improvement.empowerment
        + improvement.authority_gain * config.clinicians.clinician_led_improvement,
        normalisation_step=config.clinicians.normalisation_step,
        harm_correction=config.clinicians.harm_correction,
        caught_correction_share=config.learning.caught_correction_share,
        base_error_rate=config.clinicians.base_error_rate,
        second_order_log_odds=rules.log_odds(config.clinicians.second_order_propensity),
        admin_share=config.regulation.admin_share,
        doctor_admin_extra=config.burnout.doctor_admin_extra,
        burnout_threshold=config.clinicians.burnout_threshold)
    return (ShiftRecord(*(float(value) for value in shift)),
            as_record(ImprovementRecord, improvement),
            as_record(WorkaroundRecord, config.workarounds),
            as_record(AuditRecord, config.audits),
            error_record(config))


def hazard_kind_rules(config: ModelConfig) -> tuple[np.ndarray, np.ndarray]:
    """By kind of hazard (`HAZARD_KINDS`): the protection its barrier gives, and the chance it
    is fixed on the ward."""
    obstacles = config.obstacles
    return (np.array([getattr(obstacles, f"{kind}_protection") for kind in HAZARD_KINDS]),
            np.array([getattr(obstacles, LOCAL_FIX_KEYS[kind]) for kind in HAZARD_KINDS]))


def meet_the_days_obstacles(model: HospitalModel) -> OnDuty | None:
    """Run the day's obstacles for the staff on duty, in the staff table, and hand the events
    to the agents; returns the staff on duty (None if no one is)."""
    wards = model.wards
    duty = OnDuty([c for ward in wards for c in ward.on_duty])
    if not duty.members:
        return None
    hazards = [h for ward in wards for h in ward.hazards]
    census = model.inpatients
    morning = WardMorning(
        np.array([ward.care_demand for ward in wards]),
        np.array([ward.audited_today for ward in wards], dtype=np.bool_),
        np.array([ward.audit_readiness for ward in wards]),
        np.array([ward.deviation_norm for ward in wards]),
        np.array([ward.safety_climate for ward in wards]),
        np.array([ward.vigilance for ward in wards]))
    open_hazards = OpenHazards(np.cumsum([0] + [len(ward.hazards) for ward in wards]),
                               np.array([KIND_CODE[h.kind] for h in hazards], dtype=np.int64),
                               np.array([h.reported for h in hazards], dtype=np.bool_))
    inpatients = Inpatients(census.start, census.vulnerability)
    protection, local_fix = model.configured(hazard_kind_rules)
    streams = model.streams
    counts = np.zeros(len(COUNTS), dtype=np.int64)
    shift, improvement, workarounds, audits, errors = model.configured(records)
    events = meet_obstacles(
        duty.rows, model.staff.compiled, morning, open_hazards, inpatients, protection,
        local_fix, shift, improvement, workarounds, audits, errors, streams.compiled, counts)
    for name, amount in zip(COUNTS, counts.tolist(), strict=True):
        model.count(name, amount)
    hand_over(model, events.tolist(), hazards, census.members)
    return duty


def hand_over(model: HospitalModel, events: list[list[int]], hazards: list,
              patients: list) -> None:
    """Hand each event of the day to the agents it concerns, in the order it happened."""
    members = model.staff.members
    for kind, row, hazard_index, patient_index in events:
        clinician = members[row]
        hazard = hazards[hazard_index] if hazard_index != NO_HAZARD else None
        if kind == REPORT_HAZARD:
            clinician.report_hazard(hazard)
        elif kind == FIX_HAZARD:
            clinician.fix_hazard(hazard)
        elif kind == ESCALATE_HAZARD:
            model.escalate(hazard)
        else:
            clinician.learn_from_workaround(
                *clinician.commit_error(patients[patient_index], hazard))


class OnDuty:
    """Today's staff on duty, in ward order: the agents and their rows of the staff table."""

    def __init__(self, members: list[Clinician]) -> None:
        self.members = members
        self.rows = np.array([c.row for c in members], dtype=np.int64)


@njit(cache=True)
def meet_obstacles(duty, staff, morning, hazards, inpatients, protection, local_fix, shift,
                   improvement, workarounds, audits, errors, streams, counts):
    """Every on-duty clinician's obstacles (`duty`: their rows of the staff table `staff`, in
    order); returns the events, one row each.

    Per clinician: the day's time pressure (care, regulatory work, an audit) and protected
    improvement time (crowded out under pressure); then Poisson rule meetings and binomial
    meetings with the ward's open hazards, each answered in turn. One loop without inner
    function calls on arrays, which would cost more in reference counting than the decisions.
    """
    # The columns, arrays and random streams the loop reads, as local names.
    meetings, decisions = streams.obstacle_meetings, streams.obstacle_decisions
    observation, error_draws = streams.audit_observation, streams.workaround_errors
    ward, doctor, exhaustion = staff.ward, staff.doctor, staff.exhaustion
    safety, usefulness = staff.psychological_safety, staff.perceived_usefulness
    tolerance, trust = staff.deviation_tolerance, staff.trust_in_management
    pressure, regulatory = staff.time_pressure, staff.regulatory_time
    protected = staff.improvement_time_used
    care_demand, audited_today = morning.care_demand, morning.audited_today
    readiness, norm = morning.audit_readiness, morning.deviation_norm
    climate, vigilance = morning.safety_climate, morning.vigilance
    hazard_start, hazard_kind, hazard_reported = hazards.start, hazards.kind, hazards.reported
    patient_start, vulnerability = inpatients.start, inpatients.vulnerability
    wards = len(care_demand)
    # Open hazards per ward, as indices into the day's hazard list; a fix removes one.
    open_hazards = np.arange(len(hazard_kind))
    open_count = np.empty(wards, dtype=np.int64)
    for w in range(wards):
        open_count[w] = hazard_start[w + 1] - hazard_start[w]
    events = List.empty_list(EVENT)
    for i in range(len(duty)):
        r = duty[i]
        w = ward[r]
        burned = rules.burned_out(exhaustion[r], shift.burnout_threshold)
        pressure[r], regulatory[r], protected[r] = rules.day_time_pressure(
            care_demand[w], rules.admin_share(shift.admin_share, shift.doctor_admin_extra,
                                              doctor[r]),
            audited_today[w], shift.audit_time_cost, shift.protected_time_planned, improvement)
        rule_meetings = poisson_quantile(shift.rule_obstacles, meetings.random())
        hazard_meetings = meetings.binomial(open_count[w], shift.encounters_per_hazard) \
            if open_count[w] > 0 else 0
        met = 0
        for obstacle in range(rule_meetings + hazard_meetings):
            # What is met: a rule, sensible or pointless (M7), or one of the open hazards.
            h = NO_HAZARD
            pointless = False
            if obstacle < rule_meetings:
                if meetings.random() < shift.coherence:
                    bypassed = shift.safety_barrier_protection
                else:
                    pointless = True
                    bypassed = shift.pointless_rule_protection
                    trust[r] = rules.after_pointless_rule(trust[r], shift.pointless_rule_distrust)
            else:
                if open_count[w] == 0:
                    break  # the clinician fixed the last open problem earlier in the day
                h = open_hazards[hazard_start[w] + int(meetings.random() * open_count[w])]
                bypassed = protection[hazard_kind[h]]
            met += 1
            # An auditor may be watching (M12). Observation has its own stream, so that
            # audits do not shift every later decision (common random numbers).
            audited = audited_today[w] and observation.random() < audits.observed_share
            if audited:
                counts[AUDITED] += 1
            # Fix or report the cause (M4), at a cost in time.
            second_order = rules.second_order_probability(
                shift.second_order_log_odds, safety[r], usefulness[r], pressure[r],
                protected[r], improvement)
            if decisions.random() < second_order:
                counts[SECOND_ORDER] += 1
                if audited:
                    counts[AUDITED_COMPLIANT] += 1
                pressure[r] += improvement.second_order_time
                if h != NO_HAZARD:
                    solve_problem(r, w, h, hazard_start, hazard_kind, hazard_reported,
                                  open_hazards, open_count, local_fix, shift, improvement,
                                  decisions, events)
                continue
            # Comply, or work around (M4, M5, M7, M12).
            if decisions.random() >= rules.workaround_probability(
                    workarounds, tolerance[r], norm[w], pressure[r], pointless, bypassed,
                    climate[w], vigilance[w], rules.audit_log_odds(audits, audited, readiness[w])):
                pressure[r] += workarounds.compliance_time
                if h == NO_HAZARD:
                    regulatory[r] += workarounds.compliance_time
                if audited:
                    counts[AUDITED_COMPLIANT] += 1
                continue
            counts[WORKAROUNDS] += 1
            if audited and observation.random() < rules.audit_gaming_probability(audits,
                                                                                  readiness[w]):
                counts[AUDITED_COMPLIANT] += 1  # M12 gaming: the record shows compliance
            # The care the workaround touched may go wrong; the outcome teaches tolerance (M5).
            patients = patient_start[w + 1] - patient_start[w]
            if patients > 0:
                p = patient_start[w] + int(error_draws.random() * patients)
                care_odds = rules.care_error_odds(errors, shift.base_error_rate, burned,
                                                  vulnerability[p], pressure[r])
                if error_draws.random() < rules.workaround_excess_risk(errors, care_odds,
                                                                       bypassed):
                    # The agents learn whether it harmed or was caught, and tolerance follows.
                    events.append((WORKAROUND_ERROR, r, h, p))
                    continue
            tolerance[r] = rules.tolerance_after_deviation(
                tolerance[r], False, False, shift.normalisation_step, shift.harm_correction,
                shift.caught_correction_share)
        counts[ENCOUNTERS] += met
    table = np.empty((len(events), 4), dtype=np.int64)
    for row in range(len(events)):
        table[row, 0], table[row, 1], table[row, 2], table[row, 3] = events[row]
    return table


@njit(cache=True)
def solve_problem(r, w, h, hazard_start, hazard_kind, hazard_reported, open_hazards,
                  open_count, local_fix, shift, improvement, decisions, events):
    """Second-order problem solving: try to fix the hazard if empowered, else report it.

    Many problems need someone outside the ward (Tucker & Edmondson 2003), so a fix the ward
    cannot make goes to support services, with their own capacity and delay. (About one
    obstacle in fifteen comes here, so a function call is cheap enough.)

    Whether the fix works is `mechanisms.fixed_on_ward`, as for managers
    (`HospitalModel.fix_on_ward`); a problem the ward cannot fix, or whose fix failed, goes to
    support services.
    """
    if decisions.random() >= shift.attempt_fix:
        if hazard_reported[h]:
            return
        hazard_reported[h] = True
        kind = REPORT_HAZARD
    elif rules.fixed_on_ward(local_fix[hazard_kind[h]], improvement.fix_success,
                             decisions.random(), decisions.random()):
        # Fixed: no one meets it again today.
        first, last = hazard_start[w], hazard_start[w] + open_count[w] - 1
        for slot in range(first, last + 1):
            if open_hazards[slot] == h:
                open_hazards[slot] = open_hazards[last]
                open_hazards[last] = h
                break
        open_count[w] -= 1
        kind = FIX_HAZARD
    else:
        kind = ESCALATE_HAZARD
    events.append((kind, r, h, NO_HAZARD))
