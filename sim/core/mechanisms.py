"""The causal rules of the model, one function per mechanism (M1-M14, docs/ODD.md).

Agents call these functions to make their decisions and to update their beliefs; nothing here
touches a metric. Each function names its mechanism and evidence, so that a reader who wants to
change how, say, punitive responses act on reporting finds the single place to do it. Every
coefficient comes from the configuration (`sim.config.behaviour`), with its source there. The
functional forms are logistic for choices (log-odds add up across influences, the usual way to
combine published odds ratios) and first-order relaxation for beliefs (a belief moves a fraction
of the way toward what was just seen, so recent experience counts most).

The rules of the working day's obstacles are also compiled (Numba) into `sim.core.passes.shift`,
which runs them for the whole staff at once; `jitable` marks them. Called from Python they are plain
Python functions.
"""

from __future__ import annotations

import math

from numba.extending import register_jitable as jitable

from sim.config.behaviour import (
    AuditBehaviour,
    BurnoutBehaviour,
    ErrorBehaviour,
    ImprovementBehaviour,
    LearningBehaviour,
    ManagerBehaviour,
    ReportingBehaviour,
    WalkroundBehaviour,
    WorkaroundBehaviour,
)

PROBABILITY_FLOOR = 1e-9  # keeps log-odds finite at 0 and 1; far below any rate in the model


@jitable
def logistic(log_odds: float) -> float:
    """Probability from log-odds, safe for large magnitudes."""
    if log_odds >= 0:
        return 1.0 / (1.0 + math.exp(-log_odds))
    z = math.exp(log_odds)
    return z / (1.0 + z)


def log_odds(probability: float) -> float:
    """Log-odds of a probability, clamped away from 0 and 1."""
    probability = min(max(probability, PROBABILITY_FLOOR), 1.0 - PROBABILITY_FLOOR)
    return math.log(probability / (1.0 - probability))


@jitable
def relax(value: float, target: float, rate: float) -> float:
    """Move a belief a fraction `rate` of the way toward `target`."""
    return value + rate * (target - value)


# --- M1, M2, M3, M8: the decision to report ------------------------------------------------


def reporting_probability(rules: ReportingBehaviour, psychological_safety: float,
                          perceived_blame: float, usefulness: float, trust: float,
                          time_pressure: float, burned_out: bool, harm: bool,
                          propensity: float) -> float:
    """Chance that a clinician reports an incident they were involved in.

    M1 psychological safety raises reporting (Edmondson 1999; Leroy 2012). M2 expected blame is
    the leading barrier (Archer 2017). M3 belief that reporting changes something, built from
    feedback, is the strongest predictor of reporting frequency (Benn 2009; AHRQ analyses).
    M8 distrust of how managers use incident data (Waring 2005) and lack of time (Sinsky 2016)
    suppress it. Harm events are reported more than near misses (Evans 2006). `propensity` is
    the clinician's personal log-odds offset (role and habit: nurses file most reports).
    """
    return logistic(rules.intercept + propensity
                    + rules.safety_weight * psychological_safety
                    - rules.blame_weight * perceived_blame
                    + rules.usefulness_weight * usefulness
                    + rules.trust_weight * trust
                    - rules.hurry_weight * max(0.0, time_pressure - rules.hurry_threshold)
                    + (rules.burnout_log_odds if burned_out else 0.0)
                    + (rules.harm_log_odds if harm else 0.0))


# --- M4, M5, M6, M7, M12: working around an obstacle ---------------------------------------


@jitable
def second_order_probability(propensity_log_odds: float, psychological_safety: float,
                             usefulness: float, time_pressure: float,
                             protected_time_used: float, rules: ImprovementBehaviour) -> float:
    """Chance that a clinician fixes or reports the cause of a problem rather than coping.

    M4 Tucker & Edmondson 2003: only 7% of responses to problems were second-order; time
    pressure and the belief that raising problems is pointless or risky keep it low. Protected
    improvement time raises it in proportion to the share of that time actually used
    (`protected_time_used`, 0-1): the capability trap (Repenning & Sterman 2002) means time
    pressure crowds it out first. `propensity_log_odds` is the log-odds of
    `clinicians.second_order_propensity`.
    """
    return logistic(propensity_log_odds
                    + rules.safety_weight * psychological_safety
                    + rules.usefulness_weight * usefulness
                    - rules.hurry_slope * max(0.0, time_pressure - rules.hurry_threshold)
                    + rules.protected_uplift * protected_time_used)


