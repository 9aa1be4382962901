"""The coefficients of the agents' rules: an advanced group per submodel of docs/ODD.md.

Nothing here is a lever a teacher moves in class; these are the numbers inside the mechanisms
(`sim.core.mechanisms`), each with its unit, valid range and source, so that sensitivity analysis
and calibration can reach them from YAML or `--set` (e.g. `errors.workaround_error_odds=2.5`).
Log-odds coefficients add up across influences, the usual way to combine published odds ratios.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.config.base import parameter


@dataclass
class ReportingBehaviour:
    """The decision to report an incident (M1, M2, M3, M8)."""

    intercept: float = parameter(
        -4.2, "log-odds", "Log-odds of reporting with every belief at 0, no harm, no hurry.",
        -10.0, 5.0, "calibrated: harm capture 0.05-0.20 (OIG 2012; Sari 2007; Cullen 1995)")
    safety_weight: float = parameter(
        1.3, "log-odds per unit", "Psychological safety raises reporting.", 0.0, 10.0,
        "Edmondson 1999; Leroy 2012")
    blame_weight: float = parameter(
        1.3, "log-odds per unit", "Expected blame lowers reporting.", 0.0, 10.0,
        "Archer 2017: fear of consequences, 21.5% of barrier mentions")
    usefulness_weight: float = parameter(
        3.0, "log-odds per unit", "Belief that reporting changes something raises reporting.",
        0.0, 10.0, "Benn 2009; AHRQ multilevel analyses: feedback the strongest predictor")
    trust_weight: float = parameter(
        0.8, "log-odds per unit", "Trust in how managers use incident data raises reporting.",
        0.0, 10.0, "Waring 2005")
    hurry_weight: float = parameter(
        3.0, "log-odds per unit", "Time pressure beyond `hurry_threshold` lowers reporting.",
        0.0, 20.0, "Sinsky 2016; Archer 2017 (lack of time)")
    hurry_threshold: float = parameter(
        0.9, "time pressure", "Time pressure above which reporting is crowded out.", 0.0, 3.0)
    burnout_log_odds: float = parameter(
        -0.7, "log-odds", "Burned-out clinicians report less.", -5.0, 0.0)
    harm_log_odds: float = parameter(
        1.0, "log-odds", "Harm events are reported more than near misses.", 0.0, 5.0,
        "Evans 2006")
    doctor_log_odds: float = parameter(
        -0.9, "log-odds", "Doctors report less than nurses.", -5.0, 2.0,
        "calibrated: nurses file 70-88% of staff reports")
    propensity_spread: float = parameter(
        1.15, "log-odds", "Spread of personal reporting habit between clinicians.", 0.0, 5.0,
        "calibrated: about half of staff file no report in a year (AHRQ 2008)")


@dataclass
class WorkaroundBehaviour:
    """Working around an obstacle instead of complying (M4, M5, M7, M12)."""

    intercept: float = parameter(
        -4.3, "log-odds", "Log-odds of a workaround with tolerance, norm and time pressure at 0.",
        -15.0, 5.0, "calibrated: workarounds rise then plateau (F6); Tucker & Edmondson 2003")
    tolerance_weight: float = parameter(
        3.0, "log-odds per unit", "Personal tolerance of deviation.", 0.0, 10.0, "Vaughan 1996")
    norm_weight: float = parameter(
        2.0, "log-odds per unit", "The ward's norm of deviation.", 0.0, 10.0, "Debono 2013")
    time_pressure_weight: float = parameter(
        2.6, "log-odds per unit", "Time pressure.", 0.0, 10.0, "Tucker & Edmondson 2003")
    pointless_rule_log_odds: float = parameter(
        0.8, "log-odds", "A rule that seems pointless invites an 'illegal-normal' violation.",
        0.0, 5.0, "Amalberti, Vincent et al. 2006")
    risk_aversion: float = parameter(
        1.8, "log-odds per unit of protection", "Clinicians bypass what protects patients less "
        "readily than what does not.", 0.0, 10.0, "Amalberti, Vincent et al. 2006")
    peer_control_weight: float = parameter(
        1.5, "log-odds per unit", "A psychologically safe ward checks each other's practice.",
        0.0, 10.0, "Amalberti, Vincent et al. 2006: peer control pulls practice back")
    vigilance_weight: float = parameter(
        1.5, "log-odds per unit", "A ward on alert after a serious event works around less.",
        0.0, 10.0, "Rasmussen 1997: a serious event produces a temporary correction")
    compliance_time: float = parameter(
        0.02, "share of day", "Time lost complying with one obstacle the slow, proper way.",
        0.0, 0.5)


@dataclass
class ObstacleBehaviour:
    """What each kind of obstacle protects, and whether the ward can fix it (M4, M7)."""

    safety_barrier_protection: float = parameter(
        1.0, "0-1", "Protective value of a sensible rule (a check, a scan): bypassing it "
        "carries the full odds ratio `errors.workaround_error_odds`.", 0.0, 1.0,
        "van der Veen 2018: medication workarounds OR 3.06")
    pointless_rule_protection: float = parameter(
        0.05, "0-1", "Protective value of a rule that seems pointless on the ward.", 0.0, 1.0,
        "Amalberti, Vincent et al. 2006: 'illegal-normal' deviations; Lam 2018; Urbach 2014")
    equipment_protection: float = parameter(
        0.3, "0-1", "Protective value of the proper way round broken equipment.", 0.0, 1.0)
    supplies_protection: float = parameter(
        0.1, "0-1", "Protective value of the proper way round missing supplies.", 0.0, 1.0)
    process_protection: float = parameter(
        0.2, "0-1", "Protective value of the proper way round a process gap.", 0.0, 1.0)
    equipment_local_fix: float = parameter(
        0.05, "share", "Chance the ward itself can fix broken equipment; otherwise it needs "
        "estates or clinical engineering.", 0.0, 1.0,
        "Tucker & Edmondson 2003: most problems originated outside the unit")
    supplies_local_fix: float = parameter(
        0.2, "share", "Chance the ward itself can fix missing supplies.", 0.0, 1.0)
    process_local_fix: float = parameter(
        0.1, "share", "Chance the ward itself can fix a process gap.", 0.0, 1.0)


@dataclass
class ErrorBehaviour:
    """Errors in care, catching them, and harm (M1, M4, M9, M10, M13)."""

    workaround_error_odds: float = parameter(
        3.06, "odds ratio", "Odds ratio of error in care that bypasses a full safety barrier.",
        1.0, 20.0, "van der Veen 2018: adjusted OR 3.06")
    tasks_per_patient_day: float = parameter(
        3.0, "tasks", "Separate care tasks (a medication round, a procedure, a handover) in one "
        "clinician's day of care for one patient; a workaround touches one of them, so it "
        "raises the risk of that task, not of the whole day's care.", 1.0, 50.0)
    barrier_tasks: float = parameter(
        0.55, "tasks per clinician-day", "Care tasks in a clinician's day that a sensible "
        "barrier (a check, a scan, a time-out, a second signature) exists to protect. Each one "
        "a sensible rule covers and the clinician follows carries the protected risk; one it "
        "covers but the clinician bypasses, or one no sensible rule covers, carries the "
        "unprotected risk (the odds ratio `workaround_error_odds`). Sensible rules beyond "
        "this protect nothing more and only cost time.", 0.0, 20.0,
        "Haynes 2009 (checklist: deaths 1.5% to 0.8%); Poon 2010 (barcode administration: "
        "errors -41%); assumption, calibrated to the bands of sensible rules and the "
        "letter's bundle: about 70% of the rules met at baseline (0.8 a day), so that a "
        "hospital whose rules mostly made sense would cover every such task")
    documentation_need: float = parameter(
        0.10, "share of time", "Share of a clinician's day that documentation and handover "
        "need to carry care's information between clinicians and shifts; regulatory work "
        "beyond it protects nothing more.", 0.0, 0.9,
        "assumption: about a third of the 35% of nurses' time on documentation (Hendrich "
        "2008), the rest duplication and compliance records")
    handover_error_odds: float = parameter(
        1.3, "odds ratio", "Odds ratio of error in care when the documentation and handover "
        "that carry information between clinicians are missing altogether (scaled down in "
        "proportion to the documentation time given).", 1.0, 5.0,
        "Starmer 2014 (I-PASS): structured handover cut medical errors 23% (1/0.77 = 1.3) "
        "and preventable adverse events 30%")
    burnout_error_odds: float = parameter(
        1.6, "odds ratio", "Odds ratio of error in care given by a burned-out clinician.",
        1.0, 10.0, "Panagioti 2018 (OR ~2.2), shrunk toward 1.5-2.5 after Tawfik 2019")
    workload_error_log_odds: float = parameter(
        0.15, "log-odds per unit time pressure", "Rushed care: error log-odds per unit of time "
        "pressure above 1 (full capacity); less pressure, fewer errors.", 0.0, 5.0,
        "Aiken 2002: OR 1.07 per extra patient per nurse, at about 5 patients each")
    frailty_floor: float = parameter(
        0.5, "odds multiplier", "Error odds multiplier for the most robust patient.", 0.0, 5.0)
    frailty_slope: float = parameter(
        1.5, "odds multiplier per unit", "Frail patients need more complex care.", 0.0, 10.0)
    colleague_catch: float = parameter(
        0.3, "share", "Chance a colleague notices and stops an error, on a ward of "
        "`errors.safety_reference` psychological safety.", 0.0, 1.0)
    speaking_up_log_odds_per_sd: float = parameter(
        0.22, "log-odds per SD", "Rise in the log-odds of a colleague stopping an error per "
        "standard deviation of the ward's psychological safety. Plausible range 0.1-0.44.",
        0.0, 3.0,
        "Alingh 2019: speaking up, standardised B = 0.24 (0.44 on the logistic scale), an "
        "upper bound for errors stopped; halved because willingness to speak up is not an "
        "error intercepted: many concerns voiced are not about an error reaching a patient, "
        "and some are not heeded (Okuyama 2014 review; Schwappach & Gehring 2014)")
    safety_reference: float = parameter(
        0.45, "0-1", "Ward psychological safety at which `colleague_catch` applies.", 0.0, 1.0)
    safety_sd_reference: float = parameter(
        0.12, "0-1", "Standard deviation of clinicians' psychological safety that scales "
        "speaking up.", 0.01, 1.0, "calibrated: spread of clinicians at baseline")
    harm_floor: float = parameter(
        0.25, "share", "Chance an error reaching the most robust patient harms them.", 0.0, 1.0)
    harm_frailty_slope: float = parameter(
        0.6, "share per unit", "Frail patients are harmed more.", 0.0, 1.0)
    serious_share: float = parameter(
        0.1, "share", "Share of preventable adverse events that are serious (death or lasting "
        "harm).", 0.0, 1.0, "de Vries 2008: 7% of adverse events led to death, 7% to "
        "permanent disability")


@dataclass
class LearningBehaviour:
    """What clinicians learn from responses to reports, walkrounds and rules (M2, M3, M11)."""

    blame_own: float = parameter(
        0.20, "share", "Loss of safety and trust after one's own report is met with blame.",
        0.0, 1.0, "Archer 2017")
    blame_seen: float = parameter(
        0.04, "share", "Loss after seeing a colleague blamed.", 0.0, 1.0,
        "Archer 2017; Edmondson 1999: blame seen by peers lowers their safety too")
    learning_own: float = parameter(
        0.08, "share", "Gain after one's own report is met with learning.", 0.0, 1.0)
    learning_seen: float = parameter(
        0.02, "share", "Gain after seeing a colleague's report met with learning.", 0.0, 1.0)
    feedback_own: float = parameter(
        0.3, "share", "Gain in perceived usefulness after feedback on one's report.", 0.0, 1.0,
        "Benn 2009")
    feedback_seen: float = parameter(
        0.06, "share", "Gain after seeing a colleague get feedback.", 0.0, 1.0)
    silence_own: float = parameter(
        0.10, "share", "Loss of perceived usefulness after one's report led to nothing.",
        0.0, 1.0, "Harrison 2014")
    silence_seen: float = parameter(
        0.02, "share", "Loss after seeing a colleague's report lead to nothing.", 0.0, 1.0)
    blame_expectation_own: float = parameter(
        0.3, "per event", "How far expected blame moves toward one's own experience.", 0.0, 1.0)
    blame_expectation_seen: float = parameter(
        0.08, "per event", "How far expected blame moves toward a colleague's.", 0.0, 1.0)
    blame_climate_rate: float = parameter(
        0.003, "per day", "Rate at which a clinician's settled view of how mistakes are treated "
        "here (where expected blame returns as events fade) moves toward their current "
        "expectation; the survey's response-to-error items read this settled view.", 0.0, 1.0,
        "assumption: a time constant of about a year; Edwards 2018 and Keystone (SAQ 42.5% to "
        "52.2% in 2 years): culture scores move a few points a year")
    disposition_rate: float = parameter(
        0.001, "per day", "Rate at which a clinician's settled psychological safety, trust in "
        "management and belief in reporting (where those beliefs return as events fade) move "
        "toward their current beliefs, so that a long run of experience outlasts the events.",
        0.0, 0.01, "assumption: a time constant of about three years, slower than the settled "
        "view of blame; Edwards 2018: culture scores move a few points a year, and gains fall "
        "back over months when a programme stops (Benn 2009)")
    pointless_rule_distrust: float = parameter(
        0.003, "share per rule", "Loss of trust in management each time a pointless rule is met.",
        0.0, 0.1, "Waring 2005: anti-bureaucratic sentiment")
    caught_correction_share: float = parameter(
        0.3, "share", "A workaround whose error was caught corrects tolerance this much of a "
        "harmful one.", 0.0, 1.0)
    shock_learning_buffer: float = parameter(
        0.7, "share", "How much of an inquiry's blow a learning-oriented management absorbs.",
        0.0, 1.0, "Howell 2015")
    shock_trust_share: float = parameter(
        0.8, "share", "Fall in trust after an inquiry, relative to the fall in safety.", 0.0, 2.0)
    drift_threshold: float = parameter(
        0.7, "time pressure", "Time pressure above which efficiency gradients push tolerance up.",
        0.0, 3.0, "Rasmussen 1997")


@dataclass
class WalkroundBehaviour:
    """Managers on the floor (M11): culture first, concerns within the manager's capacity."""

    listening_gain: float = parameter(
        0.021, "share", "Gain in psychological safety of each clinician on duty when a manager "
        "comes to listen to a ward not visited for a long time (less after a recent visit: "
        "`novelty_days`).", 0.0, 1.0,
        "calibrated: walkrounds with feedback, culture d 0.3-0.8 (Sexton 2018), and walkrounds' "
        "reporting at most 1.3x, once settled beliefs learned (`learning.disposition_rate`)")
    novelty_days: float = parameter(
        14.0, "days", "Time constant of a walkround's novelty: a visit d days after the last "
        "counts 1 - exp(-d / novelty_days) of a first one, so more walkrounds saturate.",
        0.0, 365.0, "assumption; Thomas 2005: no harm effect by intention to treat")
    executive_walkrounds_per_month: float = parameter(
        4.0, "walkrounds per executive-month", "Walkrounds one executive has time to lead in a "
        "month; beyond it the ward manager walks instead, at a cost in follow-up capacity.",
        0.0, 60.0, "assumption: about one a week (Frankel 2003: executive walkrounds weekly)")
    manager_walkrounds_per_month: float = parameter(
        8.0, "walkrounds per manager-month", "Walkrounds a ward manager has time to lead in a "
        "month besides following up reports; a walkround due when neither an executive nor the "
        "ward manager has time left does not take place.", 0.0, 60.0,
        "assumption: about two a week, each taking an hour of a manager's week")
    concern_chance: float = parameter(
        1.2, "per unit safety", "Chance a clinician on duty raises a concern on a walkround to "
        "a ward not visited for a long time, times their psychological safety (times the "
        "visit's novelty, `novelty_days`, after a recent one; at most 1).", 0.0, 2.5,
        "calibrated: 0.5 per weekly walkround before concerns saturated (walkrounds bands), "
        "over the novelty of a weekly one (0.42)")
    concerns_per_walkround: float = parameter(
        2.0, "concerns", "Concerns a manager can take on in one walkround.", 0.0, 50.0)
    resolved_gain: float = parameter(
        0.10, "share", "Gain in trust and usefulness when a raised concern is resolved and fed "
        "back.", 0.0, 1.0, "Sexton 2018")
    unresolved_loss: float = parameter(
        0.08, "share", "Loss of trust and usefulness when it is not.", 0.0, 1.0,
        "Tucker & Singer 2015")
    seen_share: float = parameter(
        0.12, "share", "Colleagues on duty learn from what came of a concern raised on a "
        "walkround this much of what the one who raised it learns.", 0.0, 1.0,
        "Sexton 2018: walkrounds act first on culture and trust")
    safety_after_outcome: float = parameter(
        0.06, "share", "Move of the raiser's psychological safety toward the outcome.", 0.0, 1.0)
    executive_share: float = parameter(
        0.3, "share", "Share of walkrounds led by an executive rather than the ward manager.",
        0.0, 1.0)
    time_cost: float = parameter(
        1.0, "reports", "Follow-up capacity a walkround takes from the walker that day.", 0.0, 10.0)


