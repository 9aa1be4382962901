"""The levers of a scenario: hospital and staffing, patients, hazards, regulation, transparency,
management, clinicians' starting beliefs, and the length of a run.

These are the parameters a policy team or a teacher changes. Defaults describe the calibrated
baseline hospital (docs/ODD.md, "Initialisation" and "Input data"). The coefficients of the
agents' rules live in `sim.config.behaviour`. The few the classroom page offers as sliders are
declared here with `classroom_lever`: its label, a range sized for a lesson and the slider's
step sit beside the parameter's unit, valid range and source, so the page keeps no list of its
own (sim/app/classroom.py reads them).
"""

from __future__ import annotations

from dataclasses import Field, dataclass, field, fields
from typing import Any

from sim.config.base import parameter

CLASSROOM = "classroom"  # the metadata key of a parameter's lever on the classroom page


@dataclass(frozen=True)
class ClassroomLever:
    """How the classroom page offers a parameter as a slider: its label, a range sized for a
    lesson (inside the parameter's valid range) and the slider's step."""

    label: str
    short: str  # a few words for headers and chart markers
    low: float
    high: float
    step: float
    whole: bool = False


def classroom_lever(declared: Any, label: str, short: str, low: float, high: float,
                    step: float) -> Any:
    """The parameter declared by `parameter(...)`, also offered as a lever on the page."""
    if not isinstance(declared, Field):
        raise TypeError(f"lever {label!r}: expected a parameter(...) declaration")
    lever = ClassroomLever(label, short, low, high, step, whole=isinstance(declared.default, int))
    valid_low, valid_high = declared.metadata["low"], declared.metadata["high"]
    if (valid_low is not None and low < valid_low) or (valid_high is not None
                                                       and high > valid_high):
        raise ValueError(f"lever {label!r}: range {low}-{high} leaves the valid range")
    return field(default=declared.default,
                 metadata={**declared.metadata, CLASSROOM: lever})


def classroom_levers(groups: Any) -> dict[str, ClassroomLever]:
    """Every parameter offered on the page, as `group.name` -> its lever, in the order of
    `groups` (a ModelConfig) and of the declarations within each group."""
    levers = {}
    for group in fields(groups):
        for item in fields(getattr(groups, group.name)):
            if CLASSROOM in item.metadata:
                levers[f"{group.name}.{item.name}"] = item.metadata[CLASSROOM]
    return levers


@dataclass
class HospitalConfig:
    """Size and staffing of the hospital."""

    wards: int = parameter(8, "wards", "Number of wards (clinical teams).", 1, 200)
    beds_per_ward: int = parameter(28, "beds", "Beds in each ward.", 1, 200)
    nurses_per_ward: int = classroom_lever(
        parameter(18, "nurses", "Nurses employed on each ward.", 1, 500),
        "Staffing: nurses per ward", "nurses per ward",
        6, 30, 1)
    doctors_per_ward: int = parameter(6, "doctors", "Doctors attached to each ward.", 0, 200)
    executives: int = parameter(2, "managers", "Executives above the ward managers.", 0, 50)
    attendance: float = parameter(
        0.65, "share", "Share of a ward's clinicians on duty on a given day.", 0.05, 1.0,
        "assumption: rosters of about 4.5 shifts a week, leave and training")
    care_capacity: float = parameter(
        3.0, "patients per clinician-day",
        "Patients one clinician can care for in a day with no regulatory work; more patients "
        "than this per clinician on duty is time pressure.", 0.5, 20.0,
        "calibrated: time pressure near 0.85 at baseline")


@dataclass
class PatientConfig:
    """Patient flow, vulnerability and partnership (M10)."""

    target_occupancy: float = parameter(
        0.88, "share", "Bed occupancy the admission stream aims at.", 0.05, 1.0,
        "NHS England bed occupancy, 2010s (about 88%)")
    mean_length_of_stay: float = parameter(
        5.0, "days", "Mean length of stay (log-normal).", 1.0, 60.0,
        "OECD acute-care average length of stay (about 5 days)")
    mean_vulnerability: float = parameter(
        0.35, "0-1", "Mean frailty: raises the chance an error occurs and causes harm.",
        0.01, 0.99)
    complication_rate: float = parameter(
        0.0085, "per patient-day",
        "Daily chance of a non-preventable adverse event (a complication of care itself) for a "
        "patient of mean vulnerability.", 0.0, 0.2,
        "calibrated: 0.04-0.13 adverse events per admission, 30-60% preventable (de Vries 2008)")
    engagement: float = parameter(
        0.25, "0-1", "Mean willingness of patients to speak up about their care.", 0.0, 1.0)
    speak_up_invitation: float = classroom_lever(
        parameter(
            0.0, "0-1",
            "Patient partnership: how strongly staff invite patients to speak up and report "
            "(PRASE, Lawton 2017).", 0.0, 1.0),
        "Patient partnership", "patient partnership",
        0.0, 1.0, 0.05)
    reports_acted_on: float = parameter(
        0.2, "share", "Share of patients' concerns and reports, raised on the ward or in "
        "writing, that staff act on.", 0.0, 1.0,
        "Lawton 2017: benefit only where at least 75% of patient feedback was acted on")