@jitable
def local_fix_probability(local_fix: float, fix_success: float) -> float:
    """Chance that a problem is fixed with the ward's own means (M4).

    Tucker & Edmondson 2003: most problems originate outside the unit, so only a share of each
    kind can be fixed on the ward (`local_fix`, `obstacles.<kind>_local_fix`), and an attempt
    there works with chance `fix_success`. What the ward cannot fix goes to support services.
    """
    return local_fix * fix_success


@jitable
def fixed_on_ward(local_fix: float, fix_success: float, kind_draw: float,
                  attempt_draw: float) -> bool:
    """Whether an attempt to fix a problem with the ward's own means works (M4), with the chance
    `local_fix_probability`: the ward can fix this kind of problem (`kind_draw`) and the attempt
    works (`attempt_draw`). Clinicians and managers alike send a problem whose fix failed, or
    which the ward cannot fix, to support services (Tucker & Edmondson 2003: second-order
    problem solving alerts those who can remove the cause)."""
    return kind_draw < local_fix and attempt_draw < fix_success


@jitable
def protected_time_used(time_pressure: float, rules: ImprovementBehaviour) -> float:
    """Share of protected improvement time that survives the day's first-order work (0-1).

    Repenning & Sterman 2002: under pressure, fire-fighting crowds out improvement.
    """
    return max(0.0, 1.0 - rules.crowding_slope * max(0.0, time_pressure
                                                      - rules.crowding_threshold))


@jitable
def workaround_probability(rules: WorkaroundBehaviour, tolerance: float, ward_norm: float,
                           time_pressure: float, pointless_rule: bool, protection: float,
                           peer_control: float, vigilance: float,
                           audit_log_odds: float) -> float:
    """Chance that a clinician works around an obstacle instead of complying.

    M4 workarounds come from obstacles and time pressure (Tucker & Edmondson 2003) and spread
    through group norms (Debono 2013). M5 personal tolerance grows with each deviation that went
    unpunished by harm (Vaughan 1996). M7 rules that seem pointless invite 'illegal-normal'
    violations, while what visibly protects patients is bypassed less; peer control pulls
    practice back (Amalberti 2006). M6 a ward on alert after a serious event deviates less
    (Rasmussen 1997). M12 an auditor in sight, and a ward readied for audits, comply more on the
    day (`audit_log_odds`, Srigley 2014), while unobserved practice is unchanged.
    """
    return logistic(rules.intercept
                    + rules.tolerance_weight * tolerance
                    + rules.norm_weight * ward_norm
                    + rules.time_pressure_weight * time_pressure
                    + (rules.pointless_rule_log_odds if pointless_rule else 0.0)
                    - rules.risk_aversion * protection
                    - rules.peer_control_weight * peer_control
                    - rules.vigilance_weight * vigilance
                    + audit_log_odds)


@jitable
def audit_log_odds(rules: AuditBehaviour, observed: bool, readiness: float) -> float:
    """Log-odds added to a workaround by an auditor's eye (M12 Hawthorne; 0 when unobserved).

    Srigley 2014; Purssell 2020: observed compliance runs 20-35 points above unobserved; the
    fall deepens where audits are expected and the ward has readied itself (`readiness`, 0-1;
    Gould 2020). Unobserved practice is unchanged.
    """
    if not observed:
        return 0.0
    return rules.observed_log_odds + rules.anticipation_log_odds * readiness


@jitable
def audit_gaming_probability(rules: AuditBehaviour, readiness: float) -> float:
    """Chance that a workaround an auditor saw is recorded as compliant (M12 gaming).

    Pickering 2013: audit records overstate compliance, the more so where the ward has readied
    itself for the audits it expects (`readiness`, 0-1).
    """
    return rules.gaming_share * readiness


def audit_readiness(readiness: float, audited: bool, compliance_focus: float,
                    rules: AuditBehaviour) -> float:
    """A ward's readiness for audits: built by audits that managers chase, fading between them.

    Gould 2020; Purssell 2020: the gap between observed and unobserved compliance grows with
    audit intensity and fades when the audits stop.
    """
    readiness -= rules.readiness_decay * readiness
    if audited:
        readiness += rules.readiness_per_audit * compliance_focus * (1.0 - readiness)
    return readiness


@jitable
def tolerance_after_deviation(tolerance: float, harm_followed: bool, caught: bool,
                              normalisation_step: float, harm_correction: float,
                              caught_share: float) -> float:
    """Update tolerance of deviation after a workaround (M5 normalisation; M6 correction).

    Vaughan 1996: each deviation without a bad outcome makes the next more acceptable.
    Rasmussen 1997: a bad outcome produces a correction. A workaround whose error a colleague
    or patient caught is a smaller warning.
    """
    if harm_followed:
        return tolerance - harm_correction * tolerance
    if caught:
        return tolerance - caught_share * harm_correction * tolerance
    return tolerance + normalisation_step * (1.0 - tolerance)