@dataclass
class BurnoutBehaviour:
    """Workload, support and exhaustion (M8, M9)."""

    strain_slope: float = parameter(
        4.0, "per unit load", "Steepness of the day's strain in workload.", 0.1, 50.0)
    strain_threshold: float = parameter(
        0.98, "load", "Load at which a day's strain is one half.", 0.0, 5.0,
        "calibrated: burnout nurses 0.10-0.35, doctors 0.40-0.55 (Aiken 2012; Shanafelt 2015)")
    admin_strain_weight: float = parameter(
        0.3, "load per unit admin share", "Administrative burden strains beyond the hours it "
        "takes.", 0.0, 5.0, "Shanafelt 2016: CPOE and burnout OR 1.29")
    support_weight: float = parameter(
        0.25, "load per unit", "Psychological safety and trust on the ward relieve strain.",
        0.0, 5.0, "Sexton 2018: walkrounds with feedback, less burnout; Panagioti 2017")
    rest_recovery_share: float = parameter(
        0.5, "share", "Recovery on a day off, as a share of `clinicians.recovery_rate`.", 0.0, 5.0)
    doctor_admin_extra: float = parameter(
        0.12, "share of time", "Doctors' regulatory share above nurses' (desk work beyond "
        "the shared documentation).", 0.0, 0.5, "Sinsky 2016 (49%) vs Hendrich 2008 (35%)")
    initial_exhaustion: float = parameter(
        0.4, "0-1", "Mean exhaustion of a clinician joining the hospital.", 0.0, 1.0)
    resilience_spread: float = parameter(
        0.5, "load", "Spread of personal resilience (standard deviation).", 0.0, 2.0)
    resilience_days: float = parameter(
        365.0, "days", "How long a clinician's resilience persists: it wanders around the "
        "population's with this time constant (life outside work changes), so that turnover "
        "does not slowly sift out everyone who was ever vulnerable.", 1.0, 36500.0)
    doctor_strain: float = parameter(
        0.255, "load", "Extra strain of doctors' days (hours, on-call, responsibility) beyond "
        "their paperwork.", -1.0, 2.0,
        "calibrated: physicians 40-55% burned out vs nurses 10-35% (Shanafelt 2015; Aiken 2012)")


