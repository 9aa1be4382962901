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
from sim.core.records import (
    AuditRecord,
    ErrorRecord,
    ImprovementRecord,
    WorkaroundRecord,
    as_record,
)
from sim.core.world import DOCTOR, HAZARD_KINDS, LOCAL_FIX_KEYS

if TYPE_CHECKING:
    from sim.config import ModelConfig
    from sim.core.agents.clinician import Clinician
    from sim.core.model import HospitalModel

# The levers and coefficients of the day that live in other sections of the configuration.
ShiftRecord = namedtuple("ShiftRecord", [
    "rule_obstacles", "coherence", "encounters_per_hazard", "audit_time_cost",
    "safety_barrier_protection", "pointless_rule_protection", "pointless_rule_distrust",
    "protected_time_planned", "attempt_fix", "normalisation_step", "harm_correction",
    "caught_correction_share", "base_error_rate", "second_order_log_odds"])

# Events handed back to the agents, and the counts the loop tallies.
REPORT_HAZARD, FIX_HAZARD, ESCALATE_HAZARD, WORKAROUND_ERROR = 0, 1, 2, 3
COUNTS = ("obstacle_encounters", "audited_encounters", "audited_compliant",
          "second_order_responses", "workarounds")
ENCOUNTERS, AUDITED, AUDITED_COMPLIANT, SECOND_ORDER, WORKAROUNDS = range(len(COUNTS))
NO_HAZARD = -1
KIND_CODE = {kind: code for code, kind in enumerate(HAZARD_KINDS)}
EVENT = types.UniTuple(types.int64, 4)  # kind, clinician, hazard, patient


def records(config: ModelConfig, second_order_log_odds: float) -> tuple:
    """The configuration as the named tuples the compiled loop reads."""
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
        second_order_log_odds=second_order_log_odds)
    return (ShiftRecord(*(float(value) for value in shift)),
            as_record(ImprovementRecord, improvement),
            as_record(WorkaroundRecord, config.workarounds),
            as_record(AuditRecord, config.audits),
            as_record(ErrorRecord, config.errors))


def meet_the_days_obstacles(model: HospitalModel) -> Staff | None:
    """Gather the staff and wards into arrays, run the day's obstacles, hand the events to the
    agents; returns the staff on duty (None if no one is)."""
    config = model.config
    wards = model.wards
    duty = [c for ward in wards for c in ward.on_duty]
    if not duty:
        return None
    hazards = [h for ward in wards for h in ward.hazards]
    patients = [p for ward in wards for p in ward.patients]
    hazard_start = np.cumsum([0] + [len(ward.hazards) for ward in wards])
    patient_start = np.cumsum([0] + [len(ward.patients) for ward in wards])
    obstacles = config.obstacles
    protection = np.array([getattr(obstacles, f"{kind}_protection") for kind in HAZARD_KINDS])
    local_fix = np.array([getattr(obstacles, LOCAL_FIX_KEYS[kind]) for kind in HAZARD_KINDS])
    staff = Staff(duty)
    streams = model.streams
    counts = np.zeros(len(COUNTS), dtype=np.int64)
    shift, improvement, workarounds, audits, errors = records(
        config, model.second_order_log_odds)
    events = meet_obstacles(
        staff.ward, staff.admin_share, staff.burned_out, staff.safety, staff.usefulness,
        staff.tolerance, staff.trust, staff.pressure, staff.regulatory, staff.protected,
        np.array([ward.care_demand for ward in wards]),
        np.array([ward.audited_today for ward in wards]),
        np.array([ward.audit_readiness for ward in wards]),
        np.array([ward.deviation_norm for ward in wards]),
        np.array([ward.safety_climate for ward in wards]),
        np.array([ward.vigilance for ward in wards]),
        hazard_start, np.array([KIND_CODE[h.kind] for h in hazards], dtype=np.int64),
        np.array([h.reported for h in hazards], dtype=np.bool_),
        patient_start, np.array([p.vulnerability for p in patients]),
        protection, local_fix, shift, improvement, workarounds, audits, errors,
        streams.obstacle_meetings, streams.obstacle_decisions, streams.audit_observation,
        streams.workaround_errors, counts)
    staff.write_back()
    for name, amount in zip(COUNTS, counts.tolist(), strict=True):
        model.count(name, amount)
    hand_over(model, events.tolist(), duty, hazards, patients)
    return staff


def hand_over(model: HospitalModel, events: list[list[int]], duty: list[Clinician],
              hazards: list, patients: list) -> None:
    """Hand each event of the day to the agents it concerns, in the order it happened."""
    for kind, who, hazard_index, patient_index in events:
        clinician = duty[who]
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