@jitable
def after_pointless_rule(trust: float, distrust: float) -> float:
    """M7, M8: each rule that seems pointless costs a little trust in those who made it
    (Waring 2005: anti-bureaucratic sentiment)."""
    return trust - distrust * trust


@jitable
def efficiency_drift(tolerance: float, time_pressure: float, drift_rate: float,
                     threshold: float) -> float:
    """M6 Rasmussen 1997: least-effort gradients push practice toward the boundary."""
    return tolerance + drift_rate * max(0.0, time_pressure - threshold) * (1.0 - tolerance)


# --- M8, M9: workload, support, burnout and error ----------------------------------------


@jitable
def admin_share(share: float, doctor_extra: float, doctor: bool) -> float:
    """Share of the day regulatory work demands of a clinician (M8): doctors carry more
    desk work than nurses (Sinsky 2016; Hendrich 2008)."""
    return share + doctor_extra if doctor else share


@jitable
def burned_out(exhaustion: float, threshold: float) -> bool:
    """Burnout is exhaustion past a threshold (Maslach: the exhaustion dimension)."""
    return exhaustion > threshold


@jitable
def day_time_pressure(care_demand: float, admin_share: float, audited: bool,
                      audit_time_cost: float, protected_time_planned: float,
                      rules: ImprovementBehaviour) -> tuple[float, float, float]:
    """A clinician's time pressure at the start of the day, with the parts it is made of (M8).

    Returns (time pressure, regulatory time, share of protected improvement time used). Time
    pressure is the ward's care demand (patients per clinician, relative to capacity) plus
    regulatory work: the clinician's administrative share (Hendrich 2008: nurses spend about 35%
    of their time on documentation; Sinsky 2016: physicians 49% on EHR and desk work) and, on an
    audit day, the audit's cost in time. Protected improvement time adds to it as far as it
    survives the day's first-order work (M4; Repenning & Sterman 2002: `protected_time_used`).
    The obstacles met later in the day add their own time (compliance, second-order problem
    solving).
    """
    regulatory = admin_share + (audit_time_cost if audited else 0.0)
    pressure = care_demand + regulatory
    protected = 0.0
    if protected_time_planned > 0.0:
        protected = protected_time_used(pressure + protected_time_planned, rules)
        pressure += protected_time_planned * protected
    return pressure, regulatory, protected


@jitable
def felt_support(psychological_safety: float, trust: float) -> float:
    """How supported a clinician feels, 0-1: safe to speak up, and trusting managers (M8, M11).

    The mean of psychological safety and trust in management. Support relieves the day's
    strain (`daily_strain`; Sexton 2018; Panagioti 2017: organisation-directed interventions).
    """
    return 0.5 * (psychological_safety + trust)


@jitable
def daily_strain(time_pressure: float, admin_share: float, resilience: float, support: float,
                 rules: BurnoutBehaviour, doctor: bool = False) -> float:
    """Strain of one working day, 0-1 (M8).

    Administrative burden adds strain beyond the hours it takes: EHR and desk work are the
    strongest workload correlates of burnout (Shanafelt 2016, CPOE OR 1.29; Sinsky 2016).
    Support (a psychologically safe ward, trusted managers) relieves it (Sexton 2018;
    Panagioti 2017: organisation-directed interventions).
    """
    load = (time_pressure + rules.admin_strain_weight * admin_share
            - rules.support_weight * support + (rules.doctor_strain if doctor else 0.0))
    return logistic(rules.strain_slope * (load - rules.strain_threshold - resilience))


@jitable
def wander(value: float, spread: float, persistence_days: float, shock: float) -> float:
    """One day of a trait that reverts to 0 with time constant `persistence_days` while keeping
    standard deviation `spread` (an Ornstein-Uhlenbeck step; `shock` is a standard normal)."""
    rate = 1.0 / persistence_days
    return value - rate * value + spread * math.sqrt(2.0 * rate) * shock


@jitable
def care_error_odds(rules: ErrorBehaviour, base_rate: float, burned_out: bool,
                    vulnerability: float, time_pressure: float) -> float:
    """Odds of an error in one patient's care by one clinician in a day.

    M9 Panagioti 2018: burnout roughly doubles the odds of unsafe care. Rushed care errs more
    (Aiken 2002). Frail patients need more complex care.
    """
    odds = base_rate / (1.0 - base_rate)
    if burned_out:
        odds *= rules.burnout_error_odds
    odds *= rules.frailty_floor + rules.frailty_slope * vulnerability
    return odds * math.exp(rules.workload_error_log_odds * (time_pressure - 1.0))