@dataclass
class TurnoverBehaviour:
    """Staff leaving and being replaced (burnout has consequences: Willard-Grace 2019)."""

    leaving_rate: float = parameter(
        0.12, "per year", "Chance a clinician who is not burned out leaves within a year.",
        0.0, 1.0, "NSI 2020: US hospital nurse turnover 15-19% a year, part of it burnout")
    burnout_leaving_odds: float = parameter(
        2.5, "odds ratio", "Odds ratio of leaving for a clinician burned out for longer than "
        "`burnout_lag_days`.", 1.0, 20.0, "Willard-Grace 2019: burnout and intent to leave")
    burnout_lag_days: float = parameter(
        60.0, "days", "How long burnout lasts before it raises the chance of leaving.", 0.0, 720.0)
    vacancy_days: float = parameter(
        60.0, "days", "Mean time to fill a vacancy; until then the ward is short-staffed.",
        0.0, 720.0, "NSI 2020: 2-4 months to recruit an experienced nurse")


@dataclass
class ImprovementBehaviour:
    """Second-order problem solving and clinician-led improvement (M4; Repenning & Sterman)."""

    second_order_time: float = parameter(
        0.03, "share of day", "Time a second-order response takes from care.", 0.0, 0.5)
    empowerment: float = parameter(
        0.2, "share", "Chance a clinician without improvement support attempts the fix "
        "(rather than only report it).", 0.0, 1.0)
    authority_gain: float = parameter(
        0.2, "share", "Added chance of attempting the fix under full clinician-led "
        "improvement (authority to fix).", 0.0, 1.0)
    protected_time: float = parameter(
        0.04, "share of day", "Protected improvement time per clinician-day at full "
        "clinician-led improvement; it is taken from care.", 0.0, 0.5)
    protected_uplift: float = parameter(
        0.6, "log-odds", "Rise in the log-odds of a second-order response when all protected "
        "time is used.", 0.0, 5.0)
    crowding_threshold: float = parameter(
        0.85, "time pressure", "Time pressure above which first-order work crowds out "
        "improvement time.", 0.0, 3.0, "Repenning & Sterman 2002: the capability trap")
    crowding_slope: float = parameter(
        3.0, "per unit time pressure", "How fast improvement time is lost above the threshold.",
        0.0, 50.0)
    safety_weight: float = parameter(
        1.0, "log-odds per unit", "Psychological safety makes raising and fixing problems more "
        "likely.", 0.0, 10.0, "Tucker & Edmondson 2003; Edmondson 1999")
    usefulness_weight: float = parameter(
        1.0, "log-odds per unit", "So does the belief that raising problems changes something.",
        0.0, 10.0, "Tucker & Edmondson 2003")
    hurry_slope: float = parameter(
        3.0, "log-odds per unit time pressure", "Time pressure above `hurry_threshold` cuts "
        "second-order responses.", 0.0, 20.0, "Tucker & Edmondson 2003")
    hurry_threshold: float = parameter(
        0.8, "time pressure", "Time pressure above which problems are only worked around.",
        0.0, 3.0)
    support_capacity: float = parameter(
        0.0375, "fixes per ward-day", "Problems the hospital's support services (estates, "
        "supplies, IT) resolve per day, per ward of the hospital; shared by all wards.",
        0.0, 100.0)
    support_delay_days: float = parameter(
        14.0, "days", "Mean delay before support services reach an escalated problem.",
        0.0, 365.0)
    support_success: float = parameter(
        0.8, "share", "Chance support services' work fixes the problem.", 0.0, 1.0)
    fix_success: float = parameter(
        0.6, "share", "Chance a fix attempted on the ward works.", 0.0, 1.0)