@dataclass
class HazardConfig:
    """Latent hazards: the 'problems' that make workarounds necessary (M4)."""

    emergence_rate: float = parameter(
        0.2, "per ward-day", "New latent hazards (broken equipment, missing supplies, process "
        "gaps) appearing in a ward each day.", 0.0, 20.0,
        "Tucker & Edmondson 2003: nurses met about one operational failure an hour")
    self_resolution_days: float = parameter(
        120.0, "days", "Mean time after which a hazard disappears without anyone fixing it "
        "(replacement stock arrives, equipment is swapped).", 1.0, 10000.0)
    encounters_per_hazard: float = parameter(
        0.25, "per clinician-day", "Chance that a clinician on duty meets each open hazard.",
        0.0, 1.0)
    initial_age_days: float = parameter(
        70.0, "days", "A ward starts with the hazards of this many days of emergence, near the "
        "load it carries in steady state, so that runs do not open with a rising trend.",
        0.0, 1000.0, "calibrated: open hazards flat over four years at baseline")


@dataclass
class RegulationConfig:
    """The regulatory regime (M7, M8, M12)."""

    admin_share: float = classroom_lever(
        parameter(
            0.30, "share of time", "Share of a nurse's working time that regulatory work and "
            "documentation demand (doctors: plus `burnout.doctor_admin_extra`).", 0.0, 0.9,
            "Hendrich 2008: ~35% of nurses' time on documentation; Sinsky 2016: ~49% of "
            "physicians' office time on desk work"),
        "Paperwork: share of working time", "paperwork",
        0.0, 0.7, 0.05)
    coherence: float = parameter(
        0.6, "0-1", "Share of the rules met on the ward that clinicians see as sensible and "
        "consistent (safety barriers); the rest seem pointless and invite workarounds.",
        0.0, 1.0)
    rule_obstacles: float = parameter(
        0.8, "per clinician-day", "Times a day a clinician meets a rule that slows care "
        "(a check, a form, a sign-off), sensible or not.", 0.0, 20.0)
    audits_per_year: float = classroom_lever(
        parameter(
            4.0, "per ward-year", "Compliance audits of each ward per year.", 0.0, 365.0),
        "Compliance audits per ward per year", "audits a year",
        0.0, 24.0, 1.0)
    audit_time_cost: float = parameter(
        0.05, "share of day", "Time an audit day takes from each clinician on the ward.",
        0.0, 0.5)


@dataclass
class TransparencyConfig:
    """Transparency policy (M14): who learns what happened to a report."""

    report_visibility: float = classroom_lever(
        parameter(
            0.25, "share", "Share of ward colleagues who learn how a report was handled.",
            0.0, 1.0),
        "Transparency: colleagues who see how a report was handled", "transparency",
        0.0, 1.0, 0.05)
    cross_ward_visibility: float = parameter(
        0.01, "share", "Clinicians in other wards who learn of it, per clinician of the "
        "reporting ward (so that news travels as far whatever the number of wards).", 0.0, 1.0)
    open_disclosure: float = parameter(
        0.3, "share", "Share of adverse events openly disclosed to the patient.", 0.0, 1.0)