@jitable
def workaround_excess_risk(rules: ErrorBehaviour, care_odds: float, protection: float) -> float:
    """Extra chance of error in the care a workaround touches (M4, M7).

    The workaround multiplies the odds of error in that care by the published odds ratio raised
    to the protective value of what it bypassed (van der Veen 2018: OR 3.06 for a bypassed
    safety barrier; Amalberti 2006: little or nothing for a pointless rule). The odds ratio
    applies to the one task bypassed (a medication administration), not to the whole day's care
    for the patient. The care itself is already counted; only the excess is drawn here.
    """
    task_odds = care_odds / rules.tasks_per_patient_day  # one task of the day's care
    plain = task_odds / (1.0 + task_odds)
    raised_odds = task_odds * rules.workaround_error_odds ** protection
    raised = raised_odds / (1.0 + raised_odds)
    return (raised - plain) / (1.0 - plain)


@jitable
def unguarded_barrier_tasks(rules: ErrorBehaviour, rule_obstacles: float,
                            coherence: float) -> float:
    """Care tasks per clinician-day that a sensible barrier should protect and none does.

    Rules protect (Haynes 2009: surgical checklist; Poon 2010: barcode administration): the
    care a sensible rule covers carries the protected risk when the rule is followed, and the
    unprotected risk when it is bypassed (van der Veen 2018) or absent. Removing a sensible
    rule exposes its task just as a workaround does; pointless rules cover nothing.
    """
    return max(0.0, rules.barrier_tasks - rule_obstacles * coherence)


@jitable
def documentation_error_odds(rules: ErrorBehaviour, admin_share: float) -> float:
    """Odds multiplier of error in care from missing documentation and handover (M8).

    Documentation carries information between clinicians and shifts (Starmer 2014, I-PASS:
    structured handover cut medical errors by 23%); time given to it up to
    `documentation_need` protects, time beyond it only costs.
    """
    if rules.documentation_need <= 0.0:
        return 1.0
    missing = 1.0 - min(1.0, admin_share / rules.documentation_need)
    return rules.handover_error_odds ** missing


def colleague_catch_probability(rules: ErrorBehaviour, ward_psychological_safety: float) -> float:
    """M1 Alingh 2019: psychological safety makes colleagues speak up and stop an error.

    Bounded by the evidence: the log-odds of speaking up rise by about 0.44 per standard
    deviation of psychological safety (B = 0.24), not in proportion to it.
    """
    shift = (ward_psychological_safety - rules.safety_reference) / rules.safety_sd_reference
    return logistic(log_odds(rules.colleague_catch) + rules.speaking_up_log_odds_per_sd * shift)


@jitable
def complication_probability(rules: ErrorBehaviour, rate: float, vulnerability: float,
                             mean_vulnerability: float) -> float:
    """Daily chance of a complication of care itself (a non-preventable adverse event): the
    hospital's rate, scaled by the patient's frailty relative to the average patient's."""
    relative_frailty = ((rules.frailty_floor + rules.frailty_slope * vulnerability)
                        / (rules.frailty_floor + rules.frailty_slope * mean_vulnerability))
    return rate * relative_frailty


def harm_probability(rules: ErrorBehaviour, vulnerability: float) -> float:
    """Chance that an error that reaches a patient harms them; frail patients are harmed more."""
    return min(1.0, rules.harm_floor + rules.harm_frailty_slope * vulnerability)


# --- M10: patients' voice -------------------------------------------------------------------


@jitable
def patient_engagement(inborn: float, invitation: float, invitation_gain: float) -> float:
    """Willingness to speak up: inborn, moved toward 1 by the staff's invitation."""
    return inborn + invitation * invitation_gain * (1.0 - inborn)


@jitable
def concern_probability(concern_rate: float, engagement: float, invitation: float) -> float:
    """Daily chance that a patient points out a problem on the ward before it harms anyone;
    only invited patients do (M10; Lawton 2017, PRASE)."""
    return concern_rate * engagement * invitation


# --- M2, M3, M11, M14: learning from how reports and concerns are handled -----------------


@jitable
def after_blame(rules: LearningBehaviour, value: float, own: bool) -> float:
    """Psychological safety or trust after a blame response (M2)."""
    return value - (rules.blame_own if own else rules.blame_seen) * value


@jitable
def after_learning(rules: LearningBehaviour, value: float, own: bool) -> float:
    """Psychological safety or trust after a learning response (M1, M14)."""
    return value + (rules.learning_own if own else rules.learning_seen) * (1.0 - value)