@dataclass
class ManagerBehaviour:
    """Managers as agents: capacity, pressure and what they learn (M2, M3, M12, M14)."""

    stale_after_days: float = parameter(
        30.0, "days", "A report not followed up within this time is, to its reporter, ignored.",
        1.0, 365.0)
    compliance_capacity_cost: float = parameter(
        0.5, "share", "Share of follow-up capacity lost at full compliance focus.", 0.0, 1.0)
    audit_day_capacity: float = parameter(
        0.5, "share", "Share of follow-up capacity left on an audit day.", 0.0, 1.0)
    capacity_carryover: float = parameter(
        5.0, "reports", "Unused follow-up capacity a manager can carry to later days.", 0.0, 100.0)
    pressure_per_shock: float = parameter(
        1.0, "per unit magnitude", "Rise in a manager's felt pressure per unit of an inquiry's "
        "magnitude.", 0.0, 10.0, "Howell 2015 (M14)")
    pressure_per_serious_harm: float = parameter(
        0.25, "per event", "Rise in felt pressure after a serious harm event on the ward.",
        0.0, 5.0)
    pressure_per_audit: float = parameter(
        0.01, "per audit", "Rise in felt pressure per audit of the ward.", 0.0, 5.0)
    pressure_decay: float = parameter(
        0.02, "per day", "Rate at which felt pressure fades.", 0.0, 1.0)
    pressure_blame_log_odds: float = parameter(
        1.0, "log-odds per unit pressure", "Pressure makes managers more defensive: blame.",
        0.0, 10.0, "Howell 2015: external blame events push toward defensive responses")
    pressure_focus_gain: float = parameter(
        0.3, "per unit pressure", "Pressure pulls attention toward compliance targets.",
        0.0, 1.0, "Lam 2018; Urbach 2014 (M12)")
    learning_gain: float = parameter(
        0.05, "log-odds per fix", "A learning response that fixed something makes the manager "
        "less inclined to blame.", 0.0, 2.0, "Edmondson 1996: leaders learn from errors")
    learning_memory: float = parameter(
        0.01, "per day", "Rate at which what a manager learned fades back to policy.", 0.0, 1.0)
    learning_cap: float = parameter(
        1.0, "log-odds", "Largest shift in blame log-odds that experience can make.", 0.0, 10.0)