class Staff:
    """The on-duty clinicians' state as arrays, for the compiled loops, and back."""

    def __init__(self, duty: list[Clinician]) -> None:
        self.members = duty
        self.ward = np.array([c.ward.index for c in duty], dtype=np.int64)
        self.post = np.array([c.post for c in duty], dtype=np.int64)
        self.admin_share = np.array([c.admin_share for c in duty])
        self.doctor = np.array([c.role == DOCTOR for c in duty], dtype=np.bool_)
        self.burned_out = np.array([c.burned_out for c in duty], dtype=np.bool_)
        self.safety = np.array([c.psychological_safety for c in duty])
        self.usefulness = np.array([c.perceived_usefulness for c in duty])
        self.tolerance = np.array([c.deviation_tolerance for c in duty])
        self.trust = np.array([c.trust_in_management for c in duty])
        size = len(duty)
        self.pressure = np.empty(size)
        self.regulatory = np.empty(size)
        self.protected = np.empty(size)

    def write_back(self) -> None:
        for clinician, tolerance, trust, pressure, regulatory, protected in zip(
                self.members, self.tolerance.tolist(), self.trust.tolist(), self.pressure.tolist(),
                self.regulatory.tolist(), self.protected.tolist(), strict=True):
            clinician.deviation_tolerance = tolerance
            clinician.trust_in_management = trust
            clinician.time_pressure = pressure
            clinician.regulatory_time = regulatory
            clinician.improvement_time_used = protected


@njit(cache=True)
def meet_obstacles(ward, admin_share, burned_out, safety, usefulness, tolerance, trust,
                   pressure, regulatory, protected,
                   care_demand, audited_today, readiness, norm, climate, vigilance,
                   hazard_start, hazard_kind, hazard_reported, patient_start, vulnerability,
                   protection, local_fix, shift, improvement, workarounds, audits, errors,
                   meetings, decisions, observation, error_draws, counts):
    """Every on-duty clinician's obstacles, in order; returns the events, one row each.

    Per clinician: the day's time pressure (care, regulatory work, an audit) and protected
    improvement time (crowded out under pressure); then Poisson rule meetings and binomial
    meetings with the ward's open hazards, each answered in turn. One loop without inner
    function calls on arrays, which would cost more in reference counting than the decisions.
    """
    wards = len(care_demand)
    # Open hazards per ward, as indices into the day's hazard list; a fix removes one.
    open_hazards = np.arange(len(hazard_kind))
    open_count = np.empty(wards, dtype=np.int64)
    for w in range(wards):
        open_count[w] = hazard_start[w + 1] - hazard_start[w]
    events = List.empty_list(EVENT)
    for i in range(len(ward)):
        w = ward[i]
        pressure[i], regulatory[i], protected[i] = rules.day_time_pressure(
            care_demand[w], admin_share[i], audited_today[w], shift.audit_time_cost,
            shift.protected_time_planned, improvement)
        rule_meetings = meetings.poisson(shift.rule_obstacles) \
            if shift.rule_obstacles > 0.0 else 0
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
                    trust[i] = rules.after_pointless_rule(trust[i], shift.pointless_rule_distrust)
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
                shift.second_order_log_odds, safety[i], usefulness[i], pressure[i],
                protected[i], improvement)
            if decisions.random() < second_order:
                counts[SECOND_ORDER] += 1
                if audited:
                    counts[AUDITED_COMPLIANT] += 1
                pressure[i] += improvement.second_order_time
                if h != NO_HAZARD:
                    solve_problem(i, w, h, hazard_start, hazard_kind, hazard_reported,
                                  open_hazards, open_count, local_fix, shift, improvement,
                                  decisions, events)
                continue
            # Comply, or work around (M4, M5, M7, M12).
            if decisions.random() >= rules.workaround_probability(
                    workarounds, tolerance[i], norm[w], pressure[i], pointless, bypassed,
                    climate[w], vigilance[w], rules.audit_log_odds(audits, audited, readiness[w])):
                pressure[i] += workarounds.compliance_time
                if h == NO_HAZARD:
                    regulatory[i] += workarounds.compliance_time
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
                care_odds = rules.care_error_odds(errors, shift.base_error_rate, burned_out[i],
                                                  vulnerability[p], pressure[i])
                if error_draws.random() < rules.workaround_excess_risk(errors, care_odds,
                                                                       bypassed):
                    # The agents learn whether it harmed or was caught, and tolerance follows.
                    events.append((WORKAROUND_ERROR, i, h, p))
                    continue
            tolerance[i] = rules.tolerance_after_deviation(
                tolerance[i], False, False, shift.normalisation_step, shift.harm_correction,
                shift.caught_correction_share)
        counts[ENCOUNTERS] += met
    table = np.empty((len(events), 4), dtype=np.int64)
    for row in range(len(events)):
        table[row, 0], table[row, 1], table[row, 2], table[row, 3] = events[row]
    return table


@njit(cache=True)
def solve_problem(i, w, h, hazard_start, hazard_kind, hazard_reported, open_hazards,
                  open_count, local_fix, shift, improvement, decisions, events):
    """Second-order problem solving: try to fix the hazard if empowered, else report it.

    Many problems need someone outside the ward (Tucker & Edmondson 2003), so a fix the ward
    cannot make goes to support services, with their own capacity and delay. (About one
    obstacle in fifteen comes here, so a function call is cheap enough.)

    The fix succeeds with `mechanisms.local_fix_probability`, drawn here in two steps (can the
    ward fix this kind of problem; does the attempt work), where managers draw it once
    (`HospitalModel.fix_on_ward`). Only a problem the ward cannot fix is escalated; a failed
    attempt leaves it open for the next clinician who meets it.
    """
    if decisions.random() >= shift.attempt_fix:
        if hazard_reported[h]:
            return
        hazard_reported[h] = True
        kind = REPORT_HAZARD
    elif decisions.random() < local_fix[hazard_kind[h]]:
        if decisions.random() >= improvement.fix_success:
            return
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
    events.append((kind, i, h, NO_HAZARD))