@jitable
def after_feedback(rules: LearningBehaviour, usefulness: float, own: bool) -> float:
    """Belief that reporting is useful after feedback arrived (M3, Benn 2009)."""
    return usefulness + (rules.feedback_own if own else rules.feedback_seen) * (1.0 - usefulness)


@jitable
def after_silence(rules: LearningBehaviour, usefulness: float, own: bool) -> float:
    """Belief that reporting is useful after a report that led to nothing (M3, Harrison 2014)."""
    return usefulness - (rules.silence_own if own else rules.silence_seen) * usefulness


@jitable
def settle_belief(belief: float, disposition: float, memory: float,
                  learning_rate: float) -> tuple[float, float]:
    """One day of a belief with a slowly learning disposition (M2; persistence).

    The belief settles back toward the disposition at `memory` as events fade; the disposition
    moves toward the belief at `learning_rate`, so a long run of experience leaves a settled
    view behind that outlasts the events (and a programme that caused them)."""
    return relax(belief, disposition, memory), relax(disposition, belief, learning_rate)


@jitable
def blame_expectation(rules: LearningBehaviour, perceived_blame: float, blamed: bool,
                      own: bool) -> float:
    """Expected chance of blame, learned from responses seen (M2; AHRQ 'nonpunitive')."""
    rate = rules.blame_expectation_own if own else rules.blame_expectation_seen
    return relax(perceived_blame, 1.0 if blamed else 0.0, rate)


def after_walkround(rules: WalkroundBehaviour, trust: float, usefulness: float,
                    resolved: bool, share: float = 1.0) -> tuple[float, float]:
    """Trust and usefulness after raising a concern on a walkround (M11).

    Sexton 2018: walkrounds with feedback improve culture; Tucker & Singer 2015: walking around
    without resolving what was raised makes things worse on average. Colleagues who saw it
    learn `share` as much as the one who raised the concern.
    """
    if resolved:
        rate = share * rules.resolved_gain
        return relax(trust, 1.0, rate), relax(usefulness, 1.0, rate)
    rate = share * rules.unresolved_loss
    return relax(trust, 0.0, rate), relax(usefulness, 0.0, rate)


def walkround_novelty(days_since_last: float, novelty_days: float) -> float:
    """How much a walkround's listening counts, 0-1, given the days since the ward's last one.

    More walkrounds saturate (M11): a visit soon after the last has less new to hear and is
    less of a signal, so culture gains per month level off as frequency rises (Thomas 2005:
    no effect on harm by intention to treat; Sexton 2018: the effect is in feedback).
    """
    if novelty_days <= 0.0:
        return 1.0
    return 1.0 - math.exp(-max(0.0, days_since_last) / novelty_days)


def concern_raised_probability(rules: WalkroundBehaviour, psychological_safety: float,
                               novelty: float) -> float:
    """Chance that a clinician on duty raises a concern on a walkround (M11).

    Speaking up to a manager takes psychological safety (Edmondson 1999; Morrison 2014), and
    what there is to raise builds up between visits: a ward walked yesterday has little new to
    say (`novelty`, from `walkround_novelty`), so concerns, and the fixes they lead to, level
    off as walkrounds become more frequent (Thomas 2005: no harm effect by intention to treat).
    """
    return min(1.0, rules.concern_chance * psychological_safety * novelty)


def after_external_blame(psychological_safety: float, trust: float, magnitude: float,
                         learning_orientation: float,
                         rules: LearningBehaviour) -> tuple[float, float]:
    """M14 an inquiry or media storm pushes staff toward defensive silence.

    The fall is softened where management meets it with non-punitive learning (Howell 2015).
    """
    hit = magnitude * (1.0 - rules.shock_learning_buffer * learning_orientation)
    return psychological_safety * (1.0 - hit), trust * (1.0 - rules.shock_trust_share * hit)


# --- Managers as agents (M2, M12, M14) ------------------------------------------------------


def manager_blame_log_odds(policy_log_odds: float, style: float, pressure: float,
                           learned: float, rules: ManagerBehaviour) -> float:
    """A manager's log-odds of blame: policy and personal style, raised by felt pressure
    (inquiries, audits, harm on the ward) and lowered by what learning responses taught them
    (Edmondson 1996: leaders who learn from errors)."""
    return policy_log_odds + style + rules.pressure_blame_log_odds * pressure - learned


def manager_compliance_focus(policy_focus: float, pressure: float,
                             rules: ManagerBehaviour) -> float:
    """Pressure pulls a manager's attention from fixing problems to compliance targets (M12)."""
    return policy_focus + rules.pressure_focus_gain * min(1.0, pressure) * (1.0 - policy_focus)