@dataclass
class AuditBehaviour:
    """Compliance audits and what auditors see (M12)."""

    observed_log_odds: float = parameter(
        -1.0, "log-odds", "Fewer workarounds with an auditor in sight, before anticipation.",
        -10.0, 0.0, "Srigley 2014; Purssell 2020: observed compliance 20-35 points higher")
    anticipation_log_odds: float = parameter(
        -1.5, "log-odds", "Further fall under an auditor's eye at full audit readiness (wards "
        "prepare for the audits they expect).", -10.0, 0.0, "Gould 2020")
    observed_share: float = parameter(
        0.3, "share", "Share of a ward's obstacle encounters on an audit day that the auditor "
        "sees; only these are in measured compliance.", 0.0, 1.0,
        "assumption: an audit observes a sample of care")
    gaming_share: float = parameter(
        0.4, "share", "Share of workarounds seen on an audit day that records show as "
        "compliant, at full audit readiness.", 0.0, 1.0, "Pickering 2013")
    readiness_per_audit: float = parameter(
        0.4, "per audit", "Rise in a ward's audit readiness per audit, times managers' "
        "compliance focus.", 0.0, 1.0)
    readiness_decay: float = parameter(
        0.02, "per day", "Rate at which audit readiness fades: the Hawthorne effect is "
        "transient.", 0.0, 1.0, "Purssell 2020; Gould 2020")