@dataclass
class ManagementConfig:
    """Hospital management policy (M2, M3, M11, M12). Each manager's own style starts here and
    then moves with pressure and experience (`sim.config.behaviour.ManagerBehaviour`)."""

    punitiveness: float = classroom_lever(
        parameter(
            0.5, "0-1", "Policy centre of the chance a manager answers a report with blame rather "
            "than learning.", 0.0, 1.0, "calibrated: AHRQ 2012, 44% see a nonpunitive response"),
        "Managers' blame (0: always learn, 1: always blame)", "blame",
        0.0, 1.0, 0.05)
    punitiveness_spread: float = parameter(
        0.7, "log-odds", "Spread of punitiveness between managers (standard deviation "
        "in log-odds).", 0.0, 3.0)
    follow_up_capacity: float = parameter(
        1.0, "reports per manager-day", "Reports a ward manager can properly follow up each day.",
        0.0, 50.0)
    feedback_probability: float = classroom_lever(
        parameter(
            0.25, "share", "Chance a followed-up report gets feedback to the reporter.", 0.0, 1.0,
            "Harrison 2014: 14% of physicians got useful feedback"),
        "Feedback to the reporter", "feedback",
        0.0, 1.0, 0.05)
    feedback_delay_days: float = parameter(
        7.0, "days", "Mean delay between a report and its feedback.", 0.0, 120.0)
    fix_probability: float = parameter(
        0.5, "share", "Chance a learning response sets about fixing the hazard behind the report.",
        0.0, 1.0, "OIG 2012: of 40 reported harm events, 28 investigated, 5 led to a change")
    compliance_focus: float = parameter(
        0.5, "0-1", "Policy centre of the share of managers' attention taken by compliance "
        "targets rather than fixing problems.", 0.0, 1.0)
    walkrounds_per_month: float = classroom_lever(
        parameter(
            0.0, "per ward-month", "Safety walkrounds by managers on each ward per month.",
            0.0, 30.0),
        "Walkrounds per ward per month", "walkrounds a month",
        0.0, 8.0, 0.5)
    walkround_follow_through: float = classroom_lever(
        parameter(
            0.5, "share", "Chance that a concern raised on a walkround is taken on, worked on and "
            "fed back.", 0.0, 1.0, "Sexton 2018; Tucker & Singer 2015"),
        "Walkround follow-through", "walkround follow-through",
        0.0, 1.0, 0.05)


@dataclass
class ClinicianConfig:
    """Clinicians' starting beliefs, improvement support and how they learn (M1-M9)."""

    initial_psychological_safety: float = parameter(
        0.45, "0-1", "Mean psychological safety of a clinician joining the hospital.", 0.0, 1.0,
        "Pronovost/Keystone: 42.5% positive safety climate at the start")
    initial_trust: float = parameter(
        0.4, "0-1", "Mean trust in management of a clinician joining the hospital.", 0.0, 1.0)
    initial_usefulness: float = parameter(
        0.3, "0-1", "Mean belief that reporting changes something, on joining.", 0.0, 1.0)
    initial_tolerance: float = parameter(
        0.35, "0-1", "Mean tolerance of deviation from procedure, on joining.", 0.0, 1.0)
    belief_spread: float = parameter(
        0.8, "log-odds", "Spread of beliefs between clinicians (standard deviation in "
        "log-odds).", 0.0, 3.0)
    second_order_propensity: float = parameter(
        0.05, "share", "Chance a clinician fixes or reports the cause of a problem instead of "
        "working around it, with psychological safety and usefulness at 0 and no hurry.",
        0.0, 1.0,
        "calibrated: about 7% of responses are second order (Tucker & Edmondson 2003)")
    clinician_led_improvement: float = parameter(
        0.0, "0-1", "Support for clinicians to own second-order problem solving: protected "
        "time (taken from care) and authority to fix.", 0.0, 1.0)
    peer_influence: float = parameter(
        0.05, "per day", "Rate at which tolerance of deviation moves toward the ward's norm.",
        0.0, 1.0, "Debono 2013: workarounds spread through group norms")
    climate_influence: float = parameter(
        0.01, "per day", "Rate at which psychological safety and perceived usefulness move "
        "toward the ward's climate.", 0.0, 1.0,
        "Edmondson 1999: psychological safety is a shared team belief")
    belief_memory: float = parameter(
        0.02, "per day", "Rate at which beliefs and tolerance settle back toward the "
        "clinician's own disposition (and professional standard) as events fade.", 0.0, 1.0,
        "assumption: a half-life of about a month for the effect of one event")
    efficiency_drift: float = parameter(
        0.002, "per day", "Drift of tolerance toward deviation under time pressure.", 0.0, 0.1,
        "Rasmussen 1997")
    normalisation_step: float = parameter(
        0.01, "per event", "Rise in tolerance after a workaround followed by no harm.", 0.0, 0.5,
        "Vaughan 1996")
    harm_correction: float = parameter(
        0.15, "per event", "Fall in tolerance after a workaround that caused harm.", 0.0, 1.0)
    burnout_threshold: float = parameter(
        0.6, "0-1", "Exhaustion above which a clinician counts as burned out.", 0.05, 1.0)
    recovery_rate: float = parameter(
        0.03, "per day", "Rate at which exhaustion moves toward the day's strain.", 0.0, 1.0)
    base_error_rate: float = parameter(
        0.015, "per patient-day", "Chance of an error in one patient's care by one clinician "
        "in a day, before workarounds, workload and burnout.", 0.0, 0.5,
        "calibrated: 0.04-0.13 adverse events per admission, 30-60% preventable")


@dataclass
class RunConfig:
    """Length of a run."""

    days: int = parameter(365, "days", "Days simulated after burn-in.", 1, 3650)
    burn_in: int = parameter(90, "days", "Days simulated first so that beliefs settle.", 0, 3650)