@dataclass
class PatientVoiceBehaviour:
    """Patients' concerns before harm and reports after it (M10)."""

    catch_weight: float = parameter(
        0.08, "per unit engagement", "Chance a patient questions an error in their care, "
        "times engagement; it stops the error only if staff act on it.", 0.0, 1.0,
        "Weissman 2008")
    concern_rate: float = parameter(
        0.02, "per patient-day per unit", "Daily chance an invited, engaged patient raises a "
        "concern about a problem on the ward, times engagement and invitation.", 0.0, 1.0,
        "Lawton 2017 (PRASE)")
    report_after_harm: float = parameter(
        0.15, "per unit engagement", "Chance a harmed patient reports, times engagement.",
        0.0, 1.0, "Weingart 2005")
    invited_report_gain: float = parameter(
        0.45, "per unit invitation", "Added chance of reporting harm when invited.", 0.0, 1.0)
    disclosure_gain: float = parameter(
        1.5, "ratio", "Open disclosure invites the conversation: report chance times this.",
        1.0, 5.0)
    invitation_engagement_gain: float = parameter(
        0.6, "share", "How far an invitation moves a patient's willingness toward 1.", 0.0, 1.0)
    engagement_spread: float = parameter(
        1.0, "log-odds", "Spread of patients' willingness to speak up.", 0.0, 5.0)
    vulnerability_spread: float = parameter(
        0.8, "log-odds", "Spread of patients' frailty.", 0.0, 5.0)
    length_of_stay_spread: float = parameter(
        0.6, "log", "Spread (sigma) of the log-normal length of stay.", 0.0, 3.0)


@dataclass
class CorrectionBehaviour:
    """A serious, visible harm event and the temporary correction it triggers (M6)."""

    visibility: float = parameter(
        0.5, "share", "Chance a serious harm event becomes known across the ward's leadership "
        "(an investigation), beyond disclosure and reports.", 0.0, 1.0)
    tolerance_cut: float = parameter(
        0.15, "share", "Fall in every ward clinician's tolerance of deviation after it.",
        0.0, 1.0, "Rasmussen 1997; Vaughan 1996")
    vigilance_decay: float = parameter(
        0.03, "per day", "Rate at which the ward's alert fades and drift resumes.", 0.0, 1.0,
        "Rasmussen 1997")


@dataclass
class SurveyBehaviour:
    """How a staff survey measures perceptions (AHRQ SOPS 2.0): items on a 1-5 scale."""

    items_per_composite: int = parameter(
        3, "items", "Items a composite asks (SOPS 2.0 composites have 3 or 4).", 1, 10,
        "Sorra et al. 2019, AHRQ SOPS 2.0")
    response_noise: float = parameter(
        0.9, "scale points", "Standard deviation of one answer around the clinician's latent "
        "belief (mapped 0-1 onto the 1-5 scale), from one item and one day to another.",
        0.0, 4.0, "assumption: test-retest reliability of single Likert items about 0.6-0.7")
    item_spread: float = parameter(
        0.3, "scale points", "Spread of a composite's item difficulties around their mean.",
        0.0, 2.0, "assumption")
    response_to_error_difficulty: float = parameter(
        -0.4, "scale points", "Mean difficulty of the nonpunitive response-to-error items "
        "(answers lower by this much than the latent belief maps to).", -4.0, 4.0,
        "calibrated: 44% positive, the lowest composite (AHRQ 2012 database)")
    communication_openness_difficulty: float = parameter(
        -1.2, "scale points", "Mean difficulty of the communication openness items.",
        -4.0, 4.0, "calibrated: SOPS 2.0 pilot, communication openness about 65-75% positive")
    communication_about_error_difficulty: float = parameter(
        -1.9, "scale points", "Mean difficulty of the communication about error (feedback) "
        "items.", -4.0, 4.0, "calibrated: SOPS 2.0 pilot, about 65-70% positive")
    management_support_difficulty: float = parameter(
        -1.4, "scale points", "Mean difficulty of the hospital management support items.",
        -4.0, 4.0, "calibrated: SOPS 2.0 pilot, about 60-70% positive")
